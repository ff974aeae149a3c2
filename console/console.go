package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/fsxd/fsxd"
)

const prefix = "/_fsxd/console/"

//go:embed web
var webFS embed.FS

// Config is what the console needs from the server that mounts it.
type Config struct {
	API http.Handler // the server's own handler: every API
	// Metrics serves the server's Prometheus metrics (wherever
	// --metrics-listen puts them); nil reads /_fsxd/metrics through API.
	Metrics   http.Handler
	Region    string
	AccountID string
	TLS       bool // cookies are Secure and URLs https
	Version   string
	NodeID    string
	StoreKind string
	Logger    *slog.Logger
	Now       func() time.Time
	// Resolved, when set, says what an attachment's file-system identity
	// resolved to (an ONTAP user name's UID and GIDs): no API returns it.
	Resolved func(ctx context.Context, accessPoint string) *fsxd.PosixIdentity
	// VolumeDir, when set, names a volume's directory on the server's
	// disk, which the file system page shows to the root user only.
	VolumeDir func(ctx context.Context, volumeID string) string
}

// Console serves the pages. It holds sessions in memory: a restart signs
// everyone out.
type Console struct {
	cfg      Config
	sessions *sessions
	limit    *signInLimit
	pages    map[string]*template.Template
	static   http.Handler
	rates    *rates
}

// New builds the console; mount it at /_fsxd/console/.
func New(cfg Config) (*Console, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Console{cfg: cfg, sessions: newSessions(), limit: newSignInLimit(), pages: map[string]*template.Template{}, rates: newRates()}
	names, err := fs.Glob(webFS, "web/page_*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(webFS, "web/layout.html", "web/part_*.html", n)
		if err != nil {
			return nil, err
		}
		c.pages[strings.TrimSuffix(strings.TrimPrefix(n, "web/page_"), ".html")] = t
	}
	sub, _ := fs.Sub(webFS, "web/static")
	c.static = http.StripPrefix(prefix+"static/", http.FileServer(http.FS(sub)))
	return c, nil
}

// route is one console path: its handler and whether it changes state.
type route struct {
	h func(w http.ResponseWriter, r *http.Request, ss *session)
}

func (c *Console) routes() map[string]route {
	return map[string]route{
		"":              {c.fileSystems},
		"volume/create": {c.createVolume},
		"volume/delete": {c.deleteVolume},
		"accesspoints":  {c.accessPoints},
		"ap/create":     {c.createAccessPoint},
		"ap/detach":     {c.detachAccessPoint},
		"ap/policy":     {c.accessPointPolicy},
		"objects":       {c.objects},
		"objects/api":   {c.objectsAPI},
		"iam":           {c.iamPage},
		"iam/do":        {c.iamDo},
		"server":        {c.serverPage},
		"server/rates":  {c.serverRates},
		"signout":       {c.signOut},
	}
}

func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	path := strings.TrimPrefix(r.URL.Path, prefix)
	if r.URL.Path == strings.TrimSuffix(prefix, "/") {
		http.Redirect(w, r, prefix, http.StatusFound)
		return
	}
	switch {
	case strings.HasPrefix(path, "static/"):
		c.static.ServeHTTP(w, r)
		return
	case path == "signin":
		c.signIn(w, r)
		return
	}
	rt, ok := c.routes()[path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ss := c.sessions.lookup(r, c.cfg.Now())
	if ss == nil {
		c.refuseNoSession(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !ss.csrfOK(r) {
		http.Error(w, "missing or wrong CSRF token", http.StatusForbidden)
		return
	}
	rt.h(w, r, ss)
}

// refuseNoSession sends a page to the sign-in form and refuses anything
// else outright.
func (c *Console) refuseNoSession(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && !strings.Contains(r.URL.Path, "/api") && !strings.HasSuffix(r.URL.Path, "/rates") {
		http.Redirect(w, r, prefix+"signin", http.StatusSeeOther)
		return
	}
	http.Error(w, "sign in first", http.StatusUnauthorized)
}

// view is what every page template gets.
type view struct {
	Title, Nav, User, CSRF string
	Refresh                int // seconds; 0: none
	Flash, Error           string
	Denied                 string  // an API refusal: action and resource
	Deny                   denials // controls refused to this user, and why
	Data                   any
}

func (c *Console) render(w http.ResponseWriter, name string, v view) {
	t := c.pages[name]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(w, v); err != nil {
		c.cfg.Logger.Warn("console: render", "page", name, "err", err)
	}
}

func (c *Console) newView(r *http.Request, ss *session, title, nav string) view {
	return view{Title: title, Nav: nav, User: ss.arn, CSRF: ss.csrf, Flash: r.URL.Query().Get("ok"), Error: r.URL.Query().Get("err")}
}

func (c *Console) clientsFor(r *http.Request, ss *session) *clients {
	return c.newClients(ss.key, ss.secret, r.Host, c.cfg.TLS)
}

// apiMessage is how the console shows an API error: its code and message
// as the API sent them (an AccessDenied names the action and resource).
func apiMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

func isDenied(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && strings.HasPrefix(ae.ErrorCode(), "AccessDenied")
}

// back redirects after a POST with a message in the query (PRG).
func back(w http.ResponseWriter, r *http.Request, to, okMsg string, err error) {
	q := "ok=" + template.URLQueryEscaper(okMsg)
	if err != nil {
		q = "err=" + template.URLQueryEscaper(apiMessage(err))
	}
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, prefix+to+sep+q, http.StatusSeeOther)
}
