/*
 * fuzz_manifest.c: libFuzzer target for the build manifest reader
 * (man_parse, what every incremental build reads first).  Any bytes:
 * no crash, leak or hang; when they parse, every entry (output file or
 * input file's stat) has a name with no line break that its index
 * finds at its own place.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Entry i's name: not empty, one line, found by its index at i. */
static void
check_name(const char *name, const struct htab *idx, size_t i)
{
	if (name[0] == '\0' || strchr(name, '\n') != NULL ||
	    htab_find(idx, name, strlen(name)) != i)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct man_prev	 m;
	size_t		 i;

	memset(&m, 0, sizeof(m));
	buf_init(&m.text);
	buf_put(&m.text, data, size);
	if (man_parse(&m) == 0) {
		for (i = 0; i < m.n; i++)
			check_name(m.e[i].name, m.rel, i);
		for (i = 0; i < m.nsrc; i++)
			check_name(m.src[i].path, m.srcidx, i);
	}
	buf_free(&m.text);
	htab_free(m.rel);
	htab_free(m.srcidx);
	free(m.e);
	free(m.src);
	return 0;
}
