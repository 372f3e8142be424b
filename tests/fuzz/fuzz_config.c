/*
 * fuzz_config.c: site.yaml parsing and checking on any bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct site	 s;

	diag_verbosity = 0;
	config_parse(&s, ".", "site.yaml", (const char *)data, size, NULL);
	config_free(&s);
	return 0;
}
