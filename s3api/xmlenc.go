package s3api

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// A hand-written XML writer for the responses that are large and hot
// (listings): encoding/xml's reflection cost about a quarter of a
// listing's CPU. Its output is byte for byte what encoding/xml writes for
// the same document, escaping included (TestEscapeXMLMatchesEncodingXML
// holds it to that), so golden files do not change.

// xmlBuf is a response being built.
type xmlBuf struct{ b []byte }

// xmlBufs recycles response buffers; a 1,000-key page is a few hundred KB.
var xmlBufs = sync.Pool{New: func() any { return &xmlBuf{b: make([]byte, 0, 64<<10)} }}

// maxPooledXML keeps a rare huge response from pinning its buffer.
const maxPooledXML = 4 << 20

func newXMLBuf() *xmlBuf {
	x := xmlBufs.Get().(*xmlBuf)
	x.b = append(x.b[:0], `<?xml version="1.0" encoding="UTF-8"?>`+"\n"...)
	return x
}

func (x *xmlBuf) free() {
	if cap(x.b) <= maxPooledXML {
		xmlBufs.Put(x)
	}
}

// send writes the document with status 200, then recycles the buffer.
func (x *xmlBuf) send(w http.ResponseWriter) error {
	defer x.free()
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(x.b)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(x.b)
	return err
}

func (x *xmlBuf) raw(s string) { x.b = append(x.b, s...) }

// text appends s as escaped character data.
func (x *xmlBuf) text(s string) { x.b = appendEscapedXML(x.b, s) }

// elem appends <name>s</name>, s escaped.
func (x *xmlBuf) elem(name, s string) {
	x.open(name)
	x.text(s)
	x.close(name)
}

// elemOmit is elem for an ",omitempty" field.
func (x *xmlBuf) elemOmit(name, s string) {
	if s != "" {
		x.elem(name, s)
	}
}

func (x *xmlBuf) elemInt(name string, v int64) {
	x.open(name)
	x.b = strconv.AppendInt(x.b, v, 10)
	x.close(name)
}

func (x *xmlBuf) elemBool(name string, v bool) {
	x.open(name)
	x.b = strconv.AppendBool(x.b, v)
	x.close(name)
}

// elemTime is an xmlTime element.
func (x *xmlBuf) elemTime(name string, t time.Time) {
	x.open(name)
	x.b = appendXMLTime(x.b, t)
	x.close(name)
}

const xmlTimeLayout = "2006-01-02T15:04:05.000Z"

// appendXMLTime is t.UTC().AppendFormat(b, xmlTimeLayout) without the
// layout's parsing, which cost a listing ~5 % of its CPU (one per key).
func appendXMLTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, xmlTimeLayout) // signs and wide years: rare
	}
	hour, minute, sec := t.Clock()
	b = append4(b, year)
	b = append(b, '-')
	b = append2(b, int(month))
	b = append(b, '-')
	b = append2(b, day)
	b = append(b, 'T')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, minute)
	b = append(b, ':')
	b = append2(b, sec)
	ms := t.Nanosecond() / 1e6
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }
func append4(b []byte, v int) []byte { return append2(append2(b, v/100), v%100) }

func (x *xmlBuf) open(name string) {
	x.b = append(x.b, '<')
	x.b = append(x.b, name...)
	x.b = append(x.b, '>')
}

func (x *xmlBuf) close(name string) {
	x.b = append(x.b, '<', '/')
	x.b = append(x.b, name...)
	x.b = append(x.b, '>')
}

// appendEscapedXML is encoding/xml's EscapeText, the five markup
// characters, tab, newline and carriage return as character references
// (S3 too sends a CR in a key as &#xD;), but for characters XML 1.0
// cannot carry: S3 writes a control character in a key as a character
// reference (&#x1;), which a strict parser refuses and a lenient one reads
// back exactly, where encoding/xml writes U+FFFD, a different key that
// two keys may share and a marker may skip past. Bytes that are not UTF-8
// (a name made beside S3) have no reference and stay U+FFFD.
func appendEscapedXML(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++ // the common case: printable ASCII that needs nothing
			continue
		}
		r, width := rune(c), 1
		if c >= utf8.RuneSelf {
			r, width = utf8.DecodeRuneInString(s[i:])
		}
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if isXMLChar(r) && (r != utf8.RuneError || width != 1) {
				i += width
				continue
			}
			if r != utf8.RuneError || width != 1 {
				b = appendCharRef(append(b, s[last:i]...), r)
				i += width
				last = i
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}

// appendCharRef appends &#x<hex>; for r, upper-case as encoding/xml
// writes &#xD;.
func appendCharRef(b []byte, r rune) []byte {
	const hex = "0123456789ABCDEF"
	b = append(b, "&#x"...)
	start := len(b)
	for {
		b = append(b, hex[r&0xF])
		if r >>= 4; r == 0 {
			break
		}
	}
	slices.Reverse(b[start:])
	return append(b, ';')
}

// isXMLChar is XML 1.0's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
