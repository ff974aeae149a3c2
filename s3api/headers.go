package s3api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

const (
	// userMetaPrefix heads x-amz-meta-* headers; names are stored lower case.
	userMetaPrefix = "x-amz-meta-"
	// maxUserMeta is S3's limit on user metadata: 2 KB of names and values.
	maxUserMeta = 2 << 10
	// defaultContentType is what S3 reports for objects stored without one,
	// and here also for files written beside S3.
	defaultContentType = "binary/octet-stream"
	// emptyETag is the MD5 of no bytes: a directory object's ETag.
	emptyETag = "d41d8cd98f00b204e9800998ecf8427e"
	// sseFSx is the only server-side encryption of FSx-backed access points;
	// AWS's S3 model documents it as the ServerSideEncryption value
	// "aws:fsx" and reports it on every object.
	sseFSx = "aws:fsx"
	// sseAES256 and classStandard are accepted as no-ops: common tools send
	// them unasked (docs/decisions.md "Storage class and encryption headers").
	sseAES256     = "AES256"
	classStandard = "STANDARD"
)

// storageClass is what objects of an access point report.
func (ap *AccessPoint) storageClass() string { return "FSX_" + ap.Type }

// metaFromHeaders collects what a PUT, CreateMultipartUpload or a
// REPLACE copy stores about the object: content headers, user metadata and
// tags. Checksums and the ETag are added once the bytes are in.
func metaFromHeaders(h http.Header) (*volume.Meta, error) {
	m := &volume.Meta{
		ContentType:        h.Get("Content-Type"),
		ContentEncoding:    stripAWSChunked(h.Get("Content-Encoding")),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentLanguage:    h.Get("Content-Language"),
		CacheControl:       h.Get("Cache-Control"),
		Expires:            h.Get("Expires"),
	}
	user, err := userMeta(h)
	if err != nil {
		return nil, err
	}
	m.User = user
	if t := h.Get("X-Amz-Tagging"); t != "" {
		if m.Tags, err = parseTaggingHeader(t); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// fitMeta refuses, before any data is sent, metadata that could not be
// stored: it must fit volume.MaxMetaSize once the writer has added the
// ETag and checksum (docs/decisions.md, "Object metadata size"). It may
// drop m's part checksums and sizes to make room (volume.FitMeta).
func fitMeta(m *volume.Meta) error {
	if err := volume.FitMeta(m); err != nil {
		return awserr.MetadataTooLarge.Err("Your metadata, tags and content headers together exceed what an FSx volume stores with an object.").
			With("Size", strconv.Itoa(volume.MetaSize(m))).With("MaxSizeAllowed", strconv.Itoa(volume.MaxMetaSize)).Wrap(err)
	}
	return nil
}

// stripAWSChunked drops the aws-chunked coding SigV4 streaming uploads
// add: it describes the request, not the object, and S3 does not store it.
func stripAWSChunked(v string) string {
	if !strings.Contains(v, "aws-chunked") {
		return v
	}
	var keep []string
	for c := range strings.SplitSeq(v, ",") {
		if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "aws-chunked") {
			keep = append(keep, c)
		}
	}
	return strings.Join(keep, ",")
}

func userMeta(h http.Header) (map[string]string, error) {
	var m map[string]string
	size := 0
	for name, vs := range h {
		if !hasPrefixFold(name, userMetaPrefix) {
			continue
		}
		k := strings.ToLower(name[len(userMetaPrefix):])
		if m == nil {
			m = map[string]string{}
		}
		v := strings.Join(vs, ",")
		m[k] = v
		size += len(k) + len(v)
	}
	if size > maxUserMeta {
		return nil, awserr.MetadataTooLarge.Err("").With("Size", strconv.Itoa(size)).With("MaxSizeAllowed", strconv.Itoa(maxUserMeta))
	}
	return m, nil
}

// checkWriteHeaders refuses request headers naming features FSx access
// points do not have: another encryption, another storage class, ACL
// grants, object lock, website redirects.
func (ap *AccessPoint) checkWriteHeaders(h http.Header) error {
	if err := checkSSE(h); err != nil {
		return err
	}
	if sc := h.Get("X-Amz-Storage-Class"); sc != "" && sc != ap.storageClass() && sc != classStandard {
		return awserr.InvalidStorageClass.Err("").With("StorageClassRequested", sc)
	}
	if acl := h.Get("X-Amz-Acl"); acl != "" && acl != "private" && acl != "bucket-owner-full-control" {
		return awserr.NotImplemented.Err("")
	}
	for name := range h {
		if hasPrefixFold(name, "x-amz-grant-") || hasPrefixFold(name, "x-amz-object-lock-") ||
			strings.EqualFold(name, "x-amz-website-redirect-location") {
			return awserr.NotImplemented.Err("")
		}
	}
	return nil
}

// checkSSE accepts SSE-FSX, AES256 (a no-op: the volume's own file system
// decides what is encrypted at rest, and s3fs and `aws s3 cp --sse AES256`
// send it; see docs/decisions.md "Storage class and encryption headers")
// or nothing, and refuses KMS and customer keys.
func checkSSE(h http.Header) error {
	if v := h.Get("X-Amz-Server-Side-Encryption"); v != "" && v != sseFSx && v != sseAES256 {
		return invalidArgument("x-amz-server-side-encryption", v, "The encryption method specified is not supported")
	}
	for name := range h {
		if hasPrefixFold(name, "x-amz-server-side-encryption-") ||
			hasPrefixFold(name, "x-amz-copy-source-server-side-encryption-") {
			return invalidArgument(strings.ToLower(name), "", "Server Side Encryption with a customer or KMS key is not supported: FSx volumes are encrypted with SSE-FSX.")
		}
	}
	return nil
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case, without the
// allocation of lower-casing every header name of every request.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// etagOf is the object's ETag, unquoted. Without valid Meta (the file was
// written or changed beside S3), volume's synthetic ETag still changes
// whenever the file does; a directory has no bytes, so the empty MD5.
func etagOf(info volume.Info) string {
	switch {
	case info.Meta != nil && info.Meta.ETag != "":
		return info.Meta.ETag
	case info.IsDir:
		return emptyETag
	}
	return volume.SyntheticETag(info)
}

func quote(etag string) string { return `"` + etag + `"` }

// Header values every object response carries. They are shared and
// never modified: Header.Set replaces a slice, Add appends to a full one,
// and net/http copies them when the header is written.
var (
	hvBytes          = []string{"bytes"}
	hvSSE            = []string{sseFSx}
	hvSandbox        = []string{"sandbox"}
	hvDefaultType    = []string{defaultContentType}
	hvStorageOpenZFS = []string{"FSX_OPENZFS"}
	hvStorageONTAP   = []string{"FSX_ONTAP"}
)

func (ap *AccessPoint) storageClassValue() []string {
	switch ap.Type {
	case "OPENZFS":
		return hvStorageOpenZFS
	case "ONTAP":
		return hvStorageONTAP
	}
	return []string{ap.storageClass()}
}

// setObjectHeaders writes what GET and HEAD report about an object. Keys
// are assigned in canonical form, which Set would only recompute.
func (ap *AccessPoint) setObjectHeaders(h http.Header, info volume.Info) {
	m := info.Meta
	if m == nil {
		m = &volume.Meta{}
	}
	h["Last-Modified"] = []string{info.ModTime.UTC().Format(http.TimeFormat)}
	h["Etag"] = []string{quote(etagOf(info))}
	h["Accept-Ranges"] = hvBytes
	if m.ContentType == "" {
		h["Content-Type"] = hvDefaultType
	} else {
		h["Content-Type"] = []string{m.ContentType}
	}
	setIf(h, "Content-Encoding", m.ContentEncoding)
	setIf(h, "Content-Disposition", m.ContentDisposition)
	setIf(h, "Content-Language", m.ContentLanguage)
	setIf(h, "Cache-Control", m.CacheControl)
	setIf(h, "Expires", m.Expires)
	for k, v := range m.User {
		h[userMetaPrefix+k] = []string{v}
	}
	if len(m.Tags) > 0 {
		h["X-Amz-Tagging-Count"] = []string{strconv.Itoa(len(m.Tags))}
	}
	h["X-Amz-Storage-Class"] = ap.storageClassValue()
	h["X-Amz-Server-Side-Encryption"] = hvSSE
	// The console shares this origin: an object opened in a browser must
	// not run script there with a signed-in user's session, whatever its
	// Content-Type (docs/decisions.md, "Objects served sandboxed").
	h["Content-Security-Policy"] = hvSandbox
}

func setIf(h http.Header, k, v string) {
	if v != "" {
		h.Set(k, v)
	}
}

// responseOverrides applies GetObject's response-* query parameters.
func responseOverrides(h http.Header, q map[string][]string) {
	if len(q) == 0 {
		return
	}
	for _, o := range [...]struct{ param, header string }{
		{"response-content-type", "Content-Type"},
		{"response-content-language", "Content-Language"},
		{"response-expires", "Expires"},
		{"response-cache-control", "Cache-Control"},
		{"response-content-disposition", "Content-Disposition"},
		{"response-content-encoding", "Content-Encoding"},
	} {
		if v, ok := q[o.param]; ok && len(v) > 0 {
			h.Set(o.header, v[0])
		}
	}
}
