package e2e

// The user-space fallback end to end: the real fsxd binary, started as
// "nobody" (65534) through setpriv, cannot switch credentials, says so,
// and checks mode bits itself on every path component before acting with
// its own credentials.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// idNobody is the server's user and group in these tests.
const idNobody = 65534

func TestIdentityUserSpace(t *testing.T) {
	skipUnlessRoot(t, "starting fsxd as another user needs root")
	if _, err := exec.LookPath("setpriv"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("setpriv (util-linux) is not installed: %v", err)
		}
		t.Skip("setpriv (util-linux) not installed")
	}
	// Plain nobody can only do what nobody may: "another user" is then
	// the server's own user, so only fsxd's checks stand between the
	// identity and the files. With CAP_DAC_OVERRIDE and CAP_FOWNER (but not
	// CAP_SETUID) the server may do anything and must still refuse.
	for _, tc := range []struct {
		name  string
		caps  string
		other int         // owner of the files the identity may not touch
		own   os.FileMode // mode of a file of the identity's it may read
	}{
		{"nobody", "", idNobody, 0o604},
		{"nobody+dac_override", "+dac_override,+fowner", 1002, 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, log := idStartAsNobody(t, tc.caps)
			if got := idEnforcement(t, e.URL); got != "userspace" {
				t.Fatalf("enforcement %q, want userspace", got)
			}
			if !strings.Contains(log(), "enforcement=userspace") {
				t.Errorf("start-up log does not name the enforcement mode:\n%s", log())
			}
			fsID, root := apOpenZFSFileSystem(t, e, "SINGLE_AZ_HA_2")
			v := idAttach(t, e, root, filepath.Join(e.DataDir, "fs", fsID, "fsx"), map[string]idUser{"alice": idUsers["alice"]})
			idUserSpaceChecks(v, tc.other, tc.own)
		})
	}
}

func idUserSpaceChecks(v *idVol, other int, own os.FileMode) {
	v.file("own", own, 1001, 2001, "alice's")
	v.file("others", 0o600, other, other, "not alice's")
	v.mkdir("private", 0o700, other, other)
	v.file("private/f", 0o644, other, other, "private")
	v.mkdir("tmp", 0o1777, other, other)
	v.file("tmp/others", 0o666, other, other, "sticky")
	v.file("tmp/alices", 0o666, 1001, 2001, "alice's")
	before := v.tree()
	for _, c := range []struct{ op, key string }{
		{"GET", "others"},
		{"PUT", "others"},
		{"GET", "private/f"},
		{"PUT", "private/f"},
		{"PUT", "private/new"},
		{"PUT", "private/sub/deep"},
		{"DELETE", "private/f"},
		{"LIST", "private/"},
		{"MPU", "private/upload"},
		{"DELETE", "tmp/others"},
		{"PUT", "tmp/others"},
	} {
		v.want(c.op, "alice", c.key, "AccessDenied")
	}
	if after := v.tree(); after != before {
		v.t.Errorf("denied operations changed the volume:\n%s\nwas:\n%s", after, before)
	}
	if got, err := v.get("alice", "own"); err != nil || got != "alice's" {
		v.t.Errorf("alice GET own: %q, %v", got, err)
	}
	v.want("DELETE", "alice", "tmp/alices", "")

	// New files and directories belong to the server, made 0666/0777
	// whatever the umask (README: the documented limitation), so the
	// identity can go on using what it made.
	v.want("PUT", "alice", "new/by-alice", "")
	v.wantOwner("new", idNobody, idNobody, 0o777)
	v.wantOwner("new/by-alice", idNobody, idNobody, 0o666)
	v.want("PUT", "alice", "new/by-alice", "")
	v.want("PUT", "alice", "new/second", "")
	v.want("GET", "alice", "new/by-alice", "")
	v.want("DELETE", "alice", "new/second", "")
}

// idStartAsNobody runs the fsxd binary as nobody (with caps, if any, as
// setpriv's ambient capabilities) on a data dir nobody owns, under
// /var/tmp so that nobody can reach it. It returns clients and the log.
func idStartAsNobody(t *testing.T, caps string) (*Env, func() string) {
	t.Helper()
	base, err := os.MkdirTemp("/var/tmp", "fsxd-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	data := filepath.Join(base, "data")
	bin := filepath.Join(base, "fsxd")
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(data, idNobody, idNobody); err != nil {
		t.Fatal(err)
	}
	idCopy(t, fsxdBinary(t), bin)

	args := []string{"--reuid=65534", "--regid=65534", "--clear-groups"}
	if caps != "" {
		args = append(args, "--inh-caps="+caps, "--ambient-caps="+caps)
	}
	args = append(args, bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", data,
		"--lifecycle-delay", "150ms", "--health-interval", "200ms", "--no-fsync")
	cmd := exec.Command("setpriv", args...)
	cmd.Env = append(os.Environ(), "FSXD_ROOT_ACCESS_KEY_ID="+testRootKey, "FSXD_ROOT_SECRET_ACCESS_KEY="+testRootSecret)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logBuf strings.Builder
	log := func() string { mu.Lock(); defer mu.Unlock(); return logBuf.String() }
	addrc, done := make(chan string, 1), make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			fmt.Fprintln(&logBuf, sc.Text())
			mu.Unlock()
			if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addrc <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("fsxd did not stop within 10s of SIGTERM")
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("--- fsxd log ---\n%s", log())
		}
	})
	var addr string
	select {
	case addr = <-addrc:
	case <-done:
		t.Fatalf("fsxd exited before serving: %v\n%s", cmd.ProcessState, log())
	case <-time.After(30 * time.Second):
		t.Fatalf("fsxd did not serve within 30s\n%s", log())
	}
	e := &Env{t: t, DataDir: data, Key: testRootKey, Secret: testRootSecret, Addr: addr, URL: "http://" + addr}
	e.FSx = fsx.New(fsx.Options{}, e.fsxOpts)
	e.S3 = e.S3Client(func(o *s3.Options) { o.UsePathStyle = true })
	waitHealthy(t, e.URL)
	return e, log
}

// idCopy copies the binary src to dst, mode 0755.
func idCopy(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
