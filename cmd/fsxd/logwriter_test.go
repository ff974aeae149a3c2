package main

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestLogWriterKeepsEveryLine writes from many goroutines; after Close
// every line is there, whole, and each writer's lines are in order.
func TestLogWriterKeepsEveryLine(t *testing.T) {
	var out lockedBuf
	w := newLogWriter(&out)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				fmt.Fprintf(w, "g%d line %04d\n", g, i)
			}
		})
	}
	wg.Wait()
	w.Close()
	fmt.Fprintf(w, "after close\n")
	next := map[string]int{}
	lines := bytes.Split(bytes.TrimSuffix(out.b.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 8001 || string(lines[8000]) != "after close" {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	for _, l := range lines[:8000] {
		var g string
		var i int
		if _, err := fmt.Sscanf(string(l), "%s line %d", &g, &i); err != nil || next[g] != i {
			t.Fatalf("line %q: want %s line %04d", l, g, next[g])
		}
		next[g]++
	}
}
