package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// updateConsoleShots rewrites docs/console/*.jpg from the browser test
// (go test ./e2e -run TestConsole -update-console); normal runs
// take no screenshots.
var updateConsoleShots = flag.Bool("update-console", false, "rewrite docs/console/*.jpg")

// browser is one headless Chromium driven over the DevTools protocol.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string
}

func newBrowser(t *testing.T, env *Env) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// The first Do starts the browser; its context must outlive the test.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, url: env.URL + "/_fsxd/console/"}
}

// chromiumPath finds Debian's chromium (scripts/deps.sh installs it).
func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("chromium not installed: run scripts/deps.sh (Debian package chromium)")
	return ""
}

// browserWait bounds one step: a page that never shows what is awaited
// fails the test instead of hanging it.
const browserWait = 30 * time.Second

func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserWait)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserWait)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// waitText waits until sel's text contains want. It evaluates again and
// again rather than with one Poll: a click that navigates destroys the
// page a Poll runs in.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	js := `(() => { const e = document.querySelector(` + jsString(sel) + `); return !!e && e.textContent.includes(` + jsString(want) + `); })()`
	b.waitJS("for "+sel+" to say "+want, js)
}

// waitJS waits until the expression is true.
func (b *browser) waitJS(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(browserWait)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText`))
			b.t.Fatalf("wait %s: %v; the page says:\n%s", what, err, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	// Found and read in one evaluation: a node looked up by id first can be
	// replaced by a re-render before its text is read.
	q := `document.querySelector(` + jsString(sel) + `)`
	b.waitJS("for "+sel, "!!"+q)
	return get(b, "text of "+sel, chromedp.Evaluate[string](`(() => { const e = `+q+`; return e ? e.textContent : ""; })()`))
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func (b *browser) signIn(key, secret string) {
	b.t.Helper()
	b.run("sign in", chromedp.Navigate(b.url+"signin"),
		chromedp.SetValue(chromedp.CSS("#akid"), key), chromedp.SetValue(chromedp.CSS("#secret"), secret),
		chromedp.Click(chromedp.CSS("#signin")), chromedp.WaitReady(chromedp.CSS("body")))
}

func (b *browser) cookies() []*network.Cookie {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		b.t.Fatal(err)
	}
	return res.Cookies
}

// shot saves a screenshot of the page under docs/console when asked.
func (b *browser) shot(name string) {
	b.t.Helper()
	if !*updateConsoleShots {
		return
	}
	img := get(b, "screenshot", chromedp.FullScreenshot(80))
	if err := os.WriteFile(filepath.Join("..", "docs", "console", name+".jpg"), img, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// restrictedUser makes an IAM user who may look at FSx but change nothing.
func restrictedUser(t *testing.T, env *Env) (string, string) {
	t.Helper()
	return policyUser(t, env, "viewer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["fsx:Describe*"],"Resource":"*"}]}`)
}

// policyUser makes an IAM user with the inline policy doc and returns its
// access key.
func policyUser(t *testing.T, env *Env, user, doc string) (string, string) {
	t.Helper()
	ctx := context.Background()
	name := aws.String(user)
	if _, err := env.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.IAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("inline"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	k, err := env.IAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: name})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey)
}

// switchTo signs out and signs in as a new IAM user with the policy doc.
func (b *browser) switchTo(env *Env, user, doc string) {
	b.t.Helper()
	key, secret := policyUser(b.t, env, user, doc)
	b.run("sign out", chromedp.Navigate(b.url), chromedp.Click(chromedp.CSS("#signout")))
	b.waitText("h1", "Sign in")
	b.signIn(key, secret)
	b.waitText("#who", ":user/"+user)
}

// refused is why the control sel is disabled ("" when it is enabled): its
// title, which the console sets to the refusal.
func (b *browser) refused(sel string) string {
	b.t.Helper()
	js := `(() => { const e = document.querySelector(` + jsString(sel) + `); if (!e) return "missing"; return e.disabled ? (e.title || "disabled without a reason") : ""; })()`
	return get(b, "state of "+sel, chromedp.Evaluate[string](js))
}

// upload gives #file-input these files once the page's script listens
// for them. After a click that navigated, two races showed on a loaded
// machine. Files set before app.js's DOMContentLoaded handler ran start no
// upload, so this first waits for readyState "complete", which comes after
// that handler. And chromedp's copy of the DOM can lag the page, so the
// node it finds is the old page's: gone ("Could not find node with given
// id"), or one the live input never sees. So it checks that the live input
// holds the files and sets them again if not; files the live input took
// are never set twice.
func (b *browser) upload(paths ...string) {
	b.t.Helper()
	b.waitJS("for the page's script", `document.readyState === "complete"`)
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	want, _ := json.Marshal(names)
	held := `(() => { const want = ` + string(want) + `, got = document.getElementById("file-input")?.files || [];
		return got.length === want.length && want.every((n, i) => got[i].name === n); })()`
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(b.ctx, browserWait)
		err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#file-input"), paths))
		cancel()
		if err == nil {
			if b.holds(held) {
				return
			}
			err = errors.New("the page's file input does not hold the files")
		} else if !strings.Contains(err.Error(), "Could not find node") {
			b.t.Fatalf("upload: %v", err)
		}
		if try == 3 {
			b.t.Fatalf("upload: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// holds reports whether js turns true within a second.
func (b *browser) holds(js string) bool {
	for range 20 {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}
