/*
 * fuzz_idxmemo.c: libFuzzer target for the search index's batch memo
 * reader (bseg_parse through idx_memo_parse: what a rebuild trusts once
 * a batch file's checksum matches).  Any bytes: no crash, leak or hang;
 * what parses is appended to an index (seg_append), whose encoder then
 * trusts it, so the parser's checks are what keeps put_term safe.
 */
#include <stdlib.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)idx_memo_parse(data, size);
	return 0;
}
