package auth

import (
	"net/http"
	"testing"
)

func TestInfoSourceIP(t *testing.T) {
	for _, tt := range []struct {
		name   string
		remote string
		fwd    []string
		trust  bool
		want   string
	}{
		{"no proxy", "192.0.2.7:5555", nil, false, "192.0.2.7"},
		{"IPv6 peer", "[2001:db8::1]:5555", nil, false, "2001:db8::1"},
		{"header not trusted", "192.0.2.7:5555", []string{"10.0.0.1"}, false, "192.0.2.7"},
		{"trusted, one hop", "192.0.2.7:5555", []string{"198.51.100.4"}, true, "198.51.100.4"},
		// the client sent "10.9.9.9"; the proxy appended what it saw
		{"client's own entry ignored", "192.0.2.7:5555", []string{"10.9.9.9, 198.51.100.4"}, true, "198.51.100.4"},
		{"spaces", "192.0.2.7:5555", []string{" 10.9.9.9 ,  198.51.100.4 "}, true, "198.51.100.4"},
		// a proxy that adds a header line of its own: the last line is its
		{"second header line", "192.0.2.7:5555", []string{"10.9.9.9", "198.51.100.4"}, true, "198.51.100.4"},
		{"empty last entry", "192.0.2.7:5555", []string{"10.9.9.9,"}, true, "192.0.2.7"},
		{"trusted, no header", "192.0.2.7:5555", nil, true, "192.0.2.7"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
			for _, v := range tt.fwd {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := Info(r, tt.trust).SourceIP; got != tt.want {
				t.Errorf("SourceIP = %q, want %q", got, tt.want)
			}
		})
	}
}
