package e2e

import (
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// unlabelled lists the page's form controls that a screen reader would
// announce without a name.
const unlabelled = `[...document.querySelectorAll("input, select, textarea")]
	.filter((e) => e.type !== "hidden" && e.labels.length === 0 && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
	.map((e) => e.outerHTML)`

// TestConsoleAccessibility signs in with the keyboard alone (the focus
// visibly outlined), then checks on every page that each control has a
// label and that nothing is wider than a 390 px phone screen.
func TestConsoleAccessibility(t *testing.T) {
	env := Start(t)
	alias, _ := azAccessPoint(t, env, "phone-ap", "")
	b := newBrowser(t, env)

	b.run("sign-in form", chromedp.Navigate(b.url+"signin"), chromedp.WaitVisible(chromedp.CSS("#akid")))
	focus := func(want string) {
		t.Helper()
		b.run("tab", chromedp.KeyEvent(kb.Tab))
		got := get(b, "focus", chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.className`))
		outlined := get(b, "outline", chromedp.Evaluate[bool](`document.activeElement.matches(":focus-visible") && getComputedStyle(document.activeElement).outlineStyle === "solid"`))
		if got != want || !outlined {
			t.Fatalf("Tab: focus on %q (outlined %v), want %q outlined", got, outlined, want)
		}
	}
	focus("skip")
	focus("akid")
	b.run("type key", chromedp.KeyEvent(env.Key))
	focus("secret")
	b.run("type secret", chromedp.KeyEvent(env.Secret), chromedp.KeyEvent(kb.Enter))
	b.waitText("#who", ":root")

	b.run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	if w := get(b, "viewport", chromedp.Evaluate[int](`window.innerWidth`)); w != 390 {
		t.Fatalf("viewport %d px wide, want 390", w)
	}
	// ready: what shows the page is there; action: a row's last button,
	// which must be on screen without scrolling sideways.
	pages := []struct{ path, ready, action, shot string }{
		{"", "section.card", "li[data-volume] button.danger", "phone-file-systems"},
		{"accesspoints", `tr[data-ap="phone-ap"]`, `tr[data-ap="phone-ap"] button.danger`, "phone-access-points"},
		{"objects?bucket=" + url.QueryEscape(alias) + "&prefix=public/", `tr[data-key="public/a.txt"]`, "button.info", "phone-objects"},
		{"ap/policy?name=phone-ap", "#policy", "#save-policy", ""},
		{"iam", "#users", `button[value="create-user"]`, ""},
		{"server", "#server-info", "", ""},
	}
	for _, p := range pages {
		b.run("open "+p.path, chromedp.Navigate(b.url+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready)))
		if bad := get(b, "labels", chromedp.Evaluate[[]string](unlabelled)); len(bad) > 0 {
			t.Errorf("/%s: controls without a label: %v", p.path, bad)
		}
		wide := get(b, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if wide > 390 {
			t.Errorf("/%s is %d px wide on a 390 px screen", p.path, wide)
		}
		if p.path == "accesspoints" {
			b.waitText(`tr[data-ap="phone-ap"]`, "POSIX uid 1001 gid 1001 groups 4000")
		}
		if p.action != "" {
			if right := get(b, "action", chromedp.Evaluate[float64](`document.querySelector(`+jsString(p.action)+`).getBoundingClientRect().right`)); right > 390 {
				t.Errorf("/%s: %s is at %v px, off a 390 px screen", p.path, p.action, right)
			}
		}
		if p.shot != "" {
			b.shot(p.shot)
		}
	}
}
