package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/fsx/types"
	"github.com/chromedp/chromedp"

	"github.com/fsxd/fsxd/server"
)

// TestConsoleAccessPoints: the access point page follows an ONTAP
// attachment from CREATING to AVAILABLE and, detached, until it is gone,
// without being reloaded; it shows what a UNIX user name resolves to, the
// reason of a FAILED attachment (a Windows user that does not resolve)
// and of a MISCONFIGURED one (its user left the name service), and copies
// an alias.
func TestConsoleAccessPoints(t *testing.T) {
	// Slow enough that the page is seen CREATING and DELETING.
	env := Start(t, func(c *server.Config) { c.LifecycleDelay = 1500 * time.Millisecond })
	_, svmID := idSVM(t, env)
	writeNS := idNameServiceWriter(t, filepath.Join(env.DataDir, "nameservice", svmID+".json"))
	writeNS(`{"Name": "fsxdalice", "Uid": 3001, "Gid": 3001}`)
	vol := idOntapVolume(t, env, svmID, "unixvol", "/unix", types.SecurityStyleUnix)
	ntfs := idOntapVolume(t, env, svmID, "ntfsvol", "/ntfs", types.SecurityStyleNtfs)
	b := newBrowser(t, env)
	b.signIn(env.Key, env.Secret)
	b.waitText("#who", ":root")
	b.run("file systems", chromedp.Navigate(b.url)) // the tree with an SVM and its volumes
	b.waitText("#main", "SVM svm1")
	b.waitText(`li[data-volume="`+ntfs+`"]`, "/ntfs")

	row := `tr[data-ap="alice-ap"]`
	consoleAttach(b, "alice-ap", vol, "UNIX", "fsxdalice")
	b.waitText(row+" [data-lifecycle]", "CREATING")
	b.run("mark the page", chromedp.Evaluate[chromedp.Void](`window.samePage = true`))
	b.waitText(row+" [data-lifecycle]", "AVAILABLE")
	if !get(b, "same page", chromedp.Evaluate[bool](`window.samePage === true`)) {
		t.Fatal("the page was reloaded: the table should refresh in place")
	}
	b.waitText(row+" [data-resolved]", "resolves to uid 3001, gid 3001, groups 3100")
	b.waitText(row, "UNIX user fsxdalice")
	b.run("copy alias", chromedp.Click(chromedp.CSS(row+` button.copy[aria-label="Copy alias"]`)))
	b.waitText(row+` button.copy[aria-label="Copy alias"]`, "Copied")

	consoleAttach(b, "nobody-ap", ntfs, "WINDOWS", `CORP\nosuchuser`)
	b.waitText("#main", "nobody-ap")
	why := apWaitState(t, env, "nobody-ap", "FAILED")
	b.waitText(`tr[data-ap="nobody-ap"] [data-lifecycle]`, "FAILED")
	if why == "" || !strings.Contains(b.text(`tr[data-ap="nobody-ap"] [data-reason]`), why) {
		t.Fatalf("FAILED reason %q not shown: %q", why, b.text(`tr[data-ap="nobody-ap"]`))
	}

	writeNS(`{"Name": "bob", "Uid": 3002, "Gid": 3002}`)
	why = apWaitState(t, env, "alice-ap", "MISCONFIGURED")
	b.run("reload", chromedp.Navigate(b.url+"accesspoints"))
	b.waitText(row+" [data-lifecycle]", "MISCONFIGURED")
	if got := b.text(row + " [data-reason]"); why == "" || got != why {
		t.Fatalf("MISCONFIGURED reason shown %q, the API says %q", got, why)
	}
	b.shot("access-points-ontap")

	b.run("detach", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`), chromedp.Click(chromedp.CSS(row+" button.danger")))
	b.waitText(row+" [data-lifecycle]", "DELETING")
	b.run("mark the page", chromedp.Evaluate[chromedp.Void](`window.samePage = true`))
	b.waitJS("for alice-ap to go", `!document.querySelector('`+row+`')`)
	if !get(b, "same page", chromedp.Evaluate[bool](`window.samePage === true`)) {
		t.Fatal("the page was reloaded: the table should refresh in place")
	}
}

// consoleAttach fills and sends the create form with an ONTAP identity.
func consoleAttach(b *browser, name, vol, kind, user string) {
	b.t.Helper()
	b.run("create "+name, chromedp.Navigate(b.url+"accesspoints"), chromedp.WaitVisible(chromedp.CSS("#ap-name")),
		chromedp.SetValue(chromedp.CSS("#ap-name"), name), chromedp.SetValue(chromedp.CSS("#ap-volume"), vol),
		chromedp.Click(chromedp.CSS(`input[name="identity"][value="`+kind+`"]`)),
		chromedp.SetValue(chromedp.CSS("#ap-user"), user), chromedp.Click(chromedp.CSS("#create-ap-submit")))
}
