package console

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// clients are SDK clients signed as one console user, for one request.
type clients struct {
	fsx       *fsx.Client
	s3        *s3.Client
	presign   *s3.PresignClient
	s3control *s3control.Client
	iam       *iam.Client
	sts       *sts.Client
	account   string
}

// newClients signs as key/secret; host is the browser's Host, so that a
// presigned URL is one the browser can use on the same origin.
func (c *Console) newClients(key, secret, host string, tls bool) *clients {
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	ep := aws.String(scheme + host)
	creds := credentials.NewStaticCredentialsProvider(key, secret, "")
	hc := &http.Client{Transport: inproc{c.cfg.API}}
	base := aws.Config{Region: c.cfg.Region, Credentials: creds, HTTPClient: hc, Retryer: func() aws.Retryer { return aws.NopRetryer{} }}
	s3c := s3.NewFromConfig(base, func(o *s3.Options) { o.BaseEndpoint, o.UsePathStyle = ep, true })
	return &clients{
		fsx:       fsx.NewFromConfig(base, func(o *fsx.Options) { o.BaseEndpoint = ep }),
		s3:        s3c,
		presign:   s3.NewPresignClient(s3c),
		s3control: s3control.NewFromConfig(base, func(o *s3control.Options) { o.BaseEndpoint = ep }),
		iam:       iam.NewFromConfig(base, func(o *iam.Options) { o.BaseEndpoint = ep }),
		sts:       sts.NewFromConfig(base, func(o *sts.Options) { o.BaseEndpoint = ep }),
		account:   c.cfg.AccountID,
	}
}

// whoami checks a key pair the way every API does: a signed request.
func (cl *clients) whoami(ctx context.Context) (string, error) {
	out, err := cl.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}
