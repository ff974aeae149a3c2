package e2e

// Concurrent PUT, GET, DELETE, LIST and COPY on a few keys (nested ones
// too, so directories are made and pruned under each other's feet). Every
// body carries its own SHA-256, so a torn read shows; every GET must be a
// whole version that some PUT wrote; no request may fail with a 5xx; and
// at the end each key holds the outcome of an operation that could have
// been the last one (none acknowledged after it started), so no
// acknowledged write is lost.

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	stressWorkers = 8
	stressOps     = 300
	stressBudget  = 20 * time.Second
)

var stressKeys = []string{"a", "b", "d/x", "d/y", "e/f/g"}

// stressOp is one acknowledged write: its interval on the client's clock
// and what it left (an ETag, or "" for a delete).
type stressOp struct {
	start, end time.Time
	etag       string
}

type stressLog struct {
	mu       sync.Mutex
	versions map[string]int64 // ETag -> size of every body a PUT sent
	ops      map[string][]stressOp
}

func (l *stressLog) wrote(key string, op stressOp) {
	l.mu.Lock()
	l.ops[key] = append(l.ops[key], op)
	l.mu.Unlock()
}

func (l *stressLog) known(etag string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.versions[etag]
	return ok
}

func (l *stressLog) sent(body []byte) string {
	sum := md5.Sum(body)
	etag := hex.EncodeToString(sum[:])
	l.mu.Lock()
	l.versions[etag] = int64(len(body))
	l.mu.Unlock()
	return etag
}

// checkListed fails unless every listed object pairs its key with the
// ETag and the size of one body a PUT sent.
func (l *stressLog) checkListed(t *testing.T, objs []types.Object) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range objs {
		etag := strings.Trim(aws.ToString(o.ETag), `"`)
		size, ok := l.versions[etag]
		switch {
		case !ok:
			t.Errorf("LIST: %s has unknown ETag %s (size %d)", aws.ToString(o.Key), etag, aws.ToInt64(o.Size))
		case size != aws.ToInt64(o.Size):
			t.Errorf("LIST: %s has ETag %s of a %d-byte body, but size %d", aws.ToString(o.Key), etag, size, aws.ToInt64(o.Size))
		}
	}
}

// stressBody is n random bytes, a header naming it, and the hex SHA-256
// of all that.
func stressBody(rng *rand.Rand, key string, w, seq, n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "stress|%s|%d|%d|", key, w, seq)
	for range n {
		b.WriteByte(byte(rng.Uint32()))
	}
	sum := sha256.Sum256(b.Bytes())
	b.WriteString(hex.EncodeToString(sum[:]))
	return b.Bytes()
}

// stressWhole reports whether b is a whole body: its trailer is the
// SHA-256 of the rest.
func stressWhole(b []byte) bool {
	if len(b) < 64 {
		return false
	}
	sum := sha256.Sum256(b[:len(b)-64])
	return hex.EncodeToString(sum[:]) == string(b[len(b)-64:])
}

func TestHardeningConcurrencyStress(t *testing.T) {
	e := Start(t)
	hv := hardAccessPoint(t, e, "stress-ap", 0)
	log := &stressLog{versions: map[string]int64{}, ops: map[string][]stressOp{}}
	deadline := time.Now().Add(stressBudget)
	counts := make([]map[string]int, stressWorkers)
	var wg sync.WaitGroup
	for w := range stressWorkers {
		counts[w] = map[string]int{}
		wg.Go(func() { stressWorker(t, e, hv.alias, w, log, deadline, counts[w]) })
	}
	wg.Wait()
	total := map[string]int{}
	for _, c := range counts {
		for k, n := range c {
			total[k] += n
		}
	}
	t.Logf("operations: %v", total)
	stressFinal(t, hardClient(e), hv.alias, log)
}

func stressWorker(t *testing.T, e *Env, alias string, w int, log *stressLog, deadline time.Time, count map[string]int) {
	ctx := context.Background()
	c := hardClient(e)
	rng := rand.New(rand.NewPCG(uint64(w), 42))
	b := aws.String(alias)
	fail := func(op, key string, err error) {
		if s := hardStatus(err); s >= 500 || s == 0 {
			t.Errorf("%s %s: %v", op, key, err)
		}
	}
	for seq := 0; seq < stressOps && time.Now().Before(deadline); seq++ {
		key := stressKeys[rng.IntN(len(stressKeys))]
		start := time.Now()
		switch op := rng.IntN(10); {
		case op < 3:
			n := 1 + rng.IntN(32<<10)
			if rng.IntN(10) == 0 {
				n = 256 << 10
			}
			body := stressBody(rng, key, w, seq, n)
			etag := log.sent(body)
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: bytes.NewReader(body)})
			if err != nil {
				fail("PUT", key, err)
				continue
			}
			log.wrote(key, stressOp{start, time.Now(), etag})
			count["PUT"]++
		case op < 6:
			o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(key)})
			if err != nil {
				fail("GET", key, err)
				continue
			}
			body, err := io.ReadAll(o.Body)
			o.Body.Close()
			if err != nil {
				t.Errorf("GET %s: body: %v", key, err)
				continue
			}
			sum := md5.Sum(body)
			if !stressWhole(body) || !log.known(hex.EncodeToString(sum[:])) {
				t.Errorf("GET %s: a torn or unknown body of %d bytes", key, len(body))
			}
			if got := strings.Trim(aws.ToString(o.ETag), `"`); got != hex.EncodeToString(sum[:]) {
				t.Errorf("GET %s: ETag %s of another body", key, got)
			}
			count["GET"]++
		case op < 7:
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String(key)}); err != nil {
				fail("DELETE", key, err)
				continue
			}
			log.wrote(key, stressOp{start, time.Now(), ""})
			count["DELETE"]++
		case op < 8:
			out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: b})
			if err != nil {
				fail("LIST", "", err)
				continue
			}
			log.checkListed(t, out.Contents)
			count["LIST"]++
		default:
			src := stressKeys[rng.IntN(len(stressKeys))]
			if src == key {
				continue
			}
			out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String(key), CopySource: aws.String(alias + "/" + src)})
			if hardCode(err) == "NoSuchKey" {
				continue
			}
			if err != nil {
				fail("COPY", key, err)
				continue
			}
			log.wrote(key, stressOp{start, time.Now(), strings.Trim(aws.ToString(out.CopyObjectResult.ETag), `"`)})
			count["COPY"]++
		}
	}
}

// stressFinal checks each key against the writes that could have been
// the last: those that ended after every other write had started.
func stressFinal(t *testing.T, c *s3.Client, alias string, log *stressLog) {
	for _, key := range stressKeys {
		ops := log.ops[key]
		if len(ops) == 0 {
			continue
		}
		var lastStart time.Time
		for _, o := range ops {
			if o.start.After(lastStart) {
				lastStart = o.start
			}
		}
		o, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
		got := ""
		if err == nil {
			body, _ := io.ReadAll(o.Body)
			o.Body.Close()
			sum := md5.Sum(body)
			got = hex.EncodeToString(sum[:])
		} else if hardCode(err) != "NoSuchKey" {
			t.Fatalf("final GET %s: %v", key, err)
		}
		ok := false
		var could []string
		for _, o := range ops {
			// o could be last only if no other write started after it ended.
			if !o.end.Before(lastStart) || o.start.Equal(lastStart) {
				could = append(could, o.etag)
				ok = ok || o.etag == got
			}
		}
		if !ok {
			t.Errorf("%s holds %q; an acknowledged write was lost: the last could be %q", key, got, could)
		}
	}
}

// TestHardeningListPairsVersion hammers the window between a listing's
// stat of a file and its read of the file's Meta: two clients replace
// (with bodies of changing sizes) and delete the same keys while two
// others list them. Every listed object must carry the ETag and size of
// one body that was PUT; a synthetic ETag, or one version's ETag with
// another's size, is a torn entry.
func TestHardeningListPairsVersion(t *testing.T) {
	e := Start(t)
	hv := hardAccessPoint(t, e, "pairs-ap", 0)
	log := &stressLog{versions: map[string]int64{}, ops: map[string][]stressOp{}}
	b := aws.String(hv.alias)
	var writers, listers sync.WaitGroup
	done := make(chan struct{})
	for w := range 2 {
		writers.Go(func() {
			c := hardClient(e)
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for seq := range stressOps {
				key := aws.String([]string{"p", "q/r"}[seq%2])
				var err error
				if seq%4 == 3 {
					_, err = c.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: b, Key: key})
				} else {
					body := stressBody(rng, *key, w, seq, 1+rng.IntN(4<<10))
					log.sent(body)
					_, err = c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: b, Key: key, Body: bytes.NewReader(body)})
				}
				if err != nil {
					t.Errorf("write %s: %v", *key, err)
					return
				}
			}
		})
	}
	for range 2 {
		listers.Go(func() {
			c := hardClient(e)
			for {
				select {
				case <-done:
					return
				default:
				}
				out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: b})
				if err != nil {
					t.Errorf("LIST: %v", err)
					return
				}
				log.checkListed(t, out.Contents)
			}
		})
	}
	writers.Wait()
	close(done)
	listers.Wait()
}
