package iamapi

// STS: GetCallerIdentity (who am I: every authenticated caller may ask,
// as on AWS, so there is no authorization), AssumeRole and
// GetSessionToken (temporary credentials, stored by package identity).

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

type callerIdentityXML struct {
	UserID  string `xml:"UserId"`
	Account string
	Arn     string
}

func (c *call) getCallerIdentity() (any, error) {
	p := c.caller
	if p.FederatedUser != "" {
		return callerIdentityXML{UserID: p.AccountID + ":" + p.FederatedUser, Account: p.AccountID, Arn: p.ARN}, nil
	}
	return callerIdentityXML{UserID: p.UserID, Account: p.AccountID, Arn: p.ARN}, nil
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func credentialsOf(iss identity.Issued) credentialsXML {
	return credentialsXML{AccessKeyID: iss.AccessKeyID, SecretAccessKey: iss.Secret, SessionToken: iss.Token, Expiration: isoTime(iss.Expires)}
}

type assumeRoleResult struct {
	Credentials     credentialsXML
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string
	}
}

// duration reads DurationSeconds: at least 900, at most max.
func (c *call) duration(def, max int) (time.Duration, error) {
	v, ok := c.f["DurationSeconds"]
	if !ok {
		return time.Duration(def) * time.Second, nil
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, invalid("durationSeconds", v, "Member must be a number")
	case n < 900:
		return 0, invalid("durationSeconds", v, "Member must have value greater than or equal to 900")
	case n > max:
		return 0, invalid("durationSeconds", v, "Member must have value less than or equal to "+strconv.Itoa(max))
	}
	return time.Duration(n) * time.Second, nil
}

func (c *call) assumeRole() (any, error) {
	roleARN, err := c.f.required(pRoleArn)
	if err != nil {
		return nil, err
	}
	session, err := c.f.required(pSessionName)
	if err != nil {
		return nil, err
	}
	dur, err := c.duration(3600, 43200)
	if err != nil {
		return nil, err
	}
	ext, err := c.f.optional(pExternalID, "")
	if err != nil {
		return nil, err
	}
	sessionPolicy, policyArns, err := c.sessionPolicies()
	if err != nil {
		return nil, err
	}
	if c.caller.IsRoot {
		return nil, awserr.IAMAccessDenied.Err("Roles may not be assumed by root accounts.")
	}
	denied := awserr.IAMAccessDenied.Err("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.caller.ARN, roleARN)
	role, trust, err := c.trustedRole(roleARN, ext)
	if err != nil {
		return nil, err
	} else if role == nil {
		return nil, denied
	}
	// The caller's own permission beside the role's trust: a trust that
	// names the caller is enough with no identity Allow (an explicit Deny
	// still refuses); one that names only the account delegates to the
	// caller's identity policies, as on AWS.
	if err := c.check(authz.Request{Action: "sts:AssumeRole", Resource: roleARN, Context: c.trustContext(ext),
		Trust: &authz.TrustInfo{Policy: trust, AccountID: c.s.dir.Account().ID, Bound: role.TrustIDs}}); err != nil {
		return nil, err
	}
	if c.caller.RoleName != "" && dur > time.Hour {
		return nil, awserr.ValidationError.Err("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if dur > time.Duration(role.MaxSessionDuration)*time.Second {
		return nil, awserr.ValidationError.Err("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	s := &identity.Session{RoleName: role.Name, RoleID: role.ID, SessionName: session, SessionPolicy: sessionPolicy, PolicyArns: policyArns}
	iss, err := c.issue(s, dur, func(tx *store.Tx) error {
		r, err := roles(tx).Get(nameKey(role.Name))
		if err != nil || r.ID != role.ID {
			return denied // deleted meanwhile
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := assumeRoleResult{Credentials: credentialsOf(iss)}
	res.AssumedRoleUser.AssumedRoleID = role.ID + ":" + session
	res.AssumedRoleUser.Arn = c.s.dir.AssumedRoleARN(role.Name, session)
	return res, nil
}

// trustedRole returns the role roleARN names if its trust policy lets the
// caller assume it, nil if not (or if there is no such role: the caller
// learns only AccessDenied).
func (c *call) trustedRole(roleARN, externalID string) (*roleRec, *policy.Document, error) {
	a, ok := fsxd.ParseARN(roleARN)
	if !ok || a.Service != "iam" || a.Account != c.s.dir.Account().ID || !strings.HasPrefix(a.Resource, "role/") {
		return nil, nil, nil
	}
	name := a.Resource[strings.LastIndex(a.Resource, "/")+1:]
	var r *roleRec
	err := c.s.dir.Store().View(c.ctx, func(tx *store.Tx) (err error) {
		r, err = roles(tx).Get(nameKey(name))
		return err
	})
	if errors.Is(err, store.ErrNotFound) || err == nil && c.s.dir.RoleARN(r.Path, r.Name) != roleARN {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	trust, err := policy.ParseKind([]byte(r.AssumeRolePolicy), policy.TrustPolicy)
	if err != nil {
		return nil, nil, err // validated when stored
	}
	keys := c.trustKeys(roleARN)
	for k, v := range c.trustContext(externalID) {
		keys[k] = v
	}
	req := policy.Request{Action: "sts:AssumeRole", Resource: roleARN, Principal: *c.caller, Context: keys, Bound: r.TrustIDs}
	// The trust alone, naming the caller or only its account: the
	// caller's identity policies are weighed beside it in assumeRole.
	if trust.Grants(req) != policy.Allow {
		return nil, nil, nil
	}
	return r, trust, nil
}

// trustKeys are the condition keys a trust policy sees: the request's
// (source address, time, principal type, ...) as identity policies see
// them, and AssumeRole's own (trustContext). Without them a Deny on, say,
// aws:SourceIp in a trust policy would never apply.
func (c *call) trustKeys(roleARN string) map[string][]string {
	keys := map[string][]string{}
	if c.s.cfg.Checker != nil {
		keys = c.s.cfg.Checker.ConditionKeys(c.ctx, authz.Request{Principal: c.caller, Action: "sts:AssumeRole", Resource: roleARN})
	}
	return keys
}

// trustContext are AssumeRole's own condition keys: the session name asked
// for and the external id given.
func (c *call) trustContext(externalID string) map[string][]string {
	keys := map[string][]string{}
	if name := c.f["RoleSessionName"]; name != "" {
		keys["sts:rolesessionname"] = []string{name}
	}
	if externalID != "" {
		keys["sts:externalid"] = []string{externalID}
	}
	return keys
}

// issue stores a new session, after check (run in the same transaction)
// confirms what it acts as still exists.
func (c *call) issue(s *identity.Session, dur time.Duration, check func(*store.Tx) error) (identity.Issued, error) {
	iss, err := c.s.dir.NewSession(s, dur)
	if err != nil {
		return iss, awserr.ServiceFailure.Err("").Wrap(err)
	}
	err = c.s.dir.Store().Update(c.ctx, func(tx *store.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		return identity.Sessions(tx).Insert(s.ID, s)
	})
	return iss, err
}

func (c *call) getSessionToken() (any, error) {
	p := c.caller
	if p.Temporary {
		return nil, awserr.IAMAccessDenied.Err("Cannot call GetSessionToken with session credentials")
	}
	dur, err := c.duration(43200, 129600)
	if err != nil {
		return nil, err
	}
	if p.IsRoot { // as AWS: a longer session of root's is cut to one hour
		dur = min(dur, time.Hour)
	}
	s := &identity.Session{UserName: p.UserName, UserID: p.UserID, Root: p.IsRoot}
	iss, err := c.issue(s, dur, c.callerExists)
	if err != nil {
		return nil, err
	}
	return struct{ Credentials credentialsXML }{credentialsOf(iss)}, nil
}

// maxSessionPolicyArns is STS's limit on PolicyArns.
const maxSessionPolicyArns = 10

// sessionPolicies reads a session's Policy (checked by the parser) and
// PolicyArns, as AssumeRole and GetFederationToken take them.
func (c *call) sessionPolicies() (inline string, arns []string, err error) {
	inline, err = c.f.optional(pSessionPolicy, "")
	if err != nil {
		return "", nil, err
	}
	if inline != "" {
		if _, err := parsePolicy(inline); err != nil {
			return "", nil, err
		}
	}
	arns, err = c.sessionPolicyArns()
	return inline, arns, err
}

// sessionPolicyArns reads PolicyArns.member.N.arn: managed policies the
// session is narrowed to (with Policy, if any). An ARN that names no
// policy is kept: it allows nothing (docs/decisions.md).
func (c *call) sessionPolicyArns() ([]string, error) {
	var arns []string
	for i, m := range c.f.members("PolicyArns", "arn") {
		arn := m["arn"]
		if err := pPolicyArn.check(arn, fmt.Sprintf("policyArns.%d.member.arn", i+1)); err != nil {
			return nil, err
		}
		arns = append(arns, arn)
	}
	if len(arns) > maxSessionPolicyArns {
		return nil, invalid("policyArns", strconv.Itoa(len(arns)), "Member must have length less than or equal to 10")
	}
	return arns, nil
}

// callerExists confirms, in the transaction storing a new session, that
// the calling user has not been deleted meanwhile (root always exists).
func (c *call) callerExists(tx *store.Tx) error {
	p := c.caller
	if p.IsRoot {
		return nil
	}
	u, err := users(tx).Get(nameKey(p.UserName))
	if err != nil || u.ID != p.UserID {
		return awserr.InvalidClientTokenID.Err("")
	}
	return nil
}
