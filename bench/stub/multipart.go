package stub

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Multipart uploads: parts are kept as they arrive and handed over to the
// object on completion without copying their bytes.

type upload struct {
	bucket, key string
	mu          sync.Mutex
	parts       map[int]*body
}

func (s *Server) createUpload(w http.ResponseWriter, bucket, key string) {
	id := fmt.Sprintf("stub-%x", s.seq.Add(1))
	s.uploads.Store(id, &upload{bucket: bucket, key: key, parts: map[int]*body{}})
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId></InitiateMultipartUploadResult>`,
		escape(bucket), escape(key), id)
}

func (s *Server) findUpload(w http.ResponseWriter, id string) *upload {
	v, ok := s.uploads.Load(id)
	if !ok {
		writeError(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist.")
		return nil
	}
	return v.(*upload)
}

func (s *Server) uploadPart(w http.ResponseWriter, r *http.Request, q url.Values) {
	u := s.findUpload(w, q.Get("uploadId"))
	if u == nil {
		return
	}
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
		return
	}
	data, err := readBody(r.Body, r.ContentLength)
	if err != nil {
		writeError(w, http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
		return
	}
	u.mu.Lock()
	old := u.parts[n]
	u.parts[n] = data
	u.mu.Unlock()
	if old != nil {
		old.release()
	}
	w.Header().Set("ETag", `"`+hex.EncodeToString(data.md5[:])+`"`)
	w.WriteHeader(http.StatusOK)
}

type completeRequest struct {
	Parts []struct {
		PartNumber int
		ETag       string
	} `xml:"Part"`
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request, b *bucket, key, id string) {
	u := s.findUpload(w, id)
	if u == nil {
		return
	}
	var req completeRequest
	if err := xml.NewDecoder(io.LimitReader(r.Body, 2<<20)).Decode(&req); err != nil || len(req.Parts) == 0 {
		writeError(w, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	parts := make([]*body, 0, len(req.Parts))
	sums := make([]byte, 0, md5.Size*len(req.Parts))
	for i, p := range req.Parts {
		data := u.parts[p.PartNumber]
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			writeError(w, http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order.")
			return
		}
		if data == nil || strings.Trim(p.ETag, `"`) != hex.EncodeToString(data.md5[:]) {
			writeError(w, http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found.")
			return
		}
		parts = append(parts, data)
		sums = append(sums, data.md5[:]...)
	}
	if _, loaded := s.uploads.LoadAndDelete(id); !loaded {
		writeError(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist.")
		return
	}
	etag := fmt.Sprintf(`"%x-%d"`, md5.Sum(sums), len(parts))
	obj := &object{body: concat(parts, [md5.Size]byte{}), etag: etag, mod: s.now()}
	for n, p := range u.parts {
		if p.segs != nil { // not taken by concat: a part left out of the list
			p.release()
		}
		delete(u.parts, n)
	}
	b.store(key, obj)
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>/%s/%s</Location><Bucket>%s</Bucket><Key>%s</Key><ETag>%s</ETag></CompleteMultipartUploadResult>`,
		escape(b.name), escape(key), escape(b.name), escape(key), escape(etag))
}

func (s *Server) abortUpload(w http.ResponseWriter, id string) {
	v, ok := s.uploads.LoadAndDelete(id)
	if !ok {
		writeError(w, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist.")
		return
	}
	u := v.(*upload)
	u.mu.Lock()
	for _, p := range u.parts {
		p.release()
	}
	u.parts = nil
	u.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
