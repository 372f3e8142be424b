# t-unit: the C unit tests of pure data structures, plain and ASan.
for b in "$BUILD/unit_test" "$BUILD/asan/unit_test"; do
	"$b" > "$TMPD/unit.out" 2>&1
	rc=$?
	grep '^ok ' "$TMPD/unit.out" | sed "s|^ok - |ok unit ($(basename "$(dirname "$b")")): |" >> "$RESULTS"
	grep '^not ok ' "$TMPD/unit.out" | sed "s|^not ok - |not ok unit: |" >> "$RESULTS"
	[ $rc -eq 0 ] || [ $rc -eq 1 ] || fail "unit $b" "exit status $rc: $(tail -c 600 "$TMPD/unit.out")"
done
