package s3api

import (
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/multipart"
	"github.com/fsxd/fsxd/volume"
)

// minPartSize is S3's minimum for every part but the last.
const minPartSize = 5 << 20

func (rq *request) completeUpload() error {
	u, err := rq.upload()
	if err != nil {
		return err
	}
	cond, err := rq.writeCondition()
	if err != nil {
		return err
	}
	var req completeRequest
	if err := rq.readVerifiedXML(&req, xmlChecksumOfObject); err != nil {
		return err
	}
	nums, err := partOrder(req.Parts)
	if err != nil {
		return err
	}
	files, parts, err := rq.ap.Uploads.OpenParts(u.ID, nums)
	if err != nil {
		return uploadErr(err)
	}
	defer closeFiles(files)
	final, err := rq.checkParts(u, req.Parts, parts)
	if err != nil {
		return err
	}
	if err := rq.reserveComplete(u.ID, final.Size); err != nil {
		return err
	}
	ka := startKeepAlive(rq.w)
	info, err := rq.assemble(u, parts, files, final, cond)
	if err == nil {
		if rerr := rq.ap.Uploads.Remove(u.ID); rerr != nil {
			rq.h.cfg.Logger.Warn("s3: completed upload not removed", "upload", u.ID, "err", rerr)
		}
	}
	if err != nil {
		return ka.fail(rq, err)
	}
	alg := checksum.Algorithm(final.ChecksumAlgorithm)
	res := &completeResult{NS: s3NS, Location: rq.location(), Bucket: rq.bucketName(), Key: rq.key,
		ETag: quote(info.Meta.ETag), checksumSet: xmlChecksums(alg, final.Checksum), ChecksumType: final.ChecksumType}
	return ka.finish(rq, res)
}

// partOrder checks the request's part list: not empty, numbers in range
// and strictly ascending.
func partOrder(parts []completePart) ([]int, error) {
	if len(parts) == 0 {
		return nil, awserr.MalformedXML.Err("")
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if p.PartNumber < 1 || p.PartNumber > maxParts {
			return nil, awserr.InvalidPart.Err("").With("PartNumber", itoa(p.PartNumber))
		}
		if i > 0 && p.PartNumber <= parts[i-1].PartNumber {
			return nil, awserr.InvalidPartOrder.Err("")
		}
		nums[i] = p.PartNumber
	}
	return nums, nil
}

// checkParts matches the client's ETags and checksums with the stored
// parts, applies the size rules, and computes the final ETag and checksum.
func (rq *request) checkParts(u multipart.Upload, want []completePart, have []multipart.Part) (multipart.Final, error) {
	var total int64
	for i, p := range have {
		w := want[i]
		if strings.Trim(w.ETag, `"`) != p.ETag {
			return multipart.Final{}, awserr.InvalidPart.Err("").With("PartNumber", itoa(p.Number)).With("ETag", w.ETag)
		}
		for _, a := range checksum.Algorithms {
			if v := w.get(a); v != "" && v != p.Checksums[string(a)] {
				return multipart.Final{}, awserr.InvalidPart.Err("The %s of part %d does not match the uploaded part.", a, p.Number).With("PartNumber", itoa(p.Number))
			}
		}
		if i < len(have)-1 && p.Size < minPartSize {
			return multipart.Final{}, awserr.EntityTooSmall.Err("").With("PartNumber", itoa(p.Number)).
				With("ETag", quote(p.ETag)).With("ProposedSize", strconv.FormatInt(p.Size, 10)).
				With("MinSizeAllowed", strconv.Itoa(minPartSize))
		}
		total += p.Size
	}
	if total > rq.h.cfg.MaxMultipartSize {
		return multipart.Final{}, entityTooLarge(rq.h.cfg.MaxMultipartSize).With("ProposedSize", strconv.FormatInt(total, 10))
	}
	final, err := multipart.Combine(u, have)
	if err != nil {
		return final, uploadErr(err)
	}
	return final, rq.checkFinalChecksum(final, len(have))
}

// checkFinalChecksum verifies a full-object checksum header sent with
// CompleteMultipartUpload.
// A COMPOSITE value may come with or without its "-N".
func (rq *request) checkFinalChecksum(f multipart.Final, n int) error {
	if f.ChecksumAlgorithm == "" {
		return nil
	}
	alg := checksum.Algorithm(f.ChecksumAlgorithm)
	v := rq.r.Header.Get(alg.Header())
	suffix := "-" + itoa(n)
	if v != "" && strings.TrimSuffix(v, suffix) != strings.TrimSuffix(f.Checksum, suffix) {
		return awserr.BadDigest.Err("The %s you specified did not match the calculated checksum.", alg)
	}
	return nil
}

// assemble writes the parts into a new file in the kernel and commits it.
func (rq *request) assemble(u multipart.Upload, parts []multipart.Part, files []*os.File, f multipart.Final, cond func(*volume.Info) error) (volume.Info, error) {
	var meta volume.Meta
	if len(u.Meta) > 0 {
		if err := json.Unmarshal(u.Meta, &meta); err != nil {
			return volume.Info{}, awserr.InternalError.Err("").Wrap(err)
		}
	}
	meta.ETag, meta.Parts = f.ETag, len(parts)
	meta.PartSizes = make([]int64, len(parts))
	for i, p := range parts {
		meta.PartSizes[i] = p.Size
	}
	meta.Checksums = storeChecksum(nil, checksum.Algorithm(f.ChecksumAlgorithm), f.Checksum, f.ChecksumType)
	p, err := parseKey(u.Key)
	if err != nil {
		return volume.Info{}, err
	}
	w, err := rq.fs().Create(rq.ctx(), p)
	if err != nil {
		return volume.Info{}, volumeErr(err, u.Key, writing)
	}
	for i, part := range parts {
		if err := w.Append(files[i], 0, part.Size); err != nil {
			w.Abort()
			return volume.Info{}, volumeErr(err, u.Key, writing)
		}
	}
	info, err := w.Commit(meta, cond)
	return info, volumeErr(err, u.Key, writing)
}

// location is the object's URL as the client addressed it.
func (rq *request) location() string {
	scheme := "http"
	if rq.r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: rq.r.Host, Path: rq.r.URL.Path}).String()
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
