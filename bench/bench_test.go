package bench

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/fsxd/fsxd/bench/stub"
)

// The stub is only a ceiling if the SDK gets real answers from it: these
// round trips go through the same client the benchmark uses.

func stubTarget(t *testing.T) *Target {
	srv := httptest.NewServer(stub.New())
	t.Cleanup(srv.Close)
	return &Target{Name: Stub, S3: NewS3Client(srv.URL, "AKIDSTUB", "secret", 4), Bucket: "b", Prefix: "p/"}
}

func TestStubPutGetHeadDelete(t *testing.T) {
	ctx := context.Background()
	tg := stubTarget(t)
	small, large := []byte("hello, ceiling"), payload(3*MiB+17) // large spans pooled chunks
	for _, data := range [][]byte{small, large} {
		if err := tg.put(ctx, "obj", data); err != nil {
			t.Fatal(err)
		}
		out, err := tg.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("p/obj")})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(out.Body)
		out.Body.Close()
		sum := md5.Sum(data)
		if !bytes.Equal(got, data) || aws.ToString(out.ETag) != `"`+hex.EncodeToString(sum[:])+`"` {
			t.Fatalf("GET: %d bytes, ETag %s; want %d bytes, MD5 %x", len(got), aws.ToString(out.ETag), len(data), sum)
		}
	}
	h, err := tg.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("b"), Key: aws.String("p/obj")})
	if err != nil || aws.ToInt64(h.ContentLength) != int64(len(large)) {
		t.Fatalf("HEAD: %v, length %d", err, aws.ToInt64(h.ContentLength))
	}
	if _, err := tg.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("b"), Key: aws.String("p/obj")}); err != nil {
		t.Fatal(err)
	}
	var nsk *types.NoSuchKey
	if _, err := tg.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("p/obj")}); !errorsAs(err, &nsk) {
		t.Fatalf("GET after DELETE: %v, want NoSuchKey", err)
	}
}

func TestStubListOrderAndPages(t *testing.T) {
	ctx := context.Background()
	tg := stubTarget(t)
	const n = 1200 // more than one 1,000-key page
	var want []string
	for i := range n {
		want = append(want, tg.Prefix+listKey("l", n, i))
	}
	// Written in parallel, so in no particular order: the listing sorts.
	if err := tg.putMany(ctx, n, func(i int) string { return listKey("l", n, n-1-i) }, nil); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if err := tg.listAll(ctx, "l/", n); err != nil {
		t.Fatal(err)
	}
	// Page by page, with a delimiter: common prefixes come once, in order,
	// and a token that is a common prefix resumes after its subtree.
	var got []string
	in := &s3.ListObjectsV2Input{Bucket: aws.String("b"), Prefix: aws.String("p/l/d00/"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(3)}
	for p := s3.NewListObjectsV2Paginator(tg.S3, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, cp := range out.CommonPrefixes {
			got = append(got, aws.ToString(cp.Prefix))
		}
	}
	var wantCP []string
	for e := range 10 {
		wantCP = append(wantCP, fmt.Sprintf("p/l/d00/e%02d/", e))
	}
	if !slices.Equal(got, wantCP) {
		t.Fatalf("common prefixes %v, want %v", got, wantCP)
	}
	out, err := tg.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b"), Prefix: aws.String("p/l/"), MaxKeys: aws.Int32(2)})
	if err != nil || len(out.Contents) != 2 || !aws.ToBool(out.IsTruncated) || aws.ToString(out.Contents[0].Key) != want[0] {
		t.Fatalf("first page: %v %+v", err, out)
	}
}

// Overwrites recycle pooled memory; a GET racing them must still get one
// whole version, never a mix (run with -race).
func TestStubOverwriteWhileReading(t *testing.T) {
	ctx := context.Background()
	tg := stubTarget(t)
	data := payload(4 * MiB)
	versions := [][]byte{data[:2*MiB], data[2*MiB:]}
	if err := tg.put(ctx, "hot", versions[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				if w%2 == 0 {
					if err := tg.put(ctx, "hot", versions[i%2]); err != nil {
						t.Error(err)
					}
					continue
				}
				out, err := tg.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("p/hot")})
				if err != nil {
					t.Error(err)
					continue
				}
				got, _ := io.ReadAll(out.Body)
				out.Body.Close()
				if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) {
					t.Error("GET returned neither version")
				}
			}
		})
	}
	wg.Wait()
}

func TestStubMultipart(t *testing.T) {
	ctx := context.Background()
	tg := stubTarget(t)
	part := payload(5 * MiB)
	if err := tg.multipart(ctx, "mp", 3, part, 2); err != nil {
		t.Fatal(err)
	}
	if n, err := tg.get(ctx, "mp", 15*MiB); err != nil || n != 15*MiB {
		t.Fatalf("GET after Complete: %d bytes, %v", n, err)
	}
}

// The report's arithmetic, as truth tables.

func TestMedianAndRatio(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{nan, 5}, 5},
		{nil, nan},
	} {
		if got := Median(c.xs); got != c.want && !(math.IsNaN(got) && math.IsNaN(c.want)) {
			t.Errorf("Median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
	// Paired per round: 80/100 and 45/50 → median(0.8, 0.9) = 0.85, not
	// median(80,45)/median(100,50) = 0.833.
	if got := PairedRatio([]float64{80, 45}, []float64{100, 50}); math.Abs(got-0.85) > 1e-9 {
		t.Errorf("PairedRatio = %v, want 0.85", got)
	}
	if got := PairedRatio([]float64{80, 45}, []float64{0, 50}); got != 0.9 {
		t.Errorf("PairedRatio skipping a zero ceiling = %v, want 0.9", got)
	}
}

func TestVerdict(t *testing.T) {
	check := func(ratio, target float64, conc, errors int, want string) {
		t.Helper()
		if got := Verdict(ratio, target, conc, errors); got != want {
			t.Errorf("Verdict(%v, %v, c=%d, errors=%d) = %s, want %s", ratio, target, conc, errors, got, want)
		}
	}
	check(0.80, 0.75, 8, 0, "PASS")
	check(0.75, 0.75, 8, 0, "PASS")
	check(0.74, 0.75, 8, 0, "MISS")
	check(0.10, 0.75, 1, 0, "-") // targets hold at c=8 only
	check(0.90, 0, 8, 0, "-")    // no target
	check(0.90, 0.75, 8, 3, "ERR")
	check(math.NaN(), 0.75, 8, 0, "n/a")
	if IdentityVerdict(0.10, 8, 0) != "PASS" || IdentityVerdict(0.11, 8, 0) != "MISS" {
		t.Error("identity: 10% cost must pass, 11% must miss")
	}
}

func TestSummarize(t *testing.T) {
	rs := []Result{
		{Case: "get-4KiB", Conc: 8, Target: Fsxd, Round: 0, Ops: 1, OpsPerSec: 800},
		{Case: "get-4KiB", Conc: 8, Target: Stub, Round: 0, Ops: 1, OpsPerSec: 1000},
		{Case: "get-4KiB", Conc: 8, Target: FsxdUser, Round: 0, Ops: 1, OpsPerSec: 760},
		{Case: "get-4KiB", Conc: 8, Target: Fsxd, Round: 1, Ops: 1, OpsPerSec: 600},
		{Case: "get-4KiB", Conc: 8, Target: Stub, Round: 1, Ops: 1, OpsPerSec: 1000},
		{Case: "get-4KiB", Conc: 8, Target: FsxdUser, Round: 1, Ops: 1, OpsPerSec: 540},
		{Case: "get-4KiB", Conc: 1, Target: Fsxd, Round: 0, Ops: 1, OpsPerSec: 1},
	}
	row := Summarize("get-4KiB", 8, 0.75, rs)
	if math.Abs(row.Ratio-0.7) > 1e-9 || row.Verdict != "MISS" {
		t.Errorf("ratio %v %s, want 0.70 MISS", row.Ratio, row.Verdict)
	}
	if math.Abs(row.IdentCost-0.075) > 1e-9 || row.IdentVerdict != "PASS" { // median(0.95, 0.90)
		t.Errorf("identity cost %v %s, want 0.075 PASS", row.IdentCost, row.IdentVerdict)
	}
	if row.Fsxd.OpsPerSec != 700 || row.Fsxd.Rounds != 2 {
		t.Errorf("fsxd median %v over %d rounds, want 700 over 2", row.Fsxd.OpsPerSec, row.Fsxd.Rounds)
	}
}

func errorsAs(err error, target any) bool { return err != nil && errors.As(err, target) }

// eofAfterClose is smithy-go's request body in miniature: once closed,
// WriteTo fails with io.EOF (see plainBody).
type eofAfterClose struct{ io.Reader }

func (eofAfterClose) Close() error                                 { return nil }
func (eofAfterClose) WriteTo(io.Writer) (int64, error)             { return 0, io.EOF }
func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type rtFunc func(*http.Request) (*http.Response, error)

func TestPlainBodyHidesWriteTo(t *testing.T) {
	r := httptest.NewRequest("PUT", "http://x/b/k", nil)
	r.Body = eofAfterClose{bytes.NewReader([]byte("data"))}
	var seen io.ReadCloser
	plainBody{rtFunc(func(r *http.Request) (*http.Response, error) { seen = r.Body; return nil, nil })}.RoundTrip(r)
	if _, ok := seen.(io.WriterTo); ok {
		t.Fatal("the transport still sees WriteTo: net/http's extra-bytes check can fail on a closed body")
	}
	if n, err := io.Copy(io.Discard, seen); n != 4 || err != nil {
		t.Fatalf("body through plainBody: %d bytes, %v", n, err)
	}
	if _, ok := r.Body.(eofAfterClose); !ok {
		t.Fatal("RoundTrip changed the caller's request")
	}
}

// /proc/<pid>/stat: fields counted from the command name's last ')', so
// a name with spaces and parentheses does not shift utime and stime.
func TestParseStatCPU(t *testing.T) {
	line := "4242 (fsxd (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 130 0 0 20 0 9 0 100 0 0\n"
	got, err := parseStatCPU(line)
	if err != nil || got != 3800*time.Millisecond {
		t.Fatalf("parseStatCPU = %v, %v; want 3.8s (250+130 ticks)", got, err)
	}
	for _, bad := range []string{"", "4242 fsxd S 1", "4242 (fsxd) S 1 2 3"} {
		if _, err := parseStatCPU(bad); err == nil {
			t.Errorf("parseStatCPU(%q) accepted", bad)
		}
	}
}

// CPU is per GiB for ops moving ≥ 1 MiB, else per 1,000 ops.
func TestCPUPerUnit(t *testing.T) {
	cpu := 2.0
	big := Result{Ops: 64, Bytes: 64 * MiB * 16, CPUSeconds: &cpu} // 1 GiB
	if v, u := CPUPerUnit(big); u != "s/GiB" || v != 2 {
		t.Errorf("large: %v %s, want 2 s/GiB", v, u)
	}
	small := Result{Ops: 4000, Bytes: 4000 * 4 * KiB, CPUSeconds: &cpu}
	if v, u := CPUPerUnit(small); u != "s/1k ops" || v != 0.5 {
		t.Errorf("small: %v %s, want 0.5 s/1k ops", v, u)
	}
	if _, u := CPUPerUnit(Result{Ops: 1}); u != "" {
		t.Error("unmeasured CPU got a unit")
	}
	client := 1.0
	big.ClientCPU = &client
	if st := stat([]Result{big, big}); st.CPUPerUnit != 2 || st.ClientCPUPerUnit != 1 {
		t.Errorf("stat: server %v, client %v s/GiB; want 2 and 1", st.CPUPerUnit, st.ClientCPUPerUnit)
	}
	if st := stat([]Result{small}); !math.IsNaN(st.ClientCPUPerUnit) {
		t.Errorf("unmeasured client CPU: %v, want NaN", st.ClientCPUPerUnit)
	}
	h := MeasureHashCost()
	for name, v := range map[string]float64{"MD5": h.MD5, "SHA256": h.SHA256} {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("HashCost.%s = %v", name, v)
		}
	}
	if h.Floor() != h.MD5+h.SHA256 {
		t.Errorf("Floor %v, want %v", h.Floor(), h.MD5+h.SHA256)
	}
}
