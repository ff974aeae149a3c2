package s3api

import (
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/multipart"
)

func (rq *request) listParts() error {
	u, err := rq.upload()
	if err != nil {
		return err
	}
	maxParts, marker, err := rq.partsPaging("max-parts", "part-number-marker", false)
	if err != nil {
		return err
	}
	// The store reads max<=0 as its default; ask for one to learn
	// whether a max-parts=0 page is truncated.
	parts, truncated, err := rq.ap.Uploads.Parts(u.ID, marker, max(maxParts, 1))
	if err != nil {
		return rq.uploadErr(err)
	}
	if maxParts == 0 {
		truncated, parts = len(parts) > 0, nil
	}
	alg := checksum.Algorithm(u.ChecksumAlgorithm)
	res := &listPartsResult{NS: s3NS, Bucket: rq.bucketName(), Key: rq.key, UploadID: u.ID,
		Initiator: owner{ID: u.Owner, DisplayName: u.Owner}, Owner: *rq.ap.owner(),
		StorageClass: rq.ap.storageClass(), PartNumberMarker: marker, MaxParts: maxParts,
		IsTruncated: truncated, ChecksumAlgorithm: u.ChecksumAlgorithm}
	if alg != "" {
		res.ChecksumType = uploadType(u)
	}
	for _, p := range parts {
		res.Parts = append(res.Parts, partEntry{PartNumber: p.Number, LastModified: xmlTime(p.Modified),
			ETag: quote(p.ETag), Size: p.Size, checksumSet: xmlChecksums(alg, p.Checksums[string(alg)])})
		res.NextPartNumberMarker = p.Number
	}
	return writeXML(rq.w, res)
}

func uploadType(u multipart.Upload) string {
	if u.ChecksumType != "" {
		return u.ChecksumType
	}
	return multipart.DefaultChecksumType(checksum.Algorithm(u.ChecksumAlgorithm))
}

func (rq *request) listUploads() error {
	lp, err := rq.listParams()
	if err != nil {
		return err
	}
	maxUploads := 1000
	if v := rq.q.Get("max-uploads"); v != "" {
		n, err := parseCount("max-uploads", v)
		if err != nil {
			return err
		}
		maxUploads = min(n, 1000)
	}
	keyMarker, idMarker := rq.q.Get("key-marker"), rq.q.Get("upload-id-marker")
	lr, err := rq.ap.Uploads.List(rq.ap.uploadOwner(), multipart.ListOptions{Prefix: lp.prefix,
		Delimiter: lp.delimiter, KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: max(maxUploads, 1)})
	if err != nil {
		return rq.uploadErr(err)
	}
	if maxUploads == 0 {
		lr = multipart.ListResult{IsTruncated: len(lr.Uploads)+len(lr.CommonPrefixes) > 0}
	}
	res := &listUploadsResult{NS: s3NS, Bucket: rq.bucketName(), KeyMarker: lp.encode(keyMarker),
		UploadIDMarker: idMarker, Delimiter: lp.encode(lp.delimiter), Prefix: lp.encode(lp.prefix),
		MaxUploads: maxUploads, IsTruncated: lr.IsTruncated}
	if lp.urlEncode {
		res.EncodingType = "url"
	}
	if lr.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = lp.encode(lr.NextKeyMarker), lr.NextUploadIDMarker
	}
	own := *rq.ap.owner()
	for _, u := range lr.Uploads {
		e := uploadEntry{Key: lp.encode(u.Key), UploadID: u.ID, Initiator: owner{ID: u.Owner, DisplayName: u.Owner},
			Owner: own, StorageClass: rq.ap.storageClass(), Initiated: xmlTime(u.Initiated),
			ChecksumAlgorithm: u.ChecksumAlgorithm}
		if u.ChecksumAlgorithm != "" {
			e.ChecksumType = uploadType(u)
		}
		res.Uploads = append(res.Uploads, e)
	}
	for _, p := range lr.CommonPrefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{Prefix: lp.encode(p)})
	}
	return writeXML(rq.w, res)
}
