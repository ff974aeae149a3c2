package accesspoint

import (
	"errors"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/store"
)

// Attachment counts for the quotas, kept beside the attachments in the
// same transactions (store.AttachmentCounts), so checking a quota reads
// two records instead of decoding every attachment, and the counts are as
// crash-safe and as consistent across nodes as the attachments are.

const accountCount = "account"

func fsCount(fsID string) string { return "fs/" + fsID }

func counts(tx *store.Tx) store.Table[store.AttachmentCount] {
	return store.AttachmentCounts.In(tx)
}

// countOf reads a count, computing it from the attachments (and storing
// it) when the database has none yet.
func countOf(tx *store.Tx, key string, match func(*fsxd.Attachment) bool) (int, error) {
	c, err := counts(tx).Get(key)
	if err == nil {
		return c.N, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	n, err := attachments(tx).Count(match)
	if err != nil {
		return 0, err
	}
	return n, counts(tx).Put(key, &store.AttachmentCount{N: n})
}

// quotaCounts returns the account's and the file system's counts.
func quotaCounts(tx *store.Tx, fsID string) (total, onFS int, err error) {
	if total, err = countOf(tx, accountCount, nil); err != nil {
		return 0, 0, err
	}
	onFS, err = countOf(tx, fsCount(fsID), func(a *fsxd.Attachment) bool { return a.FileSystemID == fsID })
	return total, onFS, err
}

// addCounts adds d (+1 on insert, -1 on removal) to both counts of fsID.
// A count not stored yet is left alone: it is computed when first read,
// from the attachments as they are then.
func addCounts(tx *store.Tx, fsID string, d int) error {
	for _, key := range []string{accountCount, fsCount(fsID)} {
		c, err := counts(tx).Get(key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		c.N += d
		if err := counts(tx).Put(key, c); err != nil {
			return err
		}
	}
	return nil
}
