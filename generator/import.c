/* import.c: placeholder, replaced by the importer. */
#include "folio.h"

int
imp_run(const struct imp_opts *o, char **pages, int n)
{
	(void)o; (void)pages; (void)n;
	diag_err(NULL, 0, 0, "import: not written yet");
	return 1;
}
