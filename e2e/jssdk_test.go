package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// jsSteps are the steps of testdata/jssdk/run.mjs, in order.
var jsSteps = []string{
	"CreateFileSystem", "CreateVolume", "CreateAndAttachS3AccessPoint", "DescribeS3AccessPointAttachments",
	"PutObject", "PutObjectStream", "GetObject", "HeadObject", "MetadataAndTags", "CopyObject", "ListObjectsV2",
	"MultipartUpload", "DeleteObjects", "ConditionalGet", "PresignedGet", "PresignedPut", "NoSuchKey", "FSxNotFound",
	"DetachAndDeleteS3AccessPoint",
}

// jsSummary is what run.mjs prints: each step's result, and the checksum
// and coding headers of each S3 request it sent.
type jsSummary struct {
	Steps map[string]map[string]any `json:"steps"`
	Sent  []struct {
		Op      string            `json:"op"`
		Headers map[string]string `json:"headers"`
	} `json:"sent"`
}

// TestJSSDK drives fsxd with the AWS SDK for JavaScript v3 (npm
// @aws-sdk/client-fsx, client-s3, lib-storage, s3-request-presigner) at its
// default settings: FSx calls through an access point's life, then S3
// calls through its alias, each checked in the script and here.
func TestJSSDK(t *testing.T) {
	node := needTool(t, "node")
	npm := needTool(t, "npm")
	jsNodeVersion(t, node)
	script := jsModules(t, npm)
	e := Start(t)
	sum := jsRun(t, e, node, script)
	jsCheckSteps(t, sum.Steps)
	jsCheckSent(t, sum)
}

// jsRun runs the script against e and fails the test, naming the step,
// unless every step ran and passed.
func jsRun(t *testing.T, e *Env, node, script string) *jsSummary {
	t.Helper()
	cmd := exec.Command(node, script)
	cmd.Env = append(toolEnv(),
		"HOME="+t.TempDir(), // no ~/.aws/config: the SDK's defaults
		"FSXD_ENDPOINT="+e.URL, "FSXD_REGION="+Region,
		"FSXD_ACCESS_KEY_ID="+e.Key, "FSXD_SECRET_ACCESS_KEY="+e.Secret,
	)
	var stderr strings.Builder // the SDK's warnings; stdout is the summary alone
	cmd.Stderr, cmd.WaitDelay = &stderr, time.Second
	timer := time.AfterFunc(time.Minute, func() { _ = cmd.Process.Kill() })
	stdout, err := cmd.Output()
	timer.Stop()
	out := string(stdout) + stderr.String()
	var sum jsSummary
	if jerr := json.Unmarshal(stdout, &sum); jerr != nil {
		t.Fatalf("node %s: %v, no summary (%v):\n%s", script, err, jerr, out)
	}
	for _, name := range jsSteps {
		s, ok := sum.Steps[name]
		if !ok {
			t.Errorf("%s and the steps after it: not run", name)
			break
		}
		if s["ok"] != true {
			t.Errorf("%s: %v (HTTP status %v)", name, s["error"], jsText(s["status"]))
		}
	}
	if err != nil || t.Failed() {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	return &sum
}

// jsCheckSteps holds the results the script reported to what fsxd must
// answer, so a change in either shows here.
func jsCheckSteps(t *testing.T, steps map[string]map[string]any) {
	t.Helper()
	for _, c := range []struct{ step, field, want string }{
		{"DescribeS3AccessPointAttachments", "lifecycle", "AVAILABLE"},
		{"GetObject", "storageClass", "FSX_OPENZFS"},
		{"ConditionalGet", "status", "304"},
		{"PresignedGet", "signed", "AWS4-HMAC-SHA256"},
		{"PresignedPut", "status", "200"},
		{"NoSuchKey", "name", "NoSuchKey"},
		{"NoSuchKey", "status", "404"},
		{"NoSuchKey", "headName", "NotFound"},
		{"FSxNotFound", "name", "FileSystemNotFound"},
		{"FSxNotFound", "status", "400"},
		{"ListObjectsV2", "pages", "3"},
		{"DetachAndDeleteS3AccessPoint", "lifecycle", "DELETING"},
	} {
		if got := jsText(steps[c.step][c.field]); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.step, c.field, got, c.want)
		}
	}
	if etag := jsText(steps["MultipartUpload"]["eTag"]); !strings.HasSuffix(strings.Trim(etag, `"`), "-3") {
		t.Errorf("multipart ETag %q, want 3 parts", etag)
	}
}

// jsCheckSent checks that the SDK's default checksums went on the wire, as
// a header beside a whole body and as an aws-chunked trailer after a
// stream (so the test exercises both), and that fsxd answered with them.
func jsCheckSent(t *testing.T, sum *jsSummary) {
	t.Helper()
	for _, step := range []string{"PutObject", "PutObjectStream"} {
		if crc := jsText(sum.Steps[step]["crc32"]); crc == "" {
			t.Errorf("%s: no ChecksumCRC32 in the response to the SDK's default CRC32", step)
		}
	}
	seen := map[string]bool{}
	for _, s := range sum.Sent {
		h := s.Headers
		if s.Op != "PutObjectCommand" && s.Op != "UploadPartCommand" {
			continue
		}
		switch {
		case h["content-encoding"] == "aws-chunked" && h["x-amz-trailer"] == "x-amz-checksum-crc32":
			seen["trailer"] = true
		case h["x-amz-checksum-crc32"] != "":
			seen["header"] = true
		default:
			t.Errorf("%s sent no CRC32 (headers %v): the SDK's default checksum is not exercised", s.Op, h)
		}
		if kind := s.Op + " " + strings.Join(slices.Sorted(maps.Keys(h)), " "); !seen[kind] {
			seen[kind] = true
			t.Logf("%s sent %v", s.Op, h)
		}
	}
	if !seen["header"] || !seen["trailer"] {
		t.Errorf("CRC32 sent as a header: %v, in an aws-chunked trailer: %v; want both", seen["header"], seen["trailer"])
	}
	for _, name := range jsSteps {
		t.Logf("%s: %v", name, sum.Steps[name])
	}
}

func jsText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// jsMinNode is the oldest Node.js major version the locked @aws-sdk
// packages support (their package.json engines). Debian 12's nodejs is 18:
// scripts/deps.sh then installs Node.js 22 from npm.
const jsMinNode = 20

// jsNodeVersion fails the test, saying why, where node is too old for the
// SDK, rather than letting the SDK fail somewhere inside the script.
func jsNodeVersion(t *testing.T, node string) {
	t.Helper()
	out, err := exec.Command(node, "-p", "process.versions.node").Output()
	if err != nil {
		t.Fatalf("node -p process.versions.node: %v", err)
	}
	v := strings.TrimSpace(string(out))
	major, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(major); err != nil || n < jsMinNode {
		t.Fatalf("node %s is older than the AWS SDK for JavaScript supports (>= %d); scripts/deps.sh installs a newer one", v, jsMinNode)
	}
}

// jsModules installs testdata/jssdk's locked packages with `npm ci` into a
// directory of the user's cache named by the lock's hash (outside the
// repository: gofmt and go vet need not walk them), once, and copies
// run.mjs beside them, where Node resolves its imports. It returns the
// script's path.
func jsModules(t *testing.T, npm string) string {
	t.Helper()
	src := filepath.Join("testdata", "jssdk")
	files := map[string][]byte{}
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json", "run.mjs"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
		if name != "run.mjs" {
			h.Write(b)
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "fsxd-e2e", "jssdk-"+hex.EncodeToString(h.Sum(nil))[:16])
	if !jsInstalled(dir) {
		jsInstall(t, npm, dir, files)
	}
	// Written anew each run (the script may change without the lock), by
	// rename so that a concurrent run never reads half of it.
	f, err := os.CreateTemp(dir, "run-*.tmp")
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Write(files["run.mjs"])
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	script := filepath.Join(dir, "run.mjs")
	if err == nil {
		err = os.Rename(f.Name(), script)
	}
	if err != nil {
		os.Remove(f.Name())
		t.Fatal(err)
	}
	return script
}

// jsInstall runs `npm ci` in a fresh directory beside dir and renames it
// to dir, so a run stopped half-way leaves nothing that looks installed.
func jsInstall(t *testing.T, npm, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for _, name := range []string{"package.json", "package-lock.json"} {
		if err := os.WriteFile(filepath.Join(tmp, name), files[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// npm keeps the user's HOME and npmrc: they say which registry to use.
	runTool(t, []string{"HOME=" + os.Getenv("HOME")}, npm, "ci", "--prefix", tmp, "--no-audit", "--no-fund")
	if err := os.Rename(tmp, dir); err != nil && !jsInstalled(dir) {
		t.Fatal(err)
	}
}

func jsInstalled(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	return err == nil
}
