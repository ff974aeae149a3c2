package s3api

import (
	"encoding/base64"
	"errors"
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
	// One end of an upload at a time, on every node (multipart.EndLock): a
	// concurrent Complete or Abort of it waits, then finds what this one
	// left.
	unlock, err := rq.endLock()
	if err != nil {
		return err
	}
	defer unlock()
	u, err := rq.upload()
	if awserr.Is(err, awserr.NoSuchUpload) {
		return rq.repeatCompletion(err, nil)
	}
	if err != nil {
		return err
	}
	cond, err := rq.writeCondition()
	if err != nil {
		return err
	}
	req, nums, err := rq.readPartList()
	if err != nil {
		return err
	}
	files, parts, err := rq.ap.Uploads.OpenParts(u.ID, nums)
	if errors.Is(err, multipart.ErrNoSuchUpload) {
		// A concurrent Complete finished first (it records, then removes).
		return rq.repeatCompletion(rq.uploadErr(err), &req)
	}
	if err != nil {
		return rq.uploadErr(err)
	}
	defer closeFiles(files)
	final, err := rq.checkParts(u, req.Parts, parts)
	if err != nil {
		return err
	}
	if err := rq.reserveComplete(u.ID, final.Size); err != nil {
		return err
	}
	rq.w.Header().Set("x-amz-server-side-encryption", sseFSx)
	ka := startKeepAlive(rq.w)
	info, err := rq.assemble(u, parts, files, final, cond)
	if err != nil {
		return ka.fail(rq, err)
	}
	final.ETag = info.Meta.ETag
	rq.finishUpload(u, req.Parts, final)
	return ka.finish(rq, rq.completeResult(final))
}

// readPartList reads the request's part list and checks its order.
func (rq *request) readPartList() (completeRequest, []int, error) {
	var req completeRequest
	err := rq.readVerifiedXML(&req, xmlChecksumOfObject)
	if awserr.Is(err, awserr.MissingRequestBodyError) {
		// No body is an empty part list, which S3 calls malformed.
		return req, nil, awserr.MalformedXML.Err("")
	}
	if err != nil {
		return req, nil, err
	}
	nums, err := partOrder(req.Parts)
	return req, nums, err
}

// finishUpload records the completion, so a retry gets the same answer,
// then removes the upload. The object is committed: failures here are
// only logged (the upload then expires, or the retry assembles again).
func (rq *request) finishUpload(u multipart.Upload, parts []completePart, final multipart.Final) {
	c := multipart.Completion{ID: u.ID, AccessPoint: u.AccessPoint, Key: u.Key,
		Parts: completedParts(parts), Final: final}
	if err := rq.ap.Uploads.RecordCompletion(c); err != nil {
		rq.h.cfg.Logger.Warn("s3: completion not recorded", "upload", u.ID, "err", err)
	}
	// ErrNoSuchUpload: a concurrent Complete of the same upload removed it.
	if err := rq.ap.Uploads.Remove(u.ID); err != nil && !errors.Is(err, multipart.ErrNoSuchUpload) {
		rq.h.cfg.Logger.Warn("s3: completed upload not removed", "upload", u.ID, "err", err)
	}
}

// repeatCompletion answers a CompleteMultipartUpload of an upload that is
// no longer in progress: with the first answer when it was completed
// with the same part list (an SDK retry), else with noSuch. req is the
// request's part list if already read.
func (rq *request) repeatCompletion(noSuch error, req *completeRequest) error {
	c, err := rq.ap.Uploads.Completed(rq.q.Get("uploadId"))
	if err != nil || c.AccessPoint != rq.ap.uploadOwner() || c.Key != rq.key {
		return noSuch
	}
	if req == nil {
		r, _, err := rq.readPartList()
		if err != nil {
			return err
		}
		req = &r
	}
	if !c.SameParts(completedParts(req.Parts)) {
		return noSuch
	}
	rq.w.Header().Set("x-amz-server-side-encryption", sseFSx)
	return writeXML(rq.w, rq.completeResult(c.Final))
}

func completedParts(parts []completePart) []multipart.CompletedPart {
	out := make([]multipart.CompletedPart, len(parts))
	for i, p := range parts {
		out[i] = multipart.CompletedPart{Number: p.PartNumber, ETag: strings.Trim(p.ETag, `"`)}
	}
	return out
}

func (rq *request) completeResult(f multipart.Final) *completeResult {
	alg := checksum.Algorithm(f.ChecksumAlgorithm)
	return &completeResult{NS: s3NS, Location: rq.location(), Bucket: rq.bucketName(), Key: rq.key,
		ETag: quote(f.ETag), checksumSet: xmlChecksums(alg, f.Checksum), ChecksumType: f.ChecksumType}
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
		if err := checkPartChecksums(u, w, p); err != nil {
			return multipart.Final{}, err
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
		return final, rq.uploadErr(err)
	}
	return final, rq.checkFinalChecksum(final, len(have))
}

// checkPartChecksums matches the checksums the request lists for a part
// with the stored part, with S3's errors: another algorithm than the
// upload's is BadDigest, a wrong value InvalidPart, and a COMPOSITE
// upload needs every part's checksum (it is what the object's is made of).
func checkPartChecksums(u multipart.Upload, w completePart, p multipart.Part) error {
	alg := checksum.Algorithm(u.ChecksumAlgorithm)
	for _, a := range checksum.Algorithms {
		v := w.get(a)
		switch {
		case v == "":
		case alg != "" && a != alg:
			return awserr.BadDigest.Err("The %s you specified for part %d did not match what we received.", strings.ToLower(string(a)), p.Number)
		case v != p.Checksums[string(a)]:
			return awserr.InvalidPart.Err("").With("PartNumber", itoa(p.Number)).With("ETag", w.ETag)
		}
	}
	if alg != "" && uploadType(u) == composite && w.get(alg) == "" {
		return awserr.InvalidRequestS3.Err("The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.",
			strings.ToLower(string(alg)), p.Number)
	}
	return nil
}

// checkFinalChecksum verifies a full-object checksum header sent with
// CompleteMultipartUpload.
// A COMPOSITE value may come with or without its "-N".
func (rq *request) checkFinalChecksum(f multipart.Final, n int) error {
	if f.ChecksumAlgorithm == "" {
		return nil
	}
	// S3 documents BadDigest for a type other than the upload's; the
	// message is fsxd's own.
	if typ := rq.r.Header.Get("X-Amz-Checksum-Type"); typ != "" && typ != f.ChecksumType {
		return awserr.BadDigest.Err("The checksum type %s you specified did not match the upload's checksum type %s.", typ, f.ChecksumType)
	}
	alg := checksum.Algorithm(f.ChecksumAlgorithm)
	v := rq.r.Header.Get(alg.Header())
	suffix := "-" + itoa(n)
	if v != "" && strings.TrimSuffix(v, suffix) != strings.TrimSuffix(f.Checksum, suffix) {
		return awserr.BadDigest.Err("The %s you specified did not match the calculated checksum.", alg)
	}
	return nil
}

// assemble commits the upload's slot file as the object when it holds
// it whole, else writes the parts into a new file in the kernel, and
// commits that.
func (rq *request) assemble(u multipart.Upload, parts []multipart.Part, files []*os.File, f multipart.Final, cond *volume.Cond) (volume.Info, error) {
	meta, err := decodeUploadMeta(u.Meta)
	if err != nil {
		return volume.Info{}, awserr.InternalError.Err("").Wrap(err)
	}
	meta.ETag, meta.Parts = f.ETag, len(parts)
	meta.PartSizes = make([]int64, len(parts))
	for i, p := range parts {
		meta.PartSizes[i] = p.Size
	}
	meta.Checksums = storeChecksum(nil, checksum.Algorithm(f.ChecksumAlgorithm), f.Checksum, f.ChecksumType)
	meta.PartChecksums = partChecksums(checksum.Algorithm(f.ChecksumAlgorithm), parts)
	if err := fitMeta(&meta); err != nil { // an upload created before CreateMultipartUpload checked
		return volume.Info{}, err
	}
	p, err := parseKey(u.Key)
	if err != nil {
		return volume.Info{}, err
	}
	w, err := rq.fs().Create(rq.ctx(), p)
	if err != nil {
		return volume.Info{}, volumeErr(err, u.Key, writing)
	}
	from := rq.adopt(u, parts, w)
	if err := appendParts(w, parts[from:], files[from:]); err != nil {
		w.Abort()
		return volume.Info{}, volumeErr(err, u.Key, writing)
	}
	info, err := w.Commit(meta, cond)
	return info, volumeErr(err, u.Key, writing)
}

// adopt makes the upload's slot file w's file when it already holds the
// object, all but maybe a last part not in its slot (multipart.AdoptSlots),
// and returns how many parts w now holds.
func (rq *request) adopt(u multipart.Upload, parts []multipart.Part, w *volume.Writer) int {
	f := rq.ap.Uploads.AdoptSlots(u.ID, parts)
	if f == nil {
		return 0
	}
	if err := w.Adopt(f); err != nil {
		f.Close()
		rq.h.cfg.Logger.Info("s3: slot file not adopted, copying", "upload", u.ID, "err", err)
		return 0
	}
	if !parts[len(parts)-1].InSlot {
		return len(parts) - 1
	}
	return len(parts)
}

// appendParts copies the parts into w, in the kernel.
func appendParts(w *volume.Writer, parts []multipart.Part, files []*os.File) error {
	for i, part := range parts {
		if err := w.Append(files[i], part.Offset, part.Size); err != nil {
			return err
		}
	}
	return nil
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

// maxPartChecksumBytes bounds the part checksums an object's Meta keeps:
// Meta lives in an xattr, and ext4 gives all of a file's xattrs one 4 KiB
// block. 1 KiB holds 256 CRC32 or 32 SHA256 sums; objects with more parts
// report no part checksums (docs/decisions.md, "Part checksums").
const maxPartChecksumBytes = 1 << 10

// partChecksums are the parts' raw sums in alg, for GetObjectAttributes
// and partNumber reads, or nil when there are none or too many.
func partChecksums(alg checksum.Algorithm, parts []multipart.Part) [][]byte {
	if alg == "" || len(parts)*alg.Size() > maxPartChecksumBytes {
		return nil
	}
	sums := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := base64.StdEncoding.DecodeString(p.Checksums[string(alg)])
		if err != nil || len(b) != alg.Size() {
			return nil
		}
		sums[i] = b
	}
	return sums
}
