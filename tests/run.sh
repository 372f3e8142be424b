#!/bin/sh
# tests/run.sh: run every suite (tests/t-*.sh, or those named as
# arguments), then print the failures and one closing line,
# "N passed, N failed".  Exit status 1 if anything failed.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
FOLIO=${FOLIO:-$BUILD/folio}
FOLIO_ASAN=${FOLIO_ASAN:-$BUILD/asan/folio}
SHARED=${SHARED:-$ROOT/../shared}
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/folio-test.XXXXXX")
RESULTS=$TMPD/results
: > "$RESULTS"
export ROOT BUILD FOLIO FOLIO_ASAN SHARED TMPD RESULTS
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87

if [ $# -gt 0 ]; then suites="$*"; else suites=$(ls "$ROOT"/tests/t-*.sh); fi
for s in $suites; do
	name=$(basename "$s" .sh)
	start=$(date +%s)
	before=$(wc -l < "$RESULTS")
	mkdir -p "$TMPD/$name"
	( TMPD=$TMPD/$name; export TMPD; . "$ROOT/tests/lib.sh"; . "$s" ) ||
		echo "not ok $name: suite exited with status $?" >> "$RESULTS"
	after=$(wc -l < "$RESULTS")
	echo "$name: $((after - before)) cases, $(( $(date +%s) - start ))s"
done

passed=$(grep -c '^ok ' "$RESULTS")
failed=$(grep -c '^not ok ' "$RESULTS")
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep '^not ok ' "$RESULTS" | cut -c1-400
fi
[ "$failed" -eq 0 ] && [ -z "$KEEP" ] && rm -rf "$TMPD"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
