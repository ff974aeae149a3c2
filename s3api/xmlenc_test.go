package s3api

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// TestEscapeXMLMatchesEncodingXML holds the hand-written encoder to
// encoding/xml's escaping, which the golden files were written with.
func TestEscapeXMLMatchesEncodingXML(t *testing.T) {
	for _, s := range escapeSeeds {
		checkEscape(t, s)
	}
}

func FuzzEscapeXML(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(checkEscape)
}

var escapeSeeds = []string{
	"", "plain/key.txt", `a"b'c&d<e>f`, "tab\there", "cr\rlf\n", "ctl\x01\x1f\x7f",
	"ünïcødé/日本", "bad\xffutf8\xc3", "\uFFFD literal", "\U0001F600", "\xef\xbf\xbe", "\xed\xa0\x80",
}

func checkEscape(t *testing.T, s string) {
	var want bytes.Buffer
	if err := xml.EscapeText(&want, []byte(s)); err != nil {
		t.Fatal(err)
	}
	if got := appendEscapedXML([]byte("pre"), s); string(got) != "pre"+want.String() {
		t.Errorf("escape %q = %q, want %q", s, got[3:], want.String())
	}
}
