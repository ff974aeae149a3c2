package server

import (
	"log/slog"
	"os"
	"time"
)

// Config is everything fsxd serve takes. cmd/fsxd fills it from flags and
// the environment; tests fill it directly.
type Config struct {
	Listen    string // host:port; port 0 picks a free one
	DataDir   string // volumes, staging, the SQLite file, root credentials
	BackupDir string // FSx backups; "" = <DataDir>/backups
	// NoAutomaticBackups turns off the daily AUTOMATIC backups that file
	// systems ask for (AutomaticBackupRetentionDays).
	NoAutomaticBackups bool
	StoreURL           string   // "" = sqlite file in DataDir; sqlite:///path; postgres://...
	Region             string   // default us-east-1
	AccountID          string   // 12 digits
	Domains            []string // base domains for virtual-hosted S3 requests
	TLSCert            string
	TLSKey             string
	// NodeID names this node in every log line and on /_fsxd/health, so
	// the logs of several nodes behind one load balancer can be told
	// apart. Default: <hostname>-<6 random hex digits>, new each start.
	NodeID string

	// MasterKeyFile seals IAM access key secrets in the store; default
	// <DataDir>/master.key. Every node of a cluster needs the same key.
	MasterKeyFile string

	RootAccessKeyID     string // empty: load or generate in DataDir
	RootSecretAccessKey string

	// LifecycleDelay is how long resources stay CREATING/DELETING.
	LifecycleDelay time.Duration
	// ReconcileInterval is how often lifecycle transitions are driven.
	ReconcileInterval time.Duration
	// HealthInterval is how often attachments are health-checked.
	HealthInterval time.Duration
	// S3Extensions turns on fsxd's S3 features beyond AWS (conditional writes).
	S3Extensions bool
	// NoFsync trades power-loss durability for speed.
	NoFsync bool
	// Umask for files and directories created through access points; 0
	// means none (fsxd serve's --umask defaults to 022).
	Umask uint32
	// TrustProxy believes X-Forwarded-For for source addresses.
	TrustProxy bool
	// ImportRoots are the directories below which API callers may import
	// existing trees (tag fsxd:import-path); none = imports refused. Each
	// must be an existing directory that is not "/", a system tree or
	// around/inside DataDir (package importpath); New refuses others.
	ImportRoots []string
	// VPCs the operator declares: vpc id -> CIDRs its clients come from.
	VPCs map[string][]string
	// UploadMaxAge: abandoned multipart uploads older than this are removed.
	UploadMaxAge time.Duration
	// MaxConcurrent caps in-flight requests; beyond it: 503 SlowDown.
	MaxConcurrent int
	// MetricsListen, when set, serves /_fsxd/metrics on this host:port
	// only (metricslisten.go); "" serves it on the API port.
	MetricsListen string
	// MaxConnections caps open client connections (connlimit.go); at most
	// half the open-file limit; default 10,000.
	MaxConnections int
	// MaxCopies bounds the snapshot, restore and backup copies this node
	// runs at once (0 = fsxapi.DefaultMaxCopies).
	MaxCopies int
	// ReadHeaderTimeout bounds how long a client may take to send its
	// request headers (slowloris); default 10 s.
	ReadHeaderTimeout time.Duration
	// BodyIdleTimeout bounds a pause while sending a request body: S3's
	// 400 RequestTimeout, so a stalled upload does not hold a request
	// slot forever; default 20 s.
	BodyIdleTimeout time.Duration
	// PreAuthBodyTimeout bounds how long a body that must be read before
	// its signature can be checked (FSx, IAM, STS) may take to arrive,
	// and how long a refused request's unread body is waited for;
	// default 10 s.
	PreAuthBodyTimeout time.Duration

	// AuditLog is the file the audit log (CloudTrail-shaped JSON lines:
	// control-plane changes and refused requests) is appended to; "" =
	// none. Server.ReopenAuditLog starts a new file there (SIGHUP).
	AuditLog string

	// NoConsole turns the web console at /_fsxd/console/ off.
	NoConsole bool
	// Version is what the console's server page shows (fsxd version).
	Version string

	Logger *slog.Logger
	Now    func() time.Time
	// Ready, if set, receives the bound address once the server serves.
	Ready func(addr string)
}

func (c *Config) setDefaults() {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:9000"
	}
	if c.DataDir == "" {
		c.DataDir = "fsxd-data"
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.AccountID == "" {
		c.AccountID = "123456789012"
	}
	if c.LifecycleDelay == 0 {
		c.LifecycleDelay = 2 * time.Second
	}
	if c.ReconcileInterval == 0 {
		c.ReconcileInterval = 200 * time.Millisecond
	}
	if c.HealthInterval == 0 {
		c.HealthInterval = 30 * time.Second
	}
	if c.UploadMaxAge == 0 {
		c.UploadMaxAge = 7 * 24 * time.Hour
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = 1024
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = 10000
	}
	if c.ReadHeaderTimeout == 0 {
		c.ReadHeaderTimeout = 10 * time.Second
	}
	if c.BodyIdleTimeout == 0 {
		c.BodyIdleTimeout = 20 * time.Second
	}
	if c.PreAuthBodyTimeout == 0 {
		c.PreAuthBodyTimeout = 10 * time.Second
	}
	if c.NodeID == "" {
		host, _ := os.Hostname()
		c.NodeID = host + "-" + randomFrom("0123456789abcdef", 6)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}
