package sqlite

import "time"

// Sync is SQLite's synchronous setting for the write connection. In WAL mode
// both survive a crash of the process: a commit is in the WAL file, written
// through the OS, before Update returns.
type Sync string

const (
	// SyncFull fsyncs the WAL at every commit, so a committed Update also
	// survives power loss or a kernel crash. The default.
	SyncFull Sync = "FULL"
	// SyncNormal fsyncs only at checkpoints: the last commits may be lost on
	// power loss (never corrupted). Faster on disks with slow fsync.
	SyncNormal Sync = "NORMAL"
)

type config struct {
	sync      Sync
	busy      time.Duration
	readConns int
}

// Option configures Open.
type Option func(*config)

// WithSync sets durability; see Sync.
func WithSync(s Sync) Option { return func(c *config) { c.sync = s } }

// WithBusyTimeout sets how long a connection waits for a lock another
// process holds (another fsxd on the same file) before ErrUnavailable.
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busy = d } }

// WithReadConns sets the size of the read pool.
func WithReadConns(n int) Option { return func(c *config) { c.readConns = n } }

func newConfig(opts []Option) config {
	c := config{sync: SyncFull, busy: 5 * time.Second, readConns: 4}
	for _, o := range opts {
		o(&c)
	}
	if c.readConns < 1 {
		c.readConns = 1
	}
	return c
}
