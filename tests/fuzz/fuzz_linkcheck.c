/*
 * fuzz_linkcheck.c: the check stage's HTML scanner on any bytes.  The
 * input is written as two pages of a small tree (index.html and
 * a/x.html, beside a/index.html and b.png) and the tree checked on one
 * thread and on three: no crash, leak or hang, and the same count.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[] = "/tmp/fuzz-linkcheck.XXXXXX";
static char	*files[] = { "a/index.html", "a/x.html", "b.png", "index.html" };

static void
gone(void)
{
	rm_rf(dir);
}

static void
put(const char *rel, const void *p, size_t n)
{
	char	 path[sizeof(dir) + 32];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "wb")) == NULL ||
	    (n > 0 && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char index[] = "<h1 id=\"top\">a</h1>"
	    "<a href=\"x.html#top\">x</a><a href=\"../index.html\">up</a>";
	static int made;	/* not dir's last letters: mkdtemp may make
				 * them X (1 run in 62 aborted) */
	char	 sub[sizeof(dir) + 8];

	diag_verbosity = 0;
	if (!made) {
		made = 1;
		if (mkdtemp(dir) == NULL)
			abort();
		snprintf(sub, sizeof(sub), "%s/a", dir);
		if (mkdir_p(sub) == -1)
			abort();
		put("a/index.html", index, sizeof(index) - 1);
		put("b.png", "png", 3);
		atexit(gone);
	}
	put("index.html", data, size);
	put("a/x.html", data, size);
	if (lc_check(dir, "T", files, 4, 1, NULL, NULL, NULL) != lc_check(dir, "T", files, 4, 3, NULL, NULL, NULL))
		abort();
	return 0;
}
