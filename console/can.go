package console

// Controls the user may not use are shown disabled with the reason. The
// console does not guess from policies: it asks the API the control would
// call, signed as the user, as a dry run (authz.WithDryRun), so the same
// checker decides with the same identity and access point policies and
// VPC rule, and nothing is performed, logged or counted.

import (
	"context"
	"fmt"
	"strings"

	"github.com/fsxd/fsxd/authz"
)

// denials maps a control ("volume/delete fsvol-…") to why it is refused;
// a control that is not there is allowed, or was not asked about.
type denials map[string]string

// maxProbes bounds the dry runs of one page: past it, controls are shown
// enabled and a click gets the API's own answer.
const maxProbes = 50

// prober asks the dry runs of one page.
type prober struct {
	ctx context.Context
	out denials
	n   int
}

func newProber(ctx context.Context) *prober { return &prober{ctx: ctx, out: denials{}} }

// ask runs call as a dry run and records control as denied when the
// checker refused it. Any other answer (the dry run passed, or the API
// refused the input before deciding) leaves the control enabled.
func (p *prober) ask(control string, call func(ctx context.Context) error) {
	if p.n >= maxProbes {
		return
	}
	p.n++
	var d authz.DryRun
	_ = call(authz.WithDryRun(p.ctx, &d))
	if d.Denied != nil {
		p.out[control] = "Denied: " + d.Denied.Action + " on " + d.Denied.Resource
	}
}

func init() {
	// why names a control by its words joined with spaces, as ask did.
	funcs["why"] = func(d denials, parts ...any) string {
		s := make([]string, len(parts))
		for i, x := range parts {
			s[i] = fmt.Sprint(x)
		}
		return d[strings.Join(s, " ")]
	}
}
