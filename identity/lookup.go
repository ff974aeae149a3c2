package identity

// The two lookups every request makes: the access key (SigV4) and the
// caller's policies (authz). Both are cached, each answer until one of
// the records it was read from is written (cache.go): by a committed
// update on this node, or by another node's commit that the store heard
// of (with a backend that cannot say which records, every answer that
// read a kind it names, or every answer). A deactivated key, a deleted
// key or a changed policy is seen by the next request, while writes of
// other records (another user, a group one is not in, access points)
// leave the cache warm. Parsed documents are cached by their text apart
// from that (parsed.go), so a reload re-reads but does not re-parse what
// did not change.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
)

// ErrUnknownKey is LookupKey's answer for an access key nobody has.
var ErrUnknownKey = errors.New("identity: unknown access key")

// Credential is a resolved access key: its secret, whether it may sign,
// and whose it is.
type Credential struct {
	Secret    string
	Principal fsxd.Principal
	Active    bool
	// Temporary credentials only: the session token's hash (TokenHash),
	// which every request must present, the expiry and the session
	// policies (nil: none; see authz.Checker.Session).
	TokenHash       string
	Expires         time.Time
	SessionPolicies []*policy.Document
}

// LookupKey resolves an access key for SigV4: the root user's, or an IAM
// user's with its secret opened with the master key. An inactive key is
// returned with Active false (auth refuses it); an unknown one is
// ErrUnknownKey.
func (d *Directory) LookupKey(ctx context.Context, id string) (Credential, error) {
	if r := d.cfg.Root; r.ID != "" && id == r.ID {
		acct := d.cfg.Account.ID
		return Credential{Secret: r.Secret, Active: true, Principal: fsxd.Principal{
			AccountID: acct, ARN: d.RootARN(), UserID: acct, IsRoot: true,
		}}, nil
	}
	start, at := d.cache.begin(), slot{id: id} // begin before reading: see put
	if v, ok := d.cache.get(at); ok {
		return v.(Credential), nil
	}
	if strings.HasPrefix(id, TempKeyPrefix) {
		cred, reads, err := d.lookupSession(ctx, id)
		if err == nil {
			d.cache.put(start, at, cred, reads)
		}
		return cred, err
	}
	var k *AccessKey
	var u *User
	reads, err := d.cfg.Store.ViewReads(ctx, func(tx *store.Tx) (err error) {
		if k, err = AccessKeys(tx).Get(id); err != nil {
			return err
		}
		u, err = Users(tx).Get(NameKey(k.User))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return Credential{}, ErrUnknownKey
	} else if err != nil {
		return Credential{}, err
	}
	if d.cfg.Secrets == nil {
		return Credential{}, errors.New("identity: no master key to open access key secrets")
	}
	secret, err := d.cfg.Secrets.Open(k.Sealed, k.ID)
	if err != nil {
		return Credential{}, fmt.Errorf("identity: access key %s: %w", k.ID, err)
	}
	cred := Credential{Secret: secret, Active: k.Status == StatusActive, Principal: fsxd.Principal{
		AccountID: d.cfg.Account.ID, ARN: d.UserARN(u.Path, u.Name), UserName: u.Name, UserID: u.ID, Tags: tagMap(u.Tags),
	}}
	d.cache.put(start, at, cred, reads)
	return cred, nil
}

// IdentityPolicies returns p's identity policies: a user's inline and
// attached managed policies (default versions) and those of its groups,
// or a role session's role's, parsed. The root
// user has none (it needs none). A principal whose user or role is gone,
// or was recreated under the same name, has none either: its requests are
// denied.
func (d *Directory) IdentityPolicies(ctx context.Context, p *fsxd.Principal) ([]*policy.Document, error) {
	if p == nil || p.IsRoot || p.UserName == "" && p.RoleName == "" {
		return nil, nil
	}
	start, at := d.cache.begin(), slot{policies: true, id: p.UserID}
	if v, ok := d.cache.get(at); ok {
		return v.([]*policy.Document), nil
	}
	var texts []string
	reads, err := d.cfg.Store.ViewReads(ctx, func(tx *store.Tx) error {
		if p.RoleName != "" {
			r, err := Roles(tx).Get(NameKey(p.RoleName))
			if errors.Is(err, store.ErrNotFound) || err == nil && !strings.HasPrefix(p.UserID, r.ID+":") {
				return nil
			} else if err != nil {
				return err
			}
			managed, err := d.managedTexts(tx, r.ManagedPolicies)
			texts = append(SortedValues(r.Policies), managed...)
			return err
		}
		u, err := Users(tx).Get(NameKey(p.UserName))
		if errors.Is(err, store.ErrNotFound) || err == nil && u.ID != p.UserID {
			return nil
		} else if err != nil {
			return err
		}
		texts = append(texts, SortedValues(u.Policies)...)
		arns := u.ManagedPolicies
		for _, name := range u.Groups {
			g, err := Groups(tx).Get(NameKey(name))
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			texts = append(texts, SortedValues(g.Policies)...)
			arns = append(arns[:len(arns):len(arns)], g.ManagedPolicies...)
		}
		managed, err := d.managedTexts(tx, arns)
		texts = append(texts, managed...)
		return err
	})
	if err != nil {
		return nil, err
	}
	docs, err := d.parseStored(texts, p.ARN)
	if err != nil {
		return nil, err
	}
	d.cache.put(start, at, docs, reads)
	return docs, nil
}

// parseStored parses policies validated when they were stored. One that
// no longer parses (a stricter parser) is an error: dropping it could
// silently drop a Deny.
func (d *Directory) parseStored(texts []string, owner string) ([]*policy.Document, error) {
	docs := make([]*policy.Document, 0, len(texts))
	for _, t := range texts {
		doc, err := d.parsed.parse(t)
		if err != nil {
			return nil, fmt.Errorf("identity: stored policy of %s no longer parses: %w", owner, err)
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
