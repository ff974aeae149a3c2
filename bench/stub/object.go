package stub

import (
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// bucket is a map of objects plus a sorted key index for listings. The
// index is rebuilt lazily: writes only mark it stale, so a PUT costs a map
// insert and a listing sorts at most once after a batch of writes.
type bucket struct {
	name    string
	mu      sync.RWMutex
	objects map[string]*object
	sorted  []string
	stale   bool
}

type object struct {
	body  *body
	etag  string // quoted, as in headers and XML
	mod   time.Time
	ctype string
}

func (b *bucket) put(w http.ResponseWriter, r *http.Request, key string, now time.Time) {
	data, err := readBody(r.Body, r.ContentLength)
	if err != nil {
		writeError(w, http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
		return
	}
	o := &object{body: data, etag: `"` + hex.EncodeToString(data.md5[:]) + `"`, mod: now, ctype: r.Header.Get("Content-Type")}
	b.store(key, o)
	w.Header().Set("ETag", o.etag)
	w.WriteHeader(http.StatusOK)
}

// store puts o under key and lets go of what it replaces.
func (b *bucket) store(key string, o *object) {
	b.mu.Lock()
	old, ok := b.objects[key]
	b.objects[key] = o
	if !ok {
		b.stale = true
	}
	b.mu.Unlock()
	if ok {
		old.body.release()
	}
}

// get serves GET and HEAD. The body is pinned while it is written, so the
// lock is not held across the network.
func (b *bucket) get(w http.ResponseWriter, r *http.Request, key string) {
	b.mu.RLock()
	o, ok := b.objects[key]
	if ok {
		o.body.retain()
	}
	b.mu.RUnlock()
	if !ok {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		writeError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	defer o.body.release()
	h := w.Header()
	h.Set("Content-Length", strconv.FormatInt(o.body.size, 10))
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", o.mod.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	ctype := o.ctype
	if ctype == "" {
		ctype = "binary/octet-stream"
	}
	h.Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		o.body.writeTo(w) // a failed write is the client's hang-up
	}
}

func (b *bucket) delete(w http.ResponseWriter, key string) {
	b.mu.Lock()
	old, ok := b.objects[key]
	if ok {
		delete(b.objects, key)
		b.stale = true
	}
	b.mu.Unlock()
	if ok {
		old.body.release()
	}
	w.WriteHeader(http.StatusNoContent)
}

// keys returns the sorted key index with the read lock held; the caller
// unlocks. A stale index is rebuilt under the write lock first.
func (b *bucket) keys() []string {
	b.mu.RLock()
	if !b.stale {
		return b.sorted
	}
	b.mu.RUnlock()
	b.mu.Lock()
	if b.stale {
		b.sorted = b.sorted[:0]
		for k := range b.objects {
			b.sorted = append(b.sorted, k)
		}
		slices.Sort(b.sorted)
		b.stale = false
	}
	b.mu.Unlock()
	b.mu.RLock()
	// A writer may have slipped in between; its key shows up next time,
	// exactly as with any listing racing a write.
	return b.sorted
}
