package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// crumb is one step of the breadcrumb trail.
type crumb struct{ Name, Prefix string }

type objectsPage struct {
	Bucket, Prefix, Next string
	Crumbs               []crumb
	Folders              []string // full prefixes
	Objects              []types.Object
}

const pageSize = 100

// objects lists one level of an access point (its alias is the bucket):
// common prefixes are folders; ContinuationToken pages.
func (c *Console) objects(w http.ResponseWriter, r *http.Request, ss *session) {
	v := c.newView(r, ss, "Objects", "ap")
	q := r.URL.Query()
	p := objectsPage{Bucket: q.Get("bucket"), Prefix: q.Get("prefix")}
	// URL-encoded keys: a key with a control character is a character
	// reference in plain XML, which the SDK's parser refuses.
	in := &s3.ListObjectsV2Input{Bucket: aws.String(p.Bucket), Prefix: aws.String(p.Prefix), Delimiter: aws.String("/"),
		MaxKeys: aws.Int32(pageSize), EncodingType: types.EncodingTypeUrl}
	if t := q.Get("token"); t != "" {
		in.ContinuationToken = aws.String(t)
	}
	out, err := c.clientsFor(r, ss).s3.ListObjectsV2(withRemote(r.Context(), r.RemoteAddr), in)
	if err != nil {
		v.Denied = apiMessage(err)
	} else {
		for _, cp := range out.CommonPrefixes {
			p.Folders = append(p.Folders, urlDecoded(cp.Prefix))
		}
		for _, o := range out.Contents {
			o.Key = aws.String(urlDecoded(o.Key))
			p.Objects = append(p.Objects, o)
		}
		p.Next = aws.ToString(out.NextContinuationToken)
	}
	p.Crumbs = crumbs(p.Prefix)
	v.Data, v.Deny = p, probeObjects(withRemote(r.Context(), r.RemoteAddr), c.clientsFor(r, ss), p.Bucket, p.Prefix)
	c.render(w, "objects", v)
}

// urlDecoded is a key of a listing made with encoding-type=url.
func urlDecoded(s *string) string {
	k, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		return aws.ToString(s) // S3 encodes every key it lists
	}
	return k
}

func crumbs(prefix string) []crumb {
	var out []crumb
	parts := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	if prefix == "" {
		return nil
	}
	acc := ""
	for _, s := range parts {
		acc += s + "/"
		out = append(out, crumb{Name: s, Prefix: acc})
	}
	return out
}

// probeObjects asks whether the user may write (upload, create folder),
// delete and read (download link) in this folder: the key "prefix*"
// stands for any key in it, so a policy on "home/alice/*" allows it where
// one on a single key does not.
func probeObjects(ctx context.Context, cl *clients, bucket, prefix string) denials {
	p := newProber(ctx)
	key := aws.String(prefix + "*")
	p.ask("objects/put", func(ctx context.Context) error {
		_, err := cl.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: key})
		return err
	})
	p.ask("objects/delete", func(ctx context.Context) error {
		_, err := cl.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: key})
		return err
	})
	p.ask("objects/get", func(ctx context.Context) error {
		_, err := cl.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: key})
		return err
	})
	return p.out
}
