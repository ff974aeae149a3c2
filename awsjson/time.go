package awsjson

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
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
	var f float64
	if err := json.Unmarshal(b, &f); err == nil {
		sec, frac := math.Modf(f)
		t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
		return nil
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
