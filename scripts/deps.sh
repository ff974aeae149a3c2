#!/usr/bin/env bash
# Installs what `make test` needs beyond Go on a fresh Debian machine: the
# external S3 clients the end-to-end suite runs (rclone, s3cmd, restic,
# duplicity with python3-boto3 for its boto3 backend, s3fs; docs/clients.md),
# setpriv (the userspace-enforcement test), mkfs.ext4, mkfs.xfs, losetup and
# mount (the ext4 reserved-blocks test and the XFS reflink tests mount loop
# images, internal/testfs), and Debian's AWS CLI with
# curl (the README's blocks are run as pasted, e2e/readme_test.go), and
# chromium (the web console's browser tests, e2e/console_test.go), and
# Node.js with npm (the AWS SDK for JavaScript v3, e2e/jssdk_test.go, whose
# packages that test installs with `npm ci`).
# PostgreSQL is scripts/pg.sh's job: it installs it so that Debian's own
# cluster does not start. Idempotent and quiet when all is there.
set -euo pipefail
need=()
command -v rclone >/dev/null 2>&1 || need+=(rclone)
command -v s3cmd >/dev/null 2>&1 || need+=(s3cmd)
command -v restic >/dev/null 2>&1 || need+=(restic)
command -v duplicity >/dev/null 2>&1 || need+=(duplicity)
# s3fs-fuse mounts an access point (e2e/s3fs_test.go); it brings fusermount.
command -v s3fs >/dev/null 2>&1 || need+=(s3fs)
# duplicity runs Debian's python3, so boto3 must be Debian's too.
dpkg-query -W -f='${Status}' python3-boto3 2>/dev/null | grep -q 'install ok installed' || need+=(python3-boto3)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v losetup >/dev/null 2>&1 || need+=(util-linux)
command -v mkfs.ext4 >/dev/null 2>&1 || need+=(e2fsprogs)
command -v mkfs.xfs >/dev/null 2>&1 || need+=(xfsprogs)
command -v mount >/dev/null 2>&1 || need+=(mount)
# Debian's CLI in particular, whatever other aws is on PATH: it is the old
# one the README's AWS_DATA_PATH advice is tested with.
[ -x /usr/bin/aws ] || need+=(awscli)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
	echo "deps: installing ${need[*]}" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi
# The locked @aws-sdk packages declare engines node >=20, and Debian 12's
# own nodejs is 18: then npm installs Node.js 22 from the npm registry (the
# node-linux-<arch> package holds the official binary) into
# $FSXD_NODE_PREFIX (default /usr/local), whose bin comes before /usr/bin
# on PATH.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
	case $(uname -m) in
	x86_64) arch=x64 ;;
	aarch64) arch=arm64 ;;
	*) arch=$(uname -m) ;;
	esac
	prefix=${FSXD_NODE_PREFIX:-/usr/local}
	echo "deps: node $(node --version 2>/dev/null) is older than the AWS SDK for JavaScript needs (>=20): installing node-linux-$arch@22 into $prefix" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO npm install -g -q --prefix "$prefix" "node-linux-$arch@22" >&2
	hash -r
	if [ "$(node_major)" -lt 20 ]; then
		echo "deps: node is still $(node --version 2>/dev/null) on PATH ($PATH); put $prefix/bin first" >&2
		exit 1
	fi
fi
