package s3api

import (
	"errors"
	"net/http"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// maxDeleteKeys is DeleteObjects' limit per request.
const maxDeleteKeys = 1000

func (rq *request) deleteObject() error {
	if v, ok := rq.q["versionId"]; ok && (len(v) != 1 || v[0] != "null") {
		return invalidArgument("versionId", rq.q.Get("versionId"), "Invalid version id specified")
	}
	if err := rq.remove(rq.key); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

// remove deletes key. Deleting what is not there succeeds, as on S3; so
// does deleting the object key "a" of a directory "a/" (no such object),
// and "a/" below a file "a". A directory object that still holds keys is
// refused rather than emptied: S3 would remove only the marker, but a
// directory cannot lose its entries by a delete of another key.
func (rq *request) remove(key string) error {
	p, err := parseKey(key)
	if err != nil {
		return err
	}
	err = rq.fs().Remove(rq.ctx(), p)
	if errors.Is(err, volume.ErrNotExist) || errors.Is(err, volume.ErrIsDir) || errors.Is(err, volume.ErrNotDir) {
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
		if err == nil {
			err = rq.remove(o.Key)
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
