package fsxapi

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fsxd/fsxd/awserr"
)

// This file is the runtime half of the generated validation in
// zz_shapes.go: the generator emits one spec per constrained shape and a
// validate walk per input structure; the checks and the message format
// live here. Messages follow AWS's validation wording ("1 validation error
// detected: Value 'x' at 'name' failed to satisfy constraint: ..."), with
// member paths spelled as AWS spells them (lower-case first letter, list
// elements as "tags.1.member"). FSx answers invalid input with BadRequest.

// strSpec constrains a string shape. Lengths count characters, as the
// model does; max < 0 means unbounded.
type strSpec struct {
	min, max  int
	pattern   string         // as in the model, for the message
	re        *regexp.Regexp // its RE2 translation; nil when untranslatable
	enum      []string
	sensitive bool // never echo the value
}

// numSpec constrains an integer shape.
type numSpec struct{ min, max int64 }

// listSpec constrains a list's length; max < 0 means unbounded.
type listSpec struct{ min, max int }

// maxReported bounds the messages joined into one error.
const maxReported = 10

// validator collects violations so one response reports them all, as AWS does.
type validator struct{ errs []string }

type validatable interface{ validate(*validator, string) }

// validateShape runs the generated walk from the top of a request.
func validateShape(s validatable) error {
	v := &validator{}
	s.validate(v, "")
	return v.err()
}

func (v *validator) err() error {
	n := len(v.errs)
	if n == 0 {
		return nil
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	shown := v.errs[:min(n, maxReported)]
	return awserr.BadRequest.Err("%d validation error%s detected: %s", n, plural, strings.Join(shown, "; "))
}

func (v *validator) fail(value, path, constraint string) {
	v.errs = append(v.errs, fmt.Sprintf("Value %sat '%s' failed to satisfy constraint: Member must %s", value, path, constraint))
}

func (v *validator) required(path string, present bool) {
	if !present {
		v.fail("null ", path, "not be null")
	}
}

func (v *validator) str(path, s string, spec *strSpec) {
	shown := quote(s, spec.sensitive)
	if n := utf8.RuneCountInString(s); n < spec.min {
		v.fail(shown, path, fmt.Sprintf("have length greater than or equal to %d", spec.min))
	} else if spec.max >= 0 && n > spec.max {
		v.fail(shown, path, fmt.Sprintf("have length less than or equal to %d", spec.max))
	}
	if spec.re != nil && !spec.re.MatchString(s) {
		v.fail(shown, path, "satisfy regular expression pattern: "+spec.pattern)
	}
	if len(spec.enum) > 0 && !contains(spec.enum, s) {
		v.fail(shown, path, "satisfy enum value set: ["+strings.Join(spec.enum, ", ")+"]")
	}
	// AWS reserves the prefix for its own tags, in any case and on every
	// operation that takes tags (the model cannot say so).
	if spec == &specTagKey && len(s) >= 4 && strings.EqualFold(s[:4], "aws:") {
		v.fail(shown, path, "not begin with the reserved prefix 'aws:'")
	}
}

func (v *validator) num(path string, n int64, spec *numSpec) {
	shown := "'" + strconv.FormatInt(n, 10) + "' "
	if n < spec.min {
		v.fail(shown, path, fmt.Sprintf("have value greater than or equal to %d", spec.min))
	} else if n > spec.max {
		v.fail(shown, path, fmt.Sprintf("have value less than or equal to %d", spec.max))
	}
}

func (v *validator) list(path string, n int, spec *listSpec) {
	shown := fmt.Sprintf("with %d elements ", n)
	if n < spec.min {
		v.fail(shown, path, fmt.Sprintf("have length greater than or equal to %d", spec.min))
	} else if spec.max >= 0 && n > spec.max {
		v.fail(shown, path, fmt.Sprintf("have length less than or equal to %d", spec.max))
	}
}

// maxShown bounds an echoed value: policies can be 200,000 characters.
const maxShown = 256

func quote(s string, sensitive bool) string {
	if sensitive {
		return "" // AWS leaves sensitive values out of the message
	}
	if utf8.RuneCountInString(s) > maxShown {
		s = string([]rune(s)[:maxShown]) + "..."
	}
	return "'" + s + "' "
}

// join and item build member paths as AWS spells them.
func join(p, member string) string {
	if p == "" {
		return member
	}
	return p + "." + member
}

func item(p string, i int) string { return p + "." + strconv.Itoa(i+1) + ".member" }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
