# t-patho: pathological inputs, each bounded by timeout, each ending in
# correct output or one clear "path: error: ..." (exit 1), never a crash
# or a hang: a 10 MB one-line body, 100,000 tags, 10,000-deep lists,
# quotes, emphasis and links, 1.6 MB of front matter, YAML nested 10,000
# deep, a symlink loop in content/, page dumps without line breaks for
# folio import, and templates that include themselves (directly, in a
# ring, through inheritance) or fan out to more than 64 MB.
fx=$ROOT/tests/fixture
A=content/articles
T=themes/plain/templates

# fresh NAME: a clean copy of the fixture in $TMPD/NAME.
fresh() { rm -rf "$TMPD/$1"; cp -r "$fx" "$TMPD/$1"; rm -rf "$TMPD/$1/expected"; }

# run NAME SECONDS BIN ARGS...: run under timeout; status in $rc, stderr
# in $TMPD/NAME.err.  124 is a timeout, > 128 a signal (a crash).
run() {
	_n=$1 _s=$2; shift 2
	timeout "$_s" "$@" > "$TMPD/$_n.out" 2> "$TMPD/$_n.err"
	rc=$?
}

# build_ok NAME SECONDS VARIANTS CHECK...: build $TMPD/NAME with each
# binary in VARIANTS; each must exit 0 in time and CHECK must hold.
build_ok() {
	_n=$1 _s=$2 _vs=$3; shift 3
	for _v in $_vs; do
		eval _bin=\$$_v
		rm -rf "$TMPD/$_n/public" "$TMPD/$_n/.public.folio-manifest"
		run "$_n" "$_s" "$_bin" build -C "$TMPD/$_n" -q
		if [ $rc -eq 0 ] && "$@" > /dev/null 2>&1; then pass "patho: $_n ($_v): builds in under ${_s}s"
		else fail "patho: $_n ($_v): builds in under ${_s}s" "status $rc: $(head -c 600 "$TMPD/$_n.err")"; fi
	done
}

# build_err NAME SECONDS VARIANTS REGEX: exit 1 in time with an error
# line matching REGEX (and no other status: no crash, no timeout).
build_err() {
	_n=$1 _s=$2 _vs=$3 _re=$4
	for _v in $_vs; do
		eval _bin=\$$_v
		run "$_n" "$_s" "$_bin" build -C "$TMPD/$_n" -q
		if [ $rc -eq 1 ] && grep -Eq "$_re" "$TMPD/$_n.err"; then pass "patho: $_n ($_v): clear error in under ${_s}s"
		else fail "patho: $_n ($_v): clear error in under ${_s}s" "status $rc: $(head -c 600 "$TMPD/$_n.err")"; fi
	done
}

# A 10 MB body on one line.
fresh huge-line
{ printf -- '---\ntitle: 一行很长的文章\nslug: huge\ndate: 2025-01-01\n---\n'
  awk 'BEGIN { s = "党建引领基层治理，社区服务群众。"; for (i = 0; i < 218500; i++) printf "%s", s; print "" }'
} > "$TMPD/huge-line/$A/huge.md"
build_ok huge-line 90 "FOLIO FOLIO_ASAN" \
	sh -c "[ \$(wc -c < '$TMPD/huge-line/public/articles/huge.html') -gt 10000000 ]"

# 100,000 tags on one article.
fresh tags-100k
{ printf -- '---\ntitle: 十万个标签\nslug: tags\ndate: 2025-01-01\ntags: ['
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%s标签%d", i ? ", " : "", i }'
  printf ']\n---\n正文。\n'
} > "$TMPD/tags-100k/$A/tags.md"
build_ok tags-100k 90 FOLIO test -f "$TMPD/tags-100k/public/articles/tags.html"

# 10,000-deep lists, block quotes, emphasis, links and brackets, and a
# 5,000-line ragged list.
fresh deep-nesting
{ printf -- '---\ntitle: 深层嵌套\nslug: deep\ndate: 2025-01-01\n---\n'
  awk 'BEGIN { n = 10000
	for (i = 0; i < n; i++) printf "- "; print "列表\n"
	for (i = 0; i < n; i++) printf "> "; print "引用\n"
	for (i = 0; i < n; i++) printf "*"; printf "强调"; for (i = 0; i < n; i++) printf "*"; print "\n"
	for (i = 0; i < n; i++) printf "_a "; print "\n"
	for (i = 0; i < n; i++) printf "**a "; print "\n"
	for (i = 0; i < n; i++) printf "["; print "x"; for (i = 0; i < n; i++) printf "](https://example.org/)"; print "\n"
	for (i = 0; i < n; i++) printf "[a](<"; print "\n"
	for (i = 0; i < 5000; i++) { for (j = 0; j < i % 40; j++) printf "  "; print "- 项" } }'
} > "$TMPD/deep-nesting/$A/deep.md"
build_ok deep-nesting 60 "FOLIO FOLIO_ASAN" grep -q '引用' "$TMPD/deep-nesting/public/articles/deep.html"

# 1.6 MB of front matter (one long summary).
fresh big-front-matter
{ printf -- '---\ntitle: 很大的前言\nslug: big-fm\ndate: 2025-01-01\nsummary: "'
  awk 'BEGIN { for (i = 0; i < 70000; i++) printf "前言很长的摘要。" }'
  printf '"\n---\n正文。\n'
} > "$TMPD/big-front-matter/$A/fm.md"
build_ok big-front-matter 60 "FOLIO FOLIO_ASAN" test -f "$TMPD/big-front-matter/public/articles/big-fm.html"

# YAML nested 10,000 deep in the front matter.
fresh deep-yaml
{ printf -- '---\ntitle: 很深的前言\ndate: 2025-01-01\ntags: '
  awk 'BEGIN { for (i = 0; i < 10000; i++) printf "["; for (i = 0; i < 10000; i++) printf "]"; print "" }'
  printf -- '---\n正文。\n'
} > "$TMPD/deep-yaml/$A/fm.md"
build_err deep-yaml 60 "FOLIO FOLIO_ASAN" "deep-yaml/$A/fm.md:[0-9]+:[0-9]+: error: "

# A symlink loop (and a link back up) among the articles: folder links
# are not followed, so the site is the fixture's; or, at the least, one
# clear error that names the link.
fresh symlink-loop
ln -s . "$TMPD/symlink-loop/$A/loop"
ln -s ../articles "$TMPD/symlink-loop/$A/up"
for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	run symlink-loop 30 "$bin" build -C "$TMPD/symlink-loop" -q
	if [ $rc -eq 0 ] && [ "$(ls "$TMPD/symlink-loop/public/articles" | wc -l)" = 4 ]; then
		pass "patho: symlink-loop ($v): builds the fixture's 4 articles, links not followed"
	elif [ $rc -eq 1 ] && grep -Eq "$A/(loop|up): error: " "$TMPD/symlink-loop.err"; then
		pass "patho: symlink-loop ($v): one clear error naming the link"
		echo "t-patho: symlink-loop ($v) is an error, not skipped: $(head -1 "$TMPD/symlink-loop.err")" >&2
	else
		fail "patho: symlink-loop ($v): bounded, clear" "status $rc: $(head -c 600 "$TMPD/symlink-loop.err")"
	fi
done

# folio import of page dumps without a single line break: 10 MB of
# article text, and a real page with its newlines removed.
mkdir -p "$TMPD/import"
awk 'BEGIN { s = "辽宁省北镇市：实施党建强基工程 ■中共北镇市委组织部 近年来，北镇市坚持把党建引领作为乡村振兴的红色引擎。"
	for (i = 0; i < 70000; i++) printf "%s", s }' > "$TMPD/import/flat.txt"
page=$(ls "$ROOT"/content/pages/*.txt "$ROOT"/tests/regress/import/*.in 2> /dev/null | head -1)
[ -n "$page" ] && tr -d '\n' < "$page" > "$TMPD/import/real-flat.txt"
for f in flat real-flat; do
	[ -f "$TMPD/import/$f.txt" ] || continue
	for v in FOLIO FOLIO_ASAN; do
		eval bin=\$$v
		rm -rf "$TMPD/import/out-$f"
		run "import-$f" 60 "$bin" import -o "$TMPD/import/out-$f" "$TMPD/import/$f.txt"
		if [ $rc -eq 0 ] || { [ $rc -eq 1 ] && grep -q "$f.txt: error: " "$TMPD/import-$f.err"; }; then
			pass "patho: import $f.txt, no line breaks ($v): status $rc in under 60s"
		else
			fail "patho: import $f.txt, no line breaks ($v): bounded, clear" "status $rc: $(head -c 600 "$TMPD/import-$f.err")"
		fi
	done
done

# Templates that include themselves: directly, in a ring, as their own
# parent: the nesting limit; and 2^40 by fan-out: the output cap.
fresh tmpl-self
printf '{{>item}}\n' > "$TMPD/tmpl-self/$T/item.mustache"
build_err tmpl-self 30 "FOLIO FOLIO_ASAN" "item.mustache:1:1: error: .*nest more than 100 deep"
fresh tmpl-ring
printf '{{>ping}}\n' > "$TMPD/tmpl-ring/$T/item.mustache"
printf 'a{{>pong}}\n' > "$TMPD/tmpl-ring/$T/ping.mustache"
printf 'b{{>ping}}\n' > "$TMPD/tmpl-ring/$T/pong.mustache"
build_err tmpl-ring 30 "FOLIO FOLIO_ASAN" "p[io]ng.mustache:1:2: error: .*nest more than 100 deep"
fresh tmpl-parent
printf '{{<item}}{{$b}}x{{/b}}{{/item}}\n' > "$TMPD/tmpl-parent/$T/item.mustache"
build_err tmpl-parent 30 "FOLIO FOLIO_ASAN" "item.mustache:1:1: error: .*nest more than 100 deep"
fresh tmpl-fanout
printf '{{>x0}}\n' > "$TMPD/tmpl-fanout/$T/item.mustache"
i=0
while [ $i -lt 40 ]; do
	printf '{{>x%d}}{{>x%d}}' $((i + 1)) $((i + 1)) > "$TMPD/tmpl-fanout/$T/x$i.mustache"
	i=$((i + 1))
done
printf 'leaf\n' > "$TMPD/tmpl-fanout/$T/x40.mustache"
build_err tmpl-fanout 60 "FOLIO FOLIO_ASAN" "x[0-9]+\.mustache(:[0-9]+:[0-9]+)?: error: .*runaway"
