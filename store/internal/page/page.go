// Package page implements store.Raw's Scan for SQL backends by reading one
// bounded page of rows at a time, so a kind is never held in memory whole.
//
// Reading each page fully before calling back lets the callback write in the
// same transaction. With rows open, a pgx connection refuses other queries,
// and an SQLite cursor runs on but sees the callback's writes as it goes
// (SQLite calls that undefined; a callback inserting greater keys loops).
// Paged, both backends behave alike and as documented: the next page is the
// keys greater than the last one seen, as the transaction now sees them.
package page

// Rows is the part of *sql.Rows and pgx.Rows that Read needs.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Limits of one page. MaxRows is the LIMIT backends put in their query;
// MaxBytes stops a page of large values early, so a page holds at most
// MaxBytes plus one value.
const (
	MaxRows  = 128
	MaxBytes = 1 << 20
)

// KV is one row of a page.
type KV struct {
	Key string
	Val []byte
}

// Read reads (key, val) rows up to the limits. last reports that the query
// is exhausted, so no further page need be fetched.
func Read(rows Rows) (kvs []KV, last bool, err error) {
	size := 0
	for size < MaxBytes && rows.Next() {
		var kv KV
		if err := rows.Scan(&kv.Key, &kv.Val); err != nil {
			return nil, false, err
		}
		size += len(kv.Val)
		kvs = append(kvs, kv)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	return kvs, size < MaxBytes && len(kvs) < MaxRows, nil
}

// Scan calls fn for each key > after in the order fetch returns them, asking
// fetch for the next page after the last key seen, until fn says stop.
func Scan(after string, fetch func(after string) ([]KV, bool, error), fn func(string, []byte) (bool, error)) error {
	for {
		kvs, last, err := fetch(after)
		if err != nil {
			return err
		}
		for _, kv := range kvs {
			more, err := fn(kv.Key, kv.Val)
			if err != nil || !more {
				return err
			}
			after = kv.Key
		}
		if last || len(kvs) == 0 {
			return nil
		}
	}
}
