//go:build race

// Package race reports whether the race detector is on. Allocation budgets
// (TestAllocs*) need it off: it allocates on its own.
package race

// Enabled is true in a -race build.
const Enabled = true
