package s3api

import (
	"net/http"

	"github.com/fsxd/fsxd/volume"
)

// Object tagging lives in the object's Meta; changing it leaves the bytes,
// and so the ETag, alone.

func (rq *request) getObjectTagging() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	info, err := rq.readAuthorized(p, "s3:GetObjectTagging")
	if err != nil {
		return err
	}
	res := &tagging{NS: s3NS}
	if info.Meta != nil {
		res.TagSet.Tags = tagSet(info.Meta.Tags)
	}
	return writeXML(rq.w, res)
}

func (rq *request) putObjectTagging() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	var req tagging
	if err := rq.readVerifiedXML(&req, xmlChecksumOptional); err != nil {
		return err
	}
	tags, err := validateTags(req.TagSet.Tags)
	if err != nil {
		return err
	}
	c := map[string][]string{}
	addRequestTags(c, tags)
	if _, err := rq.statAuthorized("s3:PutObjectTagging", p, c); err != nil {
		return err
	}
	if err := rq.setTags(p, tags); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

func (rq *request) deleteObjectTagging() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	if _, err := rq.statAuthorized("s3:DeleteObjectTagging", p, nil); err != nil {
		return err
	}
	if err := rq.setTags(p, nil); err != nil {
		return err
	}
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (rq *request) setTags(p volume.Path, tags map[string]string) error {
	_, err := rq.fs().SetMeta(rq.ctx(), p, func(m *volume.Meta) error {
		m.Tags = tags
		return fitMeta(m)
	})
	return volumeErr(err, rq.key, reading)
}
