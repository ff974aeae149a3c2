package s3api

import (
	"context"
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fsxd/fsxd/volume"
)

// The request bodies: decoding never panics, and what decodes survives a
// round trip through the encoder.

func fuzzXML[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v T
		if decodeXML(b, &v) != nil {
			return
		}
		out, err := xml.Marshal(v)
		if err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
		var again T
		if err := decodeXML(out, &again); err != nil {
			t.Fatalf("re-encoded %s does not decode: %v", out, err)
		}
	})
}

func FuzzDeleteXML(f *testing.F) {
	fuzzXML[deleteRequest](f,
		`<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b/c</Key><VersionId>null</VersionId></Object></Delete>`,
		`<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>&lt;x&gt;</Key></Object></Delete>`,
		`<Delete><Object><Key>a</Key></Object></Delete><extra/>`, ``)
}

func FuzzCompleteXML(f *testing.F) {
	fuzzXML[completeRequest](f,
		`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"abc"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part></CompleteMultipartUpload>`,
		`<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>`)
}

func FuzzTaggingXML(f *testing.F) {
	fuzzXML[tagging](f,
		`<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>`,
		`<Tagging><TagSet></TagSet></Tagging>`)
}

// FuzzToken: every key round-trips, and anything else that decodes is a
// token we issued (so nothing tampered is accepted).
func FuzzToken(f *testing.F) {
	f.Add("a/b", "")
	f.Add("caf\u00e9", encodeToken("x"))
	f.Add("", "AQ")
	f.Fuzz(func(t *testing.T, key, tok string) {
		if len(key) <= maxKeyLen {
			got, err := decodeToken(encodeToken(key))
			if err != nil || got != key {
				t.Fatalf("token of %q decodes to %q, %v", key, got, err)
			}
		}
		if k, err := decodeToken(tok); err == nil && encodeToken(k) != tok {
			t.Fatalf("accepted a token we did not issue: %q", tok)
		}
	})
}

// FuzzCopySource: parsing never panics; a parsed source names a key, and
// the alias form round-trips through URL escaping.
func FuzzCopySource(f *testing.F) {
	f.Add("/data-x-ext-s3alias/a/b.txt")
	f.Add("data-x-ext-s3alias/a%20b?versionId=null")
	f.Add("arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap/object/k%2Fx")
	f.Add("arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap/k")
	f.Fuzz(func(t *testing.T, v string) {
		cs, err := parseCopySource(v)
		if err != nil {
			return
		}
		if cs.key == "" || (cs.alias == "") == (cs.account == "") {
			t.Fatalf("%q parsed into %+v", v, cs)
		}
		if cs.alias != "" && !strings.Contains(cs.alias, "/") {
			again, err := parseCopySource("/" + url.PathEscape(cs.alias) + "/" + url.PathEscape(cs.key))
			if err != nil || again != cs {
				t.Fatalf("%+v does not round-trip: %+v %v", cs, again, err)
			}
		}
	})
}

// fakeWalk is volume.Walk's contract over a sorted key list.
func fakeWalk(keys []string) walkFunc {
	return func(_ context.Context, o volume.WalkOptions, fn func(volume.Entry) error) error {
		dirKey := o.Prefix[:strings.LastIndexByte(o.Prefix, '/')+1]
		last := ""
		for _, k := range keys {
			if k <= o.StartAfter || !strings.HasPrefix(k, o.Prefix) {
				continue
			}
			e := volume.Entry{Key: k, Info: volume.Info{Key: k}}
			if i := strings.IndexByte(k[len(dirKey):], '/'); o.Delimiter && i >= 0 {
				e = volume.Entry{Key: k[:len(dirKey)+i+1], IsPrefix: true}
				if e.Key == last {
					continue
				}
			}
			last = e.Key
			if err := fn(e); err == volume.ErrStopWalk {
				return nil
			} else if err != nil {
				return err
			}
		}
		return nil
	}
}

// reference lists naively: filter, group, cut.
func reference(keys []string, q listQuery) ([]string, []string, bool) {
	var objs, prefixes []string
	for _, k := range keys {
		if k <= q.after || !strings.HasPrefix(k, q.prefix) {
			continue
		}
		g := groupOf(k, q.prefix, q.delimiter)
		if g != "" && (g <= q.after || len(prefixes) > 0 && prefixes[len(prefixes)-1] == g) {
			continue
		}
		if len(objs)+len(prefixes) == q.max {
			return objs, prefixes, true
		}
		if g != "" {
			prefixes = append(prefixes, g)
		} else {
			objs = append(objs, k)
		}
	}
	return objs, prefixes, false
}

func FuzzCollect(f *testing.F) {
	f.Add("a-b\na/b\na/b0/c\na0\nmarker/\nmarker/x\nz", "", "/", "", 2)
	f.Add("a-b\na/b\na/b0/c\na0", "a", "b", "a-", 1)
	f.Add("x/y/z\nx/y\nx-", "x/", "/", "x/y", 3)
	f.Fuzz(func(t *testing.T, list, prefix, delim, after string, max int) {
		keys := slices.DeleteFunc(strings.Split(list, "\n"), func(k string) bool { return k == "" || !utf8.ValidString(k) })
		slices.Sort(keys)
		keys = slices.Compact(keys)
		max = max%5 + 5
		if !utf8.ValidString(prefix) || !utf8.ValidString(after) {
			return
		}
		q := listQuery{prefix: prefix, delimiter: delim, after: after, max: max}
		pg, err := collect(context.Background(), fakeWalk(keys), q)
		if err != nil {
			t.Fatal(err)
		}
		objs, prefixes, trunc := reference(keys, q)
		var got []string
		for _, in := range pg.objects {
			got = append(got, in.Key)
		}
		if !slices.Equal(got, objs) || !slices.Equal(pg.prefixes, prefixes) || pg.truncated != trunc {
			t.Fatalf("%+v over %q:\n got %q %q %v\nwant %q %q %v", q, keys, got, pg.prefixes, pg.truncated, objs, prefixes, trunc)
		}
	})
}
