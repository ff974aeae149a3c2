package fsxd

import "strings"

// ARN is an Amazon Resource Name split into its fields:
// arn:<Partition>:<Service>:<Region>:<Account>:<Resource>.
//
// ParseARN parses, it does not validate: any field may be empty, and each caller decides which partition, service, region, account
// and resource type it accepts, and which error a mismatch deserves.
type ARN struct {
	Partition string // "aws"
	Service   string // "s3", "fsx", "iam", ...
	Region    string // empty for global services such as IAM
	Account   string // 12 digits when present (see ValidAccountID)
	Resource  string // everything after the fifth colon, colons and all
}

// ParseARN splits s into an ARN. It fails only when s does not start with
// "arn:" or has fewer than six colon-separated fields.
func ParseARN(s string) (ARN, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return ARN{}, false
	}
	var f [4]string
	for i := range f {
		if f[i], rest, ok = strings.Cut(rest, ":"); !ok {
			return ARN{}, false
		}
	}
	return ARN{Partition: f[0], Service: f[1], Region: f[2], Account: f[3], Resource: rest}, true
}

// String is the ARN as text; ParseARN(a.String()) gives a back.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// ResourceType is the resource up to its first '/': "volume" for
// "volume/fs-1/fsvol-2", "root" for "root".
func (a ARN) ResourceType() string {
	t, _, _ := strings.Cut(a.Resource, "/")
	return t
}

// ResourceID is what follows "<typ>/" in the resource: "fs-1/fsvol-2" for
// typ "volume" in "volume/fs-1/fsvol-2". ok is false for another type, or
// for a resource without the '/'.
func (a ARN) ResourceID(typ string) (id string, ok bool) {
	t, id, found := strings.Cut(a.Resource, "/")
	if !found || t != typ {
		return "", false
	}
	return id, true
}

// ValidAccountID reports whether id is an AWS account ID: exactly 12 ASCII digits.
func ValidAccountID(id string) bool {
	if len(id) != 12 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}
