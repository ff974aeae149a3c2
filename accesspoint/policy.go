package accesspoint

import (
	"errors"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

// forbiddenActions may not appear in an access point policy: S3 refuses
// them with "MalformedPolicy: invalid action" (docs/decisions.md, "Data-plane authorization and file-system refusals"). Matched
// case-insensitively, as actions are.
var forbiddenActions = []string{"s3:GetBucketLocation", "s3:ListBucketMultipartUploads"}

// checkPolicy validates an access point policy the way S3's
// PutAccessPointPolicy does. The returned error is an S3 MalformedPolicy
// (400); FSx callers rewrap it (fsxPolicyError).
func checkPolicy(text string) error {
	doc, err := policy.ParseKind([]byte(text), policy.ResourcePolicy)
	var pe *policy.ParseError
	if errors.As(err, &pe) {
		return awserr.MalformedPolicy.Err("%s", pe.Msg)
	}
	if err != nil {
		return awserr.MalformedPolicy.Err("").Wrap(err)
	}
	if doc.Size() > policy.MaxAccessPointPolicySize {
		return awserr.MalformedPolicy.Err("Policy exceeds the maximum allowed document size.")
	}
	for _, a := range doc.Actions() {
		if !s3Action(a) {
			return awserr.MalformedPolicy.Err("Policy has invalid action")
		}
		for _, f := range forbiddenActions {
			if strings.EqualFold(a, f) {
				return awserr.MalformedPolicy.Err("Policy has invalid action")
			}
		}
	}
	// Block Public Access is always on for an access point attached to
	// FSx, and its BlockPublicPolicy makes S3 refuse a public policy.
	if isPublic(text) {
		return awserr.AccessDenied.Err("")
	}
	return nil
}

// bindPolicy binds the policy text (validated) names, in tx: a user or
// role of the account that does not exist is MalformedPolicy, as S3 says.
func (s *Service) bindPolicy(tx *store.Tx, text string) (map[string]string, error) {
	if text == "" || s.cfg.Bind == nil {
		return nil, nil
	}
	doc, err := policy.ParseKind([]byte(text), policy.ResourcePolicy)
	if err != nil {
		return nil, awserr.MalformedPolicy.Err("").Wrap(err)
	}
	bound, err := s.cfg.Bind(tx, doc)
	var unknown *policy.UnknownPrincipalError
	if errors.As(err, &unknown) {
		return nil, awserr.MalformedPolicy.Err("Invalid principal in policy").Wrap(err)
	}
	return bound, err
}

// fsxPolicyError is how CreateAndAttachS3AccessPoint reports a policy S3
// refused: InvalidRequest carrying S3's code in ErrorCode (docs/decisions.md, "S3 errors inside FSx errors").
func fsxPolicyError(err error) error {
	var e *awserr.Error
	if !errors.As(err, &e) {
		return err
	}
	return awserr.InvalidRequest.Err("%s", e.Message).With("ErrorCode", e.Code)
}

// s3Action reports an action S3 can grant: "*" or one of service s3 (a
// wildcard in the service part is left to match it).
func s3Action(a string) bool {
	svc, _, _ := strings.Cut(a, ":")
	return a == "*" || strings.EqualFold(svc, "s3") || strings.ContainsAny(svc, "*?")
}
