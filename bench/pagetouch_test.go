package bench

import (
	"math"
	"testing"
)

func TestPageTouch(t *testing.T) {
	cold, reused, err := PageTouch(8 << 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{cold, reused} {
		if !(v > 0) || math.IsInf(v, 0) {
			t.Fatalf("PageTouch = %v, %v ns/page: want positive figures", cold, reused)
		}
	}
}
