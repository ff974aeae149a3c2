// Command fsxd serves the Amazon FSx API and S3 access points attached to
// FSx volumes over any POSIX file system. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/fsxapi"
	"github.com/fsxd/fsxd/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `fsxd — the Amazon FSx API and FSx-attached S3 access points over any POSIX file system.

Usage:
  fsxd serve [flags]   run the server
  fsxd version         print the version
  fsxd --help          this text

Environment:
  FSXD_ROOT_ACCESS_KEY_ID, FSXD_ROOT_SECRET_ACCESS_KEY
      the account root user's credentials; when unset they are generated on
      first start, stored in <data-dir>/root-credentials.json (mode 0600)
      and printed once.

Run 'fsxd serve --help' for the server's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "fsxd", version)
		return 0
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "fsxd: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// vpcFlag collects --vpc vpc-id=cidr[,cidr...].
type vpcFlag map[string][]string

func (v vpcFlag) String() string { return "" }
func (v vpcFlag) Set(s string) error {
	id, cidrs, ok := strings.Cut(s, "=")
	if !ok || !strings.HasPrefix(id, "vpc-") || cidrs == "" {
		return errors.New("want vpc-<hex>=CIDR[,CIDR...]")
	}
	v[id] = append(v[id], strings.Split(cidrs, ",")...)
	return nil
}

func serve(args []string, stderr io.Writer) int {
	var cfg server.Config
	var domains, imports listFlag
	vpcs := vpcFlag{}
	var logFormat, pprofAddr string
	var umask uint
	fs := flag.NewFlagSet("fsxd serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:9000", "`HOST:PORT` to serve every API on")
	fs.StringVar(&cfg.DataDir, "data-dir", "fsxd-data", "`DIR` for volumes, staging, the SQLite store and root credentials")
	fs.StringVar(&cfg.BackupDir, "backup-dir", "", "`DIR` for FSx backups, full copies that outlive their volumes (default <data-dir>/backups)")
	fs.BoolVar(&cfg.NoAutomaticBackups, "no-automatic-backups", false, "take no daily AUTOMATIC backups, whatever AutomaticBackupRetentionDays file systems ask for")
	fs.IntVar(&cfg.MaxCopies, "max-copies", fsxapi.DefaultMaxCopies, "snapshot, restore and backup copies this node runs at once; the rest wait as they are (CREATING; a restore IN_PROGRESS) for a free slot")
	fs.StringVar(&cfg.StoreURL, "store", "", "metadata store `URL`: sqlite:///path/fsxd.db or postgres://user@host/db (default: SQLite in the data dir)")
	fs.StringVar(&cfg.Region, "region", "us-east-1", "AWS `region` this fsxd presents")
	fs.StringVar(&cfg.AccountID, "account-id", "123456789012", "12-digit AWS account `id` of every resource")
	fs.Var(&domains, "domain", "base `NAME` for virtual-hosted S3 requests (<alias>.NAME); repeatable")
	fs.StringVar(&cfg.TLSCert, "tls-cert", "", "serve HTTPS with this certificate `file` (with --tls-key)")
	fs.StringVar(&cfg.TLSKey, "tls-key", "", "private key `file` for --tls-cert")
	fs.StringVar(&cfg.MasterKeyFile, "master-key-file", "", "`file` with the key that seals IAM secrets in the store (default <data-dir>/master.key; created if missing; every node needs the same)")
	fs.DurationVar(&cfg.LifecycleDelay, "lifecycle-delay", 2*time.Second, "how long resources stay CREATING/DELETING")
	fs.DurationVar(&cfg.HealthInterval, "health-interval", 30*time.Second, "how often access point attachments are health-checked")
	fs.DurationVar(&cfg.UploadMaxAge, "upload-max-age", 7*24*time.Hour, "abandoned multipart uploads older than this are removed")
	fs.BoolVar(&cfg.S3Extensions, "s3-extensions", false, "offer S3 features beyond AWS's FSx access points (conditional writes, copies and deletes)")
	fs.BoolVar(&cfg.NoFsync, "no-fsync", false, "acknowledge writes before they reach stable storage (faster; loses data on power loss)")
	fs.UintVar(&umask, "umask", 0o022, "umask for files and directories created through access points")
	fs.BoolVar(&cfg.TrustProxy, "trust-proxy", false, "believe the last X-Forwarded-For address (the one the proxy in front appended) as the source address")
	fs.Var(&imports, "import-root", "allow API callers to import directories strictly below `DIR` as volumes (tag fsxd:import-path); repeatable; none by default")
	fs.Var(vpcs, "vpc", "declare a VPC: `vpc-ID=CIDR[,CIDR]`; repeatable")
	fs.IntVar(&cfg.MaxConcurrent, "max-concurrent", 1024, "in-flight requests before 503 SlowDown")
	fs.StringVar(&cfg.MetricsListen, "metrics-listen", "", "serve /_fsxd/metrics on this `HOST:PORT` only (plain HTTP), not on the API port")
	fs.IntVar(&cfg.MaxConnections, "max-connections", 10000, "open client connections; beyond it the longest-quiet one is closed (at most half the open-file limit)")
	fs.StringVar(&cfg.AuditLog, "audit-log", "", "append the audit log (CloudTrail-shaped JSON lines: control-plane changes and refused requests) to `FILE`; SIGHUP reopens it")
	fs.BoolVar(&cfg.NoConsole, "no-console", false, "do not serve the web console at /_fsxd/console/")
	fs.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&cfg.NodeID, "node-id", "", "this node's `name` in logs and health (default <hostname>-<random>)")
	fs.StringVar(&pprofAddr, "pprof", "", "debug: serve Go's /debug/pprof/ profiles on `HOST:PORT` (off by default; keep it on loopback)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fsxd serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg.Domains = domains
	cfg.Version = version
	cfg.ImportRoots = imports
	cfg.VPCs = vpcs
	cfg.Umask = uint32(umask)
	cfg.RootAccessKeyID = os.Getenv("FSXD_ROOT_ACCESS_KEY_ID")
	cfg.RootSecretAccessKey = os.Getenv("FSXD_ROOT_SECRET_ACCESS_KEY")
	logs := newLogWriter(stderr)
	defer logs.Close()
	cfg.Logger = newLogger(logFormat, logs)
	if err := validAccount(cfg.AccountID); err != nil {
		fmt.Fprintln(stderr, "fsxd serve:", err)
		return 2
	}
	if cfg.MaxCopies < 1 {
		fmt.Fprintln(stderr, "fsxd serve: --max-copies must be at least 1")
		return 2
	}
	if pprofAddr != "" {
		if err := servePprof(pprofAddr); err != nil {
			fmt.Fprintln(stderr, "fsxd serve: --pprof:", err)
			return 2
		}
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "fsxd serve:", err)
		return 1
	}
	defer srv.Close()
	if srv.RootCredentialsGenerated() {
		id, secret := srv.RootCredentials()
		fmt.Fprintf(stderr, "fsxd: generated root credentials (stored in %s, mode 0600):\n  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n",
			cfg.DataDir, id, secret)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.AuditLog != "" {
		defer reopenOnHUP(srv)()
	}
	if err := srv.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "fsxd serve:", err)
		return 1
	}
	return 0
}

// reopenOnHUP reopens the audit log on each SIGHUP (the operator has
// renamed the file to rotate it) until the returned func is called.
// Without --audit-log SIGHUP keeps its default effect.
func reopenOnHUP(srv *server.Server) func() {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				srv.ReopenAuditLog() // logs its own failure
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}

func validAccount(id string) error {
	if !fsxd.ValidAccountID(id) {
		return fmt.Errorf("--account-id %q: want 12 digits", id)
	}
	return nil
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
