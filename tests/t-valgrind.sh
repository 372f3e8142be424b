# t-valgrind: the example site build and the stage goldens under
# valgrind, failing on any report (errors and leaks).
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible"
if ! command -v valgrind > /dev/null; then fail "valgrind installed" "no valgrind"; return 0; fi
$VG "$FOLIO" build -C "$ROOT" -o "$TMPD/site" -q -j 2 > "$TMPD/vg.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then pass "valgrind: example site build is clean"
else fail "valgrind: example site build is clean" "status $rc: $(head -c 1500 "$TMPD/vg.out")"; fi
$VG "$FOLIO" build -C "$ROOT/tests/fixture" -o "$TMPD/fx" -q > "$TMPD/vg2.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then pass "valgrind: fixture site build is clean"
else fail "valgrind: fixture site build is clean" "status $rc: $(head -c 1500 "$TMPD/vg2.out")"; fi
for stage in fm md; do
	for in in "$ROOT"/tests/regress/$stage/*.in; do
		[ -f "$in" ] || continue
		cp "$in" "$TMPD/x.md"
		$VG "$FOLIO" dump $stage "$TMPD/x.md" > /dev/null 2> "$TMPD/vg3.out"
		rc=$?
		if [ $rc -eq 99 ]; then fail "valgrind: dump $stage $(basename "$in")" "$(head -c 800 "$TMPD/vg3.out")"
		else pass "valgrind: dump $stage $(basename "$in")"; fi
	done
done
# The importer over the five real pages, report included.
$VG "$FOLIO" import -q -o "$TMPD/imp" --report "$TMPD/imp.yaml" "$ROOT"/content/pages/*.txt > "$TMPD/vg4.out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then pass "valgrind: folio import of the real pages is clean"
else fail "valgrind: folio import of the real pages is clean" "status $rc: $(head -c 1500 "$TMPD/vg4.out")"; fi
