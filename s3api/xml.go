package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/fsxd/fsxd/awserr"
)

// The XML shapes of S3's REST-XML protocol that this package speaks.
// Element order follows what S3 sends, so golden files read like S3's.

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// maxXMLBody bounds every XML request body: the largest legitimate one, a
// CompleteMultipartUpload of 10,000 parts with SHA-256 checksums, is under
// 1 MiB, and S3 documents a 1,000-key DeleteObjects at about the same.
const maxXMLBody = 2 << 20

// xmlTime is S3's timestamp in XML: UTC, milliseconds, a Z.
type xmlTime time.Time

func (t xmlTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z")), nil
}

// checksumSet are the x-amz-checksum-* values, base64, as XML members.
type checksumSet struct {
	ChecksumCRC32     string `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string `xml:"ChecksumSHA256,omitempty"`
}

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type locationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	NS      string   `xml:"xmlns,attr"`
	Region  string   `xml:",chardata"`
}

type copyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	NS           string   `xml:"xmlns,attr"`
	LastModified xmlTime  `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
	checksumSet
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"CopyPartResult"`
	NS           string   `xml:"xmlns,attr"`
	LastModified xmlTime  `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
	checksumSet
}

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// tagging is both the request of PutObjectTagging and the response of
// GetObjectTagging.
type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	TagSet  struct {
		Tags []tag `xml:"Tag"`
	} `xml:"TagSet"`
}

type deleteRequest struct {
	XMLName xml.Name `xml:"Delete"`
	Quiet   bool     `xml:"Quiet"`
	Objects []struct {
		Key              string `xml:"Key"`
		VersionID        string `xml:"VersionId"`
		ETag             string `xml:"ETag"`
		LastModifiedTime string `xml:"LastModifiedTime"`
		Size             string `xml:"Size"`
	} `xml:"Object"`
}

type deleted struct {
	Key string `xml:"Key"`
}

type deleteError struct {
	Key     string `xml:"Key"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

type deleteResult struct {
	XMLName xml.Name      `xml:"DeleteResult"`
	NS      string        `xml:"xmlns,attr"`
	Deleted []deleted     `xml:"Deleted"`
	Errors  []deleteError `xml:"Error"`
}

// marshalXML renders v as an S3 response document.
func marshalXML(v any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		// Only a programming error (an unsupported type) gets here.
		panic("s3api: marshal " + err.Error())
	}
	return b.Bytes()
}

// writeXML sends v with status 200.
func writeXML(w http.ResponseWriter, v any) error {
	b := marshalXML(v)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

// xmlBody says how a request's integrity headers relate to its XML body.
type xmlBody int

const (
	xmlChecksumOptional xmlBody = iota // x-amz-checksum-*, Content-MD5 checked if sent
	xmlChecksumRequired                // one of them must be sent (DeleteObjects)
	xmlChecksumOfObject                // x-amz-checksum-* names the object (CompleteMultipartUpload)
)

// readVerifiedXML reads a small XML request body through the checks of
// an upload (its length, Content-MD5, x-amz-checksum-*, the SigV4 payload
// hash, all verified at its end), then decodes it into v.
func (rq *request) readVerifiedXML(v any, how xmlBody) error {
	up, err := rq.newUpload(maxXMLBody)
	if err == nil {
		up.xml = true
	}
	if err == nil && how == xmlChecksumOfObject {
		up.want = wantChecksum{}
	}
	if err == nil && how == xmlChecksumRequired && up.md5 == nil && up.want.alg == "" {
		err = awserr.InvalidRequestS3.Err("Missing required header for this request: Content-MD5")
	}
	var b bytes.Buffer
	if err == nil {
		v := up.reader(rq.r.Body)
		err = v.copyTo(&b)
		v.close()
	}
	if awserr.Is(err, awserr.EntityTooLarge) {
		return awserr.MalformedXML.Err("The XML you provided was larger than the maximum %d bytes allowed.", maxXMLBody)
	}
	if err != nil {
		return err
	}
	return decodeXML(b.Bytes(), v)
}

// decodeXML parses an XML request body as S3 does: empty is
// MissingRequestBodyError, anything else that does not parse (or has
// trailing elements) is MalformedXML. It is pure, for fuzzing.
func decodeXML(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return awserr.MissingRequestBodyError.Err("")
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		return awserr.MalformedXML.Err("").Wrap(err)
	}
	// Trailing garbage after the document is malformed too.
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return awserr.MalformedXML.Err("").Wrap(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return awserr.MalformedXML.Err("")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return awserr.MalformedXML.Err("")
		}
	}
}
