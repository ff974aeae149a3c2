package console

// How many sign-ins may fail from one address. Signing in needs no
// permission, so a key id and guessed secrets are all an attacker needs:
// each source may fail maxFailures times in any failWindow, then it is
// refused without its credentials being tried until the oldest failure is
// that old. A sign-in counts as failed from the moment it starts, so
// concurrent guesses count too; one that succeeds is taken back, with the
// earlier failures of the same access key id (a mistyped secret), never
// another key's: signing in with one's own key clears nothing else.

import (
	"net"
	"net/netip"
	"sync"
	"time"
)

const (
	maxFailures = 10
	failWindow  = 5 * time.Minute
	// maxFailSources bounds the sources whose failures are remembered.
	maxFailSources = 10000
)

// attempt is one sign-in, counted against its source until failWindow
// after at unless it succeeds.
type attempt struct {
	key string
	at  time.Time
}

type signInLimit struct {
	mu       sync.Mutex
	bySource map[string][]*attempt // the window's attempts, oldest first
}

func newSignInLimit() *signInLimit { return &signInLimit{bySource: map[string][]*attempt{}} }

// begin counts a sign-in with key from addr at now, failed until
// succeeded says otherwise. When the source already has maxFailures in
// the window it returns nil and how long until the oldest leaves it.
func (l *signInLimit) begin(addr, key string, now time.Time) (*attempt, time.Duration) {
	src := failKey(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := live(l.bySource[src], now)
	if len(recent) >= maxFailures {
		l.bySource[src] = recent
		return nil, recent[0].at.Add(failWindow).Sub(now)
	}
	a := &attempt{key: key, at: now}
	l.bySource[src] = append(recent, a)
	if len(l.bySource) > maxFailSources {
		l.shed(now, src)
	}
	return a, 0
}

// succeeded takes a back, with its source's other failures of a's key.
func (l *signInLimit) succeeded(addr string, a *attempt) {
	src := failKey(addr)
	l.mu.Lock()
	defer l.mu.Unlock()
	var kept []*attempt
	for _, o := range l.bySource[src] {
		if o != a && o.key != a.key {
			kept = append(kept, o)
		}
	}
	if len(kept) == 0 {
		delete(l.bySource, src)
	} else {
		l.bySource[src] = kept
	}
}

// live is the attempts of list still in the window at now.
func live(list []*attempt, now time.Time) []*attempt {
	i := 0
	for i < len(list) && !now.Before(list[i].at.Add(failWindow)) {
		i++
	}
	return list[i:]
}

// shed makes room after a spray of sources (bounded memory): sources
// whose failures are over go first, then those with one, so a source that
// keeps failing keeps its count; if that is not enough, all but keep.
// Each shed leaves at most half the bound, so its cost is amortized.
func (l *signInLimit) shed(now time.Time, keep string) {
	for src, list := range l.bySource {
		if list = live(list, now); len(list) <= 1 && src != keep {
			delete(l.bySource, src)
		}
	}
	if len(l.bySource) > maxFailSources/2 {
		for src := range l.bySource {
			if src != keep {
				delete(l.bySource, src)
			}
		}
	}
}

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
