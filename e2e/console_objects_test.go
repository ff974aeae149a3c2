package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/chromedp/chromedp"
)

// deepFolder has a space, a plus, a percent sign and Unicode in a path
// three folders deep.
const deepFolder = "deep/a b/c+d/ü%/"

// consoleNames are file names the object browser must keep as typed.
var consoleNames = []string{"sp ace.txt", "plus+sign.txt", "per%cent.txt", "ünïcødé ☃.txt"}

// TestConsoleObjects drives the object browser: a folder made deep in one
// step, walked into by its links, files with awkward names uploaded there,
// listed, fetched through presigned links with the expiry asked for,
// details with metadata, tags and a checksum, a multi-select delete that
// asks first, a cancelled multipart upload that leaves nothing, a file
// dropped on the page, and a folder listed 100 objects a page.
func TestConsoleObjects(t *testing.T) {
	env := Start(t)
	alias, _ := azAccessPoint(t, env, "objects-ap", "")
	b := newBrowser(t, env)
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")

	b.run("browse", chromedp.Navigate(b.url+"objects?bucket="+url.QueryEscape(alias)), chromedp.WaitVisible(chromedp.CSS("#mkdir")),
		chromedp.Evaluate[chromedp.Void](`window.prompt = () => "deep/a b/c+d/ü%"`), chromedp.Click(chromedp.CSS("#mkdir")))
	b.waitText("#objects", "deep/")
	for _, f := range []string{"deep/", "deep/a b/", "deep/a b/c+d/", deepFolder} {
		b.openFolder(f)
	}
	b.waitText("nav.crumbs", "ü%")
	want := consoleUploadNames(t, b, env, alias)
	consoleLinks(t, b, want)
	consoleDetails(t, b, env, alias)
	consoleMultiDelete(t, b, env, alias)
	consoleCancelUpload(t, b, env, alias)
	consoleDrop(t, b, env, alias)
	consolePaging(t, b, env, alias)
	consoleReader(t, b, env, alias)
}

// consoleReader: a user who may list and read sees Upload, Create folder
// and Delete selected disabled with the refused action and the folder's
// keys, and Download link enabled.
func consoleReader(t *testing.T, b *browser, env *Env, alias string) {
	t.Helper()
	b.switchTo(env, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject","fsx:Describe*"],"Resource":"*"}]}`)
	b.run("browse", chromedp.Navigate(b.url+"objects?bucket="+url.QueryEscape(alias)+"&prefix="+url.QueryEscape(deepFolder)))
	b.waitText("#objects", consoleNames[2])
	keys := "arn:aws:s3:" + Region + ":" + Account + ":accesspoint/objects-ap/object/" + deepFolder + "*"
	for sel, action := range map[string]string{"#mkdir": "s3:PutObject", "#file-input": "s3:PutObject", "#delete-selected": "s3:DeleteObject"} {
		want := "Denied: " + action + " on " + keys
		if sel == "#file-input" { // hidden behind its label, which says why
			if why := b.refused(sel); why != "disabled without a reason" {
				t.Fatalf("file input: %q, want disabled", why)
			}
			sel = `label[for="file-input"]`
			if got := get(b, "label", chromedp.AttributeValue(chromedp.CSS(sel), "title")).Value; got != want {
				t.Fatalf("upload label says %q, want %q", got, want)
			}
			continue
		}
		if why := b.refused(sel); why != want {
			t.Fatalf("%s refused %q, want %q", sel, why, want)
		}
	}
	if why := b.refused(`button.link[data-key=` + jsString(deepFolder+consoleNames[2]) + `]`); why != "" {
		t.Fatalf("Download link refused to a reader: %q", why)
	}
	b.shot("objects-read-only")
}

// consoleDrop drops a file on the drop zone, as a drag from the desktop
// would (a DataTransfer built in the page).
func consoleDrop(t *testing.T, b *browser, env *Env, alias string) {
	t.Helper()
	b.run("drop", chromedp.Evaluate[chromedp.Void](`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["dropped bytes"], "dropped ☂.txt", {type: "text/plain"}));
		document.getElementById("dropzone").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	b.waitJS("for the drop to upload", `!!document.querySelector('#upload-list li[data-file="dropped ☂.txt"].done, #upload-list li[data-file="dropped ☂.txt"].failed')`)
	out, err := env.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(deepFolder + "dropped ☂.txt")})
	if err != nil {
		t.Fatalf("the dropped file: %v", err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(got) != "dropped bytes" {
		t.Fatalf("the dropped file holds %q", got)
	}
}

// consolePaging lists a folder of 105 objects 100 at a time.
func consolePaging(t *testing.T, b *browser, env *Env, alias string) {
	t.Helper()
	for i := range 105 {
		key := fmt.Sprintf("many/%03d", i)
		if _, err := env.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
			t.Fatal(err)
		}
	}
	rows := `document.querySelectorAll("#objects tr[data-key]").length`
	b.run("many", chromedp.Navigate(b.url+"objects?bucket="+url.QueryEscape(alias)+"&prefix=many/"), chromedp.WaitVisible(chromedp.CSS("#next-page")))
	if n := get(b, "rows", chromedp.Evaluate[int](rows)); n != 100 {
		t.Fatalf("first page: %d objects, want 100", n)
	}
	b.run("next page", chromedp.Click(chromedp.CSS("#next-page")))
	b.waitJS("for the second page", rows+` === 5 && !document.getElementById("next-page") && !!document.querySelector('#objects tr[data-key="many/104"]')`)
	// A control character in a key is listed as itself (plain S3 XML
	// would carry it as a reference the SDK refuses).
	if _, err := env.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String("ctl/a\x01b"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	b.run("control character", chromedp.Navigate(b.url+"objects?bucket="+url.QueryEscape(alias)+"&prefix=ctl/"), chromedp.WaitVisible(chromedp.CSS("#objects")))
	b.waitJS("for the key with a control character", `[...document.querySelectorAll("#objects tr[data-key]")].some((tr) => tr.dataset.key === "ctl/a\u0001b")`)
}

// openFolder follows the folder link whose text is prefix.
func (b *browser) openFolder(prefix string) {
	b.t.Helper()
	b.waitJS("for folder "+prefix, `[...document.querySelectorAll("a.folder")].some((a) => a.textContent === `+jsString(prefix)+`)`)
	b.run("open "+prefix, chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("a.folder")].find((a) => a.textContent === `+jsString(prefix)+`).click()`))
	// The new page's, and its script has run (a control clicked before
	// its DOMContentLoaded handler would do nothing).
	b.waitJS("for the listing of "+prefix, `document.getElementById("browser").dataset.prefix === `+jsString(prefix)+` && document.readyState === "complete"`)
}

// consoleUploadNames uploads consoleNames at once and checks each through
// the S3 API under its full key.
func consoleUploadNames(t *testing.T, b *browser, env *Env, alias string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	want := map[string][]byte{}
	var paths []string
	for _, n := range consoleNames {
		data := make([]byte, 1000+len(want))
		rand.Read(data)
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		want[n], paths = data, append(paths, p)
	}
	b.upload(paths...)
	b.waitJS("for the uploads", `document.querySelectorAll("#upload-list li.done").length === 4 || !!document.querySelector("#upload-list li.failed")`)
	for n, data := range want {
		b.waitJS("for "+n+" in the listing", `!!document.querySelector('#objects tr[data-key=`+jsString(deepFolder+n)+`]')`)
		out, err := env.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String(deepFolder + n)})
		if err != nil {
			t.Fatalf("GetObject %q: %v", deepFolder+n, err)
		}
		got, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if !bytes.Equal(got, data) {
			t.Fatalf("%q: the API has %d bytes, the browser sent %d", n, len(got), len(data))
		}
	}
	return want
}

// consoleLinks asks for a 5-minute link to each object and fetches it.
func consoleLinks(t *testing.T, b *browser, want map[string][]byte) {
	t.Helper()
	for n, data := range want {
		key := deepFolder + n
		b.run("link "+n, chromedp.SetValue(chromedp.CSS("#link-expiry"), "5"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("link-out").textContent = ""`),
			chromedp.Click(chromedp.CSS(`button.link[data-key=`+jsString(key)+`]`)))
		b.waitJS("for the link", `document.getElementById("link-out").textContent != ""`)
		link := b.text("#link-out")
		u, err := url.Parse(link)
		if err != nil || u.Query().Get("X-Amz-Expires") != "300" {
			t.Fatalf("link %q: want X-Amz-Expires=300 (%v)", link, err)
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(got, data) {
			t.Fatalf("link for %q: status %d, %d bytes, want %d", key, resp.StatusCode, len(got), len(data))
		}
	}
}

// consoleDetails shows an object's metadata, tags and checksum.
func consoleDetails(t *testing.T, b *browser, env *Env, alias string) {
	t.Helper()
	key := deepFolder + "meta data.txt"
	body := []byte("described")
	sum := sha256.Sum256(body)
	_, err := env.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key), Body: bytes.NewReader(body),
		Metadata: map[string]string{"colour": "blue"}, Tagging: aws.String("team=web"), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	b.run("reload", chromedp.Reload())
	b.run("details", chromedp.WaitVisible(chromedp.CSS(`button.info[data-key=`+jsString(key)+`]`)), chromedp.Click(chromedp.CSS(`button.info[data-key=`+jsString(key)+`]`)))
	b.waitText("#details", `"Size": 9`)
	details := b.text("#details")
	for _, want := range []string{`"colour": "blue"`, `"team": "web"`, `"ChecksumSHA256": "` + base64.StdEncoding.EncodeToString(sum[:]) + `"`} {
		if !strings.Contains(details, want) {
			t.Fatalf("details lack %s:\n%s", want, details)
		}
	}
	b.shot("object-details")
}

// consoleMultiDelete selects two objects: declining the confirmation
// deletes nothing, accepting it deletes both and only them.
func consoleMultiDelete(t *testing.T, b *browser, env *Env, alias string) {
	t.Helper()
	gone := []string{deepFolder + consoleNames[0], deepFolder + consoleNames[1]}
	sel := `for (const k of ` + jsString(gone[0]) + `.split("\n").concat([` + jsString(gone[1]) + `])) document.querySelector('input.sel[value="' + CSS.escape(k) + '"]').checked = true;`
	b.run("decline", chromedp.Evaluate[chromedp.Void](`window.asked = ""; window.confirm = (m) => { window.asked = m; return false; };`+sel),
		chromedp.Click(chromedp.CSS("#delete-selected")))
	if asked := get(b, "asked", chromedp.Evaluate[string](`window.asked`)); asked != "Delete 2 object(s)?" {
		t.Fatalf("confirmation %q", asked)
	}
	for _, k := range gone {
		headObject(t, env, alias, k, true)
	}
	b.run("accept", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true;`), chromedp.Click(chromedp.CSS("#delete-selected")))
	b.waitJS("for the listing without them", `!document.querySelector('#objects tr[data-key=`+jsString(gone[0])+`]') && !!document.querySelector('#objects tr[data-key=`+jsString(deepFolder+consoleNames[2])+`]')`)
	for _, k := range gone {
		headObject(t, env, alias, k, false)
	}
	headObject(t, env, alias, deepFolder+consoleNames[2], true)
}

// headObject checks that key exists, or is gone.
func headObject(t *testing.T, env *Env, alias, key string, exists bool) {
	t.Helper()
	_, err := env.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(alias), Key: aws.String(key)})
	var nf *s3types.NotFound
	if exists && err != nil || !exists && !errors.As(err, &nf) {
		t.Fatalf("HeadObject %q: %v; want it to exist: %v", key, err, exists)
	}
}

// consoleCancelUpload clicks Cancel as soon as a 20 MiB upload's bar
// moves: no object, no multipart upload left.
func consoleCancelUpload(t *testing.T, b *browser, env *Env, alias string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cancel me.bin")
	data := make([]byte, 20<<20)
	rand.Read(data)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	b.run("watch", chromedp.Evaluate[chromedp.Void](`window.clicked = false; new MutationObserver(() => {
		const li = document.querySelector('#upload-list li[data-file="cancel me.bin"]');
		if (!li || window.clicked || li.querySelector("progress").value <= 0) return;
		window.clicked = true; li.querySelector("button").click();
	}).observe(document.getElementById("upload-list"), {subtree: true, childList: true, attributes: true});`))
	b.upload(path)
	b.waitJS("for the cancel", `!!document.querySelector('#upload-list li[data-file="cancel me.bin"].cancelled, #upload-list li[data-file="cancel me.bin"].done, #upload-list li[data-file="cancel me.bin"].failed')`)
	if state := b.text(`#upload-list li[data-file="cancel me.bin"] .state`); state != "cancelled" {
		t.Fatalf("upload state %q, want cancelled", state)
	}
	b.shot("upload-cancelled")
	headObject(t, env, alias, deepFolder+"cancel me.bin", false)
	ups, err := env.S3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(alias)})
	if err != nil || len(ups.Uploads) != 0 {
		t.Fatalf("ListMultipartUploads after a cancel: %v, %d uploads", err, len(ups.Uploads))
	}
}
