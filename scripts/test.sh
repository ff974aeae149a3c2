#!/usr/bin/env bash
# test.sh is `make test` after the static checks: it starts a private
# PostgreSQL (scripts/pg.sh, in a directory of its own and on a free port, so
# whatever else runs on the machine is left alone), runs every Go test
# against it, and stops it when the tests end, however they end. If the
# server cannot start, it says why and runs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

dir=$(mktemp -d "${TMPDIR:-/tmp}/fsxd-test-pg.XXXXXX")
chmod 755 "$dir" # the server runs as postgres and must reach its directory
cleanup() {
	FSXD_PG_DIR=$dir/pg scripts/pg.sh stop || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! dsn=$(FSXD_PG_DIR=$dir/pg scripts/pg.sh); then
	echo "make test: no private PostgreSQL (scripts/pg.sh failed, see above); not running the tests" >&2
	exit 1
fi
FSXD_TEST_POSTGRES=$dsn FSXD_REQUIRE_POSTGRES=1 \
	"$GO" test -race -timeout 20m -count=1 "${@:-./...}"
