package volume

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLstatAt: lstatAt answers as unix.Fstatat with AT_SYMLINK_NOFOLLOW,
// for the names a directory can hold and for those it cannot.
func TestLstatAt(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("n", 255)
	for _, n := range []string{"f", long} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("abc"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Symlink("f", filepath.Join(dir, "lnk"))
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var buf nameBuf
	for _, name := range []string{"f", long, "lnk", "d", "missing", long + "n", "f\x00x", ""} {
		var got, want unix.Stat_t
		gotErr := lstatAt(fd, name, &got, &buf)
		wantErr := unix.Fstatat(fd, name, &want, unix.AT_SYMLINK_NOFOLLOW)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() || got != want {
			t.Errorf("%.12q: got %v %+v, want %v %+v", name, gotErr, got, wantErr, want)
		}
	}
}
