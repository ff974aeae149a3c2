#!/usr/bin/env bash
# pg.sh makes sure a PostgreSQL server answers on 127.0.0.1:$PORT and lets
# the superuser "postgres" in without a password, then prints a DSN for it as
# the last line of stdout. Everything else goes to stderr.
#
# It runs a private cluster under $FSXD_PG_DIR (initdb -A trust) rather than
# the Debian cluster, whose pg_hba.conf asks for passwords, and starts it with
# pg_ctl because there is no systemd here. It is idempotent: a second run finds
# the server answering and only prints the DSN; concurrent runs serialise on a
# lock file.
#
#   DSN=$(scripts/pg.sh) && FSXD_TEST_POSTGRES=$DSN go test ./store/...
set -euo pipefail

PORT=${FSXD_PG_PORT:-5432}
DIR=${FSXD_PG_DIR:-/var/tmp/fsxd-pg}
DSN="postgres://postgres@127.0.0.1:${PORT}/postgres?sslmode=disable"

log() { echo "pg.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# bindir prints the newest installed server's bin directory, if any.
bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[[ -n $d && -x $d/postgres ]] && echo "$d"
}

# answers reports whether the superuser gets in without a password.
answers() {
	PGCONNECT_TIMEOUT=3 "$BIN/psql" -w -X -q -h 127.0.0.1 -p "$PORT" \
		-U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1
}

install() {
	[[ $(id -u) == 0 ]] || die "PostgreSQL is not installed and I am not root"
	log "installing postgresql with apt-get"
	# Debian's postinst would start its own cluster on $PORT (with password
	# auth); a policy-rc.d that says 101 keeps it from starting.
	local policy=/usr/sbin/policy-rc.d added=
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1
	fi
	apt-get update >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
	[[ -n $added ]] && rm -f "$policy"
	return 0
}

# as runs a command as the postgres user when we are root (initdb and the
# server refuse to run as root), else as ourselves.
as() {
	if [[ $(id -u) == 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

initcluster() {
	[[ -f $DIR/data/PG_VERSION ]] && return 0
	log "initdb in $DIR/data"
	mkdir -p "$DIR"
	rm -rf "$DIR/data"
	[[ $(id -u) == 0 ]] && chown postgres: "$DIR"
	as "$BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --no-locale >&2
}

start() {
	log "starting the server on 127.0.0.1:$PORT (log: $DIR/server.log)"
	# 9>&-: the server must not inherit the lock, or it would hold it forever.
	as "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
		-o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" start >&2 9>&- ||
		die "pg_ctl start failed; see $DIR/server.log"
}

main() {
	BIN=$(bindir) || { install; BIN=$(bindir) || die "no postgres after install"; }
	if answers; then
		echo "$DSN"
		return
	fi
	mkdir -p "$(dirname "$DIR")"
	exec 9>"$DIR.lock"
	flock 9
	# Another run may have started it while we waited for the lock.
	if ! answers; then
		if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
			die "a server on 127.0.0.1:$PORT wants a password for postgres; stop it (pg_lsclusters) or set FSXD_PG_PORT"
		fi
		initcluster
		start
		answers || die "server started but postgres cannot log in; see $DIR/server.log"
	fi
	echo "$DSN"
}

main
