package fsxapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/importpath"
)

var update = flag.Bool("update", false, "rewrite the expected responses of testdata/golden")

// Golden wire tests: each testdata/golden/<case>.txt is a transcript run
// against a fresh service behind an httptest server, with a fixed clock
// and sequential ids. Blocks:
//
//	### <Operation>       request JSON, "---", status line and response JSON
//	### @reconcile        advance the clock past the lifecycle delay, reconcile
//	### @tree [$IMPORT]   "---", then the data (or import) directory listing
//	### @touch <path>     create a file (path relative to the data dir)
//
// "$IMPORT" in a request stands for a directory outside the data dir,
// below the service's import root.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txt")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) { runGolden(t, file) })
	}
}

type goldenEnv struct {
	t       *testing.T
	svc     *Service
	srv     *httptest.Server
	clock   time.Time
	dataDir string
	importD string
}

func newGoldenEnv(t *testing.T) *goldenEnv {
	e := &goldenEnv{t: t, clock: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), dataDir: t.TempDir()}
	// Imports must lie strictly below a root the operator declared.
	importRoot := t.TempDir()
	e.importD = filepath.Join(importRoot, "import")
	if err := os.Mkdir(e.importD, 0o755); err != nil {
		t.Fatal(err)
	}
	roots, err := importpath.New([]string{importRoot}, e.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	e.svc = New(Config{
		Imports:        roots,
		Store:          must(newMemStore()),
		Account:        fsxd.Account{Partition: "aws", Region: "us-east-1", ID: "123456789012"},
		DataDir:        e.dataDir,
		Now:            func() time.Time { return e.clock },
		LifecycleDelay: time.Second,
	})
	e.svc.newID, e.svc.newUUID = sequentialIDs()
	mux := awsjson.NewMux("AWSSimbaAPIService_v20180301")
	e.svc.Register(mux)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { mux.Serve(w, r) }))
	t.Cleanup(e.srv.Close)
	return e
}

func must[T, U any](v T, _ U) T { return v }

// sequentialIDs makes ids and UUIDs that are the same on every run.
func sequentialIDs() (func(string) string, func() string) {
	n := map[string]int{}
	return func(prefix string) string {
			n[prefix]++
			return fmt.Sprintf("%s%017x", prefix, n[prefix])
		}, func() string {
			n["uuid"]++
			return fmt.Sprintf("00000000-0000-4000-8000-%012x", n["uuid"])
		}
}

func runGolden(t *testing.T, file string) {
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	e := newGoldenEnv(t)
	var out strings.Builder
	blocks := strings.Split(string(src), "\n### ")
	out.WriteString(blocks[0]) // the case's description
	for _, b := range blocks[1:] {
		head, body, _ := strings.Cut(b, "\n")
		req, want, _ := strings.Cut("\n"+body, "\n---\n")
		got := e.step(strings.TrimSpace(head), strings.TrimSpace(req))
		out.WriteString("\n### " + head + "\n")
		if got == "" {
			out.WriteString(body)
			continue
		}
		if req = strings.TrimSpace(req); req != "" {
			out.WriteString(req + "\n")
		}
		out.WriteString("---\n" + got + "\n")
		if !*update && strings.TrimSpace(want) != strings.TrimSpace(got) {
			t.Errorf("### %s\n%s\ngot:\n%s\nwant:\n%s", head, req, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.TrimRight(out.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// step runs one block and returns its actual output ("" for directives
// without output).
func (e *goldenEnv) step(head, req string) string {
	directive, arg, _ := strings.Cut(head, " ")
	switch directive {
	case "@reconcile":
		e.clock = e.clock.Add(time.Second)
		// A pass starts copies (snapshots, backups) in the background;
		// the golden files see them finished, and what waited for them.
		for range 2 {
			if err := e.svc.Reconcile(e.t.Context()); err != nil {
				e.t.Errorf("reconcile: %v", err)
			}
			e.svc.Wait()
		}
		return ""
	case "@touch":
		p := filepath.Join(e.dataDir, arg)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			e.t.Fatal(err)
		}
		return ""
	case "@tree":
		if arg == "$IMPORT" {
			return e.tree(e.importD)
		}
		return e.tree(e.dataDir)
	}
	return e.call(head, strings.ReplaceAll(req, "$IMPORT", e.importD))
}

func (e *goldenEnv) call(op, body string) string {
	r, _ := http.NewRequest("POST", e.srv.URL, strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSSimbaAPIService_v20180301."+op)
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		e.t.Fatalf("%s: response is not JSON: %v", op, err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b) // maps encode with sorted keys
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
	text := strings.ReplaceAll(strings.TrimSpace(b.String()), e.importD, "$IMPORT")
	return fmt.Sprintf("%d\n%s", resp.StatusCode, text)
}

// tree lists a directory: one line per entry, with its mode.
func (e *goldenEnv) tree(root string) string {
	var b bytes.Buffer
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		fi, _ := d.Info()
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%v %s\n", fi.Mode(), filepath.ToSlash(rel))
		return nil
	})
	return strings.TrimSpace(b.String())
}
