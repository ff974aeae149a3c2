#!/usr/bin/env bash
# Runs every fuzz target in the module for a bounded time each (default 20s).
# `make test` replays the corpora (testdata/fuzz) as ordinary tests.
set -euo pipefail
t="${1:-20s}"
cd "$(dirname "$0")/.."
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "== $pkg $f ($t)"
		go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg"
	done
done
