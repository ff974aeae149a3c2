package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestMultipartSlotsCrashKill9: fsxd is killed while a part is being
// written in place (multipart/slot.go), before its record, and then at a
// random moment of a Complete that adopts the slot file. After each
// restart the upload lists what was acknowledged, the key holds nothing
// or the whole object, and the object belongs to the access point's
// identity as a PUT's does.
func TestMultipartSlotsCrashKill9(t *testing.T) {
	p := StartProcess(t, ProcessOptions{Name: "slots", DataDir: t.TempDir()})
	hv := hardAccessPoint(t, p.Env, "slots-crash", 1001)
	c := hardClient(p.Env)
	ctx := context.Background()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(hv.alias), Key: aws.String("ref"), Body: bytes.NewReader([]byte("r"))}); err != nil {
		t.Fatal(err)
	}
	const ps = 5 << 20
	for round := range 4 {
		parts := [][]byte{randBytes(uint64(round*10+1), ps), randBytes(uint64(round*10+2), ps), randBytes(uint64(round*10+3), 1000)}
		want := bytes.Join(parts, nil)
		// A kill mid-part, before its record: the part is not listed.
		key, id := fmt.Sprintf("a%d", round), slotsUpload(t, c, hv.alias, fmt.Sprintf("a%d", round))
		done := []types.CompletedPart{slotsPart(t, c, hv.alias, key, id, 1, parts[0])}
		killMidPart(t, p, hv, key, id, 2, parts[1])
		c = hardClient(p.Env)
		if got := listedParts(t, c, hv.alias, key, id); got != 1 {
			t.Fatalf("round %d: %d parts listed after a kill mid-part, want 1", round, got)
		}
		done = append(done, slotsPart(t, c, hv.alias, key, id, 2, parts[1]), slotsPart(t, c, hv.alias, key, id, 3, parts[2]))
		c = killMidComplete(t, p, c, hv.alias, key, id, done, -1)
		checkSlotsObject(t, c, hv, key, want, ps)
		// A kill at a random moment of a Complete that adopts.
		key, id = fmt.Sprintf("b%d", round), slotsUpload(t, c, hv.alias, fmt.Sprintf("b%d", round))
		done = nil
		for i, b := range parts {
			done = append(done, slotsPart(t, c, hv.alias, key, id, i+1, b))
		}
		slotIno := statT(t, filepath.Join(filepath.Dir(filepath.Dir(hv.dir)), fsStaging, id, "slots")).Ino
		c = killMidComplete(t, p, c, hv.alias, key, id, done, time.Duration(rand.IntN(8000))*time.Microsecond)
		checkSlotsObject(t, c, hv, key, want, ps)
		if statT(t, filepath.Join(hv.dir, key)).Ino != slotIno {
			t.Errorf("round %d: the object is not the slot file: copied", round)
		}
	}
}

func slotsUpload(t *testing.T, c *s3.Client, alias, key string) string {
	t.Helper()
	up, err := c.CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(up.UploadId)
}

// checkSlotsObject checks the object's bytes and ETag, and that it
// belongs to the access point's identity as a PUT's object ("ref") does.
func checkSlotsObject(t *testing.T, c *s3.Client, hv hardVolume, key string, want []byte, ps int) {
	t.Helper()
	got, etag := getBytes(t, c, hv.alias, key)
	if !bytes.Equal(got, want) || etag != multipartETag(want, ps) {
		t.Fatalf("%s: object of %d bytes, ETag %s", key, len(got), etag)
	}
	ref, obj := statT(t, filepath.Join(hv.dir, "ref")), statT(t, filepath.Join(hv.dir, key))
	if obj.Uid != ref.Uid || obj.Gid != ref.Gid || obj.Mode != ref.Mode || obj.Uid != 1001 {
		t.Errorf("%s: object %d:%d %o, a PUT's %d:%d %o", key, obj.Uid, obj.Gid, obj.Mode, ref.Uid, ref.Gid, ref.Mode)
	}
}

func statT(t *testing.T, p string) *syscall.Stat_t {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t)
}

func slotsPart(t *testing.T, c *s3.Client, alias, key, id string, n int, data []byte) types.CompletedPart {
	t.Helper()
	out, err := c.UploadPart(context.Background(), &s3.UploadPartInput{Bucket: aws.String(alias), Key: aws.String(key),
		UploadId: aws.String(id), PartNumber: aws.Int32(int32(n)), Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatalf("UploadPart %d: %v", n, err)
	}
	if sum := md5.Sum(data); aws.ToString(out.ETag) != fmt.Sprintf(`"%x"`, sum) {
		t.Fatalf("UploadPart %d: ETag %s", n, aws.ToString(out.ETag))
	}
	return types.CompletedPart{PartNumber: aws.Int32(int32(n)), ETag: out.ETag}
}

func listedParts(t *testing.T, c *s3.Client, alias, key, id string) int {
	t.Helper()
	out, err := c.ListParts(context.Background(), &s3.ListPartsInput{Bucket: aws.String(alias), Key: aws.String(key), UploadId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Parts)
}

// gate yields r, then blocks until the process is killed.
type gate struct {
	r    io.Reader
	stop chan struct{}
}

func (g gate) Read(b []byte) (int, error) {
	n, err := g.r.Read(b)
	if err == io.EOF {
		<-g.stop
		return 0, errors.New("stopped")
	}
	return n, err
}

// killMidPart sends half of part n, waits until the server has written
// it to the slot file, kills fsxd and restarts it.
func killMidPart(t *testing.T, p *Process, hv hardVolume, key, id string, n int, data []byte) {
	t.Helper()
	req, err := hardSigned(p.Env, "PUT", "/"+hv.alias+"/"+key, fmt.Sprintf("partNumber=%d&uploadId=%s", n, id), nil, data)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	req.Body = io.NopCloser(gate{bytes.NewReader(data[:len(data)/2]), stop})
	go (&http.Client{}).Do(req)
	slots := filepath.Join(filepath.Dir(filepath.Dir(hv.dir)), fsStaging, id, "slots")
	deadline := time.Now().Add(hardDeadline)
	for {
		fi, err := os.Stat(slots)
		if err == nil && fi.Size() >= int64(n-1)*int64(len(data))+int64(len(data)/2) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the part's first half never reached %s", slots)
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.Kill()
	close(stop)
	p.Restart()
}

const fsStaging = ".fsxd-staging/uploads"

// killMidComplete completes the upload and kills fsxd after wait (wait
// < 0: completes without a kill), then restarts it and, unless the first
// Complete got through, completes again. It returns a client of the
// restarted server.
func killMidComplete(t *testing.T, p *Process, c *s3.Client, alias, key, id string, parts []types.CompletedPart, wait time.Duration) *s3.Client {
	t.Helper()
	in := &s3.CompleteMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(key), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}
	if wait < 0 {
		if _, err := c.CompleteMultipartUpload(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		return c
	}
	go c.CompleteMultipartUpload(context.Background(), in)
	time.Sleep(wait)
	p.Kill()
	p.Restart()
	c = hardClient(p.Env)
	_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	t.Logf("%s: killed %v into Complete; object there after restart: %v", key, wait, err == nil)
	if hardCode(err) == "NotFound" {
		if _, err := c.CompleteMultipartUpload(context.Background(), in); err != nil {
			t.Fatalf("Complete after the kill: %v", err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return c
}
