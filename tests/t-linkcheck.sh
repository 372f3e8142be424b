# t-linkcheck: the check stage.  folio check on a hand-made published
# tree (tests/regress/linkcheck/site) reports every kind of broken link
# once, in file and line order (check.err); past 100 the rest are
# counted; a build with broken links prints the same messages for any
# -j; a page the build keeps unchanged from the last one (hard-linked)
# is still checked.
G=$ROOT/tests/regress/linkcheck
p=$TMPD/proj
mkdir -p "$p/themes/default"
echo 'title: t' > "$p/site.yaml"
cp -r "$G/site" "$TMPD/site"
for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	expect_fail "linkcheck: every kind of broken link, in order ($v)" "$G/check.err" "$bin" check -C "$p" -o "$TMPD/site" -q
done

# Past 100 messages, one line counts the rest.
m=$TMPD/many
mkdir -p "$m/x"
i=0
while [ $i -lt 150 ]; do
	echo "<a href=\"gone-$i.html\">$i</a> <a href=\"#id-$i\">$i</a>"
	i=$((i + 1))
done > "$m/x/page.html"
"$FOLIO" check -C "$p" -o "$m" -q 2> "$TMPD/many.err"
check "linkcheck: 100 messages, then a count" test "$(grep -c 'error: broken link' "$TMPD/many.err")" -eq 100
check "linkcheck: the count is of the rest" grep -qx "$m: error: 200 more broken links" "$TMPD/many.err"
check "linkcheck: in line order, file before fragment" sh -c "sed -n '1p;2p;100p' '$TMPD/many.err' | cut -d' ' -f1,5 | tr '\n' ' ' | grep -qx '$m/x/page.html:1: .gone-0.html. $m/x/page.html:1: .#id-0. $m/x/page.html:50: .#id-49. '"

# A build with broken links in every article: the same messages for -j
# 1 and -j 4, and the site as it was.
b=$TMPD/broken
cp -r "$ROOT/tests/fixture-tax" "$b"
"$FOLIO" build -C "$b" -q
sed -i 's|^<h1>{{title}}</h1>$|<h1>{{title}}</h1><p><a href="{{root}}regions/nosuch.html">x</a> <a href="{{root}}pages/p1.html#L999">y</a> <a href="#nosuch">z</a></p>|' "$b/themes/tax/templates/article.mustache"
for j in 1 4; do
	"$FOLIO" build -C "$b" -q -j $j 2> "$TMPD/j$j.err" && fail "linkcheck: -j $j build fails" "exit 0"
done
check "linkcheck: -j 1 and -j 4 report the same" cmp "$TMPD/j1.err" "$TMPD/j4.err"
check "linkcheck: each broken link reported" test "$(grep -c 'broken link' "$TMPD/j1.err")" -gt 20
"$FOLIO_ASAN" build -C "$b" -q -j 3 2> "$TMPD/j3.err"
check "linkcheck: -j 3 (ASan) reports the same" cmp "$TMPD/j1.err" "$TMPD/j3.err"

# A theme file copied unchanged (so hard-linked from the last build)
# whose link target goes away is still checked.
k=$TMPD/kept
cp -r "$ROOT/tests/fixture-tax" "$k"
mkdir -p "$k/themes/tax/assets"
printf '<!doctype html>\n<p><a href="../pages/p1.html#L1">p1</a>\n<a href="../pages/p3.html">p3</a>\n' > "$k/themes/tax/assets/about.html"
check "linkcheck: a site with a kept page builds" "$FOLIO" build -C "$k" -q
rm "$k/content/pages/p3.txt"
"$FOLIO" build -C "$k" -q 2> "$TMPD/kept.err" && fail "linkcheck: a kept page's link gone fails the build" "exit 0"
check "linkcheck: the kept page's broken link is reported" grep -qx "$k/public/assets/about.html:3: error: broken link '../pages/p3.html'" "$TMPD/kept.err"

# The links memo: a rebuild that loses published files reads only the
# pages that link to one of them (and the new ones), so a kept article
# whose Markdown links to a page that goes still fails the build, and
# when none does far fewer pages are read; without the memo (or with a
# damaged one) every page is read.  (In place: a copied site's files
# are new to the manifest, so nothing would be trusted anyway.)
l=$TMPD/memo
cp -r "$ROOT/tests/fixture-tax" "$l"
sed -i 's/^byline: .*/&\ntags: [只此一篇]/' "$l/content/articles/leshan.md"
to=../topics/zhi-ci-yi-pian.html
from=public/articles/an-hui-sheng-wang-ge-yuan-dui-wu-jian-she.html
printf '\n另见[此页](%s)。\n' "$to" >> "$l/content/articles/anhui.md"
check "linkmemo: an article linking to a topic page builds" "$FOLIO" build -C "$l" -q
check "linkmemo: the linked page is the one named" test -f "$l/public/topics/${to##*/}" -a -f "$l/$from"
check "linkmemo: the memo is written" test -s "$l/.public.folio-links"
# "links: R of N pages read" of a -vv build's messages in $1, as "R N".
pages_read() {
	sed -n 's/^folio:  links: \([0-9]*\) of \([0-9]*\) pages read$/\1 \2/p' "$1"
}
# The topic's only article loses it: its page goes, the linking one is kept.
for how in memo damaged none; do
	case $how in
	none) rm "$l/.public.folio-links" ;;
	damaged) printf 'x' >> "$l/.public.folio-links" ;;
	esac
	sed -i '/^tags: \[只此一篇\]$/d' "$l/content/articles/leshan.md"
	"$FOLIO" build -C "$l" -q -vv 2> "$TMPD/memo-$how.err" && fail "linkmemo ($how): losing a linked page fails the build" "exit 0"
	check "linkmemo ($how): the kept linking page is reported" grep -q "^$l/$from:[0-9]*: error: broken link '$to'\$" "$TMPD/memo-$how.err"
	read r all <<EOT
$(pages_read "$TMPD/memo-$how.err")
EOT
	case $how in
	memo) check "linkmemo: the kept linking page is read (${r:-?} of ${all:-?} pages)" test "${r:-99}" -lt "$((${all:-0} / 2))" ;;
	*) check "linkmemo ($how): every page read (${r:-?} of ${all:-?})" test -n "$r" -a "$r" = "$all" ;;
	esac
	[ $how = none ] || sed -i 's/^byline: .*/&\ntags: [只此一篇]/' "$l/content/articles/leshan.md"
	[ $how = none ] || check "linkmemo ($how): the tag back, it builds" "$FOLIO" build -C "$l" -q
done
# Fixed: the link goes too.  Then a lost page nothing kept links to.
sed -i '/^另见\[此页\]/d' "$l/content/articles/anhui.md"
check "linkmemo: the link removed, it builds" "$FOLIO" build -C "$l" -q
sed -i 's/^byline: .*/&\ntags: [又一篇]/' "$l/content/articles/jinan.md"
"$FOLIO" build -C "$l" -q
sed -i '/^tags: \[又一篇\]$/d' "$l/content/articles/jinan.md"
"$FOLIO" build -C "$l" -q -vv 2> "$TMPD/memo-again.err"
check "linkmemo: a lost page nothing kept links to builds" test $? -eq 0
read r all <<EOT
$(pages_read "$TMPD/memo-again.err")
EOT
check "linkmemo: ... reading ${r:-?} of ${all:-?} pages" test "${r:-99}" -lt "$((${all:-0} / 2))"
# A body edit whose page links where it did: the memo is not rewritten.
ino=$(stat -c %i "$l/.public.folio-links")
printf '\n又及：一句话。\n' >> "$l/content/articles/jinan.md"
"$FOLIO" build -C "$l" -q
check "linkmemo: a body edit leaves the memo as it was" test "$(stat -c %i "$l/.public.folio-links")" = "$ino"
printf '\n[又见](../robots.txt)\n' >> "$l/content/articles/jinan.md"
"$FOLIO" build -C "$l" -q
check "linkmemo: a new link rewrites it" test "$(stat -c %i "$l/.public.folio-links")" != "$ino"
