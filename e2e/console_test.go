package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fsx"
	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/fsxd/fsxd/server"
)

// TestConsoleBrowser drives the web console in a real headless Chromium:
// root creates a volume and an access point, uploads 20 MiB through the
// object browser, downloads it back, gets a policy mistake reported; a
// restricted IAM user sees a refusal explained.
func TestConsoleBrowser(t *testing.T) {
	env := Start(t)
	fs := createOpenZFS(t, env)
	waitFileSystem(t, env, aws.ToString(fs.FileSystemId), types.FileSystemLifecycleAvailable)
	viewerKey, viewerSecret := restrictedUser(t, env)
	b := newBrowser(t, env)

	b.run("open console", chromedp.Navigate(b.url))
	b.waitText("h1", "Sign in") // no session: sent to the sign-in form
	b.signIn(env.Key, "wrong-secret")
	b.waitText("#main", "Those credentials were not accepted.")
	b.shot("signin")
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")
	checkCookie(t, b)

	vol := consoleCreateVolume(t, b, env, aws.ToString(fs.FileSystemId))
	alias := consoleCreateAccessPoint(t, b, vol)
	data := consoleUpload(t, b, alias)
	consoleDownload(t, b, data)
	consolePolicyError(t, b)
	consoleServerPage(t, b)
	consoleIAM(t, b)
	consoleCSRF(t, b, env)
	b.run("sign out", chromedp.Navigate(b.url), chromedp.Click(chromedp.CSS("#signout")))
	b.waitText("h1", "Sign in")
	b.run("after sign-out", chromedp.Navigate(b.url+"accesspoints"))
	b.waitText("h1", "Sign in")

	b.signIn(viewerKey, viewerSecret)
	b.waitText("#who", ":user/viewer")
	consoleViewerDenied(t, b, env, vol)
	b.run("viewer opens IAM", chromedp.Navigate(b.url+"iam"))
	b.waitText("#denied", "iam:ListUsers")
	b.shot("denied")
}

func checkCookie(t *testing.T, b *browser) {
	t.Helper()
	cookies := b.cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies = %d, want 1", len(cookies))
	}
	c := cookies[0]
	if c.Name != "fsxd_console" || !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict || c.Secure || c.Path != "/_fsxd/console/" || c.Expires <= float64(time.Now().Unix()) {
		t.Fatalf("session cookie = %+v; want HttpOnly, SameSite=Strict, not Secure without TLS, path /_fsxd/console/, an expiry", c)
	}
	if strings.Contains(c.Value, "fsxd-test-root-secret") {
		t.Fatal("the cookie carries the secret")
	}
}

func consoleCreateVolume(t *testing.T, b *browser, env *Env, fsID string) string {
	t.Helper()
	b.run("file systems", chromedp.Navigate(b.url))
	b.waitText("#main", fsID)
	b.run("create volume", chromedp.SetValue(chromedp.CSS("#new-volume-name"), "projects"), chromedp.Click(chromedp.CSS("#create-volume")))
	b.waitText(".flash", "Creating volume fsvol-")
	out, err := env.FSx.DescribeVolumes(context.Background(), &fsx.DescribeVolumesInput{})
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, v := range out.Volumes {
		if aws.ToString(v.Name) == "projects" {
			id = aws.ToString(v.VolumeId)
		}
	}
	if id == "" {
		t.Fatal("the console said it created volume projects; DescribeVolumes does not have it")
	}
	waitVolume(t, env, id, types.VolumeLifecycleAvailable)
	b.run("reload", chromedp.Navigate(b.url))
	b.waitText(`li[data-volume="`+id+`"]`, "AVAILABLE")
	if dir := b.text(`li[data-volume="` + id + `"] code.dir`); !strings.HasPrefix(dir, env.DataDir) {
		t.Fatalf("volume %s on disk at %q, want under %s", id, dir, env.DataDir)
	}
	for _, sel := range []string{"#create-volume", `li[data-volume="` + id + `"] button.danger`} {
		if why := b.refused(sel); why != "" {
			t.Fatalf("root sees %s disabled: %q", sel, why)
		}
	}
	b.shot("file-systems")
	return id
}

// consoleCreateAccessPoint fills the form and watches the list refresh
// itself from CREATING to AVAILABLE.
func consoleCreateAccessPoint(t *testing.T, b *browser, vol string) string {
	t.Helper()
	b.run("create access point", chromedp.Navigate(b.url+"accesspoints"),
		chromedp.SetValue(chromedp.CSS("#ap-name"), "web-ap"), chromedp.SetValue(chromedp.CSS("#ap-volume"), vol),
		chromedp.Click(chromedp.CSS("#create-ap-submit")))
	b.waitText(`tr[data-ap="web-ap"] [data-lifecycle]`, "AVAILABLE")
	b.shot("access-points")
	alias := get(b, "alias", chromedp.AttributeValue(chromedp.CSS(`tr[data-ap="web-ap"] button.copy`), "data-copy")).Value
	if !strings.HasSuffix(alias, "-ext-s3alias") {
		t.Fatalf("alias = %q", alias)
	}
	return alias
}

// consoleUpload uploads 20 MiB (multipart) under a key with a space, a
// plus, a percent sign and Unicode, recording every value the overall
// progress bar takes.
func consoleUpload(t *testing.T, b *browser, alias string) []byte {
	t.Helper()
	data := make([]byte, 20<<20)
	rand.Read(data)
	path := filepath.Join(t.TempDir(), "big file +%ü.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b.run("browse", chromedp.Navigate(b.url+"objects?bucket="+url.QueryEscape(alias)), chromedp.WaitVisible(chromedp.CSS("#dropzone")),
		chromedp.Evaluate[chromedp.Void](`window.seen = []; new MutationObserver(() => seen.push(document.getElementById("overall").value)).observe(document.getElementById("overall"), {attributes: true});`))
	b.upload(path)
	b.waitJS("for the upload to end", `!!document.querySelector("#upload-list li.done, #upload-list li.failed")`)
	seen := get(b, "progress", chromedp.Evaluate[[]float64](`window.seen`))
	between := false
	for _, v := range seen {
		between = between || v > 0 && v < 100
	}
	if !between || seen[len(seen)-1] != 100 {
		t.Fatalf("overall progress took %v; want values between 0 and 100, ending at 100; uploads: %s", seen, b.text("#uploads"))
	}
	b.waitText("#objects", "big file +%ü.bin") // the page reloads when all are done
	b.shot("objects")
	return data
}

// consoleDownload asks the page for a presigned link and fetches it.
func consoleDownload(t *testing.T, b *browser, want []byte) {
	t.Helper()
	b.run("link", chromedp.Click(chromedp.CSS(`button.link[data-key="big file +%ü.bin"]`)))
	b.waitJS("for the link", `document.getElementById("link-out").textContent != ""`)
	link := get(b, "link", chromedp.Evaluate[string](`document.getElementById("link-out").textContent`))
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Equal(got, want) {
		t.Fatalf("download: status %d, %d bytes, equal %v", resp.StatusCode, len(got), bytes.Equal(got, want))
	}
	b.run("details", chromedp.Click(chromedp.CSS(`button.info[data-key="big file +%ü.bin"]`)))
	b.waitText("#details", `"Size": 20971520`)
}

func consolePolicyError(t *testing.T, b *browser) {
	t.Helper()
	bad := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n"
	b.run("edit policy", chromedp.Navigate(b.url+"ap/policy?name=web-ap"), chromedp.WaitVisible(chromedp.CSS("#policy")),
		chromedp.SetValue(chromedp.CSS("#policy"), bad), chromedp.Click(chromedp.CSS("#save-policy")))
	b.waitText("#problem", "line 3, column 17: invalid character")
	b.shot("policy")
}

func consoleServerPage(t *testing.T, b *browser) {
	t.Helper()
	b.run("server page", chromedp.Navigate(b.url+"server"))
	b.waitText("#health", "ok")
	b.waitText("#server-info", "sqlite") // TestConsoleServerPage takes the screenshot, with a chart
}

// consoleIAM creates an access key for the restricted user (its secret
// shown once) and has an identity policy naming a Principal refused.
func consoleIAM(t *testing.T, b *browser) {
	t.Helper()
	b.run("create access key", chromedp.Navigate(b.url+"iam"), chromedp.Click(chromedp.CSS(`tr[data-user="viewer"] button[value="create-key"]`)))
	b.waitText("#new-key", "New access key for viewer")
	if secret := b.text("#new-secret"); len(secret) != 40 {
		t.Fatalf("new secret %q, want 40 characters", secret)
	}
	bad := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
	b.run("identity policy", chromedp.Navigate(b.url+"iam"), chromedp.SetValue(chromedp.CSS("#pol-user"), "viewer"),
		chromedp.SetValue(chromedp.CSS("#pol-doc"), bad), chromedp.Click(chromedp.CSS(`button[value="put-policy"]`)))
	b.waitText("#problem", "statement 1 (line 1, column 38): Has prohibited field Principal")
	b.shot("iam")
}

// consoleCSRF replays the browser's session cookie from Go: a POST without
// the token is refused, and so is any request without a session.
func consoleCSRF(t *testing.T, b *browser, env *Env) {
	t.Helper()
	cookies := b.cookies()
	session := &http.Cookie{Name: cookies[0].Name, Value: cookies[0].Value}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(c *http.Cookie, form url.Values) int {
		req, _ := http.NewRequest("POST", b.url+"volume/create", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c != nil {
			req.AddCookie(c)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(session, url.Values{"name": {"csrf"}}); got != http.StatusForbidden {
		t.Fatalf("POST without CSRF token: %d, want 403", got)
	}
	if got := post(session, url.Values{"name": {"csrf"}, "csrf": {"forged"}}); got != http.StatusForbidden {
		t.Fatalf("POST with a wrong CSRF token: %d, want 403", got)
	}
	if got := post(nil, url.Values{"name": {"csrf"}}); got != http.StatusUnauthorized {
		t.Fatalf("POST without a session: %d, want 401", got)
	}
	resp, err := noRedirect.Get(b.url + "accesspoints")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/_fsxd/console/signin" {
		t.Fatalf("GET without a session: %d to %q, want 303 to the sign-in form", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// consoleViewerDenied: a user allowed only fsx:Describe* sees Create and
// Delete disabled, each naming the action and resource the checker
// refused; the API still refuses a form submitted anyway.
func consoleViewerDenied(t *testing.T, b *browser, env *Env, vol string) {
	t.Helper()
	b.run("viewer's file systems", chromedp.Navigate(b.url))
	b.waitText(`li[data-volume="`+vol+`"]`, "AVAILABLE")
	volARN := "arn:aws:fsx:" + Region + ":" + Account + ":volume/"
	for sel, want := range map[string]string{
		"#create-volume": "Denied: fsx:CreateVolume on arn:aws:fsx:",
		`li[data-volume="` + vol + `"] button.danger`: "Denied: fsx:DeleteVolume on " + volARN,
	} {
		if why := b.refused(sel); !strings.HasPrefix(why, want) || !strings.Contains(b.text("#main"), why) {
			t.Fatalf("%s: refused %q, want it disabled with %q..., shown on the page", sel, why, want)
		}
	}
	if why := b.refused(`li[data-volume="` + vol + `"] button.danger`); !strings.HasSuffix(why, "/"+vol) {
		t.Fatalf("the refusal %q does not name volume %s", why, vol)
	}
	if n := get(b, "dirs", chromedp.Evaluate[int](`document.querySelectorAll("code.dir").length`)); n != 0 {
		t.Fatalf("an IAM user is shown %d directories on the server's disk", n)
	}
	b.shot("denied-buttons")
	b.run("submit anyway", chromedp.SetValue(chromedp.CSS("#new-volume-name"), "nope"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("create-volume").form.submit()`))
	b.waitText("#error", "is not authorized to perform: fsx:CreateVolume")
	b.run("viewer's access points", chromedp.Navigate(b.url+"accesspoints"))
	b.waitText(`tr[data-ap="web-ap"]`, "AVAILABLE")
	if why := b.refused(`tr[data-ap="web-ap"] button.danger`); !strings.HasPrefix(why, "Denied: fsx:DetachAndDeleteS3AccessPoint on ") {
		t.Fatalf("Detach refused %q", why)
	}
	if why := b.refused("#create-ap-submit"); !strings.HasPrefix(why, "Denied: fsx:CreateAndAttachS3AccessPoint on ") {
		t.Fatalf("Create refused %q", why)
	}
}

// TestConsoleOff: --no-console leaves nothing at /_fsxd/console/.
func TestConsoleOff(t *testing.T) {
	env := Start(t, func(c *server.Config) { c.NoConsole = true })
	resp, err := http.Get(env.URL + "/_fsxd/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("console with NoConsole: %d, want 404", resp.StatusCode)
	}
}
