# t-site: the fixture site (tests/fixture, its own small theme) built with
# the plain and the ASan binary and compared with diff -r against
# tests/fixture/expected; determinism across builds and -j; no-op
# rebuilds touch nothing; a failed build leaves the old site intact.
fx=$ROOT/tests/fixture

for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	out=$TMPD/out-$v
	if "$bin" build -C "$fx" -o "$out" -q 2> "$TMPD/err-$v"; then
		if [ "${REGEN:-}" = 1 ] && [ $v = FOLIO ]; then
			rm -rf "$fx/expected"; cp -r "$out" "$fx/expected"
		fi
		if diff -r "$fx/expected" "$out" > "$TMPD/diff-$v"; then
			pass "site: fixture matches expected tree ($v)"
		else
			fail "site: fixture matches expected tree ($v)" "$(head -c 1500 "$TMPD/diff-$v")"
		fi
	else
		fail "site: fixture builds ($v)" "$(head -c 800 "$TMPD/err-$v")"
	fi
done

# Drafts are left out unless asked for.
if [ -f "$TMPD/out-FOLIO/articles/cao-gao-wen-zhang.html" ]; then
	fail "site: drafts are not published" "draft page written"
else
	pass "site: drafts are not published"
fi
"$FOLIO" build -C "$fx" -o "$TMPD/drafts" -q --drafts
check "site: --drafts publishes drafts" test -f "$TMPD/drafts/articles/cao-gao-wen-zhang.html"

# Determinism: another build, another -j, byte-identical.
"$FOLIO" build -C "$fx" -o "$TMPD/j1" -q -j 1
"$FOLIO" build -C "$fx" -o "$TMPD/j4" -q -j 4
check "site: -j 1 and -j 4 give identical output" diff -r "$TMPD/j1" "$TMPD/j4"
check "site: two builds give identical output" diff -r "$TMPD/j1" "$TMPD/out-FOLIO"

# A no-op rebuild changes nothing: no file rewritten, mtimes kept.
touch -d '2001-01-01' "$TMPD/j1/index.html"
"$FOLIO" build -C "$fx" -o "$TMPD/j1" 2> "$TMPD/noop.err"
check "site: no-op rebuild reports 0 files changed" grep -q ' 0 files changed' "$TMPD/noop.err"
check "site: no-op rebuild keeps mtimes" test "$(stat -c %Y "$TMPD/j1/index.html")" = "$(date -d 2001-01-01 +%s)"

# The staging folder stays beside the output for the next build, its
# files the published ones (hard links), and nothing else.
check "site: the staging folder kept for the next build links the published files" \
	test "$(stat -c %i "$TMPD/.j1.folio-staging/index.html" 2> /dev/null)" = "$(stat -c %i "$TMPD/j1/index.html")"
check "site: ... and holds the published files only" diff -r -q "$TMPD/.j1.folio-staging" "$TMPD/j1"

# A failed build leaves the published site exactly as it was.
proj=$TMPD/proj
cp -r "$fx" "$proj"
rm -rf "$proj/expected"
"$FOLIO" build -C "$proj" -q
cp -a "$proj/public" "$TMPD/before"
printf -- '---\ntitle: [unclosed\n---\nbody\n' > "$proj/content/articles/zz-broken.md"
if "$FOLIO" build -C "$proj" -q 2>/dev/null; then
	fail "site: a broken article fails the build" "exit 0"
else
	pass "site: a broken article fails the build"
fi
check "site: failed build leaves public/ untouched" diff -r "$TMPD/before" "$proj/public"

# Every internal link in the fixture output resolves to a file.
check "site: folio check passes on the fixture output" "$FOLIO" check -C "$proj" -q

# An empty archive (no articles yet) builds a valid, link-clean site
# with the default theme, under ASan + UBSan too.
e=$TMPD/empty
mkdir -p "$e/content/articles"
cp "$ROOT/site.yaml" "$e/"
cp -r "$ROOT/themes" "$e/"
check "site: an empty archive builds (ASan)" "$FOLIO_ASAN" build -C "$e" -q
check "site: the empty archive's links resolve" "$FOLIO" check -C "$e" -q

# Long lists show a window of page links: the first, the last, two either
# side of the current page, and a gap for the rest (not 1..N on every page).
pg=$TMPD/paged
mkdir -p "$pg"
cp -r "$ROOT/content" "$ROOT/themes" "$pg/"
sed 's/^per_page:.*/per_page: 1/' "$ROOT/site.yaml" > "$pg/site.yaml"
if "$FOLIO" build -C "$pg" -q 2> "$TMPD/paged.err"; then
	f=$pg/public/list/index-8.html
	got=$(grep -o 'aria-label="第 [0-9]* 页"\|aria-current="page">[0-9]*\|pagination-gap' "$f" | sed 's/.*第 \([0-9]*\) 页.*/\1/; s/.*>\([0-9]*\)$/[\1]/' | tr '\n' ' ')
	n=$(ls "$pg/public/list" | wc -l)
	expect="1 pagination-gap 6 7 [8] 9 10 pagination-gap $n "
	if [ "$got" = "$expect" ]; then
		pass "site: page 8 of $n links 1, 6-10 and $n with gaps"
	else
		fail "site: page 8 of $n links 1, 6-10 and $n with gaps" "got '$got', want '$expect'"
	fi
	got=$(grep -o 'aria-label="第 [0-9]* 页"\|aria-current="page">[0-9]*\|pagination-gap' "$pg/public/list/index.html" | sed 's/.*第 \([0-9]*\) 页.*/\1/; s/.*>\([0-9]*\)$/[\1]/' | tr '\n' ' ')
	check "site: page 1 links 2, 3 and the last" test "$got" = "[1] 2 3 pagination-gap $n "
else
	fail "site: builds with per_page: 1" "$(head -c 800 "$TMPD/paged.err")"
fi

# Slugs of articles with one title: the oldest keeps the pinyin, the
# others add their date, else (date taken, here by an explicit slug or
# an older article of that day; or no date) six hex digits of their file
# name's hash (folio's hash64 of a3.md, a5.md, a6.md, low 24 bits:
# 75371a, a88b34, 2d0e63, worked out apart).  Deleting the oldest and
# adding a newer one moves only what the deleted one held.
sp=$TMPD/slugs
mkdir -p "$sp/content/articles"
cp -r "$ROOT/themes" "$sp/"
sed 's/^per_page:.*/per_page: 20/' "$ROOT/site.yaml" > "$sp/site.yaml"
for d in 1 2 3 4; do
	printf -- '---\ntitle: 同题\ndate: 2025-01-0%s\n---\n正文%s。\n' "$d" "$d" > "$sp/content/articles/a$d.md"
done
printf -- '---\ntitle: 同题\ndate: 2025-01-02\n---\n正文5。\n' > "$sp/content/articles/a5.md"
printf -- '---\ntitle: 同题\n---\n正文6。\n' > "$sp/content/articles/a6.md"
printf -- '---\ntitle: 别的\nslug: tong-ti-20250103\ndate: 2024-01-01\n---\n正文。\n' > "$sp/content/articles/b.md"
# slugs_of N...: the page names of the articles with bodies 正文N。
slugs_of() {
	for d in "$@"; do grep -l "正文$d。" "$sp/public/articles/"*.html | xargs -n1 basename; done | tr '\n' ' '
}
if "$FOLIO" build -C "$sp" -q 2> "$TMPD/slugs.err"; then
	got=$(slugs_of 1 2 3 4 5 6)
	check "site: same titles get tong-ti, dates, file-name hashes ($got)" test "$got" = "tong-ti.html tong-ti-20250102.html tong-ti-75371a.html tong-ti-20250104.html tong-ti-a88b34.html tong-ti-2d0e63.html "
	rm "$sp/content/articles/a1.md"
	printf -- '---\ntitle: 同题\ndate: 2025-03-01\n---\n正文7。\n' > "$sp/content/articles/a7.md"
	"$FOLIO" build -C "$sp" -q 2>> "$TMPD/slugs.err"
	got=$(slugs_of 2 3 4 5 6 7)
	check "site: deleting the oldest and adding a newer one move only the next in line ($got)" test "$got" = "tong-ti.html tong-ti-75371a.html tong-ti-20250104.html tong-ti-20250102.html tong-ti-2d0e63.html tong-ti-20250301.html "
else
	fail "site: same-title articles build" "$(head -c 500 "$TMPD/slugs.err")"
fi
