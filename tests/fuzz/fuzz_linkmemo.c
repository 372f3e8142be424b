/*
 * fuzz_linkmemo.c: libFuzzer target for the links memo reader
 * (lc_links_parse, what a rebuild that lost published files reads to
 * know which kept pages link to them).  Any bytes: no crash, leak or
 * hang; when they parse, every page is known, asking after a hash it
 * has finds it, and asking after nothing finds nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_links	*m;
	const uint8_t	*p, *end = data + size, *nul;
	const unsigned char *q;
	uint64_t	 cnt;
	uint32_t	 h;
	char		*copy;

	/* A copy of its own size, so ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if ((m = lc_links_parse(copy, size)) == NULL) {
		free(copy);
		return 0;
	}
	/* The records again, by hand: each page known, its hashes found. */
	for (p = data + strlen("folio-links 1\n"); p < end; ) {
		nul = memchr(p, '\0', (size_t)(end - p));
		q = nul + 1;
		if (var_get(&q, end, 63, &cnt) == -1)
			abort();
		if (lc_links_to(m, (const char *)p, NULL, 0) != 0)
			abort();
		if (cnt > 0) {
			h = (uint32_t)le_get(q + 4 * (cnt - 1), 4);
			if (lc_links_to(m, (const char *)p, &h, 1) != 1)
				abort();
		}
		p = q + 4 * cnt;
	}
	if (lc_links_to(m, "", NULL, 0) != -1)
		abort();
	lc_links_free(m);
	free(copy);
	return 0;
}
