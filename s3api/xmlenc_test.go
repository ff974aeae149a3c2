package s3api

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"testing"
	"time"
	"unicode/utf8"
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
	"", "plain/key.txt", `a"b'c&d<e>f`, "tab\there", "cr\rlf\n", "ctl\x01\x1f\x7f", "\x0b\x0c\x10", "\uffff", "x\x00y",
	"ünïcødé/日本", "bad\xffutf8\xc3", "\uFFFD literal", "\U0001F600", "\xef\xbf\xbe", "\xed\xa0\x80",
}

// checkEscape holds appendEscapedXML to encoding/xml's EscapeText,
// except that a character XML 1.0 cannot carry is a character reference,
// as S3 writes it, where EscapeText writes U+FFFD.
func checkEscape(t *testing.T, s string) {
	var want bytes.Buffer
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isXMLChar(r) && (r != utf8.RuneError || w != 1) {
			fmt.Fprintf(&want, "&#x%X;", r)
		} else if err := xml.EscapeText(&want, []byte(s[i:i+w])); err != nil {
			t.Fatal(err)
		}
		i += w
	}
	if got := appendEscapedXML([]byte("pre"), s); string(got) != "pre"+want.String() {
		t.Errorf("escape %q = %q, want %q", s, got[3:], want.String())
	}
}

// TestXMLTimeMatchesAppendFormat holds the hand-written time format to
// the layout it replaces, which the golden files were written with.
func TestXMLTimeMatchesAppendFormat(t *testing.T) {
	for _, ns := range timeSeeds {
		checkXMLTime(t, ns)
	}
}

func FuzzXMLTime(f *testing.F) {
	for _, ns := range timeSeeds {
		f.Add(ns)
	}
	f.Fuzz(checkXMLTime)
}

var timeSeeds = []int64{
	0, 1, -1, 999_999, 1_000_000, 1_764_979_200_123_456_789, -62_135_596_800_000_000,
	math.MaxInt64, math.MinInt64, 253_402_300_799_999_999, 253_402_300_800_000_000,
}

func checkXMLTime(t *testing.T, ns int64) {
	for _, tm := range []time.Time{
		time.Unix(0, ns),
		time.Unix(ns/1e9*1e3, ns%1e9).In(time.FixedZone("X", -7*3600)), // years beyond 9999 and before 0
	} {
		want := tm.UTC().AppendFormat([]byte("pre"), xmlTimeLayout)
		if got := appendXMLTime([]byte("pre"), tm); string(got) != string(want) {
			t.Errorf("time %v: %q, want %q", tm, got, want)
		}
	}
}

// BenchmarkEscapeXML escapes a typical key, which needs nothing.
func BenchmarkEscapeXML(b *testing.B) {
	buf := make([]byte, 0, 256)
	for b.Loop() {
		buf = appendEscapedXML(buf[:0], "data/2026/12/05/part-000123-of-001000.parquet")
	}
}
