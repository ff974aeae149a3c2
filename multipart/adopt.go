package multipart

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// AdoptSlots returns upload id's slot file, truncated to the bytes of
// parts 1..N it holds and open for writing, when parts (Complete's list,
// as OpenParts returned it) are parts 1..N each in its own slot, all of
// the slot size but the last. The last may also be a part file (a short
// last part that arrived before the slot size was fixed): the caller then
// appends it. It returns nil otherwise; the caller then copies the parts.
//
// It first seals the upload against new claims, then checks that no
// claim is beyond the slots adopted: a writer claims before it looks for
// the seal, so a slot being written now is seen here, or sees the seal
// and writes a part file. A filled slot beyond N keeps its part from
// truncation the same way, as its record is a part too. The seal stays:
// a failed Complete leaves later parts to part files.
func (s *Store) AdoptSlots(id string, parts []Part) *os.File {
	dir := s.uploadDir(id)
	slots, size, ok := slotLayout(dir, parts)
	if !ok {
		return nil
	}
	seal, err := os.OpenFile(filepath.Join(dir, sealedName), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	seal.Close()
	if !claimsWithin(dir, slots, len(parts)) {
		return nil
	}
	f, err := os.OpenFile(filepath.Join(dir, slotFileName), os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if !adoptable(f) || f.Truncate(size) != nil {
		f.Close() // drops the lock too
		return nil
	}
	return f
}

// adoptable locks the slot file for this Complete (the lock Adopt takes,
// held from here) and checks that no Complete has adopted it yet: a
// Complete on another node holds the lock while it appends and commits,
// and one that has committed has linked the file as the object. Either
// way truncating it would cut an acknowledged object's bytes, so the
// caller copies the parts out of it instead.
func adoptable(f *os.File) bool {
	fd := int(f.Fd())
	if unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) != nil {
		return false
	}
	var st unix.Stat_t
	return unix.Fstat(fd, &st) == nil && st.Nlink == 1
}

// slotLayout checks that parts are 1..N in their slots (the last may be
// a part file), and returns how many are in slots and their total size.
func slotLayout(dir string, parts []Part) (int, int64, bool) {
	S, err := readSlotSize(dir)
	if err != nil || len(parts) == 0 {
		return 0, 0, false
	}
	last := len(parts) - 1
	if !parts[last].InSlot {
		parts = parts[:last]
	}
	var size int64
	for i, p := range parts {
		ok := p.InSlot && p.Number == i+1 && p.Offset == int64(i)*S &&
			(p.Size == S || i == last && p.Size <= S)
		if !ok {
			return 0, 0, false
		}
		size += p.Size
	}
	return len(parts), size, len(parts) > 0
}

// claimsWithin reports whether every slot claim in dir is within the
// slots adopted: those still being written (slot-<k>, or whose writer
// died) for parts 1..slots, those filled for parts 1..n, as a filled slot
// beyond the object is another part's that truncation would cut off.
func claimsWithin(dir string, slots, n int) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		k, limit := 0, 0
		if v, ok := strings.CutPrefix(e.Name(), slotPrefix); ok {
			k, err = strconv.Atoi(v)
			limit = slots
		} else if v, ok := strings.CutPrefix(e.Name(), filledPrefix); ok {
			k, err = strconv.Atoi(v)
			limit = n
		} else {
			continue
		}
		if err != nil || k < 1 || k > limit {
			return false
		}
	}
	return true
}
