package accesspoint

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/awsjson"
	"github.com/fsxd/fsxd/importpath"
	"github.com/fsxd/fsxd/nameservice"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/store"
	"github.com/fsxd/fsxd/volume"
)

// Defaults for Config's zero values.
const (
	// DefaultMaxPerAccount is S3's quota of access points per account and
	// Region (adjustable on AWS).
	DefaultMaxPerAccount = 10000
	// DefaultMaxPerFileSystem caps attachments per file system. AWS's
	// per-file-system numbers are UNCONFIRMED (OpenZFS: by throughput
	// capacity); 1000 is our choice.
	DefaultMaxPerFileSystem = 1000
)

// Config is what the server gives the service.
type Config struct {
	Store   *store.Store
	Account fsxd.Account
	DataDir string
	// Names resolves identities; nil means a Resolver over DataDir and the
	// host's /etc/passwd and /etc/group.
	Names *nameservice.Resolver
	Now   func() time.Time
	// LifecycleDelay is how long an attachment stays CREATING or DELETING
	// before Reconcile moves it on.
	LifecycleDelay   time.Duration
	MaxPerAccount    int
	MaxPerFileSystem int
	// VPCs are the VPCs the operator declares (id -> client CIDRs); a
	// VpcConfiguration must name one of them.
	VPCs map[string][]string
	// Authenticate verifies an S3 Control request's SigV4 and returns an
	// *awserr.Error in S3 vocabulary. Nil fails closed: every S3 Control
	// request is AccessDenied, as in s3api.
	Authenticate func(r *http.Request) (*auth.Principal, error)
	// Authorize decides whether p may take action (e.g.
	// "s3:GetAccessPointPolicy") on resource (the access point ARN) through
	// S3 Control; it returns an error to refuse. Nil allows everything.
	Authorize func(ctx context.Context, p *auth.Principal, action, resource string) error
	Logger    *slog.Logger
	// Volumes are the options every volume root is opened with. An empty
	// MetaDir becomes <file system Dir>/.fsxd-staging/meta/<volume id>.
	Volumes volume.Options
	// Imports are the operator's import roots: a volume directory outside
	// DataDir is served only while one still allows it. Nil = none.
	Imports *importpath.Roots
	// Bind resolves the user and role ARNs a policy names to their unique
	// ids, in the saving transaction (identity.Directory.Bind). Nil: none
	// are bound, and ARNs match by name.
	Bind func(tx *store.Tx, doc *policy.Document) (map[string]string, error)
}

// Service serves the three FSx operations on S3 access point attachments,
// the S3 Control view of those access points, their lifecycle, and the
// data plane's lookup of them.
type Service struct {
	cfg Config
	st  *store.Store
	acc fsxd.Account

	cache    apCache
	apGen    *store.Watch // changes with the records the resolver reads (resolverKinds)
	checking sync.Map     // attachment name -> struct{}: on-use checks in flight
	// random makes the random part of aliases (tests make it predictable).
	random func(n int) string
}

// New returns a Service; zero Config fields take their defaults.
func New(cfg Config) *Service {
	if cfg.Names == nil {
		cfg.Names = &nameservice.Resolver{DataDir: cfg.DataDir}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxPerAccount <= 0 {
		cfg.MaxPerAccount = DefaultMaxPerAccount
	}
	if cfg.MaxPerFileSystem <= 0 {
		cfg.MaxPerFileSystem = DefaultMaxPerFileSystem
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Imports == nil {
		cfg.Imports = importpath.None(cfg.DataDir)
	}
	if cfg.Authenticate == nil {
		// Fail closed: a service wired without authentication serves nobody.
		cfg.Authenticate = func(*http.Request) (*auth.Principal, error) {
			return nil, awserr.AccessDenied.Err("No authenticator is configured.")
		}
	}
	if cfg.Account.Partition == "" {
		cfg.Account.Partition = "aws"
	}
	s := &Service{cfg: cfg, st: cfg.Store, acc: cfg.Account, random: fsxd.RandomLower}
	if cfg.Store != nil {
		s.apGen = cfg.Store.Watch(resolverKinds...)
	}
	return s
}

// Register adds the three FSx operations to m.
func (s *Service) Register(m *awsjson.Mux) {
	m.Handle(fsxd.OpCreateAndAttachS3AccessPoint, awsjson.Op(s.create))
	m.Handle(fsxd.OpDescribeS3AccessPointAttachments, awsjson.Op(s.describe))
	m.Handle(fsxd.OpDetachAndDeleteS3AccessPoint, awsjson.Op(s.detach))
}

// Close releases the cached volume roots.
func (s *Service) Close() error {
	s.cache.closeAll()
	return nil
}

// now is the service clock, in UTC with the millisecond precision the wire
// carries, so a stored time reads back as it was returned.
func (s *Service) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Millisecond) }

// The tables this package reads and writes (declared in store/schema.go).
func attachments(tx *store.Tx) store.Table[fsxd.Attachment] { return store.Attachments.In(tx) }
func aliases(tx *store.Tx) store.Table[aliasRecord]         { return store.Aliases.In(tx) }
func volumes(tx *store.Tx) store.Table[fsxd.Volume]         { return store.Volumes.In(tx) }
func fileSystems(tx *store.Tx) store.Table[fsxd.FileSystem] { return store.FileSystems.In(tx) }
func svms(tx *store.Tx) store.Table[fsxd.SVM]               { return store.SVMs.In(tx) }
