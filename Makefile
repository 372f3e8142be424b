# folio: a plain Makefile.  `make site` builds the archive into public/,
# `make test` runs every test.  Both install missing Debian packages
# first (tests/deps.sh).  Personal flags go in Makefile.local.

CC	 ?= cc
PKGS	  = libcmark-gfm yaml-0.1 icu-uc icu-i18n libdeflate
PKGCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKGLIBS	  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions
CFLAGS	 ?= -O2 -g
WFLAGS	  = -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
LDLIBS	  = $(PKGLIBS) -lpthread -lm
SANFLAGS  = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
JOBS	 ?= $(shell nproc 2>/dev/null || echo 2)

-include Makefile.local

# The pipeline, in order (see docs/DESIGN.md).
MODULES	  = buf util diag val yaml escape mustache slug frontmatter markdown artmemo segment searchidx gazetteer import config output render manifest htab terms termcache taxonomy related browse feed linkcheck serve build
MAINOBJ	  = main

OBJS	  = $(MODULES:%=build/obj/%.o)
ASANOBJS  = $(MODULES:%=build/asan/%.o)
HDRS	  = generator/folio.h

all: build/folio

build/folio: $(OBJS) build/obj/$(MAINOBJ).o
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/folio: $(ASANOBJS) build/asan/$(MAINOBJ).o
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

build/obj/%.o: generator/%.c $(HDRS) build/.deps
	@mkdir -p build/obj
	$(CC) $(CFLAGS) $(WFLAGS) $(PKGCFLAGS) -c -o $@ $<

build/asan/%.o: generator/%.c $(HDRS) build/.deps
	@mkdir -p build/asan
	$(CC) $(SANFLAGS) $(WFLAGS) $(PKGCFLAGS) -c -o $@ $<

# Test programs link every module but main.
build/%: tests/%.c tests/testhelp.h $(OBJS) $(HDRS)
	$(CC) $(CFLAGS) $(WFLAGS) $(PKGCFLAGS) -Igenerator -o $@ $< $(OBJS) $(LDLIBS)
build/asan/%: tests/%.c tests/testhelp.h $(ASANOBJS) $(HDRS)
	$(CC) $(SANFLAGS) $(WFLAGS) $(PKGCFLAGS) -Igenerator -o $@ $< $(ASANOBJS) $(LDLIBS)

TESTBINS  = unit_test spec_runner idx_test
FUZZERS	  = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

# Each fuzz target twice: a replay binary (ASan, gcc or clang) that
# make test runs over the corpus, and a libFuzzer binary for make fuzz.
build/asan/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(ASANOBJS) $(HDRS)
	$(CC) $(SANFLAGS) $(WFLAGS) $(PKGCFLAGS) -Igenerator -o $@ $< tests/fuzz/replay.c $(ASANOBJS) $(LDLIBS)

build/.deps:
	@mkdir -p build
	sh tests/deps.sh build
	@touch $@

build/.testdeps: build/.deps tests/deps.sh
	sh tests/deps.sh test
	@touch $@

site: build/folio
	./build/folio build

test: build/.testdeps build/folio build/asan/folio \
	$(TESTBINS:%=build/%) $(TESTBINS:%=build/asan/%) \
	$(FUZZERS:%=build/asan/replay_%)
	sh tests/run.sh

FUZZTIME ?= 60
fuzz: build/.testdeps
	sh tests/fuzz/run-fuzz.sh $(FUZZTIME)

# The benchmark: bench/gen.c makes synthetic archives from the real
# articles; bench.sh builds them and prints a table (BENCH_SIZES).
build/bench-gen: bench/gen.c $(OBJS) $(HDRS)
	$(CC) $(CFLAGS) $(WFLAGS) $(PKGCFLAGS) -Igenerator -o $@ $< $(OBJS) $(LDLIBS)

bench: build/folio build/bench-gen
	sh bench/bench.sh

# folio beside Hugo (Debian's hugo, installed when root) and Pagefind
# (npm, optional: skipped with a note when it cannot be installed).
bench-hugo: build/folio build/bench-gen
	@command -v hugo > /dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends hugo; }
	@[ -x bench/out/npm/node_modules/.bin/pagefind ] || ! command -v npm > /dev/null || \
	    npm install --silent --prefix bench/out/npm pagefind > /dev/null 2>&1 || \
	    echo "bench: npm could not install pagefind; it is skipped"
	sh bench/bench.sh hugo

clean:
	rm -rf build public

.PHONY: all site test fuzz bench bench-hugo clean
