# t-errors: bad input gets one clear message, path:line:col: error: ...,
# exit status 1, and the previously published site stays exactly as it
# was.  Each case copies the fixture site, builds it, breaks one thing,
# builds again; stderr is compared with tests/regress/errors/NAME.err
# (the scratch folder shows as T).

fx=$ROOT/tests/fixture

# bad NAME SHELL-SNIPPET: run the snippet inside a fresh copy, then build.
bad() {
	_name=$1 _snip=$2
	_p=$TMPD/$_name
	rm -rf "$_p"; cp -r "$fx" "$_p"; rm -rf "$_p/expected"
	"$FOLIO" build -C "$_p" -q 2>/dev/null || { fail "error $_name" "clean copy does not build"; return; }
	cp -a "$_p/public" "$_p.before"
	( cd "$_p" && eval "$_snip" )
	for _v in FOLIO FOLIO_ASAN; do
		eval _bin=\$$_v
		"$_bin" build -C "$_p" -q > /dev/null 2> "$_p.err"
		_rc=$?
		if [ $_rc -ne 1 ]; then
			fail "error $_name ($_v)" "exit status $_rc, expected 1: $(head -c 400 "$_p.err")"
			continue
		fi
		sed "s|$TMPD|T|g" "$_p.err" > "$_p.err2"
		golden "error $_name ($_v)" "$ROOT/tests/regress/errors/$_name.err" "$_p.err2"
		if ! diff -r "$_p.before" "$_p/public" > /dev/null; then
			fail "error $_name ($_v): public/ untouched" "public/ changed"
		fi
		if [ -e "$_p/.public.folio-staging" ]; then
			fail "error $_name ($_v): no staging left" "staging folder left"
		fi
	done
	return 0
}

A=content/articles
bad missing-title   "printf -- '---\nplace: x\n---\nbody\n' > $A/a.md"
bad empty-title     "printf -- '---\ntitle: \"\"\n---\nbody\n' > $A/a.md"
bad bad-yaml        "printf -- '---\ntitle: [unclosed\n---\nbody\n' > $A/a.md"
bad yaml-not-map    "printf -- '---\n- a\n- b\n---\nbody\n' > $A/a.md"
bad unterminated-fm "printf -- '---\ntitle: x\nbody without end\n' > $A/a.md"
bad no-front-matter "printf -- 'just text\n' > $A/a.md"
bad non-utf8        "printf -- '---\ntitle: ok\n---\nbad \\377 byte\n' > $A/a.md"
bad tags-number     "printf -- '---\ntitle: x\ntags: 5\n---\nbody\n' > $A/a.md"
bad duplicate-key   "printf -- '---\ntitle: x\ntitle: y\n---\nbody\n' > $A/a.md"
bad bad-date        "printf -- '---\ntitle: x\ndate: 2025-02-30\n---\nbody\n' > $A/a.md"
bad date-format     "printf -- '---\ntitle: x\ndate: 3/4/2025\n---\nbody\n' > $A/a.md"
bad draft-type      "printf -- '---\ntitle: x\ndraft: maybe\n---\nbody\n' > $A/a.md"
bad duplicate-slug  "printf -- '---\ntitle: x\nslug: hostile-title\n---\nbody\n' > $A/zz.md"
bad slug-slash      "printf -- '---\ntitle: x\nslug: a/b\n---\nbody\n' > $A/a.md"
bad slug-dotdot     "printf -- '---\ntitle: x\nslug: ..\n---\nbody\n' > $A/a.md"
bad photos-type     "printf -- '---\ntitle: x\nphotos: [a]\n---\nbody\n' > $A/a.md"
bad yaml-alias      "printf -- '---\ntitle: &t x\nplace: *t\n---\nbody\n' > $A/a.md"
bad unknown-key     "echo 'colour: blue' >> site.yaml"
bad site-bad-yaml   "echo 'extra: [' >> site.yaml"
bad site-per-page   "sed -i 's/^per_page: .*/per_page: many/' site.yaml"
bad topic-pages     "printf 'topics:\n  max_pages: -1\n' >> site.yaml"
bad unknown-theme   "sed -i 's/^theme: .*/theme: nosuch/' site.yaml"
bad output-content  "echo 'output: content' >> site.yaml"
bad output-parent   "echo 'output: .' >> site.yaml"
bad template-syntax "printf '{{#x}}unclosed\n' > themes/plain/templates/item.mustache"
bad missing-partial "printf '{{>nosuch}}\n' > themes/plain/templates/item.mustache"
bad missing-template "rm themes/plain/templates/article.mustache"
bad self-include    "printf '{{>item}}\n' > themes/plain/templates/item.mustache"
bad dangling-link   "ln -s nowhere.md $A/dangling.md"
# Permissions do not stop root; as another user, an unreadable article.
if [ "$(id -u)" != 0 ]; then
	bad unreadable "chmod 000 $A/guangze.md"
fi
