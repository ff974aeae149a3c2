package s3api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/checksum"
	"github.com/fsxd/fsxd/volume"
)

// getObjectAttributes answers with the attributes x-amz-object-attributes
// names, from one stat and the object's Meta.
func (rq *request) getObjectAttributes() error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	want, err := wantedAttributes(rq.r.Header)
	if err != nil {
		return err
	}
	maxParts, marker, err := rq.partsPaging("x-amz-max-parts", "x-amz-part-number-marker", true)
	if err != nil {
		return err
	}
	// S3 wants s3:GetObject as well as s3:GetObjectAttributes (the route's).
	info, err := rq.readAuthorized(p, "s3:GetObject", "s3:GetObjectAttributes")
	if err != nil {
		return err
	}
	if err := rq.preconditions(info); err != nil {
		return err
	}
	res := rq.attributes(info, want, maxParts, marker)
	rq.w.Header().Set("Last-Modified", info.ModTime.UTC().Format(http.TimeFormat))
	return writeXML(rq.w, res)
}

var objectAttributes = []string{"ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"}

func wantedAttributes(h http.Header) (map[string]bool, error) {
	want := map[string]bool{}
	for _, v := range h.Values("x-amz-object-attributes") {
		for a := range strings.SplitSeq(v, ",") {
			a = strings.TrimSpace(a)
			if !contains(objectAttributes, a) {
				return nil, invalidArgument("x-amz-object-attributes", a, "Invalid attribute name specified.")
			}
			want[a] = true
		}
	}
	if len(want) == 0 {
		return nil, invalidArgument("x-amz-object-attributes", "", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty")
	}
	return want, nil
}

func (rq *request) attributes(info volume.Info, want map[string]bool, maxParts, marker int) *attributesResult {
	res := &attributesResult{NS: s3NS}
	m := info.Meta
	if want["ETag"] {
		res.ETag = etagOf(info)
	}
	if want["Checksum"] && m != nil {
		if alg, v, typ := storedChecksum(m.Checksums); alg != "" {
			res.Checksum = &attrChecksum{checksumSet: xmlChecksums(alg, v), ChecksumType: typ}
		}
	}
	if want["ObjectParts"] && m != nil && len(m.PartSizes) > 0 {
		res.ObjectParts = objectPartsOf(m, maxParts, marker)
	}
	if want["StorageClass"] {
		res.StorageClass = rq.ap.storageClass()
	}
	if want["ObjectSize"] {
		size := info.Size
		res.ObjectSize = &size
	}
	return res
}

// objectPartsOf pages the part sizes and checksums recorded at
// completion. Without an object checksum S3 lists no parts, only their
// count (API_GetObjectAttributesParts: "doesn't return the Part element").
func objectPartsOf(m *volume.Meta, maxParts, marker int) *objectParts {
	sizes := m.PartSizes
	if alg, _, _ := storedChecksum(m.Checksums); alg == "" {
		return &objectParts{TotalPartsCount: len(sizes)}
	}
	op := &partsPage{PartNumberMarker: marker, MaxParts: maxParts}
	for n := marker + 1; n <= len(sizes); n++ {
		if len(op.Parts) == maxParts {
			op.IsTruncated = true
			break
		}
		alg, sum := partChecksum(m, n)
		op.Parts = append(op.Parts, objectPart{PartNumber: n, Size: sizes[n-1], checksumSet: xmlChecksums(alg, sum)})
		op.NextPartNumberMarker = n
	}
	return &objectParts{TotalPartsCount: len(sizes), partsPage: op}
}

// partChecksum is part n's own checksum (base64) and its algorithm, or
// nothing when the object's Meta does not keep it.
func partChecksum(m *volume.Meta, n int) (checksum.Algorithm, string) {
	alg, _, _ := storedChecksum(m.Checksums)
	if alg == "" || n < 1 || n > len(m.PartChecksums) || len(m.PartChecksums) != len(m.PartSizes) {
		return "", ""
	}
	sum := m.PartChecksums[n-1]
	if len(sum) != alg.Size() {
		return "", ""
	}
	return alg, base64.StdEncoding.EncodeToString(sum)
}

// partsPaging reads a max-parts and a part-number-marker, from headers
// (GetObjectAttributes) or the query (ListParts).
func (rq *request) partsPaging(maxName, markerName string, fromHeader bool) (maxParts, marker int, err error) {
	get := rq.q.Get
	if fromHeader {
		get = rq.r.Header.Get
	}
	maxParts = 1000
	if v := get(maxName); v != "" {
		n, err := parseCount(maxName, v)
		if err != nil {
			return 0, 0, err
		}
		maxParts = min(n, 1000)
	}
	if v := get(markerName); v != "" {
		if marker, err = parseCount(markerName, v); err != nil {
			return 0, 0, err
		}
	}
	return maxParts, marker, nil
}

// parseCount reads a paging count (max-keys, max-uploads, max-parts, a
// part-number-marker): S3 takes a non-negative 32-bit integer and refuses
// anything else, a larger number included, before clamping.
func parseCount(name, v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 0 {
		return 0, invalidArgument(name, v, "Provided %s not an integer or within integer range", name)
	}
	return int(n), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
