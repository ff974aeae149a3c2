package volume

import (
	"fmt"
	"io"
	"testing"

	"github.com/fsxd/fsxd"
)

// The identity switch costs a hand-off to a worker thread (channel send,
// wake of a locked thread) plus, when that thread held another identity,
// setgroups+setfsgid+setfsuid and their read-back. Compare:
//   StatAsServer   inline syscalls, no worker (UserSpace mode, uid 0)
//   StatAsIdentity one worker trip, identity already held
//   StatAlternating two identities in turn (affinity keeps both cached)
//   CredSwitch     the raw credential change on one thread

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

// BenchmarkStatAlternatingOneThread switches credentials on every call
// but always on the same (hot) thread.
func BenchmarkStatAlternatingOneThread(b *testing.B) {
	r := benchRoot(b, Kernel)
	r.pool = newPool(1)
	benchStat(b, r, alice, bob)
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

func BenchmarkCredSwitch(b *testing.B) {
	needRoot(b)
	w := &worker{jobs: make(chan func()), done: make(chan struct{})}
	go w.loop()
	defer close(w.jobs)
	w.jobs <- func() {
		for i := 0; b.Loop(); i++ {
			if err := w.become([]fsxd.PosixIdentity{alice, carol}[i%2]); err != nil {
				b.Error(err)
				return
			}
		}
	}
	<-w.done
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
