package s3api

import (
	"encoding/json"
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/multipart"
	"github.com/fsxd/fsxd/volume"
)

// Multipart uploads are staged by package multipart beside the volume;
// parts never appear in the tree. Completion commits the upload's slot
// file as the object when the parts were written in place (complete.go,
// adopt), else assembles them into a new file with volume's in-kernel
// Append, and commits it like a PUT.

// uploadOwner names an upload's access point in the store. The alias, not
// the name: a recreated access point gets a new alias and must not see
// the uploads of the one it replaced.
func (ap *AccessPoint) uploadOwner() string { return ap.Alias }

func (rq *request) createUpload() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	if p.IsDir() {
		return awserr.InvalidRequestS3.Err("A key ending in '/' names a directory, which holds no data.")
	}
	if err := rq.ap.checkWriteHeaders(rq.r.Header); err != nil {
		return err
	}
	meta, err := metaFromHeaders(rq.r.Header)
	if err != nil {
		return err
	}
	if err := fitMeta(meta); err != nil { // before the client sends any part
		return err
	}
	if len(meta.Tags) > 0 {
		if err := rq.authorize("s3:PutObjectTagging", rq.key, nil); err != nil {
			return err
		}
	}
	alg, typ, err := uploadChecksum(rq.r.Header)
	if err != nil {
		return err
	}
	// Refuse now what the identity could never complete.
	if err := rq.fs().CheckAccess(rq.ctx(), p, true); err != nil && !errors.Is(err, volume.ErrNotExist) {
		return volumeErr(err, rq.key, writing)
	}
	raw, err := encodeUploadMeta(meta)
	if err != nil {
		return err
	}
	u, err := rq.ap.Uploads.Create(multipart.Upload{AccessPoint: rq.ap.uploadOwner(), Key: rq.key,
		Initiated: rq.h.cfg.Now(), Meta: raw, ChecksumAlgorithm: string(alg), ChecksumType: typ,
		Owner: rq.principal.ARN})
	if err != nil {
		return errnoErr(err)
	}
	h := rq.w.Header()
	if alg != "" {
		h.Set("x-amz-checksum-algorithm", string(alg))
		h.Set("x-amz-checksum-type", typ)
	}
	h.Set("x-amz-server-side-encryption", sseFSx)
	return writeXML(rq.w, &initiateResult{NS: s3NS, Bucket: rq.bucketName(), Key: rq.key, UploadID: u.ID})
}

// uploadMeta is the final object's Meta as upload.json keeps it. JSON
// strings must be UTF-8 (encoding/json turns other bytes into U+FFFD), but
// a header value is bytes: user metadata values that are not UTF-8 go to
// UserBytes (base64) instead, so they come back exactly as sent.
type uploadMeta struct {
	volume.Meta
	UserBytes map[string][]byte `json:",omitempty"`
}

func encodeUploadMeta(m *volume.Meta) ([]byte, error) {
	um := uploadMeta{Meta: *m}
	for k, v := range m.User {
		if !utf8.ValidString(v) {
			if um.UserBytes == nil {
				um.UserBytes = map[string][]byte{}
			}
			um.UserBytes[k] = []byte(v)
		}
	}
	return json.Marshal(um)
}

// decodeUploadMeta reads what encodeUploadMeta wrote (or, from before
// UserBytes, a bare volume.Meta).
func decodeUploadMeta(raw []byte) (volume.Meta, error) {
	var um uploadMeta
	if len(raw) == 0 {
		return um.Meta, nil
	}
	if err := json.Unmarshal(raw, &um); err != nil {
		return volume.Meta{}, err
	}
	for k, v := range um.UserBytes {
		if um.User == nil {
			um.User = map[string]string{}
		}
		um.User[k] = string(v)
	}
	return um.Meta, nil
}

// uploadChecksum reads x-amz-checksum-algorithm and x-amz-checksum-type
// with S3's rules: SHA checksums cannot be combined into FULL_OBJECT, and
// CRC64NVME is only FULL_OBJECT.
func uploadChecksum(h http.Header) (checksum.Algorithm, string, error) {
	v, typ := h.Get("x-amz-checksum-algorithm"), h.Get("x-amz-checksum-type")
	if v == "" {
		if typ != "" {
			return "", "", awserr.InvalidRequestS3.Err("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		return "", "", nil
	}
	alg, err := checksum.ParseAlgorithm(v)
	if err != nil {
		return "", "", invalidArgument("x-amz-checksum-algorithm", v, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
	}
	switch typ {
	case "":
		typ = multipart.DefaultChecksumType(alg)
	case composite, fullObject:
	default:
		return "", "", invalidArgument("x-amz-checksum-type", typ, "Value for x-amz-checksum-type header is invalid.")
	}
	if typ == fullObject && !alg.IsCRC() || typ == composite && alg == checksum.CRC64NVME {
		return "", "", awserr.InvalidRequestS3.Err("The %s checksum type cannot be used with the %s checksum algorithm.", typ, alg)
	}
	return alg, typ, nil
}

// upload finds the upload the request names, on this access point and key.
func (rq *request) upload() (multipart.Upload, error) {
	id := rq.q.Get("uploadId")
	u, err := rq.ap.Uploads.Get(id)
	if err == nil && (u.AccessPoint != rq.ap.uploadOwner() || u.Key != rq.key) {
		err = multipart.ErrNoSuchUpload
	}
	return u, rq.uploadErr(err)
}

// uploadErr maps the multipart store's errors. NoSuchUpload names the
// upload id the request sent, as S3 does.
func (rq *request) uploadErr(err error) error {
	var pe *multipart.PartError
	var ae *awserr.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae):
		return err
	case errors.Is(err, multipart.ErrNoSuchUpload):
		return awserr.NoSuchUpload.Err("").With("UploadId", rq.q.Get("uploadId")).Wrap(err)
	case errors.As(err, &pe):
		return awserr.InvalidPart.Err("").With("PartNumber", itoa(pe.Number)).Wrap(err)
	case errors.Is(err, multipart.ErrPartNumber):
		return invalidArgument("partNumber", "", "Part number must be an integer between 1 and 10000, inclusive")
	}
	return errnoErr(err)
}

// endLock holds the upload's end (multipart.EndLock) until unlock is
// called; it fails only when the client has gone while it waited.
func (rq *request) endLock() (unlock func(), err error) {
	unlock, err = rq.ap.Uploads.EndLock(rq.ctx(), rq.q.Get("uploadId"))
	if err != nil {
		return nil, volumeErr(err, "", writing)
	}
	return unlock, nil
}

func (rq *request) abortUpload() error {
	unlock, err := rq.endLock() // not in a Complete's middle, on any node
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := rq.upload(); err != nil {
		return err
	}
	id := rq.q.Get("uploadId")
	if err := rq.ap.Uploads.Remove(id); err != nil {
		return rq.uploadErr(err)
	}
	rq.ap.Root.ReleaseParts(id) // its parts no longer count against the quota
	rq.w.WriteHeader(http.StatusNoContent)
	return nil
}
