package server

// The audit log's file: durable, and reopened on request (SIGHUP) so an
// operator can rotate it by renaming it first.
//
// An event is on stable storage before the connection's next request is
// read: append, called once the response is out, writes and fsyncs. Appends that arrive while a write is under
// way wait and go together in the next write and fsync (group commit), so
// a burst of refusals costs one fsync per batch, not one per event. A
// failed write or fsync is logged at ERROR with the number of events
// lost and counted (fsxd_audit_write_errors_total): the request itself
// has been answered already and is not failed.

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

type auditLog struct {
	path   string
	log    *slog.Logger
	errors prometheus.Counter

	mu       sync.Mutex
	cond     sync.Cond
	pending  []byte
	events   int    // in pending
	seq      uint64 // events appended
	durable  uint64 // events written (or lost) so far
	flushing bool

	fileMu sync.Mutex // the file; held across a write and its fsync
	f      *os.File
}

func openAuditLog(path string, log *slog.Logger, reg *prometheus.Registry) (*auditLog, error) {
	a := &auditLog{path: path, log: log, errors: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "fsxd_audit_write_errors_total", Help: "Audit log writes or fsyncs that failed (their events are lost; see the ERROR log).",
	})}
	a.cond.L = &a.mu
	f, err := openAuditFile(path)
	if err != nil {
		return nil, err
	}
	a.f = f
	reg.MustRegister(a.errors)
	return a, nil
}

// openAuditFile opens path for appending, creating it (mode 0600: events
// name users and keys) and making its directory entry durable.
func openAuditFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--audit-log: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return f, nil
}

// append writes line (one event, newline-terminated) and returns once it
// is on stable storage, or its loss has been logged.
func (a *auditLog) append(line []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending = append(a.pending, line...)
	a.events++
	a.seq++
	mine := a.seq
	for a.durable < mine {
		if a.flushing {
			a.cond.Wait()
			continue
		}
		a.flush()
	}
}

// flush writes what is pending; called with mu held, it releases it
// while writing so that others can queue up behind.
func (a *auditLog) flush() {
	batch, n, upto := a.pending, a.events, a.seq
	a.pending, a.events, a.flushing = nil, 0, true
	a.mu.Unlock()
	err := a.write(batch)
	if err != nil {
		a.errors.Inc()
		a.log.Error("AUDIT LOG WRITE FAILED: events lost", "path", a.path, "events", n, "err", err)
	}
	a.mu.Lock()
	a.flushing, a.durable = false, upto
	a.cond.Broadcast()
}

func (a *auditLog) write(b []byte) error {
	a.fileMu.Lock()
	defer a.fileMu.Unlock()
	if a.f == nil {
		return os.ErrClosed
	}
	if _, err := a.f.Write(b); err != nil {
		return err
	}
	return a.f.Sync()
}

// reopen starts a new file at the path (the operator has renamed the old
// one); the old one is closed once what was written to it is durable. If
// the path cannot be opened the old file stays in use.
func (a *auditLog) reopen() error {
	f, err := openAuditFile(a.path)
	if err != nil {
		a.log.Error("audit log: cannot reopen; still writing to the old file", "path", a.path, "err", err)
		return err
	}
	a.fileMu.Lock()
	old := a.f
	a.f = f
	a.fileMu.Unlock()
	if old != nil {
		old.Close() // every write to it was fsynced before append returned
	}
	a.log.Info("audit log reopened", "path", a.path)
	return nil
}

func (a *auditLog) close() error {
	a.fileMu.Lock()
	defer a.fileMu.Unlock()
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
