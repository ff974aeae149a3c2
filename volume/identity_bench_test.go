package volume

import (
	"io"
	"testing"

	"github.com/fsxd/fsxd"
)

// BenchmarkIdentity is the per-operation cost of acting as an identity,
// for Stat and for Open + read 4 KiB + Close of "dir/sub/small":
//
//	server         UserSpace mode as uid 0: inline syscalls, no checks,
//	               no switch (what the operation costs by itself)
//	uid0           Kernel mode as uid 0: equivalent to the server's
//	               credentials, so runAs runs inline with no switch
//	user           Kernel mode as 1001:2001: the caller's thread is
//	               locked, switched to the identity and restored
//	user-switching Kernel mode, alternating 1001 and 1002: the same
//	               switch and restore (runAs caches no identity)
//	userspace-user UserSpace mode as 1001:2001: inline, with the mode-bit
//	               checks on every path component done in Go
func BenchmarkIdentity(b *testing.B) {
	cases := []struct {
		name string
		mode Enforcement
		ids  []fsxd.PosixIdentity
	}{
		{"server", UserSpace, []fsxd.PosixIdentity{rootID}},
		{"uid0", Kernel, []fsxd.PosixIdentity{rootID}},
		{"user", Kernel, []fsxd.PosixIdentity{alice}},
		{"user-switching", Kernel, []fsxd.PosixIdentity{alice, bob}},
		{"userspace-user", UserSpace, []fsxd.PosixIdentity{alice}},
	}
	for _, op := range []struct {
		name string
		fn   func(b *testing.B, f *FS, p Path, buf []byte)
	}{
		{"Stat", benchIdentityStat},
		{"OpenRead4K", benchIdentityOpenRead},
	} {
		for _, c := range cases {
			b.Run(op.name+"/"+c.name, func(b *testing.B) {
				r := benchRoot(b, c.mode)
				mustPut(b, r.As(rootID), "dir/sub/small", string(make([]byte, 4096)))
				p := key(b, "dir/sub/small")
				fss := make([]*FS, len(c.ids))
				for i, id := range c.ids {
					fss[i] = r.As(id)
				}
				buf := make([]byte, 4096)
				i := 0
				for b.Loop() {
					op.fn(b, fss[i%len(fss)], p, buf)
					i++
				}
			})
		}
	}
}

func benchIdentityStat(b *testing.B, f *FS, p Path, _ []byte) {
	if _, err := f.Stat(ctx, p); err != nil {
		b.Fatal(err)
	}
}

func benchIdentityOpenRead(b *testing.B, f *FS, p Path, buf []byte) {
	fl, err := f.Open(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	if n, err := io.ReadFull(fl, buf); n != len(buf) {
		b.Fatal(n, err)
	}
	fl.Close()
}
