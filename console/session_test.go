package console

import (
	"fmt"
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

// TestFailedSignInsSpray: a spray of one-off sources neither grows the
// table without bound nor wipes the delay of a source that keeps
// failing; an IPv6 client cannot escape it by changing addresses in its
// /64.
func TestFailedSignInsSpray(t *testing.T) {
	s := newSessions()
	for range 8 {
		s.failed("192.0.2.1:5000")
	}
	for i := range maxFailSources + 10 {
		s.failed(fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255))
	}
	if len(s.fails) > maxFailSources {
		t.Errorf("%d sources remembered, bound %d", len(s.fails), maxFailSources)
	}
	if d := s.failed("192.0.2.1:5000"); d != maxFailDelay {
		t.Errorf("the repeat offender's delay after the spray: %v", d)
	}
	for i := range 6 {
		s.failed(fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1))
	}
	if d := s.failed("[2001:db8:1:2:ffff::1]:443"); d != maxFailDelay {
		t.Errorf("a new address in the same /64: %v", d)
	}
	if d := s.failed("[2001:db8:1:3::1]:443"); d != 250*time.Millisecond {
		t.Errorf("another /64: %v", d)
	}
}
