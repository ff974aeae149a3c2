package bench

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"golang.org/x/sys/unix"
)

// Disk I/O per operation: requests the data disk completed over the
// measured window, from /sys/dev/block/<major>:<minor>/stat, divided by
// the operations done. Unlike time and CPU it hardly moves between runs,
// so it shows what a change does to the I/O a write costs (one block
// fewer, one flush fewer) where throughput on a shared VM cannot. The
// counters are the whole device's: anything else writing to the disk
// during a measurement counts too.

// DiskIO are a device's completed write, flush and discard requests.
type DiskIO struct{ Writes, Flushes, Discards uint64 }

// diskStatPath is the stat file of the block device holding dir, "" when
// there is none (tmpfs, overlay and other devices without a queue).
func diskStatPath(dir string) string {
	var st unix.Stat_t
	if unix.Stat(dir, &st) != nil {
		return ""
	}
	p := fmt.Sprintf("/sys/dev/block/%d:%d/stat", unix.Major(st.Dev), unix.Minor(st.Dev))
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// parseDiskStat reads the block layer's stat line (Documentation/block/
// stat.rst): field 5 is writes completed, 12 discards (Linux 4.18+), 16
// flushes (5.5+); a field the kernel does not have counts as 0.
func parseDiskStat(line string) (DiskIO, error) {
	f := strings.Fields(line)
	if len(f) < 11 {
		return DiskIO{}, fmt.Errorf("bench: short block stat %q", line)
	}
	get := func(i int) (uint64, error) {
		if i >= len(f) {
			return 0, nil
		}
		return strconv.ParseUint(f[i], 10, 64)
	}
	var d DiskIO
	var err error
	for _, p := range []struct {
		i int
		v *uint64
	}{{4, &d.Writes}, {11, &d.Discards}, {15, &d.Flushes}} {
		if *p.v, err = get(p.i); err != nil {
			return DiskIO{}, fmt.Errorf("bench: block stat field %d: %w", p.i+1, err)
		}
	}
	return d, nil
}

func readDiskIO(path string) (DiskIO, bool) {
	if path == "" {
		return DiskIO{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return DiskIO{}, false
	}
	d, err := parseDiskStat(string(b))
	return d, err == nil
}

// diskMeter brackets one measurement.
type diskMeter struct {
	path string
	d0   DiskIO
}

func startDisk(path string) *diskMeter {
	d0, ok := readDiskIO(path)
	if !ok {
		return nil
	}
	return &diskMeter{path: path, d0: d0}
}

func (m *diskMeter) finish(r *Result) {
	if m == nil {
		return
	}
	if d1, ok := readDiskIO(m.path); ok {
		r.Disk = &DiskIO{Writes: d1.Writes - m.d0.Writes, Flushes: d1.Flushes - m.d0.Flushes, Discards: d1.Discards - m.d0.Discards}
	}
}

// diskPerOp is r's disk requests per operation, NaN when not measured.
func diskPerOp(r Result) [3]float64 {
	if r.Disk == nil || r.Ops == 0 {
		return [3]float64{math.NaN(), math.NaN(), math.NaN()}
	}
	n := float64(r.Ops)
	return [3]float64{float64(r.Disk.Writes) / n, float64(r.Disk.Flushes) / n, float64(r.Disk.Discards) / n}
}

// disk prints the disk requests per operation of fsxd and of the raw
// ceiling, for the cases where either wrote to the disk.
func (s *suite) disk(rows []Row) {
	out := s.cfg.Out
	fmt.Fprintf(out, "\ndisk requests per op (writes, flushes, discards completed by the data disk over each measurement, /sys/dev/block; median of rounds; the whole device's)\n")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tc\tfsxd writes\tflushes\tdiscards\t\traw writes\tflushes\tdiscards\t")
	for _, r := range rows {
		if r.Fsxd == nil || !(r.Fsxd.DiskPerOp[0] > 0.001 || r.Raw != nil && r.Raw.DiskPerOp[0] > 0.001) {
			continue
		}
		raw := [3]float64{math.NaN(), math.NaN(), math.NaN()}
		if r.Raw != nil {
			raw = r.Raw.DiskPerOp
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t\t%s\t%s\t%s\t\n", r.Case, r.Conc,
			fmtIO(r.Fsxd.DiskPerOp[0]), fmtIO(r.Fsxd.DiskPerOp[1]), fmtIO(r.Fsxd.DiskPerOp[2]),
			fmtIO(raw[0]), fmtIO(raw[1]), fmtIO(raw[2]))
	}
	tw.Flush()
}

func fmtIO(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}
