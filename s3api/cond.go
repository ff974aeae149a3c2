package s3api

import (
	"net/http"
	"strings"
	"time"

	"github.com/fsxd/fsxd/awserr"
)

// checkConditions evaluates If-Match, If-Unmodified-Since, If-None-Match
// and If-Modified-Since on a GET or HEAD, in RFC 9110's order, which is
// S3's: If-Match decides alone when present (If-Unmodified-Since is then
// ignored), and If-None-Match likewise overrides If-Modified-Since. A
// failed If-Match/If-Unmodified-Since is 412; a "not modified" is 304.
// An If-Modified-Since later than now is not a valid date (RFC 2616
// 14.25) and is ignored, as S3 does: the object is sent.
func checkConditions(h http.Header, etag string, mod time.Time, now func() time.Time) error {
	if v := h.Get("If-Match"); v != "" {
		if !etagMatches(v, etag) {
			return preconditionFailed("If-Match")
		}
	} else if t, ok := headerTime(h, "If-Unmodified-Since"); ok && modifiedSince(mod, t) {
		return preconditionFailed("If-Unmodified-Since")
	}
	if v := h.Get("If-None-Match"); v != "" {
		if etagMatches(v, etag) {
			return awserr.NotModified.Err("")
		}
	} else if t, ok := headerTime(h, "If-Modified-Since"); ok && !t.After(now()) && !modifiedSince(mod, t) {
		return awserr.NotModified.Err("")
	}
	return nil
}

// checkCopyConditions evaluates x-amz-copy-source-if-* on the source of a
// copy. S3 answers every failure, "not modified" included, with 412; the
// pairings are those of checkConditions.
func checkCopyConditions(h http.Header, etag string, mod time.Time) error {
	const p = "x-amz-copy-source-"
	if v := h.Get(p + "if-match"); v != "" {
		if !etagMatches(v, etag) {
			return preconditionFailed(p + "If-Match")
		}
	} else if t, ok := headerTime(h, p+"if-unmodified-since"); ok && modifiedSince(mod, t) {
		return preconditionFailed(p + "If-Unmodified-Since")
	}
	if v := h.Get(p + "if-none-match"); v != "" {
		if etagMatches(v, etag) {
			return preconditionFailed(p + "If-None-Match")
		}
	} else if t, ok := headerTime(h, p+"if-modified-since"); ok && !modifiedSince(mod, t) {
		return preconditionFailed(p + "If-Modified-Since")
	}
	return nil
}

func preconditionFailed(cond string) *awserr.Error {
	return awserr.PreconditionFailed.Err("").With("Condition", cond)
}

// etagMatches compares a list of entity tags ("*", quoted, weak or bare,
// comma separated) with an object's unquoted ETag.
func etagMatches(list, etag string) bool {
	for t := range strings.SplitSeq(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" {
			return true
		}
		t = strings.TrimPrefix(t, "W/")
		if strings.Trim(t, `"`) == etag {
			return true
		}
	}
	return false
}

// headerTime parses an HTTP date; an unparseable one is ignored, as RFC
// 9110 says.
func headerTime(h http.Header, name string) (time.Time, bool) {
	v := h.Get(name)
	if v == "" {
		return time.Time{}, false
	}
	t, err := http.ParseTime(v)
	return t, err == nil
}

// modifiedSince compares at the one-second resolution of HTTP dates.
func modifiedSince(mod, t time.Time) bool {
	return mod.Truncate(time.Second).After(t)
}
