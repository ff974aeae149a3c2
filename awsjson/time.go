package awsjson

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Time is a timestamp in the JSON protocol's default format: epoch seconds,
// fractional allowed.
type Time struct{ time.Time }

// MarshalJSON writes epoch seconds with millisecond precision.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.AppendInt(nil, ms/1000, 10), nil
	}
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', 3, 64), nil
}

// UnmarshalJSON accepts epoch seconds (number) or an RFC 3339 string.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // as encoding/json does for values it decodes itself
	}
	var n json.Number
	if len(b) > 0 && b[0] != '"' && json.Unmarshal(b, &n) == nil { // a quoted number is no timestamp
		if p, ok := parseEpoch(string(n)); ok {
			t.Time = p
			return nil
		}
		return &json.UnmarshalTypeError{Value: string(b), Type: timeType}
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: timeType}
	}
	p, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: s, Type: timeType}
	}
	t.Time = p
	return nil
}

var timeType = reflect.TypeFor[time.Time]()

// parseEpoch reads epoch seconds from their decimal text, exactly: through
// a float64, 1796465496.856 is 1796465496.855999946, and a time written
// back at millisecond precision would lose a millisecond on every read.
// Exponent forms, which fsxd never writes, go through a float.
func parseEpoch(s string) (time.Time, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || len(frac) > 9 || strings.Trim(frac, "0123456789") != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false
		}
		sec, fr := math.Modf(f)
		return time.Unix(int64(sec), int64(fr*1e9)).UTC(), true
	}
	ns := int64(0)
	if frac != "" {
		ns, _ = strconv.ParseInt((frac + "00000000")[:9], 10, 64)
	}
	if strings.HasPrefix(whole, "-") {
		ns = -ns
	}
	return time.Unix(sec, ns).UTC(), true
}
