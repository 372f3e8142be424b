/* Temporary weak stand-ins until mustache.c lands; removed then. */
#include "folio.h"
struct tmpl_set;
__attribute__((weak)) struct tmpl_set *tmpl_set_new(int s) { (void)s; errx_fatal("no template engine"); }
__attribute__((weak)) int tmpl_add(struct tmpl_set *t, const char *n, const char *p, const char *s, size_t l) { (void)t; (void)n; (void)p; (void)s; (void)l; return -1; }
__attribute__((weak)) int tmpl_check(struct tmpl_set *t) { (void)t; return -1; }
__attribute__((weak)) int tmpl_has(const struct tmpl_set *t, const char *n) { (void)t; (void)n; return 0; }
__attribute__((weak)) int tmpl_render(const struct tmpl_set *t, const char *n, const struct val *g, const struct val *c, struct buf *o) { (void)t; (void)n; (void)g; (void)c; (void)o; return -1; }
__attribute__((weak)) void tmpl_set_free(struct tmpl_set *t) { (void)t; }
