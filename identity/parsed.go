package identity

import (
	"sync"

	"github.com/fsxd/fsxd/policy"
)

// maxParsedBytes bounds the parsed-policy cache by the policy text it
// holds (the parsed form is a few times larger): enough for thousands of
// distinct documents at IAM's size limits.
const maxParsedBytes = 4 << 20

// parsed caches identity policies parsed from their text. It outlives
// the cache's entries: after a write of a record a principal's policies
// were read from they are read again, but those whose text did not
// change are not parsed again. The text is
// the whole key: parsing depends on nothing else (the kind is always
// IdentityPolicy), and a parsed Document is never modified, so one may
// serve every principal whose policy has that text.
type parsed struct {
	mu     sync.Mutex
	max    int // bytes of text; 0 caches nothing
	size   int
	docs   map[string]*policy.Document
	parses int // misses, for tests
}

func (c *parsed) parse(text string) (*policy.Document, error) {
	c.mu.Lock()
	d, ok := c.docs[text]
	c.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := policy.ParseKind([]byte(text), policy.IdentityPolicy)
	if err != nil {
		return nil, err // not cached: a stored policy that fails is an error to report each time
	}
	c.put(text, d)
	return d, nil
}

// put adds d, first evicting entries at random (map order) until text
// fits: cheap, and under churn as good as LRU for a cache whose working
// set normally fits whole.
func (c *parsed) put(text string, d *policy.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parses++
	if len(text) > c.max {
		return
	}
	if _, ok := c.docs[text]; ok {
		return // another request parsed it meanwhile
	}
	for t := range c.docs {
		if c.size+len(text) <= c.max {
			break
		}
		delete(c.docs, t)
		c.size -= len(t)
	}
	if c.docs == nil {
		c.docs = map[string]*policy.Document{}
	}
	c.docs[text] = d
	c.size += len(text)
}
