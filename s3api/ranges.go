package s3api

import (
	"strconv"
	"strings"

	"github.com/fsxd/fsxd/awserr"
)

// byteRange is an inclusive range of a representation of known size.
type byteRange struct {
	start, end int64
}

func (b byteRange) length() int64 { return b.end - b.start + 1 }

func (b byteRange) contentRange(size int64) string {
	return "bytes " + strconv.FormatInt(b.start, 10) + "-" + strconv.FormatInt(b.end, 10) + "/" + strconv.FormatInt(size, 10)
}

// parseRange reads a GET Range header against an object of size bytes.
// It returns ok=false with no error when the header is to be ignored and
// the whole object sent: S3 serves one range per request and, like RFC
// 9110, ignores headers it cannot parse or that hold several ranges. A
// well-formed range that starts past the end is InvalidRange (416).
func parseRange(h string, size int64) (r byteRange, ok bool, err error) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return byteRange{}, false, nil
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return byteRange{}, false, nil
	}
	if first == "" { // suffix: the last n bytes
		n, perr := parseOffset(last)
		if perr != nil {
			return byteRange{}, false, nil
		}
		if n == 0 || size == 0 {
			return byteRange{}, false, invalidRange(h, size)
		}
		return byteRange{start: max(size-n, 0), end: size - 1}, true, nil
	}
	start, perr := parseOffset(first)
	if perr != nil {
		return byteRange{}, false, nil
	}
	end := size - 1
	if last != "" {
		if end, perr = parseOffset(last); perr != nil || end < start {
			return byteRange{}, false, nil
		}
	}
	if start >= size {
		return byteRange{}, false, invalidRange(h, size)
	}
	return byteRange{start: start, end: min(end, size-1)}, true, nil
}

// parseOffset accepts only digits: strconv would take a sign.
func parseOffset(s string) (int64, error) {
	if s == "" || !allDigits(s) {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(s, 10, 64)
}

// invalidRange is S3's 416, which names the range asked for.
func invalidRange(requested string, size int64) *awserr.Error {
	return awserr.InvalidRange.Err("").With("RangeRequested", requested).With("ActualObjectSize", strconv.FormatInt(size, 10))
}

// parseCopyRange reads x-amz-copy-source-range, which unlike Range must
// be exactly "bytes=first-last" and inside the source.
func parseCopyRange(h string, size int64) (byteRange, error) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	first, last, found := strings.Cut(spec, "-")
	start, err1 := parseOffset(first)
	end, err2 := parseOffset(last)
	if !ok || !found || err1 != nil || err2 != nil || end < start {
		return byteRange{}, invalidArgument("x-amz-copy-source-range", h,
			"The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
	}
	if start >= size {
		// Nothing of the range exists: unsatisfiable, as for GET.
		return byteRange{}, invalidRange(h, size)
	}
	if end >= size {
		// Only the end overshoots: S3 answers InvalidArgument here
		// (docs/decisions.md, "UploadPartCopy ranges").
		return byteRange{}, invalidArgument("x-amz-copy-source-range", h,
			"Range specified is not valid for source object of size: %d", size)
	}
	return byteRange{start: start, end: end}, nil
}
