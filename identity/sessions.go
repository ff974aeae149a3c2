package identity

// Temporary credentials. STS hands out an access key id (ASIA...), a
// secret and a session token; the session is stored (so every node of a
// cluster accepts it) with the secret sealed and only a hash of the token.
// LookupKey resolves such a key like a user's, and reports the token hash
// and expiry for package auth to check on every request.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

// TempKeyPrefix starts every temporary access key id, as on AWS.
const TempKeyPrefix = "ASIA"

// Issued is what STS returns to the caller; only the session record
// (without Secret and Token in the clear) is stored.
type Issued struct {
	AccessKeyID, Secret, Token string
	Expires                    time.Time
}

// TokenHash is the stored form of a session token.
func TokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewSession fills s with fresh credentials valid for d from now, for the
// caller to insert with Sessions(tx) in the transaction that checked the
// role or user still exists.
func (dir *Directory) NewSession(s *Session, d time.Duration) (Issued, error) {
	if dir.cfg.Secrets == nil {
		return Issued{}, errors.New("identity: no master key to seal session secrets")
	}
	tok := make([]byte, 96)
	rand.Read(tok)
	now := dir.cfg.Now().UTC().Truncate(time.Second)
	iss := Issued{AccessKeyID: RandomID(TempKeyPrefix, 16), Secret: NewSecret(),
		Token:   "FQoGZXIvYXdzE" + base64.StdEncoding.EncodeToString(tok),
		Expires: now.Add(d)}
	s.ID, s.Issued, s.Expires, s.TokenHash = iss.AccessKeyID, now, iss.Expires, TokenHash(iss.Token)
	s.Sealed = dir.cfg.Secrets.Seal(iss.Secret, s.ID)
	return iss, nil
}

// lookupSession resolves a temporary key, returning what it read too (for
// the cache). The session dies with its role or user: one deleted (or
// deleted and created again under the name) leaves its sessions unknown.
func (d *Directory) lookupSession(ctx context.Context, id string) (Credential, store.Reads, error) {
	var s *Session
	var p fsxd.Principal
	var managed []string
	reads, err := d.cfg.Store.ViewReads(ctx, func(tx *store.Tx) (err error) {
		if s, err = Sessions(tx).Get(id); err != nil {
			return err
		}
		if p, err = d.sessionPrincipal(tx, s); err != nil {
			return err
		}
		managed, err = d.managedTexts(tx, s.PolicyArns)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return Credential{}, reads, ErrUnknownKey
	} else if err != nil {
		return Credential{}, reads, err
	}
	secret, err := d.cfg.Secrets.Open(s.Sealed, s.ID)
	if err != nil {
		return Credential{}, reads, err
	}
	cred := Credential{Secret: secret, Active: true, Principal: p, TokenHash: s.TokenHash, Expires: s.Expires}
	if s.SessionPolicy != "" || len(s.PolicyArns) > 0 || s.FederatedName != "" {
		texts := managed
		if s.SessionPolicy != "" {
			texts = append([]string{s.SessionPolicy}, managed...)
		}
		// Never nil here: a session whose managed session policies are
		// all deleted, or a federated one without any, may do nothing.
		if cred.SessionPolicies, err = d.parseStored(texts, p.ARN); err != nil {
			return Credential{}, reads, err
		}
	}
	return cred, reads, nil
}

// sessionPrincipal is who a session acts as; store.ErrNotFound when its
// role or user is gone.
func (d *Directory) sessionPrincipal(tx *store.Tx, s *Session) (fsxd.Principal, error) {
	acct := d.cfg.Account.ID
	p := fsxd.Principal{AccountID: acct, Temporary: true, TokenIssued: s.Issued}
	switch {
	case s.RoleName != "":
		r, err := Roles(tx).Get(NameKey(s.RoleName))
		if err == nil && r.ID != s.RoleID {
			err = store.ErrNotFound
		}
		if err != nil {
			return p, err
		}
		p.ARN, p.UserID = d.AssumedRoleARN(r.Name, s.SessionName), r.ID+":"+s.SessionName
		p.RoleARN, p.RoleName, p.SessionName, p.Tags = d.RoleARN(r.Path, r.Name), r.Name, s.SessionName, tagMap(r.Tags)
	case s.Root:
		p.ARN, p.UserID, p.IsRoot = d.RootARN(), acct, true
	default:
		u, err := Users(tx).Get(NameKey(s.UserName))
		if err == nil && u.ID != s.UserID {
			err = store.ErrNotFound
		}
		if err != nil {
			return p, err
		}
		p.ARN, p.UserID, p.UserName, p.Tags = d.UserARN(u.Path, u.Name), u.ID, u.Name, tagMap(u.Tags)
	}
	if s.FederatedName != "" {
		p.ARN, p.FederatedUser = d.FederatedUserARN(s.FederatedName), s.FederatedName
	}
	return p, nil
}

// SessionPolicies returns the policies passed when p's session was made
// (Policy and PolicyArns), or nil: the session may do only what one of
// them allows too (authz intersects).
func (d *Directory) SessionPolicies(ctx context.Context, p *fsxd.Principal) ([]*policy.Document, error) {
	if p == nil || !p.Temporary || !strings.HasPrefix(p.AccessKeyID, TempKeyPrefix) {
		return nil, nil
	}
	cred, err := d.LookupKey(ctx, p.AccessKeyID)
	if errors.Is(err, ErrUnknownKey) {
		return nil, nil // gone since: authentication refuses its next request
	}
	return cred.SessionPolicies, err
}
