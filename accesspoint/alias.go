package accesspoint

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fsxd/fsxd/store"
)

// Aliases of FSx-attached access points look like
// <name>-<10 random [a-z0-9]>-ext-s3alias: S3 reserves the -ext-s3alias
// suffix for them (docs/decisions.md, "Access point names, ARNs and aliases"). The random part's length on AWS is
// UNCONFIRMED; 10 characters of [a-z0-9] give 36^10 ≈ 3.7e15 choices. Names
// longer than 40 characters are cut to 40 (and trailing hyphens dropped) so
// an alias never exceeds S3's 63-character bucket name limit. Each alias is
// recorded in store.Aliases in the transaction that creates the
// attachment, so two attachments can never share one, and a re-created
// attachment gets a new one.
const (
	aliasRandom   = 10
	aliasSuffix   = "-ext-s3alias"
	aliasMaxLen   = 63
	aliasMaxName  = aliasMaxLen - 1 - aliasRandom - len(aliasSuffix)
	aliasAttempts = 8
)

// aliasRecord is the value stored under an alias: the attachment's name.
type aliasRecord = store.Alias

func (s *Service) newAlias(name string) string {
	if len(name) > aliasMaxName {
		name = strings.TrimRight(name[:aliasMaxName], "-")
	}
	return name + "-" + s.random(aliasRandom) + aliasSuffix
}

// insertAlias picks an unused alias for name and records it.
func (s *Service) insertAlias(tx *store.Tx, name string) (string, error) {
	for range aliasAttempts {
		alias := s.newAlias(name)
		err := aliases(tx).Insert(alias, &aliasRecord{Name: name})
		if !errors.Is(err, store.ErrExists) {
			return alias, err
		}
	}
	return "", fmt.Errorf("no free alias for %s after %d attempts", name, aliasAttempts)
}

// deleteAlias removes alias if it still belongs to name.
func deleteAlias(tx *store.Tx, alias, name string) error {
	rec, err := aliases(tx).Get(alias)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || rec.Name != name {
		return err
	}
	return aliases(tx).Delete(alias)
}
