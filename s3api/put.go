package s3api

import (
	"net/http"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

func (rq *request) putObject() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	meta, cond, err := rq.writeHeaders()
	if err != nil {
		return err
	}
	up, err := rq.newUpload(rq.h.cfg.MaxObjectSize)
	if err != nil {
		return err
	}
	if p.IsDir() {
		return rq.putDir(p, meta)
	}
	if err := rq.reserve(up.declared); err != nil {
		return err
	}
	w, err := rq.fs().Create(rq.ctx(), p)
	if err != nil {
		return volumeErr(err, rq.key, writing)
	}
	v := up.reader(rq.r.Body)
	defer v.close()
	if err := v.copyTo(w); err != nil {
		w.Abort()
		return volumeErr(err, rq.key, writing)
	}
	sums := v.sums
	meta.ETag = sums.ETag
	alg := up.want.alg
	meta.Checksums = storeChecksum(nil, alg, sums.Checksums[alg], fullObject)
	if _, err := w.Commit(*meta, cond); err != nil {
		return volumeErr(err, rq.key, writing)
	}
	h := rq.w.Header()
	h.Set("ETag", quote(sums.ETag))
	setChecksumHeaders(h, alg, sums.Checksums[alg], fullObject)
	h.Set("X-Amz-Server-Side-Encryption", sseFSx)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// writeHeaders reads what a new object takes from the request headers
// (PUT, CreateMultipartUpload): metadata, tags, and the extension's
// write condition. Tags need s3:PutObjectTagging as well, as on S3.
func (rq *request) writeHeaders() (*volume.Meta, *volume.Cond, error) {
	if err := rq.ap.checkWriteHeaders(rq.r.Header); err != nil {
		return nil, nil, err
	}
	cond, err := rq.writeCondition()
	if err != nil {
		return nil, nil, err
	}
	meta, err := metaFromHeaders(rq.r.Header)
	if err != nil {
		return nil, nil, err
	}
	if err := fitMeta(meta); err != nil {
		return nil, nil, err
	}
	if len(meta.Tags) > 0 {
		if err := rq.authorize("s3:PutObjectTagging", rq.key, nil); err != nil {
			return nil, nil, err
		}
	}
	return meta, cond, nil
}

// putDir makes a directory object: a key ending in "/" holds no bytes.
func (rq *request) putDir(p volume.Path, meta *volume.Meta) error {
	empty, err := drainEmpty(rq.r.Body)
	if err != nil {
		return err
	}
	if !empty {
		return awserr.InvalidRequestS3.Err("A key ending in '/' names a directory, which holds no data: send an empty body.")
	}
	meta.ETag = emptyETag
	if _, err := rq.fs().Mkdir(rq.ctx(), p, *meta); err != nil {
		return volumeErr(err, rq.key, writing)
	}
	h := rq.w.Header()
	h.Set("ETag", quote(emptyETag))
	h.Set("X-Amz-Server-Side-Encryption", sseFSx)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// writeCondition is fsxd's conditional-write extension (If-None-Match: *
// and If-Match on PUT, CopyObject and CompleteMultipartUpload), checked by volume
// under the key's lock as the file is put in place; If-None-Match: * is
// also kept by the link itself, so it holds across nodes (volume.Cond).
// AWS refuses these on FSx access points with 501, and so does fsxd
// unless Extensions is on.
func (rq *request) writeCondition() (*volume.Cond, error) {
	im, inm := rq.r.Header.Get("If-Match"), rq.r.Header.Get("If-None-Match")
	if im == "" && inm == "" {
		return nil, nil
	}
	if !rq.h.cfg.Extensions {
		return nil, awserr.NotImplemented.Err("")
	}
	if inm != "" && inm != "*" {
		return nil, awserr.NotImplemented.Err("A header you provided implies functionality that is not implemented").With("Header", "If-None-Match")
	}
	key := rq.key
	cond := &volume.Cond{Check: func(ex *volume.Info) error {
		if inm == "*" && ex != nil {
			return preconditionFailed("If-None-Match")
		}
		if im != "" && ex == nil {
			return noSuchKey(key)
		}
		if im != "" && !etagMatches(im, etagOf(*ex)) {
			return preconditionFailed("If-Match")
		}
		return nil
	}}
	if inm == "*" {
		cond.Exists = preconditionFailed("If-None-Match")
	}
	return cond, nil
}
