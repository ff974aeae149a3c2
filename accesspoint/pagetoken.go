package accesspoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"regexp"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
)

// A NextToken is standard base64 (the model's pattern) of a version byte,
// an 8-byte check and the last name returned. The check is a hash of the
// name under a fixed, per-account salt: it is not a secret (tokens need no
// secrecy, only to resume where they say), but it makes a token that was
// edited, truncated or made up fail with BadRequest instead of silently
// resuming somewhere else. Being keyless, a token minted by one node is
// good on every node.
const tokenVersion = 1

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)

func (s *Service) tokenCheck(name string) []byte {
	sum := sha256.Sum256([]byte("fsxd/" + fsxd.OpDescribeS3AccessPointAttachments + "/" + s.acc.ID + "/" + name))
	return sum[:8]
}

func (s *Service) encodeToken(last string) string {
	b := append([]byte{tokenVersion}, s.tokenCheck(last)...)
	return base64.StdEncoding.EncodeToString(append(b, last...))
}

func (s *Service) decodeToken(tok string) (string, error) {
	bad := awserr.BadRequest.Err("The NextToken value is invalid.")
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(b) < 9 || b[0] != tokenVersion {
		return "", bad
	}
	name := string(b[9:])
	if !nameRE.MatchString(name) || !bytes.Equal(b[1:9], s.tokenCheck(name)) {
		return "", bad
	}
	return name, nil
}
