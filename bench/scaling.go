package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sys/unix"

	"github.com/fsxd/fsxd/fsxapi"
)

// The scaling section: what one ListObjectsV2 page costs fsxd as the
// directory grows, flat (every file in one directory) and nested (1,000
// files per directory), reported as a ratio to the smallest case. Cost is
// fsxd's CPU per page from /proc/<pid>/stat, steadier than wall time on a
// shared machine. The files are made directly on the volume's disk with
// one open per file, outside the measured window, like data that was
// there before fsxd (no Meta: each listed file is read by its inode).

// scaleSettle outlasts the listing cache's slack (volume/dircache.go), so
// the measured pages are those of an unchanged directory.
const scaleSettle = 2500 * time.Millisecond

// scalePages is how many pages each case measures, each from another
// place in the directory.
const scalePages = 20

// scaleRepeats is how many times the second visit goes over the pages:
// process CPU is counted in 10 ms ticks, so 20 pages of 2 ms each would
// measure ±25 % of the ratio's 1k baseline; 100 measure ±5 %.
const scaleRepeats = 5

type scaleRow struct {
	layout         string
	files          int
	cpuPage, wall  time.Duration // per page, on the second visit of each
	cpuCold        time.Duration // per page, on the first visit of each
	cpuFirst       time.Duration // the first page: reads and sorts the directory
	full, fullWall time.Duration // a full listing (largest flat case only)
}

// scaling runs the section against the root access point.
func (s *suite) scaling(ctx context.Context) {
	t, volDir := s.targets[Fsxd], s.rootVolumeDir()
	if t == nil || volDir == "" {
		fmt.Fprintln(s.cfg.Out, "\nscaling: fsxd unavailable")
		return
	}
	sizes := []int{1000, 100_000, 1_000_000}
	if s.cfg.Short {
		sizes = []int{1000, 10_000}
	}
	var rows []scaleRow
	for _, layout := range []string{"flat", "nested"} {
		for _, n := range sizes {
			prefix := fmt.Sprintf("scale-%s-%d/", layout, n)
			t0 := time.Now()
			if err := makeFiles(filepath.Join(volDir, prefix), layout, n); err != nil {
				fmt.Fprintf(s.cfg.Out, "scaling: making %s: %v\n", prefix, err)
				return
			}
			fmt.Fprintf(s.cfg.Log, "scaling: made %d files (%s) in %s\n", n, layout, time.Since(t0).Round(time.Millisecond))
			rows = append(rows, scaleRow{layout: layout, files: n})
		}
	}
	time.Sleep(scaleSettle)
	for i := range rows {
		r := &rows[i]
		if err := s.scaleRow(ctx, t, r, r.layout == "flat" && r.files == sizes[len(sizes)-1]); err != nil {
			fmt.Fprintf(s.cfg.Out, "scaling: %s %d: %v\n", r.layout, r.files, err)
			return
		}
		fmt.Fprintf(s.cfg.Log, "scaling: %s %d: %s CPU/page\n", r.layout, r.files, r.cpuPage)
	}
	s.scaleReport(rows)
	s.scaleIAM(ctx)
}

func (s *suite) scaleRow(ctx context.Context, t *Target, r *scaleRow, full bool) error {
	prefix := fmt.Sprintf("scale-%s-%d/", r.layout, r.files)
	proc := t.Proc
	page := func(i int) error {
		after := prefix + scaleKey(r.layout, r.files*i/scalePages)
		if i == 0 {
			after = ""
		}
		out, err := t.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(t.Bucket),
			Prefix: aws.String(prefix), StartAfter: aws.String(after), MaxKeys: aws.Int32(1000)})
		if err == nil && len(out.Contents) != min(1000, r.files-r.files*i/scalePages-1+boolInt(i == 0)) {
			err = fmt.Errorf("page %d: %d keys", i, len(out.Contents))
		}
		return err
	}
	c0 := procCPU(proc)
	if err := page(scalePages / 2); err != nil {
		return err
	}
	c1 := procCPU(proc)
	r.cpuFirst = c1 - c0
	// Two passes over the same places. The first visit of a page reads its
	// files' Meta; the second finds it in the Meta cache, as every visit
	// does in a 1k directory, which one page covers. The ratio compares
	// second visits, so it measures the listing's dependence on the
	// directory's size and not which case the cache favours.
	for pass, repeats := range []int{1, scaleRepeats} {
		c, w := procCPU(proc), time.Now()
		for range repeats {
			for i := range scalePages {
				if err := page(i); err != nil {
					return err
				}
			}
		}
		n := time.Duration(repeats * scalePages)
		if pass == 0 {
			r.cpuCold = (procCPU(proc) - c) / n
		} else {
			r.cpuPage, r.wall = (procCPU(proc)-c)/n, time.Since(w)/n
		}
	}
	if full {
		c, w := procCPU(proc), time.Now()
		p := s3.NewListObjectsV2Paginator(t.S3, &s3.ListObjectsV2Input{Bucket: aws.String(t.Bucket), Prefix: aws.String(prefix)})
		n := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			n += len(out.Contents)
		}
		if n != r.files {
			return fmt.Errorf("full listing: %d keys", n)
		}
		r.full, r.fullWall = procCPU(proc)-c, time.Since(w)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scaleKey is file i's key below its case's prefix.
func scaleKey(layout string, i int) string {
	if layout == "nested" {
		return fmt.Sprintf("d%04d/f%07d", i/1000, i)
	}
	return fmt.Sprintf("f%07d", i)
}

// makeFiles creates n empty files with one openat and close each.
func makeFiles(dir, layout string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dfd, sub := -1, -1
	defer func() {
		if dfd >= 0 {
			unix.Close(dfd)
		}
	}()
	for i := range n {
		if d := i / 1000; dfd < 0 || layout == "nested" && d != sub {
			if dfd >= 0 {
				unix.Close(dfd)
			}
			p := dir
			if layout == "nested" {
				p = filepath.Join(dir, fmt.Sprintf("d%04d", d))
				if err := os.Mkdir(p, 0o755); err != nil {
					return err
				}
			}
			var err error
			if dfd, err = unix.Open(p, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
				return err
			}
			sub = d
		}
		name := scaleKey(layout, i)
		name = name[strings.LastIndexByte(name, '/')+1:]
		fd, err := unix.Openat(dfd, name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if err != nil {
			return err
		}
		unix.Close(fd)
	}
	return nil
}

// procCPU is p's CPU so far, 0 if /proc cannot be read.
func procCPU(p *Process) time.Duration {
	c, _ := p.CPU()
	return c
}

func (s *suite) scaleReport(rows []scaleRow) {
	out := s.cfg.Out
	fmt.Fprintln(out, "\nscaling: one ListObjectsV2 page of 1,000 keys (fsxd CPU per page on its second visit, ratio to the 1k case of the same layout; first visit beside it)")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "layout\tfiles\tCPU/page\tratio\twall/page\tfirst visit CPU/page\tfirst page CPU\t")
	base := map[string]time.Duration{}
	for _, r := range rows {
		if _, ok := base[r.layout]; !ok {
			base[r.layout] = max(r.cpuPage, time.Millisecond)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f ms\t%.2f\t%.1f ms\t%.1f ms\t%.1f ms\t\n", r.layout, r.files, ms(r.cpuPage),
			float64(max(r.cpuPage, time.Millisecond))/float64(base[r.layout]), ms(r.wall), ms(r.cpuCold), ms(r.cpuFirst))
	}
	tw.Flush()
	for _, r := range rows {
		if r.fullWall > 0 {
			fmt.Fprintf(out, "full listing of %d keys in one directory: %.1f s (%.1f s fsxd CPU)\n", r.files, r.fullWall.Seconds(), r.full.Seconds())
		}
	}
}

// rootVolumeDir is the root volume's directory, where the root access
// point's keys are files.
func (s *suite) rootVolumeDir() string {
	t := s.targets[Fsxd]
	if s.deploy == nil || t == nil || t.Proc == nil || t.Proc.DataDir == "" {
		return ""
	}
	return fsxapi.OpenZFSRootVolumeDir(t.Proc.DataDir, s.deploy.FileSystem)
}
