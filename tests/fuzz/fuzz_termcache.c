/*
 * fuzz_termcache.c: libFuzzer target for the terms memo reader
 * (tmemo_parse, what tmemo_read trusts once the checksum matches).  Any
 * bytes: no crash, leak or hang; when they parse (as a bucket and as
 * the "found" file), the vocabulary maps onto itself id for id (or not
 * at all, when it is out of order), every 8-byte window of them is
 * tried as an article key (the real keys among them), and each
 * article's counts come back with ascending term ids below the
 * vocabulary's size and tf of at least one.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term_memo *m;
	struct term_hit	*h;
	uint32_t	*map;
	char *const	*text = NULL;
	size_t		 i, ntext = 0, k;
	uint64_t	 key;
	long		 n;

	if ((m = tmemo_parse(data, size)) == NULL)
		return 0;
	/* The vocabulary, under its own key (bytes 14..21 of the file). */
	key = 0;
	for (i = 0; i < 8; i++)
		key |= (uint64_t)data[14 + i] << (8 * i);
	if ((text = tmemo_vocab(m, key, &ntext)) == NULL ||
	    !tmemo_same(m, text, ntext))
		abort();
	for (i = 0; i < ntext; i++)
		if (text[i][0] == '\0')
			abort();
	if ((n = tmemo_remap(m, text, ntext, &map)) >= 0) {
		if ((size_t)n != ntext)
			abort();
		for (i = 0; i < ntext; i++)
			if (map[i] != i)
				abort();
	} else if (map != NULL)
		abort();
	free(map);
	for (i = 0; i + 8 <= size && i < 4096; i++) {
		memcpy(&key, data + i, sizeof(key));	/* little-endian here */
		if ((n = tmemo_hits(m, key, &h)) < 0)
			continue;
		for (k = 0; k < (size_t)n; k++)
			if (h[k].id >= ntext || h[k].tf == 0 ||
			    (k > 0 && h[k].id <= h[k - 1].id))
				abort();
		free(h);
	}
	tmemo_free(m);
	return 0;
}
