package volume

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/fsxd/fsxd"
	"golang.org/x/sys/unix"
)

// The identity switch (runas.go) locks the caller's thread and costs
// setgroups+setfsgid+setfsuid and their read-back, then the same again to
// restore the server's credentials. Compare:
//   StatAsServer    inline syscalls, no switch (UserSpace mode, uid 0)
//   StatAsIdentity  one switch and restore per call
//   StatAlternating two identities in turn: the same cost, nothing cached
//   CredSwitch      the raw credential change on one locked thread

func benchRoot(b *testing.B, e Enforcement) *Root {
	if e == Kernel {
		needRoot(b)
	}
	r, _ := newRoot(b, Options{Enforce: e, NoFsync: true})
	mustPut(b, r.As(rootID), "dir/sub/object", "x")
	return r
}

func benchStat(b *testing.B, r *Root, ids ...fsxd.PosixIdentity) {
	p := key(b, "dir/sub/object")
	fss := make([]*FS, len(ids))
	for i, id := range ids {
		fss[i] = r.As(id)
	}
	i := 0
	for b.Loop() {
		if _, err := fss[i%len(fss)].Stat(ctx, p); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkStatAsServer(b *testing.B)   { benchStat(b, benchRoot(b, UserSpace), rootID) }
func BenchmarkStatAsIdentity(b *testing.B) { benchStat(b, benchRoot(b, Kernel), alice) }
func BenchmarkStatAlternating(b *testing.B) {
	benchStat(b, benchRoot(b, Kernel), alice, bob)
}

func BenchmarkStatAsIdentityParallel(b *testing.B) {
	r := benchRoot(b, Kernel)
	p := key(b, "dir/sub/object")
	b.RunParallel(func(pb *testing.PB) {
		f := r.As(alice)
		for pb.Next() {
			if _, err := f.Stat(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCredSwitch is setThreadCreds alone, alternating two
// identities on the benchmark's locked thread (runAs pays it twice).
func BenchmarkCredSwitch(b *testing.B) {
	needRoot(b)
	caps := serverCaps()
	runtime.LockOSThread()
	defer restoreCreds(serverCreds(), caps) // and unlock; panics if it cannot
	ids := []fsxd.PosixIdentity{alice, carol}
	for i := 0; b.Loop(); i++ {
		if err := setThreadCreds(ids[i%2]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCapSwitch is what capabilities add to one runAs: the drop on
// the way in, the restore on the way out, and the read-back where runAs
// makes it (not when capsSettled).
func BenchmarkCapSwitch(b *testing.B) {
	needRoot(b)
	caps := serverCaps()
	readBack := !capsSettled(serverCreds(), caps)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		if err := dropCaps(alice, caps); err != nil {
			b.Fatal(err)
		}
		if err := restoreCaps(caps); err != nil {
			b.Fatal(err)
		}
		if readBack {
			if err := checkCaps(caps); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkOpenReadSmall(b *testing.B) {
	r := benchRoot(b, Kernel)
	f := r.As(alice)
	mustPut(b, r.As(rootID), "small", string(make([]byte, 4096)))
	p := key(b, "small")
	buf := make([]byte, 8192)
	for b.Loop() {
		fl, err := f.Open(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if n, _ := io.ReadFull(fl, buf[:4096]); n != 4096 {
			b.Fatal(n)
		}
		fl.Close()
	}
}

func BenchmarkPutSmallNoFsync(b *testing.B) {
	r := benchRoot(b, Kernel)
	f := r.As(alice)
	i := 0
	for b.Loop() {
		mustPut(b, f, fmt.Sprintf("p/%d", i%1000), "0123456789")
		i++
	}
}

func BenchmarkWalk10k(b *testing.B) {
	r := benchRoot(b, Kernel)
	w := r.As(rootID)
	for d := range 100 {
		for f := range 100 {
			mustPut(b, w, fmt.Sprintf("walk/d%02d/f%03d", d, f), "x")
		}
	}
	f := r.As(alice)
	for b.Loop() {
		n := 0
		f.Walk(ctx, WalkOptions{Prefix: "walk/"}, func(Entry) error { n++; return nil })
		if n != 10000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/key")
}

// BenchmarkWalkPage1000 lists the 10th page of 1000 keys via StartAfter:
// it should cost about as much as the first page.
func BenchmarkWalkPage1000(b *testing.B) {
	r := benchRoot(b, Kernel)
	w := r.As(rootID)
	for d := range 100 {
		for f := range 100 {
			mustPut(b, w, fmt.Sprintf("walk/d%02d/f%03d", d, f), "x")
		}
	}
	f := r.As(alice)
	for b.Loop() {
		n := 0
		f.Walk(ctx, WalkOptions{StartAfter: "walk/d89/f999"}, func(Entry) error {
			if n++; n == 1000 {
				return ErrStopWalk
			}
			return nil
		})
		if n != 1000 {
			b.Fatal(n)
		}
	}
}

// BenchmarkRemove deletes keys from Implicit directories that keep other
// entries (the common delete: the parent is not pruned): "big" is one
// directory of b.N keys, "small" one directory of 9 entries per key. The
// files are made beforehand with one mknodat each, so `strace -f -c` of a
// run gives the syscalls per Remove after subtracting one mknodat per key
// (and, for "small", the setup's PUT and 8 more mknodat per key).
func BenchmarkRemove(b *testing.B) {
	for _, c := range []struct {
		name string
		id   fsxd.PosixIdentity
		opts Options
	}{
		{"root/durable", rootID, Options{}},
		{"root/nofsync", rootID, Options{NoFsync: true}},
		{"user/durable", alice, Options{}},
		{"user/nofsync", alice, Options{NoFsync: true}},
	} {
		for _, small := range []bool{false, true} {
			name := c.name + "/big"
			if small {
				name = c.name + "/small"
			}
			b.Run(name, func(b *testing.B) {
				needRoot(b)
				c.opts.Enforce = Kernel
				r, dir := newRoot(b, c.opts)
				f := r.As(c.id)
				keys := removeKeys(b, f, dir, b.N, small)
				b.ResetTimer()
				c0 := cpuTime()
				for _, k := range keys {
					if err := f.Remove(ctx, k); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/1e3, "cpu-µs/op")
			})
		}
	}
}

// removeKeys makes n keys for BenchmarkRemove: all in d/sub beside
// d/sub/keep, or (small) each in its own d/sN beside keep and o0..o7.
func removeKeys(b *testing.B, f *FS, dir string, n int, small bool) []Path {
	keys := make([]Path, n)
	dfd := -1
	for i := range keys {
		d, name, others := "d/sub", fmt.Sprintf("k%07d", i), 0
		if small {
			d, name, others = fmt.Sprintf("d/s%07d", i), "k", 8
		}
		if small || i == 0 {
			mustPut(b, f, d+"/keep", "x")
			if dfd >= 0 {
				unix.Close(dfd)
			}
			var err error
			if dfd, err = unix.Open(filepath.Join(dir, d), unix.O_PATH|unix.O_DIRECTORY, 0); err != nil {
				b.Fatal(err)
			}
		}
		for j := range others {
			if err := unix.Mknodat(dfd, fmt.Sprintf("o%d", j), unix.S_IFREG|0o644, 0); err != nil {
				b.Fatal(err)
			}
		}
		if err := unix.Mknodat(dfd, name, unix.S_IFREG|0o644, 0); err != nil {
			b.Fatal(err)
		}
		keys[i] = key(b, d+"/"+name)
	}
	if dfd >= 0 {
		unix.Close(dfd)
	}
	return keys
}
