package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
)

// Config is everything a run takes; cmd/fsxdbench fills it from flags.
type Config struct {
	Duration    time.Duration
	Concurrency []int
	Rounds      int
	Short       bool
	Only        *regexp.Regexp // nil: every case
	FsxdBin     string         // "": build ./cmd/fsxd of ModuleDir
	ModuleDir   string
	DataDir     string    // parent of the run's directory; "": see WorkDir
	Out         io.Writer // the report
	JSON        io.Writer // JSON lines; nil: none
	Log         io.Writer // progress
}

// suite is one run's state.
type suite struct {
	cfg     Config
	targets map[string]*Target
	fsx     *fsx.Client
	fsxdErr error // why the fsxd targets are missing, if they are
	rawDir  string
	diskDev string // the data disk's block stat file; "": none
	deploy  *Deployment
	results []Result
	json    *jsonOut
	hash    HashCost // measured before anything else runs
}

// Run measures every selected case and writes the report. It returns
// false when a measurement had errors or a target could not be measured.
func Run(ctx context.Context, cfg Config) (bool, error) {
	start := time.Now()
	dir, fsType, err := WorkDir(cfg.DataDir, cfg.ModuleDir)
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir) // deferred first, so it runs after fsxd has stopped
	s := &suite{cfg: cfg, targets: map[string]*Target{}, rawDir: filepath.Join(dir, "raw"), diskDev: diskStatPath(dir), json: newJSONOut(cfg.JSON),
		hash: MeasureHashCost()}
	maxConns := 16
	for _, c := range cfg.Concurrency {
		maxConns = max(maxConns, 2*c)
	}

	sp, err := StartStub(ctx, dir)
	if err != nil {
		return false, err
	}
	defer sp.Stop()
	s.targets[Stub] = &Target{Name: Stub, S3: NewS3Client(sp.URL, rootKey, rootSecret, maxConns), Bucket: "bench", Prefix: Stub + "/", Server: sp}

	proc, err := s.startFsxd(ctx, dir, maxConns)
	if err != nil {
		s.fsxdErr = err
		fmt.Fprintf(cfg.Log, "fsxd unavailable, measuring the ceilings only: %v\n", err)
	} else {
		defer proc.Stop()
	}
	s.header(dir, fsType)

	var rows []Row
	for _, c := range Cases(cfg.Short) {
		if cfg.Only != nil && !cfg.Only.MatchString(c.Name) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		rows = append(rows, s.runCase(ctx, c)...)
	}
	ok := s.report(rows)
	if cfg.Only == nil || cfg.Only.MatchString("scaling") {
		s.scaling(ctx)
	} else if cfg.Only.MatchString("cold-iam") && s.targets[Fsxd] != nil {
		s.scaleIAM(ctx) // the IAM half of scaling alone: minutes, not an hour
	}
	fmt.Fprintf(cfg.Out, "\ntotal time %s\n", time.Since(start).Round(time.Second))
	return ok && s.fsxdErr == nil, errors.Join(ctx.Err(), s.json.err)
}

// startFsxd builds (unless given) and starts fsxd, then deploys the file
// system and access points the data-plane cases use.
func (s *suite) startFsxd(ctx context.Context, dir string, maxConns int) (*Process, error) {
	bin := s.cfg.FsxdBin
	if bin == "" {
		bin = filepath.Join(dir, "fsxd-server") // not "fsxd": that is its data dir
		fmt.Fprintf(s.cfg.Log, "building ./cmd/fsxd ...\n")
		if err := BuildFsxd(ctx, s.cfg.ModuleDir, bin); err != nil {
			return nil, err
		}
	}
	proc, err := StartFsxd(ctx, bin, filepath.Join(dir, "fsxd"))
	if err != nil {
		return nil, err
	}
	s.fsx = NewFSxClient(proc.URL, proc.Key, proc.Secret, maxConns)
	d, err := Deploy(ctx, s.fsx)
	if err != nil {
		proc.Stop()
		return nil, fmt.Errorf("deploying through the FSx API: %w", err)
	}
	s.deploy = d
	s3c := NewS3Client(proc.URL, proc.Key, proc.Secret, maxConns)
	s.targets[Fsxd] = &Target{Name: Fsxd, S3: s3c, Bucket: d.RootAlias, Prefix: Fsxd + "/", Proc: proc, Server: proc}
	s.targets[FsxdUser] = &Target{Name: FsxdUser, S3: s3c, Bucket: d.UserAlias, Prefix: FsxdUser + "/", Proc: proc, Server: proc}
	return proc, nil
}

// runCase sets the case up on every target, then measures it at each
// concurrency in rounds that alternate the targets (fsxd, stub, fsxd,
// stub, ...; the non-root access point right after root fsxd) so slow
// drift in the machine's load hits them alike. The raw
// ceiling runs once per concurrency: it is a reference, not in a ratio.
func (s *suite) runCase(ctx context.Context, c Case) []Row {
	order, jobs, skip := s.setup(ctx, c)
	var rows []Row
	for _, conc := range s.cfg.Concurrency {
		for round := range s.cfg.Rounds {
			for _, name := range order {
				if name == Raw && round > 0 {
					continue
				}
				r := s.measure(ctx, c, name, jobs[name], skip[name], conc, round)
				s.results = append(s.results, r)
				s.json.write(jsonResult{Type: "result", Result: r})
				fmt.Fprintf(s.cfg.Log, "%-16s c=%-3d round %d  %-13s %s\n", c.Name, conc, round+1, name, brief(r))
			}
		}
		row := Summarize(c.Name, conc, c.Min, s.results)
		if c.Signed {
			row.SignedCPU = s.hash.SHA256
		}
		s.json.write(rowJSON(row))
		rows = append(rows, row)
	}
	return rows
}

// setup builds the case's job for each target and runs its setup; a
// target that cannot be set up is skipped with the reason.
func (s *suite) setup(ctx context.Context, c Case) (order []string, jobs map[string]*Job, skip map[string]string) {
	jobs, skip = map[string]*Job{}, map[string]string{}
	add := func(name string, mk func() *Job) {
		order = append(order, name)
		if s.fsxdErr != nil && (name == Fsxd || name == FsxdUser) {
			skip[name] = "fsxd unavailable"
			return
		}
		j := mk()
		if j.Setup != nil {
			t0 := time.Now()
			if err := j.Setup(ctx); err != nil {
				skip[name] = "setup: " + err.Error()
			}
			fmt.Fprintf(s.cfg.Log, "%-16s setup on %-13s %s\n", c.Name, name, time.Since(t0).Round(time.Millisecond))
		}
		jobs[name] = j
	}
	if c.Control != nil {
		add(Fsxd, func() *Job { return c.Control(s.fsx) })
	}
	if c.S3 != nil {
		add(Fsxd, func() *Job { return c.S3(s.targets[Fsxd]) })
		if c.Ident { // right after root: the identity comparison is the finer one
			add(FsxdUser, func() *Job { return c.S3(s.targets[FsxdUser]) })
		}
		add(Stub, func() *Job { return c.S3(s.targets[Stub]) })
	}
	if c.Raw != nil {
		add(Raw, func() *Job { return c.Raw(filepath.Join(s.rawDir, c.Name)) })
	}
	return order, jobs, skip
}

func (s *suite) measure(ctx context.Context, c Case, name string, job *Job, skipped string, conc, round int) Result {
	if skipped != "" {
		return Result{Case: c.Name, Conc: conc, Target: name, Round: round, Skipped: skipped}
	}
	if job.Prepare != nil {
		if err := job.Prepare(ctx, Prep{Conc: conc, Round: round, Budget: s.cfg.Duration}); err != nil {
			return Result{Case: c.Name, Conc: conc, Target: name, Round: round, Errors: 1, FirstErr: "prepare: " + err.Error()}
		}
	}
	workers := conc
	if c.Serial {
		workers = 1
	}
	var proc, server *Process
	if t := s.targets[name]; t != nil {
		proc, server = t.Proc, t.Server
	}
	pr := startProbe(ctx, proc)
	cm := startCPU(server) // after the probe's scrapes, so their cost is not counted
	if name == Raw {
		cm = startSelfCPU()
	}
	dm := startDisk(s.diskDev)
	// Generous, but a hung server must not hang the benchmark.
	opCtx, cancel := context.WithTimeout(ctx, s.cfg.Duration+5*time.Minute)
	defer cancel()
	r := newResult(c.Name, conc, name, round, Measure(opCtx, workers, conc, s.cfg.Duration, job.Op))
	cm.finish(&r)
	dm.finish(&r)
	pr.finish(ctx, &r)
	return r
}

func brief(r Result) string {
	if r.Skipped != "" {
		return "skipped: " + r.Skipped
	}
	s := fmt.Sprintf("%10.1f ops/s %9.1f MiB/s  p50 %s  p99 %s", r.OpsPerSec, r.MiBPerSec, fmtMs(r.P50ms), fmtMs(r.P99ms))
	if r.Errors > 0 {
		s += fmt.Sprintf("  %d ERRORS: %s", r.Errors, r.FirstErr)
	}
	return s
}
