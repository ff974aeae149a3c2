package accesspoint

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
)

func names(list []types.S3AccessPointAttachment) []string {
	var out []string
	for _, a := range list {
		out = append(out, aws.ToString(a.Name))
	}
	return out
}

func filter(name string, values ...string) types.S3AccessPointAttachmentsFilter {
	return types.S3AccessPointAttachmentsFilter{Name: types.S3AccessPointAttachmentsFilterName(name), Values: values}
}

func TestDescribeFilters(t *testing.T) {
	e := newEnv(t)
	e.mustCreate(openZFS("oz-a", volOZ, 1, 1))
	e.mustCreate(openZFS("oz-b", volOZ2, 1, 1))
	e.mustCreate(ontap("on-a", volUnix, "UNIX", "alice"))
	e.mustCreate(ontap("on-b", volMixed, "UNIX", "alice"))
	tests := []struct {
		name    string
		in      fsx.DescribeS3AccessPointAttachmentsInput
		want    []string
		errCode string
	}{
		{"all, name order", fsx.DescribeS3AccessPointAttachmentsInput{}, []string{"on-a", "on-b", "oz-a", "oz-b"}, ""},
		{"names", fsx.DescribeS3AccessPointAttachmentsInput{Names: []string{"oz-b", "on-a", "oz-b"}}, []string{"on-a", "oz-b"}, ""},
		{"unknown name", fsx.DescribeS3AccessPointAttachmentsInput{Names: []string{"oz-a", "nope"}}, nil, "S3AccessPointAttachmentNotFound"},
		{"too many names", fsx.DescribeS3AccessPointAttachmentsInput{Names: slices.Repeat([]string{"oz-a"}, 51)}, nil, "BadRequest"},
		{"type", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("type", "ONTAP")}}, []string{"on-a", "on-b"}, ""},
		{"file system", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("file-system-id", fsHA)}}, []string{"oz-a", "oz-b"}, ""},
		{"volume, OR across values", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("volume-id", volOZ, volMixed)}}, []string{"on-b", "oz-a"}, ""},
		{"AND across filters", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("type", "OPENZFS"), filter("volume-id", volOZ2, volUnix)}}, []string{"oz-b"}, ""},
		{"no match", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("type", "OPENZFS"), filter("volume-id", volUnix)}}, nil, ""},
		{"names and filters", fsx.DescribeS3AccessPointAttachmentsInput{Names: []string{"oz-a", "on-a"}, Filters: []types.S3AccessPointAttachmentsFilter{filter("type", "ONTAP")}}, []string{"on-a"}, ""},
		{"three filters", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("type", "ONTAP"), filter("type", "ONTAP"), filter("type", "ONTAP")}}, nil, "BadRequest"},
		{"21 values", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("type", slices.Repeat([]string{"ONTAP"}, 21)...)}}, nil, "BadRequest"},
		{"unknown filter", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{filter("lifecycle", "AVAILABLE")}}, nil, "BadRequest"},
		{"filter without values", fsx.DescribeS3AccessPointAttachmentsInput{Filters: []types.S3AccessPointAttachmentsFilter{{Name: "type"}}}, nil, "BadRequest"},
		{"max results", fsx.DescribeS3AccessPointAttachmentsInput{MaxResults: aws.Int32(3)}, []string{"on-a", "on-b", "oz-a"}, ""},
		{"zero max results", fsx.DescribeS3AccessPointAttachmentsInput{MaxResults: aws.Int32(0)}, nil, "BadRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.fsx.DescribeS3AccessPointAttachments(context.Background(), &tt.in)
			if errorCode(err) != tt.errCode {
				t.Fatalf("err = %v, want %q", err, tt.errCode)
			}
			if err == nil && !slices.Equal(names(out.S3AccessPointAttachments), tt.want) {
				t.Errorf("got %v, want %v", names(out.S3AccessPointAttachments), tt.want)
			}
		})
	}
}

func TestDescribeNextToken(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"tok-a", "tok-b", "tok-c"} {
		e.mustCreate(openZFS(n, volOZ, 1, 1))
	}
	ctx := context.Background()
	out, err := e.fsx.DescribeS3AccessPointAttachments(ctx, &fsx.DescribeS3AccessPointAttachmentsInput{MaxResults: aws.Int32(2)})
	if err != nil || out.NextToken == nil {
		t.Fatalf("first page: %v, %+v", err, out)
	}
	tok := aws.ToString(out.NextToken)
	raw, _ := base64.StdEncoding.DecodeString(tok)
	forged := append([]byte(nil), raw...)
	forged[len(forged)-1] = 'a' // resume after "tok-a" instead
	for _, bad := range []string{
		base64.StdEncoding.EncodeToString(forged),
		base64.StdEncoding.EncodeToString([]byte("tok-b")),
		tok[:len(tok)-4],
		"not base64!",
	} {
		_, err := e.fsx.DescribeS3AccessPointAttachments(ctx, &fsx.DescribeS3AccessPointAttachmentsInput{NextToken: aws.String(bad)})
		if errorCode(err) != "BadRequest" {
			t.Errorf("token %q: %v, want BadRequest", bad, err)
		}
	}
	out, err = e.fsx.DescribeS3AccessPointAttachments(ctx, &fsx.DescribeS3AccessPointAttachmentsInput{NextToken: out.NextToken})
	if err != nil || !slices.Equal(names(out.S3AccessPointAttachments), []string{"tok-c"}) || out.NextToken != nil {
		t.Fatalf("second page: %v, %+v", err, out)
	}
}

// TestDescribePaginatorConcurrent walks with the SDK paginator while other
// goroutines create and delete attachments: every attachment that exists
// for the whole walk is seen exactly once, and nothing is seen twice.
func TestDescribePaginatorConcurrent(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxPerFileSystem = 10000 })
	var stable []string
	for i := range 60 {
		n := fmt.Sprintf("stable-%03d", i)
		stable = append(stable, n)
		e.mustCreate(openZFS(n, volOZ, 1, 1))
	}
	for i := range 30 {
		e.mustCreate(openZFS(fmt.Sprintf("doomed-%03d", i), volOZ2, 1, 1))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // inserts, spread across the name space
		defer wg.Done()
		for i := 0; ctx.Err() == nil && i < 200; i++ {
			e.create(openZFS(fmt.Sprintf("new-%c-%03d", 'a'+i%26, i), volOZ2, 1, 1))
		}
	}()
	go func() { // deletes
		defer wg.Done()
		for i := 0; ctx.Err() == nil && i < 30; i++ {
			e.tryDetach(fmt.Sprintf("doomed-%03d", i), "")
			e.svc.finishDelete(ctx, fmt.Sprintf("doomed-%03d", i))
		}
	}()
	seen := map[string]int{}
	p := fsx.NewDescribeS3AccessPointAttachmentsPaginator(e.fsx, &fsx.DescribeS3AccessPointAttachmentsInput{MaxResults: aws.Int32(7)})
	pages := 0
	last := ""
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, n := range names(out.S3AccessPointAttachments) {
			seen[n]++
			if n <= last {
				t.Errorf("%s after %s: not in name order", n, last)
			}
			last = n
		}
	}
	cancel()
	wg.Wait()
	for _, n := range stable {
		if seen[n] != 1 {
			t.Errorf("%s seen %d times", n, seen[n])
		}
	}
	for n, c := range seen {
		if c != 1 {
			t.Errorf("%s seen %d times", n, c)
		}
	}
	if pages < 9 {
		t.Errorf("only %d pages", pages)
	}
	if !strings.HasPrefix(last, "stable-") {
		t.Errorf("walk ended at %s", last)
	}
}
