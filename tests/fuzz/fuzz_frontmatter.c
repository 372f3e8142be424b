/*
 * fuzz_frontmatter.c: front matter splitting and checking, then the
 * Markdown stage (HTML, plain text, headings, photo blocks) on any bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article	 a;

	diag_verbosity = 0;
	memset(&a, 0, sizeof(a));
	a.path = xstrdup("fuzz.md");
	if (fm_parse(&a, (const char *)data, size) == 0)
		md_render(&a, size % 2);
	article_free(&a);
	return 0;
}
