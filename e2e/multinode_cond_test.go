package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestMultiNodeConditionalWrites: with --s3-extensions, PUTs of one new key
// with If-None-Match: * sent at once to two nodes (as a lock file is
// taken, e.g. by Terraform's S3 backend) never both succeed: the link that
// names the file refuses a taken name on the shared file system, which no
// node's own lock could decide. The loser gets 412 and the key holds the
// winner's body. The same for two PUTs with If-Match of the key's ETag
// (the file is locked from the check to the replace).
func TestMultiNodeConditionalWrites(t *testing.T) {
	c := startCluster(t, 2, "--s3-extensions", "--lifecycle-delay", "200ms")
	n1, n2 := c.nodes[0], c.nodes[1]
	ctx := context.Background()
	_, vol := apOpenZFSFileSystem(t, n1.Env, "SINGLE_AZ_HA_2")
	out, err := n1.FSx.CreateAndAttachS3AccessPoint(ctx, apPosix("mn-cond", vol, 0))
	if err != nil {
		t.Fatal(err)
	}
	alias := aws.String(aws.ToString(out.S3AccessPointAttachment.S3AccessPoint.Alias))
	apWaitState(t, n1.Env, "mn-cond", "AVAILABLE")
	put := func(n *Process, key, body, ifMatch string) error {
		in := &s3.PutObjectInput{Bucket: alias, Key: aws.String(key), Body: strings.NewReader(body), IfNoneMatch: aws.String("*")}
		if ifMatch != "" {
			in.IfNoneMatch, in.IfMatch = nil, aws.String(ifMatch)
		}
		_, err := n.S3.PutObject(ctx, in)
		return err
	}
	within(t, propagationBound, "the access point serves on node 2", func() bool { return put(n2, "ready", "x", "") == nil })

	for i := range 40 {
		key, etag := fmt.Sprintf("locks/%d.tflock", i), ""
		if i%2 == 1 { // a compare-and-swap of an existing object
			out, err := n1.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: alias, Key: aws.String(key), Body: strings.NewReader("v0")})
			if err != nil {
				t.Fatal(err)
			}
			etag = aws.ToString(out.ETag)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for j, n := range []*Process{n1, n2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[j] = put(n, key, n.Opts.Name, etag)
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for j, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Fatalf("round %d (If-Match %q): both nodes wrote %s", i, etag, key)
			case err == nil:
				won = j
			case apCode(err) != "PreconditionFailed":
				t.Fatalf("round %d, node %d: %v", i, j+1, err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: neither node wrote %s: %v", i, key, errs)
		}
		if got := mnGet(t, n1, aws.ToString(alias), key); got != c.nodes[won].Opts.Name {
			t.Fatalf("round %d: %s holds %q, the winner was %s", i, key, got, c.nodes[won].Opts.Name)
		}
	}
}
