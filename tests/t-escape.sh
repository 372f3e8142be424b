# t-escape: content with HTML and script in every field (title, place,
# byline, organization, authors, tags, region, captions, body, slug-less
# title) is escaped wherever it lands: HTML text and attributes, JSON-LD,
# the search index (JS), the Atom feed and the sitemap (XML).  Built with
# the default theme, which uses every kind of page; then the output is
# grepped for the payloads in raw form.
p=$TMPD/proj
mkdir -p "$p/content/articles" "$p/content/pages"
cp -r "$ROOT/themes" "$p/"
cat > "$p/site.yaml" <<'YAML'
title: "Evil </title><script>alert('site')</script>"
description: "\"><script>alert('desc')</script>"
base_url: https://example.org/a]]>b/
YAML
cat > "$p/content/articles/evil.md" <<'MD'
---
title: "<script>alert('t1')</script>\"><img src=x onerror=alert('t2')>"
place: "</script><script>alert('p')</script>"
region: ["<b onmouseover=alert('r')>省</b>", "市]]>"]
byline: "]]></title><script>alert('b')</script>"
organization: "<svg onload=alert('o')>"
authors: ["</script>&lt;x", "\u2028'\""]
date: 2025-01-02
tags: ["<img src=y onerror=alert('tag')>", "]]>"]
summary: "<iframe src=javascript:alert('s')>"
photos:
  - caption: "<script>alert('cap')</script>"
    credit: "\"><svg onload=alert('cr')>"
source:
  file: "p<script>.txt"
  page: "B1<script>"
  lines: "1-2"
---
Body <script>alert('body')</script> and <img src=z onerror=alert('body2')>.

## Heading <script>alert('h')</script>

<figure class="photo">
<figcaption>&lt;script&gt;alert('fig')&lt;/script&gt;<small>credit</small></figcaption>
</figure>
MD
printf -- '---\ntitle: plain neighbour\ndate: 2025-01-01\n---\ntext\n' > "$p/content/articles/plain.md"
# Enough text for term files (searchidx.c's IDX_SMALL: 150,000
# characters), so that the payloads' characters are keys in them too.
awk 'BEGIN { print "---\ntitle: filler\ndate: 2025-01-03\n---"
	for (i = 0; i < 4500; i++)
		print "基层治理网格员业委会红色物业吹哨报到光泽县党建引领小区协商议事会居民自治。" }' \
    > "$p/content/articles/filler.md"
if "$FOLIO" build -C "$p" -q 2> "$TMPD/err"; then
	pass "escape: hostile site builds"
else
	fail "escape: hostile site builds" "$(head -c 600 "$TMPD/err")"
fi
o=$p/public
# The search files as text: the term and document files are UTF-16 with
# a BOM (where a byte 0x3C is half of some code unit, not a '<').
sd=$TMPD/search-text
mkdir -p "$sd"
for f in "$o"/search/*.js; do
	if [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' \n')" = fffe ]; then
		iconv -f UTF-16 -t UTF-8 "$f" > "$sd/${f##*/}"
	else
		cp "$f" "$sd/"
	fi
done
# Raw payloads must appear nowhere (escaped forms are fine).
# (An escaped payload such as "&lt;img src=x onerror=..." is harmless
# text; what must not appear is a tag that a browser would parse.)
for pat in "<script>alert" "<img src=x" "<img src=y" "<img src=z" \
    "<svg onload" "<b onmouseover" "<iframe src" '"><img' '"><svg' '"><script'; do
	hits=$(grep -rlF -- "$pat" "$o" "$sd" 2>/dev/null | head -3)
	if [ -z "$hits" ]; then pass "escape: no raw '$pat' in the output"
	else fail "escape: no raw '$pat' in the output" "$hits"; fi
done
# JSON-LD and inline scripts: no "</script" or "<!--" inside a script element.
bad=$(for f in $(find "$o" -name '*.html'); do
	awk 'BEGIN{RS="<script"} NR>1 { i = index($0, "</script>"); body = substr($0, 1, i - 1);
		if (index(body, "</scr") || index(body, "<!--")) { print FILENAME; exit } }' "$f"
done | head -3)
if [ -z "$bad" ]; then pass "escape: script elements cannot be closed early"
else fail "escape: script elements cannot be closed early" "$bad"; fi
# XML outputs are well-formed (]]> and & escaped).
for x in feed.xml sitemap.xml; do
	if [ ! -f "$o/$x" ]; then fail "escape: $x written" "missing"; continue; fi
	if command -v xmllint > /dev/null; then
		check "escape: $x is well-formed XML" xmllint --noout "$o/$x"
	fi
done
# Search data: every string is JSON-escaped (no raw < in the JS files),
# and there are strings to check: the hostile tag in meta.js's facets, the
# character '<' among the term files' keys.
if grep -rl '<' "$sd" > /dev/null 2>&1; then
	fail "escape: search data has no raw '<'" "$(grep -rl '<' "$sd" | head -3)"
elif ! grep -q 'u003cimg src=y' "$sd/meta.js"; then
	fail "escape: search data has no raw '<'" "meta.js lacks the escaped tag"
elif ! grep -lq '\\u003c' "$sd"/t-*.js 2>/dev/null; then
	fail "escape: search data has no raw '<'" "no term file has the key '<', escaped"
else
	pass "escape: search data has no raw '<'"
fi
check "escape: every link resolves" "$FOLIO" check -C "$p" -q
