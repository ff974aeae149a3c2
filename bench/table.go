package bench

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
)

// The human report: a header saying what was measured how, the table,
// fsxd's memory, and every error or skipped target.

func (s *suite) header(dir, fsType string) {
	c := s.cfg
	w := c.Out
	fmt.Fprintf(w, "fsxdbench: fsxd against its ceilings on this machine (%s/%s, %d CPUs, GOMAXPROCS %d, %s)\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Fprintf(w, "data: %s (%s); fsxd: durable writes on (no --no-fsync), SQLite store, request log to a file\n", dir, fsType)
	fmt.Fprintln(w, ClientNote)
	fmt.Fprintln(w, "stub: bench/stub, in-memory S3 in its own process (own Go runtime, like fsxd); raw: plain Go file operations, same disk, no HTTP")
	fmt.Fprintf(w, "each measurement %s; concurrency %v; %d round(s) alternating fsxd (then fsxd as uid %d), stub; raw file system once\n",
		c.Duration, c.Concurrency, c.Rounds, UserID)
	fmt.Fprintf(w, "ratio = median over rounds of fsxd/stub ops/s in the same round; targets apply at c=%d\n", TargetConc)
	meta := jsonMeta{Type: "meta", Go: runtime.Version(), CPUs: runtime.NumCPU(), FS: fsType, Client: ClientNote,
		DurationS: c.Duration.Seconds(), Concurrency: c.Concurrency, Rounds: c.Rounds, Short: c.Short}
	if s.fsxdErr != nil {
		fmt.Fprintf(w, "FSXD UNAVAILABLE: %v\n", s.fsxdErr)
		meta.FsxdError = s.fsxdErr.Error()
	}
	fmt.Fprintln(w)
	s.json.write(meta)
}

// report prints the table and returns false if anything was not measured
// cleanly.
func (s *suite) report(rows []Row) bool {
	out := s.cfg.Out
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tc\tfsxd op/s\tMiB/s\tp50\tp99\t\tstub op/s\tMiB/s\tp50\tp99\t\tratio\ttarget\tresult\t\traw op/s\traw MiB/s\t")
	for _, r := range rows {
		target := "-"
		if r.Min > 0 {
			target = fmt.Sprintf("≥%.2f", r.Min)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t\t%s\t\t%s\t%s\t%s\t\t%s\t\n", r.Case, r.Conc, cols(r.Fsxd), cols(r.Stub),
			fmtRatio(r.Ratio), target, r.Verdict, rawCols(r.Raw))
		if r.User != nil {
			fmt.Fprintf(tw, "  as uid %d\t%d\t%s\t\t\t\t\t\t\tcost %s\t≤%.0f%%\t%s\t\t\t\t\n", UserID, r.Conc, cols(r.User),
				fmtPct(r.IdentCost), MaxIdentityCost*100, r.IdentVerdict)
		}
	}
	tw.Flush()
	s.memory(rows)
	s.cpu(rows)
	s.disk(rows)
	s.pageTouch()
	return s.problems(rows)
}

func cols(st *Stat) string {
	switch {
	case st == nil:
		return "\t\t\t"
	case st.Rounds == 0:
		return "skipped\t\t\t"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s", fmtRate(st.OpsPerSec), fmtMiB(st.MiBPerSec), fmtMs(st.P50ms), fmtMs(st.P99ms))
}

func rawCols(st *Stat) string {
	switch {
	case st == nil:
		return "\t"
	case st.Rounds == 0:
		return "skipped\t"
	}
	return fmtRate(st.OpsPerSec) + "\t" + fmtMiB(st.MiBPerSec)
}

// memory prints fsxd's allocations per op and peak RSS per case; the
// issue singles out 4 KiB GET and 64 MiB PUT (marked *).
func (s *suite) memory(rows []Row) {
	out := s.cfg.Out
	fmt.Fprintf(out, "\nfsxd memory (allocations from its Go runtime counters, one scrape's cost subtracted, <x: below that noise; RSS from /proc, peak reset per measurement)\n")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tc\tallocs/op\tbytes/op\tpeak RSS\tpeak - start\t")
	n := 0
	for _, r := range rows {
		st := r.Fsxd
		if st == nil || st.Rounds == 0 {
			continue
		}
		mark := ""
		if r.Case == "get-4KiB" || r.Case == "put-64MiB" {
			mark = " *"
		}
		fmt.Fprintf(tw, "%s%s\t%d\t%s\t%s\t%s\t%s\t\n", r.Case, mark, r.Conc,
			atLeast(st.AllocsPerOp, st.AllocsFloor, fmtCount), atLeast(st.BytesPerOp, st.BytesFloor, fmtBytes),
			fmtBytes(float64(st.PeakRSS)), fmtBytes(float64(st.RSSDelta)))
		n++
	}
	if n == 0 {
		fmt.Fprintln(tw, "(fsxd not measured)\t\t\t\t\t\t")
	}
	tw.Flush()
}

// problems lists every error, and every skipped target once per reason
// with the cases it affected.
func (s *suite) problems(rows []Row) bool {
	var lines, reasons []string
	skipped := map[string][]string{} // "target: reason" -> cases
	note := func(r Row, name string, st *Stat) {
		switch {
		case st == nil:
		case st.Skipped != "":
			k := name + " skipped: " + st.Skipped
			if len(skipped[k]) == 0 {
				reasons = append(reasons, k)
			}
			if !slices.Contains(skipped[k], r.Case) {
				skipped[k] = append(skipped[k], r.Case)
			}
		case st.Errors > 0:
			lines = append(lines, fmt.Sprintf("%s on %s at c=%d: %d errors, first: %s", r.Case, name, r.Conc, st.Errors, st.FirstErr))
		}
	}
	for _, r := range rows {
		note(r, Fsxd, r.Fsxd)
		note(r, Stub, r.Stub)
		note(r, FsxdUser, r.User)
		note(r, Raw, r.Raw)
	}
	for _, k := range reasons {
		lines = append(lines, fmt.Sprintf("%s (%s)", k, strings.Join(skipped[k], ", ")))
	}
	if len(lines) == 0 {
		return true
	}
	fmt.Fprintf(s.cfg.Out, "\nNOT MEASURED CLEANLY (%d):\n  %s\n", len(lines), strings.Join(lines, "\n  "))
	return false
}

func fmtRate(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// fmtMiB is blank for cases that move no payload (HEAD, DELETE, LIST).
func fmtMiB(v float64) string {
	if v == 0 || math.IsNaN(v) {
		return ""
	}
	return fmt.Sprintf("%.1f", v)
}

func fmtMs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v < 1:
		return fmt.Sprintf("%.0fµs", v*1000)
	case v < 100:
		return fmt.Sprintf("%.2fms", v)
	case v < 1000:
		return fmt.Sprintf("%.0fms", v)
	}
	return fmt.Sprintf("%.2fs", v/1000)
}

// pageTouch prints what a first write to a page costs on this machine now,
// after the run (pagetouch_linux.go): on a VM that reports free pages to
// its host it can outweigh the copy into the page cache.
func (s *suite) pageTouch() {
	cold, reused, err := PageTouch(512 << 20)
	if err != nil {
		fmt.Fprintf(s.cfg.Out, "\npage first touch: %v\n", err)
		return
	}
	fmt.Fprintf(s.cfg.Out, "\npage first touch (512 MiB, after the run): %.0f ns per 4 KiB page from the free pool, %.0f ns reused at once; %s\n",
		cold, reused, pageReporting())
}

func fmtRatio(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

func fmtPct(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

// atLeast formats an allocation estimate, or "<floor" when it is below
// the noise floor of the measurement.
func atLeast(v, floor float64, f func(float64) string) string {
	if !math.IsNaN(v) && !math.IsNaN(floor) && v < floor {
		return "<" + f(floor)
	}
	return f(v)
}

func fmtCount(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtBytes(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case v >= MiB:
		return fmt.Sprintf("%.1f MiB", v/MiB)
	case v >= KiB:
		return fmt.Sprintf("%.1f KiB", v/KiB)
	}
	return fmt.Sprintf("%.0f B", v)
}
