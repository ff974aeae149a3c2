package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	cookieName = "fsxd_console"
	sessionTTL = 8 * time.Hour
	// maxFailDelay caps how long a failed sign-in is held: enough to make
	// guessing slow, short enough not to lock a mistyping user out.
	maxFailDelay = 4 * time.Second
)

// session is one signed-in user. The secret stays in server memory: the
// cookie carries only a random id, its expiry and their MAC.
type session struct {
	id, key, secret, arn, csrf string
	expires                    time.Time
	once                       oneTime // a new access key, until shown
}

type sessions struct {
	mac  []byte
	mu   sync.Mutex
	byID map[string]*session
	// fails counts recent failed sign-ins per source address.
	fails map[string]int
}

func newSessions() *sessions {
	return &sessions{mac: randomBytes(32), byID: map[string]*session{}, fails: map[string]int{}}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return b
}

func randomToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(24)) }

func (s *sessions) sign(v string) string {
	m := hmac.New(sha256.New, s.mac)
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// start makes a session and the cookie that names it.
func (s *sessions) start(key, secret, arn string, now time.Time, secure bool) (*session, *http.Cookie) {
	ss := &session{id: randomToken(), key: key, secret: secret, arn: arn, csrf: randomToken(), expires: now.Add(sessionTTL)}
	s.mu.Lock()
	s.byID[ss.id] = ss
	s.mu.Unlock()
	v := ss.id + "." + strconv.FormatInt(ss.expires.Unix(), 10)
	return ss, &http.Cookie{
		Name: cookieName, Value: v + "." + s.sign(v), Path: prefix, Expires: ss.expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
	}
}

// lookup returns the request's live session, or nil.
func (s *sessions) lookup(r *http.Request, now time.Time) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(c.Value, '.')
	if i < 0 || !hmac.Equal([]byte(c.Value[i+1:]), []byte(s.sign(c.Value[:i]))) {
		return nil
	}
	id, _, _ := strings.Cut(c.Value[:i], ".")
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.byID[id]
	if ss == nil || now.After(ss.expires) {
		delete(s.byID, id)
		return nil
	}
	return ss
}

func (s *sessions) end(ss *session) {
	s.mu.Lock()
	delete(s.byID, ss.id)
	s.mu.Unlock()
}

// failed records a failed sign-in from addr and says how long to hold the
// answer: doubling from 250 ms per recent failure, capped.
func (s *sessions) failed(addr string) time.Duration {
	key := failKey(addr)
	s.mu.Lock()
	s.fails[key]++
	n := s.fails[key]
	if len(s.fails) > maxFailSources {
		// A spray of sources (bounded memory): the one-off failures go
		// first, so a source that keeps failing keeps its delay.
		for k, c := range s.fails {
			if c <= 1 {
				delete(s.fails, k)
			}
		}
		if len(s.fails) > maxFailSources/2 {
			clear(s.fails)
		}
	}
	s.mu.Unlock()
	d := 250 * time.Millisecond << min(n-1, 5)
	return min(d, maxFailDelay)
}

// maxFailSources bounds the sources whose failures are remembered.
const maxFailSources = 10000

// failKey is who a failure is counted against: an IPv4 address, or an
// IPv6 /64, which one client can hold whole.
func failKey(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Is4() || ip.Is4In6() {
		return host
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

func (s *sessions) succeeded(addr string) {
	key := failKey(addr)
	s.mu.Lock()
	delete(s.fails, key)
	s.mu.Unlock()
}

// csrfOK: a state-changing request carries the session's token, in the
// form or in the X-CSRF-Token header (the page's fetch calls).
func (ss *session) csrfOK(r *http.Request) bool {
	t := r.Header.Get("X-CSRF-Token")
	if t == "" {
		t = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(t), []byte(ss.csrf)) == 1
}
