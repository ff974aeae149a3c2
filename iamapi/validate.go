package iamapi

// Input validation, with IAM's constraints and its ValidationError wording
// ("1 validation error detected: Value 'x' at 'userName' failed to satisfy
// constraint: ...").

import (
	"regexp"
	"strconv"
	"unicode/utf8"

	"github.com/fsxd/fsxd/awserr"
)

// param is one modelled input member: its wire name, the name IAM's
// messages use, its length bounds and pattern.
type param struct {
	wire, msg string
	min, max  int
	re        *regexp.Regexp
	pattern   string // as IAM prints it
}

func newParam(wire, msg string, min, max int, pattern string) param {
	return param{wire: wire, msg: msg, min: min, max: max, re: regexp.MustCompile(`^(?:` + pattern + `)$`), pattern: pattern}
}

const namePattern = `[\w+=,.@-]+`

var (
	pUserName                 = newParam("UserName", "userName", 1, 64, namePattern)
	pGroupName                = newParam("GroupName", "groupName", 1, 128, namePattern)
	pRoleName                 = newParam("RoleName", "roleName", 1, 64, namePattern)
	pDescription              = newParam("Description", "description", 0, 1000, `[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*`)
	pRoleArn                  = newParam("RoleArn", "roleArn", 20, 2048, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{0085}\x{00A0}-\x{D7FF}\x{E000}-\x{FFFD}\x{10000}-\x{10FFFF}]+`)
	pSessionName              = newParam("RoleSessionName", "roleSessionName", 2, 64, `[\w+=,.@-]*`)
	pExternalID               = newParam("ExternalId", "externalId", 2, 1224, `[\w+=,.@:\/-]*`)
	pAssumeRolePolicyDocument = newParam("AssumeRolePolicyDocument", "assumeRolePolicyDocument", 1, 131072, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)
	pSessionPolicy            = newParam("Policy", "policy", 1, 2048, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)
	pPolicyName               = newParam("PolicyName", "policyName", 1, 128, namePattern)
	pPath                     = newParam("Path", "path", 1, 512, `(\x{002F})|(\x{002F}[\x{0021}-\x{007E}]+\x{002F})`)
	pPathPrefix               = newParam("PathPrefix", "pathPrefix", 1, 512, `\x{002F}[\x{0021}-\x{007F}]*`)
	pAccessKeyID              = newParam("AccessKeyId", "accessKeyId", 16, 128, `[\w]+`)
	pPolicyDocument           = newParam("PolicyDocument", "policyDocument", 1, 131072, `[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+`)
	pMarker                   = newParam("Marker", "marker", 1, 320, `[\x{0020}-\x{00FF}]+`)
	pTagKey                   = newParam("Key", "tags.member.%d.key", 1, 128, `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	pTagValue                 = newParam("Value", "tags.member.%d.value", 0, 256, `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
)

func invalid(name, value, constraint string) *awserr.Error {
	return awserr.ValidationError.Err("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s",
		truncate(value, 128), name, constraint)
}

// check validates v as p (msgName overrides p.msg for list members).
func (p param) check(v, msgName string) error {
	if msgName == "" {
		msgName = p.msg
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n < p.min:
		return invalid(msgName, v, "Member must have length greater than or equal to "+strconv.Itoa(p.min))
	case n > p.max:
		return invalid(msgName, v, "Member must have length less than or equal to "+strconv.Itoa(p.max))
	case (n > 0 || p.min > 0) && !p.re.MatchString(v):
		return invalid(msgName, v, "Member must satisfy regular expression pattern: "+p.pattern)
	}
	return nil
}

// required returns the parameter, which must be present and valid.
func (f form) required(p param) (string, error) {
	v, ok := f[p.wire]
	if !ok {
		return "", awserr.ValidationError.Err("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", p.msg)
	}
	return v, p.check(v, "")
}

// optional returns the parameter or def when absent; present, it must be
// valid.
func (f form) optional(p param, def string) (string, error) {
	v, ok := f[p.wire]
	if !ok {
		return def, nil
	}
	return v, p.check(v, "")
}
