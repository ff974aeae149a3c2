//go:build !linux

package bench

import "errors"

// PageTouch is measured on Linux only.
func PageTouch(int) (float64, float64, error) {
	return 0, 0, errors.New("bench: page touch: Linux only")
}

func pageReporting() string { return "" }
