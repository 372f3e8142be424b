# t-taxonomy: the analyse stage and the pages that cross-link the
# archive, on tests/fixture-tax (ten short articles, three raw pages,
# its own small theme with every browse template).  Goldens in
# tests/regress/tax: the dump of regions, organizations, reporters,
# topics, terms, source pages and related articles (fixture.out, checked
# by hand), and the messages of a build with broken links.
fx=$ROOT/tests/fixture-tax
G=$ROOT/tests/regress/tax

# The analysis, as folio dump tax prints it; the same for any -j.
for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	if "$bin" dump tax -C "$fx" > "$TMPD/dump-$v" 2> "$TMPD/dump-$v.err"; then
		golden "tax: dump matches fixture.out ($v)" "$G/fixture.out" "$TMPD/dump-$v"
	else
		fail "tax: dump runs ($v)" "$(head -c 600 "$TMPD/dump-$v.err")"
	fi
done
"$FOLIO" dump tax -C "$fx" -j 1 > "$TMPD/j1" 2>/dev/null
"$FOLIO" dump tax -C "$fx" -j 4 > "$TMPD/j4" 2>/dev/null
check "tax: dump is the same for -j 1 and -j 4" cmp "$TMPD/j1" "$TMPD/j4"

# Related articles: never the article itself, at most five.
awk '/^== articles/ { on = 1; next }
	on && /^[^ ]/ { slug = $1 }
	on && /^  related:/ { if (NF - 1 > 5) bad = bad " " slug ": " NF - 1;
		for (i = 2; i <= NF; i++) { r = $i; sub(/\(.*/, "", r);
			if (r == slug) bad = bad " " slug ": itself" } }
	END { if (bad != "") { print bad; exit 1 } }' "$TMPD/dump-FOLIO" > "$TMPD/rel.out"
check "tax: related lists never hold the article itself, at most 5" test ! -s "$TMPD/rel.out"

# Domain terms come out whole from the text alone (no tags, no
# curation): 业委会 is split by ICU (业|委|会) but recurs as one term.
proj=$TMPD/bare
cp -r "$fx" "$proj"
sed -i '/^tags:/d' "$proj"/content/articles/*.md
sed -i '/^topics:/,$d' "$proj/site.yaml"
"$FOLIO" dump tax -C "$proj" > "$TMPD/bare.out" 2>&1
sed -n '/^== terms/,/^== sources/p' "$TMPD/bare.out" > "$TMPD/bare.terms"
for t in 业委会 红色物业 网格员 积分制 老旧小区; do
	check "tax: '$t' is found whole in the text" grep -qx "$t [0-9]*" "$TMPD/bare.terms"
	check "tax: '$t' is a topic" grep -q "^$t [0-9]* topics/.* found$" "$TMPD/bare.out"
done
for t in 委会 业委 格员 网格 分制 色物 色物业 红色物 旧小区 老旧小 区业委会; do
	check "tax: fragment '$t' is not a term" sh -c "! grep -q '^$t ' '$TMPD/bare.terms'"
done

# The site: builds with both binaries, every link resolves.
for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	if "$bin" build -C "$fx" -o "$TMPD/site-$v" -q 2> "$TMPD/site-$v.err"; then
		pass "tax: fixture site builds ($v)"
	else
		fail "tax: fixture site builds ($v)" "$(head -c 800 "$TMPD/site-$v.err")"
	fi
done
s=$TMPD/site-FOLIO
check "tax: -j 1 and -j 4 sites are identical" sh -c "'$FOLIO' build -C '$fx' -o '$TMPD/sj1' -q -j 1 && '$FOLIO' build -C '$fx' -o '$TMPD/sj4' -q -j 4 && diff -r '$TMPD/sj1' '$TMPD/sj4'"
check "tax: folio check passes on the fixture site" "$FOLIO" check -C "$fx" -o "$s" -q

# Regions: a node's page lists its own and its descendants' articles
# and links its children; articles show breadcrumbs to every level.
r=$s/regions/shan-dong-sheng-ji-nan-shi.html
check "tax: city page lists its own article" grep -q 'ji-nan-shi-tui-jin-lao-jiu-xiao-qu-gai-zao.html' "$r"
check "tax: city page lists its county's article" grep -q 'hong-se-wu-ye-rang-xiao-qu-geng-you-wen-du.html' "$r"
check "tax: city page links its child county" grep -q 'class="children"><li><a href="../regions/shan-dong-sheng-ji-nan-shi-zhang-qing-qu.html">长清区</a> 1' "$r"
check "tax: province page counts three articles" grep -q '<h1>山东省</h1><p>3</p>' "$s/regions/shan-dong-sheng.html"
check "tax: region tree on regions/index.html" grep -q '济南市</a> 2<ul><li><a href="../regions/shan-dong-sheng-ji-nan-shi-zhang-qing-qu.html">长清区</a> 1' "$s/regions/index.html"
a=$s/articles/hong-se-wu-ye-rang-xiao-qu-geng-you-wen-du.html
check "tax: article breadcrumbs link every region level" grep -q '<a href="../regions/shan-dong-sheng.html">山东省</a> <a href="../regions/shan-dong-sheng-ji-nan-shi.html">济南市</a> <a href="../regions/shan-dong-sheng-ji-nan-shi-zhang-qing-qu.html">长清区</a>' "$a"

# Organizations and reporters: one page each; two names with the same
# pinyin get distinct slugs, the same in every build.
check "tax: same-pinyin organizations get distinct pages" test -f "$s/orgs/zhong-gong-bei-zhen-shi-wei-zu-zhi-bu.html" -a -f "$s/orgs/zhong-gong-bei-zhen-shi-wei-zu-zhi-bu_ee24.html"
check "tax: reporter page lists both of its articles" sh -c "grep -c '<li><a href=\"../articles/' '$s/authors/guo-wen-zhi.html' | grep -qx 2"

# Topics: renamed (业主委员会 -> 业委会), excluded (党建引领: shown as a
# plain tag, no page), curated (美丽庭院, 新时代文明实践站), paginated.
check "tax: renamed term counts for its new topic" grep -q 'topics/ye-wei-hui.html">业委会' "$a"
check "tax: excluded tag has no topic page" test ! -e "$s/topics/dang-jian-yin-ling.html"
check "tax: excluded tag is shown unlinked" grep -q '<li>党建引领</li>' "$s/articles/ding-tao-qu-dang-jian-yin-ling-wu-ye-fu-wu-ti-zhi.html"
check "tax: tag links to its topic page" grep -q '<li><a href="../topics/wu-ye-fu-wu.html">物业服务</a></li>' "$s/articles/ding-tao-qu-dang-jian-yin-ling-wu-ye-fu-wu-ti-zhi.html"
check "tax: curated long term has a page" test -f "$s/topics/xin-shi-dai-wen-ming-shi-jian-zhan.html"
check "tax: a topic of five articles has a second page" test -f "$s/topics/wang-ge-yuan-2.html"
n=$(grep -o '<ul class="topics">.*</ul>' "$a" | grep -o '<li>' | wc -l)
check "tax: an article shows 3-8 topics ($n)" test "$n" -ge 3 -a "$n" -le 8

# A topic lists topics.max_pages pages, newest first, and says where
# the rest are (the default theme links a quoted search); 0 lists all.
# Going from 0 to 1 and back, incremental builds equal clean ones.
cap=$TMPD/cap
cp -r "$fx" "$cap"
cp -r "$ROOT/themes/default" "$cap/themes/"
sed -i 's/^theme: .*/theme: default/; s/^topics:/topics:\n  max_pages: 0/' "$cap/site.yaml"
"$FOLIO" build -C "$cap" -q 2> "$TMPD/cap.err"
check "tax: max_pages 0 lists a topic's every page" test -f "$cap/public/topics/wang-ge-yuan-2.html"
sed -n '/<ol class="items">/,/<\/ol>/p' "$cap/public/topics/wang-ge-yuan.html" > "$TMPD/cap.all"
sed -i 's/max_pages: 0/max_pages: 1/' "$cap/site.yaml"
"$FOLIO" build -C "$cap" -q 2>> "$TMPD/cap.err"
t=$cap/public/topics/wang-ge-yuan.html
check "tax: max_pages 1 drops the topic's second page" test ! -e "$cap/public/topics/wang-ge-yuan-2.html"
check "tax: a capped topic counts all and says how many it lists" grep -q '共 5 篇，按时间由近及远排列，这里列出最近的 3 篇' "$t"
check "tax: a capped topic links a quoted search for the rest" grep -q '更早的 2 篇不在此列出：<a href="../search/index.html?q=%22%E7%BD%91%E6%A0%BC%E5%91%98%22">搜索所有提到“网格员”的文章</a>' "$t"
sed -n '/<ol class="items">/,/<\/ol>/p' "$t" > "$TMPD/cap.one"
check "tax: a capped topic lists its three newest" sh -c "test \$(grep -c '<li' '$TMPD/cap.one') = 3 && cmp -s '$TMPD/cap.all' '$TMPD/cap.one'"
check "tax: a topic within max_pages is not capped" sh -c "test -f '$cap/public/topics/mei-li-ting-yuan.html' && ! grep -q 'page-more' '$cap/public/topics/mei-li-ting-yuan.html'"
"$FOLIO" build -C "$cap" -o "$TMPD/cap-clean" -q 2>> "$TMPD/cap.err"
check "tax: capped incremental build equals a clean one" diff -r "$cap/public" "$TMPD/cap-clean"
check "tax: capped site's links resolve" "$FOLIO" check -C "$cap" -q

# Source pages: articles in page order with their lines, continuation
# lines linked, the raw text escaped, every line anchored.
p=$s/pages/p3.html
check "tax: article links its lines on the source page" grep -q '<a href="../pages/p3.html#L1">p3.txt B1、B2 1-4,9-11</a>' "$a"
check "tax: next article on the same page" grep -q 'class="page-next" href="../articles/ji-nan-shi-tui-jin-lao-jiu-xiao-qu-gai-zao.html"' "$a"
check "tax: 下转 links to the article's next lines" grep -q '<a href="../pages/p3.html#L9">（下转B2版）</a>' "$p"
check "tax: 上接 links to the article's earlier lines" grep -q '<a href="../pages/p3.html#L1">（上接B1版）</a>' "$p"
check "tax: 下转 to another page's label links that page" grep -q '<a href="../pages/p2.html">（下转A2版）</a>' "$s/pages/p1.html"
check "tax: raw page text is escaped" grep -q '&lt;网格员&gt;每天巡查 &amp; 记录。</li>' "$s/pages/p2.html"
check "tax: page lists articles in page order" sh -c "grep -o 'articles/[a-z-]*.html\">[^<]*</a> <a' '$p' | head -2 | tr '\n' ' ' | grep -q 'hong-se-wu-ye.*ji-nan-shi'"

# Chronology.
check "tax: month page" grep -q '<h1>2025年2月</h1><p>2</p>' "$s/archive/2025/02.html"
check "tax: month page links the months around it" grep -q '<a href="../../archive/2024/12.html">2024年12月</a><a href="../../archive/2025/03.html">2025年3月</a>' "$s/archive/2025/02.html"

# Machine-readable outputs.
if command -v xmllint > /dev/null; then
	check "tax: feed.xml is well-formed" xmllint --noout "$s/feed.xml"
	check "tax: sitemap.xml is well-formed" xmllint --noout "$s/sitemap.xml"
else
	fail "tax: xmllint installed" "no xmllint (libxml2-utils)"
fi
check "tax: feed has the nine dated articles" sh -c "test \$(grep -c '<entry ' '$s/feed.xml') = 9"
check "tax: feed content is the escaped body" grep -q '<content type="html">&lt;p&gt;长清区打造红色物业品牌' "$s/feed.xml"
check "tax: sitemap has absolute URLs" grep -q '<loc>https://example.org/tax/regions/index.html</loc>' "$s/sitemap.xml"
check "tax: robots.txt names the sitemap" grep -qx 'Sitemap: https://example.org/tax/sitemap.xml' "$s/robots.txt"
sed -n 's|.*<script type="application/ld+json">\(.*\)</script>.*|\1|p' "$a" > "$TMPD/ld.json"
if command -v node > /dev/null; then
	check "tax: JSON-LD parses as a NewsArticle" node -e "const j = JSON.parse(require('fs').readFileSync('$TMPD/ld.json', 'utf8')); if (j['@type'] !== 'NewsArticle' || j.headline !== '红色物业让小区更有温度' || j.datePublished !== '2025-02-11') process.exit(1)"
fi
check "tax: Open Graph url is absolute" grep -q '<meta property="og:url" content="https://example.org/tax/articles/hong-se-wu-ye-rang-xiao-qu-geng-you-wen-du.html">' "$a"

# No base_url: a warning, no feed or sitemap, robots.txt still.
proj=$TMPD/nobase
cp -r "$fx" "$proj"
sed -i '/^base_url:/d' "$proj/site.yaml"
"$FOLIO" build -C "$proj" > /dev/null 2> "$TMPD/nobase.err"
sed "s|$TMPD|T|g" "$TMPD/nobase.err" | grep -v '^folio: ' > "$TMPD/nobase.err2"
golden "tax: no base_url warns" "$G/no-base-url.err" "$TMPD/nobase.err2"
check "tax: no base_url: no feed.xml" test ! -e "$proj/public/feed.xml" -a ! -e "$proj/public/sitemap.xml"
check "tax: no base_url: robots.txt without a sitemap" sh -c "! grep -q Sitemap '$proj/public/robots.txt'"

# Link check: a theme with a broken link and a broken #fragment fails
# the build with one message each, and the published site stays as it
# was; folio check finds the same in a published site.
proj=$TMPD/broken
cp -r "$fx" "$proj"
"$FOLIO" build -C "$proj" -q
cp -a "$proj/public" "$TMPD/before"
sed -i 's|^<h1>{{title}}</h1>$|<h1>{{title}}</h1><p><a href="{{root}}regions/nosuch.html">x</a> <a href="{{root}}pages/p1.html#L999">y</a> <a href="#main">ok</a> <a href="mailto:a@example.org">m</a> <a href="{{root}}index.html?q=1#main">q</a></p>|' "$proj/themes/tax/templates/article.mustache"
for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	expect_fail "tax: broken links fail the build ($v)" "$G/broken-link.err" "$bin" build -C "$proj" -q
	check "tax: failed build leaves public/ untouched ($v)" diff -r "$TMPD/before" "$proj/public"
	check "tax: no staging folder left ($v)" test ! -e "$proj/.public.folio-staging"
done
sed -i 's|</main>|<a href="../regions/">folder</a> <a href="../../../x.html">up</a> <img src="../nosuch.png" alt=""></main>|' "$proj/public/articles/an-hui-sheng-wang-ge-yuan-dui-wu-jian-she.html"
expect_fail "tax: folio check reports broken links" "$G/check.err" "$FOLIO" check -C "$proj" -q
