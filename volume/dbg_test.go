package volume

import "testing"

// The /proc fallback must keep working on kernels without getxattrat.
func TestDbgNoGetxattrat(t *testing.T) {
	noGetxattrat.Store(true)
	defer noGetxattrat.Store(false)
	TestWalkOrder(t)
	TestPruneRule(t)
}
