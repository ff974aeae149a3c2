package e2e

// kill -9 at many points of a scripted workload. The real binary runs as a
// child process; a few workers, each owning its own keys, PUT (new keys and
// overwrites), CopyObject, complete multipart uploads, retag and DELETE,
// and the process is SIGKILLed at a random moment (seeded: FSXD_CRASH_SEED
// replays a run), then restarted. After each restart, for every key:
//
//   - it holds exactly the outcome of its last acknowledged operation, or
//     the outcome of the one operation that was in flight at the kill
//     (absent counts as an outcome: never created, or deleted);
//   - its metadata is that outcome's: the ETag (MD5, or the multipart
//     ETag), Content-Type and tags all belong to the content read;
//   - the listing shows exactly the present keys;
//
// and the temp files a kill leaves (one is planted after each kill, as a
// kill between a commit's hidden link and its rename leaves it) are gone
// soon after start, and the store still has the volume and the access
// point AVAILABLE.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	crashKills   = 16
	crashWorkers = 3
	crashKeys    = 4 // per worker
)

// crashVal is what a key holds: nothing, or content with its metadata.
type crashVal struct {
	present bool
	sum     [16]byte
	etag    string // "" = hex(sum); set for multipart objects
	ctype   string
	tags    string // "k=v" or ""
}

func (v crashVal) String() string {
	if !v.present {
		return "absent"
	}
	return fmt.Sprintf("%x etag=%s type=%s tags=%s", v.sum[:4], v.etag, v.ctype, v.tags)
}

// crashKey is one key's model: the outcome of its last acknowledged
// operation, and of the operation in flight, if any.
type crashKey struct {
	committed crashVal
	pending   *crashVal
}

func TestHardeningCrashKill9(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FSXD_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (FSXD_CRASH_SEED=%d replays it)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	p := StartProcess(t, ProcessOptions{Name: "crash", DataDir: t.TempDir(), Args: []string{"--lifecycle-delay", "100ms"}})
	hv := hardAccessPoint(t, p.Env, "crash-ap", 0)
	model := map[string]*crashKey{}
	for w := range crashWorkers {
		for k := range crashKeys {
			model[fmt.Sprintf("w%d/k%d", w, k)] = &crashKey{}
		}
	}
	var ops, acked int
	for kill := range crashKills {
		c := hardClient(p.Env)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		for w := range crashWorkers {
			wrng := rand.New(rand.NewPCG(seed, uint64(kill*crashWorkers+w+2)))
			wg.Go(func() {
				n, a := crashWork(t, c, hv.alias, w, kill, wrng, model, stop)
				mu.Lock()
				ops, acked = ops+n, acked+a
				mu.Unlock()
			})
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		p.Kill()
		close(stop)
		wg.Wait()
		// What a kill between the hidden link and the rename of a commit
		// leaves (or any write where O_TMPFILE is unsupported).
		os.WriteFile(filepath.Join(hv.dir, fmt.Sprintf(".fsxd-tmp-kill%d", kill)), []byte("dead"), 0o644)
		p.Restart()
		crashCheck(t, p.Env, hv, model)
		if t.Failed() {
			t.Fatalf("invariants broken after kill %d", kill+1)
		}
	}
	t.Logf("%d kills, %d operations started, %d acknowledged", crashKills, ops, acked)
}

// crashWork runs worker w's operations on its keys until one fails
// (the server died) or stop closes. Each operation records its outcome as
// pending before it starts, and makes it committed once acknowledged.
func crashWork(t *testing.T, c *s3.Client, alias string, w, round int, rng *rand.Rand, model map[string]*crashKey, stop <-chan struct{}) (ops, acked int) {
	ctx := context.Background()
	key := func() string { return fmt.Sprintf("w%d/k%d", w, rng.IntN(crashKeys)) }
	for seq := 0; ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		k := key()
		m := model[k]
		gen := fmt.Sprintf("r%d-%d", round, seq)
		var out crashVal
		var do func() error
		switch op := rng.IntN(10); {
		case op < 4: // PUT: a new key or an overwrite
			body := crashBody(rng, k, gen, 1+rng.IntN(256<<10))
			out = crashVal{present: true, sum: md5.Sum(body), ctype: "text/x-" + gen, tags: "gen=" + gen}
			do = func() error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(k), Body: bytes.NewReader(body),
					ContentType: aws.String(out.ctype), Tagging: aws.String(out.tags)})
				return err
			}
		case op < 6: // CopyObject from another key of this worker
			src := key()
			if src == k || !model[src].committed.present {
				continue
			}
			out = model[src].committed
			out.etag = "" // a copy's ETag is its MD5
			do = func() error {
				_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(alias), Key: aws.String(k), CopySource: aws.String(alias + "/" + src)})
				return err
			}
		case op < 7: // a multipart upload; only Complete changes the key
			var err error
			out, do, err = crashMultipart(ctx, c, alias, k, gen, rng)
			if err != nil {
				return
			}
		case op < 9: // retag
			if !m.committed.present {
				continue
			}
			out = m.committed
			out.tags = "gen=" + gen
			do = func() error {
				_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(alias), Key: aws.String(k),
					Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("gen"), Value: aws.String(gen)}}}})
				return err
			}
		default:
			do = func() error {
				_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(alias), Key: aws.String(k)})
				return err
			}
		}
		m.pending = &out
		ops++
		err := do()
		if err != nil {
			if s := hardStatus(err); s >= 500 {
				t.Errorf("%s: a 5xx: %v", k, err)
			}
			return // the server died: the operation stays pending
		}
		m.committed, m.pending = out, nil
		acked++
	}
}

// crashBody is n bytes that start with the key and generation.
func crashBody(rng *rand.Rand, key, gen string, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	copy(b, key+"|"+gen+"|")
	return b
}

// crashMultipart creates an upload and sends its parts (one small part,
// or a 5 MiB part and a small one, in either order: multipart/slot.go);
// the returned do completes it.
func crashMultipart(ctx context.Context, c *s3.Client, alias, k, gen string, rng *rand.Rand) (crashVal, func() error, error) {
	out := crashVal{present: true, ctype: "application/x-mp-" + gen, tags: "gen=" + gen}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(k),
		ContentType: aws.String(out.ctype), Tagging: aws.String(out.tags)})
	if err != nil {
		return out, nil, err
	}
	sizes := []int{1 + rng.IntN(64<<10)}
	if rng.IntN(3) == 0 {
		sizes = []int{5 << 20, 1 + rng.IntN(64<<10)}
	}
	whole, partSums := md5.New(), md5.New()
	parts := make([]s3types.CompletedPart, len(sizes))
	bodies := make([][]byte, len(sizes))
	for i, n := range sizes {
		bodies[i] = crashBody(rng, k, gen, n)
		whole.Write(bodies[i])
		ps := md5.Sum(bodies[i])
		partSums.Write(ps[:])
	}
	// Either order: the 5 MiB part first writes both in place (slots),
	// the small one first leaves it a part file beside the slot file.
	order := rng.Perm(len(sizes))
	for _, i := range order {
		r, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(alias), Key: aws.String(k), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(bodies[i])})
		if err != nil {
			return out, nil, err
		}
		parts[i] = s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: r.ETag}
	}
	out.sum = [16]byte(whole.Sum(nil))
	out.etag = fmt.Sprintf("%x-%d", partSums.Sum(nil), len(sizes))
	return out, func() error {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(alias), Key: aws.String(k),
			UploadId: up.UploadId, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
		return err
	}, nil
}

// crashCheck reads every key back after a restart, checks it against the
// model and settles the model on what it found.
func crashCheck(t *testing.T, e *Env, hv hardVolume, model map[string]*crashKey) {
	t.Helper()
	if got, why := apState(t, e, "crash-ap"); got != "AVAILABLE" {
		t.Errorf("after restart the access point is %s (%s)", got, why)
	}
	apWaitVolume(t, e, hv.volID)
	c := hardClient(e)
	var present []string
	for k, m := range model {
		got := crashRead(t, c, hv.alias, k)
		ok := got == m.committed
		if !ok && m.pending != nil && got == *m.pending {
			ok = true
		}
		if !ok {
			p := "none"
			if m.pending != nil {
				p = m.pending.String()
			}
			t.Errorf("%s holds %v; last acknowledged %v, in flight %s", k, got, m.committed, p)
		}
		m.committed, m.pending = got, nil
		if got.present {
			present = append(present, k)
		}
	}
	slices.Sort(present)
	keys, _ := hardList(t, c, hv.alias, "", "")
	if !slices.Equal(keys, present) {
		t.Errorf("LIST %v, want %v", keys, present)
	}
	Eventually(t, 5*time.Second, "temp files cleaned after restart", func() bool {
		left := 0
		filepath.WalkDir(hv.dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), ".fsxd-tmp-") {
				left++
			}
			return nil
		})
		return left == 0
	})
}

// crashRead is what key holds, metadata checked against the content.
func crashRead(t *testing.T, c *s3.Client, alias, k string) crashVal {
	t.Helper()
	ctx := context.Background()
	o, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(k)})
	if hardCode(err) == "NoSuchKey" {
		return crashVal{}
	}
	if err != nil {
		t.Fatalf("GET %s: %v", k, err)
	}
	h := md5.New()
	_, err = io.Copy(h, o.Body)
	o.Body.Close()
	if err != nil {
		t.Fatalf("GET %s: %v", k, err)
	}
	v := crashVal{present: true, sum: [16]byte(h.Sum(nil)), ctype: aws.ToString(o.ContentType)}
	etag := strings.Trim(aws.ToString(o.ETag), `"`)
	if strings.Contains(etag, "-") {
		v.etag = etag
	} else if etag != hex.EncodeToString(v.sum[:]) {
		t.Errorf("%s: ETag %s does not match its content %x", k, etag, v.sum)
	}
	tg, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(alias), Key: aws.String(k)})
	if err != nil {
		t.Fatalf("GetObjectTagging %s: %v", k, err)
	}
	for _, tag := range tg.TagSet {
		v.tags = aws.ToString(tag.Key) + "=" + aws.ToString(tag.Value)
	}
	return v
}
