/*
 * fuzz_artmemo.c: libFuzzer target for the load memo's readers
 * (artmemo.c: an articles file, or the slugs file, as amemo_read
 * trusts them once the checksum matches).  Any bytes: no crash, leak
 * or hang; every record that decodes makes a whole article (front
 * matter map, HTML, text, headings of level 1-6), every slug read is
 * found again by its title and is a valid slug (amemo_check aborts
 * otherwise).  The key is taken from the bytes where a file keeps it,
 * so real files get past the key check.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	 m, i;
	uint64_t key = 0;

	/* "folio-articles 4\n" is 17 bytes, "folio-slugs 2\n" 14. */
	m = size >= 14 && memcmp(data, "folio-slugs 2\n", 14) == 0 ? 14 : 17;
	for (i = 0; i < 8 && m + i < size; i++)
		key |= (uint64_t)data[m + i] << (8 * i);
	(void)amemo_check(data, size, key);
	return 0;
}
