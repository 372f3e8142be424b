# t-incr: incremental builds are correct before they are fast.  After
# each of a seeded random sequence of edits (article bodies, front
# matter, templates, site.yaml; adds, deletes, renames) an incremental
# build into a kept output folder must equal a clean build byte for
# byte; a no-op rebuild changes no file; a corrupt manifest falls back
# to a full build with a warning.
p=$TMPD/proj
mkdir -p "$p"
cp -r "$ROOT/tests/fixture/site.yaml" "$ROOT/tests/fixture/content" "$ROOT/tests/fixture/themes" "$p/"
A=$p/content/articles
inc=$TMPD/inc
"$FOLIO" build -C "$p" -o "$inc" -q || fail "incr: first build" "failed"

# rnd N: a number in 0..N-1 from the seeded sequence.
seq_file=$TMPD/rand
awk 'BEGIN { srand(20261123); for (i = 0; i < 400; i++) print int(rand() * 1000000) }' > "$seq_file"
k=0
rnd() { k=$((k + 1)); echo $(( $(sed -n "${k}p" "$seq_file") % $1 )); }
pick() { ls "$A" | sed -n "$(( $(rnd "$(ls "$A" | wc -l)") + 1 ))p"; }

n=0
while [ $n -lt 24 ]; do
	n=$((n + 1))
	op=$(rnd 8)
	f=$(pick)
	case $op in
	0) echo "新增段落 $n：业委会与网格员。" >> "$A/$f"; what="body edit $f" ;;
	1) sed -i "s/^title: \(.*\)$/title: \1 $n/" "$A/$f"; what="title edit $f" ;;
	2) if grep -q '^tags:' "$A/$f"; then sed -i "s/^tags: \[/tags: [新标签$n, /" "$A/$f"
	   else sed -i "0,/^---$/! {0,/^---$/ s/^---$/tags: [标签$n]\n---/}" "$A/$f"; fi
	   what="tags edit $f" ;;
	3) printf -- '---\ntitle: 新文章 %s\nplace: 福建省光泽县\nregion: [福建省, 南平市, 光泽县]\ndate: 2025-0%s-1%s\n---\n正文 %s 红色物业。\n' \
	     "$n" "$(( n % 9 + 1 ))" "$(( n % 9 ))" "$n" > "$A/new-$n.md"; what="add new-$n.md" ;;
	4) if [ "$(ls "$A" | wc -l)" -gt 3 ]; then rm "$A/$f"; what="delete $f"; else what="skip delete"; fi ;;
	5) mv "$A/$f" "$A/renamed-$n.md"; what="rename $f" ;;
	6) echo "<!-- edit $n -->" >> "$p/themes/plain/templates/item.mustache"; what="template edit" ;;
	7) sed -i "s/^description: .*/description: 描述 $n/" "$p/site.yaml"; what="site.yaml edit" ;;
	esac
	"$FOLIO" build -C "$p" -o "$inc" -q 2> "$TMPD/inc.err" || { fail "incr: step $n ($what) builds" "$(head -c 300 "$TMPD/inc.err")"; continue; }
	rm -rf "$TMPD/clean"
	"$FOLIO" build -C "$p" -o "$TMPD/clean" -q --clean
	if diff -r "$TMPD/clean" "$inc" > "$TMPD/inc.diff"; then
		pass "incr: step $n ($what) equals a clean build"
	else
		fail "incr: step $n ($what) equals a clean build" "$(head -c 600 "$TMPD/inc.diff")"
	fi
done

# No-op: nothing rewritten, mtimes kept.
find "$inc" -type f -exec touch -d '2001-01-01' {} +
"$FOLIO" build -C "$p" -o "$inc" -q
# The manifest saw the touched mtimes change, so this is a full build;
# its bytes are equal, so every file is kept as it is.
changed=$(find "$inc" -type f -newermt '2001-01-02' | wc -l)
check "incr: unchanged bytes keep their mtime ($changed rewritten)" test "$changed" -eq 0
"$FOLIO" build -C "$p" -o "$inc" 2> "$TMPD/noop.err"
check "incr: no-op rebuild says up to date" grep -q 'up to date, 0 files changed' "$TMPD/noop.err"

# Corrupt and missing manifests fall back to a full build with a warning.
m=$TMPD/.inc.folio-manifest
check "incr: manifest sits beside the output" test -f "$m"
echo garbage > "$m"
"$FOLIO" build -C "$p" -o "$inc" 2> "$TMPD/corrupt.err"
check "incr: corrupt manifest warns" grep -q 'warning: corrupt build manifest: full build' "$TMPD/corrupt.err"
check "incr: corrupt manifest still builds the same site" diff -r "$TMPD/clean" "$inc"
printf 'folio-manifest 2\ninputs 0 env 0\n' > "$m"
rm -rf "$TMPD/.inc.folio-articles"
"$FOLIO" build -C "$p" -o "$inc" 2> "$TMPD/version.err"
check "incr: a manifest of another version says so" grep -q 'warning: build manifest of another folio version: full build' "$TMPD/version.err"
check "incr: ... and the build still leaves the load memo (an upgrade costs one full build, not two)" test -d "$TMPD/.inc.folio-articles"
rm -f "$m"
"$FOLIO" build -C "$p" -o "$inc" 2> "$TMPD/missing.err"
check "incr: missing manifest warns" grep -q 'warning: no build manifest: full build' "$TMPD/missing.err"
# --clean rebuilds even when up to date.
"$FOLIO" build -C "$p" -o "$inc" --clean 2> "$TMPD/clean.err"
check "incr: --clean does a full build" sh -c "! grep -q 'up to date' '$TMPD/clean.err'"

# Pages whose render key (theme, template, context) is unchanged are kept
# as published, not rendered again; --clean renders every one; a page
# changed by hand is rendered again even when its key is the same.
k=$TMPD/keep
"$FOLIO" build -C "$p" -o "$k" -q
f=$(ls "$A" | head -1)
echo "再加一段：积分制。" >> "$A/$f"
"$FOLIO" build -C "$p" -o "$k" 2> "$TMPD/keep.err"
kept=$(sed -n 's/.* pages (\([0-9]*\) kept).*/\1/p' "$TMPD/keep.err")
pages=$(sed -n 's/.* \([0-9]*\) pages (.*/\1/p' "$TMPD/keep.err")
check "incr: a body edit keeps most pages unrendered ($kept of $pages)" test "${kept:-0}" -gt 0 -a "${kept:-0}" -lt "${pages:-0}"
"$FOLIO" build -C "$p" -o "$TMPD/keep-clean" -q --clean
check "incr: kept pages equal a clean build" diff -r "$k" "$TMPD/keep-clean"
"$FOLIO" build -C "$p" -o "$k" --clean 2> "$TMPD/keep.err"
check "incr: --clean renders every page" grep -q ' pages (0 kept)' "$TMPD/keep.err"
idx=$k/index.html
"$FOLIO" build -C "$p" -o "$k" -q
sed -i 's/<title>/<title>HAND /' "$idx"
"$FOLIO" build -C "$p" -o "$k" 2> "$TMPD/keep.err"
kept=$(sed -n 's/.* pages (\([0-9]*\) kept).*/\1/p' "$TMPD/keep.err")
pages=$(sed -n 's/.* \([0-9]*\) pages (.*/\1/p' "$TMPD/keep.err")
check "incr: a page edited by hand is rendered again, the rest kept" test "${kept:-0}" -eq $(( ${pages:-0} - 1 ))
"$FOLIO" build -C "$p" -o "$TMPD/keep-clean2" -q --clean
check "incr: ... and is what a clean build gives" diff -r "$k" "$TMPD/keep-clean2"

# A file or link added by hand to the published site (even in a folder of
# its own) makes the next build a real one, which removes it.
for x in stray.html deep/er/stray.txt link; do
	"$FOLIO" build -C "$p" -o "$k" -q
	mkdir -p "$(dirname "$k/$x")"
	if [ "$x" = link ]; then ln -s index.html "$k/$x"; else echo hand > "$k/$x"; fi
	"$FOLIO" build -C "$p" -o "$k" 2> "$TMPD/hand.err"
	check "incr: $x added by hand is not up to date" sh -c "! grep -q 'up to date' '$TMPD/hand.err'"
	check "incr: ... and the build removes it" test ! -e "$k/$x" -a ! -L "$k/$x"
done
check "incr: ... leaving a clean build's files" diff -r "$k" "$TMPD/keep-clean2"

# The link check reads only what changed when the last build's files are
# untouched and nothing is gone, but a page it does not read still fails
# the build when a page it links into loses the id it names.
lp=$TMPD/lk
mkdir -p "$lp"
cp -r "$ROOT/tests/fixture/site.yaml" "$ROOT/tests/fixture/content" "$ROOT/tests/fixture/themes" "$lp/"
"$FOLIO" build -C "$lp" -o "$lp/out" -q
bz=$(grep -l '堡垒联建' "$lp/out/articles/"*.html | head -1)
hid=$(grep -o 'id="h-[0-9a-f]*"' "$bz" | head -1 | sed 's/id="//; s/"//')
printf '\n另见[北镇](%s#%s)。\n' "$(basename "$bz")" "$hid" >> "$lp/content/articles/undated.md"
"$FOLIO" build -C "$lp" -o "$lp/out" -q 2> "$TMPD/lk.err"
check "incr: a link to a heading id builds ($hid)" test $? -eq 0 -a -n "$hid"
echo "再加一句。" >> "$lp/content/articles/beizhen.md"
"$FOLIO" build -C "$lp" -o "$lp/out" -q 2> "$TMPD/lk.err"
check "incr: an edit that keeps the id builds" test $? -eq 0
sed -i 's/^## 筑牢战斗堡垒.*$/筑牢战斗堡垒。/' "$lp/content/articles/beizhen.md"
if "$FOLIO" build -C "$lp" -o "$lp/out" -q 2> "$TMPD/lk.err"; then
	fail "incr: removing a linked heading fails the build" "built: $(head -c 300 "$TMPD/lk.err")"
else
	check "incr: removing a linked heading fails the build" grep -q "no id '$hid'" "$TMPD/lk.err"
fi

# The terms memo (termcache.c): a body edit counts one article again and,
# outside the sample the vocabulary is found in, keeps the vocabulary;
# a tag edit keeps it too and counts the new tag alone, in every article;
# a corrupt or truncated memo warns and is dropped; --clean does not
# read it.  Each build equals a clean one.
# A 300-article archive with a 60-article sample (FOLIO_TERMS_SAMPLE).
gen=$BUILD/bench-gen
[ -x "$gen" ] || make -s -C "$ROOT" build/bench-gen > /dev/null 2>&1
tp=$TMPD/tm
"$gen" -s 5 -n 300 -o "$tp" -t "$ROOT/tests/fixture/themes" "$ROOT/tests/fixture/content/articles" 2> "$TMPD/tm-gen.err" ||
	fail "incr: terms memo archive" "$(head -c 300 "$TMPD/tm-gen.err")"
sed -i 's/^theme: .*/theme: plain/' "$tp/site.yaml"
FOLIO_TERMS_SAMPLE=60
export FOLIO_TERMS_SAMPLE
# memo_step TAG WHAT SED: build -v incrementally (its messages in
# $TMPD/TAG.err), check it equals a clean build ($TMPD/TAG-clean), print
# what the sed script SED takes from the messages.
memo_step() {
	"$FOLIO" build -C "$tp" -v > /dev/null 2> "$TMPD/$1.err"
	rm -rf "$TMPD/$1-clean"
	"$FOLIO" build -C "$tp" -o "$TMPD/$1-clean" -q --clean
	check "incr: $2, equals a clean build" diff -r -q "$TMPD/$1-clean" "$tp/public"
	sed -n "$3" "$TMPD/$1.err"
}
tm_step() { memo_step tm "terms memo, $1" 's/.*terms memo: \(.*\)/\1/p'; }
tm_step "first build" > "$TMPD/tm.1"
check "incr: terms memo, the first build finds and counts all" grep -q '^vocabulary found, 300 of 300 articles counted' "$TMPD/tm.1"
nc=$(ls "$tp/.public.folio-terms" | grep -c '^[0-9a-f][0-9a-f]$')
ni=$(ls "$tp/.public.folio-terms" | grep -c '^s[0-9a-f][0-9a-f]$')
check "incr: terms memo sits beside the output, 64 files, the vocabulary found, its sample and its ids in 1 to 64 ($nc, $ni)" test "$nc" -eq 64 -a "$ni" -ge 1 -a "$ni" -le 64 -a -f "$tp/.public.folio-terms/found" -a -f "$tp/.public.folio-terms/sample"
# None for a bucket without articles (58 articles leave ~26 of 64 empty).
check "incr: terms memo, no ids file for a bucket without articles ($ni)" test "$ni" -lt 64
: > "$TMPD/tm.kept"
for i in 3 17 42 99 150 230; do
	printf '\n备忘测试追加的一段：网格员与业委会。\n' >> "$tp/content/articles/$(printf 'a%07d.md' $i)"
	tm_step "body edit $i" >> "$TMPD/tm.kept"
done
check "incr: terms memo, body edits count one article each ($(sort "$TMPD/tm.kept" | uniq -c | tr '\n' ';'))" \
	sh -c "! grep -v ', 1 of 300 articles counted' '$TMPD/tm.kept'"
check "incr: terms memo, a body edit outside the sample keeps the vocabulary" grep -q '^vocabulary kept, 1 of 300' "$TMPD/tm.kept"
# An edit inside the sample: the first of these articles that is in it.
for i in $(seq 20 60); do
	printf '\n样本内追加的一段。\n' >> "$tp/content/articles/$(printf 'a%07d.md' $i)"
	"$FOLIO" build -C "$tp" -v > /dev/null 2> "$TMPD/tm.err"
	grep -q 'terms memo: vocabulary found' "$TMPD/tm.err" && break
done
rm -rf "$TMPD/tm-clean"
"$FOLIO" build -C "$tp" -o "$TMPD/tm-clean" -q --clean
check "incr: terms memo, a body edit inside the sample finds the vocabulary again (a$i)" grep -q 'terms memo: vocabulary found' "$TMPD/tm.err"
check "incr: terms memo, ... and equals a clean build" diff -r -q "$TMPD/tm-clean" "$tp/public"
# ... from what changed in the sample (find_delta): the article's old
# and new text, the grams in them counted again; what the memo keeps of
# the sample (its candidates, their counts) is what a clean build keeps.
check "incr: terms memo, ... by counting the grams of its old and new text ($(sed -n 's/.*terms sample: //p' "$TMPD/tm.err"))" grep -q 'terms sample: 2 of [0-9]* articles changed, [1-9][0-9]* grams counted again' "$TMPD/tm.err"
check "incr: terms memo, ... and keeps the sample a clean build keeps" cmp "$TMPD/.tm-clean.folio-terms/sample" "$tp/.public.folio-terms/sample"
# Two more edits in the sample, one dropping text: the same.
for k in 1 2; do
	f=$tp/content/articles/$(printf 'a%07d.md' $i)
	[ $k = 1 ] && printf '\n第二次追加：网格员走访业委会，红色物业。\n' >> "$f"
	[ $k = 2 ] && sed -i '$d' "$f"
	memo_step tm "terms memo, sample edit $k" 's/.*terms sample: \(.*\)/\1/p' > "$TMPD/tm.s$k"
	check "incr: terms memo, sample edit $k counts what changed ($(cat "$TMPD/tm.s$k")) and keeps a clean build's sample" sh -c "grep -q '^2 of [0-9]* articles changed' '$TMPD/tm.s$k' && cmp '$TMPD/.tm-clean.folio-terms/sample' '$tp/.public.folio-terms/sample'"
done
# A damaged sample file: the vocabulary is found in the whole sample.
printf 'x' >> "$tp/.public.folio-terms/sample"
printf '\n第三次追加。\n' >> "$tp/content/articles/$(printf 'a%07d.md' $i)"
memo_step tm "terms memo, damaged sample" 's/.*terms \(sample\|memo\): \(.*\)/\1: \2/p' > "$TMPD/tm.s3"
check "incr: terms memo, a damaged sample file finds the vocabulary in all the sample ($(cat "$TMPD/tm.s3" | tr '\n' ' '))" sh -c "grep -q '^memo: vocabulary found' '$TMPD/tm.s3' && ! grep -q '^sample' '$TMPD/tm.s3' && cmp '$TMPD/.tm-clean.folio-terms/sample' '$tp/.public.folio-terms/sample'"
# Damaged ids files: an article kept is made again (chars_one), one gone
# cannot be, and then the vocabulary is found in the whole sample.
f=$(ls "$tp"/.public.folio-terms/s[0-9a-f][0-9a-f] | head -1)
printf 'x' >> "$f"
printf '\n第四次追加。\n' >> "$tp/content/articles/$(printf 'a%07d.md' $i)"
memo_step tm "terms memo, one damaged ids file" 's/.*terms \(sample\|memo\): \(.*\)/\1: \2/p' > "$TMPD/tm.s4"
check "incr: terms memo, one damaged ids file: a clean build's sample ($(cat "$TMPD/tm.s4" | tr '\n' ' '))" cmp "$TMPD/.tm-clean.folio-terms/sample" "$tp/.public.folio-terms/sample"
for f in "$tp"/.public.folio-terms/s[0-9a-f][0-9a-f]; do printf 'x' >> "$f"; done
printf '\n第五次追加。\n' >> "$tp/content/articles/$(printf 'a%07d.md' $i)"
memo_step tm "terms memo, every ids file damaged" 's/.*terms \(sample\|memo\): \(.*\)/\1: \2/p' > "$TMPD/tm.s5"
check "incr: terms memo, every ids file damaged: found in all the sample, a clean build's sample ($(cat "$TMPD/tm.s5" | tr '\n' ' '))" sh -c "grep -q '^memo: vocabulary found' '$TMPD/tm.s5' && ! grep -q '^sample' '$TMPD/tm.s5' && cmp '$TMPD/.tm-clean.folio-terms/sample' '$tp/.public.folio-terms/sample'"
# An edit in place that changes a gram's neighbours but not how often
# it is used, nor its first use (乡融媒 -> 县融媒 twice, after a comma:
# 融媒's usual left neighbour goes from 市 to 县): counted again, as a
# clean build counts it (grams_changed hashes each use's neighbours).
nb=$TMPD/nb
mkdir -p "$nb/content/articles"
cp -r "$ROOT/tests/fixture/themes" "$ROOT/tests/fixture/site.yaml" "$nb/"
k=0
for pre in 县 县 市 市 市 市 乡 省 省; do
	k=$((k + 1))
	case $k in 1|5|8) post=体中心;; 2|6|9) post=平台;; *) post=记者;; esac
	printf -- '---\ntitle: 媒体测试第%s篇\ndate: 2024-03-%02d\n---\n第%s篇：%s融媒%s报道了社区治理的做法。\n' \
		$k $k $k "$pre" "$post" > "$nb/content/articles/n$k.md"
done
printf -- '---\ntitle: 媒体测试第十篇\ndate: 2024-03-10\n---\n县融媒体中心报道，乡融媒平台转载，乡融媒记者采访。\n' > "$nb/content/articles/n10.md"
"$FOLIO" build -C "$nb" -q
sed -i 's/乡融媒/县融媒/g' "$nb/content/articles/n10.md"
"$FOLIO" build -C "$nb" -v > /dev/null 2> "$TMPD/nb.err"
rm -rf "$TMPD/nb-clean"
"$FOLIO" build -C "$nb" -o "$TMPD/nb-clean" -q --clean
check "incr: terms memo, an edit in place moving a gram's neighbours, not its count: the sample is a clean build's ($(sed -n 's/.*terms sample: //p' "$TMPD/nb.err"))" sh -c "grep -q 'terms sample: 2 of 10 articles changed' '$TMPD/nb.err' && cmp '$TMPD/.nb-clean.folio-terms/sample' '$nb/.public.folio-terms/sample' && diff -r -q '$TMPD/nb-clean' '$nb/public'"
# A gram that one a character longer holds nearly always, that longer
# one starting with a stop word (县|融媒, 县融 not counted): its sup comes
# from the grams a character longer counted beside it (count_one), or
# the edit makes it a candidate a clean build does not have.
sp=$TMPD/sup
mkdir -p "$sp/content/articles"
cp -r "$ROOT/tests/fixture/themes" "$ROOT/tests/fixture/site.yaml" "$sp/"
i=0
for tail in 体中心报道 平台发布消息 记者采访群众 体中心直播 平台转载文章 记者深入乡村 体中心推出专题 平台开设专栏 记者走访社区; do
	i=$((i + 1))
	printf -- '---\ntitle: 县融媒测试第%s篇\ndate: 2024-01-%02d\n---\n第%s篇正文：县融媒%s。另有业委会、网格员等词语。\n' \
		$i $i $i "$tail" > "$sp/content/articles/s$i.md"
done
printf -- '---\ntitle: 市里的报道\ndate: 2024-02-01\n---\n市融媒平台报道了社区治理。\n' > "$sp/content/articles/s10.md"
"$FOLIO" build -C "$sp" -q
printf '\n县融媒体中心再次报道。\n' >> "$sp/content/articles/s1.md"
"$FOLIO" build -C "$sp" -v > /dev/null 2> "$TMPD/sup.err"
rm -rf "$TMPD/sup-clean"
"$FOLIO" build -C "$sp" -o "$TMPD/sup-clean" -q --clean
check "incr: terms memo, a gram held by a longer one after a stop word: the sample is a clean build's ($(sed -n 's/.*terms sample: //p' "$TMPD/sup.err"))" sh -c "grep -q 'terms sample: 2 of 10 articles changed' '$TMPD/sup.err' && cmp '$TMPD/.sup-clean.folio-terms/sample' '$sp/.public.folio-terms/sample' && diff -r -q '$TMPD/sup-clean' '$sp/public'"
sed -i 's/^tags: .*/tags: ["备忘测试标签"]/' "$tp/content/articles/a0000007.md"
tm_step "tag edit" > "$TMPD/tm.tag"
check "incr: terms memo, a tag edit keeps the vocabulary found and counts the new tag alone ($(cat "$TMPD/tm.tag"))" grep -q '^vocabulary kept, 0 of 300 articles counted, 1 new terms counted in 300$' "$TMPD/tm.tag"
# Tags that are grams (2-4 Han characters, counted where they stand,
# overlapping) and one that is not (counted by substring): two added,
# one gone, in an article of the sample (its text changed too).
for i in $(seq 20 60); do
	f=$tp/content/articles/$(printf 'a%07d.md' $i)
	grep -q '^tags:' "$f" || continue
	sed -i 's/^tags: .*/tags: ["网格", "区区", "治理ab"]/' "$f"
	printf '
区区区区网格员治理AB。
' >> "$f"
	break
done
tm_step "tag edit with grams" > "$TMPD/tm.tag2"
check "incr: terms memo, gram and substring tags added are counted alone ($(cat "$TMPD/tm.tag2"))" grep -q 'new terms counted in' "$TMPD/tm.tag2"
# Deleting or adding an article outside the sample keeps the vocabulary:
# the sample is cut by file name against the count rounded up to a step
# (4 here), the key holds the set of tags, not how often each is used.
for i in 100 101 102; do
	mv "$tp/content/articles/$(printf 'a%07d.md' $i)" "$TMPD/"
	tm_step "delete a$i" > "$TMPD/tm.del"
	grep -q '^vocabulary kept' "$TMPD/tm.del" && break
done
check "incr: terms memo, deleting an article outside the sample keeps the vocabulary (a$i)" grep -q '^vocabulary kept, 0 of 29[789] articles counted' "$TMPD/tm.del"
for k in 1 2 3; do
	sed "s/^title: .*/title: 备忘测试新增$k/" "$tp/content/articles/a0000200.md" > "$tp/content/articles/new$k.md"
	tm_step "add new$k" > "$TMPD/tm.add"
	grep -q '^vocabulary kept' "$TMPD/tm.add" && break
done
check "incr: terms memo, adding an article outside the sample keeps the vocabulary (new$k)" grep -q '^vocabulary kept, 1 of' "$TMPD/tm.add"
# A body edit rewrites the one or two files its article's old and new
# text keys fall in, not the whole memo.
touch "$TMPD/tm.mark"
printf '\n又一段。\n' >> "$tp/content/articles/a0000010.md"
tm_step "body edit, files rewritten" > /dev/null
n=$(find "$tp/.public.folio-terms" -type f -newer "$TMPD/tm.mark" | wc -l)
check "incr: terms memo, a body edit rewrites 1 or 2 of its 64 files ($n)" test "$n" -ge 1 -a "$n" -le 2
# A damaged file: a warning, and only its articles are counted again.
for bad in garbage truncated; do
	if [ $bad = garbage ]; then echo garbage > "$tp/.public.folio-terms/00"
	else f=$tp/.public.folio-terms/01; head -c $(($(wc -c < "$f") / 2)) "$f" > "$TMPD/tm.half"; cp "$TMPD/tm.half" "$f"; fi
	printf '\n再一段。\n' >> "$tp/content/articles/a0000011.md"
	tm_step "$bad memo file" > "$TMPD/tm.bad"
	check "incr: terms memo, a $bad file warns" grep -q 'folio-terms: warning: 1 of its files corrupt or of another version; counting their articles' "$TMPD/tm.err"
	x=$(sed -n 's/^vocabulary kept, \([0-9]*\) of \([0-9]*\) articles counted/\1/p' "$TMPD/tm.bad")
	y=$(sed -n 's/^vocabulary kept, \([0-9]*\) of \([0-9]*\) articles counted/\2/p' "$TMPD/tm.bad")
	check "incr: terms memo, a $bad file is dropped, the others kept ($(cat "$TMPD/tm.bad"))" test "${x:-0}" -ge 1 -a "${x:-0}" -lt "${y:-0}"
done
# An older folio's memo, one file where the folder goes: none, quietly;
# the build makes the folder.
rm -rf "$tp/.public.folio-terms"; echo "folio-terms 1" > "$tp/.public.folio-terms"
printf '\n旧备忘。\n' >> "$tp/content/articles/a0000013.md"
tm_step "an older memo file" > "$TMPD/tm.old"
x=$(sed -n 's/.* \([0-9]*\) of \([0-9]*\) articles counted/\1 \2/p' "$TMPD/tm.old")
check "incr: terms memo, an older folio's file counts all ($x), quietly, and becomes a folder" sh -c "test -n '$x' && test \$(echo $x | cut -d' ' -f1) -eq \$(echo $x | cut -d' ' -f2) && ! grep -q 'folio-terms: warning' '$TMPD/tm.err' && test -d '$tp/.public.folio-terms'"
printf '\n末一段。\n' >> "$tp/content/articles/a0000012.md"
"$FOLIO" build -C "$tp" -v --clean > /dev/null 2> "$TMPD/tm.err"
check "incr: terms memo, --clean does not read it" grep -q 'terms memo: vocabulary found, 300 of 300' "$TMPD/tm.err"
unset FOLIO_TERMS_SAMPLE

# The load memo (artmemo.c): the first rebuild parses every article and
# keeps them; later ones parse only what changed (a body edit, a title
# edit, a draft) and equal a clean build; a theme edit parses none; a
# damaged memo file warns and its articles are parsed again; --clean
# does not read it; a build into a new folder neither reads nor writes
# one.
am_step() { memo_step am "load memo, $1" 's/.*load memo: \([0-9]*\) of.*/\1/p'; }
# (The --clean build above neither read nor wrote it: one more edit.)
printf '\n载入备忘测试前。\n' >> "$tp/content/articles/a0000020.md"
"$FOLIO" build -C "$tp" -q
check "incr: load memo, 64 buckets and the slugs beside the output" test "$(ls "$tp/.public.folio-articles" | wc -l)" -eq 65
printf '\n载入备忘测试。\n' >> "$tp/content/articles/a0000021.md"
check "incr: load memo, a body edit parses one article" test "$(am_step "body edit")" = 1
check "incr: load memo, ... and makes no slug (titles, regions, topics... all kept)" grep -q 'slug memo: 0 of [1-9][0-9]* slugs made' "$TMPD/am.err"
check "incr: load memo, none beside a build into a new folder" test -d "$TMPD/am-clean" -a ! -e "$TMPD/.am-clean.folio-articles"
sed -i 's/^title: .*/title: "载入备忘新标题"/' "$tp/content/articles/a0000022.md"
check "incr: load memo, a title edit parses one article" test "$(am_step "title edit")" = 1
check "incr: load memo, ... and makes its slug (and any new topic's: $(sed -n 's/.*slug memo: //p' "$TMPD/am.err"))" grep -q 'slug memo: [1-9] of [1-9][0-9]* slugs made' "$TMPD/am.err"
check "incr: load memo, ... whose page has the new title's slug" test -f "$tp/public/articles/zai-ru-bei-wang-xin-biao-ti.html"
sed -i 's/^title: /draft: true\ntitle: /' "$tp/content/articles/a0000023.md"
check "incr: load memo, a draft parses one article" test "$(am_step "draft")" = 1
sed -i '/^draft: true$/d' "$tp/content/articles/a0000023.md"
check "incr: load memo, no longer a draft parses one (the memo keeps only what is there)" test "$(am_step "undraft")" = 1
# (bench-gen's themes/ is a link to the repository's: edit a copy.)
rm "$tp/themes" && cp -R "$ROOT/tests/fixture/themes" "$tp/themes"
# Another program's memo (a rebuilt folio: its key differs) is not read
# and no warning is said.
cp "$FOLIO" "$TMPD/folio-other" && echo >> "$TMPD/folio-other"
printf '\n另一程序。\n' >> "$tp/content/articles/a0000027.md"
"$TMPD/folio-other" build -C "$tp" -v > /dev/null 2> "$TMPD/am.err"
check "incr: load memo, another program's is not read" grep -q 'load memo: \([0-9]*\) of \1 articles parsed' "$TMPD/am.err"
check "incr: load memo, ... and no warning said" sh -c "! grep -q warning '$TMPD/am.err'"
printf '\n本程序。\n' >> "$tp/content/articles/a0000027.md"
check "incr: load memo, back to this program: all parsed again" test "$(am_step "program change")" = 300
echo '<!-- 载入备忘 -->' >> "$tp/themes/plain/templates/article.mustache"
check "incr: load memo, a theme edit parses none" test "$(am_step "theme edit")" = 0
cp "$tp/content/articles/a0000024.md" "$tp/content/articles/zz-copy.md"
sed -i 's/^title: .*/title: "复制一篇"/' "$tp/content/articles/zz-copy.md"
check "incr: load memo, an added article is parsed" test "$(am_step "add")" = 1
f=$(ls "$tp/.public.folio-articles" | sed -n 7p)
printf 'x' | dd of="$tp/.public.folio-articles/$f" bs=1 seek=60 conv=notrunc 2> /dev/null
printf '\n再一段。\n' >> "$tp/content/articles/a0000025.md"
n=$(am_step "damaged bucket")
check "incr: load memo, a damaged bucket warns" grep -q 'folio-articles: warning: 1 of its files damaged; parsing their articles again' "$TMPD/am.err"
check "incr: load memo, ... and its articles are parsed again ($n)" test "$n" -gt 1 -a "$n" -lt 30
echo garbage > "$tp/.public.folio-articles/slugs"
printf '\n又一段。\n' >> "$tp/content/articles/a0000025.md"
am_step "damaged slugs" > /dev/null
check "incr: load memo, damaged slugs warn" grep -q 'folio-articles: warning: 1 of its files damaged' "$TMPD/am.err"
printf '\n末一段。\n' >> "$tp/content/articles/a0000026.md"
"$FOLIO" build -C "$tp" -v --clean > /dev/null 2> "$TMPD/am.err"
check "incr: load memo, --clean does not read it" sh -c "grep -q 'files changed' '$TMPD/am.err' && ! grep -q 'load memo' '$TMPD/am.err'"

# The default theme (search index included) on a 300-article archive:
# after each edit an incremental build equals a clean one, and a
# document chunk whose text did not change is kept as published (same
# inode) rather than deflated and written again.
ds=$TMPD/ds
"$gen" -s 9 -n 300 -o "$ds" -t "$ROOT/themes" "$ROOT/tests/fixture/content/articles" 2> "$TMPD/ds.err" ||
	fail "incr: default theme archive" "$(head -c 300 "$TMPD/ds.err")"
"$FOLIO" build -C "$ds" -q 2> "$TMPD/ds.err" || fail "incr: default theme builds" "$(head -c 300 "$TMPD/ds.err")"
# The incremental builds count the search index in batches of about 32
# documents (FOLIO_IDX_BATCH) and keep each batch's postings in the memo
# folder; the clean builds (a new folder: no memo) in batches of 512.
ds_step() {
	touch "$TMPD/ds.mark"
	FOLIO_IDX_BATCH=32 "$FOLIO" build -C "$ds" -q 2> /dev/null
	rm -rf "$TMPD/ds-clean"
	"$FOLIO" build -C "$ds" -o "$TMPD/ds-clean" -q --clean 2> /dev/null
	check "incr: default theme, $1, equals a clean build" diff -r -q "$TMPD/ds-clean" "$ds/public"
}
# batches: memo files the last ds_step rewrote.
batches() { find "$ds/.public.folio-index" -type f -newer "$TMPD/ds.mark" | wc -l; }
# chunks: document chunks the last ds_step wrote (mtime moved).
chunks() { find "$ds/public/search" -name 'd-*.js' -newer "$TMPD/ds.mark" | wc -l; }
printf '\n先追加一段。\n' >> "$ds/content/articles/a0000101.md"
ds_step "first body edit"
nbatch=$(ls "$ds/.public.folio-index" | wc -l)
check "incr: default theme, the first rebuild keeps the index's batches ($(batches) written, $nbatch files)" test "$(batches)" -eq "$nbatch" -a "$nbatch" -ge 5
printf '\n追加一段：业委会。\n' >> "$ds/content/articles/a0000100.md"
ds_step "body edit"
check "incr: default theme, a body edit counts one batch of the index again ($(batches) written)" test "$(batches)" -eq 1
total=$(ls "$ds"/public/search/d-*.js | wc -l)
check "incr: default theme, a body edit keeps the other document chunks ($(chunks) of $total written)" test "$(chunks)" -eq 1 -a "$total" -gt 10
printf '\n又追加一段。\n' >> "$ds/content/articles/a0000100.md"
FOLIO_IDX_BATCH=32 "$FOLIO" build -C "$ds" -v > /dev/null 2> "$TMPD/ds.v"
check "incr: default theme, -v says so ($(sed -n 's/.*index memo: //p' "$TMPD/ds.v"))" grep -q "index memo: 1 of $nbatch batches counted" "$TMPD/ds.v"
sed -i 's/^tags: .*/tags: ["增量测试"]/' "$ds/content/articles/a0000150.md"
ds_step "tag edit"
sed 's/^title: .*/title: 增量测试新增/' "$ds/content/articles/a0000100.md" > "$ds/content/articles/zz-new.md"
ds_step "add"
check "incr: default theme, adding an article counts at most two batches again ($(batches) written)" test "$(batches)" -ge 1 -a "$(batches)" -le 2
rm "$ds/content/articles/a0000200.md"
ds_step "delete"
check "incr: default theme, deleting one too ($(batches) written)" test "$(batches)" -ge 1 -a "$(batches)" -le 2
# A damaged batch is counted again; one cut short too.
f=$(ls "$ds/.public.folio-index" | sed -n 3p)
printf 'x' | dd of="$ds/.public.folio-index/$f" bs=1 seek=40 conv=notrunc 2> /dev/null
g=$(ls "$ds/.public.folio-index" | sed -n 5p)
head -c 100 "$ds/.public.folio-index/$g" > "$TMPD/ds.cut"; cp "$TMPD/ds.cut" "$ds/.public.folio-index/$g"
printf '\n再追加。\n' >> "$ds/content/articles/a0000100.md"
ds_step "damaged index memo"
check "incr: default theme, damaged batches are counted again ($(batches) written)" test "$(batches)" -ge 2 -a "$(batches)" -le 3
# Half the batches gone: as many counted as read, merged together.
for f in $(ls "$ds/.public.folio-index" | awk 'NR % 2 == 0'); do rm "$ds/.public.folio-index/$f"; done
printf '\n半数重算。\n' >> "$ds/content/articles/a0000100.md"
FOLIO_IDX_BATCH=32 "$FOLIO" build -C "$ds" -vv > /dev/null 2> "$TMPD/ds.v"
rm -rf "$TMPD/ds-clean"
"$FOLIO" build -C "$ds" -o "$TMPD/ds-clean" -q --clean 2> /dev/null
check "incr: default theme, half the index memo gone ($(sed -n 's/.*index memo: //p' "$TMPD/ds.v")), equals a clean build" sh -c "grep -q 'index memo: [0-9]* of' '$TMPD/ds.v' && diff -r -q '$TMPD/ds-clean' '$ds/public'"

# The stat cache (manifest.c): input files older than the last hashing
# are not read again when their stat is the same; an edit that keeps a
# file's size and puts its mtime back still shows, in its ctime; so
# does one that keeps both times and only swaps the file (its inode).
sc=$TMPD/sc
mkdir -p "$sc"
cp -r "$ROOT/tests/fixture/site.yaml" "$ROOT/tests/fixture/content" "$ROOT/tests/fixture/themes" "$sc/"
find "$sc/content" "$sc/themes" -type f -exec touch -d '2020-01-02 03:04:05' {} +
"$FOLIO" build -C "$sc" -q 2> /dev/null
check "incr: stat cache, the manifest records each input's stat" sh -c "test \$(grep -c '^= ' '$sc/.public.folio-manifest') -eq \$(find '$sc/content' '$sc/themes' -type f | wc -l)"
"$FOLIO" build -C "$sc" -v > /dev/null 2> "$TMPD/sc.err"
check "incr: stat cache, a rebuild is a no-op" grep -q 'up to date' "$TMPD/sc.err"
sc_step() {
	"$FOLIO" build -C "$sc" -v > /dev/null 2> "$TMPD/sc.err"
	rm -rf "$TMPD/sc-clean"
	"$FOLIO" build -C "$sc" -o "$TMPD/sc-clean" -q --clean 2> /dev/null
	check "incr: stat cache, $1: seen ($(tail -1 "$TMPD/sc.err")), equals a clean build" sh -c "! grep -q 'up to date' '$TMPD/sc.err' && diff -r -q '$TMPD/sc-clean' '$sc/public'"
}
f=$sc/content/articles/guangze.md
# In place (the same inode, the same size): one character for another.
off=$(grep -bo '委' "$f" | sed -n '2s/:.*//p')
printf '主' | dd of="$f" bs=1 seek="$off" conv=notrunc 2> /dev/null
touch -d '2020-01-02 03:04:05' "$f"
sc_step "in place, same size, mtime put back"
cp -p "$f" "$TMPD/sc.copy"
printf '委' | dd of="$TMPD/sc.copy" bs=1 seek="$off" conv=notrunc 2> /dev/null
touch -d '2020-01-02 03:04:05' "$TMPD/sc.copy"
mv "$TMPD/sc.copy" "$f"
sc_step "another file of the same size and times moved in"
