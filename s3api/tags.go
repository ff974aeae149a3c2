package s3api

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fsxd/fsxd/awserr"
)

// S3's object tag limits.
const (
	maxTags        = 10
	maxTagKeyLen   = 128 // Unicode characters
	maxTagValueLen = 256
)

// validateTags applies S3's rules to a tag set and returns it as a map.
func validateTags(tags []tag) (map[string]string, error) {
	if len(tags) > maxTags {
		return nil, awserr.InvalidTag.Err("Object tags cannot be greater than %d", maxTags)
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if err := validateTag(t.Key, t.Value); err != nil {
			return nil, err
		}
		if _, dup := m[t.Key]; dup {
			return nil, awserr.InvalidTag.Err("Cannot provide multiple Tags with the same key").With("TagKey", t.Key)
		}
		m[t.Key] = t.Value
	}
	return m, nil
}

func validateTag(k, v string) error {
	n := utf8.RuneCountInString(k)
	switch {
	case n == 0 || n > maxTagKeyLen || !validTagText(k):
		return awserr.InvalidTag.Err("The TagKey you have provided is invalid").With("TagKey", k)
	case strings.HasPrefix(k, "aws:"):
		return awserr.InvalidTag.Err("Your TagKey cannot be prefixed with aws:").With("TagKey", k)
	case utf8.RuneCountInString(v) > maxTagValueLen || !validTagText(v):
		return awserr.InvalidTag.Err("The TagValue you have provided is invalid").With("TagKey", k).With("TagValue", v)
	}
	return nil
}

// validTagText is S3's tag alphabet: letters, digits, spaces and
// _ . : / = + - @, in UTF-8.
func validTagText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Zs, r) &&
			!strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return true
}

// parseTaggingHeader reads x-amz-tagging, URL query syntax ("k=v&k2=v2").
func parseTaggingHeader(h string) (map[string]string, error) {
	q, err := url.ParseQuery(h)
	if err != nil {
		return nil, invalidArgument("x-amz-tagging", h, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	}
	tags := make([]tag, 0, len(q))
	for k, vs := range q {
		if len(vs) != 1 {
			return nil, invalidArgument("x-amz-tagging", h, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		tags = append(tags, tag{Key: k, Value: vs[0]})
	}
	return validateTags(tags)
}

// tagSet renders tags sorted by key, for a stable GetObjectTagging.
func tagSet(m map[string]string) []tag {
	out := make([]tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, tag{Key: k, Value: m[k]})
	}
	return out
}
