package volume

import "testing"

// TestXattrProcFallback runs listing and pruning (the getxattrat users)
// as on a kernel older than 6.13, through the fds' /proc links.
func TestXattrProcFallback(t *testing.T) {
	noGetxattrat.Store(true)
	defer noGetxattrat.Store(false)
	TestWalkOrder(t)
	TestPruneRule(t)
}
