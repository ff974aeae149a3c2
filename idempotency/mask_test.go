package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/secret"
	"github.com/fsxd/fsxd/store"
)

func testMask(t *testing.T) Mask {
	t.Helper()
	box, err := secret.New(make([]byte, secret.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return func(v string) string { return box.Digest("test", v) }
}

// TestSensitive: a password, at the top or nested in a list, is kept in
// the token record (read back from the store) only as its keyed digest;
// the same password replays, another is IncompatibleParameterError naming
// the member.
func TestSensitive(t *testing.T) {
	st, mask := newStore(t), testMask(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const pw, inner = "Top-Secret-Passw0rd", "Nested-Secret-Passw0rd"
	req := func(top, nested string) *request {
		return &request{ClientRequestToken: ptr("tok"), Name: ptr("a"), Password: ptr(top),
			Config: &config{VolumeId: ptr("v"), Servers: []server{{Host: ptr("h1")}, {Host: ptr("h2"), Secret: ptr(nested)}}}}
	}
	acted := 0
	run := func(in *request) (string, error) {
		t.Helper()
		var out *response
		err := st.Update(context.Background(), func(tx *store.Tx) error {
			var err error
			out, err = Once(tx, "Create", in.ClientRequestToken, in, mask, now, func() (*response, string, error) {
				acted++
				return &response{ID: "r"}, "r", nil
			})
			return err
		})
		var e *awserr.Error
		if errors.As(err, &e) && e.Code == "IncompatibleParameterError" {
			return "≠" + e.Fields["Parameter"], nil
		}
		if err != nil {
			return "", err
		}
		return out.ID, nil
	}
	for _, c := range []struct {
		top, nested, want string
		acted             int
	}{
		{pw, inner, "r", 1},
		{pw, inner, "r", 1}, // a retry with the same passwords replays
		{pw + "x", inner, "≠Password", 1},
		{pw, inner + "x", "≠Config.Servers", 1},
	} {
		got, err := run(req(c.top, c.nested))
		if err != nil || got != c.want || acted != c.acted {
			t.Errorf("%s/%s: got %q, %v, acted %d; want %q, acted %d", c.top, c.nested, got, err, acted, c.want, c.acted)
		}
	}
	var rec *fsxd.Token
	st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		rec, err = tokens(tx).Get(fsxd.TokenKey("Create", "tok"))
		return err
	})
	stored, _ := json.Marshal(rec)
	for _, secret := range []string{pw, inner} {
		sum := sha256.Sum256([]byte(secret))
		quoted := sha256.Sum256([]byte(`"` + secret + `"`))
		for _, leak := range []string{secret, hex.EncodeToString(sum[:]), base64.StdEncoding.EncodeToString(sum[:]), base64.RawStdEncoding.EncodeToString(sum[:]),
			hex.EncodeToString(quoted[:]), base64.RawStdEncoding.EncodeToString(quoted[:])} {
			if strings.Contains(string(stored), leak) {
				t.Errorf("token record holds %s: %s", leak, stored)
			}
		}
	}
	// The record's hash is over the masked request, not the one sent.
	raw, _ := json.Marshal(req(pw, inner))
	var m map[string]json.RawMessage
	json.Unmarshal(raw, &m)
	delete(m, Member)
	plain, _ := json.Marshal(m)
	if sum := sha256.Sum256(plain); rec.Hash == hex.EncodeToString(sum[:]) {
		t.Errorf("token hash is the unkeyed SHA-256 of the request with its passwords")
	}
}

// TestMaskedKeepsOthers: a request without sensitive members is kept
// byte for byte as before masking existed, so tokens recorded then still
// replay; without a Mask a password is hidden, never kept.
func TestMaskedKeepsOthers(t *testing.T) {
	in := &request{Name: ptr("n"), Config: &config{VolumeId: ptr("v"), Servers: []server{{Host: ptr("h")}}}}
	with, _ := canonical(in, testMask(t))
	want := `{"Config":{"VolumeId":"v","Servers":[{"Host":"h"}]},"Name":"n"}`
	if string(with) != want {
		t.Errorf("canonical without passwords: %s, want %s", with, want)
	}
	in.Password = ptr("Passw0rd-Unkept")
	got, _ := canonical(in, nil)
	if strings.Contains(string(got), "Passw0rd-Unkept") || !strings.Contains(string(got), hidden) {
		t.Errorf("canonical without a mask: %s", got)
	}
}
