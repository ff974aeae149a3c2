package s3api

import (
	"io"
	"net/http"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/multipart"
)

// partTarget is the upload and part number an UploadPart(Copy) writes.
func (rq *request) partTarget() (multipart.Upload, int, error) {
	n, err := parsePartNumber(rq.q.Get("partNumber"))
	if err != nil {
		return multipart.Upload{}, 0, err
	}
	if !rq.q.Has("uploadId") {
		return multipart.Upload{}, 0, invalidArgument("uploadId", "", "This operation needs an uploadId.")
	}
	if err := checkSSE(rq.r.Header); err != nil {
		return multipart.Upload{}, 0, err
	}
	u, err := rq.upload()
	return u, n, err
}

func (rq *request) uploadPart() error {
	u, n, err := rq.partTarget()
	if err != nil {
		return err
	}
	up, err := rq.newUpload(rq.h.cfg.MaxObjectSize)
	if err != nil {
		return err
	}
	alg := checksum.Algorithm(u.ChecksumAlgorithm)
	if alg != "" && up.want.alg != "" && up.want.alg != alg {
		return awserr.InvalidRequestS3.Err("Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s",
			strings.ToLower(string(alg)), strings.ToLower(string(up.want.alg)))
	}
	up.also = alg
	if err := rq.reservePart(u.ID, up.declared); err != nil {
		return err
	}
	part, err := rq.putPart(u.ID, n, up, rq.r.Body)
	if err != nil {
		return err
	}
	if alg == "" {
		alg = up.want.alg
	}
	h := rq.w.Header()
	h.Set("ETag", quote(part.ETag))
	if alg != "" {
		h.Set(alg.Header(), part.Checksums[string(alg)])
	}
	h.Set("x-amz-server-side-encryption", sseFSx)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// putPart streams body through the verifier into the staging store; a
// body that fails verification leaves no part behind. A part whose size
// is known beforehand may go in place, to the upload's slot file. The
// part's bytes are written as the identity: the staging area shares the
// volume's file system, and what a write may fill of it (reserved
// blocks) is theirs.
func (rq *request) putPart(id string, n int, up *upload, body io.Reader) (multipart.Part, error) {
	v := up.reader(body)
	defer v.close()
	sums := func() multipart.PartSums { return multipart.PartSumsOf(v.sums) }
	part, err := rq.ap.Uploads.PutPartSized(id, n, up.declared, v, sums, rq.fs().WriteAs)
	if berr := v.bodyFailed(); berr != nil {
		return part, berr
	}
	return part, rq.uploadErr(err)
}

func (rq *request) uploadPartCopy() error {
	u, n, err := rq.partTarget()
	if err != nil {
		return err
	}
	src, err := rq.openSource()
	if err != nil {
		return err
	}
	defer src.f.Close()
	rg := byteRange{start: 0, end: src.f.Size - 1}
	if v := rq.r.Header.Get("x-amz-copy-source-range"); v != "" {
		if rg, err = parseCopyRange(v, src.f.Size); err != nil {
			return err
		}
	}
	if rg.length() > rq.h.cfg.MaxObjectSize {
		return awserr.InvalidRequestS3.Err("The specified copy source is larger than the maximum allowable size for a copy source: %d", rq.h.cfg.MaxObjectSize)
	}
	alg := checksum.Algorithm(u.ChecksumAlgorithm)
	up := &upload{declared: rg.length(), limit: rq.h.cfg.MaxObjectSize, also: alg}
	if err := rq.reservePart(u.ID, up.declared); err != nil {
		return err
	}
	part, err := rq.putPart(u.ID, n, up, io.NewSectionReader(src.f.File, rg.start, rg.length()))
	if err != nil {
		return err
	}
	rq.w.Header().Set("x-amz-server-side-encryption", sseFSx)
	return writeXML(rq.w, &copyPartResult{NS: s3NS, LastModified: xmlTime(part.Modified),
		ETag: quote(part.ETag), checksumSet: xmlChecksums(alg, part.Checksums[string(alg)])})
}
