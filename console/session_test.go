package console

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", prefix, nil)
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

func TestSessionCookie(t *testing.T) {
	s := newSessions()
	now := time.Unix(1_000_000, 0)
	ss, c := s.start("AKID", "secret", "arn", now, true)
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || !c.Expires.Equal(now.Add(sessionTTL)) || strings.Contains(c.Value, "secret") {
		t.Fatalf("cookie %+v", c)
	}
	if got := s.lookup(requestWith(c), now); got != ss {
		t.Fatal("a fresh cookie is not accepted")
	}
	forged := *c
	forged.Value = c.Value[:len(c.Value)-2] + "xx"
	if s.lookup(requestWith(&forged), now) != nil {
		t.Fatal("a cookie with a wrong MAC is accepted")
	}
	if s.lookup(requestWith(c), now.Add(sessionTTL+time.Second)) != nil {
		t.Fatal("an expired session is accepted")
	}
	if s.lookup(requestWith(c), now) != nil {
		t.Fatal("an expired session comes back")
	}
	ss, c = s.start("AKID", "secret", "arn", now, false)
	s.end(ss)
	if s.lookup(requestWith(c), now) != nil {
		t.Fatal("a signed-out session is accepted")
	}
}

// TestSessionsBounded: a storm of sign-ins keeps at most
// maxSessionsPerKey sessions of one key and maxSessions in all, the
// oldest signed out first; expired sessions are forgotten by the next
// sign-in, though their cookies never come back.
func TestSessionsBounded(t *testing.T) {
	s := newSessions()
	now := time.Unix(1_000_000, 0)
	var cookies []*http.Cookie
	for range 3 * maxSessionsPerKey {
		_, c := s.start("AKID", "secret", "arn", now, false)
		cookies = append(cookies, c)
	}
	if len(s.byID) != maxSessionsPerKey || len(s.byKey["AKID"]) != maxSessionsPerKey || s.order.Len() != maxSessionsPerKey {
		t.Fatalf("%d sign-ins with one key: %d sessions (%d by key, %d in order), want %d",
			len(cookies), len(s.byID), len(s.byKey["AKID"]), s.order.Len(), maxSessionsPerKey)
	}
	for i, c := range cookies {
		if live := s.lookup(requestWith(c), now) != nil; live != (i >= len(cookies)-maxSessionsPerKey) {
			t.Errorf("sign-in %d of %d: live %v", i+1, len(cookies), live)
		}
	}

	for i := range maxSessions + 10 {
		s.start(fmt.Sprintf("AKID%d", i), "secret", "arn", now, false)
	}
	if len(s.byID) != maxSessions || s.order.Len() != maxSessions || len(s.byKey) != maxSessions {
		t.Errorf("after %d sign-ins: %d sessions, %d keys, want %d", maxSessions+10, len(s.byID), len(s.byKey), maxSessions)
	}
	if s.byKey["AKID"] != nil || s.byKey["AKID9"] != nil || s.byKey["AKID10"] == nil {
		t.Error("the oldest sessions of all are not the ones signed out")
	}

	later := now.Add(sessionTTL + time.Second)
	s.start("AKIDLATE", "secret", "arn", later, false)
	if len(s.byID) != 1 || s.order.Len() != 1 || len(s.byKey) != 1 {
		t.Errorf("a sign-in after the others expired: %d sessions, %d keys remembered, want 1", len(s.byID), len(s.byKey))
	}
}

// TestSessionSignedOutHoldsNoKey: a session signed out at the cap
// forgets the new access key it held until shown.
func TestSessionSignedOutHoldsNoKey(t *testing.T) {
	s := newSessions()
	now := time.Unix(1_000_000, 0)
	first, _ := s.start("AKID", "secret", "arn", now, false)
	first.once.put(&types.AccessKey{SecretAccessKey: aws.String("new-secret")})
	for range maxSessionsPerKey {
		s.start("AKID", "secret", "arn", now, false)
	}
	if k := first.once.take(); k != nil {
		t.Errorf("a signed-out session still holds a new key's secret %q", aws.ToString(k.SecretAccessKey))
	}
}

// TestConsoleEvictedSessionSignsIn: the cookie of a session signed out
// at the per-key cap is sent to the sign-in form, as an expired one.
func TestConsoleEvictedSessionSignsIn(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	c, err := New(Config{API: http.NotFoundHandler(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	_, first := c.sessions.start("AKID", "secret", "arn", now, false)
	for range maxSessionsPerKey {
		c.sessions.start("AKID", "secret", "arn", now, false)
	}
	w := httptest.NewRecorder()
	c.ServeHTTP(w, requestWith(first))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != prefix+"signin" {
		t.Errorf("the signed-out session's page: %d to %q, want 303 to the sign-in form", w.Code, w.Header().Get("Location"))
	}
}

// TestSessionsConcurrent: sign-ins, look-ups and sign-outs from many
// goroutines keep the three indexes of sessions in step (run with -race).
func TestSessionsConcurrent(t *testing.T) {
	s := newSessions()
	now := time.Unix(1_000_000, 0)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				ss, c := s.start(fmt.Sprintf("AKID%d", i%3), "secret", "arn", now.Add(time.Duration(g)*time.Second), false)
				s.lookup(requestWith(c), now)
				if i%5 == 0 {
					s.end(ss)
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, mine := range s.byKey {
		n += len(mine)
		if len(mine) > maxSessionsPerKey {
			t.Errorf("%d sessions of one key", len(mine))
		}
	}
	if n != len(s.byID) || s.order.Len() != len(s.byID) {
		t.Errorf("%d sessions by id, %d by key, %d in order", len(s.byID), n, s.order.Len())
	}
}
