package s3api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/fsxd/fsxd/auth"
	"github.com/fsxd/fsxd/identity"
)

// BenchmarkPutSigned is a PUT signed as aws-sdk-go-v2 signs it over plain
// HTTP (a hex x-amz-content-sha256, so the server hashes MD5 for the ETag
// and SHA-256 for the payload), through real SigV4 verification, the
// Handler and a real volume (NoFsync): the CPU a large PUT costs the
// server, apart from the network. Bytes/s is the body size.
func BenchmarkPutSigned(b *testing.B) {
	for _, size := range []int{1 << 20, 64 << 20} {
		b.Run(sizeLabel(size), func(b *testing.B) { benchPutSigned(b, size) })
	}
}

func sizeLabel(n int) string {
	if n >= 1<<20 {
		return strconv.Itoa(n>>20) + "MiB"
	}
	return strconv.Itoa(n>>10) + "KiB"
}

func benchPutSigned(b *testing.B, size int) {
	a := &auth.Authenticator{Now: time.Now, Lookup: func(_ context.Context, id string) (identity.Credential, error) {
		return identity.Credential{Secret: sdkSecret, Active: true, Principal: auth.Principal{AccountID: testAccount,
			ARN: "arn:aws:iam::" + testAccount + ":root", IsRoot: true}}, nil
	}}
	e := newEnv(b, func(c *Config) {
		c.Authenticate = func(r *http.Request) (*auth.Principal, error) {
			p, _, err := a.Authenticate(r, auth.S3)
			return p, err
		}
	})
	body := make([]byte, size)
	for i := range body {
		body[i] = byte(i * 7)
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: sdkKey, SecretAccessKey: sdkSecret}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	defer reportCPU(b, size)()
	for b.Loop() {
		r := httptest.NewRequest("PUT", "http://s3.test/"+testAlias+"/bench", bytes.NewReader(body))
		r.Header.Set("X-Amz-Content-Sha256", payload)
		if err := signer.SignHTTP(context.Background(), creds, r, payload, "s3", "us-west-2", time.Now()); err != nil {
			b.Fatal(err)
		}
		w := httptest.NewRecorder()
		e.h.Serve(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
}

// reportCPU reports the process's CPU seconds per GiB of body over the
// loop (user + system, all threads): steadier than wall time on a shared
// machine, and it counts the kernel's share of a write.
func reportCPU(b *testing.B, size int) func() {
	c0 := processCPU()
	return func() {
		gib := float64(b.N) * float64(size) / (1 << 30)
		b.ReportMetric((processCPU()-c0).Seconds()/gib, "cpu-s/GiB")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
