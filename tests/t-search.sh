# t-search: the search index and search page.  idx_test (index vs brute
# force over every 2-3 character Han substring of the fixture, plus the
# query parser) plain and ASan; `folio dump seg` and `dump idx` goldens;
# `folio search` goldens; deterministic search/ files; valgrind on index and search;
# the browser tests (tests/browser: headless chromium, and firefox-esr,
# over file:// and http).
sx=$ROOT/tests/search

for b in "$BUILD/idx_test" "$BUILD/asan/idx_test"; do
	v=$(basename "$(dirname "$b")")
	if [ ! -x "$b" ]; then fail "idx_test ($v)" "$b not built"; continue; fi
	"$b" "$sx" > "$TMPD/idx.out" 2>&1
	rc=$?
	grep '^ok ' "$TMPD/idx.out" | sed "s|^ok - |ok idx ($v): |" >> "$RESULTS"
	grep '^not ok ' "$TMPD/idx.out" | sed "s|^not ok - |not ok idx ($v): |" >> "$RESULTS"
	grep '^# ' "$TMPD/idx.out" | head -20 > "$TMPD/idx.notes"
	[ $rc -eq 0 ] || [ $rc -eq 1 ] ||
		fail "idx_test ($v)" "exit status $rc: $(tail -c 600 "$TMPD/idx.out")"
done

# folio dump seg: normalization, ICU words, Han runs.
for in in "$ROOT"/tests/regress/seg/*.in; do
	[ -f "$in" ] || continue
	n=seg/$(basename "$in" .in)
	for v in FOLIO FOLIO_ASAN; do
		eval bin=\$$v
		if "$bin" dump seg "$in" > "$TMPD/seg.out" 2> "$TMPD/seg.err"; then
			golden "$n ($v)" "${in%.in}.out" "$TMPD/seg.out"
		else
			fail "$n ($v)" "$(head -c 300 "$TMPD/seg.err")"
		fi
	done
done

# folio dump idx: an article's blocks by field and its index terms.
for in in "$ROOT"/tests/regress/idx/*.in; do
	[ -f "$in" ] || continue
	n=idx/$(basename "$in" .in)
	cp "$in" "$TMPD/$(basename "$in" .in).md"
	for v in FOLIO FOLIO_ASAN; do
		eval bin=\$$v
		if ( cd "$TMPD" && "$bin" dump idx "$(basename "$in" .in).md" > idx.out 2> idx.err ); then
			golden "$n ($v)" "${in%.in}.out" "$TMPD/idx.out"
		else
			fail "$n ($v)" "$(head -c 300 "$TMPD/idx.err")"
		fi
	done
done

# folio search: the brute-force oracle, one golden per query list.
: > "$TMPD/search.out"
while IFS= read -r q; do
	printf '== %s\n' "$q" >> "$TMPD/search.out"
	"$FOLIO" search -C "$sx" -- "$q" >> "$TMPD/search.out" 2>&1
done < "$sx/queries.txt"
golden "search: folio search over tests/search/queries.txt" \
    "$sx/queries.out" "$TMPD/search.out"

# search/ is the same for any -j, and a rebuild rewrites nothing.
if "$FOLIO" build -C "$sx" -o "$TMPD/s1" -q -j 1 2> "$TMPD/b.err" &&
    "$FOLIO" build -C "$sx" -o "$TMPD/s2" -q -j 2 2>> "$TMPD/b.err"; then
	check "search: search/ identical for -j 1 and -j 2" \
	    diff -r "$TMPD/s1/search" "$TMPD/s2/search"
	"$FOLIO" build -C "$sx" -o "$TMPD/s1" -j 2 2> "$TMPD/b2.err"
	if grep -q ' 0 files changed' "$TMPD/b2.err"; then pass "search: rebuild changes no file"
	else fail "search: rebuild changes no file" "$(cat "$TMPD/b2.err")"; fi
	md=$(cat "$sx"/content/articles/*.md | wc -c)
	idx=$(cat "$TMPD"/s1/search/*.js | wc -c)
	if [ "$idx" -le "$md" ]; then pass "search: search/ ($idx bytes) within the Markdown ($md bytes)"
	else fail "search: search/ within the Markdown" "$idx bytes of search/ for $md bytes of Markdown"; fi
else
	fail "search: fixture builds" "$(head -c 800 "$TMPD/b.err")"
fi

# The ASan binary builds the index too (idx_write with sanitizers):
# the fixture (no shards) and 400 mutated copies of it (with shards).
check "search: fixture builds with ASan" "$FOLIO_ASAN" build -C "$sx" -o "$TMPD/sa" -q
IDX_BENCH_MUTATE=20 IDX_BENCH_KEEP=1 "$BUILD/asan/idx_test" --bench 400 "$sx" "$TMPD/sb" > "$TMPD/sb.out" 2>&1
if [ $? -eq 0 ] && [ -f "$TMPD/sb/search/t-000.js" ]; then pass "search: ASan writes term shards for 400 articles"
else fail "search: ASan writes term shards for 400 articles" "$(tail -c 800 "$TMPD/sb.out")"; fi

if command -v valgrind > /dev/null; then
	VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible"
	check "valgrind: folio build of tests/search (index written)" \
	    $VG "$FOLIO" build -C "$sx" -o "$TMPD/vg" -q
	check "valgrind: folio search" $VG "$FOLIO" search -C "$sx" -- '业委会 -光泽县 "红色 物业"'
	check "valgrind: folio dump seg" $VG "$FOLIO" dump seg "$ROOT/tests/regress/seg/fullwidth.in"
	check "valgrind: index of 200 articles with term shards" \
	    $VG "$BUILD/idx_test" --bench 200 "$sx" "$TMPD/vgb"
else
	fail "valgrind installed" "no valgrind"
fi

# The browser tests need node, npm's packages (tests/browser/setup.sh),
# chromium, and firefox-esr for the same checks in Firefox.
bt=$ROOT/tests/browser
# browser_run NAME FILE: node --test FILE, its cases as "browser: ..."
browser_run() {
	FOLIO=$FOLIO node --test "$2" > "$TMPD/$1.out" 2>&1
	grep -E '^ok [0-9]+ - ' "$TMPD/$1.out" | sed 's/^ok [0-9]* - /ok browser: /' >> "$RESULTS"
	grep -E '^not ok [0-9]+ - ' "$TMPD/$1.out" | sed 's/^not ok [0-9]* - /not ok browser: /' |
	while IFS= read -r l; do echo "$l: $(grep -m1 -A3 'error:' "$TMPD/$1.out" | tr '\n' ' ' | cut -c1-600)"; done >> "$RESULTS"
	grep -qE '^# pass [1-9]' "$TMPD/$1.out" || fail "browser: $1" "$(tail -c 800 "$TMPD/$1.out")"
}
if ! command -v node > /dev/null || [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	fail "browser: search page" "node or chromium missing (sh tests/deps.sh test)"
elif ! sh "$bt/setup.sh" > "$TMPD/setup.out" 2>&1; then
	fail "browser: npm packages installed (tests/browser/setup.sh)" "$(tail -c 600 "$TMPD/setup.out")"
else
	browser_run search "$bt/search.test.mjs"
	if [ -x "${FIREFOX:-/usr/bin/firefox-esr}" ]; then
		browser_run firefox "$bt/firefox.test.mjs"
	else
		fail "browser: search page in Firefox" "firefox-esr missing (sh tests/deps.sh test)"
	fi
fi
