package s3api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// maxDeleteKeys is DeleteObjects' limit per request.
const maxDeleteKeys = 1000

func (rq *request) deleteObject() error {
	if v, ok := rq.q["versionId"]; ok && (len(v) != 1 || v[0] != "null") {
		return invalidArgument("versionId", rq.q.Get("versionId"), "Invalid version id specified")
	}
	h := rq.r.Header
	cond, err := rq.deleteCondition(rq.key, h.Get("If-Match"), h.Get("X-Amz-If-Match-Last-Modified-Time"), h.Get("X-Amz-If-Match-Size"))
	if err != nil {
		return err
	}
	if err := rq.remove(rq.key, cond); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteCondition is the conditional delete of DeleteObject (If-Match and
// the x-amz-if-match-* headers) and of DeleteObjects (an object's ETag,
// LastModifiedTime and Size). Like conditional writes, AWS does not offer
// it on FSx access points: 501 unless Extensions is on. It is never
// ignored, which would delete what the caller meant to keep.
func (rq *request) deleteCondition(key, etag, mtime, size string) (func(*volume.Info) error, error) {
	if etag == "" && mtime == "" && size == "" {
		return nil, nil
	}
	if !rq.h.cfg.Extensions {
		return nil, awserr.NotImplemented.Err("")
	}
	var when time.Time
	var n int64
	var err error
	if mtime != "" {
		if when, err = parseConditionTime(mtime); err != nil {
			return nil, invalidArgument("x-amz-if-match-last-modified-time", mtime, "Invalid date")
		}
	}
	if size != "" {
		if n, err = strconv.ParseInt(size, 10, 64); err != nil || n < 0 {
			return nil, invalidArgument("x-amz-if-match-size", size, "Invalid size")
		}
	}
	return func(ex *volume.Info) error {
		switch {
		case ex == nil:
			return noSuchKey(key)
		case etag != "" && !etagMatches(etag, etagOf(*ex)):
			return preconditionFailed("If-Match")
		case mtime != "" && !ex.ModTime.Truncate(time.Second).Equal(when):
			return preconditionFailed("x-amz-if-match-last-modified-time")
		case size != "" && ex.Size != n:
			return preconditionFailed("x-amz-if-match-size")
		}
		return nil
	}, nil
}

// parseConditionTime reads an HTTP date, or the ISO 8601 form S3 uses in
// XML bodies.
func parseConditionTime(v string) (time.Time, error) {
	if t, err := http.ParseTime(v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	return t.Truncate(time.Second), err
}

// remove deletes key. Deleting what is not there succeeds, as on S3; so
// does deleting the object key "a" of a directory "a/" (no such object),
// and "a/" below a file "a". A directory object that still holds keys is
// refused rather than emptied: S3 would remove only the marker, but a
// directory cannot lose its entries by a delete of another key.
func (rq *request) remove(key string, cond func(*volume.Info) error) error {
	p, err := parseKey(key)
	if err != nil {
		return err
	}
	err = rq.fs().RemoveIf(rq.ctx(), p, cond)
	if errors.Is(err, volume.ErrNotExist) || errors.Is(err, volume.ErrIsDir) || errors.Is(err, volume.ErrNotDir) {
		if cond != nil {
			return cond(nil) // no such object (RemoveIf ran no cond): If-Match fails
		}
		return nil
	}
	return volumeErr(err, key, writing)
}

func (rq *request) deleteObjects() error {
	var req deleteRequest
	if err := rq.readVerifiedXML(&req, xmlChecksumRequired); err != nil {
		return err
	}
	if len(req.Objects) == 0 || len(req.Objects) > maxDeleteKeys {
		return awserr.MalformedXML.Err("")
	}
	res := &deleteResult{NS: s3NS}
	for _, o := range req.Objects {
		err := rq.authorize("s3:DeleteObject", o.Key, nil)
		if err == nil && underSnapDir(o.Key) {
			err = awserr.AccessDenied.Err("") // snapshots are read-only
		}
		if err == nil && o.VersionID != "" && o.VersionID != "null" {
			err = awserr.NoSuchVersion.Err("")
		}
		var cond func(*volume.Info) error
		if err == nil {
			cond, err = rq.deleteCondition(o.Key, o.ETag, o.LastModifiedTime, o.Size)
		}
		if err == nil {
			err = rq.remove(o.Key, cond)
		}
		if err != nil {
			e := awserr.From(err, awserr.InternalError)
			res.Errors = append(res.Errors, deleteError{Key: o.Key, Code: e.Code, Message: e.Message})
			continue
		}
		if !req.Quiet {
			res.Deleted = append(res.Deleted, deleted{Key: o.Key})
		}
	}
	return writeXML(rq.w, res)
}
