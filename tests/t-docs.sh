# t-docs: every "$ folio ..." line in the EXAMPLES of docs/folio.1 runs
# and exits 0, in a scratch copy of the project; man pages format clean.
d=$TMPD/proj
mkdir -p "$d/tests"
cp -r "$ROOT/site.yaml" "$ROOT/content" "$ROOT/themes" "$d/"
cp -r "$ROOT/tests/fixture" "$d/tests/"
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$ROOT/docs/folio.1" | sed -n 's/^\$ folio //p' > "$TMPD/examples"
n=0
while IFS= read -r ex; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	if (cd "$d" && "$FOLIO" $ex > "$TMPD/ex.out" 2>&1); then
		pass "docs: example 'folio $ex'"
	else
		fail "docs: example 'folio $ex'" "$(tail -c 400 "$TMPD/ex.out")"
	fi
done < "$TMPD/examples"
[ $n -ge 3 ] && pass "docs: folio.1 has $n tested examples" || fail "docs: examples found" "only $n"
for m in folio.1 folio.5; do
	if command -v groff > /dev/null; then
		check "docs: $m formats without warnings" sh -c "groff -man -Tutf8 -ww '$ROOT/docs/$m' 2>&1 >/dev/null | (! grep .)"
	fi
	check "docs: $m has EXIT STATUS or is section 5" sh -c "grep -q '^.SH EXIT STATUS' '$ROOT/docs/$m' || grep -q '^.TH FOLIO 5' '$ROOT/docs/$m'"
done
"$FOLIO" help > "$TMPD/help.out"
check "docs: folio help lists build and import" sh -c "grep -q 'folio build' '$TMPD/help.out' && grep -q 'folio import' '$TMPD/help.out'"
"$FOLIO" frobnicate 2> /dev/null
check "docs: unknown command exits 2" test $? -eq 2
