// Command fsxdbench measures fsxd against the ceilings of the machine it
// runs on: an in-memory S3 stub driven by the same SDK client, and the raw
// file system on the same disk. It starts fsxd itself. See
// docs/performance.md and package bench.
//
//	go run ./bench/cmd/fsxdbench            # the full suite (make bench)
//	go run ./bench/cmd/fsxdbench -short     # about a minute (make bench-short)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fsxd/fsxd/bench"
)

func main() {
	if addr := os.Getenv(bench.StubEnv); addr != "" { // re-executed as the stub's process
		if err := bench.ServeStub(addr); err != nil {
			fmt.Fprintln(os.Stderr, "fsxdbench stub:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var (
		cfg               bench.Config
		conc, only, jsonF string
	)
	fs := flag.NewFlagSet("fsxdbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&cfg.Duration, "duration", 5*time.Second, "length of each measurement (-short: 1s)")
	fs.StringVar(&conc, "concurrency", "1,8", "comma-separated `list` of concurrencies")
	fs.IntVar(&cfg.Rounds, "rounds", 2, "rounds alternating fsxd and the stub (-short: 1)")
	fs.BoolVar(&cfg.Short, "short", false, "about a minute: 1s measurements, fewer and smaller cases")
	fs.StringVar(&only, "only", "", "run only the cases matching this `regexp` (\"scaling\": that section; \"cold-iam\": its IAM half alone)")
	fs.StringVar(&jsonF, "json", "", "also write JSON lines to `file`")
	fs.StringVar(&cfg.FsxdBin, "fsxd", "", "fsxd `binary` to run (default: go build ./cmd/fsxd)")
	fs.StringVar(&cfg.DataDir, "data-dir", "", "parent `dir` for the run's files (default: temp dir if on the repo's disk and not tmpfs)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if cfg.Short && !set["duration"] {
		cfg.Duration = time.Second
	}
	if cfg.Short && !set["rounds"] {
		cfg.Rounds = 1
	}
	var err error
	if cfg.Concurrency, err = parseList(conc); err != nil || cfg.Rounds < 1 || cfg.Duration <= 0 {
		fmt.Fprintln(stderr, "fsxdbench: want -concurrency N[,N...], -rounds ≥ 1, -duration > 0")
		return 2
	}
	if only != "" {
		if cfg.Only, err = regexp.Compile(only); err != nil {
			fmt.Fprintln(stderr, "fsxdbench: -only:", err)
			return 2
		}
	}
	if cfg.ModuleDir, err = moduleDir(); err != nil {
		fmt.Fprintln(stderr, "fsxdbench:", err)
		return 1
	}
	if cfg.FsxdBin != "" {
		if cfg.FsxdBin, err = filepath.Abs(cfg.FsxdBin); err != nil {
			fmt.Fprintln(stderr, "fsxdbench:", err)
			return 2
		}
	}
	if jsonF != "" {
		f, err := os.Create(jsonF)
		if err != nil {
			fmt.Fprintln(stderr, "fsxdbench:", err)
			return 1
		}
		defer f.Close()
		cfg.JSON = f
	}
	cfg.Out, cfg.Log = stdout, stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "fsxdbench:", err)
		return 1
	}
	if !ok {
		return 1 // the report says what was not measured cleanly
	}
	return 0
}

func parseList(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad concurrency %q", f)
		}
		if !slices.Contains(out, n) { // a row is one case at one concurrency
			out = append(out, n)
		}
	}
	return out, nil
}

// moduleDir is the root of the fsxd module, where ./cmd/fsxd is built.
func moduleDir() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run fsxdbench inside the fsxd module")
	}
	return filepath.Dir(mod), nil
}
