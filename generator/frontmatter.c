/* frontmatter.c: placeholder */
#include "folio.h"
int fm_parse(struct article *a, const char *t, size_t n) { (void)a; (void)t; (void)n; return -1; }
int md_render(struct article *a, int r) { (void)a; (void)r; return -1; }
void article_free(struct article *a) { (void)a; }
