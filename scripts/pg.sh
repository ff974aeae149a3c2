#!/usr/bin/env bash
# pg.sh makes sure a PostgreSQL server of its own answers on 127.0.0.1 and
# lets the superuser "postgres" in without a password, then prints a DSN for
# it as the last line of stdout. Everything else goes to stderr.
#
# It runs a private cluster under $FSXD_PG_DIR (initdb -A trust) rather than
# the Debian cluster, whose pg_hba.conf asks for passwords, and starts it with
# pg_ctl because there is no systemd here. The port is $FSXD_PG_PORT if set,
# else the one this cluster used before (kept in $FSXD_PG_DIR/port), else
# 5432 if nothing listens there, else a free one: whatever else runs on the
# machine, the cluster finds a port. It is idempotent: a second run finds
# the server answering and only prints the DSN; concurrent runs serialise on
# a lock file.
#
#   DSN=$(scripts/pg.sh) && FSXD_TEST_POSTGRES=$DSN go test ./store/...
#   scripts/pg.sh stop      # stops the cluster under $FSXD_PG_DIR
set -euo pipefail
shopt -s inherit_errexit # die inside $(ensure) must end the script

DIR=${FSXD_PG_DIR:-/var/tmp/fsxd-pg}
FIRST=${FSXD_PG_FIRST_PORT:-5432} # the port tried first when none is chosen

log() { echo "pg.sh: $*" >&2; }
die() { log "$*"; exit 1; }

dsn() { echo "postgres://postgres@127.0.0.1:$1/postgres?sslmode=disable"; }

# bindir prints the newest installed server's bin directory, if any.
bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[[ -n $d && -x $d/postgres ]] && echo "$d"
}

# answers reports whether the superuser gets in on port $1 without a password.
answers() {
	PGCONNECT_TIMEOUT=3 "$BIN/psql" -w -X -q -h 127.0.0.1 -p "$1" \
		-U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1
}

# listening reports whether anything at all accepts connections on port $1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# freeport prints a port nothing listens on, starting from $1.
freeport() {
	local p=$1 i
	for ((i = 0; i < 200; i++)); do
		listening "$p" || { echo "$p"; return; }
		p=$((20000 + (RANDOM % 20000)))
	done
	die "no free port found on 127.0.0.1"
}

install() {
	[[ $(id -u) == 0 ]] || die "PostgreSQL is not installed and I am not root"
	log "installing postgresql with apt-get"
	# Debian's postinst would start its own cluster on 5432 (with password
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

# start starts the cluster on port $1; the socket goes into $DIR, where no
# other server's can be in the way.
start() {
	log "starting the server on 127.0.0.1:$1 (log: $DIR/server.log)"
	# 9>&-: the server must not inherit the lock, or it would hold it forever.
	as "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
		-o "-p $1 -k $DIR -c listen_addresses=127.0.0.1" start >&2 9>&-
}

stop() {
	[[ -f $DIR/data/postmaster.pid ]] || return 0
	BIN=$(bindir) || die "PostgreSQL is not installed"
	log "stopping the server in $DIR"
	as "$BIN/pg_ctl" -D "$DIR/data" -w -t 60 -m fast stop >&2
}

# runningport prints the port of this cluster's server if it runs (line 4
# of postmaster.pid), e.g. one an older pg.sh started without a port file.
runningport() {
	[[ -f $DIR/data/postmaster.pid ]] &&
		as "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 &&
		sed -n 4p "$DIR/data/postmaster.pid"
}

# ensure starts the cluster unless it answers, and prints its port.
ensure() {
	local port=${FSXD_PG_PORT:-} tries
	[[ -z $port ]] && port=$(runningport || true)
	[[ -z $port && -f $DIR/port ]] && port=$(<"$DIR/port")
	if [[ -n $port ]] && answers "$port"; then
		echo "$port"
		return
	fi
	initcluster
	for tries in 1 2 3; do
		if [[ -n ${FSXD_PG_PORT:-} ]]; then
			port=$FSXD_PG_PORT
			! listening "$port" || die "something else listens on 127.0.0.1:$port (FSXD_PG_PORT); unset it to let pg.sh pick a free port"
		else
			port=$(freeport "${port:-$FIRST}")
		fi
		# Another process may take the port between the check and the start:
		# then pick again.
		if start "$port"; then
			echo "$port" >"$DIR/port"
			answers "$port" || die "server started but postgres cannot log in; see $DIR/server.log"
			echo "$port"
			return
		fi
		log "pg_ctl start on port $port failed (try $tries); see $DIR/server.log"
		port=$((20000 + (RANDOM % 20000)))
	done
	die "could not start PostgreSQL; see $DIR/server.log"
}

main() {
	if [[ ${1:-} == stop ]]; then
		stop
		return
	fi
	BIN=$(bindir) || { install; BIN=$(bindir) || die "no postgres after install"; }
	mkdir -p "$(dirname "$DIR")"
	exec 9>"$DIR.lock"
	flock 9
	local port
	port=$(ensure)
	dsn "$port"
}

main "$@"
