package e2e

// The console's bounds on what a signed-in user, or anyone with a key id,
// can make the server spend, driven with net/http (no browser): every
// sign-in needs no permission, so these hold for a key allowed nothing.

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// consoleHTTP is one console client: its cookie, and the CSRF token of the
// session the cookie names.
type consoleHTTP struct {
	t      *testing.T
	base   string
	cookie *http.Cookie
	csrf   string
}

// noRedirects answers with the redirect itself, so a test sees where a
// request was sent.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// consoleSignIn posts the sign-in form from 127.0.0.1 and returns the
// status and, on success, a client holding the new session.
func consoleSignIn(t *testing.T, env *Env, key, secret string) (int, *consoleHTTP) {
	t.Helper()
	c := &consoleHTTP{t: t, base: env.URL + "/_fsxd/console/"}
	resp, _ := c.do("POST", "signin", url.Values{"access_key_id": {key}, "secret_access_key": {secret}})
	for _, ck := range resp.Cookies() {
		if ck.Name == "fsxd_console" && ck.Value != "" {
			c.cookie = ck
		}
	}
	if c.cookie == nil {
		return resp.StatusCode, nil
	}
	if _, page := c.do("GET", "server", nil); regexp.MustCompile(`data-csrf="([^"]*)"`).MatchString(page) {
		c.csrf = regexp.MustCompile(`data-csrf="([^"]*)"`).FindStringSubmatch(page)[1]
	}
	return resp.StatusCode, c
}

// do sends a request (a form when form is not nil, with the CSRF token)
// and returns the response and its body, unescaped.
func (c *consoleHTTP) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		if c.csrf != "" {
			form.Set("csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, html.UnescapeString(string(b))
}

// policyOf is a document of n statements, the last two sharing a Sid:
// each is sound alone, so the editor looks at every one before giving the
// API's message.
func policyOf(n int, principal bool) string {
	st := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	if principal {
		st = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`
	}
	sid := strings.Replace(st, "{", `{"Sid":"A",`, 1)
	return `{"Version":"2012-10-17","Statement":[` + strings.Repeat(st+",", n-2) + sid + "," + sid + "]}"
}

// TestConsoleAPPolicyEditorBounded: the policy editors refuse a document
// larger than any API takes before parsing it, and answer one within the
// limit that makes them look at every statement (which used to cost the
// whole document once per statement: 16 s of CPU for 236 KB).
func TestConsoleAPPolicyEditorBounded(t *testing.T) {
	env := Start(t)
	_, c := consoleSignIn(t, env, env.Key, env.Secret)
	if c == nil || c.csrf == "" {
		t.Fatal("sign-in: no session")
	}
	for _, tc := range []struct {
		path string
		form url.Values
		want string
	}{
		{"ap/policy", url.Values{"name": {"nope"}, "policy": {policyOf(300, true)}}, "the largest accepted is 20480"},
		{"iam/do", url.Values{"op": {"put-policy"}, "user": {"nobody"}, "name": {"p"}, "policy": {policyOf(200, false)}}, "the largest accepted is 10240"},
		{"iam/do", url.Values{"op": {"put-policy"}, "user": {"nobody"}, "name": {"p"}, "policy": {policyOf(5000, false)}}, "the largest accepted is 10240"},
		{"ap/policy", url.Values{"name": {"nope"}, "policy": {policyOf(250, true)}}, "Statement IDs (SID) in a single policy must be unique"},
	} {
		_, page := c.do("POST", tc.path, tc.form)
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s with a %d-byte policy: the page does not say %q", tc.path, len(tc.form.Get("policy")), tc.want)
		}
	}
}

// TestConsoleSessionCap: signing in over and over with one key keeps 16
// sessions; the oldest is signed out, and its cookie is sent to the
// sign-in form while the newest still works.
func TestConsoleSessionCap(t *testing.T) {
	env := Start(t)
	var all []*consoleHTTP
	for i := range 17 {
		status, c := consoleSignIn(t, env, env.Key, env.Secret)
		if c == nil {
			t.Fatalf("sign-in %d: %d, no session", i+1, status)
		}
		all = append(all, c)
	}
	if resp, _ := all[0].do("GET", "server", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/_fsxd/console/signin" {
		t.Errorf("the first of 17 sessions: %d to %q, want 303 to the sign-in form", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range all[1:] {
		if resp, _ := c.do("GET", "server", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("one of the 16 newest sessions: %d, want 200", resp.StatusCode)
		}
	}
}

// TestConsoleSignInLimit: an address may fail 10 sign-ins in 5 minutes;
// guesses sent at once past that are refused with 429 and Retry-After,
// without their credentials being tried, and signing in with one's own
// key in between clears none of the guesses at another key.
func TestConsoleSignInLimit(t *testing.T) {
	env := Start(t)
	guess := func() (int, string) {
		t.Helper()
		c := &consoleHTTP{t: t, base: env.URL + "/_fsxd/console/"}
		resp, page := c.do("POST", "signin", url.Values{"access_key_id": {"AKIAVICTIMVICTIM0001"}, "secret_access_key": {"guess"}})
		return resp.StatusCode, page
	}
	for i := range 9 {
		if code, _ := guess(); code != http.StatusUnauthorized {
			t.Fatalf("wrong guess %d: %d, want 401", i+1, code)
		}
	}
	if status, c := consoleSignIn(t, env, env.Key, env.Secret); c == nil {
		t.Fatalf("signing in with my own key after 9 guesses at another's: %d", status)
	}
	codes := make(chan int, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); code, _ := guess(); codes <- code }()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for code := range codes {
		got[code]++
	}
	if got[http.StatusUnauthorized] != 1 || got[http.StatusTooManyRequests] != 19 {
		t.Errorf("20 concurrent guesses after 9 failures and a success: %v, want one 401 and 19 × 429", got)
	}
	c := &consoleHTTP{t: t, base: env.URL + "/_fsxd/console/"}
	resp, page := c.do("POST", "signin", url.Values{"access_key_id": {"AKIAVICTIMVICTIM0001"}, "secret_access_key": {"guess"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(page, "Too many failed sign-ins from your address") {
		t.Errorf("a guess past the limit: %d, Retry-After %q, want 429 saying why", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
