package stub

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ListObjectsV2 over the sorted key index: binary search to the first key
// after the prefix and the continuation token, then a linear scan that
// jumps over each common prefix, so a page costs O(page + log n) and never
// re-walks from the start. The XML is written by hand into pooled buffers.

var xmlBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const isoMillis = "2006-01-02T15:04:05.000Z"

type listQuery struct {
	prefix, delim, token, after string
	maxKeys                     int
	urlEnc                      bool
}

func parseList(q url.Values) (listQuery, bool) {
	l := listQuery{prefix: q.Get("prefix"), delim: q.Get("delimiter"), token: q.Get("continuation-token"),
		after: q.Get("start-after"), maxKeys: 1000, urlEnc: q.Get("encoding-type") == "url"}
	if v := q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return l, false
		}
		l.maxKeys = min(n, 1000)
	}
	if l.token != "" {
		t, err := base64.RawURLEncoding.DecodeString(l.token)
		if err != nil {
			return l, false
		}
		l.after = string(t)
	}
	return l, true
}

func (b *bucket) list(w http.ResponseWriter, q url.Values) {
	l, ok := parseList(q)
	if !ok {
		writeError(w, http.StatusBadRequest, "InvalidArgument", "Invalid max-keys or continuation-token.")
		return
	}
	entries := xmlBufs.Get().(*bytes.Buffer)
	out := xmlBufs.Get().(*bytes.Buffer)
	entries.Reset()
	out.Reset()
	defer xmlBufs.Put(entries)
	defer xmlBufs.Put(out)

	count, truncated, last := 0, false, ""
	keys := b.keys()
	i := sort.SearchStrings(keys, l.prefix)
	if l.after != "" {
		j := sort.SearchStrings(keys, l.after+"\x00") // first key strictly after
		if l.delim != "" && strings.Contains(strings.TrimPrefix(l.after, l.prefix), l.delim) {
			j = pastPrefix(keys, l.after) // the token was a common prefix: skip its keys
		}
		i = max(i, j)
	}
	for i < len(keys) && strings.HasPrefix(keys[i], l.prefix) {
		if count == l.maxKeys {
			truncated = true
			break
		}
		k := keys[i]
		if d := strings.Index(k[len(l.prefix):], l.delim); l.delim != "" && d >= 0 {
			cp := k[:len(l.prefix)+d+len(l.delim)]
			entries.WriteString("<CommonPrefixes><Prefix>")
			writeKey(entries, cp, l.urlEnc)
			entries.WriteString("</Prefix></CommonPrefixes>")
			count, last = count+1, cp
			i = pastPrefix(keys, cp)
			continue
		}
		i++
		o, ok := b.objects[k]
		if !ok {
			continue // deleted after the index was built
		}
		entries.WriteString("<Contents><Key>")
		writeKey(entries, k, l.urlEnc)
		entries.WriteString("</Key><LastModified>")
		entries.Write(o.mod.UTC().AppendFormat(entries.AvailableBuffer(), isoMillis))
		entries.WriteString("</LastModified><ETag>")
		escapeTo(entries, o.etag)
		entries.WriteString("</ETag><Size>")
		entries.Write(strconv.AppendInt(entries.AvailableBuffer(), o.body.size, 10))
		entries.WriteString("</Size><StorageClass>STANDARD</StorageClass></Contents>")
		count, last = count+1, k
	}
	b.mu.RUnlock()

	out.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>`)
	escapeTo(out, b.name)
	out.WriteString("</Name><Prefix>")
	writeKey(out, l.prefix, l.urlEnc)
	out.WriteString("</Prefix>")
	if l.token != "" {
		out.WriteString("<ContinuationToken>" + l.token + "</ContinuationToken>")
	}
	if truncated {
		out.WriteString("<NextContinuationToken>" + base64.RawURLEncoding.EncodeToString([]byte(last)) + "</NextContinuationToken>")
	}
	out.WriteString("<KeyCount>" + strconv.Itoa(count) + "</KeyCount><MaxKeys>" + strconv.Itoa(l.maxKeys) + "</MaxKeys>")
	if l.delim != "" {
		out.WriteString("<Delimiter>")
		writeKey(out, l.delim, l.urlEnc)
		out.WriteString("</Delimiter>")
	}
	if l.urlEnc {
		out.WriteString("<EncodingType>url</EncodingType>")
	}
	out.WriteString("<IsTruncated>" + strconv.FormatBool(truncated) + "</IsTruncated>")
	out.Write(entries.Bytes())
	out.WriteString("</ListBucketResult>")
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(out.Bytes())
}

// pastPrefix is the index of the first key after every key that starts
// with p. Keys with prefix p sort as one block right at p, so the
// predicate is monotone.
func pastPrefix(keys []string, p string) int {
	return sort.Search(len(keys), func(j int) bool {
		return keys[j] > p && !strings.HasPrefix(keys[j], p)
	})
}

func writeKey(buf *bytes.Buffer, k string, urlEnc bool) {
	if urlEnc {
		k = strings.ReplaceAll(url.QueryEscape(k), "%2F", "/")
	}
	escapeTo(buf, k)
}

// escapeTo writes s as XML character data, as S3 does (&quot; for ").
func escapeTo(buf *bytes.Buffer, s string) {
	for len(s) > 0 {
		i := strings.IndexAny(s, `&<>"'`)
		if i < 0 {
			buf.WriteString(s)
			return
		}
		buf.WriteString(s[:i])
		switch s[i] {
		case '&':
			buf.WriteString("&amp;")
		case '<':
			buf.WriteString("&lt;")
		case '>':
			buf.WriteString("&gt;")
		case '"':
			buf.WriteString("&quot;")
		case '\'':
			buf.WriteString("&apos;")
		}
		s = s[i+1:]
	}
}

func escape(s string) string {
	var b bytes.Buffer
	escapeTo(&b, s)
	return b.String()
}
