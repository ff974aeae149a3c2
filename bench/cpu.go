package bench

import (
	"crypto/md5"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// CPU per unit of work: a server's user+system CPU time over the measured
// window, from /proc/<pid>/stat, divided by the work done. On a shared
// machine it is far steadier than throughput: another tenant's load
// slows a server down but barely changes what each request costs it.

// userHZ is the unit of /proc/<pid>/stat's times: USER_HZ, 100 on every
// Linux architecture Go runs on.
const userHZ = 100

// CPU returns the process's user+system CPU time so far, all threads.
func (p *Process) CPU() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15) from a
// /proc/<pid>/stat line; the command name (field 2) may hold spaces and
// parentheses, so fields are counted from its last ')'.
func parseStatCPU(line string) (time.Duration, error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, fmt.Errorf("bench: malformed /proc stat %q", line)
	}
	f := strings.Fields(line[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("bench: short /proc stat %q", line)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: /proc stat times: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// cpuMeter brackets one measurement of one server process and of this
// one, the client: on a machine whose cores client and server share, a
// server can be cheap itself and still slow the run by what its
// responses cost the client to receive.
type cpuMeter struct {
	p          *Process
	c0, client time.Duration
	ok         bool
}

func startCPU(p *Process) *cpuMeter {
	if p == nil {
		return nil
	}
	c0, err := p.CPU()
	return &cpuMeter{p: p, c0: c0, client: selfCPU(), ok: err == nil}
}

// startSelfCPU meters the raw ceiling, whose file operations run in this
// process: its CPU is the "server" CPU, and it has no client.
func startSelfCPU() *cpuMeter { return &cpuMeter{client: selfCPU(), ok: true} }

func (m *cpuMeter) finish(r *Result) {
	if m == nil || !m.ok {
		return
	}
	self := (selfCPU() - m.client).Seconds()
	if m.p == nil { // the raw loop: this process is the one measured
		r.CPUSeconds = &self
		return
	}
	r.ClientCPU = &self
	if c1, err := m.p.CPU(); err == nil {
		s := (c1 - m.c0).Seconds()
		r.CPUSeconds = &s
	}
}

// selfCPU is this process's user+system CPU so far, all threads.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The units of CPUPerUnit, as the report prints them.
const (
	unitPerGiB = "s/GiB"
	unitPer1k  = "s/1k ops"
)

// largeOp is the payload per op from which CPU is given per GiB moved
// rather than per 1,000 operations.
const largeOp = 1 * MiB

// CPUPerUnit is r's server CPU per GiB of payload (large ops) or per
// 1,000 ops, and the unit's name; NaN when not measured.
func CPUPerUnit(r Result) (float64, string) { return perUnit(r, r.CPUSeconds) }

// perUnit is secs of CPU over r's work, in CPUPerUnit's unit.
func perUnit(r Result, secs *float64) (float64, string) {
	if secs == nil || r.Ops == 0 {
		return math.NaN(), ""
	}
	if r.Bytes/int64(r.Ops) >= largeOp {
		return *secs / (float64(r.Bytes) / (1 << 30)), unitPerGiB
	}
	return *secs / float64(r.Ops) * 1000, unitPer1k
}

// HashCost is what hashing costs in this process, in CPU seconds per
// GiB, each hash on one locked thread: MD5 (the ETag) and SHA-256 (the
// payload hash a PUT signed as the SDK signs it over HTTP carries, which
// the server must check and the stub does not).
type HashCost struct{ MD5, SHA256 float64 }

// Floor is what such a PUT must spend on hashing at least.
func (h HashCost) Floor() float64 { return h.MD5 + h.SHA256 }

// MeasureHashCost hashes 256 MiB with each.
func MeasureHashCost() HashCost {
	return HashCost{MD5: hashCost(md5.New()), SHA256: hashCost(sha256.New())}
}

func hashCost(h hash.Hash) float64 {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	buf := make([]byte, 1*MiB)
	for i := range buf {
		buf[i] = byte(i * 31)
	}
	const total = 256 * MiB
	c0 := threadCPU()
	for n := 0; n < total; n += len(buf) {
		h.Write(buf)
	}
	h.Sum(nil)
	// float64 first: total/(1<<30) of two integer constants is 0, and the
	// floor came out +Inf.
	return (threadCPU() - c0).Seconds() / (float64(total) / (1 << 30))
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpu prints each server's CPU per unit of work, fsxd's ratio to the
// stub's, the client's CPU in each target's runs and the ratio of the
// totals (server + client: the machine's), the hashing floor, and, where
// the case has one, fsxd's throughput as a fraction of the raw
// file-system ceiling and of the composed Ceiling (ceiling.go).
func (s *suite) cpu(rows []Row) {
	out := s.cfg.Out
	fmt.Fprintf(out, "\nserver CPU per unit of work (user+system from /proc/<pid>/stat over each measurement; median of rounds; client: this process's own over the same window)\n")
	h := s.hash
	fmt.Fprintf(out, "hashing floor: MD5 %.2f + SHA-256 %.2f = %.2f CPU s/GiB in this process\n", h.MD5, h.SHA256, h.Floor())
	fmt.Fprintf(out, "raw CPU: this process's own while it ran the raw loop; ceiling: min(raw op/s, %d cores / (raw + stub + stub's client CPU per op, + SHA-256 of a signed body)), an estimate (no SigV4 or identity checks; large bodies cost the in-memory stub more than a streaming server); ceiling/stub: the ratio to the stub that ceiling allows\n", runtime.NumCPU())
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tc\tunit\tfsxd CPU\tstub CPU\tfsxd/stub\t\tclient: fsxd\tstub\ttotal fsxd/stub\t\traw MiB/s\tfsxd/raw\traw CPU\tceiling op/s\tfsxd/ceiling\tceiling/stub\t")
	for _, r := range rows {
		if r.Fsxd != nil && r.Fsxd.Rounds > 0 && !math.IsNaN(r.Fsxd.CPUPerUnit) {
			cpuRow(tw, r)
		}
	}
	tw.Flush()
}

// cpuRow is one case's line of the CPU table, and its uid 1001 line.
func cpuRow(tw io.Writer, r Row) {
	stub, ratio, stubClient, total := math.NaN(), math.NaN(), math.NaN(), math.NaN()
	if r.Stub != nil && r.Stub.Rounds > 0 {
		stub, ratio = r.Stub.CPUPerUnit, r.Fsxd.CPUPerUnit/r.Stub.CPUPerUnit
		stubClient = r.Stub.ClientCPUPerUnit
		total = (r.Fsxd.CPUPerUnit + r.Fsxd.ClientCPUPerUnit) / (stub + stubClient)
	}
	raw, rawRatio, rawCPU := "-", "-", math.NaN()
	if r.Raw != nil && r.Raw.Rounds > 0 {
		rawCPU = r.Raw.CPUPerUnit
		if r.Raw.MiBPerSec > 0 && r.Fsxd.MiBPerSec > 0 {
			raw, rawRatio = fmtMiB(r.Raw.MiBPerSec), fmtRatio(r.Fsxd.MiBPerSec/r.Raw.MiBPerSec)
		}
	}
	ceil := Ceiling(r, runtime.NumCPU())
	fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t\t%s\t%s\t%s\t\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Case, r.Conc, r.Fsxd.CPUUnit,
		fmtCPU(r.Fsxd.CPUPerUnit), fmtCPU(stub), fmtRatio(ratio),
		fmtCPU(r.Fsxd.ClientCPUPerUnit), fmtCPU(stubClient), fmtRatio(total), raw, rawRatio,
		fmtCPU(rawCPU), fmtOps(ceil), fmtRatio(r.Fsxd.OpsPerSec/ceil), fmtRatio(CeilingRatio(r, ceil)))
	if r.User != nil && !math.IsNaN(r.User.CPUPerUnit) {
		// CPU per op is the steadier measure of what the identity costs.
		fmt.Fprintf(tw, "  as uid %d\t%d\t%s\t%s\t\tuid/root %s\t\t%s\t\t\t\t\t\t\t\t\t\t\n", UserID, r.Conc, r.User.CPUUnit,
			fmtCPU(r.User.CPUPerUnit), fmtRatio(r.User.CPUPerUnit/r.Fsxd.CPUPerUnit), fmtCPU(r.User.ClientCPUPerUnit))
	}
}

func fmtOps(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtCPU(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.3f", v)
}
