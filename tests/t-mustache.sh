# t-mustache: the Mustache engine (generator/mustache.c).
# 1. The spec: build/spec_runner and build/asan/spec_runner over
#    $SHARED/mustache-spec; one case per spec test, plus a pass that
#    renders every test from four threads at once.
# 2. Goldens in tests/regress/tmpl/, driven through the real binary:
#    `folio dump tmpl NAME.mustache NAME.yaml NAME.d` (strict mode).
#    NAME.yaml is the data (an empty map when absent); NAME.d/, when
#    present, holds the partials (NAME.d/P.mustache is the partial P).
#    NAME.out is the expected output, or NAME.err the expected message
#    (non-zero exit).  Plain and ASan binaries, 20 s each at most.
# 3. Pathological inputs made on the fly, each under a time limit.
# 4. valgrind over the spec runner and the goldens, failing on any report.
spec=$SHARED/mustache-spec
for b in "$BUILD/spec_runner" "$BUILD/asan/spec_runner"; do
	v=$(basename "$(dirname "$b")")
	[ "$v" = build ] && v=plain
	if [ ! -x "$b" ]; then fail "spec ($v)" "$b not built"; continue; fi
	"$b" "$spec" > "$TMPD/spec.out" 2> "$TMPD/spec.err"
	rc=$?
	sed -n "s/^ok /ok spec ($v): /p" "$TMPD/spec.out" >> "$RESULTS"
	sed -n "s/^not ok \(.*\)/not ok spec ($v): \1: see the runner's output/p" \
	    "$TMPD/spec.out" >> "$RESULTS"
	if [ $rc -gt 1 ] || ! grep -q '^ok ' "$TMPD/spec.out"; then
		fail "spec ($v)" "status $rc: $(tail -c 600 "$TMPD/spec.err")"
	fi
done

tdir=$ROOT/tests/regress/tmpl
echo '{}' > "$TMPD/empty.yaml"
# render NAME BIN: run dump tmpl on golden NAME; stdout, stderr in $TMPD.
render() {
	_d=$tdir/$1.yaml
	[ -f "$_d" ] || _d=$TMPD/empty.yaml
	_p=
	[ -d "$tdir/$1.d" ] && _p=$1.d
	( cd "$tdir" && timeout 20 $2 dump tmpl "$1.mustache" "$_d" $_p \
	    > "$TMPD/out" 2> "$TMPD/err" )
}
for t in "$tdir"/*.mustache; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .mustache)
	for v in FOLIO FOLIO_ASAN; do
		eval bin=\$$v
		render "$n" "$bin"
		rc=$?
		sed -i "s|$TMPD|T|g" "$TMPD/err"
		if [ -f "$tdir/$n.err" ]; then
			if [ $rc -eq 0 ]; then fail "tmpl $n ($v)" "exit 0, expected an error"
			elif [ $rc -ne 1 ]; then fail "tmpl $n ($v)" "exit $rc: $(head -c 600 "$TMPD/err")"
			else golden "tmpl $n ($v)" "$tdir/$n.err" "$TMPD/err"; fi
		elif [ $rc -ne 0 ]; then
			fail "tmpl $n ($v)" "exit $rc: $(head -c 600 "$TMPD/err")"
		else
			golden "tmpl $n ($v)" "$tdir/$n.out" "$TMPD/out"
		fi
	done
done

# Pathological inputs: NAME EXPECT(ok|err) TEMPLATE-MAKER [DATA]; each
# must finish in 10 s, exit as expected and, when ok, print WANT bytes.
p=$TMPD/path
mkdir -p "$p"
patho() {
	_n=$1 _want=$2
	sh -c "$3" > "$p/$_n.mustache"
	printf '%s\n' "${4:-x: y}" > "$p/$_n.yaml"
	for _v in FOLIO FOLIO_ASAN; do
		eval _bin=\$$_v
		( cd "$p" && timeout 10 "$_bin" dump tmpl "$_n.mustache" \
		    "$_n.yaml" > "$p/out" 2> "$p/err" )
		_rc=$?
		case $_want:$_rc in
		err:1) pass "pathological $_n ($_v)" ;;
		err:*) fail "pathological $_n ($_v)" "exit $_rc, expected 1: $(head -c 300 "$p/err")" ;;
		*:0)	if [ "$(wc -c < "$p/out")" -eq "$_want" ]; then pass "pathological $_n ($_v)"
			else fail "pathological $_n ($_v)" "$(wc -c < "$p/out") bytes, expected $_want"; fi ;;
		*)	fail "pathological $_n ($_v)" "exit $_rc: $(head -c 300 "$p/err")" ;;
		esac
	done
}
patho tags-10k 10000 "awk 'BEGIN { for (i = 0; i < 10000; i++) printf \"{{x}}\" }'" 'x: "a"'
patho line-1mb 1048576 "awk 'BEGIN { for (i = 0; i < 16384; i++) printf \"%064d\", i }'"
patho nest-10k 2 "awk 'BEGIN { for (i = 0; i < 10000; i++) printf \"{{#x}}\"; printf \"ok\"; for (i = 0; i < 10000; i++) printf \"{{/x}}\" }'"
patho blocks-5k 2 "awk 'BEGIN { for (i = 0; i < 5000; i++) printf \"{{\$b%d}}\\n\", i; printf \"z\"; for (i = 4999; i >= 0; i--) printf \"{{/b%d}}\\n\", i }'"
patho open-10k err "awk 'BEGIN { for (i = 0; i < 10000; i++) printf \"{{#x}}\\n\" }'"
patho opens-100k err "awk 'BEGIN { for (i = 0; i < 100000; i++) printf \"{{\" }'"
patho fanout err "printf '{{#l}}{{>fanout}}{{>fanout}}{{/l}}'" 'l: [1, 2, 3]'
patho wide-list 1000000 "printf '{{#l}}{{#l}}{{.}}{{/l}}{{/l}}'" \
    "l: [$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "%s1", i ? ", " : "" }')]"

# valgrind: the spec runner and every golden, failing on any report.
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible"
if ! command -v valgrind > /dev/null; then fail "valgrind installed" "no valgrind"; return 0; fi
$VG "$BUILD/spec_runner" "$spec" > "$TMPD/vg.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then pass "valgrind: spec runner"
else fail "valgrind: spec runner" "status $rc: $(grep -v '^ok ' "$TMPD/vg.out" | head -c 1500)"; fi
for t in "$tdir"/*.mustache; do
	n=$(basename "$t" .mustache)
	render "$n" "$VG $FOLIO"
	if [ $? -eq 99 ]; then fail "valgrind: tmpl $n" "$(head -c 1500 "$TMPD/err")"
	else pass "valgrind: tmpl $n"; fi
done
