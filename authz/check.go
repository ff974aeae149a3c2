package authz

// The decision: the VPC rule first, then the policies. Condition keys are
// filled here, once, so every front end offers policies the same ones.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
)

// Check returns nil when req is allowed, a *Denial (errors.Is ErrDenied)
// when it is not, and another error when the identity policies could not
// be loaded (the front end answers 500: failing closed, but not claiming a
// denial it didn't decide).
//
// The VPC rule comes first and binds everyone, the root user included:
// a VPC-restricted access point is unreachable from outside its network
// whatever the policies say. Then policy.Evaluate: an explicit Deny in any
// identity policy or the access point policy wins; otherwise, same-account,
// an Allow from either is enough; the root user needs no Allow.
//
// A Request without SourceIP takes it, and SecureTransport, from
// WithSource in ctx. Under WithDryRun, an allowed request gets ErrDryRun
// instead of nil.
func (c *Checker) Check(ctx context.Context, req Request) error {
	return dryRun(ctx, c.decide(ctx, req))
}

func (c *Checker) decide(ctx context.Context, req Request) error {
	req = withSource(ctx, req)
	p := req.Principal
	if p == nil {
		return deny(&req, LayerIdentity, "no principal")
	}
	ap := req.AccessPoint
	if ap != nil && ap.VpcID != "" && !c.InVPC(ap.VpcID, req.SourceIP) {
		return deny(&req, LayerVPC, "source %s is outside %s, the network of access point %s", req.SourceIP, ap.VpcID, ap.Name)
	}
	var docs []*policy.Document
	if !p.IsRoot && c.Identity != nil {
		var err error
		if docs, err = c.Identity(ctx, p); err != nil {
			return fmt.Errorf("authz: loading policies of %s: %w", p.ARN, err)
		}
	}
	preq := policy.Request{
		Action:    req.Action,
		Resource:  req.Resource,
		Principal: *p,
	}
	var resource *policy.Document
	if ap != nil {
		resource, preq.ResourceAccount, preq.Bound = ap.Policy, ap.AccountID, ap.Bound
	} else if tr := req.Trust; tr != nil {
		resource, preq.ResourceAccount, preq.Bound = tr.Policy, tr.AccountID, tr.Bound
	}
	if readsContext(resource, docs) {
		preq.Context = c.conditionKeys(&req)
	}
	switch d := policy.Evaluate(preq, docs, resource); d {
	case policy.Allow:
		return c.checkSession(ctx, &req, preq)
	case policy.ExplicitDeny:
		return deny(&req, explicitLayer(preq, resource), "explicit deny of %s on %s for %s", req.Action, req.Resource, p.ARN)
	}
	layer := LayerIdentity
	if ap != nil && resource != nil {
		layer = LayerNoAllow
	}
	return deny(&req, layer, "no policy allows %s on %s for %s", req.Action, req.Resource, p.ARN)
}

// checkSession intersects an allowed request with its session's policies
// (STS AssumeRole's Policy and PolicyArns), as AWS does: one of them must
// allow it too.
func (c *Checker) checkSession(ctx context.Context, req *Request, preq policy.Request) error {
	p := req.Principal
	if !p.Temporary || c.Session == nil {
		return nil
	}
	docs, err := c.Session(ctx, p)
	if err != nil {
		return fmt.Errorf("authz: loading the session policy of %s: %w", p.ARN, err)
	}
	if docs == nil {
		return nil
	}
	if readsContext(nil, docs) && preq.Context == nil {
		preq.Context = c.conditionKeys(req)
	}
	// A session policy must allow on its own, even in a session of the
	// root user (GetFederationToken): root's implicit allow is what it
	// narrows, not a grant beside it.
	preq.Principal.IsRoot = false
	if policy.Evaluate(preq, docs, nil) != policy.Allow {
		return deny(req, LayerIdentity, "the session policy of %s does not allow %s on %s", p.ARN, req.Action, req.Resource)
	}
	return nil
}

// explicitLayer tells whose explicit Deny refused the request: the access
// point policy's if it denies on its own, else the identity policies'.
// Only refusals pay for the second evaluation.
func explicitLayer(preq policy.Request, resource *policy.Document) Layer {
	if resource != nil && policy.Evaluate(preq, nil, resource) == policy.ExplicitDeny {
		return LayerAccessPoint
	}
	return LayerIdentity
}

// readsContext reports whether any of the documents can read condition
// keys; most requests meet none that do, and building the keys is a
// dozen allocations.
func readsContext(resource *policy.Document, docs []*policy.Document) bool {
	if resource != nil && resource.ReadsContext() {
		return true
	}
	for _, d := range docs {
		if d != nil && d.ReadsContext() {
			return true
		}
	}
	return false
}

// ConditionKeys are the condition keys a request carries, as policies
// evaluated for it see them: for a policy evaluated outside Check, such as
// a role's trust policy at AssumeRole.
func (c *Checker) ConditionKeys(ctx context.Context, req Request) map[string][]string {
	req = withSource(ctx, req)
	return c.conditionKeys(&req)
}

// conditionKeys returns the request's keys, lower-cased as package policy
// wants them, plus the global ones. The request's own keys can't override
// the global ones: a front end passing a client-controlled map must not
// let the client choose its aws:SourceIp.
//
// Unlike AWS, aws:SourceIp is set even when the request comes from a VPC
// (AWS then sets only aws:VpcSourceIp): here the address is the same
// either way, and policies written for either key keep working.
func (c *Checker) conditionKeys(req *Request) map[string][]string {
	m := make(map[string][]string, len(req.Context)+16)
	for k, v := range req.Context {
		m[strings.ToLower(k)] = v
	}
	p := req.Principal
	now := c.Now().UTC()
	set := func(k, v string) {
		if v != "" {
			m[k] = []string{v}
		} else {
			delete(m, k)
		}
	}
	set("aws:sourceip", req.SourceIP)
	if p.RoleARN != "" {
		set("aws:principalarn", p.RoleARN) // AWS: the role's, not the session's
	} else {
		set("aws:principalarn", p.ARN)
	}
	for k, v := range p.Tags {
		set("aws:principaltag/"+strings.ToLower(k), v)
	}
	set("aws:principalaccount", p.AccountID)
	set("aws:principaltype", principalType(p))
	set("aws:username", p.UserName)
	set("aws:userid", p.UserID)
	if p.FederatedUser != "" {
		set("aws:username", "")
		set("aws:userid", p.AccountID+":"+p.FederatedUser)
	}
	c.requestKeys(set, req)
	set("aws:currenttime", now.Format("2006-01-02T15:04:05Z"))
	set("aws:epochtime", strconv.FormatInt(now.Unix(), 10))
	set("aws:securetransport", strconv.FormatBool(req.SecureTransport))
	ap := req.AccessPoint
	prefer := ""
	if ap != nil {
		prefer = ap.VpcID
	}
	vpc := c.sourceVPC(req.SourceIP, prefer)
	set("aws:sourcevpc", vpc)
	set("aws:vpcsourceip", ifSet(vpc, req.SourceIP))
	if ap != nil {
		set("s3:dataaccesspointarn", ap.ARN)
		set("s3:dataaccesspointaccount", ap.AccountID)
		set("s3:accesspointnetworkorigin", networkOrigin(ap))
	} else {
		delete(m, "s3:dataaccesspointarn")
		delete(m, "s3:dataaccesspointaccount")
		delete(m, "s3:accesspointnetworkorigin")
	}
	return m
}

// requestKeys sets the global keys AWS puts in every signed request:
// without them a Deny that ANDs one of them (AWS's own "revoke older
// sessions" policy on aws:TokenIssueTime, its source-IP fence on
// aws:ViaAWSService) would never apply. No request reaches fsxd through
// another AWS service, so the service keys are always false; the
// token's keys exist for temporary credentials only, and no session here
// is made with MFA.
func (c *Checker) requestKeys(set func(k, v string), req *Request) {
	p := req.Principal
	set("aws:principalisawsservice", "false")
	set("aws:viaawsservice", "false")
	region := c.Region
	if strings.HasPrefix(strings.ToLower(req.Action), "iam:") {
		region = "us-east-1"
	}
	set("aws:requestedregion", region)
	issued, mfa := "", ""
	if p.Temporary {
		mfa = "false"
		if !p.TokenIssued.IsZero() {
			issued = p.TokenIssued.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	set("aws:tokenissuetime", issued)
	set("aws:multifactorauthpresent", mfa)
}

func ifSet(cond, v string) string {
	if cond == "" {
		return ""
	}
	return v
}

func principalType(p *fsxd.Principal) string {
	switch {
	case p.IsRoot:
		return "Account"
	case p.RoleName != "":
		return "AssumedRole"
	case p.FederatedUser != "":
		return "FederatedUser"
	}
	return "User"
}

// networkOrigin is S3's NetworkOrigin of the access point.
func networkOrigin(ap *AccessPointInfo) string {
	if ap.VpcID != "" {
		return "VPC"
	}
	return "Internet"
}
