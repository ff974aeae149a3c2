package e2e

// The multi-node test's fixture: a fresh PostgreSQL database, one shared
// data directory and N fsxd processes on it; and what the test observes
// from outside: health, error codes, elapsed times.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/jackc/pgx/v5"
)

// envPostgres names a PostgreSQL server where tests may create and drop
// databases, as a URL (scripts/pg.sh prints one).
const envPostgres = "FSXD_TEST_POSTGRES"

// mnCluster is N fsxd processes sharing one database and one data dir.
type mnCluster struct {
	nodes []*Process
	db    string    // the database's name
	admin *pgx.Conn // on the server's maintenance database, not db
}

// startCluster creates a database for this test (dropped at the end) and
// starts n nodes on it with the extra flags args.
func startCluster(t *testing.T, n int, args ...string) *mnCluster {
	t.Helper()
	base := needPostgres(t)
	c := &mnCluster{db: "fsxd_mn_" + randomHex(6)}
	ctx := context.Background()
	var err error
	if c.admin, err = pgx.Connect(ctx, base); err != nil {
		t.Fatalf("%s: %v", envPostgres, err)
	}
	if _, err := c.admin.Exec(ctx, "CREATE DATABASE "+c.db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // registered first, so it runs after the nodes stop
		if _, err := c.admin.Exec(ctx, "DROP DATABASE "+c.db+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", c.db, err)
		}
		c.admin.Close(ctx)
	})
	dsn, err := withDatabase(base, c.db)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	opts := make([]ProcessOptions, n)
	for i := range opts {
		opts[i] = ProcessOptions{Name: fmt.Sprintf("node%d", i+1), DataDir: data, Store: dsn, Args: args}
	}
	c.nodes = StartProcesses(t, opts...)
	return c
}

// needPostgres returns the server's URL, or ends the test: a failure where
// PostgreSQL is required (CI, make test), a skip elsewhere.
func needPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envPostgres)
	if dsn != "" {
		return dsn
	}
	msg := envPostgres + " is not set: no PostgreSQL to test against (FSXD_TEST_POSTGRES=$(scripts/pg.sh) starts one and prints it)"
	if os.Getenv("CI") != "" || os.Getenv("FSXD_REQUIRE_POSTGRES") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// withDatabase is the URL dsn naming database name instead.
func withDatabase(dsn, name string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("%s must be a postgres:// URL (fsxd --store takes one), not %q", envPostgres, dsn)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// cutOff makes the database refuse connections and ends those it has: to
// every node it is as if PostgreSQL had gone away. restore undoes it.
func (c *mnCluster) cutOff(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.admin.Exec(ctx, "ALTER DATABASE "+c.db+" ALLOW_CONNECTIONS false"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", c.db); err != nil {
		t.Fatal(err)
	}
}

func (c *mnCluster) restore(t *testing.T) {
	t.Helper()
	if _, err := c.admin.Exec(context.Background(), "ALTER DATABASE "+c.db+" ALLOW_CONNECTIONS true"); err != nil {
		t.Fatal(err)
	}
}

var healthClient = &http.Client{Timeout: 5 * time.Second}

// health is the status /_fsxd/health answers (0 if none).
func health(p *Process) int {
	res, err := healthClient.Get(p.URL + "/_fsxd/health")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// httpStatus is the HTTP status of an SDK error (0 if none).
func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// within polls cond every 5 ms until it holds, and returns how long that
// took; past limit it fails the test.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	d := time.Since(start)
	t.Logf("%s: %v", what, d.Round(time.Millisecond))
	return d
}
