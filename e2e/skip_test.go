package e2e

import (
	"os"
	"testing"
)

// skipUnlessRoot skips a test that needs root outside CI; in CI (which
// runs as root) a missing privilege is a failure, never a silent skip.
func skipUnlessRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s, and CI must run as root", why)
	}
	t.Skip(why)
}
