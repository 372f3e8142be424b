# t-serve: folio serve over a copy of the fixture on 127.0.0.1 (a free
# port, -p 0): every built file comes back byte for byte (HTML with only
# the reload script added), types, HEAD, folders, 404, percent-decoding;
# traversal (.., %2e%2e, encoded slashes, symlinks out) gets 403/404 and
# never a byte from outside; 50 concurrent requests; an edit is rebuilt
# and announced on the event stream; a broken article shows its error,
# escaped, over the last good site; SIGINT stops it with status 0.  Then
# the same basics under ASan and valgrind.  Every wait is bounded.
if ! command -v curl > /dev/null; then fail "serve: curl installed" "no curl"; return 0; fi

proj=$TMPD/proj
cp -r "$ROOT/tests/fixture" "$proj"
rm -rf "$proj/expected"
A=$proj/themes/plain/assets
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' > "$A/x.svg"
printf '\211PNG\r\n\032\n' > "$A/x.png"
printf 'plain text\n' > "$A/x.txt"
printf '{"a": 1}\n' > "$A/x.json"
printf '<?xml version="1.0"?><a/>\n' > "$A/x.xml"
printf 'var x = 1;\n' > "$A/x.js"
printf '图\n' > "$A/图 1.txt"

SPID="" URL=""
# serve NAME WRAPPER... : start "WRAPPER folio serve -C proj -p 0" in the
# background (bounded by timeout) and wait for its URL line.
serve() {
	_sn=$1; shift
	: > "$TMPD/$_sn.out"
	timeout 120 "$@" serve -C "$proj" -p 0 > "$TMPD/$_sn.out" 2> "$TMPD/$_sn.err" &
	SPID=$!
	_i=0
	while [ $_i -lt 600 ] && ! grep -q 'http://127.0.0.1:' "$TMPD/$_sn.out"; do
		kill -0 $SPID 2> /dev/null || break
		sleep 0.1; _i=$((_i + 1))
	done
	URL=$(sed -n 's|.*\(http://127.0.0.1:[0-9]*\)/.*|\1|p' "$TMPD/$_sn.out")
	[ -n "$URL" ]
}

# stop NAME [SIG]: SIGINT (or SIG); passes if it exits 0 within 10 s.
stop() {
	_sig=${2:-INT}
	kill -$_sig $SPID
	_i=0
	while [ $_i -lt 100 ] && kill -0 $SPID 2> /dev/null; do sleep 0.1; _i=$((_i + 1)); done
	if kill -0 $SPID 2> /dev/null; then
		kill -KILL $SPID; wait $SPID
		fail "serve: $1: SIG$_sig stops it within 10 s" "still running"; return
	fi
	wait $SPID
	_rc=$?
	if [ $_rc -eq 0 ]; then pass "serve: $1: SIG$_sig exits 0 within 10 s"
	else fail "serve: $1: SIG$_sig exits 0 within 10 s" "status $_rc: $(tail -c 1500 "$TMPD/$1.err")"; fi
}

# until SECONDS CMD...: poll CMD every 0.1 s; 0 once it succeeds.
until_ok() {
	_n=$(($1 * 10)); shift
	while [ $_n -gt 0 ]; do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; _n=$((_n - 1)); done
	return 1
}

# The body without the reload script that serve adds to HTML.
unscript() { perl -0pe 's{<script>/\* folio serve: live reload \*/.*?</script>}{}s' "$1"; }

# code PATH: the status of GET PATH (as given, no normalization).
code() { curl -s --path-as-is -o "$TMPD/body" -w '%{http_code}' "$URL$1"; }

if ! serve main "$FOLIO"; then
	fail "serve: starts and prints its URL" "$(tail -c 800 "$TMPD/main.err")"
	kill $SPID 2> /dev/null; wait $SPID
	return 0
fi
pass "serve: starts and prints its URL"
# It runs itself again with glibc's malloc asking for huge pages (main.c,
# huge_pages): the tunable is in its environment, once.
fpid=$(pgrep -P $SPID | head -1)
n=$(tr '\0' '\n' < "/proc/$fpid/environ" 2> /dev/null |
    grep -c '^GLIBC_TUNABLES=glibc.malloc.hugetlb=1$')
if [ "$n" = 1 ]; then pass "serve: runs with GLIBC_TUNABLES=glibc.malloc.hugetlb=1"
else fail "serve: runs with GLIBC_TUNABLES=glibc.malloc.hugetlb=1" "found $n times in process $fpid's environment"; fi
pub=$proj/public
port=${URL##*:}
hex=$(printf '%04X' "$port")
if grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp &&
   ! grep -v "0100007F:$hex" /proc/net/tcp | grep -q ":$hex 00000000:0000 0A"; then
	pass "serve: listens on 127.0.0.1 only"
else
	fail "serve: listens on 127.0.0.1 only" "$(grep ":$hex " /proc/net/tcp)"
fi

# Every built file, byte for byte.
bad=""
nfiles=0
for f in $(cd "$pub" && find . -type f ! -name '* *' | sed 's|^\./||' | sort); do
	nfiles=$((nfiles + 1))
	c=$(code "/$f")
	case $f in
	*.html) unscript "$TMPD/body" > "$TMPD/body2" ;;
	*) cp "$TMPD/body" "$TMPD/body2" ;;
	esac
	if [ "$c" != 200 ] || ! cmp -s "$TMPD/body2" "$pub/$f"; then bad="$bad $f($c)"; fi
done
if [ -z "$bad" ] && [ $nfiles -gt 10 ]; then pass "serve: all $nfiles built files served byte for byte"
else fail "serve: all built files served byte for byte" "$nfiles files; differ:$bad"; fi
code /index.html > /dev/null
check "serve: HTML gets the reload script" grep -q '/__folio/events?g=' "$TMPD/body"
check "serve: the built files have no reload script" sh -c "! grep -rq __folio '$pub'"

# Content types.
bad=""
for pair in index.html:text/html assets/plain.css:text/css assets/x.js:text/javascript \
    assets/x.xml:application/xml assets/x.json:application/json assets/x.txt:text/plain \
    assets/x.svg:image/svg+xml assets/x.png:image/png; do
	t=$(curl -s -o /dev/null -w '%{content_type}' "$URL/${pair%%:*}")
	case $t in "${pair#*:}"*) ;; *) bad="$bad ${pair%%:*}=$t" ;; esac
done
if [ -z "$bad" ]; then pass "serve: Content-Type of html css js xml json txt svg png"
else fail "serve: Content-Type of html css js xml json txt svg png" "$bad"; fi

# HEAD: the same headers, no body.
curl -sI "$URL/assets/plain.css" > "$TMPD/head" 2>&1
len=$(sed -n 's/^Content-Length: \([0-9]*\).*/\1/p' "$TMPD/head")
check "serve: HEAD gives status and length" sh -c "grep -q '^HTTP/1.1 200' '$TMPD/head' && [ '$len' = $(wc -c < "$pub/assets/plain.css") ]"
curl -s -X HEAD -o "$TMPD/headbody" "$URL/index.html" --max-time 5
check "serve: HEAD sends no body" test ! -s "$TMPD/headbody"

# Folders, 404, decoding, methods.
check "serve: / is index.html" sh -c "[ \$(curl -s -o '$TMPD/b' -w '%{http_code}' '$URL/') = 200 ] && grep -q '<h1>' '$TMPD/b'"
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/articles")
check "serve: a folder without / redirects to folder/ ($loc)" test "$loc" = "301 $URL/articles/"
check "serve: a missing file is 404" test "$(code /no/such.html)" = 404
check "serve: percent-decoding (%2E)" test "$(code /assets/plain%2Ecss)" = 200
c=$(code "/assets/%E5%9B%BE%201.txt")
check "serve: percent-decoded UTF-8 and space" sh -c "[ '$c' = 200 ] && cmp -s '$TMPD/body' '$pub/assets/图 1.txt'"
check "serve: a query string is ignored" test "$(code '/index.html?x=1')" = 200
check "serve: bad escape %zz is 400" test "$(code /a%zz.html)" = 400
check "serve: %00 is 400" test "$(code /index.html%00.txt)" = 400
check "serve: POST is 405" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/index.html")" = 405

# Traversal: never a byte from outside the output folder.
ln -s "$proj/site.yaml" "$pub/out-link.html"
ln -s /etc "$pub/etc-link"
bad=""
for p in /../site.yaml /%2e%2e/site.yaml /%2E%2E/%2E%2E/etc/passwd /articles/../../site.yaml \
    /..%2fsite.yaml /assets/..%2f..%2fsite.yaml /assets/%2e%2e/%2e%2e/site.yaml \
    /.%2e/site.yaml //etc/passwd /etc/passwd /out-link.html /etc-link/passwd \
    /../../../../../../etc/passwd "/..\\site.yaml"; do
	c=$(code "$p")
	case $c in 403|404|400) ;; *) bad="$bad $p=$c" ;; esac
	if grep -q -e 'per_page' -e 'root:' "$TMPD/body"; then bad="$bad $p(leaked)"; fi
done
if [ -z "$bad" ]; then pass "serve: 14 traversal attempts get 403/404 and no outside bytes"
else fail "serve: traversal attempts get 403/404 and no outside bytes" "$bad"; fi
check "serve: .. is 403" test "$(code /%2e%2e/site.yaml)" = 403
check "serve: a symlink out of the site is 403" test "$(code /out-link.html)" = 403
rm -f "$pub/out-link.html" "$pub/etc-link"

# 50 concurrent requests, all complete and correct.
art=$(cd "$pub/articles" && ls | head -1)
mkdir -p "$TMPD/conc"
seq 50 | xargs -P 50 -I{} curl -s --max-time 20 -o "$TMPD/conc/{}" -w '%{http_code}\n' \
	"$URL/articles/$art" > "$TMPD/conc.codes"
unscript "$TMPD/conc/1" > "$TMPD/conc.ref"
bad=$(grep -vc '^200$' "$TMPD/conc.codes")
for i in $(seq 50); do unscript "$TMPD/conc/$i" | cmp -s - "$TMPD/conc.ref" || bad="$bad $i"; done
if [ "$bad" = 0 ] && [ "$(wc -l < "$TMPD/conc.codes")" = 50 ] && cmp -s "$TMPD/conc.ref" "$pub/articles/$art"; then
	pass "serve: 50 concurrent requests all 200 with the right bytes"
else
	fail "serve: 50 concurrent requests all 200 with the right bytes" "non-200/bad: $bad; $(sort "$TMPD/conc.codes" | uniq -c)"
fi
# Keep-alive: two requests on one connection.
n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "$URL/index.html" "$URL/assets/plain.css" | awk '{ s += $1 } END { print s }')
check "serve: keep-alive reuses the connection ($n connects for 2 requests)" test "$n" = 1

# An edit is rebuilt and announced: the page's build number g, then an
# event stream that must say "reload" once the edit is built.
g=$(curl -s "$URL/index.html" | sed -n 's/.*events?g=\([0-9]*\).*/\1/p')
curl -sN --max-time 30 "$URL/__folio/events?g=$g" > "$TMPD/events" 2>&1 &
epid=$!
sleep 0.3
sed -i 's/^title: 实施党建.*/title: 实施党建编辑后的新标题/' "$proj/content/articles/beizhen.md"
ok=0
until_ok 20 sh -c "curl -s '$URL/' | grep -q 编辑后的新标题" && ok=1
if [ $ok = 1 ]; then pass "serve: an edited article is rebuilt and served within 20 s"
else fail "serve: an edited article is rebuilt and served within 20 s" "$(tail -c 600 "$TMPD/main.err")"; fi
check "serve: the event stream says reload after the rebuild" until_ok 10 grep -q '^data: reload' "$TMPD/events"
kill $epid 2> /dev/null; wait $epid 2> /dev/null

# A broken article (its file name carries markup): the error shows over
# the last good site, escaped; fixing it removes the overlay.
bad_md="$proj/content/articles/x<b>y.md"
printf -- '---\ntitle: [unclosed\n---\nbody\n' > "$bad_md"
if until_ok 20 sh -c "curl -s '$URL/' | grep -q folio-error"; then
	curl -s "$URL/" > "$TMPD/broken.html"
	pass "serve: a broken article shows the error overlay"
	check "serve: the overlay has the error text, escaped" grep -q 'x&lt;b&gt;y.md:[0-9]*:[0-9]*: error' "$TMPD/broken.html"
	check "serve: the overlay carries no raw markup from the error" sh -c "! grep -q 'x<b>y' '$TMPD/broken.html'"
	check "serve: the last good site stays served under the overlay" grep -q 编辑后的新标题 "$TMPD/broken.html"
	check "serve: the error is printed in the terminal too" grep -q 'x<b>y.md.*error' "$TMPD/main.err"
	check "serve: the built site is untouched by the failed build" grep -q 编辑后的新标题 "$pub/index.html"
else
	fail "serve: a broken article shows the error overlay" "$(tail -c 600 "$TMPD/main.err")"
fi
rm -f "$bad_md"
check "serve: fixing it removes the overlay" until_ok 20 sh -c "! curl -s '$URL/' | grep -q folio-error"

# A waiting event stream must not hold up the shutdown.
curl -sN --max-time 30 "$URL/__folio/events" > /dev/null 2>&1 &
epid=$!
sleep 0.3
stop main
kill $epid 2> /dev/null; wait $epid 2> /dev/null
check "serve: the port is closed after SIGINT" sh -c "! curl -s --max-time 2 '$URL/' > /dev/null"

# A port that is taken: a clear error, status 1.
serve first "$FOLIO" > /dev/null
p1=$SPID
"$FOLIO" serve -C "$proj" -p "${URL##*:}" > /dev/null 2> "$TMPD/taken.err"
rc=$?
check "serve: a taken port is an error (status $rc)" sh -c "[ $rc = 1 ] && grep -q 'cannot listen on 127.0.0.1' '$TMPD/taken.err'"
SPID=$p1
stop first TERM

# The same basics under ASan (leaks at exit included) and valgrind.
for v in asan valgrind; do
	if [ $v = asan ]; then
		serve $v "$FOLIO_ASAN" || { fail "serve: $v: starts" "$(tail -c 800 "$TMPD/$v.err")"; kill $SPID; wait $SPID; continue; }
	else
		command -v valgrind > /dev/null || { fail "serve: valgrind installed" "no valgrind"; continue; }
		serve $v valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect,possible \
			--show-leak-kinds=definite,indirect,possible "$FOLIO" ||
			{ fail "serve: $v: starts" "$(tail -c 800 "$TMPD/$v.err")"; kill $SPID; wait $SPID; continue; }
	fi
	seq 20 | xargs -P 20 -I{} curl -s --max-time 30 -o /dev/null -w '%{http_code}\n' \
		"$URL/articles/$art" > "$TMPD/$v.codes"
	check "serve: $v: 20 concurrent requests" test "$(grep -c '^200$' "$TMPD/$v.codes")" = 20
	check "serve: $v: traversal is 403" test "$(code /%2e%2e/site.yaml)" = 403
	check "serve: $v: 404" test "$(code /nope)" = 404
	printf '\n再次修改。\n' >> "$proj/content/articles/guangze.md"
	check "serve: $v: rebuilds an edit" until_ok 60 sh -c "curl -s '$URL/articles/' > /dev/null; grep -c 'built in' '$TMPD/$v.err' | grep -q 2"
	curl -sN --max-time 60 "$URL/__folio/events" > /dev/null 2>&1 &
	epid=$!
	sleep 0.5
	stop $v
	kill $epid 2> /dev/null; wait $epid 2> /dev/null
done
