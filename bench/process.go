package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process is fsxd (or the stub) running as a child, as a user would run
// it: its own binary, its own Go runtime; fsxd with durable writes on and
// SQLite in its data dir.
type Process struct {
	URL, Key, Secret string
	DataDir          string // fsxd's --data-dir; "" for the stub
	cmd              *exec.Cmd
	done             chan error
	log              *os.File
}

// Root credentials handed to the child; they only guard a loopback port
// that lives as long as the benchmark.
const (
	rootKey    = "AKIAFSXDBENCHROOT001"
	rootSecret = "fsxd-bench-root-secret-key-00000000000"
)

// BuildFsxd compiles ./cmd/fsxd of the module in dir into out.
func BuildFsxd(ctx context.Context, dir, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, "./cmd/fsxd")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/fsxd: %v\n%s", err, b)
	}
	return nil
}

// StartFsxd runs bin serve on a free loopback port with dataDir, logging
// to dataDir/fsxd.log, and waits for /_fsxd/health.
func StartFsxd(ctx context.Context, bin, dataDir string) (*Process, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	// A short lifecycle delay only shortens setup; nothing measured waits
	// on it.
	data := filepath.Join(dataDir, "data")
	cmd := exec.Command(bin, "serve", "--listen", addr, "--data-dir", data, "--lifecycle-delay", "100ms")
	cmd.Env = append(os.Environ(), "FSXD_ROOT_ACCESS_KEY_ID="+rootKey, "FSXD_ROOT_SECRET_ACCESS_KEY="+rootSecret)
	p, err := startProcess(ctx, cmd, "http://"+addr, dataDir, "fsxd", "/_fsxd/health")
	if p != nil {
		p.DataDir = data
	}
	return p, err
}

// StartStub runs the stub in a child process (this binary, re-executed
// with StubEnv set), so it has its own Go runtime, scheduler and garbage
// collector exactly as fsxd does; in the client's process it would share
// them and compete with the client for the same two Ps.
func StartStub(ctx context.Context, dir string) (*Process, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), StubEnv+"="+addr)
	return startProcess(ctx, cmd, "http://"+addr, dir, "stub", "/bench") // HEAD bucket: 200 once serving
}

// startProcess starts cmd logging to dir/name.log and waits until
// HEAD url+ready answers 200.
func startProcess(ctx context.Context, cmd *exec.Cmd, url, dir, name, ready string) (*Process, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	p := &Process{URL: url, Key: rootKey, Secret: rootSecret, cmd: cmd, done: make(chan error, 1), log: log}
	go func() { p.done <- cmd.Wait() }()
	if err := p.waitReady(ctx, url+ready, 30*time.Second); err != nil {
		p.Stop()
		return nil, fmt.Errorf("%s: %v (log: %s)", name, err, log.Name())
	}
	return p, nil
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (p *Process) waitReady(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := http.Head(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("not ready in time")
}

// Stop asks fsxd to drain (SIGTERM), then kills it if it will not.
func (p *Process) Stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	p.log.Close()
}

// ResetPeakRSS makes VmHWM start again from the current RSS (Linux
// clear_refs "5"), so a case's peak is its own, not an earlier case's.
func (p *Process) ResetPeakRSS() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.cmd.Process.Pid), []byte("5"), 0)
}

// RSS returns the current and peak resident set size in bytes.
func (p *Process) RSS() (cur, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(b)) {
		name, val, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if name == "VmRSS" {
			cur = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return cur, peak, nil
}

// Allocs reads the Go runtime's cumulative allocation counters from
// fsxd's Prometheus endpoint.
func (p *Process) Allocs(ctx context.Context) (mallocs, bytes float64, err error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/_fsxd/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	got := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, val, ok := bytesCut(sc.Bytes())
		if !ok {
			continue
		}
		switch name {
		case "go_memstats_mallocs_total":
			mallocs, got = val, got+1
		case "go_memstats_alloc_bytes_total":
			bytes, got = val, got+1
		}
	}
	if got != 2 {
		return 0, 0, errors.New("fsxd metrics lack go_memstats_mallocs_total/go_memstats_alloc_bytes_total")
	}
	return mallocs, bytes, sc.Err()
}

// bytesCut splits a Prometheus text line "name value".
func bytesCut(line []byte) (string, float64, bool) {
	name, val, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(line) == 0 || line[0] == '#' {
		return "", 0, false
	}
	v, err := strconv.ParseFloat(string(bytes.TrimSpace(val)), 64)
	return string(name), v, err == nil
}
