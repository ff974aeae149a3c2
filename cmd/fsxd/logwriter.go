package main

import (
	"io"
	"sync"
)

// logWriter gives log lines to one goroutine that writes whatever has
// accumulated with a single write(2). Under load one syscall carries many
// access-log lines instead of one per request (and slog's handler no
// longer holds its lock across a syscall); when idle a line still goes
// out at once. If the output falls behind by maxPending the caller writes
// itself, so memory stays bounded.
type logWriter struct {
	out     io.Writer
	mu      sync.Mutex // guards buf, closed and sending on kick
	buf     []byte
	closed  bool
	flushMu sync.Mutex // one write at a time, in order
	spare   []byte     // the previous batch's buffer, reused
	kick    chan struct{}
	done    chan struct{}
}

const maxPending = 1 << 20

func newLogWriter(out io.Writer) *logWriter {
	w := &logWriter{out: out, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go w.loop()
	return w
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf = append(w.buf, p...)
	behind := len(w.buf) > maxPending || w.closed
	if !behind {
		select {
		case w.kick <- struct{}{}:
		default: // the writer goroutine is already due to run
		}
	}
	w.mu.Unlock()
	if behind {
		return len(p), w.flush()
	}
	return len(p), nil
}

func (w *logWriter) loop() {
	defer close(w.done)
	for range w.kick {
		w.flush()
	}
	w.flush()
}

func (w *logWriter) flush() error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	b := w.buf
	w.buf = w.spare[:0]
	w.mu.Unlock()
	var err error
	if len(b) > 0 {
		_, err = w.out.Write(b)
	}
	if cap(b) <= maxPending {
		w.spare = b
	} else {
		w.spare = nil
	}
	return err
}

// Close writes what is pending; later writes are written at once.
func (w *logWriter) Close() {
	w.mu.Lock()
	w.closed = true
	close(w.kick)
	w.mu.Unlock()
	<-w.done
}
