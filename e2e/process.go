package e2e

// StartProcess runs the real fsxd binary as a child process, for what an
// in-process server cannot show: several nodes on one store, and kill -9.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ProcessOptions describe one fsxd process.
type ProcessOptions struct {
	Name    string   // for logs, e.g. "node1"
	DataDir string   // --data-dir (shared by the nodes of a cluster)
	Store   string   // --store; "" = SQLite in the data dir
	Port    int      // 0 picks a free port; Restart keeps it
	Args    []string // more flags, e.g. "--lifecycle-delay", "2s"
	Env     []string // more environment, KEY=VALUE
}

// Process is a running fsxd binary. Its Env holds SDK clients signed as
// root; Env.Server is nil, and Env.Restart does not apply (use
// Process.Restart).
type Process struct {
	*Env
	Opts  ProcessOptions
	t     testing.TB
	cmd   *exec.Cmd
	done  chan struct{} // closed once the process has exited
	addrc chan string   // the serving address, once
	log   string        // its stderr, in the test's temp dir
}

// StartProcess starts fsxd serve with o, waits until it is healthy, and
// stops it (SIGTERM) when the test ends.
func StartProcess(t testing.TB, o ProcessOptions) *Process {
	t.Helper()
	return StartProcesses(t, o)[0]
}

// StartProcesses starts several processes at once (so they also race to
// migrate a fresh database) and waits until each is healthy.
func StartProcesses(t testing.TB, opts ...ProcessOptions) []*Process {
	t.Helper()
	ps := make([]*Process, len(opts))
	for i, o := range opts {
		if o.Name == "" {
			o.Name = fmt.Sprintf("fsxd%d", i+1)
		}
		p := &Process{Opts: o, t: t, log: filepath.Join(t.TempDir(), o.Name+".log")}
		t.Cleanup(p.Stop)
		t.Cleanup(func() {
			if t.Failed() {
				p.dumpLog()
			}
		})
		p.begin()
		ps[i] = p
	}
	for _, p := range ps {
		p.await()
	}
	return ps
}

var testRootKey, testRootSecret = "AKIAFSXDTESTROOT0001", "fsxd-test-root-secret-key-0000000000000"

// servingAddr finds the bound address in the "fsxd serving" log line.
var servingAddr = regexp.MustCompile(`msg="fsxd serving".* addr=(\S+)`)

// begin starts the process; await waits for it to serve.
func (p *Process) begin() {
	p.t.Helper()
	args := []string{"serve", "--listen", fmt.Sprintf("127.0.0.1:%d", p.Opts.Port), "--data-dir", p.Opts.DataDir}
	if p.Opts.Store != "" {
		args = append(args, "--store", p.Opts.Store)
	}
	// As Start does; Args "--no-automatic-backups=false" undoes it.
	args = append(args, "--no-automatic-backups")
	p.cmd = exec.Command(fsxdBinary(p.t), append(args, p.Opts.Args...)...)
	p.cmd.Env = append(os.Environ(), "FSXD_ROOT_ACCESS_KEY_ID="+testRootKey, "FSXD_ROOT_SECRET_ACCESS_KEY="+testRootSecret)
	p.cmd.Env = append(p.cmd.Env, p.Opts.Env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("%s: %v", p.Opts.Name, err)
	}
	p.addrc = make(chan string, 1)
	p.done = make(chan struct{})
	go p.copyLog(stderr, logf, p.addrc)
}

func (p *Process) await() {
	p.t.Helper()
	select {
	case addr := <-p.addrc:
		p.connect(addr)
	case <-p.done:
		p.dumpLog()
		p.t.Fatalf("%s exited before serving: %v", p.Opts.Name, p.cmd.ProcessState)
	case <-time.After(30 * time.Second):
		p.Kill()
		p.dumpLog()
		p.t.Fatalf("%s did not start serving within 30s", p.Opts.Name)
	}
	waitHealthy(p.t, p.URL)
}

// copyLog saves stderr, reports the serving address once, and reaps the
// process when its stderr closes.
func (p *Process) copyLog(r io.Reader, w *os.File, addrc chan<- string) {
	defer close(p.done)
	defer w.Close()
	echo := os.Getenv("FSXD_E2E_LOG") != ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(w, line)
		if echo {
			fmt.Fprintf(os.Stderr, "[%s] %s\n", p.Opts.Name, line)
		}
		if m := servingAddr.FindStringSubmatch(line); m != nil {
			select {
			case addrc <- m[1]:
			default:
			}
		}
	}
	io.Copy(io.Discard, r)
	p.cmd.Wait()
}

// connect points the Env's clients at addr and remembers its port.
func (p *Process) connect(addr string) {
	fmt.Sscanf(addr[strings.LastIndexByte(addr, ':')+1:], "%d", &p.Opts.Port)
	e := &Env{t: p.t, DataDir: p.Opts.DataDir, Key: testRootKey, Secret: testRootSecret, Addr: addr, URL: "http://" + addr}
	e.FSx = fsx.New(fsx.Options{}, e.fsxOpts)
	e.S3 = e.S3Client(func(o *s3.Options) { o.UsePathStyle = true })
	e.S3Control = s3control.New(s3control.Options{}, e.s3controlOpts)
	e.IAM = iam.New(iam.Options{}, e.iamOpts)
	e.STS = sts.New(sts.Options{}, e.stsOpts)
	p.Env = e
}

// Kill sends SIGKILL and waits until the process is gone.
func (p *Process) Kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop asks the process to drain (SIGTERM) and kills it after 10 s.
func (p *Process) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.t.Errorf("%s did not stop within 10s of SIGTERM; killing it", p.Opts.Name)
		p.Kill()
	}
}

// Restart starts the (stopped or killed) process again on the same port.
func (p *Process) Restart() {
	p.t.Helper()
	p.Stop()
	p.begin()
	p.await()
}

// Exited reports whether the process has exited.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *Process) dumpLog() {
	b, _ := os.ReadFile(p.log)
	const tail = 8 << 10
	if len(b) > tail {
		b = b[len(b)-tail:]
	}
	p.t.Logf("--- %s log (tail) ---\n%s", p.Opts.Name, b)
}

var build struct {
	once sync.Once
	path string
	err  error
}

// fsxdBinary builds ./cmd/fsxd once per test binary, with -race when the
// tests run with it. It goes next to the test binary, in the directory go
// test removes afterwards.
func fsxdBinary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		dir, err := os.Executable()
		if err == nil {
			dir = filepath.Dir(dir)
		}
		if err != nil || syscall.Access(dir, 2 /* W_OK */) != nil {
			dir = os.TempDir()
		}
		build.path = filepath.Join(dir, "fsxd-e2e")
		args := []string{"build", "-o", build.path}
		if raceEnabled() {
			args = append(args, "-race")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", append(args, "github.com/fsxd/fsxd/cmd/fsxd")...).CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build ./cmd/fsxd: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}
