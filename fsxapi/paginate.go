package fsxapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/fsxd/fsxd/awserr"
)

// pageMax is the service's own page limit: FSx returns the smaller of
// MaxResults and its internal maximum.
const pageMax = 100

// cursor is what a NextToken carries: where the next page starts, for
// which operation and which query. Clients treat it as opaque; a token
// that was altered or belongs to another query is a BadRequest.
type cursor struct {
	Op    string `json:"o"`
	Query string `json:"q"`           // digest of the request minus paging members
	After string `json:"a"`           // last key of the previous page, or its first bytes
	Hash  string `json:"h,omitempty"` // digest of a last key too long to carry whole
	Sum   string `json:"s"`           // check over the fields above
}

// A NextToken may be at most 255 characters (the model's limit on the
// member a client sends back). Tag keys run to 128 characters, up to 512
// bytes of UTF-8, so a long last key travels as its first bytes and a
// digest of the whole (keyDigest); the page resumes after the key with
// that digest.
const (
	keyWhole  = 48 // longest key carried whole
	keyPrefix = 32 // bytes of a longer key carried
)

func (c *cursor) check() string {
	in := "fsxd-page\x00" + c.Op + "\x00" + c.Query + "\x00" + c.After
	if c.Hash != "" { // tokens of short keys stay as they were
		in += "\x00" + c.Hash
	}
	h := sha256.Sum256([]byte(in))
	return base64.RawStdEncoding.EncodeToString(h[:6])
}

func keyDigest(key string) string {
	h := sha256.Sum256([]byte(key))
	return base64.RawStdEncoding.EncodeToString(h[:9])
}

// prefixOf is key's first bytes, at most n, cut at a character boundary.
func prefixOf(key string, n int) string {
	for n > 0 && n < len(key) && !utf8.RuneStart(key[n]) {
		n--
	}
	return key[:min(n, len(key))]
}

// queryDigest identifies a query by everything but its paging members.
func queryDigest(parts ...any) string {
	b, _ := json.Marshal(parts)
	h := sha256.Sum256(b)
	return base64.RawStdEncoding.EncodeToString(h[:6])
}

func encodeToken(op, query, after string) *string {
	c := cursor{Op: op, Query: query, After: after}
	if len(after) > keyWhole {
		c.After, c.Hash = prefixOf(after, keyPrefix), keyDigest(after)
	}
	c.Sum = c.check()
	b, _ := json.Marshal(c)
	return ptr(base64.StdEncoding.EncodeToString(b))
}

// decodeToken returns where to start: after the key the token names
// (cursor.After and cursor.Hash; a zero cursor without a token).
func decodeToken(op, query string, token *string) (cursor, error) {
	if token == nil {
		return cursor{}, nil
	}
	bad := awserr.BadRequest.Err("The NextToken value is invalid.")
	b, err := base64.StdEncoding.DecodeString(*token)
	if err != nil {
		return cursor{}, bad
	}
	var c cursor
	if json.Unmarshal(b, &c) != nil || c.Sum != c.check() || c.Op != op || c.Query != query {
		return cursor{}, bad
	}
	return c, nil
}

// startAfter is the index of the first item after the cursor's key. For a
// key carried as prefix and digest it is the item after the one with that
// digest; if that key is gone, the first after the prefix, so a page may
// repeat items but never skips one.
func startAfter[T any](items []T, key func(T) string, c cursor) int {
	start := sort.Search(len(items), func(i int) bool { return key(items[i]) > c.After })
	if c.Hash == "" {
		return start
	}
	for i := start; i < len(items) && strings.HasPrefix(key(items[i]), c.After); i++ {
		if keyDigest(key(items[i])) == c.Hash {
			return i + 1
		}
	}
	return start
}

// page is one page of a sorted result.
type page[T any] struct {
	Items []T
	Next  *string
}

// paginate returns the items after the cursor of a request, at most
// MaxResults (or pageMax) of them, with a NextToken when more follow.
// items must be sorted by key.
func paginate[T any](op, query string, items []T, key func(T) string, maxResults *int64, token *string) (page[T], error) {
	c, err := decodeToken(op, query, token)
	if err != nil {
		return page[T]{}, err
	}
	limit := pageMax
	if maxResults != nil && *maxResults < int64(limit) {
		limit = int(*maxResults)
	}
	rest := items[startAfter(items, key, c):]
	if len(rest) <= limit {
		return page[T]{Items: rest}, nil
	}
	rest = rest[:limit]
	return page[T]{Items: rest, Next: encodeToken(op, query, key(rest[len(rest)-1]))}, nil
}
