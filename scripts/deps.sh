#!/usr/bin/env bash
# Installs what `make test` needs beyond Go on a fresh Debian machine:
# PostgreSQL (scripts/pg.sh starts it) and rclone (a second, independent S3
# client for the end-to-end round trip). Idempotent and quiet when all is there.
set -euo pipefail
need=()
command -v rclone >/dev/null 2>&1 || need+=(rclone)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v attr >/dev/null 2>&1 || true
if [ ${#need[@]} -gt 0 ]; then
	echo "deps: installing ${need[*]}" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
