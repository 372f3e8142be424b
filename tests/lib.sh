# tests/lib.sh: sourced by every suite (tests/t-*.sh).  A suite reports
# each case as one line in $RESULTS: "ok NAME" or "not ok NAME: why".
# Environment from tests/run.sh: ROOT, BUILD, FOLIO, FOLIO_ASAN, TMPD,
# SHARED, RESULTS.

pass() { echo "ok $1" >> "$RESULTS"; }
fail() { echo "not ok $1: $2" >> "$RESULTS"; echo "FAIL $1: $2" >&2; }

# check NAME CMD...: the case passes if CMD exits 0.
check() {
	_n=$1; shift
	if "$@" > "$TMPD/check.out" 2>&1; then pass "$_n"
	else fail "$_n" "$(tail -c 600 "$TMPD/check.out")"; fi
}

# golden NAME EXPECTED ACTUAL: the case passes if the files are equal.
golden() {
	if [ "${REGEN:-}" = 1 ]; then cp "$3" "$2"; pass "$1 (regenerated)"; return; fi
	if [ ! -f "$2" ]; then fail "$1" "missing golden $2"; return; fi
	if diff -u "$2" "$3" > "$TMPD/golden.diff" 2>&1; then pass "$1"
	else fail "$1" "$(head -c 1500 "$TMPD/golden.diff")"; fi
}

# expect_fail NAME EXPECTED_ERR CMD...: CMD must exit non-zero and its
# stderr must equal EXPECTED_ERR (a .err golden) after the temp dir
# prefix is replaced by "T".
expect_fail() {
	_n=$1; _e=$2; shift 2
	if "$@" > "$TMPD/ef.out" 2> "$TMPD/ef.err"; then
		fail "$_n" "exited 0, expected an error"; return
	fi
	sed "s|$TMPD|T|g" "$TMPD/ef.err" > "$TMPD/ef.err2"
	golden "$_n" "$_e" "$TMPD/ef.err2"
}
