package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func testAuditLog(t *testing.T, logs *bytes.Buffer) (*auditLog, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	a, err := openAuditLog(path, slog.New(slog.NewTextHandler(logs, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.close() })
	return a, path
}

// lines returns the file's lines, failing on a partial one.
func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("%s ends in a partial line", path)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestAuditLogConcurrentAppendsAndReopen: appends from many goroutines
// while the file is rotated: every event lands exactly once, whole, in
// the old file or the new one.
func TestAuditLogConcurrentAppendsAndReopen(t *testing.T) {
	var logs bytes.Buffer
	a, path := testAuditLog(t, &logs)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				a.append([]byte(fmt.Sprintf(`{"w":%d,"i":%d}`+"\n", w, i)))
			}
		}()
	}
	rotated := path + ".1"
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := a.reopen(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, p := range []string{rotated, path} {
		for _, l := range lines(t, p) {
			if l == "" {
				continue
			}
			var v struct{ W, I int }
			if err := json.Unmarshal([]byte(l), &v); err != nil || seen[l] {
				t.Fatalf("line %q: %v (seen before: %v)", l, err, seen[l])
			}
			seen[l] = true
		}
	}
	if len(seen) != writers*each {
		t.Fatalf("%d events written, want %d", len(seen), writers*each)
	}
}

// TestAuditLogWriteFailureIsLoud: a failed write is logged at ERROR with
// the events lost and counted; later appends do not hang.
func TestAuditLogWriteFailureIsLoud(t *testing.T) {
	var logs bytes.Buffer
	a, _ := testAuditLog(t, &logs)
	a.close()
	a.append([]byte("{}\n"))
	a.append([]byte("{}\n"))
	if got := counterValue(a.errors); got != 2 {
		t.Errorf("write errors = %v, want 2", got)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "AUDIT LOG WRITE FAILED") {
		t.Errorf("log = %q, want an ERROR naming the failure", logs.String())
	}
}

func TestAuditLogReopenFailureKeepsOldFile(t *testing.T) {
	var logs bytes.Buffer
	a, path := testAuditLog(t, &logs)
	a.path = filepath.Join(t.TempDir(), "missing-dir", "audit.jsonl")
	if err := a.reopen(); err == nil {
		t.Fatal("reopen into a missing directory succeeded")
	}
	a.append([]byte("{\"after\":1}\n"))
	if l := lines(t, path); len(l) != 1 || l[0] != `{"after":1}` {
		t.Errorf("old file = %q, want the event appended after the failed reopen", l)
	}
}
