package server

import (
	"net/http"
	"strings"
)

// continueEmpty answers "Expect: 100-continue" on a request without a
// body with an interim 100 Continue, as it answers one with a body (there
// net/http sends it on the handler's first Read). net/http sends none
// when Content-Length is 0, which the HTTP RFC allows, but botocore (the
// AWS CLI, boto3) sends every file, empty ones too, with the expectation,
// and after a final response that came without a 100 Continue it parses
// the next response on that connection with the old status line in place
// of the new one: it then misses the headers, reads the body until the
// connection closes, and stalls until its read timeout. S3 sends the 100
// Continue, so botocore never takes that path there.
func continueEmpty(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 || r.ProtoMajor != 1 || r.ProtoMinor < 1 {
		return
	}
	if v := r.Header["Expect"]; len(v) == 1 && strings.EqualFold(v[0], "100-continue") {
		w.WriteHeader(http.StatusContinue)
	}
}
