package bench

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// What the first write to a page of memory costs. On a VM whose balloon
// reports free pages to the host (virtio-balloon free page reporting),
// the host takes a reported page away, and the first write after the
// guest reuses it faults in the host: every new page-cache page a PUT
// writes and every page a stub's heap grows by pays that. How many of
// the pages the kernel hands out were reported depends on what the run
// freed before, so a case can cost more late in a run than alone
// (docs/performance.md, "Round 7").

// PageTouch returns the ns per 4 KiB page of the first write to n bytes
// of fresh anonymous memory (pages from the free pool as it is), and of
// the same again right after they were freed (pages just given back,
// which no reporting has reached yet).
func PageTouch(n int) (cold, reused float64, err error) {
	if cold, err = touchOnce(n); err == nil {
		reused, err = touchOnce(n)
	}
	return cold, reused, err
}

func touchOnce(n int) (float64, error) {
	const page = 4096
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return 0, fmt.Errorf("bench: mmap: %w", err)
	}
	defer syscall.Munmap(b)
	syscall.Madvise(b, unix.MADV_NOHUGEPAGE) // one fault per 4 KiB page
	t0 := time.Now()
	for i := 0; i < n; i += page {
		b[i] = 1
	}
	return float64(time.Since(t0).Nanoseconds()) / float64(n/page), nil
}

// pageReporting says whether this kernel reports free pages to the host.
func pageReporting() string {
	b, err := os.ReadFile("/sys/module/page_reporting/parameters/page_reporting_order")
	if err != nil {
		return "no free page reporting module"
	}
	return "free page reporting on (order " + strings.TrimSpace(string(b)) + ")"
}
