#!/bin/sh
# bench/bench.sh: build synthetic archives (bench/gen.c, from the real
# articles and page dumps) of each size in BENCH_SIZES and print one table:
# full build, no-op rebuild and rebuilds after one small edit, each the
# median of BENCH_RUNS runs, with wall time, CPU time, peak RSS and the
# number of output files rewritten.  Numbers are printed, never asserted.
#   sh bench/bench.sh          folio alone (make bench)
#   sh bench/bench.sh hugo     folio beside Hugo and Pagefind (make bench-hugo)
# Environment: BENCH_SIZES (default "1000 10000"), BENCH_RUNS (3),
# BENCH_SEED (1), FOLIO, BENCH_GEN, BENCH_THEMES (default themes/),
# BENCH_OUT (default bench/out).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FOLIO=${FOLIO:-$ROOT/build/folio}
GEN=${BENCH_GEN:-$ROOT/build/bench-gen}
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-1}
THEMES=${BENCH_THEMES:-$ROOT/themes}
OUT=${BENCH_OUT:-$ROOT/bench/out}
MODE=${1:-folio}
TIME=/usr/bin/time

for t in "$FOLIO" "$GEN" "$TIME"; do
	[ -x "$t" ] || { echo "bench: missing $t (make build/folio build/bench-gen; Debian package time)" >&2; exit 1; }
done
mkdir -p "$OUT"
T=$OUT/tmp
rm -rf "$T"; mkdir -p "$T"

# Real text to draw from: the imported articles, the page dumps, and the
# fixture's articles only when there is nothing else.
SOURCES=""
for s in "$ROOT/content/articles" "$ROOT/content/pages"; do
	[ -n "$(ls "$s" 2>/dev/null | grep -E '\.(md|txt)$' | head -1)" ] && SOURCES="$SOURCES $s"
done
[ -n "$SOURCES" ] || SOURCES=$ROOT/tests/fixture/content/articles

median() { sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : "-" }'; }

# timed NAME DIR CMD...: run CMD under /usr/bin/time, keep wall, CPU and
# peak RSS (KB) in $T/NAME.t, one line per run, and "N files changed"
# from folio's summary plus the files whose mtime moved in $T/NAME.c.
timed() {
	_name=$1 _dir=$2; shift 2
	touch "$T/marker"
	if ! $TIME -f '%e %U %S %M' -o "$T/time" "$@" > "$T/log" 2>&1; then
		echo "bench: $_name failed:" >&2; tail -5 "$T/log" >&2
		echo "FAIL" >> "$T/$_name.t"; return 1
	fi
	tail -1 "$T/time" | awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }' >> "$T/$_name.t"
	_ch=$(sed -n 's/.* \([0-9][0-9]*\) files changed.*/\1/p' "$T/log" | tail -1)
	_rw=$(find "$_dir" -type f -newer "$T/marker" 2>/dev/null | wc -l)
	echo "${_ch:--} $_rw" >> "$T/$_name.c"
}

# row N STEP NAME: one line of the table from $T/NAME.{t,c}.
row() {
	_t=$T/$3.t
	if grep -q FAIL "$_t" 2>/dev/null; then printf '%-8s %-22s %s\n' "$1" "$2" "build failed"; return; fi
	printf '%-8s %-22s %8s %8s %8s %9s %9s\n' "$1" "$2" \
		"$(cut -d' ' -f1 "$_t" | median)" "$(cut -d' ' -f2 "$_t" | median)" \
		"$(cut -d' ' -f3 "$_t" | median | awk '{ printf "%.0f", $1 / 1024 }')" \
		"$(cut -d' ' -f1 "$T/$3.c" 2>/dev/null | median)" "$(cut -d' ' -f2 "$T/$3.c" 2>/dev/null | median)"
}

bytes() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

generate() {
	_n=$1
	echo "bench: generating $_n articles (seed $SEED)" >&2
	"$GEN" -s "$SEED" -n "$_n" -o "$OUT/$_n" -t "$THEMES" $SOURCES || exit 1
	rm -rf "$OUT/$_n/public" "$OUT/$_n/.public.folio-staging" "$OUT/$_n/trash"
}

bench_folio() {
	n=$1 d=$OUT/$1 p=$OUT/$1/public
	generate "$n"
	rm -f "$T"/*.t "$T"/*.c
	# Each full build into a folder of its own, all removed at the end:
	# on this machine's ext4 creating files costs up to seven times more
	# for a while after thousands were deleted (measured: 20,000 small
	# files in 0.6 s, then 4.2 s 45 s after deleting as many), which a
	# fresh CI checkout never sees; the bench deletes nothing between
	# its timed builds.
	rm -rf "$p" "$d"/full-* "$d"/.full-*
	for r in $(seq "$RUNS"); do
		timed full "$d/full-$r" "$FOLIO" build -C "$d" -o "$d/full-$r" || return
	done
	"$FOLIO" build -C "$d" -q || return
	files=$(find "$p" -type f | wc -l); obytes=$(bytes "$p")
	mdbytes=$(bytes "$d/content/articles"); sbytes=$(bytes "$p/search")
	for r in $(seq "$RUNS"); do timed noop "$p" "$FOLIO" build -C "$d"; done
	# One article's body (a paragraph added at its end), another's
	# tags: a new edit each run.
	a=$(printf '%s/content/articles/a%07d.md' "$d" $((n / 2)))
	b=$(printf '%s/content/articles/a%07d.md' "$d" $((n / 3)))
	for r in $(seq "$RUNS"); do
		printf '\n基准测试第%s次修改：本段文字由基准测试追加。\n' "$r" >> "$a"
		timed body "$p" "$FOLIO" build -C "$d"
	done
	# A word put in the first paragraph of a third: what comes after it
	# moves, so every index entry of the article's later words changes.
	m=$(printf '%s/content/articles/a%07d.md' "$d" $((n / 4)))
	for r in $(seq "$RUNS"); do
		awk -v w="基准测试第${r}处插入。" 'f == 2 && !done && /^[^#!<[]/ && NF { $0 = w $0; done = 1 }
			/^---$/ && f < 2 { f++ } { print }' "$m" > "$m.tmp" && mv "$m.tmp" "$m"
		timed middle "$p" "$FOLIO" build -C "$d"
	done
	for r in $(seq "$RUNS"); do
		sed -i "s/^tags: .*/tags: [\"基准标签$r\", \"党建引领\"]/" "$b"
		timed tags "$p" "$FOLIO" build -C "$d"
	done
	# Added: a copy of the middle article (its date: it lands mid-archive
	# and renumbers the search documents after it), then a newest one
	# (dated after all: the common case, it appends).
	for r in $(seq "$RUNS"); do
		sed "s/^title: .*/title: \"基准测试新增文章$r\"/" "$a" > "$d/content/articles/new$r.md"
		timed add "$p" "$FOLIO" build -C "$d"
	done
	for r in $(seq "$RUNS"); do
		sed "s/^title: .*/title: \"基准测试最新文章$r\"/; s/^date: .*/date: 2099-01-$(printf %02d "$r")/" "$a" > "$d/content/articles/newest$r.md"
		timed newest "$p" "$FOLIO" build -C "$d"
	done
	mkdir -p "$d/trash"
	for r in $(seq "$RUNS"); do
		mv "$(printf '%s/content/articles/a%07d.md' "$d" $((n / 5 + r)))" "$d/trash/"
		timed delete "$p" "$FOLIO" build -C "$d"
	done
	row "$n" "full build" full
	row "$n" "no-op rebuild" noop
	row "$n" "edit one body" body
	row "$n" "edit one body's start" middle
	row "$n" "edit one article's tags" tags
	row "$n" "add one article" add
	row "$n" "add a newest article" newest
	row "$n" "delete one article" delete
	printf '%-8s output %s files, %s; Markdown %s; search index %s (%s of the Markdown)\n' \
		"$n" "$files" "$(mb "$obytes")" "$(mb "$mdbytes")" "$(mb "$sbytes")" \
		"$(awk -v s="$sbytes" -v m="$mdbytes" 'BEGIN { printf "%.0f%%", m ? 100 * s / m : 0 }')"
	# The search page over file:// in headless Chromium (when the browser
	# test packages are installed: sh tests/browser/setup.sh).
	if [ -d "$ROOT/tests/browser/node_modules/playwright-core" ] && [ -x /usr/bin/chromium ]; then
		echo "$n search over file:// (columns: bench/latency.mjs):"
		node "$ROOT/bench/latency.mjs" "$p" 党建 孟航 业委会 红色物业 光泽县 2>&1 | sed 's/^/    /'
	fi
	rm -rf "$d"/full-* "$d"/.full-*
}

header() {
	echo
	echo "folio bench: seed $SEED, median of $RUNS runs, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-8s %-22s %8s %8s %8s %9s %9s\n' articles step "wall s" "cpu s" "peak MB" "changed" "rewritten"
}

if [ "$MODE" != hugo ]; then
	: > "$T/table"
	for n in $SIZES; do bench_folio "$n" >> "$T/table"; done
	header; cat "$T/table"
	echo "(changed: folio's own count; rewritten: output files whose mtime moved)"
	exit 0
fi

# ---- folio beside Hugo (and Pagefind over Hugo's pages) ----
HUGO=$(command -v hugo) || { echo "bench: no hugo (make bench-hugo installs Debian's hugo as root)" >&2; exit 1; }
PAGEFIND=""
for c in "$ROOT/bench/out/npm/node_modules/.bin/pagefind" "$(command -v pagefind 2>/dev/null)"; do
	[ -n "$c" ] && [ -x "$c" ] && "$c" --version > /dev/null 2>&1 && { PAGEFIND=$c; break; }
done
: > "$T/table"
for n in $SIZES; do
	generate "$n"
	d=$OUT/$n
	hugo="$HUGO --quiet --noBuildLock --source $ROOT/bench/hugo --contentDir $d/content
	    --destination $d/hugo-public --cacheDir $d/hugo-cache"
	rm -f "$T"/*.t "$T"/*.c
	# Fresh folders for each full build (see bench_folio).
	rm -rf "$d/public" "$d"/full-* "$d"/.full-* "$d"/hugo-*
	for r in $(seq "$RUNS"); do
		timed full "$d/full-$r" "$FOLIO" build -C "$d" -o "$d/full-$r"
		timed hugo "$d/hugo-full-$r" $HUGO --quiet --noBuildLock \
		    --source "$ROOT/bench/hugo" --contentDir "$d/content" \
		    --destination "$d/hugo-full-$r" --cacheDir "$d/hugo-cache-$r"
	done
	mv "$d/full-1" "$d/public"
	rm -rf "$d"/full-* "$d"/.full-* "$d"/hugo-full-[2-9]* "$d"/hugo-cache-*
	mv "$d/hugo-full-1" "$d/hugo-public"
	"$FOLIO" build -C "$d" -q
	timed noop "$d/public" "$FOLIO" build -C "$d"
	timed hugonoop "$d/hugo-public" $hugo
	{
		row "$n" "folio full build" full
		row "$n" "hugo full build" hugo
		row "$n" "folio no-op rebuild" noop
		row "$n" "hugo no-op rebuild" hugonoop
		ft=$(cut -d' ' -f1 "$T/full.t" | median); ht=$(cut -d' ' -f1 "$T/hugo.t" | median)
		fm=$(cut -d' ' -f3 "$T/full.t" | median); hm=$(cut -d' ' -f3 "$T/hugo.t" | median)
		fb=$(bytes "$d/public"); hb=$(bytes "$d/hugo-public")
		ff=$(find "$d/public" -type f | wc -l); hf=$(find "$d/hugo-public" -type f | wc -l)
		printf '%-8s folio/hugo: wall %s, peak RSS %s, files %s/%s, bytes %s/%s\n' "$n" \
			"$(awk -v a="$ft" -v b="$ht" 'BEGIN { printf "%.2fx", b ? a / b : 0 }')" \
			"$(awk -v a="$fm" -v b="$hm" 'BEGIN { printf "%.2fx", b ? a / b : 0 }')" \
			"$ff" "$hf" "$(mb "$fb")" "$(mb "$hb")"
		if [ -n "$PAGEFIND" ]; then
			# One run: Pagefind reads every page Hugo wrote, taxonomies too.
			rm -f "$T/pf.t" "$T/pf.c"
			timed pf "$d/hugo-public/pagefind" "$PAGEFIND" --site "$d/hugo-public"
			row "$n" "pagefind over hugo (1 run)" pf
			printf '%-8s search index: folio %s, pagefind %s, Markdown %s\n' "$n" \
				"$(mb "$(bytes "$d/public/search")")" "$(mb "$(bytes "$d/hugo-public/pagefind")")" \
				"$(mb "$(bytes "$d/content/articles")")"
		else
			printf '%-8s pagefind: not installed (npm install --prefix bench/out/npm pagefind), skipped\n' "$n"
		fi
	} >> "$T/table"
done
header; cat "$T/table"
echo "(hugo $("$HUGO" version | awk '{ print $2 }'); Hugo has no incremental CLI build: its no-op rebuild is a full one)"
