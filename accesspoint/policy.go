package accesspoint

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/policy"
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
		for _, f := range forbiddenActions {
			if strings.EqualFold(a, f) {
				return awserr.MalformedPolicy.Err("Policy has invalid action")
			}
		}
	}
	return nil
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

// isPublic reports S3's policy status for an access point policy: public
// when an Allow statement names every principal ("*" or {"AWS": "*"})
// without a Condition. S3's full rules also treat some conditions as not
// restricting; fsxd errs on the side of calling those non-public.
func isPublic(text string) bool {
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(text), &doc) != nil {
		return false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = append(stmts, one)
	}
	for _, st := range stmts {
		var effect string
		json.Unmarshal(st["Effect"], &effect)
		if effect == "Allow" && st["Condition"] == nil && st["NotPrincipal"] == nil && anyone(st["Principal"]) {
			return true
		}
	}
	return false
}

// anyone reports a Principal element that names every principal.
func anyone(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	aws := m["AWS"]
	if json.Unmarshal(aws, &s) == nil {
		return s == "*"
	}
	var list []string
	json.Unmarshal(aws, &list)
	for _, v := range list {
		if v == "*" {
			return true
		}
	}
	return false
}
