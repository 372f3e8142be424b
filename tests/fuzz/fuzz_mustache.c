/*
 * fuzz_mustache.c: libFuzzer target for mustache.c.  The input is a
 * template "t", then up to three partials "p", "q", "r", separated by
 * lines holding only "@@".  Compiles them, checks in both modes and
 * renders "t" against a small fixed data tree; everything is freed.
 */
#include <stdint.h>
#include <string.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char sep[] = "\n@@\n";

/* The data: a little of every type, lists, depth, names for partials. */
static struct val *
data(void)
{
	struct val	*d, *l, *m, *k;

	d = val_map();
	val_set(d, "a", val_bool(1));
	val_set(d, "b", val_bool(0));
	val_set(d, "n", val_new(V_NULL));
	val_set(d, "s", val_str("x<&>\"'y"));
	val_set(d, "num", val_num(1.5));
	val_set(d, "dyn", val_str("p"));
	val_set(d, "self", val_str("t"));
	val_set(d, "empty", val_list());
	l = val_list();
	val_push(l, val_num(1));
	val_push(l, val_str("two"));
	m = val_map();
	val_set(m, "a", val_str("inner"));
	val_set(m, "dyn", val_str("q"));
	val_push(l, m);
	val_set(d, "list", l);
	m = val_map();
	k = val_map();
	val_set(k, "b", val_str("deep"));
	val_set(m, "a", k);
	val_set(m, "kids", val_list());
	val_push(val_get(m, "kids"), val_copy(k));
	val_set(d, "map", m);
	return d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	static const char *names[] = { "t", "p", "q", "r" };
	struct tmpl_set	*set[2];
	struct val	*d, *g;
	struct buf	 out;
	const char	*s = (const char *)in;
	size_t		 i, k, at = 0, e, n = sizeof(sep) - 1;
	int		 more = 1;

	set[0] = tmpl_set_new(0);
	set[1] = tmpl_set_new(1);
	for (i = 0; i < 4 && more; i++) {
		/* Each piece ends at the next separator, or at the end. */
		for (e = at; e + n <= len && memcmp(s + e, sep, n) != 0; e++)
			continue;
		if (e + n > len) {
			e = len;
			more = 0;
		}
		for (k = 0; k < 2; k++)
			tmpl_add(set[k], names[i], names[i], s + at, e - at);
		at = e + n;
	}
	d = data();
	g = val_map();
	val_set(g, "site", val_str("S&S"));
	buf_init(&out);
	for (k = 0; k < 2; k++) {
		tmpl_check(set[k]);
		if (tmpl_has(set[k], "t")) {
			buf_truncate(&out, 0);
			tmpl_render(set[k], "t", g, d, &out);
		}
		tmpl_set_free(set[k]);
	}
	buf_free(&out);
	val_free(d);
	val_free(g);
	return 0;
}
