#!/bin/sh
# tests/browser/setup.sh: make the browser tests' npm packages ready.
# When a devDependency of package.json is missing from node_modules,
# installs exactly what package-lock.json names (npm ci), without the
# packages' install scripts (vnu-jar's would download a Java runtime;
# Debian's default-jre-headless is used instead, from tests/deps.sh).
# Exit status 0 when everything is there.
set -e
dir=$(cd "$(dirname "$0")" && pwd)
missing=$(cd "$dir" && node -e '
	const fs = require("fs");
	const deps = Object.keys(require("./package.json").devDependencies || {});
	console.log(deps.filter((d) => !fs.existsSync(`node_modules/${d}/package.json`)).join(" "));
')
[ -z "$missing" ] && exit 0
command -v npm > /dev/null 2>&1 || {
	echo "setup: npm is missing (run: sh tests/deps.sh test)" >&2
	exit 1
}
echo "setup: installing$(printf ' %s' $missing) (npm ci in tests/browser)" >&2
cd "$dir"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
