package s3api

import "github.com/fsxd/fsxd/awserr"

// HeadBucket, GetBucketLocation and CreateBucket: all an access point says
// about itself.

func (rq *request) headBucket() error {
	h := rq.w.Header()
	h.Set("x-amz-bucket-region", rq.ap.region())
	if !rq.byARN {
		h.Set("x-amz-access-point-alias", "true")
	}
	rq.w.WriteHeader(200)
	return nil
}

func (rq *request) getBucketLocation() error {
	region := rq.ap.region()
	if region == "us-east-1" {
		region = ""
	}
	return writeXML(rq.w, &locationConstraint{NS: s3NS, Region: region})
}

// createBucket answers CreateBucket on an access point the caller may list
// as S3 answers it for a bucket the caller already owns.
func (rq *request) createBucket() error {
	return awserr.BucketAlreadyOwnedByYou.Err("").With("BucketName", rq.ap.Alias)
}
