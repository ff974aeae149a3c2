package s3api

import "github.com/fsxd/fsxd/volume"

// quota is the volume's quota; staged parts count while their upload
// exists in the staging store.
func (rq *request) quota() volume.Quota {
	return volume.Quota{Bytes: rq.ap.QuotaBytes, Staged: rq.ap.Uploads.Exists}
}

// reserve admits a write of n bytes (-1: unknown) under the access point's
// volume quota, before any byte is written: over the quota is 507
// InsufficientStorage, as a full disk is. See volume.Root.Reserve for
// what a quota counts.
func (rq *request) reserve(n int64) error {
	if rq.ap.QuotaBytes <= 0 {
		return nil
	}
	return volumeErr(rq.ap.Root.Reserve(rq.quota(), n), rq.key, writing)
}

// reservePart admits n bytes (-1: unknown) of a part of upload id under
// the volume quota: staged parts count as the volume's until the upload
// completes or is aborted.
func (rq *request) reservePart(id string, n int64) error {
	if rq.ap.QuotaBytes <= 0 {
		return nil
	}
	return volumeErr(rq.ap.Root.ReservePart(rq.quota(), n, id), rq.key, writing)
}

// reserveComplete admits upload id's object of n bytes in place of its
// parts.
func (rq *request) reserveComplete(id string, n int64) error {
	if rq.ap.QuotaBytes <= 0 {
		return nil
	}
	return volumeErr(rq.ap.Root.ReserveComplete(rq.quota(), n, id), rq.key, writing)
}
