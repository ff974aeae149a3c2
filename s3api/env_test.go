package s3api

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/multipart"
	"github.com/fsxd/fsxd/volume"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const (
	testAlias   = "data-k3x9q2-ext-s3alias"
	testName    = "data"
	testAccount = "123456789012"
)

// fakeResolver serves one access point by alias and by name.
type fakeResolver struct{ ap *AccessPoint }

func (f fakeResolver) ByAlias(_ context.Context, alias string) (*AccessPoint, error) {
	if alias == f.ap.Alias {
		return f.ap, nil
	}
	return nil, awserr.NoSuchBucket.Err("").With("BucketName", alias)
}

func (f fakeResolver) ByName(_ context.Context, name, account string) (*AccessPoint, error) {
	if name == f.ap.Name && account == f.ap.AccountID {
		return f.ap, nil
	}
	return nil, awserr.NoSuchBucket.Err("").With("BucketName", name)
}

func (f fakeResolver) UploadStores(context.Context) ([]*multipart.Store, error) {
	return []*multipart.Store{f.ap.Uploads}, nil
}

// env is a Handler over a temporary volume behind an httptest server,
// with authentication that accepts every request.
type env struct {
	t   testing.TB
	h   *Handler
	ap  *AccessPoint
	vol string // the volume's directory
	srv *httptest.Server
	cfg Config
}

func newEnv(t testing.TB, opts ...func(*Config)) *env {
	t.Helper()
	dir := t.TempDir()
	vol := filepath.Join(dir, "vol")
	if err := os.Mkdir(vol, 0o755); err != nil {
		t.Fatal(err)
	}
	root, err := volume.OpenRoot(vol, volume.Options{NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	store, err := multipart.Open(filepath.Join(dir, "staging"))
	if err != nil {
		t.Fatal(err)
	}
	ap := &AccessPoint{Name: testName, Alias: testAlias, AccountID: testAccount, Type: "OPENZFS",
		ARN:  "arn:aws:s3:us-west-2:" + testAccount + ":accesspoint/" + testName,
		Root: root, Identity: fsxd.PosixIdentity{UID: uint32(os.Getuid()), GID: uint32(os.Getgid())}, Uploads: store}
	cfg := Config{
		Resolver: fakeResolver{ap},
		Authenticate: func(r *http.Request) (*auth.Principal, error) {
			return &auth.Principal{AccountID: testAccount, ARN: "arn:aws:iam::" + testAccount + ":root", IsRoot: true}, nil
		},
		Domains: []string{"s3.test"},
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	e := &env{t: t, h: New(cfg), ap: ap, vol: vol, cfg: cfg}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(awserr.WithRequestID(r.Context(), "REQ0000000000001"))
		w.Header().Set("x-amz-request-id", "REQ0000000000001")
		e.h.Serve(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// resp is a finished response.
type resp struct {
	status int
	header http.Header
	body   string
}

// do sends method to path ("/<alias>/key?query", or a full URL) with
// headers given as "Name: value" strings.
func (e *env) do(method, path string, body io.Reader, headers ...string) resp {
	e.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = e.srv.URL + path
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		if strings.EqualFold(k, "Host") {
			req.Host = strings.TrimSpace(v)
			continue
		}
		req.Header.Add(k, strings.TrimSpace(v))
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (e *env) put(key, data string, headers ...string) resp {
	e.t.Helper()
	r := e.do("PUT", "/"+testAlias+"/"+key, strings.NewReader(data), headers...)
	if r.status != 200 {
		e.t.Fatalf("PUT %s: %d %s", key, r.status, r.body)
	}
	return r
}

// putFile writes a file beside S3, as NFS or a shell would.
func (e *env) putFile(key, data string) {
	e.t.Helper()
	path := filepath.Join(e.vol, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) get(key string, headers ...string) resp {
	e.t.Helper()
	return e.do("GET", "/"+testAlias+"/"+key, nil, headers...)
}

// code extracts the <Code> of an error body.
func (r resp) code() string { return r.elem("Code") }

// elem extracts the text of the body's first <name> element ("" if none).
func (r resp) elem(name string) string {
	m := regexp.MustCompile(`<` + name + `>([^<]*)</` + name + `>`).FindStringSubmatch(r.body)
	if m == nil {
		return ""
	}
	return m[1]
}

// expect checks status and, for errors, the S3 code.
func (r resp) expect(t testing.TB, status int, code string) {
	t.Helper()
	if r.status != status || r.code() != code {
		t.Fatalf("got %d %q, want %d %q\n%s", r.status, r.code(), status, code, r.body)
	}
}

// unstable are the parts of a response that change from run to run.
var unstable = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`<(LastModified|Initiated)>[^<]*</`), "<$1>TIME</"},
	{regexp.MustCompile(`<(UploadId|NextUploadIdMarker)>[^<]*</`), "<$1>UPLOAD-ID</"},
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	for _, u := range unstable {
		got = u.re.ReplaceAllString(got, u.with)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
