package e2e

// Hostile request paths, sent as raw SigV4-signed HTTP so the request line
// is exactly what the test wrote, and Unicode keys through the SDK.
// Traversals in any encoding are 400 InvalidArgument (the key has a ".."
// or "." segment, an empty segment, a leading slash, a NUL, or is not
// UTF-8) or name an ordinary key inside the volume (404 NoSuchKey):
// keys become paths only through volume.ParseKey, after the one
// percent-decoding of the path, and are resolved beneath the volume root
// by the kernel. Keys are never normalised: NFC and NFD spellings of the
// same text are two objects.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const siblingSecret = "SIBLING-SECRET-7781"

func TestHardeningEncodedTraversal(t *testing.T) {
	e := Start(t)
	hv := hardAccessPoint(t, e, "traverse-ap", 0)
	// A file beside the volume, in its parent: where a traversal would land.
	parent := filepath.Dir(hv.dir)
	if err := os.WriteFile(filepath.Join(parent, "sibling.txt"), []byte(siblingSecret), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hv.dir, "real.txt"), []byte("inside"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := "/" + hv.alias
	for _, tc := range []struct {
		path string
		code string // InvalidArgument: refused at parse; NoSuchKey: an ordinary key
	}{
		{a + "/../sibling.txt", "InvalidArgument"},
		{a + "/..%2fsibling.txt", "InvalidArgument"},
		{a + "/..%2Fsibling.txt", "InvalidArgument"},
		{a + "/%2e%2e/sibling.txt", "InvalidArgument"},
		{a + "/%2e%2e%2fsibling.txt", "InvalidArgument"},
		{a + "/%2E%2E%2Fsibling.txt", "InvalidArgument"},
		{a + "/x/../../sibling.txt", "InvalidArgument"},
		{a + "/x/%2e%2e/%2e%2e/sibling.txt", "InvalidArgument"},
		{a + "/./real.txt", "InvalidArgument"},
		{a + "/%2e/real.txt", "InvalidArgument"},
		{a + "//sibling.txt", "InvalidArgument"},
		{a + "/%2fsibling.txt", "InvalidArgument"},
		{a + "/x//real.txt", "InvalidArgument"},
		{a + "/x%2f%2freal.txt", "InvalidArgument"},
		{a + "/..", "InvalidArgument"},
		{a + "/%2e%2e", "InvalidArgument"},
		{a + "/..%00/sibling.txt", "InvalidArgument"},
		{a + "/real.txt%00", "InvalidArgument"},
		// Overlong UTF-8 for "." and "/": not UTF-8, so not a key.
		{a + "/%c0%ae%c0%ae/sibling.txt", "InvalidArgument"},
		{a + "/%c0%ae%c0%ae%c0%afsibling.txt", "InvalidArgument"},
		{a + "/%e0%80%ae%e0%80%ae/sibling.txt", "InvalidArgument"},
		{a + "/%c1%9c..%c1%9csibling.txt", "InvalidArgument"},
		// Backslashes are ordinary bytes of a file name, as on Linux.
		{a + "/..%5csibling.txt", "NoSuchKey"},
		{a + "/..%5c..%5csibling.txt", "NoSuchKey"},
		{a + `/..\sibling.txt`, "NoSuchKey"},
		// Double encoding decodes once: "%2e%2e%2f" is a name.
		{a + "/%252e%252e%252fsibling.txt", "NoSuchKey"},
		{a + "/..%252fsibling.txt", "NoSuchKey"},
		// Unicode look-alikes of "." and "/" are ordinary characters.
		{a + "/%e2%80%a4%e2%80%a4%e2%88%95sibling.txt", "NoSuchKey"},
		{a + "/%ef%bc%8e%ef%bc%8e%ef%bc%8fsibling.txt", "NoSuchKey"},
		// The bucket itself cannot climb.
		{"/%2e%2e/" + hv.alias + "/real.txt", "NoSuchBucket"},
		{"/" + hv.alias + "%2f..%2fsibling.txt", "InvalidArgument"},
	} {
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete} {
			r := hardRaw(t, e, method, tc.path, "", nil, []byte("evil"))
			if strings.Contains(r.body, siblingSecret) {
				t.Errorf("%s %s leaked the sibling", method, tc.path)
			}
			want := tc.code
			if tc.code == "NoSuchKey" && method == http.MethodPut {
				want = "" // an ordinary (strange) name inside the volume
			}
			if tc.code == "NoSuchKey" && method == http.MethodDelete {
				want = "" // deleting what is not there succeeds
			}
			if !rawIs(r, method, want) {
				t.Errorf("%s %s: %d %s, want %q", method, tc.path, r.status, xmlCode(r.body), want)
			}
		}
		// The same paths as a copy source.
		r := hardRaw(t, e, http.MethodPut, a+"/copy-dst", "", http.Header{"X-Amz-Copy-Source": {strings.TrimPrefix(tc.path, "/")}}, nil)
		if strings.Contains(r.body, siblingSecret) || r.status/100 == 2 && tc.code != "NoSuchKey" || r.status >= 500 {
			t.Errorf("COPY from %s: %d %s", tc.path, r.status, xmlCode(r.body))
		}
	}
	// Listing with a climbing prefix lists nothing from outside.
	for _, prefix := range []string{"../", "..%2F", "%2e%2e/", "/"} {
		r := hardRaw(t, e, http.MethodGet, a, "list-type=2&prefix="+prefix, nil, nil)
		if strings.Contains(r.body, "sibling") || r.status >= 500 {
			t.Errorf("LIST prefix %s: %d %s", prefix, r.status, r.body)
		}
	}
	// Nothing landed outside the volume; the sibling is intact.
	if b, err := os.ReadFile(filepath.Join(parent, "sibling.txt")); err != nil || string(b) != siblingSecret {
		t.Errorf("sibling: %q %v", b, err)
	}
	ents, _ := os.ReadDir(parent)
	for _, de := range ents {
		if n := de.Name(); n != "sibling.txt" && n != filepath.Base(hv.dir) {
			t.Errorf("new entry beside the volume: %q", n)
		}
	}
}

// rawIs reports whether r is the answer want ("" = success) for method;
// HEAD answers carry no body, so only the status is compared.
func rawIs(r rawResponse, method, want string) bool {
	status := map[string]int{"": 200, "InvalidArgument": 400, "NoSuchKey": 404, "NoSuchBucket": 404}[want]
	if want == "" && method == http.MethodDelete {
		status = 204
	}
	if want == "NoSuchKey" && method == http.MethodDelete {
		status = 204
	}
	if r.status != status {
		return false
	}
	return method == http.MethodHead || want == "" || xmlCode(r.body) == want
}

func TestHardeningUnicodeKeys(t *testing.T) {
	e := Start(t)
	ctx := context.Background()
	hv := hardAccessPoint(t, e, "unicode-ap", 0)
	c := hardClient(e)
	keys := []string{
		"caf\u00e9",                            // NFC
		"cafe\u0301",                           // NFD of the same text
		"\u212b",                               // ANGSTROM SIGN
		"\u00c5",                               // its NFC form
		"A\u030a",                              // its NFD form
		"\ud55c\uae00",                         // Hangul, precomposed
		"\u1112\u1161\u11ab\u1100\u1173\u11af", // the same, conjoining jamo
		"\ufb01le",                             // "fi" ligature
		"e\u0301\u0301",                        // stacked combining marks
		"\u65e5\u672c\u8a9e/\u30d5\u30a1\u30a4\u30eb.txt",
		"emoji/\U0001F642\u200d\U0001F4BB.bin",
		"rtl/\u05e9\u05dc\u05d5\u05dd\u202e.txt",
		"ws/line\u2028sep and  spaces ",
		"punct/a+b%20c?d#e&f=g;h,i'j\"k<l>m\\n",
		"ctrl/\x01\x1f\x7f",
		"bom/\ufeffx",
		"max/" + strings.Repeat("\u00e9", 127), // a 254-byte segment
	}
	for i, k := range keys {
		body := "object " + k + " #" + string(rune('A'+i))
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(hv.alias), Key: aws.String(k), Body: strings.NewReader(body)}); err != nil {
			t.Fatalf("PUT %q: %v", k, err)
		}
	}
	for i, k := range keys {
		o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(hv.alias), Key: aws.String(k)})
		if err != nil {
			t.Fatalf("GET %q: %v", k, err)
		}
		b, _ := io.ReadAll(o.Body)
		o.Body.Close()
		if want := "object " + k + " #" + string(rune('A'+i)); string(b) != want {
			t.Errorf("GET %q: %q, want %q", k, b, want)
		}
		if _, err := os.Lstat(filepath.Join(hv.dir, k)); err != nil {
			t.Errorf("on disk, %q is not a file name byte for byte: %v", k, err)
		}
	}
	// Listing returns the same bytes, each key once, in byte order. XML
	// 1.0 cannot carry control characters: a plain listing writes them as
	// character references, as S3 does (the SDK's strict parser refuses
	// them, so the keys are read back here by hand); EncodingType=url is
	// exact for every parser.
	want := slices.Clone(keys)
	slices.Sort(want)
	r := hardRaw(t, e, "GET", "/"+hv.alias, "list-type=2", nil, nil)
	if got := xmlKeys(r.body); r.status != 200 || !slices.Equal(got, want) {
		t.Errorf("LIST: %d\n%q\nwant\n%q", r.status, got, want)
	}
	if !strings.Contains(r.body, "<Key>ctrl/&#x1;&#x1F;\x7f</Key>") {
		t.Errorf("LIST does not write the control characters as S3 does:\n%s", r.body)
	}
	if got, _ := hardList(t, c, hv.alias, "bom/", ""); !slices.Equal(got, []string{"bom/\ufeffx"}) {
		t.Errorf("LIST bom/ with the SDK: %q", got)
	}
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(hv.alias), EncodingType: "url"})
	if err != nil {
		t.Fatal(err)
	}
	var dec []string
	for _, o := range out.Contents {
		k, err := url.QueryUnescape(aws.ToString(o.Key))
		if err != nil {
			t.Fatal(err)
		}
		dec = append(dec, k)
	}
	if !slices.Equal(dec, want) {
		t.Errorf("LIST url-encoded:\n%q\nwant\n%q", dec, want)
	}
}

// xmlKeys reads the <Key> elements of a listing leniently: the markup
// escapes and character references, including those XML 1.0 forbids and
// S3 writes for control characters.
func xmlKeys(body string) []string {
	var keys []string
	for _, m := range regexp.MustCompile(`<Key>([^<]*)</Key>`).FindAllStringSubmatch(body, -1) {
		k := regexp.MustCompile(`&#x([0-9A-Fa-f]+);|&#([0-9]+);`).ReplaceAllStringFunc(m[1], func(ref string) string {
			n, err := strconv.ParseInt(strings.TrimPrefix(strings.Trim(ref, "&#;"), "x"), map[bool]int{true: 16, false: 10}[strings.HasPrefix(ref, "&#x")], 32)
			if err != nil {
				return ref
			}
			return string(rune(n))
		})
		keys = append(keys, strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&").Replace(k))
	}
	return keys
}
