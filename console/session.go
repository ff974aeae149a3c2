package console

import (
	"container/list"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	cookieName = "fsxd_console"
	sessionTTL = 8 * time.Hour
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
}

func newSessions() *sessions {
	return &sessions{mac: randomBytes(32), byID: map[string]*session{}, byKey: map[string][]*session{},
		order: list.New()}
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

// csrfOK: a state-changing request carries the session's token, in the
// form or in the X-CSRF-Token header (the page's fetch calls).
func (ss *session) csrfOK(r *http.Request) bool {
	t := r.Header.Get("X-CSRF-Token")
	if t == "" {
		t = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(t), []byte(ss.csrf)) == 1
}
