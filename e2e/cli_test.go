package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestCLIContract checks the command-line promises scripts rely on.
func TestCLIContract(t *testing.T) {
	bin := fsxdBinary(t)
	run := func(args ...string) (string, int) {
		out, err := exec.Command(bin, args...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	cases := []struct {
		args     []string
		code     int
		contains []string
	}{
		{[]string{"version"}, 0, []string{"fsxd "}},
		{[]string{"--help"}, 0, []string{"fsxd serve", "FSXD_ROOT_ACCESS_KEY_ID", "FSXD_ROOT_SECRET_ACCESS_KEY"}},
		{[]string{"serve", "--help"}, 0, []string{"-listen", "-data-dir", "-store", "-region", "-account-id", "-domain", "-tls-cert", "-tls-key", "-audit-log"}},
		{[]string{"serve", "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--audit-log", "/nonexistent-fsxd-dir/audit.jsonl"}, 1, []string{"--audit-log", "no such file"}},
		{[]string{"bogus"}, 2, []string{"unknown command"}},
		{[]string{"serve", "--account-id", "12"}, 2, []string{"12 digits"}},
		{[]string{"serve", "--no-such-flag"}, 2, []string{"no-such-flag"}},
		{[]string{"serve", "--vpc", "nonsense"}, 2, []string{"vpc-"}},
		{[]string{"serve", "--max-copies", "0"}, 2, []string{"--max-copies must be at least 1"}},
	}
	for _, c := range cases {
		out, code := run(c.args...)
		if code != c.code {
			t.Errorf("fsxd %s: exit %d, want %d\n%s", strings.Join(c.args, " "), code, c.code, out)
		}
		for _, want := range c.contains {
			if !strings.Contains(out, want) {
				t.Errorf("fsxd %s: output lacks %q:\n%s", strings.Join(c.args, " "), want, out)
			}
		}
	}
}

// TestCLIGeneratedCredentials: without FSXD_ROOT_* the first start makes
// root credentials, stores them 0600 and prints them once; a restart reuses
// them silently.
func TestCLIGeneratedCredentials(t *testing.T) {
	dir := t.TempDir()
	p := StartProcess(t, ProcessOptions{DataDir: dir, Env: []string{"FSXD_ROOT_ACCESS_KEY_ID=", "FSXD_ROOT_SECRET_ACCESS_KEY="}})
	path := filepath.Join(dir, "root-credentials.json")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
	}
	var creds struct{ AccessKeyId, SecretAccessKey string }
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &creds); err != nil || !strings.HasPrefix(creds.AccessKeyId, "AKIA") || len(creds.SecretAccessKey) != 40 {
		t.Fatalf("credentials file %s: %v", b, err)
	}
	p.Key, p.Secret = creds.AccessKeyId, creds.SecretAccessKey
	p.FSx = fsx.New(fsx.Options{}, p.fsxOpts)
	if _, err := p.FSx.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Fatalf("the generated root key does not work: %v", err)
	}
	p.Restart()
	log, _ := os.ReadFile(p.log)
	if n := strings.Count(string(log), creds.SecretAccessKey); n != 1 {
		t.Errorf("the secret appears %d times in the log across two starts, want exactly once", n)
	}
	b2, _ := os.ReadFile(path)
	if !bytes.Equal(b, b2) {
		t.Error("a restart changed the stored root credentials")
	}
}

// TestCLIDrainOnSIGTERM: a request in flight when SIGTERM arrives still
// completes, and the process then exits 0.
func TestCLIDrainOnSIGTERM(t *testing.T) {
	p := StartProcess(t, ProcessOptions{DataDir: t.TempDir(), Args: []string{"--lifecycle-delay", "100ms"}})
	alias := s3AccessPoint(t, p.Env, "drain-ap")
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	req, err := s3.NewPresignClient(p.S3).PresignPutObject(context.Background(),
		&s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("slow.bin")})
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	hreq, _ := http.NewRequest(http.MethodPut, req.URL, pr)
	hreq.ContentLength = int64(len(body))
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(hreq)
		if err == nil {
			if resp.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(resp.Body)
				err = &httpStatusError{resp.StatusCode, string(b)}
			}
			resp.Body.Close()
		}
		done <- err
	}()
	pw.Write(body[:len(body)/2])
	time.Sleep(200 * time.Millisecond) // the request is now in flight
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond)
	if p.Exited() {
		t.Fatal("fsxd exited with a request in flight")
	}
	pw.Write(body[len(body)/2:])
	pw.Close()
	if err := <-done; err != nil {
		t.Fatalf("in-flight PUT during drain: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("fsxd did not exit after draining")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
}

type httpStatusError struct {
	code int
	body string
}

func (e *httpStatusError) Error() string { return http.StatusText(e.code) + ": " + e.body }

// TestCLITLS: --tls-cert/--tls-key serve every API over HTTPS.
func TestCLITLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM := selfSigned(t)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, certPEM, 0o644)
	os.WriteFile(keyFile, keyPEM, 0o600)
	p := startTLS(t, dir, certFile, keyFile)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	client := fsx.New(fsx.Options{}, p.fsxOpts, func(o *fsx.Options) {
		o.BaseEndpoint, o.HTTPClient = aws.String("https://"+p.Addr), hc
	})
	if _, err := client.DescribeFileSystems(context.Background(), &fsx.DescribeFileSystemsInput{}); err != nil {
		t.Fatalf("FSx over HTTPS: %v", err)
	}
	resp, err := hc.Get("https://" + p.Addr + "/_fsxd/health")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health over HTTPS: %v %v", resp, err)
	}
	resp.Body.Close()
	// Plain HTTP to the TLS listener is never served.
	if r, err := http.Get("http://" + p.Addr + "/_fsxd/health"); err == nil {
		r.Body.Close()
		if r.StatusCode == http.StatusOK {
			t.Error("plain HTTP was served by a TLS listener")
		}
	}
}

// startTLS runs the binary with TLS; the harness's readiness probe speaks
// plain HTTP, so this waits on the log line and probes over TLS itself.
func startTLS(t *testing.T, dir, cert, key string) *Process {
	t.Helper()
	p := &Process{Opts: ProcessOptions{Name: "tls", DataDir: dir, Args: []string{"--tls-cert", cert, "--tls-key", key}},
		t: t, log: filepath.Join(t.TempDir(), "tls.log")}
	t.Cleanup(p.Stop)
	p.begin()
	select {
	case addr := <-p.addrc:
		p.connect(addr)
	case <-time.After(30 * time.Second):
		p.Kill()
		t.Fatal("TLS fsxd did not start")
	}
	return p
}

func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fsxd test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
}

// TestCLIFlagsDocumented: every flag `fsxd serve --help` lists has a row
// in the README's flag table (the command-line contract is documented
// there, flag by flag).
func TestCLIFlagsDocumented(t *testing.T) {
	out, err := exec.Command(fsxdBinary(t), "serve", "--help").CombinedOutput()
	if err != nil {
		t.Fatal(err, string(out))
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| `--") {
			rows = append(rows, strings.SplitN(line[1:], "|", 2)[0])
		}
	}
	documented := func(name string) bool {
		for _, r := range rows {
			if strings.Contains(r, "`--"+name+"`") || strings.Contains(r, "`--"+name+" ") {
				return true
			}
		}
		return false
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(line, "  -") {
			continue
		}
		name := strings.Fields(line)[0][1:]
		n++
		if !documented(name) {
			t.Errorf("flag --%s has no row in the README's flag table", name)
		}
	}
	if n < 20 {
		t.Fatalf("found %d flags in --help, want the whole set:\n%s", n, out)
	}
}
