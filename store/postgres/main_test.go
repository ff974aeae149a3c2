package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// envDSN names a database where the tests may create and drop databases,
// e.g. the DSN scripts/pg.sh prints.
const envDSN = "FSXD_TEST_POSTGRES"

var (
	testDB  string        // DSN of this run's own database, "" without envDSN
	admin   *pgxpool.Pool // on testDB
	schemas atomic.Int64
)

// TestMain creates a database for this run, so concurrent runs do not
// interfere, and drops it at the end. Each test gets a schema in it.
func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		return m.Run() // each test skips or fails in needDB
	}
	ctx := context.Background()
	name := "fsxd_test_" + randHex()
	if err := createDB(ctx, dsn, name); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", envDSN, err)
		return 1
	}
	defer dropDB(ctx, dsn, name)
	testDB = withParam(dsn, "dbname", name)
	var err error
	if admin, err = pgxpool.New(ctx, testDB); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer admin.Close()
	return m.Run()
}

// createDB makes the database collate by a language (ICU en-US) where the
// server can, so the key-order test proves the kv table's COLLATE "C"
// rather than passing on a server whose default happens to be C.
func createDB(ctx context.Context, dsn, name string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name+
		" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
	if err != nil {
		fmt.Fprintf(os.Stderr, "ICU database unavailable (%v); using the server's default collation\n", err)
		_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	}
	return err
}

func dropDB(ctx context.Context, dsn, name string) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

// needDB returns this run's database, or ends the test if there is none:
// a failure where PostgreSQL is required (CI), a skip elsewhere.
func needDB(tb testing.TB) string {
	tb.Helper()
	if testDB != "" {
		return testDB
	}
	msg := envDSN + " is not set: no PostgreSQL to test against (DSN=$(scripts/pg.sh) starts one and prints it)"
	if os.Getenv("CI") != "" || os.Getenv("FSXD_REQUIRE_POSTGRES") == "1" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// newSchema creates an empty schema and returns a DSN whose search_path
// puts the backend's tables there.
func newSchema(tb testing.TB) string {
	db := needDB(tb)
	name := fmt.Sprintf("s%d", schemas.Add(1))
	if _, err := admin.Exec(context.Background(), "CREATE SCHEMA "+name); err != nil {
		tb.Fatal(err)
	}
	return withParam(db, "search_path", name)
}

// withParam sets a connection parameter in a URL or key=value DSN.
func withParam(dsn, key, val string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn + " " + key + "=" + val
	}
	if key == "dbname" {
		u.Path = "/" + val
		return u.String()
	}
	q := u.Query()
	q.Set(key, val)
	u.RawQuery = q.Encode()
	return u.String()
}

func randHex() string {
	var p [6]byte
	rand.Read(p[:])
	return strings.ToLower(hex.EncodeToString(p[:]))
}
