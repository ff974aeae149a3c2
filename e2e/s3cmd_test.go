package e2e

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestS3cmdWorkflow runs Debian's s3cmd with its defaults plus endpoint,
// credentials and path style (docs/clients.md, "s3cmd"): put, get, ls,
// sync both ways and del, with one file above s3cmd's 15 MiB multipart
// chunk size. s3cmd sends x-amz-storage-class: STANDARD on every upload.
func TestS3cmdWorkflow(t *testing.T) {
	bin := needTool(t, "s3cmd")
	e := Start(t)
	alias := s3AccessPoint(t, e, "s3cmd-ap")
	home := t.TempDir()
	host := e.Addr
	cfg := filepath.Join(home, ".s3cfg")
	// host_bucket without %(bucket)s is s3cmd's path-style switch.
	os.WriteFile(cfg, []byte("[default]\n"+
		"access_key = "+e.Key+"\n"+
		"secret_key = "+e.Secret+"\n"+
		"host_base = "+host+"\n"+
		"host_bucket = "+host+"\n"+
		"use_https = False\n"), 0o600)
	s3cmd := func(args ...string) string {
		t.Helper()
		return runTool(t, []string{"HOME=" + home}, bin, append([]string{"-c", cfg, "--no-progress"}, args...)...)
	}

	src := t.TempDir()
	big := make([]byte, 16<<20+123) // above the 15 MiB chunk: multipart
	rand.Read(big)
	files := map[string][]byte{
		"a.txt":        []byte("alpha\n"),
		"sub/b.txt":    []byte("bravo\n"),
		"sub/deep/c":   []byte("charlie\n"),
		"big/data.bin": big,
	}
	writeTree(t, src, files)

	url := "s3://" + alias
	s3cmd("put", filepath.Join(src, "a.txt"), filepath.Join(src, "big/data.bin"), url+"/one/")
	out := t.TempDir()
	s3cmd("get", url+"/one/a.txt", url+"/one/data.bin", out+"/")
	sameTree(t, out, map[string][]byte{"a.txt": files["a.txt"], "data.bin": big})
	if ls := s3cmd("ls", url+"/one/"); !strings.Contains(ls, url+"/one/a.txt") || !strings.Contains(ls, url+"/one/data.bin") {
		t.Fatalf("s3cmd ls:\n%s", ls)
	}

	s3cmd("sync", src+"/", url+"/tree/")
	back := t.TempDir()
	s3cmd("sync", url+"/tree/", back+"/")
	sameTree(t, back, files)
	// A second sync after a local change sends only the change.
	files["a.txt"] = []byte("alpha, changed\n")
	writeTree(t, src, map[string][]byte{"a.txt": files["a.txt"]})
	if sync := s3cmd("sync", src+"/", url+"/tree/"); strings.Contains(sync, "data.bin") || !strings.Contains(sync, "a.txt") {
		t.Errorf("second sync should send a.txt only:\n%s", sync)
	}
	if got := getBody(t, e, alias, "tree/a.txt"); got != "alpha, changed\n" {
		t.Fatalf("after sync, tree/a.txt = %q", got)
	}

	s3cmd("del", url+"/one/a.txt", url+"/one/data.bin")  // one DELETE each
	s3cmd("del", "--recursive", "--force", url+"/tree/") // DeleteObjects
	if keys := listKeys(t, e, alias); len(keys) != 0 {
		t.Fatalf("after del, keys left: %v", keys)
	}
}
