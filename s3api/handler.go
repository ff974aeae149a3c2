package s3api

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"github.com/fsxd/fsxd"
	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/multipart"
	"github.com/fsxd/fsxd/policy"
	"github.com/fsxd/fsxd/volume"
)

// Default limits, as AWS measured them on FSx-attached access points
// (docs/decisions.md, "S3 operations and limits on FSx access points"): 5 GiB per PUT or part, 50 GiB per multipart object.
const (
	DefaultMaxObjectSize    = 5 << 30
	DefaultMaxMultipartSize = 50 << 30
	DefaultUploadMaxAge     = 7 * 24 * time.Hour
)

// AccessPoint is an AVAILABLE (or refused) access point as the data plane
// needs it.
type AccessPoint struct {
	Name, Alias, ARN, AccountID string
	Type                        string // OPENZFS | ONTAP
	Root                        *volume.Root
	Identity                    fsxd.PosixIdentity
	Uploads                     *multipart.Store // staging for this access point's volume
	// VpcID restricts the access point to one declared VPC ("" = Internet).
	VpcID string
	// QuotaBytes is the volume's OpenZFS StorageCapacityQuotaGiB in bytes
	// (0 = none): writes that would exceed it are refused.
	QuotaBytes int64
	// Policy is the access point's resource policy, parsed once (nil = none).
	Policy *policy.Document
	// PolicyBound binds the ARNs Policy names to unique ids (Request.Bound).
	PolicyBound map[string]string
	// Snapshot opens the volume's snapshots for .zfs/snapshot/<name>/
	// keys (snapdir.go); nil where the volume has none (ONTAP).
	Snapshot SnapshotRoots
	// SnapshotNames lists them for a listing under .zfs/ (snaplist.go).
	SnapshotNames SnapshotNames
	// Unusable, when set, refuses every request (an *awserr.Error to
	// return as is): the attachment is not AVAILABLE.
	Unusable error
}

// Resolver finds access points. Unknown ones are awserr.NoSuchBucket.
type Resolver interface {
	ByAlias(ctx context.Context, alias string) (*AccessPoint, error)
	// ByName serves "<name>-<account>.<host>", the host SDKs build from
	// an access point ARN.
	ByName(ctx context.Context, name, accountID string) (*AccessPoint, error)
}

// Request is what Authorize decides on.
type Request struct {
	Principal *auth.Principal
	AP        *AccessPoint
	Action    string // "s3:GetObject", ...
	Key       string // "" for bucket-level actions
	HTTP      *http.Request
	// Context holds S3 condition keys: s3:prefix, s3:delimiter,
	// s3:max-keys, s3:ExistingObjectTag/<k>, s3:RequestObjectTag/<k>, ...
	Context map[string][]string
}

// Config is what the server gives the data plane.
type Config struct {
	Resolver Resolver
	// Authenticate verifies SigV4 and wraps r.Body so the payload is
	// checked as it is read; it returns an *awserr.Error in S3 vocabulary.
	Authenticate func(r *http.Request) (*auth.Principal, error)
	// Authorize returns nil to allow, AccessDenied to refuse. Nil allows
	// everything authenticated.
	Authorize func(ctx context.Context, req Request) error
	// Domains are the base domains of virtual-hosted requests.
	Domains []string
	// Extensions turns on what fsxd offers beyond AWS: conditional writes.
	Extensions bool
	// MaxObjectSize bounds one PUT or one part; MaxMultipartSize a
	// completed multipart object.
	MaxObjectSize    int64
	MaxMultipartSize int64
	UploadMaxAge     time.Duration
	Now              func() time.Time
	Logger           *slog.Logger
}

// Handler serves S3 requests.
type Handler struct {
	cfg Config
}

// New returns a Handler; zero Config fields take their defaults.
func New(cfg Config) *Handler {
	if cfg.MaxObjectSize <= 0 {
		cfg.MaxObjectSize = DefaultMaxObjectSize
	}
	if cfg.MaxMultipartSize <= 0 {
		cfg.MaxMultipartSize = DefaultMaxMultipartSize
	}
	if cfg.UploadMaxAge <= 0 {
		cfg.UploadMaxAge = DefaultUploadMaxAge
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Authenticate == nil {
		// Fail closed: a server wired without authentication serves nobody.
		cfg.Authenticate = func(*http.Request) (*auth.Principal, error) {
			return nil, awserr.AccessDenied.Err("No authenticator is configured.")
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Handler{cfg: cfg}
}

// Operation names the S3 operation of r, for metrics and logs. It only
// looks at the method, the query and a few headers.
func (h *Handler) Operation(r *http.Request) string {
	return h.route(r).name
}

// Serve answers one request. It writes the response or the S3 XML error and
// returns the error for the access log.
func (h *Handler) Serve(w http.ResponseWriter, r *http.Request) error {
	rw := &respWriter{ResponseWriter: w}
	err := h.serve(rw, r)
	if err != nil {
		h.writeError(rw, r, err)
	}
	return err
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) error {
	rt := h.route(r)
	recordOperation(w, rt.name)
	if rt.early != nil {
		return rt.early
	}
	p, err := h.cfg.Authenticate(r)
	if err != nil {
		return err
	}
	if rt.name == opListBuckets { // after the signature, as S3 checks it first
		return awserr.NotImplemented.Err("ListBuckets is not served here: address an access point by its alias or ARN.")
	}
	ctx := auth.WithPrincipal(r.Context(), p)
	ap, err := h.resolve(ctx, rt.addr)
	if rt.name == opCreateBucket && awserr.Is(err, awserr.NoSuchBucket) {
		return awserr.NoBuckets.Err("").With("BucketName", rt.addr.bucket)
	}
	if err != nil {
		return err
	}
	if ap.Unusable != nil {
		return ap.Unusable
	}
	if rt.serve == nil {
		return rt.refuse
	}
	if err := checkOwner(r, ap); err != nil {
		return err
	}
	rq := &request{h: h, w: w, r: r.WithContext(ctx), q: rt.query, ap: ap, principal: p, key: rt.addr.key, op: rt.name,
		byARN: rt.addr.account != ""}
	sap, key, snapPrefix, err := snapshotView(rt.name, ap, rt.addr.key)
	if err != nil {
		return rq.refusalFirst(rt.objectAction(), rq.key, err)
	}
	rq.ap, rq.key, rq.keyPrefix = sap, key, snapPrefix
	if rt.action != "" {
		if err := rq.authorize(rt.action, rq.key, nil); err != nil {
			return err
		}
	}
	return rt.serve(rq)
}

// operationRecorder is a ResponseWriter that wants the name of the
// operation served (the server's access log), which saves it routing the
// request again through Operation.
type operationRecorder interface{ SetOperation(op string) }

func recordOperation(w http.ResponseWriter, op string) {
	for {
		if rec, ok := w.(operationRecorder); ok {
			rec.SetOperation(op)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

func (h *Handler) resolve(ctx context.Context, a addr) (*AccessPoint, error) {
	var ap *AccessPoint
	var err error
	if a.account != "" {
		ap, err = h.cfg.Resolver.ByName(ctx, a.bucket, a.account)
	} else {
		ap, err = h.cfg.Resolver.ByAlias(ctx, a.bucket)
	}
	if err != nil {
		return nil, withBucketName(err, a.bucket)
	}
	return ap, nil
}

// withBucketName adds the bucket S3 names in NoSuchBucket, to a copy of
// the resolver's error so that only this answer carries it. (Apart from
// resolve, so that its error variable does not escape on every request.)
func withBucketName(err error, bucket string) error {
	var e *awserr.Error
	if !errors.As(err, &e) || e.Code != awserr.NoSuchBucket.Name || e.Fields["BucketName"] != "" {
		return err
	}
	c := *e
	c.Fields = maps.Clone(e.Fields)
	return c.With("BucketName", bucket)
}

// writeError renders err once, as S3 does: XML with the request id, or no
// body for HEAD and 304. A response already under way cannot be changed;
// the error is only logged then (by the caller's access log).
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if started(w) {
		return
	}
	e := awserr.From(err, awserr.InternalError)
	if e.Status >= 500 && e.Code == awserr.InternalError.Name {
		h.cfg.Logger.Error("s3: internal error", "err", err, "request_id", awserr.RequestID(r.Context()))
	}
	awserr.WriteXML(w, r, e, r.URL.Path, awserr.RequestID(r.Context()))
}

// checkOwner applies x-amz-expected-bucket-owner (and its copy-source
// twin): a request that expects another account's access point is refused
// as S3 refuses it.
func checkOwner(r *http.Request, ap *AccessPoint) error {
	for _, h := range [...]string{"X-Amz-Expected-Bucket-Owner", "X-Amz-Source-Expected-Bucket-Owner"} { // canonical: Get need not allocate
		if v := r.Header.Get(h); v != "" && v != ap.AccountID {
			return awserr.AccessDenied.Err("")
		}
	}
	return nil
}
