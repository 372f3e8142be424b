# t-kill: crash safety.  A build of a generated 300-article archive is
# killed with SIGKILL at 20 seeded points spread over its run (while
# loading, while staging, after the swap): each time
# the published public/ must be exactly the old site or exactly the new
# one, and the next build must succeed and equal a clean build.  Then a
# full disk, twice: the FOLIO_FAULT_WRITE_AFTER hook of output.c (always)
# and a real 512 KB tmpfs (where unshare may mount one): the build fails
# with "path: error: cannot write: No space left on device" and the
# previous public/ stays as it was.

gen=$BUILD/bench-gen
[ -x "$gen" ] || make -s -C "$ROOT" build/bench-gen > "$TMPD/make.out" 2>&1
if [ ! -x "$gen" ]; then fail "kill: bench-gen builds" "$(tail -c 600 "$TMPD/make.out")"; return 0; fi

# now_ms: a monotonic-enough clock for sizing the kill points.
now_ms() { date +%s%3N; }

# The archive: the fixture's plain theme (stable, unlike the default
# theme under work), 300 articles from the page dumps.
site=$TMPD/site
srcs=""
for s in "$ROOT/content/pages" "$ROOT/tests/fixture/content/articles"; do [ -d "$s" ] && srcs="$srcs $s"; done
# shellcheck disable=SC2086
"$gen" -s 7 -n 300 -o "$site" -t "$ROOT/tests/fixture/themes" $srcs 2> "$TMPD/gen.err" ||
	{ fail "kill: generate the archive" "$(cat "$TMPD/gen.err")"; return 0; }
sed -i 's/^theme: .*/theme: plain/' "$site/site.yaml"
P=$site/public
M=$site/.public.folio-manifest

# The old site, built over a slightly different one, so that staging
# holds that one (the spare tree output.c keeps for the next build).
S=$site/.public.folio-staging
pre=$site/content/articles/a0000050.md
cp "$pre" "$TMPD/pre.md"
printf '\n上一版：本段在旧版中已删去。\n' >> "$pre"
"$FOLIO" build -C "$site" -q 2> "$TMPD/old.err"
cp "$TMPD/pre.md" "$pre"
if ! "$FOLIO" build -C "$site" -q 2> "$TMPD/old.err"; then
	fail "kill: the archive builds" "$(head -c 800 "$TMPD/old.err")"; return 0
fi
check "kill: the old site's build keeps a staging tree for the next" test -f "$S/index.html"
cp -a "$P" "$TMPD/old"; cp -a "$M" "$TMPD/old.manifest" 2> /dev/null
mkdir -p "$TMPD/oldpair"
cp -a "$P" "$S" "$TMPD/oldpair/"	# one cp: the shared inodes stay shared

# The new version: every page changes (the site title), two edits, one
# article more, one less.
sed -i 's/^title: .*/title: 基层治理档案（修订版）/' "$site/site.yaml"
printf '\n修订：本段为崩溃测试追加。\n' >> "$site/content/articles/a0000010.md"
sed -i 's/^tags: .*/tags: ["崩溃测试"]/' "$site/content/articles/a0000020.md"
sed 's/^title: .*/title: 崩溃测试新增文章/' "$site/content/articles/a0000030.md" > "$site/content/articles/zz-new.md"
rm "$site/content/articles/a0000040.md"

# reset: the published state before the new build (site, the staging
# tree beside it, manifest).
reset() {
	rm -rf "$P" "$S" "$M"
	cp -a "$TMPD/oldpair/public" "$TMPD/oldpair/.public.folio-staging" "$site/"
	[ -f "$TMPD/old.manifest" ] && cp -a "$TMPD/old.manifest" "$M"
}

# T: the shorter of two timed runs of the very build that gets killed.
T=0
for r in 1 2; do
	reset
	t0=$(now_ms)
	"$FOLIO" build -C "$site" -q 2> "$TMPD/new.err"
	rc=$?
	t1=$(( $(now_ms) - t0 ))
	[ $T -eq 0 ] || [ $t1 -lt $T ] && T=$t1
done
check "kill: the new version builds over the old ($T ms)" test $rc -eq 0
cp -a "$P" "$TMPD/new"
"$FOLIO" build -C "$site" -o "$TMPD/clean" -q 2> /dev/null
check "kill: that incremental build equals a clean build" diff -r "$TMPD/new" "$TMPD/clean"
if diff -r -q "$TMPD/old" "$TMPD/new" > /dev/null; then
	fail "kill: old and new sites differ" "the edit changed nothing"; return 0
fi

# 20 kill points, seeded: 4 by the clock while loading (0..40% of T
# after the start), then 16 placed exactly by the FOLIO_TEST_STOP hook of
# output.c, which stops the build (SIGSTOP) at its point: 12 while staging
# (once k of the N files are staged) and 4 right after the swap (public/
# is another folder, the old one not yet removed).  The clock cannot
# place those on a loaded machine: an incremental build that keeps most
# pages has a few milliseconds left after its swap.
N=$(find "$TMPD/new" -type f | wc -l)
awk -v n="$N" -v t="$T" 'BEGIN { srand(20261123)
	for (i = 0; i < 4; i++) printf "time %.3f\n", rand() * 0.4 * t / 1000
	for (i = 0; i < 12; i++) printf "files %d\n", 1 + int((i + rand()) / 12 * (n - 1))
	for (i = 0; i < 4; i++) printf "swap %d\n", i }' > "$TMPD/points"

# stopped PID: is the process stopped (state T in /proc)?
stopped() { [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2> /dev/null)" = T ]; }

i=0 nold=0 nnew=0 nmix=0 nfin=0 nmiss=0
while read -r kind arg; do
	i=$((i + 1))
	reset
	case $kind in
	time)	stop= ;;
	files)	stop=$arg ;;
	swap)	stop=swap ;;
	esac
	FOLIO_TEST_STOP=$stop "$FOLIO" build -C "$site" -q > /dev/null 2>&1 &
	pid=$!
	# A stop point is awaited (bounded: 3000 polls) until the build
	# stops there or ends without reaching it (counted as a miss).
	n=0
	if [ $kind = time ]; then
		sleep "$arg"
	else
		while [ $n -lt 3000 ] && kill -0 $pid 2> /dev/null && ! stopped $pid; do
			sleep 0.005; n=$((n + 1)); done
		stopped $pid || nmiss=$((nmiss + 1))
	fi
	kill -KILL $pid 2> /dev/null
	{ wait $pid; } 2> /dev/null
	[ $? -eq 0 ] && nfin=$((nfin + 1))
	at="$kind $arg"
	if diff -r -q "$P" "$TMPD/old" > /dev/null 2>&1; then state=old; nold=$((nold + 1))
	elif diff -r -q "$P" "$TMPD/new" > /dev/null 2>&1; then state=new; nnew=$((nnew + 1))
	else state=mix; nmix=$((nmix + 1)); diff -r -q "$P" "$TMPD/new" 2>&1 | head -5 > "$TMPD/mix.$i"
	fi
	if [ $state = mix ]; then
		fail "kill: #$i ($at): public/ is the old or the new site" "a mix: $(cat "$TMPD/mix.$i")"
	else
		pass "kill: #$i ($at): public/ is the $state site"
	fi
	if "$FOLIO" build -C "$site" -q > "$TMPD/after.err" 2>&1 &&
	   diff -r "$P" "$TMPD/clean" > "$TMPD/after.diff" 2>&1; then
		pass "kill: #$i: the next build succeeds and equals a clean build"
	else
		fail "kill: #$i: the next build succeeds and equals a clean build" \
			"$(head -c 400 "$TMPD/after.err") $(head -c 600 "$TMPD/after.diff")"
	fi
done < "$TMPD/points"
echo "t-kill: 20 kills ($N files, T $T ms): $nold old, $nnew new, $nmix mixed, $nfin finished first" >&2
# Every placed kill must land on its stop point, or this tests little.
check "kill: the 16 placed kills each hit their stop point ($nmiss missed)" test $nmiss -eq 0
check "kill: 16 or more kills hit a running build ($nold old, $nnew new, $nfin done)" test $((20 - nfin)) -ge 16

# ---- one build at a time ----
# A second build of the same output waits (saying so) while the first
# holds the lock, here stopped right after its swap; the first is then
# killed, its lock goes with it, and the second finishes: the result is
# a clean build's.
reset
printf '\n加锁测试追加的一段。\n' >> "$site/content/articles/a0000060.md"
FOLIO_TEST_STOP=swap "$FOLIO" build -C "$site" -q > /dev/null 2>&1 &
p1=$!
n=0
while [ $n -lt 3000 ] && kill -0 $p1 2> /dev/null && ! stopped $p1; do sleep 0.005; n=$((n + 1)); done
"$FOLIO" build -C "$site" > /dev/null 2> "$TMPD/lock.err" &
p2=$!
n=0
while [ $n -lt 3000 ] && kill -0 $p2 2> /dev/null && ! grep -q 'waiting for another build' "$TMPD/lock.err"; do
	sleep 0.005; n=$((n + 1)); done
check "kill: a second build waits for the first (stopped holding the lock)" grep -q "folio: waiting for another build of $P to finish" "$TMPD/lock.err"
check "kill: ... and is still waiting" kill -0 $p2
kill -KILL $p1 2> /dev/null
{ wait $p1; } 2> /dev/null
wait $p2
check "kill: ... then finishes once the first is killed" test $? -eq 0
rm -rf "$TMPD/lock-clean"
"$FOLIO" build -C "$site" -o "$TMPD/lock-clean" -q --clean 2> /dev/null
check "kill: ... and publishes what a clean build does" diff -r -q "$P" "$TMPD/lock-clean"

# ---- a full disk ----
proj=$TMPD/proj
cp -r "$ROOT/tests/fixture" "$proj"
rm -rf "$proj/expected"
for v in FOLIO FOLIO_ASAN; do
	eval bin=\$$v
	rm -rf "$proj/public" "$proj/.public.folio-manifest"
	"$bin" build -C "$proj" -q 2> /dev/null
	rm -rf "$TMPD/before"; cp -a "$proj/public" "$TMPD/before"
	sed -i "s/^title: .*/title: \"Full disk $v\"/" "$proj/site.yaml"
	FOLIO_FAULT_WRITE_AFTER=3 "$bin" build -C "$proj" -q > /dev/null 2> "$TMPD/enospc.err"
	rc=$?
	check "kill: full disk (hook, $v): the build fails with status 1 (got $rc)" test $rc -eq 1
	check "kill: full disk (hook, $v): path: error: cannot write: No space left on device" \
		grep -q '^/.*: error: cannot write: No space left on device$' "$TMPD/enospc.err"
	check "kill: full disk (hook, $v): public/ untouched" diff -r "$TMPD/before" "$proj/public"
	check "kill: full disk (hook, $v): no staging left" test ! -e "$proj/.public.folio-staging"
	check "kill: full disk (hook, $v): the next build succeeds" "$bin" build -C "$proj" -q
	check "kill: full disk (hook, $v): and publishes the new title" grep -q "Full disk $v" "$proj/public/index.html"
done

# A real full disk: a 512 KB tmpfs in a private mount namespace, where the
# sandbox allows one.  The first build fits; a 1 MB article does not.
if unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs "$1"' sh "$TMPD" 2> /dev/null; then
	mkdir -p "$TMPD/mnt"
	rm -rf "$proj/public" "$proj/.public.folio-manifest"
	unshare -rm sh -c '
		mount -t tmpfs -o size=512k tmpfs "$1" || exit 3
		"$2" build -C "$3" -o "$1/public" -q 2> "$4/tmpfs1.err" || exit 4
		cp -a "$1/public" "$4/tmpfs-before"
		awk "BEGIN { for (i = 0; i < 20000; i++) printf \"满盘测试的正文内容。\" }" > "$4/big.txt"
		{ printf -- "---\ntitle: 很大的文章\ndate: 2025-01-01\n---\n"; cat "$4/big.txt"; echo; } \
			> "$3/content/articles/zz-big.md"
		"$2" build -C "$3" -o "$1/public" -q 2> "$4/tmpfs.err"
		echo $? > "$4/tmpfs.rc"
		diff -r "$4/tmpfs-before" "$1/public" > "$4/tmpfs.diff" 2>&1
		echo $? > "$4/tmpfs.same"
		ls -a "$1" > "$4/tmpfs.ls"
	' sh "$TMPD/mnt" "$FOLIO" "$proj" "$TMPD"
	rc=$?
	rm -f "$proj/content/articles/zz-big.md"
	if [ $rc -ne 0 ]; then
		fail "kill: full disk (tmpfs): set up" "status $rc: $(cat "$TMPD/tmpfs1.err" 2> /dev/null)"
	else
		check "kill: full disk (tmpfs): the build fails with status 1" test "$(cat "$TMPD/tmpfs.rc")" = 1
		check "kill: full disk (tmpfs): path: error: cannot write: No space left on device" \
			grep -q '^/.*: error: cannot write: No space left on device$' "$TMPD/tmpfs.err"
		check "kill: full disk (tmpfs): public/ untouched" test "$(cat "$TMPD/tmpfs.same")" = 0
		check "kill: full disk (tmpfs): no staging left" sh -c "! grep -q staging '$TMPD/tmpfs.ls'"
	fi
else
	echo "t-kill: no tmpfs here (unshare -rm not permitted): the hook cases stand alone" >&2
fi
