package awsjson

import (
	"encoding/json"
	"testing"
	"time"
)

// TestTimeRoundTrip: a timestamp read back from the JSON fsxd wrote is the
// same instant to the millisecond. Records keep FSx shapes as JSON and
// responses re-encode them, so a value that drifted by a millisecond on
// every read would make DescribeVolumes disagree with CreateVolume.
func TestTimeRoundTrip(t *testing.T) {
	base := time.Date(2026, 12, 5, 10, 11, 36, 0, time.UTC).UnixMilli()
	for ms := base; ms < base+2000; ms++ {
		in := Time{time.UnixMilli(ms)}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out Time
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		if !out.Equal(in.Time) {
			t.Fatalf("%s read back as %v, want %v", b, out.Time, in.Time)
		}
	}
}

func TestTimeDecode(t *testing.T) {
	for in, want := range map[string]time.Time{
		`1796465496.856`:         time.UnixMilli(1796465496856),
		`1796465496`:             time.Unix(1796465496, 0),
		`1796465496.5`:           time.UnixMilli(1796465496500),
		`1796465496.123456789`:   time.Unix(1796465496, 123456789),
		`-1.5`:                   time.UnixMilli(-1500),
		`1.7e9`:                  time.Unix(1700000000, 0),
		`"2026-12-05T10:11:36Z"`: time.Unix(1796465496, 0),
	} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.Equal(want) {
			t.Errorf("%s = %v, %v; want %v", in, got.Time, err, want)
		}
	}
	for _, bad := range []string{`"yesterday"`, `"1796465496"`, `true`, `{}`} {
		var got Time
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s accepted as %v", bad, got.Time)
		}
	}
}
