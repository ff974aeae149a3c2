package fsxd_test

// The import graph is the architecture (README, "Layout"): packages depend
// inward, and only the front ends speak HTTP. This test reads the graph with
// `go list` and fails on an import that crosses the layering, so a change
// that quietly breaks it shows up here rather than in review.

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

const module = "github.com/fsxd/fsxd"

// Layers, innermost first. A package may import its own layer and those
// below it, never one above.
const (
	vocabulary = iota // records, ids, ARNs: no I/O
	pure              // decisions and formats: no I/O
	io_               // disk, database, randomness kept in files
	identity          // who is calling and may they
	frontEnd          // one per protocol
	client            // clients of the front ends: the web console
	wiring            // server
	command           // cmd
	tool              // tests, benchmarks and generators: may import anything
)

var layers = map[string]int{
	"":              vocabulary,
	"internal/race": vocabulary, // a build-tag constant for tests

	"policy":   pure,
	"sigv4":    pure,
	"checksum": pure,
	"awserr":   pure,

	"internal/keylock": pure, // a mutex per key (volume's key locks, multipart's upload ends)

	"store":               io_,
	"store/internal/page": io_,
	"store/sqlite":        io_,
	"store/postgres":      io_,
	"store/storetest":     io_,
	"volume":              io_,
	"internal/dirsync":    io_,  // group commit of directory fsyncs
	"internal/reap":       io_,  // a replaced file freed after the reply
	"internal/flock":      io_,  // flocks another node may hold, polled
	"internal/mountinfo":  io_,  // whether a mount keeps flocks to this machine
	"internal/testfs":     tool, // file systems for tests: a tmpfs to fill, loop images
	"multipart":           io_,
	"nameservice":         io_,
	"secret":              io_, // reads and writes the master key file
	"importpath":          io_, // resolves import roots on disk (EvalSymlinks)
	"idempotency":         io_, // records tokens in the store
	"identity":            io_, // IAM records, key and policy lookups over the store

	"auth":  identity,
	"authz": identity,

	"awsjson":     frontEnd,
	"fsxapi":      frontEnd,
	"accesspoint": frontEnd,
	"s3api":       frontEnd,
	"iamapi":      frontEnd,

	"console": client,

	"server": wiring,

	"cmd/fsxd": command,

	"e2e":                   tool,
	"bench":                 tool,
	"bench/cmd/fsxdbench":   tool,
	"bench/stub":            tool,
	"internal/gen/fsxmodel": tool,
}

// httpBelowFrontEnds names the packages below the front ends that may
// import net/http, and why.
var httpBelowFrontEnds = map[string]string{
	"awserr": "statuses are HTTP statuses; each protocol's renderer writes an http.ResponseWriter",
	"sigv4":  "verifies an *http.Request: headers, query and the body as it is read",
	"auth":   "turns an *http.Request into a principal through sigv4",
}

// ioImports may not be imported by the vocabulary or the pure packages.
var ioImports = []string{"os", "os/exec", "net", "syscall", "database/sql", "golang.org/x/sys/unix"}

// neverHTTP must not link net/http at all, not even through another package.
var neverHTTP = []string{"", "policy", "checksum", "volume", "identity", "authz"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

var goList = sync.OnceValues(func() ([]byte, error) {
	return exec.Command("go", "list", "-json", "./...").Output()
})

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := goList()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[rel(p.ImportPath)] = p
	}
	return pkgs
}

// rel is a module path relative to the module root ("" for the root).
func rel(path string) string {
	if path == module {
		return ""
	}
	return strings.TrimPrefix(path, module+"/")
}

func inModule(path string) bool { return path == module || strings.HasPrefix(path, module+"/") }

func TestDepsLayering(t *testing.T) {
	for name, p := range listPackages(t) {
		layer, ok := layers[name]
		if !ok {
			t.Errorf("package %q has no layer: add it to layers in deps_test.go", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if !inModule(imp) {
				continue
			}
			if l, ok := layers[rel(imp)]; ok && l > layer {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point inward", p.ImportPath, layer, imp, l)
			}
		}
	}
}

func TestDepsNoHTTPBelowFrontEnds(t *testing.T) {
	pkgs := listPackages(t)
	for name, p := range pkgs {
		if l, ok := layers[name]; !ok || l >= frontEnd || httpBelowFrontEnds[name] != "" {
			continue
		}
		for _, imp := range p.Imports {
			if imp == "net/http" || strings.HasPrefix(imp, "net/http/") {
				t.Errorf("%s imports %s: only front ends speak HTTP (or name it in httpBelowFrontEnds with a reason)", p.ImportPath, imp)
			}
		}
	}
	for _, name := range neverHTTP {
		for _, d := range pkgs[name].Deps {
			if d == "net/http" {
				t.Errorf("%s links net/http", pkgs[name].ImportPath)
			}
		}
	}
}

func TestDepsNoIOInVocabularyOrPure(t *testing.T) {
	for name, p := range listPackages(t) {
		if l, ok := layers[name]; !ok || l > pure {
			continue
		}
		for _, imp := range p.Imports {
			for _, bad := range ioImports {
				if imp == bad {
					t.Errorf("%s imports %s: the vocabulary and pure packages do no I/O", p.ImportPath, imp)
				}
			}
		}
	}
}
