package s3api

import (
	"io"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/volume"
)

// parseKey turns the request's key into a volume path, with S3's errors.
func parseKey(key string) (volume.Path, error) {
	if len(key) > maxKeyLen {
		return volume.Path{}, awserr.KeyTooLongError.Err("").
			With("Size", strconv.Itoa(len(key))).With("MaxSizeAllowed", strconv.Itoa(maxKeyLen))
	}
	p, err := volume.ParseKey(key)
	if err != nil {
		return volume.Path{}, volumeErr(err, key, reading)
	}
	return p, nil
}

func (rq *request) getObject() error  { return rq.readObject(false) }
func (rq *request) headObject() error { return rq.readObject(true) }

// readObject serves GET and HEAD: conditions, then a range or a part or
// the whole file, streamed from the open file. The file stays open from
// the stat to the last byte, so a rename beside S3 mid-transfer does not
// tear the object.
func (rq *request) readObject(head bool) error {
	p, err := parseKey(rq.key)
	if err != nil {
		return err
	}
	if err := rq.checkReadParams(); err != nil {
		return err
	}
	if p.IsDir() {
		return rq.readDirObject(p, head)
	}
	f, err := rq.fs().Open(rq.ctx(), p)
	if err != nil {
		if aerr := rq.authorizeObject("s3:GetObject", rq.key, nil, nil); aerr != nil {
			return aerr
		}
		return volumeErr(err, rq.key, reading)
	}
	defer f.Close()
	info := f.Info
	if err := rq.authorizeObject("s3:GetObject", rq.key, &info, nil); err != nil {
		return err
	}
	if err := rq.preconditions(info); err != nil {
		return err
	}
	rg, status, err := rq.selectBytes(info)
	if err != nil {
		return err
	}
	return rq.sendObject(f, rg, status, head)
}

// sendObject writes the headers and the selected bytes of f.
func (rq *request) sendObject(f *volume.File, rg byteRange, status int, head bool) error {
	info, h := f.Info, rq.w.Header()
	rq.ap.setObjectHeaders(h, info)
	responseOverrides(h, rq.q)
	if rq.r.Header.Get("X-Amz-Checksum-Mode") == "ENABLED" && info.Meta != nil {
		rq.setObjectChecksum(h, info.Meta, status)
	}
	h.Set("Content-Length", strconv.FormatInt(rg.length(), 10))
	if status == http.StatusPartialContent {
		h.Set("Content-Range", rg.contentRange(info.Size))
	}
	rq.w.WriteHeader(status)
	if head || rg.length() == 0 {
		return nil
	}
	if rg.length() >= sequentialBody {
		f.Sequential(rg.start, rg.length())
	}
	switch sendPath(rg.length(), rq.r.RemoteAddr) {
	case copyPieces:
		buf := getBuf()
		defer putBuf(buf)
		return sendRange(rq.w, f.File, rg, *buf)
	case copyWhole:
		if buf := takeWholeBuf(); buf != nil {
			defer putWholeBuf(buf)
			return sendRange(rq.w, f.File, rg, *buf)
		}
	}
	return sendFile(rq.w, f, rg)
}

// bodyPath is how a body goes out: copied through the 256 KiB buffer,
// copied in one piece through a wholeMax buffer (sendfile'd when none is
// free), or sendfile'd.
type bodyPath int

const (
	copyPieces bodyPath = iota
	copyWhole
	viaSendfile
)

// sendPath chooses how n bytes go to the client at remoteAddr.
func sendPath(n int64, remoteAddr string) bodyPath {
	switch {
	case n <= smallBody:
		return copyPieces
	case !localPeer(remoteAddr):
		return viaSendfile
	case n <= wholeMax:
		return copyWhole
	case n >= localCopy:
		return copyPieces
	}
	return viaSendfile
}

// smallBody is the size up to which a GET always reads the bytes itself:
// net/http's sendfile path first reads 512 bytes to sniff, then writes
// the headers with them, then sendfiles the rest, which costs more
// syscalls than a small copy saves.
const smallBody = 64 << 10

// localCopy is the size from which a body for a client on this machine
// is copied rather than sendfile'd: the receiving side of a sendfile'd
// body then costs this machine more than the copy saves (measured at
// 64 MiB). Up to wholeMax the copy is one write; between the two the
// copy, in 256 KiB or 1 MiB pieces, measured no better (docs/decisions.md,
// "GET bodies to a local client are copied").
const localCopy = 8 << 20

// wholeMax is the largest body a client on this machine gets in one
// write from a buffer rather than sendfile'd: four writes of the 256 KiB
// buffer, or sendfile's page fragments, cost it more (docs/decisions.md,
// "GET bodies to a local client are copied").
const wholeMax = 1 << 20

// maxWholeBufs bounds the wholeMax buffers held at once: a slow reader
// keeps one until its socket has taken the whole body, so past this many
// (64 MiB) a body is sendfile'd as for any other client.
const maxWholeBufs = 64

var (
	wholeBufs atomic.Int32
	wholePool = sync.Pool{New: func() any { b := make([]byte, wholeMax); return &b }}
)

// takeWholeBuf returns a wholeMax buffer, or nil when maxWholeBufs are out.
func takeWholeBuf() *[]byte {
	if wholeBufs.Add(1) > maxWholeBufs {
		wholeBufs.Add(-1)
		return nil
	}
	return wholePool.Get().(*[]byte)
}

func putWholeBuf(b *[]byte) {
	wholePool.Put(b)
	wholeBufs.Add(-1)
}

// localPeer reports a client on this machine (a loopback address).
func localPeer(remoteAddr string) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// sendFile lets net/http sendfile the bytes of rg: zero-copy for a client
// across the network. The limit also keeps a file that grows beside S3
// from sending more than Content-Length; one that shrinks ends the body
// early, and net/http then closes the connection.
func sendFile(w io.Writer, f *volume.File, rg byteRange) error {
	if rg.start != 0 { // a file just opened is at 0
		if _, err := f.Seek(rg.start, io.SeekStart); err != nil {
			return err
		}
	}
	_, err := io.Copy(w, &io.LimitedReader{R: f.File, N: rg.length()})
	return err
}

// sequentialBody is the size from which a GET asks the kernel for a
// larger readahead: a cold multi-MiB read then waits on the disk less
// often, for one syscall per request.
const sequentialBody = 8 << 20

// sendRange writes the bytes of rg, read with pread into buf, one piece
// of len(buf) at a time. A body that fits is one pread and one write. A
// file that shrinks beside S3 ends the body early with an error, and
// net/http closes the connection.
func sendRange(w io.Writer, f *os.File, rg byteRange, buf []byte) error {
	for off, end := rg.start, rg.end+1; off < end; {
		b := buf[:min(int64(len(buf)), end-off)]
		n, err := f.ReadAt(b, off)
		if n > 0 {
			if _, werr := w.Write(b[:n]); werr != nil {
				return werr
			}
			off += int64(n)
		}
		if n < len(b) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// checkReadParams refuses what GET and HEAD cannot honour here.
func (rq *request) checkReadParams() error {
	if err := checkSSE(rq.r.Header); err != nil {
		return err
	}
	if v, ok := rq.q["versionId"]; ok && (len(v) != 1 || v[0] != "null") {
		return invalidArgument("versionId", rq.q.Get("versionId"), "Invalid version id specified")
	}
	if rq.q.Has("partNumber") && rq.r.Header.Get("Range") != "" {
		return awserr.InvalidRequestS3.Err("Cannot specify both Range header and partNumber query parameter")
	}
	return nil
}

// preconditions applies If-* headers; a 304 carries the validators.
func (rq *request) preconditions(info volume.Info) error {
	etag := etagOf(info)
	err := checkConditions(rq.r.Header, etag, info.ModTime, rq.h.cfg.Now)
	if awserr.Is(err, awserr.NotModified) {
		h := rq.w.Header()
		h.Set("ETag", quote(etag))
		h.Set("Last-Modified", info.ModTime.UTC().Format(http.TimeFormat))
	}
	return err
}

// selectBytes picks the bytes to send: a part (?partNumber), a Range, or
// everything.
func (rq *request) selectBytes(info volume.Info) (byteRange, int, error) {
	whole := byteRange{start: 0, end: info.Size - 1}
	if rq.q.Has("partNumber") {
		return rq.partRange(info)
	}
	if v := rq.r.Header.Get("Range"); v != "" {
		rg, ok, err := parseRange(v, info.Size)
		if err != nil {
			rq.w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(info.Size, 10))
			return whole, 0, err
		}
		if ok {
			return rg, http.StatusPartialContent, nil
		}
	}
	return whole, http.StatusOK, nil
}

// partRange serves ?partNumber=N from the part sizes recorded at
// CompleteMultipartUpload. An object written in one piece has one part.
func (rq *request) partRange(info volume.Info) (byteRange, int, error) {
	n, err := parsePartNumber(rq.q.Get("partNumber"))
	if err != nil {
		return byteRange{}, 0, err
	}
	sizes := []int64{info.Size}
	if info.Meta != nil && len(info.Meta.PartSizes) > 0 {
		sizes = info.Meta.PartSizes
		rq.w.Header().Set("X-Amz-Mp-Parts-Count", strconv.Itoa(len(sizes)))
	}
	if n > len(sizes) {
		return byteRange{}, 0, awserr.InvalidPartNumber.Err("")
	}
	var start int64
	for _, s := range sizes[:n-1] {
		start += s
	}
	rg := byteRange{start: start, end: start + sizes[n-1] - 1}
	if rg.end >= info.Size { // the file changed beside S3 after the upload
		return byteRange{}, 0, awserr.InvalidPartNumber.Err("")
	}
	// A part is a range even when it is the whole object, as on S3
	// (206 with Content-Range for partNumber=1 of a single-part object);
	// an empty object has no byte to name.
	if info.Size == 0 {
		return rg, http.StatusOK, nil
	}
	rq.w.Header().Set("Content-Range", rg.contentRange(info.Size))
	return rg, http.StatusPartialContent, nil
}

// parsePartNumber accepts 1..10000, S3's part numbers.
func parsePartNumber(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxParts {
		return 0, invalidArgument("partNumber", v, "Part number must be an integer between 1 and 10000, inclusive")
	}
	return n, nil
}

const maxParts = 10000

// readDirObject serves a directory object ("dir/" that was PUT): an
// empty object. Other directories are not objects, as in listings.
func (rq *request) readDirObject(p volume.Path, head bool) error {
	info, err := rq.statAuthorized("s3:GetObject", p, nil)
	if err != nil {
		return err
	}
	if info.Meta == nil || !info.Meta.DirMarker {
		return noSuchKey(rq.key)
	}
	if err := rq.preconditions(info); err != nil {
		return err
	}
	h := rq.w.Header()
	rq.ap.setObjectHeaders(h, info)
	responseOverrides(h, rq.q)
	h.Set("Content-Length", "0")
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// setObjectChecksum reports the checksum of what is sent: the object's,
// or with ?partNumber of a multipart object that part's own, typed as
// the object is. A Range has none.
func (rq *request) setObjectChecksum(h http.Header, m *volume.Meta, status int) {
	alg, v, typ := storedChecksum(m.Checksums)
	if rq.q.Has("partNumber") && len(m.PartSizes) > 0 {
		n, _ := parsePartNumber(rq.q.Get("partNumber"))
		alg, v = partChecksum(m, n)
	} else if status != http.StatusOK {
		return
	}
	setChecksumHeaders(h, alg, v, typ)
}
