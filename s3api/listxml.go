package s3api

import "net/http"

// listDoc is a ListBucketResult of either ListObjects version, written
// straight from the page by xmlBuf in the element order S3 uses: no
// intermediate entry structs, no reflection, one pooled buffer.
type listDoc struct {
	lp           listParams
	pg           *listPage
	bucket       string
	owner        *owner // nil: not reported
	storageClass string

	v2               bool
	token, nextToken string // V2; not URL-encoded, they are opaque
	hasToken         bool   // V2: the request named a token, maybe empty
	startAfter       string // V2
	marker           string // V1: always reported, even empty
	nextMarker       string // V1
}

func (d *listDoc) send(w http.ResponseWriter) error {
	x := newXMLBuf()
	d.write(x)
	return x.send(w)
}

func (d *listDoc) write(x *xmlBuf) {
	x.raw(`<ListBucketResult xmlns="` + s3NS + `">`)
	x.elem("Name", d.bucket)
	if d.v2 {
		d.key(x, "Prefix", d.lp.prefix)
	} else {
		// V1 echoes Prefix as sent: botocore decodes only Delimiter,
		// Marker, NextMarker, keys and common prefixes there.
		x.elem("Prefix", d.lp.prefix)
		d.key(x, "Marker", d.marker)
		d.keyOmit(x, "NextMarker", d.nextMarker)
	}
	if d.hasToken {
		x.elem("ContinuationToken", d.token)
	}
	x.elemOmit("NextContinuationToken", d.nextToken)
	d.keyOmit(x, "StartAfter", d.startAfter)
	if d.v2 {
		x.elemInt("KeyCount", int64(d.pg.count()))
	}
	x.elemInt("MaxKeys", int64(d.lp.max))
	d.keyOmit(x, "Delimiter", d.lp.delimiter)
	if d.lp.urlEncode {
		x.elem("EncodingType", "url")
	}
	x.elemBool("IsTruncated", d.pg.truncated)
	for i := range d.pg.objects {
		d.entry(x, i)
	}
	for _, p := range d.pg.prefixes {
		x.raw("<CommonPrefixes>")
		d.key(x, "Prefix", p)
		x.raw("</CommonPrefixes>")
	}
	x.raw("</ListBucketResult>")
}

func (d *listDoc) entry(x *xmlBuf, i int) {
	in := &d.pg.objects[i]
	x.raw("<Contents>")
	d.key(x, "Key", in.Key)
	x.elemTime("LastModified", in.ModTime)
	x.raw("<ETag>&#34;")
	x.text(etagOf(*in))
	x.raw("&#34;</ETag>")
	if in.Meta != nil {
		if alg, _, typ := storedChecksum(in.Meta.Checksums); alg != "" {
			x.elem("ChecksumAlgorithm", string(alg))
			x.elemOmit("ChecksumType", typ)
		}
	}
	x.elemInt("Size", in.Size)
	if o := d.owner; o != nil {
		x.raw("<Owner>")
		x.elem("ID", o.ID)
		x.elemOmit("DisplayName", o.DisplayName)
		x.raw("</Owner>")
	}
	x.elem("StorageClass", d.storageClass)
	x.raw("</Contents>")
}

// key appends a key-valued element, URL-encoded if the request asked
// (that encoding leaves nothing XML would escape).
func (d *listDoc) key(x *xmlBuf, name, s string) {
	x.open(name)
	if d.lp.urlEncode {
		x.b = appendURLEncoded(x.b, s)
	} else {
		x.text(s)
	}
	x.close(name)
}

func (d *listDoc) keyOmit(x *xmlBuf, name, s string) {
	if s != "" {
		d.key(x, name, s)
	}
}
