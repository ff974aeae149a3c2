package volume

import (
	"sync"
	"unsafe"
)

// A stat window's memory: its Infos are recycled between windows and
// walks, and its keys share one allocation. Per key, a string and ~100
// bytes of window were a listing's largest allocations.

// windows recycles stat windows. Their Infos were handed out by value, so
// nothing refers to a window once its frame moved on; it is cleared when
// put back, so a pooled window pins no keys or Meta.
var windows = sync.Pool{New: func() any { return new([]Info) }}

// newWindow returns n zero Infos.
func newWindow(n int) []Info {
	p := windows.Get().(*[]Info)
	if cap(*p) < n {
		windows.Put(p)
		return make([]Info, n, max(n, minWindow))
	}
	return (*p)[:n]
}

// freeWindow gives win back; the caller drops it.
func freeWindow(win []Info) {
	if cap(win) == 0 || cap(win) > maxWindow {
		return
	}
	win = win[:cap(win)]
	clear(win)
	windows.Put(&win)
}

// keyArena hands out a window's keys from one allocation sized for them
// all. Bytes once handed out are never written again, so the strings it
// returns are immutable like any other.
type keyArena struct{ b []byte }

func newKeyArena(n int) keyArena { return keyArena{b: make([]byte, 0, n)} }

// key returns dir+name+suffix.
func (a *keyArena) key(dir, name, suffix string) string {
	n := len(dir) + len(name) + len(suffix)
	if n == 0 || len(a.b)+n > cap(a.b) {
		return dir + name + suffix // not counted in: a string of its own
	}
	at := len(a.b)
	a.b = append(append(append(a.b, dir...), name...), suffix...)
	return unsafe.String(&a.b[at], n)
}

// nameBuf holds one NUL-terminated directory entry name (NAME_MAX is 255).
type nameBuf [256]byte
