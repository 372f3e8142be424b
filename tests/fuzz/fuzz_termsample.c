/*
 * fuzz_termsample.c: libFuzzer target for the readers of the terms
 * memo's "sample" file and ids files (tsample_parse: what tsample_read
 * trusts once a checksum matches).  Any bytes: no crash, leak or hang;
 * when they parse, every article's text key is not 0 and its title
 * within its ids, every id can be read (ASan checks they lie in the
 * copy), and the candidates' keys ascend.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term_sample *s;
	size_t		 i, k;
	unsigned	 sum = 0;

	if ((s = tsample_parse(data, size)) == NULL)
		return 0;
	for (i = 0; i < s->ns; i++) {
		if (s->akey[i] == 0 || s->ntitle[i] > s->nids[i])
			abort();
		for (k = 0; k < 2 * s->nids[i]; k++)
			sum += s->ids[i][k];
	}
	for (i = 0; i < s->ncand; i++)
		if (s->cand[i].key == 0 || s->cand[i].ok > 1 ||
		    (i > 0 && s->cand[i].key <= s->cand[i - 1].key))
			abort();
	tsample_free(s);
	return (int)(sum & 0);
}
