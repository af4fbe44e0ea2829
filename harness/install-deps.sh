#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian 12 packages iorfd-conform needs, and only those that are
# missing, so 'make run' and 'make check' work on a fresh machine as root.
set -eu

# The second line builds the runner kernel (harness/vm/build-kernel.sh).
PKGS="gcc make libc6-dev libcmocka-dev libyaml-dev linux-libc-dev linux-source-6.1 xz-utils
      binutils bc flex bison libelf-dev libssl-dev
      lcov gcovr qemu-system-x86 busybox-static cpio gzip valgrind
      libxml2-utils chromium clang-format python3"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: not root; install these yourself:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
