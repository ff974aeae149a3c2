package server

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sys/unix"
)

// fakeConn records its Close.
type fakeConn struct {
	net.Conn
	name   string
	closed chan struct{}
}

func (c *fakeConn) Close() error { close(c.closed); return nil }

func TestConnLimitSheds(t *testing.T) {
	// Each step is "<conn> <state>"; want is the conns closed by the
	// last step, in any order ("" none).
	tests := []struct {
		name  string
		max   int
		steps []string
		want  string
	}{
		{"under the cap", 2, []string{"a new", "b new"}, ""},
		{"oldest silent goes", 2, []string{"a new", "b new", "c new"}, "a"},
		{"busy kept, quiet goes", 2, []string{"a new", "a active", "b new", "c new"}, "b"},
		{"every one busy: the newcomer", 2, []string{"a new", "a active", "b new", "b active", "c new"}, "c"},
		{"quiet since longest", 2, []string{"a new", "b new", "a active", "a idle", "c new"}, "b"},
		{"a close frees room", 2, []string{"a new", "b new", "a closed", "c new"}, ""},
		{"a hijack frees room", 2, []string{"a new", "a active", "b new", "a hijacked", "c new"}, ""},
		{"shed is not tracked again", 1, []string{"a new", "b new", "a active", "a idle", "c new"}, "b"},
	}
	states := map[string]http.ConnState{"new": http.StateNew, "active": http.StateActive,
		"idle": http.StateIdle, "closed": http.StateClosed, "hijacked": http.StateHijacked}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newConnLimit(tt.max, prometheus.NewRegistry())
			l.shed = func(c net.Conn) { c.Close() }
			conns := map[string]*fakeConn{}
			var last []*fakeConn
			for _, step := range tt.steps {
				name, st, _ := strings.Cut(step, " ")
				if conns[name] == nil {
					conns[name] = &fakeConn{name: name, closed: make(chan struct{})}
				}
				last = closedBy(func() { l.track(conns[name], states[st]) }, conns)
			}
			var got []string
			for _, c := range last {
				got = append(got, c.name)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("closed by the last step: %v, want %q", got, tt.want)
			}
			if n := len(l.conns); n > tt.max {
				t.Errorf("%d connections tracked, cap %d", n, tt.max)
			}
		})
	}
}

// closedBy runs step and returns the conns it closed.
func closedBy(step func(), conns map[string]*fakeConn) []*fakeConn {
	before := map[*fakeConn]bool{}
	for _, c := range conns {
		before[c] = isClosed(c)
	}
	step()
	var out []*fakeConn
	for _, c := range conns {
		if !before[c] && isClosed(c) {
			out = append(out, c)
		}
	}
	return out
}

func isClosed(c *fakeConn) bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func TestMaxConnectionsClamped(t *testing.T) {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &rl)
	low := rl
	low.Cur = 200
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		configured, want int
		clamped          bool
	}{{10000, 100, true}, {100, 100, false}, {50, 50, false}} {
		if n, c := maxConnections(tt.configured); n != tt.want || c != tt.clamped {
			t.Errorf("maxConnections(%d) with 200 files = %d, %v; want %d, %v", tt.configured, n, c, tt.want, tt.clamped)
		}
	}
}
