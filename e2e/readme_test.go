package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fsxd/fsxd/server"
)

// readmeEndpoint is the address the README's blocks talk to (`make run`).
const readmeEndpoint = "http://127.0.0.1:9000"

// readmeBlock is one ```sh block of the README and the heading above it.
type readmeBlock struct {
	heading, script string
}

var (
	readmeBlockRE   = regexp.MustCompile("(?s)\n```sh\n(.*?)\n```")
	readmeHeadingRE = regexp.MustCompile(`\n##+ ([^\n]*)`) // blocks hold only # comments
)

// readmeBlocks returns the README's shell blocks that drive fsxd (those
// that call the awsd function): the ones a reader pastes against make run.
func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	var out []readmeBlock
	for _, m := range readmeBlockRE.FindAllStringSubmatchIndex(text, -1) {
		script := text[m[2]:m[3]]
		if !strings.Contains(script, "awsd ") {
			continue
		}
		heads := readmeHeadingRE.FindAllStringSubmatch(text[:m[0]], -1)
		if len(heads) == 0 {
			t.Fatalf("README block without a heading above it:\n%s", script)
		}
		out = append(out, readmeBlock{heads[len(heads)-1][1], script})
	}
	return out
}

// TestREADMEBlocks pastes each of the README's shell blocks, as one block,
// into bash -e against a fresh server whose data dir is ./fsxd-data, as
// with make run, using the AWS CLI that make test installs (Debian's
// awscli; FSXD_TEST_AWS names another). The only change to a block is the
// server's port. A block passes when every command in it succeeds (the
// blocks check what must be refused themselves) and it leaves no scratch
// file in the directory it ran in.
func TestREADMEBlocks(t *testing.T) {
	aws := readmeAWS(t)
	blocks := readmeBlocks(t)
	if len(blocks) < 3 { // the walkthrough, ONTAP, least privilege
		t.Fatalf("found %d runnable README blocks, want at least 3", len(blocks))
	}
	for _, b := range blocks {
		t.Run(b.heading, func(t *testing.T) {
			t.Parallel() // each block has a server of its own
			runREADMEBlock(t, aws, b)
		})
	}
}

// readmeAWS returns a directory whose aws is the CLI to test with.
func readmeAWS(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("FSXD_TEST_AWS")
	if bin == "" {
		bin = "/usr/bin/aws" // Debian's awscli, which scripts/deps.sh installs
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("no AWS CLI at %s (make test installs Debian's awscli; FSXD_TEST_AWS names another): %v", bin, err)
	}
	dir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(dir, "aws")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runREADMEBlock(t *testing.T, awsDir string, b readmeBlock) {
	work := t.TempDir() // the "repository": fsxd-data and botocore/ live here
	data := filepath.Join(work, "fsxd-data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	e := Start(t, func(c *server.Config) { c.DataDir = data })
	writeRootCreds(t, data, e.Key, e.Secret)
	botocore, err := filepath.Abs("../botocore")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(botocore, filepath.Join(work, "botocore")); err != nil {
		t.Fatal(err)
	}
	home, scratch := t.TempDir(), t.TempDir()
	script := filepath.Join(t.TempDir(), "block.sh")
	if err := os.WriteFile(script, []byte(strings.ReplaceAll(b.script, readmeEndpoint, e.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Generous: each CLI call starts a Python interpreter, slow on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", script)
	cmd.Dir = work
	cmd.WaitDelay = 10 * time.Second // an aws child left behind must not hold the output pipe open
	cmd.Env = append(envWithout("AWS_"), "HOME="+home, "TMPDIR="+scratch,
		"PATH="+awsDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"AWS_CONFIG_FILE="+filepath.Join(home, "aws-config"), "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the %q block fails when pasted: %v\n%s", b.heading, err, out)
	}
	assertOnly(t, work, "botocore", "fsxd-data") // os.ReadDir sorts
	assertOnly(t, scratch)
}

// writeRootCreds leaves the root key where make run's first start does.
func writeRootCreds(t *testing.T, data, key, secret string) {
	t.Helper()
	b, _ := json.MarshalIndent(map[string]string{"AccessKeyId": key, "SecretAccessKey": secret}, "", "  ")
	if err := os.WriteFile(filepath.Join(data, "root-credentials.json"), append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
}

// assertOnly fails unless dir holds exactly the names given: scratch files
// belong in a temporary directory the block removes.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v after the block, want %v", dir, got, names)
	}
}
