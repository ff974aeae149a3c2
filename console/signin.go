package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

var funcs = template.FuncMap{
	"join": strings.Join,
	"deref": func(p any) any {
		switch v := p.(type) {
		case *string:
			if v == nil {
				return ""
			}
			return *v
		case *int32:
			if v == nil {
				return 0
			}
			return *v
		case *int64:
			if v == nil {
				return 0
			}
			return *v
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.UTC().Format(time.RFC3339)
		}
		return p
	},
}

// badCredentials names neither part: a wrong id and a wrong secret read
// the same.
const badCredentials = "Those credentials were not accepted."

// maxSignInBody bounds the sign-in form's body.
const maxSignInBody = 4 << 10

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		c.render(w, "signin", view{Title: "Sign in"})
		return
	}
	// No session yet, so no CSRF token: a cross-site form post is refused
	// by its Origin (browsers send it on every POST).
	if o := r.Header.Get("Origin"); o != "" && !sameOrigin(o, r.Host) {
		http.Error(w, "cross-origin sign-in refused", http.StatusForbidden)
		return
	}
	// Read before anyone is authenticated: a key id and a secret are a
	// few dozen bytes, so nothing larger is held for them.
	r.Body = http.MaxBytesReader(w, r.Body, maxSignInBody)
	key := strings.TrimSpace(r.PostFormValue("access_key_id"))
	secret := r.PostFormValue("secret_access_key")
	try, wait := c.limit.begin(r.RemoteAddr, key, c.cfg.Now())
	if try == nil {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Round(time.Second).Seconds())))
		w.WriteHeader(http.StatusTooManyRequests)
		c.render(w, "signin", view{Title: "Sign in", Error: tooManyFailures(wait)})
		return
	}
	cl := c.newClients(key, secret, r.Host, c.cfg.TLS)
	arn, err := cl.whoami(withRemote(r.Context(), r.RemoteAddr))
	if err != nil || key == "" {
		w.WriteHeader(http.StatusUnauthorized)
		c.render(w, "signin", view{Title: "Sign in", Error: badCredentials})
		return
	}
	c.limit.succeeded(r.RemoteAddr, try)
	_, cookie := c.sessions.start(key, secret, arn, c.cfg.Now(), c.cfg.TLS)
	http.SetCookie(w, cookie)
	http.Redirect(w, r, prefix, http.StatusSeeOther)
}

// tooManyFailures says why a sign-in was not even tried, and for how long.
func tooManyFailures(wait time.Duration) string {
	again := fmt.Sprintf("%d seconds", int(wait.Round(time.Second).Seconds()))
	if wait > time.Minute {
		again = fmt.Sprintf("%d minutes", int((wait+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("Too many failed sign-ins from your address (%d in %d minutes): try again in %s.", maxFailures, int(failWindow/time.Minute), again)
}

func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Host == host
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, ss *session) {
	if r.Method != http.MethodPost {
		http.Error(w, "sign out with POST", http.StatusMethodNotAllowed)
		return
	}
	c.sessions.end(ss)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: prefix, MaxAge: -1,
		HttpOnly: true, Secure: c.cfg.TLS, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, prefix+"signin", http.StatusSeeOther)
}
