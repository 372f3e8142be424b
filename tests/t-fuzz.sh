# t-fuzz: replay every fuzz corpus (and every crash ever found) through
# its target built with ASan + UBSan.  One case per target.
for f in "$ROOT"/tests/fuzz/fuzz_*.c; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .c | sed 's/^fuzz_//')
	bin=$BUILD/asan/replay_$name
	if [ ! -x "$bin" ]; then fail "fuzz-replay $name" "$bin not built"; continue; fi
	if [ ! -d "$ROOT/tests/fuzz/corpus/$name" ]; then
		fail "fuzz-replay $name" "no corpus in tests/fuzz/corpus/$name"; continue
	fi
	check "fuzz-replay $name" "$bin" "$ROOT/tests/fuzz/corpus/$name"
done
