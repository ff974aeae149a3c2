package e2e

// S3 fidelity of headers: every Date form HTTP allows standing in for
// X-Amz-Date, and user metadata bytes kept exactly as sent. Both need raw
// requests: the SDK always sends X-Amz-Date and never a lone 0xE9 byte.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// fidDateSigned signs GET path with SigV4 by hand, dated by the Date
// header (and X-Amz-Date too when amzDate is not ""), as botocore's
// signer does when it sends no X-Amz-Date.
func fidDateSigned(t *testing.T, e *Env, path, date, amzDate string, signTime time.Time) *http.Request {
	t.Helper()
	creds, err := e.Creds().Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("GET", e.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	payload := hex.EncodeToString(empty[:])
	req.Header.Set("Date", date)
	req.Header.Set("X-Amz-Content-Sha256", payload)
	names := "date;host;x-amz-content-sha256"
	// SigV4 trims a header value and folds its runs of spaces.
	canonHeaders := "date:" + strings.Join(strings.Fields(date), " ") + "\nhost:" + req.Host + "\nx-amz-content-sha256:" + payload + "\n"
	if amzDate != "" {
		req.Header.Set("X-Amz-Date", amzDate)
		names += ";x-amz-date"
		canonHeaders += "x-amz-date:" + amzDate + "\n"
	}
	canon := "GET\n" + path + "\n\n" + canonHeaders + "\n" + names + "\n" + payload
	stamp := signTime.UTC().Format("20060102T150405Z")
	scope := stamp[:8] + "/" + Region + "/s3/aws4_request"
	ch := sha256.Sum256([]byte(canon))
	sts := "AWS4-HMAC-SHA256\n" + stamp + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	key := []byte("AWS4" + creds.SecretAccessKey)
	for _, s := range []string{stamp[:8], Region, "s3", "aws4_request", sts} {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(s))
		key = m.Sum(nil)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+creds.AccessKeyID+"/"+scope+
		", SignedHeaders="+names+", Signature="+hex.EncodeToString(key))
	return req
}

func TestS3DateHeaderForms(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "date-ap")
	if _, err := e.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("k"),
		Body: strings.NewReader("dated")}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, date := range []string{
		now.Format(http.TimeFormat),                                // IMF-fixdate, GMT
		now.Format("Mon, 02 Jan 2006 15:04:05 ") + "UTC",           // RFC 1123, UTC
		now.Format("Mon, 02 Jan 2006 15:04:05 ") + "+0000",         // numeric
		now.Format("Mon, 02 Jan 2006 15:04:05 ") + "-0000",         // botocore
		now.Format("Monday, 02-Jan-06 15:04:05 ") + "GMT",          // RFC 850
		now.Format(time.ANSIC),                                     // asctime
		now.In(time.FixedZone("", 3600)).Format(time.RFC1123Z),     // another offset, same instant
		now.Format("Mon, 02 Jan 2006 15:04:05 ") + "GMT" + "\t\t ", // trailing whitespace
	} {
		res, err := (&http.Client{Timeout: hardDeadline}).Do(fidDateSigned(t, e, "/"+alias+"/k", date, "", now))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(b) != "dated" {
			t.Errorf("Date %q: %d %s", date, res.StatusCode, b)
		}
	}
	// A zone name that is not UTC is no HTTP date.
	res := fidDo(t, fidDateSigned(t, e, "/"+alias+"/k", now.Format("Mon, 02 Jan 2006 15:04:05 ")+"EST", "", now))
	if res.status != 400 || xmlCode(res.body) != "AuthorizationHeaderMalformed" {
		t.Errorf("EST: %d %s", res.status, res.body)
	}
	// With both, X-Amz-Date wins: a stale Date does not matter.
	stale := now.Add(-time.Hour).Format(http.TimeFormat)
	res = fidDo(t, fidDateSigned(t, e, "/"+alias+"/k", stale, now.Format("20060102T150405Z"), now))
	if res.status != 200 {
		t.Errorf("X-Amz-Date with a stale Date: %d %s", res.status, res.body)
	}
}

func fidDo(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	res, err := (&http.Client{Timeout: hardDeadline}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return rawResponse{status: res.StatusCode, body: string(b), header: res.Header}
}

func TestS3UserMetadataBytes(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	alias := s3AccessPoint(t, e, "meta-ap")
	c := hardClient(e)
	latin1 := "\xe9" // "é" as boto3 sends it: the str encoded as ISO-8859-1
	word := "=?UTF-8?B?w6k=?="
	h := http.Header{"X-Amz-Meta-Latin1": {latin1}, "X-Amz-Meta-Word": {word}, "X-Amz-Meta-Utf8": {"é"}}
	if r := hardRaw(t, e, "PUT", "/"+alias+"/put", "", h, []byte("x")); r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	r := hardRaw(t, e, "POST", "/"+alias+"/mpu", "uploads", h, nil)
	_, rest, _ := strings.Cut(r.body, "<UploadId>")
	id, _, _ := strings.Cut(rest, "</UploadId>")
	if r.status != 200 || id == "" {
		t.Fatalf("CreateMultipartUpload: %d %s", r.status, r.body)
	}
	_, parts := fidUploadParts(t, c, alias, "mpu", id, 10)
	if _, err := fidComplete(c, alias, "mpu", id, parts); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"put", "mpu"} {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
		if err != nil {
			t.Fatal(err)
		}
		if m := head.Metadata; m["latin1"] != latin1 || m["word"] != word || m["utf8"] != "é" {
			t.Errorf("%s: metadata %q", key, m)
		}
	}
	// What the SDK sends of a non-ASCII value comes back the same way.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("sdk"), Body: bytes.NewReader(nil),
		Metadata: map[string]string{"name": "café"}}); err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String("sdk")})
	if err != nil || head.Metadata["name"] != "café" {
		t.Errorf("SDK metadata: %v %q", err, head.Metadata)
	}
}

// fidUploadParts uploads parts of the given sizes to an existing upload.
func fidUploadParts(t *testing.T, c *s3.Client, alias, key, id string, sizes ...int) (string, []types.CompletedPart) {
	t.Helper()
	var parts []types.CompletedPart
	for i, n := range sizes {
		num := aws.Int32(int32(i + 1))
		up, err := c.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(alias), Key: aws.String(key),
			UploadId: aws.String(id), PartNumber: num, Body: bytes.NewReader(bytes.Repeat([]byte("p"), n))})
		if err != nil {
			t.Fatalf("UploadPart: %v", err)
		}
		parts = append(parts, types.CompletedPart{PartNumber: num, ETag: up.ETag})
	}
	return id, parts
}

// TestS3ErrorHostId: an S3 error body ends <RequestId/><HostId/>, as S3's
// does, HostId holding what the x-amz-id-2 header holds.
func TestS3ErrorHostId(t *testing.T) {
	e := Start(t)
	alias := s3AccessPoint(t, e, "hostid-ap")
	r := hardRaw(t, e, "GET", "/"+alias+"/nokey", "", nil, nil)
	id2 := r.header.Get("x-amz-id-2")
	want := "<RequestId>" + r.header.Get("x-amz-request-id") + "</RequestId><HostId>" + id2 + "</HostId></Error>"
	if r.status != 404 || id2 == "" || !strings.HasSuffix(r.body, want) {
		t.Errorf("GET of a missing key: %d, x-amz-id-2 %q, body %s; want it to end %s", r.status, id2, r.body, want)
	}
}
