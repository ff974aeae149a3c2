package s3api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/volume"
)

// request is one routed, authenticated request on one access point.
type request struct {
	h         *Handler
	w         http.ResponseWriter
	r         *http.Request
	q         url.Values
	ap        *AccessPoint
	principal *auth.Principal
	key       string
	op        string
	byARN     bool // addressed as "<name>-<account>." rather than by alias
	vfs       *volume.FS
	// keyPrefix is what snapshotView cut off key (".zfs/snapshot/<name>/"):
	// policies see the key as the client sent it.
	keyPrefix string
}

func (rq *request) ctx() context.Context { return rq.r.Context() }

// fs is the volume as the access point's identity: the only way this
// package touches files.
func (rq *request) fs() *volume.FS {
	if rq.vfs == nil {
		rq.vfs = rq.ap.Root.As(rq.ap.Identity)
	}
	return rq.vfs
}

// authorize asks the server's policy layer whether the principal may do
// action on key (or on the access point when key is ""). The condition
// keys S3 defines for listing and for tags in the request are filled in
// here so every operation gets them alike; extra adds the rest.
func (rq *request) authorize(action, key string, extra map[string][]string) error {
	if rq.h.cfg.Authorize == nil {
		return nil
	}
	if key != "" {
		key = rq.keyPrefix + key
	}
	var c map[string][]string // made only when there is a key to put in
	if action == "s3:ListBucket" {
		for _, k := range [...]string{"prefix", "delimiter", "max-keys"} {
			if rq.q.Has(k) {
				c = setKey(c, "s3:"+k, []string{rq.q.Get(k)})
			}
		}
	}
	// The tags a PutObject, CopyObject or CreateMultipartUpload sets are
	// the request's for both checks it makes: s3:PutObject and the
	// s3:PutObjectTagging its tags need, so that a Deny on either action
	// conditioned on them holds. (PutObjectTagging's own tags come from
	// its body, in extra.)
	if action == "s3:PutObject" || action == "s3:PutObjectTagging" {
		if h := rq.r.Header.Get("X-Amz-Tagging"); h != "" {
			if tags, err := parseTaggingHeader(h); err == nil {
				if c == nil {
					c = map[string][]string{}
				}
				addRequestTags(c, tags)
			}
		}
	}
	for k, v := range extra {
		c = setKey(c, k, v)
	}
	return rq.h.cfg.Authorize(rq.ctx(), Request{
		Principal: rq.principal, AP: rq.ap, Action: action, Key: key, HTTP: rq.r, Context: c,
	})
}

// authorizeObject authorizes an action on an existing object with its
// tags as s3:ExistingObjectTag/<k>. The operation has already opened or
// stated the object (info nil when that failed): asking after the file
// system saves a second metadata read, and the caller reports its own
// error only once this allowed the request, so a denied caller learns
// nothing about the object.
func (rq *request) authorizeObject(action, key string, info *volume.Info, extra map[string][]string) error {
	if info == nil || info.Meta == nil || len(info.Meta.Tags) == 0 {
		return rq.authorize(action, key, extra)
	}
	c := make(map[string][]string, len(info.Meta.Tags)+len(extra))
	for k, v := range info.Meta.Tags {
		c["s3:ExistingObjectTag/"+k] = []string{v}
	}
	for k, v := range extra {
		c[k] = v
	}
	return rq.authorize(action, key, c)
}

// setKey sets a condition key in c, making c first if it is nil.
func setKey(c map[string][]string, k string, v []string) map[string][]string {
	if c == nil {
		c = make(map[string][]string, 4)
	}
	c[k] = v
	return c
}

// addRequestTags sets s3:RequestObjectTag/<k> and s3:RequestObjectTagKeys.
func addRequestTags(c map[string][]string, tags map[string]string) {
	keys := sortedKeys(tags)
	for _, k := range keys {
		c["s3:RequestObjectTag/"+k] = []string{tags[k]}
	}
	c["s3:RequestObjectTagKeys"] = keys
}

// statAuthorized stats p and authorizes action on it; it returns the
// authorization's refusal first, then the stat's error.
func (rq *request) statAuthorized(action string, p volume.Path, extra map[string][]string) (volume.Info, error) {
	info, err := rq.fs().Stat(rq.ctx(), p)
	in := &info
	if err != nil {
		in = nil
	}
	if aerr := rq.authorizeObject(action, rq.key, in, extra); aerr != nil {
		return info, aerr
	}
	return info, volumeErr(err, rq.key, reading)
}

// readAuthorized is p's Info for an operation that discloses what only a
// reader of the object may know (checksums, parts, tags: its content, not
// what a listing of its directory shows). An object must open for reading
// as the identity, as for GET; a directory object is stated, as GET does.
// Each action is authorized with the object's tags; a refusal comes
// before the file system's error, so a denied caller learns nothing.
func (rq *request) readAuthorized(p volume.Path, actions ...string) (volume.Info, error) {
	var info volume.Info
	var err error
	if p.IsDir() {
		info, err = rq.fs().Stat(rq.ctx(), p)
	} else {
		var f *volume.File
		if f, err = rq.fs().Open(rq.ctx(), p); err == nil {
			info = f.Info
			f.Close()
		}
	}
	in := &info
	if err != nil {
		in = nil
	}
	for _, action := range actions {
		if aerr := rq.authorizeObject(action, rq.key, in, nil); aerr != nil {
			return info, aerr
		}
	}
	return info, volumeErr(err, rq.key, reading)
}
