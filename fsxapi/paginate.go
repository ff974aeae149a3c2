package fsxapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"sort"

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
	Query string `json:"q"` // digest of the request minus paging members
	After string `json:"a"` // last key of the previous page
	Sum   string `json:"s"` // check over the fields above
}

func (c *cursor) check() string {
	h := sha256.Sum256([]byte("fsxd-page\x00" + c.Op + "\x00" + c.Query + "\x00" + c.After))
	return base64.RawStdEncoding.EncodeToString(h[:6])
}

// queryDigest identifies a query by everything but its paging members.
func queryDigest(parts ...any) string {
	b, _ := json.Marshal(parts)
	h := sha256.Sum256(b)
	return base64.RawStdEncoding.EncodeToString(h[:6])
}

func encodeToken(op, query, after string) *string {
	c := cursor{Op: op, Query: query, After: after}
	c.Sum = c.check()
	b, _ := json.Marshal(c)
	return ptr(base64.StdEncoding.EncodeToString(b))
}

// decodeToken returns the key to start after ("" without a token).
func decodeToken(op, query string, token *string) (string, error) {
	if token == nil {
		return "", nil
	}
	bad := awserr.BadRequest.Err("The NextToken value is invalid.")
	b, err := base64.StdEncoding.DecodeString(*token)
	if err != nil {
		return "", bad
	}
	var c cursor
	if json.Unmarshal(b, &c) != nil || c.Sum != c.check() || c.Op != op || c.Query != query {
		return "", bad
	}
	return c.After, nil
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
	after, err := decodeToken(op, query, token)
	if err != nil {
		return page[T]{}, err
	}
	limit := pageMax
	if maxResults != nil && *maxResults < int64(limit) {
		limit = int(*maxResults)
	}
	start := sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	rest := items[start:]
	if len(rest) <= limit {
		return page[T]{Items: rest}, nil
	}
	rest = rest[:limit]
	return page[T]{Items: rest, Next: encodeToken(op, query, key(rest[len(rest)-1]))}, nil
}
