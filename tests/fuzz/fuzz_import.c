/*
 * fuzz_import.c: libFuzzer target for the page importer.  Feeds any
 * bytes to imp_parse() as a page dump and, when it gives a plan, prints
 * the plan into a buffer: no crash, leak or hang on any input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imp_plan	*p = NULL;
	struct buf	 b;

	diag_verbosity = 0;
	if (imp_parse("fuzz.txt", (const char *)data, size, &p) == 0) {
		buf_init(&b);
		imp_dump(p, &b);
		buf_free(&b);
		imp_plan_free(p);
	}
	return 0;
}
