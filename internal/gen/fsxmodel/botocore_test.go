package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	committedFSx       = "../../../botocore/fsx/2018-03-01/service-2.json"
	committedS3Control = "../../../botocore/s3control/2018-08-20/service-2.json"
	committedShapes    = "../../../fsxapi/zz_shapes.go"
)

// TestBotocoreMatchesShapes proves the committed botocore FSx model is what
// the generator made in the same run as fsxapi/zz_shapes.go: generating the
// Go shapes from it gives zz_shapes.go byte for byte, and cutting it down
// again to the default operations gives itself. Regenerating one without the
// other, or changing defaultOps, fails here.
func TestBotocoreMatchesShapes(t *testing.T) {
	got, err := build(committedFSx, "fsxapi", defaultOps)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(committedShapes)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("fsxapi/zz_shapes.go does not come from %s: run go generate ./fsxapi", committedFSx)
	}
	for path, ops := range map[string][]string{committedFSx: defaultOps, committedS3Control: opsOf(t, committedS3Control)} {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		again, err := botocoreModel(path, ops)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, raw) {
			t.Errorf("%s is not the generator's output (run go generate ./fsxapi)", path)
		}
		if bytes.Contains(raw, []byte("{AccountId}.")) || bytes.Contains(raw, []byte("RequiresAccountId")) {
			t.Errorf("%s still asks for the account id host prefix", path)
		}
	}
}

// opsOf lists the operations of a botocore model in file order.
func opsOf(t *testing.T, path string) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := decodeOrdered(raw)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, f := range v.(object).get("operations").(object) {
		ops = append(ops, f.Key)
	}
	return ops
}

const toyBotocore = `{"version": "2.0", "metadata": {"protocol": "rest-xml"},
 "operations": {
  "GetThing": {"name": "GetThing", "documentation": "op doc", "endpoint": {"hostPrefix": "{AccountId}."},
   "staticContextParams": {"RequiresAccountId": {"value": true}, "Static": {"value": true}},
   "input": {"shape": "GetThingRequest"}},
  "Other": {"name": "Other", "input": {"shape": "Unused"}}},
 "shapes": {
  "GetThingRequest": {"type": "structure", "documentation": "shape doc",
   "members": {"Zeta": {"shape": "S", "documentation": "member doc"}, "Alpha": {"shape": "S", "location": "header"}}},
  "S": {"type": "string", "min": 1, "max": 1024},
  "Unused": {"type": "structure", "members": {}}}}`

// TestBotocoreToy cuts the toy model down and checks what goes and what
// stays: the unreached shape, operation and member documentation and the
// host prefix go; shape documentation and member order stay.
func TestBotocoreToy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "service-2.json")
	if err := os.WriteFile(path, []byte(toyBotocore), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := botocoreModel(path, []string{"GetThing"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, gone := range []string{`"Unused"`, `"hostPrefix"`, `"RequiresAccountId"`, "member doc", "op doc"} {
		if strings.Contains(s, gone) {
			t.Errorf("output still holds %s:\n%s", gone, s)
		}
	}
	if !strings.Contains(s, "shape doc") || !strings.Contains(s, `"Static"`) || !strings.Contains(s, `"max": 1024`) {
		t.Errorf("output lost shape documentation or other static context params:\n%s", s)
	}
	if a, b := strings.Index(s, `"Zeta"`), strings.Index(s, `"Alpha"`); a < 0 || b < 0 || a > b {
		t.Errorf("member order not kept (Zeta before Alpha):\n%s", s)
	}
}
