package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

func TestFailedSignInsSlowDown(t *testing.T) {
	s := newSessions()
	var last time.Duration
	for i := range 8 {
		d := s.failed("192.0.2.1:5000")
		if d < last || d > maxFailDelay {
			t.Fatalf("failure %d held %v after %v", i, d, last)
		}
		last = d
	}
	if last != maxFailDelay {
		t.Fatalf("after 8 failures: %v, want the cap %v", last, maxFailDelay)
	}
	if d := s.failed("192.0.2.2:5000"); d != 250*time.Millisecond {
		t.Fatalf("another address starts at %v", d)
	}
	s.succeeded("192.0.2.1:6000")
	if d := s.failed("192.0.2.1:7000"); d != 250*time.Millisecond {
		t.Fatalf("after a success: %v", d)
	}
}
