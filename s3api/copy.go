package s3api

import (
	"io"
	"net/http"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/volume"
)

// source is the open, checked source of CopyObject or UploadPartCopy.
type source struct {
	key  string
	path volume.Path
	f    *volume.File
	snap bool // in a snapshot (.zfs/snapshot/<name>/): never the destination itself
}

// openSource resolves x-amz-copy-source within this access point, checks
// s3:GetObject on it and the x-amz-copy-source-if-* conditions, and opens
// it. The caller closes src.f.
func (rq *request) openSource() (*source, error) {
	cs, err := parseCopySource(rq.r.Header.Get("x-amz-copy-source"))
	if err != nil {
		return nil, err
	}
	if !cs.sameAccessPoint(rq.ap) {
		return nil, awserr.InvalidRequestS3.Err("The copy source must be in the same access point as the destination: FSx access points copy only within themselves.")
	}
	fs, key := rq.fs(), cs.key
	if underSnapDir(key) { // restoring one file from a snapshot
		sap, inner, _, err := snapshotView(opGetObject, rq.ap, key)
		if err != nil {
			return nil, rq.refusalFirst("s3:GetObject", cs.key, err)
		}
		fs, key = sap.Root.As(sap.Identity), inner
	}
	p, err := parseKey(key)
	if err != nil {
		return nil, err
	}
	if p.IsDir() {
		return nil, awserr.InvalidRequestS3.Err("The copy source is a directory, which holds no data.")
	}
	f, err := fs.Open(rq.ctx(), p)
	var info *volume.Info
	if err == nil {
		info = &f.Info
	}
	if aerr := rq.authorizeObject("s3:GetObject", cs.key, info, nil); aerr != nil {
		if f != nil {
			f.Close()
		}
		return nil, aerr
	}
	if err != nil {
		return nil, volumeErr(err, cs.key, reading)
	}
	if err := checkCopyConditions(rq.r.Header, etagOf(f.Info), f.Info.ModTime); err != nil {
		f.Close()
		return nil, err
	}
	return &source{key: cs.key, path: p, f: f, snap: underSnapDir(cs.key)}, nil
}

// directive reads x-amz-metadata-directive or x-amz-tagging-directive.
func directive(h http.Header, name string) (replace bool, err error) {
	switch v := h.Get(name); v {
	case "", "COPY":
		return false, nil
	case "REPLACE":
		return true, nil
	default:
		return false, invalidArgument(name, v, "Unknown %s.", strings.TrimPrefix(name, "x-amz-"))
	}
}

func (rq *request) copyObject() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	if err := rq.ap.checkWriteHeaders(rq.r.Header); err != nil {
		return err
	}
	metaReplace, err := directive(rq.r.Header, "x-amz-metadata-directive")
	if err != nil {
		return err
	}
	tagReplace, err := directive(rq.r.Header, "x-amz-tagging-directive")
	if err != nil {
		return err
	}
	cond, err := rq.writeCondition() // on the destination, as for PutObject
	if err != nil {
		return err
	}
	src, err := rq.openSource()
	if err != nil {
		return err
	}
	defer src.f.Close()
	meta, err := rq.copyMeta(src.f.Info, metaReplace, tagReplace)
	if err != nil {
		return err
	}
	// A copy onto itself with REPLACE makes a new object, as on S3: new
	// bytes (Last-Modified now, a checksum asked for computed) put in
	// place by Commit, never a Meta rewritten in place beside an mtime
	// change that readers and a crash could see apart (docs/decisions.md,
	// "CopyObject onto itself").
	if src.path == p && !src.snap && !metaReplace {
		return awserr.InvalidRequestS3.Err("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	if src.f.Size > rq.h.cfg.MaxObjectSize {
		return awserr.InvalidRequestS3.Err("The specified copy source is larger than the maximum allowable size for a copy source: %d", rq.h.cfg.MaxObjectSize)
	}
	if err := rq.reserve(src.f.Size); err != nil {
		return err
	}
	info, err := rq.copyData(p, src.f, meta, cond)
	if err != nil {
		return err
	}
	alg, v, typ := storedChecksum(info.Meta.Checksums)
	rq.w.Header().Set("x-amz-server-side-encryption", sseFSx)
	return writeXML(rq.w, &copyObjectResult{NS: s3NS, LastModified: xmlTime(info.ModTime),
		ETag: quote(info.Meta.ETag), checksumSet: xmlChecksums(alg, v), ChecksumType: typ})
}

// copyMeta is the destination's Meta: the source's content headers and
// user metadata unless REPLACE, likewise its tags; never its ETag, parts
// or checksums, which copyData decides.
func (rq *request) copyMeta(src volume.Info, metaReplace, tagReplace bool) (*volume.Meta, error) {
	from := src.Meta
	if from == nil {
		from = &volume.Meta{}
	}
	m := &volume.Meta{ContentType: from.ContentType, ContentEncoding: from.ContentEncoding,
		ContentDisposition: from.ContentDisposition, ContentLanguage: from.ContentLanguage,
		CacheControl: from.CacheControl, Expires: from.Expires, User: from.User, Tags: from.Tags}
	if metaReplace {
		fresh, err := metaFromHeaders(rq.r.Header)
		if err != nil {
			return nil, err
		}
		fresh.Tags = m.Tags
		m = fresh
	}
	if tagReplace {
		m.Tags = nil
		if t := rq.r.Header.Get("x-amz-tagging"); t != "" {
			tags, err := parseTaggingHeader(t)
			if err != nil {
				return nil, err
			}
			m.Tags = tags
		}
		if err := rq.authorize("s3:PutObjectTagging", rq.key, nil); err != nil {
			return nil, err
		}
	}
	return m, fitMeta(m)
}

// copyData writes the source's bytes to p. A source whose ETag is its
// content MD5 (written in one piece through S3, unchanged since) is
// copied in the kernel and keeps its ETag and checksum; any other source
// (a multipart object, a file written beside S3, or a new checksum asked
// for) is read once through the hasher, because a copy is a single-part
// object whose ETag is its MD5.
func (rq *request) copyData(p volume.Path, f *volume.File, meta *volume.Meta, cond *volume.Cond) (volume.Info, error) {
	want, err := copyChecksum(rq.r.Header, f.Info)
	if err != nil {
		return volume.Info{}, err
	}
	w, err := rq.fs().Create(rq.ctx(), p)
	if err != nil {
		return volume.Info{}, volumeErr(err, rq.key, writing)
	}
	m := f.Info.Meta
	kernel := m != nil && isMD5(m.ETag) && (want == "" || m.Checksums[string(want)] != "")
	if kernel {
		meta.ETag = m.ETag
		if want != "" {
			meta.Checksums = storeChecksum(nil, want, m.Checksums[string(want)], fullObject)
		}
		err = w.Append(f.File, 0, f.Size)
		if err == nil && changedBeside(f) {
			// Written beside S3 while it was copied: the bytes copied may
			// not be those its ETag names. Copy them again, hashed.
			w.Abort()
			if w, err = rq.fs().Create(rq.ctx(), p); err != nil {
				return volume.Info{}, volumeErr(err, rq.key, writing)
			}
			kernel = false
		}
	}
	if !kernel {
		var sums checksum.Sums
		sums, err = hashCopy(w, f, want)
		meta.ETag = sums.ETag
		meta.Checksums = storeChecksum(nil, want, sums.Checksums[want], fullObject)
	}
	if err != nil {
		w.Abort()
		return volume.Info{}, volumeErr(err, rq.key, writing)
	}
	info, err := w.Commit(*meta, cond)
	return info, volumeErr(err, rq.key, writing)
}

// changedBeside reports whether f's file changed since it was opened.
func changedBeside(f *volume.File) bool {
	st, err := f.File.Stat()
	return err != nil || st.Size() != f.Size || !st.ModTime().Equal(f.ModTime)
}

// copyChecksum is the checksum the copy carries: x-amz-checksum-algorithm
// if given, else the source's own algorithm.
func copyChecksum(h http.Header, src volume.Info) (checksum.Algorithm, error) {
	if v := h.Get("x-amz-checksum-algorithm"); v != "" {
		a, err := checksum.ParseAlgorithm(v)
		if err != nil {
			return "", invalidArgument("x-amz-checksum-algorithm", v, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
		return a, nil
	}
	if src.Meta != nil {
		alg, _, _ := storedChecksum(src.Meta.Checksums)
		return alg, nil
	}
	return "", nil
}

// hashCopy copies f into w through a Hasher, reading it exactly once.
func hashCopy(w io.Writer, f *volume.File, alg checksum.Algorithm) (checksum.Sums, error) {
	var algs []checksum.Algorithm
	if alg != "" {
		algs = []checksum.Algorithm{alg}
	}
	h := checksum.NewHasher(checksum.Options{Algorithms: algs})
	defer h.Close()
	buf := getBuf()
	defer putBuf(buf)
	_, err := io.CopyBuffer(io.MultiWriter(w, h), io.NewSectionReader(f.File, 0, f.Size), *buf)
	return h.Sum(), err
}

// isMD5 reports whether an ETag is a plain content MD5 (32 hex digits),
// not a multipart "<md5>-N".
func isMD5(etag string) bool {
	if len(etag) != 32 {
		return false
	}
	for i := 0; i < len(etag); i++ {
		c := etag[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
