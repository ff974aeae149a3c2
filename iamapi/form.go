package iamapi

// The Query protocol's request decoder: form-encoded parameters from the
// URL and (for POST) the body, flattened lists as Name.member.N[.Field].

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/awserr"
)

// MaxBody bounds a request body. The largest IAM input is a policy of
// 131,072 characters; percent-encoded it can triple.
const MaxBody = 1 << 20

// ErrBodyTooLarge is the answer to a body over MaxBody.
func ErrBodyTooLarge() *awserr.Error {
	return awserr.ValidationError.Err("The request body exceeds %d bytes.", MaxBody)
}

// ErrBodyUnreadable is the answer to a body that stalled or ended early.
func ErrBodyUnreadable(err error) *awserr.Error {
	return awserr.ValidationError.Err("The request body could not be read.").Wrap(err)
}

// form is a request's parameters. Each name appears once: a repeated
// parameter is refused rather than resolved, since which copy wins is
// exactly what a signer and a server could disagree on.
type form map[string]string

// parseForm decodes the URL query and the body, both
// application/x-www-form-urlencoded, into one form. A name in both is a
// duplicate.
func parseForm(query, body string) (form, error) {
	f := form{}
	for _, src := range []string{query, body} {
		if err := f.decode(src); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f form) decode(s string) error {
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return awserr.MalformedQueryString.Err("Invalid parameter name encoding: %q", truncate(k, 64))
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return awserr.MalformedQueryString.Err("Invalid encoding in the value of %q", truncate(key, 64))
		}
		if _, dup := f[key]; dup {
			return awserr.MalformedQueryString.Err("Parameter %s appears more than once", truncate(key, 64))
		}
		f[key] = val
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// has reports whether the parameter was sent (even empty).
func (f form) has(name string) bool {
	_, ok := f[name]
	return ok
}

// members returns the structures of a flattened list, prefix.member.N.field
// for N = 1, 2, ... until an N has none of fields. fields may be empty for
// a list of strings (prefix.member.N).
func (f form) members(prefix string, fields ...string) []map[string]string {
	var out []map[string]string
	for n := 1; ; n++ {
		base := prefix + ".member." + strconv.Itoa(n)
		m := map[string]string{}
		if len(fields) == 0 {
			if v, ok := f[base]; ok {
				m[""] = v
			}
		}
		for _, fl := range fields {
			if v, ok := f[base+"."+fl]; ok {
				m[fl] = v
			}
		}
		if len(m) == 0 {
			return out
		}
		out = append(out, m)
	}
}

// maxItems parses MaxItems: 1..1000, default 100, as IAM.
func (f form) maxItems() (int, error) {
	v, ok := f["MaxItems"]
	if !ok {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, awserr.ValidationError.Err("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must be a number", truncate(v, 64))
	}
	switch {
	case n < 1:
		return 0, invalid("maxItems", v, "Member must have value greater than or equal to 1")
	case n > 1000:
		return 0, invalid("maxItems", v, "Member must have value less than or equal to 1000")
	}
	return n, nil
}

// formValues is f as url.Values, for r.Form.
func formValues(f form) url.Values {
	v := make(url.Values, len(f))
	for k, s := range f {
		v[k] = []string{s}
	}
	return v
}
