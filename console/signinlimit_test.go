package console

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stubSTS answers GetCallerIdentity for the key AKIDGOOD and refuses any
// other, as the server's STS does a wrong secret.
var stubSTS = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if !strings.Contains(r.Header.Get("Authorization"), "Credential=AKIDGOOD/") {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>no</Message></Error></ErrorResponse>`)
		return
	}
	fmt.Fprint(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/good</Arn>`+
		`<UserId>AIDAGOOD</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
})

// limitedConsole is a console over stubSTS whose clock the test moves.
func limitedConsole(t *testing.T) (*Console, *atomic.Int64) {
	var clock atomic.Int64
	clock.Store(1_000_000)
	c, err := New(Config{API: stubSTS, Region: "us-east-1", Now: func() time.Time { return time.Unix(clock.Load(), 0) }})
	if err != nil {
		t.Fatal(err)
	}
	return c, &clock
}

// signInAs posts the sign-in form from addr and returns the status.
func signInAs(c *Console, addr, key string) (int, http.Header) {
	form := url.Values{"access_key_id": {key}, "secret_access_key": {"secret"}}
	r := httptest.NewRequest("POST", prefix+"signin", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = addr
	w := httptest.NewRecorder()
	c.ServeHTTP(w, r)
	return w.Code, w.Header()
}

// TestSignInLimitConcurrent: guesses sent at once are counted as they
// start, so past maxFailures they are refused, not merely slowed.
func TestSignInLimitConcurrent(t *testing.T) {
	c, _ := limitedConsole(t)
	var wg sync.WaitGroup
	codes := make(chan int, 3*maxFailures)
	for i := range 3 * maxFailures {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := signInAs(c, "192.0.2.1:5000", fmt.Sprintf("AKIDVICTIM%d", i%2))
			codes <- code
		}()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for code := range codes {
		got[code]++
	}
	if got[http.StatusUnauthorized] != maxFailures || got[http.StatusTooManyRequests] != 2*maxFailures {
		t.Errorf("%d concurrent wrong guesses: %v, want %d × 401 and the rest 429", 3*maxFailures, got, maxFailures)
	}
}

// TestSignInLimit: the failures of an address are refused past
// maxFailures, whichever key they name and from any port or address of
// its IPv6 /64; a success forgets only its own key's failures; each
// failure is forgotten failWindow after it.
func TestSignInLimit(t *testing.T) {
	c, clock := limitedConsole(t)
	tick := func(d time.Duration) { clock.Add(int64(d / time.Second)) }
	expect := func(what, addr, key string, want int) http.Header {
		t.Helper()
		code, h := signInAs(c, addr, key)
		if code != want {
			t.Fatalf("%s: %d, want %d", what, code, want)
		}
		return h
	}
	me := "192.0.2.1:5000"
	for i := range maxFailures - 1 {
		expect(fmt.Sprintf("guess %d", i+1), me, "AKIDVICTIM", http.StatusUnauthorized)
		tick(time.Second)
	}
	expect("my own key", me, "AKIDGOOD", http.StatusSeeOther)
	expect("a guess after my own sign-in", "192.0.2.1:6000", "AKIDVICTIM", http.StatusUnauthorized)
	h := expect("one guess too many", me, "AKIDVICTIM", http.StatusTooManyRequests)
	if want := fmt.Sprint(int((failWindow - (maxFailures-1)*time.Second).Seconds())); h.Get("Retry-After") != want {
		t.Errorf("Retry-After %q, want %s", h.Get("Retry-After"), want)
	}
	expect("my own key, past the limit", me, "AKIDGOOD", http.StatusTooManyRequests)
	expect("another address", "192.0.2.2:5000", "AKIDVICTIM", http.StatusUnauthorized)

	tick(failWindow - (maxFailures-1)*time.Second) // the first guess leaves the window
	expect("a guess once the first is forgotten", me, "AKIDVICTIM", http.StatusUnauthorized)
	expect("and one more", me, "AKIDVICTIM", http.StatusTooManyRequests)
	tick(failWindow)
	expect("a guess once all are forgotten", me, "AKIDVICTIM", http.StatusUnauthorized)

	for i := range maxFailures - 1 {
		expect(fmt.Sprintf("IPv6 guess %d", i+1), fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1), "AKIDVICTIM", http.StatusUnauthorized)
	}
	expect("my own key from the /64", "[2001:db8:1:2::1]:443", "AKIDGOOD", http.StatusSeeOther)
	expect("the /64's last guess", "[2001:db8:1:2:ffff::1]:443", "AKIDVICTIM", http.StatusUnauthorized)
	expect("a new address in the same /64", "[2001:db8:1:2:ffff::2]:443", "AKIDVICTIM", http.StatusTooManyRequests)
	expect("another /64", "[2001:db8:1:3::1]:443", "AKIDVICTIM", http.StatusUnauthorized)
}

// TestSignInLimitOwnKey: a success forgets the earlier failures of the
// same key id (a mistyped secret, then the right one).
func TestSignInLimitOwnKey(t *testing.T) {
	l := newSignInLimit()
	now := time.Unix(1_000_000, 0)
	for range maxFailures - 1 {
		l.begin("192.0.2.1:1", "AKIDGOOD", now)
	}
	a, _ := l.begin("192.0.2.1:1", "AKIDGOOD", now)
	l.succeeded("192.0.2.1:1", a)
	if n := len(l.bySource["192.0.2.1"]); n != 0 {
		t.Errorf("%d failures remembered after the same key signed in", n)
	}
}

// TestSignInLimitSpray: a spray of one-off sources neither grows the
// table without bound nor wipes the count of a source that keeps failing.
func TestSignInLimitSpray(t *testing.T) {
	l := newSignInLimit()
	now := time.Unix(1_000_000, 0)
	for range maxFailures {
		l.begin("192.0.2.1:5000", "AKIDVICTIM", now)
	}
	for i := range 3 * maxFailSources {
		l.begin(fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255), "AKIDVICTIM", now)
		if len(l.bySource) > maxFailSources {
			t.Fatalf("%d sources remembered, bound %d", len(l.bySource), maxFailSources)
		}
	}
	if a, _ := l.begin("192.0.2.1:5000", "AKIDVICTIM", now); a != nil {
		t.Error("the repeat offender is let in after the spray")
	}
}
