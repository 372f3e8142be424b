# t-pages: every page of the real archive (the repo's content/articles,
# or, while that is empty, the articles imported from content/pages into
# a scratch project) built with the default theme, then
#   - the W3C Nu checker over the whole site in one run: no error;
#   - axe-core (WCAG 2.0/2.1 A and AA) in headless chromium at phone and
#     desktop widths, light and dark: no serious or critical violation,
#     plus one h1, lang, landmarks, skip link, no outside request
#     (tests/browser/pages.mjs);
# one case per page for each.  The archive has fewer articles than a
# page holds, so the same articles are built again with per_page: 4 and
# topics.max_pages: 1, and that build's paginated pages and the topic
# pages cut short (with their search link) are checked too.  Screenshots of each kind of page go to
# build/screens/theme-*.png (not compared: for looking at).

browser=$ROOT/tests/browser
site=$TMPD/site

pages_setup() {
	if ! sh "$browser/setup.sh" > "$TMPD/setup.out" 2>&1; then
		fail "pages: npm packages installed (tests/browser/setup.sh)" "$(tail -c 600 "$TMPD/setup.out")"
		return 1
	fi
	for c in java node; do
		command -v $c > /dev/null 2>&1 && continue
		fail "pages: $c is installed" "missing (sh tests/deps.sh test)"
		return 1
	done
	return 0
}

# The project to build: the repo itself once it has articles.
pages_project() {
	if ls "$ROOT"/content/articles/*.md > /dev/null 2>&1; then
		proj=$ROOT
		return 0
	fi
	proj=$TMPD/proj
	mkdir -p "$proj/content"
	cp "$ROOT/site.yaml" "$proj/"
	ln -s "$ROOT/themes" "$proj/themes"
	ln -s "$ROOT/content/pages" "$proj/content/pages"
	"$FOLIO" import -o "$proj/content/articles" "$ROOT"/content/pages/*.txt \
	    > "$TMPD/import.out" 2>&1
}

# The same articles, 4 to a page and a topic's first page only, in
# $TMPD/paged/site.
pages_paged() {
	mkdir -p "$TMPD/paged"
	sed 's/^per_page:.*/per_page: 4/' "$proj/site.yaml" > "$TMPD/paged/site.yaml"
	grep -q '^per_page: 4' "$TMPD/paged/site.yaml" || echo 'per_page: 4' >> "$TMPD/paged/site.yaml"
	if grep -q '^topics:' "$TMPD/paged/site.yaml"; then
		sed -i 's/^topics:.*/&\n  max_pages: 1/' "$TMPD/paged/site.yaml"
	else
		printf 'topics:\n  max_pages: 1\n' >> "$TMPD/paged/site.yaml"
	fi
	ln -s "$proj/themes" "$TMPD/paged/themes"
	ln -s "$proj/content" "$TMPD/paged/content"
	"$FOLIO" build -C "$TMPD/paged" -o "$TMPD/paged/site" -q 2> "$TMPD/paged.err" || return 1
	# Every paginated list: its pages 2, 3, ... and its first page.
	(cd "$TMPD/paged/site" && find . -name '*-[0-9]*.html' | sed 's|^\./||' |
	    sed -E 'p; s/-[0-9]+\.html$/.html/' | sort -u) > "$TMPD/paged.list"
	# ... and the topics cut short.
	(cd "$TMPD/paged/site" && grep -l 'class="page-more"' topics/*.html) \
	    > "$TMPD/capped.list"
	sort -u -o "$TMPD/paged.list" "$TMPD/paged.list" "$TMPD/capped.list"
	test -s "$TMPD/paged.list" && test -s "$TMPD/capped.list"
}

pages_vnu() {
	java -jar "$browser/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only \
	    --format gnu --skip-non-html "$site" \
	    $(sed "s|^|$TMPD/paged/site/|" "$TMPD/paged.list") > "$TMPD/vnu.out" 2>&1
	vrc=$?
	# "file:/…/site/a/b.html":3.1-3.9: error: …  ->  a/b.html<TAB>3.1: …
	sed -n -e "s|^\"file:$TMPD/paged/site/\([^\"]*\)\":\([0-9.]*\)[^:]*: error: |paged:\1	\2: |p" \
	    -e "s|^\"file:$site/\([^\"]*\)\":\([0-9.]*\)[^:]*: error: |\1	\2: |p" \
	    "$TMPD/vnu.out" > "$TMPD/vnu.err"
	if [ $vrc -ne 0 ] && [ ! -s "$TMPD/vnu.err" ]; then
		fail "pages: vnu ran" "status $vrc: $(tail -c 600 "$TMPD/vnu.out")"
		return
	fi
	{ (cd "$site" && find . -name '*.html' | sed 's|^\./||' | sort)
	  sed 's|^|paged:|' "$TMPD/paged.list"
	} > "$TMPD/html.list"
	while read -r f; do
		errs=$(awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$TMPD/vnu.err" |
		    head -5 | tr '\n' ' ')
		if [ -z "$errs" ]; then pass "pages: vnu $f"
		else fail "pages: vnu $f" "$errs"; fi
	done < "$TMPD/html.list"
}

pages_axe() {
	node "$browser/pages.mjs" "$site" "$BUILD/screens" > "$TMPD/axe.out" 2> "$TMPD/axe.err"
	arc=$?
	# shellcheck disable=SC2046
	{ node "$browser/pages.mjs" "$TMPD/paged/site" "" $(cat "$TMPD/paged.list") 2>> "$TMPD/axe.err"; } |
	    sed -E 's/^((not )?ok )/\1paged:/' >> "$TMPD/axe.out"
	grep -E '^(not )?ok ' "$TMPD/axe.out" | sed -E 's/^(not )?ok /&pages: axe /' >> "$RESULTS"
	grep '^not ok ' "$TMPD/axe.out" | cut -c1-300 >&2
	if ! grep -qE '^(not )?ok ' "$TMPD/axe.out"; then
		fail "pages: axe ran" "status $arc: $(tail -c 600 "$TMPD/axe.err")"
	fi
	n=$(grep -c '^# note' "$TMPD/axe.out")
	[ "$n" -gt 0 ] && echo "t-pages: $n minor or moderate axe findings (not failures) in $TMPD/axe.out" >&2
	return 0
}

if pages_setup && pages_project; then
	if "$FOLIO" build -C "$proj" -o "$site" -q 2> "$TMPD/build.err"; then
		pass "pages: the archive builds"
		check "pages: the archive builds with per_page: 4" pages_paged
		[ -f "$TMPD/paged.list" ] || : > "$TMPD/paged.list"
		pages_vnu
		pages_axe
	else
		fail "pages: the archive builds" "$(head -c 800 "$TMPD/build.err")"
	fi
elif [ -n "${proj:-}" ]; then
	fail "pages: import of content/pages" "$(tail -c 600 "$TMPD/import.out")"
fi
