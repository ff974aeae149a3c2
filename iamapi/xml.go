package iamapi

// Query protocol responses: <OpResponse xmlns=...><OpResult>...</OpResult>
// <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
// </OpResponse>, and errors in the ErrorResponse shape.

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fsxd/fsxd/awserr"
)

// Namespaces of the two services' responses.
const (
	iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// members renders a list the Query way: <Name><member>...</member></Name>,
// and an empty list as an empty element, as IAM does.
type members[T any] struct {
	Member []T `xml:"member"`
}

// isoTime is IAM's timestamp format.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// urlEncode is how IAM returns policy documents: percent-encoded (RFC
// 3986, so a space is %20, not +).
func urlEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// marshalResponse renders a result; nil result means an operation without
// one (DeleteUser): only the metadata.
func marshalResponse(ns, op string, result any, requestID string) []byte {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{
		Name: xml.Name{Local: op + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ns}},
	}
	enc.EncodeToken(start)
	if result != nil {
		// Results are our own structs of strings: encoding can't fail.
		enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: op + "Result"}})
	}
	enc.EncodeElement(responseMetadata{requestID}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	enc.EncodeToken(start.End())
	enc.Flush()
	return buf.Bytes()
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// marshalError renders IAM's and STS's error shape. Type is Sender for
// client errors and Receiver for faults, as the SDKs expect.
func marshalError(ns string, e *awserr.Error, requestID string) []byte {
	var doc errorResponse
	doc.Xmlns = ns
	doc.Error.Type = "Sender"
	if e.Status >= 500 {
		doc.Error.Type = "Receiver"
	}
	doc.Error.Code, doc.Error.Message = e.Code, e.Message
	doc.RequestID = requestID
	b, _ := xml.Marshal(doc)
	return b
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}
