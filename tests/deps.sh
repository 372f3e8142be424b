#!/bin/sh
# Install what folio needs from Debian, when missing.  As root this runs
# apt-get; otherwise it prints the exact command and fails.
#   sh tests/deps.sh build   compiler and libraries
#   sh tests/deps.sh test    plus what the tests use
set -e
pkgs="gcc make pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libicu-dev libdeflate-dev"
if [ "$1" = test ]; then
	pkgs="$pkgs clang libclang-rt-14-dev valgrind chromium firefox-esr default-jre-headless nodejs npm time curl fonts-wqy-zenhei libxml2-utils"
fi
missing=""
for p in $pkgs; do
	# Node may come from another packaging of the same name: trust it.
	case $p in
	nodejs) command -v node >/dev/null 2>&1 && continue ;;
	npm) command -v npm >/dev/null 2>&1 && continue ;;
	esac
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || true
	$cmd
else
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root: sudo $cmd" >&2
	exit 1
fi
