package s3api

import (
	"strings"
)

// maxListKeys is S3's page size limit; larger max-keys are clamped.
const maxListKeys = 1000

// listParams are the query parameters both ListObjects versions share.
type listParams struct {
	prefix, delimiter string
	max               int
	urlEncode         bool
}

func (rq *request) listParams() (listParams, error) {
	lp := listParams{prefix: rq.q.Get("prefix"), delimiter: rq.q.Get("delimiter"), max: maxListKeys}
	if v := rq.q.Get("max-keys"); v != "" {
		n, err := parseCount("max-keys", v)
		if err != nil {
			return lp, err
		}
		lp.max = min(n, maxListKeys)
	}
	switch e := rq.q.Get("encoding-type"); e {
	case "":
	case "url":
		lp.urlEncode = true
	default:
		return lp, invalidArgument("encoding-type", e, "Invalid Encoding Method specified in Request")
	}
	return lp, nil
}

func (rq *request) listObjectsV2() error {
	lp, err := rq.listParams()
	if err != nil {
		return err
	}
	startAfter, token := rq.q.Get("start-after"), rq.q.Get("continuation-token")
	after := startAfter
	// An empty continuation-token is as if absent (S3 echoes it empty).
	if token != "" {
		if after, err = decodeToken(token); err != nil {
			return err
		}
		after = max(after, startAfter)
	}
	pg, err := collect(rq.ctx(), rq.listWalk(lp.prefix), listQuery{prefix: lp.prefix, delimiter: lp.delimiter, after: after, max: lp.max})
	if err != nil {
		return volumeErr(err, lp.prefix, reading)
	}
	defer pg.release()
	d := rq.listDoc(lp, &pg, rq.q.Get("fetch-owner") == "true")
	d.v2, d.token, d.startAfter = true, token, startAfter
	d.hasToken = rq.q.Has("continuation-token")
	if pg.truncated {
		d.nextToken = encodeToken(pg.last)
	}
	return d.send(rq.w)
}

func (rq *request) listObjects() error {
	lp, err := rq.listParams()
	if err != nil {
		return err
	}
	marker := rq.q.Get("marker")
	pg, err := collect(rq.ctx(), rq.listWalk(lp.prefix), listQuery{prefix: lp.prefix, delimiter: lp.delimiter, after: marker, max: lp.max})
	if err != nil {
		return volumeErr(err, lp.prefix, reading)
	}
	defer pg.release()
	d := rq.listDoc(lp, &pg, true)
	d.marker = marker
	// S3 sends NextMarker only with a delimiter; without one a client
	// continues from the last key it got.
	if pg.truncated && lp.delimiter != "" {
		d.nextMarker = pg.last
	}
	return d.send(rq.w)
}

// listDoc fills what both versions report.
func (rq *request) listDoc(lp listParams, pg *listPage, withOwner bool) *listDoc {
	d := &listDoc{lp: lp, pg: pg, bucket: rq.bucketName(), storageClass: rq.ap.storageClass()}
	if withOwner {
		d.owner = rq.ap.owner()
	}
	return d
}

// bucketName is what S3 reports as the bucket: the alias, or the access
// point's name when it was addressed by ARN.
func (rq *request) bucketName() string {
	if rq.ap.Alias != "" {
		return rq.ap.Alias
	}
	return rq.ap.Name
}

// owner is the access point's account, which owns every object in it:
// FSx has no per-object S3 owner.
func (ap *AccessPoint) owner() *owner {
	return &owner{ID: ap.AccountID, DisplayName: ap.AccountID}
}

func (lp listParams) encode(s string) string {
	if !lp.urlEncode {
		return s
	}
	return urlEncode(s)
}

// urlEncode is S3's encoding-type=url: like a query value (space as "+"),
// but keeping "/" and "*" as they are, as S3 and its clients expect.
func urlEncode(s string) string { return string(appendURLEncoded(nil, s)) }

func appendURLEncoded(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '/', c == '*':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// region is the access point's region, from its ARN.
func (ap *AccessPoint) region() string {
	f := strings.SplitN(ap.ARN, ":", 6)
	if len(f) == 6 && f[3] != "" {
		return f[3]
	}
	return "us-east-1"
}
