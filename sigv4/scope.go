package sigv4

import "slices"

// Scope is what an API accepts in a credential scope. The scope is part
// of the string to sign, so a signature made for another region or
// service verifies just as well; only this check keeps a signature meant
// for one service from being spent on another.
type Scope struct {
	// Services the API answers to; the first is the one errors name.
	Services []string
	// Regions accepted; the first is the one errors name. None: any.
	Regions []string
}

// check refuses a credential scoped to another region or service. The
// region is checked first: it is the mistake clients make, and S3's
// answer to it names the right region, which SDKs use to redirect.
func (sc *Scope) check(c credential, presigned bool) error {
	if sc == nil {
		return nil
	}
	if len(sc.Regions) > 0 && !slices.Contains(sc.Regions, c.Region) {
		return &Error{Kind: ErrWrongRegion, Msg: "the region '" + c.Region + "' is wrong; expecting '" + sc.Regions[0] + "'",
			Got: c.Region, Want: sc.Regions[0], Presigned: presigned}
	}
	if len(sc.Services) > 0 && !slices.Contains(sc.Services, c.Service) {
		return &Error{Kind: ErrWrongService, Msg: "credential should be scoped to service '" + sc.Services[0] + "', not '" + c.Service + "'",
			Got: c.Service, Want: sc.Services[0], Presigned: presigned}
	}
	return nil
}
