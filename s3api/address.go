package s3api

import (
	"net"
	"net/http"
	"strings"

	"github.com/fsxd/fsxd"
)

// addr is where a request is sent: an access point and a key.
type addr struct {
	bucket  string // the alias, or the name when account is set
	account string // set for "<name>-<account>." hosts (access point ARN as bucket)
	key     string
	// virtual is true when the bucket came from the host, so the whole
	// path is the key.
	virtual bool
}

// address finds the access point and key of r, in the three forms S3
// accepts for access points (docs/decisions.md, "Access point names, ARNs and aliases"):
//
//   - "<name>-<12-digit account>.<any host>": what SDKs build from an access
//     point ARN given as the bucket; it is recognised on any host because the
//     SDK keeps the endpoint override's host after the prefix;
//   - "<alias>.<domain>" for each configured domain (virtual-hosted);
//   - "/<alias>/<key>" otherwise (path-style).
//
// The ARN form is tried first: an alias always ends in "-ext-s3alias", so it
// can never look like "<name>-<12 digits>".
func address(r *http.Request, domains []string) addr {
	host := hostOnly(r.Host)
	path := r.URL.Path
	if name, account, ok := arnHost(host); ok {
		return addr{bucket: name, account: account, key: strings.TrimPrefix(path, "/"), virtual: true}
	}
	for _, d := range domains {
		if b, ok := strings.CutSuffix(host, "."+strings.ToLower(d)); ok && b != "" && !strings.Contains(b, ".") {
			return addr{bucket: b, key: strings.TrimPrefix(path, "/"), virtual: true}
		}
	}
	path = strings.TrimPrefix(path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	return addr{bucket: bucket, key: key}
}

// hostOnly lowercases the Host header and drops any port.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// arnHost splits a first host label "<name>-<account>" where account is 12
// digits and name is a valid access point name. A host that is an IP
// address never matches: its first label is all digits.
func arnHost(host string) (name, account string, ok bool) {
	label, rest, found := strings.Cut(host, ".")
	if !found || rest == "" {
		return "", "", false
	}
	i := strings.LastIndexByte(label, '-')
	if i < 1 {
		return "", "", false
	}
	name, account = label[:i], label[i+1:]
	if !fsxd.ValidAccountID(account) || !validAPName(name) {
		return "", "", false
	}
	return name, account, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validAPName is S3's access point name rule (docs/decisions.md, "Access point names, ARNs and aliases"): 3..50
// lowercase letters, digits and hyphens, not starting or ending with '-'.
func validAPName(s string) bool {
	if len(s) < 3 || len(s) > 50 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
