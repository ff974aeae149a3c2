package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"
)

// TestObjectScriptSandboxed: the console shares its origin with the S3
// API, so an HTML object anyone may upload would otherwise run its script
// there with a signed-in user's session. Objects are served with
// "Content-Security-Policy: sandbox": opened in a browser signed in to
// the console, the object's script does not run, whatever Content-Type
// it was stored or fetched with.
func TestObjectScriptSandboxed(t *testing.T) {
	env := Start(t)
	alias, _ := azAccessPoint(t, env, "sandbox-ap", "")
	ctx := context.Background()
	page := `<html><head><title>inert</title></head><body><p id="p">object</p>` +
		`<script>document.title = "ran"; fetch("/_fsxd/console/iam").then(r => r.text()).then(t => { document.title = "read " + t.length })</script></body></html>`
	for _, key := range []string{"evil.html", "plain.txt"} {
		ct := "text/html"
		if key == "plain.txt" {
			ct = "text/plain" // made HTML by response-content-type below
		}
		if _, err := env.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(alias), Key: aws.String(key),
			ContentType: aws.String(ct), Body: strings.NewReader(page)}); err != nil {
			t.Fatal(err)
		}
	}
	ps := s3.NewPresignClient(env.S3)
	stored, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("evil.html")},
		s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	overridden, err := ps.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(alias), Key: aws.String("plain.txt"),
		ResponseContentType: aws.String("text/html")}, s3.WithPresignExpires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(stored.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Security-Policy"); got != "sandbox" {
		t.Errorf("GetObject Content-Security-Policy = %q, want sandbox", got)
	}

	b := newBrowser(t, env)
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")
	for _, u := range []string{stored.URL, overridden.URL} {
		b.run("open the object", chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#p")))
		if title := get(b, "title", chromedp.Title()); title != "inert" {
			t.Errorf("object's script ran in the console's origin: title %q", title)
		}
	}
}
