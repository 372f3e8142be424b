#!/bin/sh
# make fuzz: build each tests/fuzz/fuzz_*.c (or those named after the
# time, e.g. "run-fuzz.sh 60 import") with clang's libFuzzer and run it
# for $1 seconds over its corpus; new inputs land in the corpus folder,
# crashes in tests/fuzz/crashes/ (keep them as corpus cases).
set -e
secs=${1:-60}
shift || true
only="$*"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mods=$(sed -n 's/^MODULES[ \t]*= *//p' Makefile)
srcs=""
for m in $mods; do srcs="$srcs generator/$m.c"; done
mkdir -p build/fuzz tests/fuzz/crashes
for f in tests/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c | sed 's/^fuzz_//')
	if [ -n "$only" ] && ! echo " $only " | grep -q " $name "; then continue; fi
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
	    -D_POSIX_C_SOURCE=200809L -Igenerator -o "build/fuzz/$name" \
	    "$f" $srcs $(pkg-config --cflags --libs libcmark-gfm yaml-0.1 icu-uc icu-i18n libdeflate) \
	    -lcmark-gfm-extensions -lpthread -lm
	mkdir -p "tests/fuzz/corpus/$name"
	"build/fuzz/$name" -max_total_time="$secs" -max_len=65536 \
	    -artifact_prefix=tests/fuzz/crashes/ "tests/fuzz/corpus/$name"
done
