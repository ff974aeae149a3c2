package awserr

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"sort"
	"strconv"
)

// WriteJSON writes e in the AWS JSON 1.1 error shape:
// {"__type": Code, "Message": ..., <Fields>...}.
func WriteJSON(w http.ResponseWriter, e *Error) {
	body := make(map[string]string, len(e.Fields)+2)
	for k, v := range e.Fields {
		body[k] = v
	}
	body["__type"] = e.Code
	body["Message"] = e.Message
	b, _ := json.Marshal(body)
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("x-amzn-ErrorType", e.Code)
	w.WriteHeader(e.Status)
	w.Write(b)
}

// WriteXML writes e in S3's REST-XML error shape. resource is the request
// path; requestID goes both in the body and (by the caller) in the headers.
// HEAD requests and 304s get no body, as on S3.
func WriteXML(w http.ResponseWriter, r *http.Request, e *Error, resource, requestID string) {
	b := MarshalXML(e, resource, requestID)
	h := w.Header()
	if r.Method == http.MethodHead || e.Status == http.StatusNotModified {
		w.WriteHeader(e.Status)
		return
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(e.Status)
	w.Write(b)
}

// MarshalXML renders the S3 error document, <Error><Code/><Message/>
// ...<Resource/><RequestId/><HostId/></Error> as S3 sends it; extra fields
// follow Message in name order so the output is stable (golden files).
func MarshalXML(e *Error, resource, requestID string) []byte {
	type field struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	}
	doc := struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		Extra     []field
		Resource  string `xml:"Resource,omitempty"`
		RequestID string `xml:"RequestId"`
		// HostId is S3's x-amz-id-2, which fsxd sets to the request id
		// (server/route.go); SDKs read it from the body.
		HostID string `xml:"HostId"`
	}{Code: e.Code, Message: e.Message, Resource: resource, RequestID: requestID, HostID: requestID}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		doc.Extra = append(doc.Extra, field{XMLName: xml.Name{Local: k}, Value: e.Fields[k]})
	}
	b, _ := xml.Marshal(doc)
	return append([]byte(xml.Header), b...)
}
