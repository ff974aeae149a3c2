package console

import (
	"context"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/fsxd/fsxd/policy"
)

func TestCheckPolicyPointsAtTheBadByte(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"{\n  \"Statement\": [}\n", "line 2, column 17"},
		{"{,}", "line 1, column 2"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, "Missing required field Principal"},
	} {
		got := checkPolicy(context.Background(), c.doc, policy.ResourcePolicy)
		if !strings.Contains(strings.ToLower(got), strings.ToLower(c.want)) {
			t.Errorf("checkPolicy(%q) = %q, want %q", c.doc, got, c.want)
		}
	}
}

// TestCheckPolicyNamesTheStatement: a document the parser refuses is
// reported at the statement it refuses; a problem outside the statements
// is reported without a place.
func TestCheckPolicyNamesTheStatement(t *testing.T) {
	good := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	bad := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`
	for _, c := range []struct{ doc, want string }{
		{`{"Version":"2012-10-17","Statement":[` + bad + `]}`, "statement 1 (line 1, column 38): "},
		{"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    " + good + ",\n    " + bad + "\n  ]\n}", "statement 2 (line 5, column 5): "},
		{`{"Version":"1999-01-01","Statement":[` + good + `]}`, ""},
	} {
		got := checkPolicy(context.Background(), c.doc, policy.IdentityPolicy)
		if got == "" || !strings.HasPrefix(got, c.want) || c.want == "" && strings.HasPrefix(got, "statement") {
			t.Errorf("checkPolicy(%s) = %q, want it to start %q", c.doc, got, c.want)
		}
	}
}

func FuzzStatementAt(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`)
	f.Add(`{"Statement":{"Effect":"Deny"}}`)
	f.Add(`{"Statement":[1, {"a":[]} ,"x"]}`)
	f.Fuzz(func(t *testing.T, text string) {
		_ = checkPolicy(context.Background(), text, policy.IdentityPolicy) // must not panic
		starts, elems := statements(text)
		for i, off := range starts {
			if off >= len(text) || !strings.HasPrefix(text[off:], string(elems[i][:1])) {
				t.Fatalf("statement %d of %q found at %d, which does not start it", i+1, text, off)
			}
		}
	})
}

// countParses makes parseKind count the documents and bytes it is given
// until the test ends.
func countParses(t *testing.T) (docs, bytes *int) {
	docs, bytes = new(int), new(int)
	t.Cleanup(func() { parseKind = policy.ParseKind })
	parseKind = func(text []byte, k policy.Kind) (*policy.Document, error) {
		*docs++
		*bytes += len(text)
		return policy.ParseKind(text, k)
	}
	return docs, bytes
}

// manyStatements is a document of n statements of kind k, the last two
// sharing a Sid: refused as a whole, though each statement alone is
// sound, which makes the editor try every one.
func manyStatements(n int, k policy.Kind) string {
	st := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	if k == policy.ResourcePolicy {
		st = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`
	}
	sid := strings.Replace(st, "{", `{"Sid":"A",`, 1)
	return `{"Version":"2012-10-17","Statement":[` + strings.Repeat(st+",", n-2) + sid + "," + sid + "]}"
}

// TestCheckPolicyTooLarge: a document larger than any API takes is
// refused before it is parsed, at all; white space does not count, as
// the APIs do not count it.
func TestCheckPolicyTooLarge(t *testing.T) {
	docs, _ := countParses(t)
	for _, c := range []struct {
		k    policy.Kind
		doc  string
		want string
	}{
		{policy.ResourcePolicy, manyStatements(300, policy.ResourcePolicy), "the largest accepted is 20480"},
		{policy.IdentityPolicy, manyStatements(200, policy.IdentityPolicy), "the largest accepted is 10240"},
		{policy.IdentityPolicy, "{" + strings.Repeat(" ", 1<<20) + "}", "Missing required field Statement"},
	} {
		*docs = 0
		got := checkPolicy(context.Background(), c.doc, c.k)
		if !strings.Contains(got, c.want) {
			t.Errorf("%d-byte document: %q, want %q", len(c.doc), got, c.want)
		}
		if strings.Contains(c.want, "largest") && *docs != 0 {
			t.Errorf("%d-byte document refused for its size after %d parses", len(c.doc), *docs)
		}
	}
}

// TestCheckPolicyParsesLinearly: locating a refused statement costs in
// proportion to the document, not to the document once per statement
// (bytes allocated per byte of document do not grow with the statement
// count; they did 3-fold from 25 to 250 statements); it parses each
// statement once; and it stops when the request is gone.
func TestCheckPolicyParsesLinearly(t *testing.T) {
	docs, _ := countParses(t)
	perByte := map[int]float64{}
	for _, n := range []int{25, 250} {
		doc := manyStatements(n, policy.ResourcePolicy)
		*docs = 0
		got := checkPolicy(context.Background(), doc, policy.ResourcePolicy)
		if !strings.Contains(got, "must be unique") || strings.HasPrefix(got, "statement") {
			t.Fatalf("%d statements: %q", n, got)
		}
		if *docs > n+len(sound)+1 {
			t.Errorf("%d statements: %d parses", n, *docs)
		}
		perByte[n] = float64(allocated(func() { checkPolicy(context.Background(), doc, policy.ResourcePolicy) })) / float64(len(doc))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		*docs = 0
		if got := statementAt(ctx, doc, policy.ResourcePolicy); got != "" || *docs > len(sound) {
			t.Errorf("cancelled: %q after %d parses", got, *docs)
		}
	}
	if perByte[250] > 1.5*perByte[25] {
		t.Errorf("bytes allocated per byte of document: %.0f with 25 statements, %.0f with 250", perByte[25], perByte[250])
	}
}

// allocated is the fewest bytes f allocated in three runs.
func allocated(f func()) uint64 {
	least := uint64(math.MaxUint64)
	for range 3 {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		f()
		runtime.ReadMemStats(&b)
		least = min(least, b.TotalAlloc-a.TotalAlloc)
	}
	return least
}

func BenchmarkCheckPolicyDuplicateSid(b *testing.B) {
	doc := manyStatements(250, policy.ResourcePolicy)
	for b.Loop() {
		checkPolicy(context.Background(), doc, policy.ResourcePolicy)
	}
}
