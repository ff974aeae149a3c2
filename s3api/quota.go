package s3api

// reserve admits a write of n bytes (-1: unknown) under the access point's
// volume quota, before any byte is written: over the quota is 507
// InsufficientStorage, as a full disk is. See volume.Root.Reserve for
// what a quota counts.
func (rq *request) reserve(n int64) error {
	if rq.ap.QuotaBytes <= 0 {
		return nil
	}
	return volumeErr(rq.ap.Root.Reserve(rq.ap.QuotaBytes, n), rq.key, writing)
}
