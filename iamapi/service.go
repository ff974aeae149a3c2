// Package iamapi serves IAM (users, access keys, groups, roles, inline and
// managed policies) and STS over the Query protocol. It is a front end:
// the records, and the lookups the rest of fsxd makes of them, belong to
// the identity core (package identity) it edits.
package iamapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/authz"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/identity"
	"github.com/fsxd/fsxd/sigv4"
)

// API versions the two services speak.
const (
	iamVersion = "2010-05-08"
	stsVersion = "2011-06-15"
)

// Config is what the server gives the service.
type Config struct {
	// Identity holds the records the service edits. Required.
	Identity *identity.Directory
	Now      func() time.Time
	Logger   *slog.Logger
	// Authenticate verifies the signature and names the caller; its
	// errors are *awserr.Error in the Query vocabulary. Required.
	Authenticate func(r *http.Request) (*fsxd.Principal, error)
	// Checker decides whether the caller may do an action (iam:CreateUser)
	// on a resource (arn:aws:iam::<acct>:user/<name>, or "*"). A nil
	// Checker allows everything authenticated.
	Checker *authz.Checker
}

// Service is the IAM and STS front end.
type Service struct {
	cfg     Config
	dir     *identity.Directory
	created time.Time // stands in for the root user's CreateDate
}

// New returns the service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{cfg: cfg, dir: cfg.Identity, created: cfg.Now()}
}

// handler is one operation. It returns the Result element's content, or
// nil for operations without one.
type handler func(c *call) (any, error)

// api is one of the two services sharing this front end.
type api struct {
	ns, version string
	ops         map[string]handler
}

var (
	iamAPI = api{iamNS, iamVersion, map[string]handler{
		"CreateUser": (*call).createUser, "GetUser": (*call).getUser,
		"ListUsers": (*call).listUsers, "DeleteUser": (*call).deleteUser,
		"CreateAccessKey": (*call).createAccessKey, "ListAccessKeys": (*call).listAccessKeys,
		"UpdateAccessKey": (*call).updateAccessKey, "DeleteAccessKey": (*call).deleteAccessKey,
		"PutUserPolicy": (*call).putUserPolicy, "GetUserPolicy": (*call).getUserPolicy,
		"ListUserPolicies": (*call).listUserPolicies, "DeleteUserPolicy": (*call).deleteUserPolicy,
		"CreateGroup": (*call).createGroup, "GetGroup": (*call).getGroup,
		"ListGroups": (*call).listGroups, "DeleteGroup": (*call).deleteGroup,
		"AddUserToGroup": (*call).addUserToGroup, "RemoveUserFromGroup": (*call).removeUserFromGroup,
		"ListGroupsForUser": (*call).listGroupsForUser,
		"PutGroupPolicy":    (*call).putGroupPolicy, "GetGroupPolicy": (*call).getGroupPolicy,
		"ListGroupPolicies": (*call).listGroupPolicies, "DeleteGroupPolicy": (*call).deleteGroupPolicy,
		"CreateRole": (*call).createRole, "GetRole": (*call).getRole, "ListRoles": (*call).listRoles,
		"UpdateRole": (*call).updateRole, "UpdateAssumeRolePolicy": (*call).updateAssumeRolePolicy,
		"DeleteRole":    (*call).deleteRole,
		"PutRolePolicy": (*call).putRolePolicy, "GetRolePolicy": (*call).getRolePolicy,
		"ListRolePolicies": (*call).listRolePolicies, "DeleteRolePolicy": (*call).deleteRolePolicy,
		"CreatePolicy": (*call).createManagedPolicy, "GetPolicy": (*call).getManagedPolicy,
		"ListPolicies": (*call).listManagedPolicies, "DeletePolicy": (*call).deleteManagedPolicy,
		"CreatePolicyVersion": (*call).createPolicyVersion, "GetPolicyVersion": (*call).getPolicyVersion,
		"ListPolicyVersions": (*call).listPolicyVersions, "SetDefaultPolicyVersion": (*call).setDefaultPolicyVersion,
		"DeletePolicyVersion": (*call).deletePolicyVersion,
		"AttachUserPolicy":    (*call).attachUserPolicy, "DetachUserPolicy": (*call).detachUserPolicy,
		"AttachGroupPolicy": (*call).attachGroupPolicy, "DetachGroupPolicy": (*call).detachGroupPolicy,
		"AttachRolePolicy": (*call).attachRolePolicy, "DetachRolePolicy": (*call).detachRolePolicy,
		"ListAttachedUserPolicies":  (*call).listAttachedUserPolicies,
		"ListAttachedGroupPolicies": (*call).listAttachedGroupPolicies,
		"ListAttachedRolePolicies":  (*call).listAttachedRolePolicies,
		"ListEntitiesForPolicy":     (*call).listEntitiesForPolicy,
	}}
	stsAPI = api{stsNS, stsVersion, map[string]handler{
		"GetCallerIdentity": (*call).getCallerIdentity,
		"AssumeRole":        (*call).assumeRole, "GetSessionToken": (*call).getSessionToken,
		"GetFederationToken": (*call).getFederationToken,
	}}
)

// call is one request being served.
type call struct {
	s      *Service
	ctx    context.Context
	caller *fsxd.Principal
	f      form
	// reqTags are the tags the request sets (tags), which authorizeWith
	// offers as aws:RequestTag/<key> and aws:TagKeys.
	reqTags []tag
}

// Serve answers one IAM or STS request. It writes the response, error
// included, and returns the error for the log.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request) error {
	a := pickAPI(r, "")
	reqID := awserr.RequestID(r.Context())
	if reqID == "" {
		reqID = awserr.NewRequestID()
	}
	op, result, err := s.serve(r, &a)
	if err != nil {
		return writeError(w, a, err, reqID)
	}
	writeXML(w, http.StatusOK, marshalResponse(a.ns, op, result, reqID))
	return nil
}

// WriteError answers r with err, as Serve would (the server's own
// refusals before Serve runs).
func (s *Service) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, pickAPI(r, ""), err, awserr.RequestID(r.Context()))
}

func writeError(w http.ResponseWriter, a api, err error, reqID string) *awserr.Error {
	e := awserr.From(err, awserr.ServiceFailure)
	writeXML(w, e.Status, marshalError(a.ns, e, reqID))
	return e
}

// serve authenticates, decodes and dispatches; a is updated once the
// Action is known, so errors render in the right namespace.
func (s *Service) serve(r *http.Request, a *api) (string, any, error) {
	if s.cfg.Authenticate == nil {
		return "", nil, awserr.IAMAccessDenied.Err("Authentication is not configured.")
	}
	p, err := s.cfg.Authenticate(r)
	if err != nil {
		return "", nil, err
	}
	f, err := readForm(r)
	if err != nil {
		return "", nil, err
	}
	// Set as ParseForm would, so Operation can name the request for the
	// access log after the body is gone.
	r.Form = formValues(f)
	op := f["Action"]
	*a = pickAPI(r, op)
	if op == "" {
		return "", nil, awserr.MissingAction.Err("")
	}
	h, ok := a.ops[op]
	if !ok {
		if err := wrongService(r, op); err != nil {
			return "", nil, err
		}
	}
	if !ok || f["Version"] != a.version {
		return "", nil, awserr.InvalidAction.Err("Could not find operation %s for version %s", truncate(op, 64), truncate(f["Version"], 16))
	}
	if err := sessionMayCall(p, a.ns, op); err != nil {
		return "", nil, err
	}
	if err := unsupported(f, op); err != nil {
		return "", nil, err
	}
	c := &call{s: s, ctx: auth.WithPrincipal(r.Context(), p), caller: p, f: f}
	res, err := h(c)
	return op, res, err
}

// sessionMayCall applies AWS's limits on what temporary credentials may
// call here, whatever their policies say: a federated user session no
// IAM operation and no STS one but GetCallerIdentity; a GetSessionToken
// session no IAM operation without MFA, which fsxd's sessions never carry.
func sessionMayCall(p *fsxd.Principal, ns, op string) error {
	switch {
	case p.FederatedUser != "" && ns == iamNS:
		return awserr.IAMAccessDenied.Err("User: %s is not authorized to perform: iam:%s", p.ARN, truncate(op, 64))
	case p.FederatedUser != "" && ns == stsNS && op != "GetCallerIdentity":
		return awserr.IAMAccessDenied.Err("User: %s is not authorized to perform: sts:%s", p.ARN, truncate(op, 64))
	case p.Temporary && p.RoleARN == "" && p.FederatedUser == "" && ns == iamNS:
		return awserr.InvalidClientTokenID.Err("")
	}
	return nil
}

// unsupportedParams are parameters fsxd does not act on and which, if
// silently dropped, would leave the caller believing in a limit or a check
// that is not there: refused rather than ignored.
var unsupportedParams = map[string][]string{
	"CreateUser":      {"PermissionsBoundary"},
	"CreateRole":      {"PermissionsBoundary"},
	"AssumeRole":      {"Tags.member.1.Key", "TransitiveTagKeys.member.1", "SerialNumber", "TokenCode", "SourceIdentity"},
	"GetSessionToken": {"SerialNumber", "TokenCode"},
}

func unsupported(f form, op string) error {
	for _, name := range unsupportedParams[op] {
		if f.has(name) {
			param, _, _ := strings.Cut(name, ".")
			code := awserr.InvalidInput // IAM's; STS says ValidationError
			if _, ok := stsAPI.ops[op]; ok {
				code = awserr.ValidationError
			}
			return code.Err("fsxd does not support %s on %s: it would not be enforced.", param, op)
		}
	}
	return nil
}

// pickAPI decides between IAM and STS: by the signature's service when
// there is one, else by the Action (op may be "" before the form is read).
func pickAPI(r *http.Request, op string) api {
	if _, _, svc, ok := sigv4.ParseScope(r); ok {
		if svc == "sts" {
			return stsAPI
		}
		return iamAPI
	}
	if _, ok := stsAPI.ops[op]; ok {
		return stsAPI
	}
	return iamAPI
}

// wrongService refuses an action of IAM signed for STS or the reverse, as
// AWS's endpoints do: one service's signature is not the other's, even
// though fsxd serves both behind one listener.
func wrongService(r *http.Request, op string) error {
	_, _, svc, ok := sigv4.ParseScope(r)
	if !ok {
		return nil
	}
	_, inIAM := iamAPI.ops[op]
	_, inSTS := stsAPI.ops[op]
	switch {
	case svc == "sts" && inIAM:
		return awserr.QuerySignatureDoesNotMatch.Err("Credential should be scoped to correct service: 'iam'. ")
	case svc == "iam" && inSTS:
		return awserr.QuerySignatureDoesNotMatch.Err("Credential should be scoped to correct service: 'sts'. ")
	}
	return nil
}

func readForm(r *http.Request) (form, error) {
	var body []byte
	if r.Body != nil && r.Method == http.MethodPost {
		var err error
		if r.ContentLength > MaxBody {
			return nil, ErrBodyTooLarge()
		}
		body, err = io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			return nil, err // the signature layer's error, if the body failed verification
		}
		if len(body) > MaxBody {
			return nil, ErrBodyTooLarge()
		}
	}
	return parseForm(r.URL.RawQuery, string(body))
}

// Operation names the request's operation for logs and metrics: a known
// Action, else "" (arbitrary client strings must not become metric
// labels).
func (s *Service) Operation(r *http.Request) string {
	op := r.URL.Query().Get("Action")
	if r.Form != nil {
		op = r.Form.Get("Action")
	}
	if _, ok := iamAPI.ops[op]; ok {
		return op
	}
	if _, ok := stsAPI.ops[op]; ok {
		return op
	}
	return ""
}

// authorize asks the server's policy layer; a refusal becomes IAM's
// AccessDenied, naming only the caller, the action and the resource.
func (c *call) authorize(action, resource string) error {
	return c.authorizeWith(action, resource, nil)
}

// authorizeWith is authorize with the operation's condition keys
// (iam:PolicyARN for attaching a managed policy).
func (c *call) authorizeWith(action, resource string, keys map[string][]string) error {
	return c.check(authz.Request{Action: action, Resource: resource, Context: keys})
}

// check is authorizeWith for a request built by the caller (an
// AssumeRole's, with the role's trust policy beside it).
func (c *call) check(req authz.Request) error {
	if c.s.cfg.Checker == nil {
		return nil
	}
	action, resource := req.Action, req.Resource
	if tags := c.tagKeys(resource); tags != nil {
		for k, v := range req.Context {
			tags[k] = v
		}
		req.Context = tags
	}
	req.Principal = c.caller
	err := c.s.cfg.Checker.Check(c.ctx, req)
	var ae *awserr.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, authz.ErrDenied):
		return awserr.IAMAccessDenied.Err("User: %s is not authorized to perform: %s on resource: %s",
			c.caller.ARN, action, resource).Wrap(err)
	case errors.Is(err, authz.ErrDryRun):
		return awserr.DryRunOperation.Err("")
	case errors.As(err, &ae):
		return ae
	}
	return awserr.ServiceFailure.Err("").Wrap(err)
}

// now is the service clock, to the second as IAM reports times.
func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Second) }
