package console

import (
	"container/list"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"slices"
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
	once                       oneTime       // a new access key, until shown
	elem                       *list.Element // in sessions.order
}

// Sessions are bounded, since signing in needs no permission: each holds
// a secret, and a key holder could otherwise sign in without end.
const (
	// maxSessionsPerKey: signing in once more with a key signs out that
	// key's oldest session (browsers and tabs enough for one person).
	maxSessionsPerKey = 16
	// maxSessions: past it the oldest session of all is signed out (about
	// 1 KB each). Filling it takes this many sign-ins with 625 keys.
	maxSessions = 10000
)

type sessions struct {
	mac   []byte
	mu    sync.Mutex
	byID  map[string]*session
	byKey map[string][]*session // each key's sessions, oldest first
	// order holds every session, oldest first, which is the order they
	// expire in: a sweep stops at the first one still live.
	order *list.List
	// fails counts recent failed sign-ins per source address.
	fails map[string]int
}

func newSessions() *sessions {
	return &sessions{mac: randomBytes(32), byID: map[string]*session{}, byKey: map[string][]*session{},
		order: list.New(), fails: map[string]int{}}
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

// start makes a session and the cookie that names it, after forgetting
// the expired ones and, at a cap, the oldest of the key's or of all.
func (s *sessions) start(key, secret, arn string, now time.Time, secure bool) (*session, *http.Cookie) {
	ss := &session{id: randomToken(), key: key, secret: secret, arn: arn, csrf: randomToken(), expires: now.Add(sessionTTL)}
	s.mu.Lock()
	s.sweep(now)
	if mine := s.byKey[key]; len(mine) >= maxSessionsPerKey {
		s.drop(mine[0])
	}
	if len(s.byID) >= maxSessions {
		s.drop(s.order.Front().Value.(*session))
	}
	s.byID[ss.id] = ss
	s.byKey[key] = append(s.byKey[key], ss)
	ss.elem = s.order.PushBack(ss)
	s.mu.Unlock()
	v := ss.id + "." + strconv.FormatInt(ss.expires.Unix(), 10)
	return ss, &http.Cookie{
		Name: cookieName, Value: v + "." + s.sign(v), Path: prefix, Expires: ss.expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
	}
}

// sweep forgets the sessions expired at now, oldest first: each sign-in
// pays for those it finds, each session is forgotten once.
func (s *sessions) sweep(now time.Time) {
	for e := s.order.Front(); e != nil && now.After(e.Value.(*session).expires); e = s.order.Front() {
		s.drop(e.Value.(*session))
	}
}

// drop forgets ss everywhere, and the new access key it may still hold.
// Its secret goes with it (a Go string cannot be wiped in place); a
// request already running with ss finishes.
func (s *sessions) drop(ss *session) {
	if s.byID[ss.id] != ss {
		return
	}
	delete(s.byID, ss.id)
	s.order.Remove(ss.elem)
	mine := slices.DeleteFunc(s.byKey[ss.key], func(o *session) bool { return o == ss })
	if len(mine) == 0 {
		delete(s.byKey, ss.key)
	} else {
		s.byKey[ss.key] = mine
	}
	ss.once.take()
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
	if ss == nil {
		return nil
	}
	if now.After(ss.expires) {
		s.drop(ss)
		return nil
	}
	return ss
}

func (s *sessions) end(ss *session) {
	s.mu.Lock()
	s.drop(ss)
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
