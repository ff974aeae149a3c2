package bench

import (
	"math"
	"os"
	"testing"
)

func TestParseDiskStat(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
		want DiskIO
		bad  bool
	}{
		{"5.5+: writes, discards, flushes",
			"  1163  4  80162  376  915621  180773  8823056  1047153  0  1311908  2194094  41300  5  12345  98  533021  769933\n",
			DiskIO{Writes: 915621, Discards: 41300, Flushes: 533021}, false},
		{"4.18: no flushes", "1 2 3 4 50 6 7 8 9 10 11 12 13 14 15", DiskIO{Writes: 50, Discards: 12}, false},
		{"old kernel: writes only", "1 2 3 4 50 6 7 8 9 10 11", DiskIO{Writes: 50}, false},
		{"short", "1 2 3", DiskIO{}, true},
		{"not a number", "1 2 3 4 x 6 7 8 9 10 11", DiskIO{}, true},
		{"negative discards", "1 2 3 4 5 6 7 8 9 10 11 -1", DiskIO{}, true},
	} {
		got, err := parseDiskStat(tc.line)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v (error: %v)", tc.name, got, err, tc.want, tc.bad)
		}
	}
}

func FuzzParseDiskStat(f *testing.F) {
	f.Add("1 2 3 4 50 6 7 8 9 10 11 12 13 14 15 16 17")
	f.Add("1 2 3")
	f.Fuzz(func(t *testing.T, line string) {
		d, err := parseDiskStat(line)
		if err != nil && d != (DiskIO{}) {
			t.Fatalf("error %v with a value %+v", err, d)
		}
	})
}

// The work directory's disk is found and read, or there is none (tmpfs):
// either way a measurement gets figures or none, never wrong ones.
func TestDiskMeter(t *testing.T) {
	dir := t.TempDir()
	path := diskStatPath(dir)
	m := startDisk(path)
	if path == "" {
		if m != nil {
			t.Fatal("a meter without a device")
		}
		return
	}
	if m == nil {
		t.Fatalf("%s exists but does not parse", path)
	}
	f, err := os.Create(dir + "/f")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(make([]byte, 4096))
	f.Sync() // at least one write reaches the device
	f.Close()
	r := Result{Ops: 1}
	m.finish(&r)
	if r.Disk == nil || r.Disk.Writes == 0 {
		t.Fatalf("an fsync'ed write counted %+v on %s", r.Disk, path)
	}
	if got := diskPerOp(r); got[0] != float64(r.Disk.Writes) || math.IsNaN(got[1]) {
		t.Fatalf("per op %v from %+v", got, r.Disk)
	}
	if got := diskPerOp(Result{}); !math.IsNaN(got[0]) {
		t.Fatalf("unmeasured gave %v", got)
	}
}
