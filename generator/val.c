/*
 * val.c: the small value tree shared by config, front matter and
 * template data (null, bool, number, string, list, map).  Maps keep
 * insertion order and are searched linearly: they are small.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

struct val *
val_new(enum vtype t)
{
	struct val	*v;

	v = xcalloc(1, sizeof(*v));
	v->type = t;
	return v;
}

struct val *
val_strn(const char *s, size_t n)
{
	struct val	*v;

	v = val_new(V_STR);
	v->s = xstrndup(s, n);
	v->slen = n;
	return v;
}

struct val *
val_str(const char *s)
{
	return val_strn(s, strlen(s));
}

struct val *
val_strown(char *s)
{
	struct val	*v;

	v = val_new(V_STR);
	v->s = s;
	v->slen = strlen(s);
	return v;
}

struct val *
val_bool(int b)
{
	struct val	*v;

	v = val_new(V_BOOL);
	v->b = b != 0;
	return v;
}

/* Numbers print in their shortest round-trip form (1.210 -> "1.21"). */
struct val *
val_num(double d)
{
	struct val	*v;
	char		 tmp[64];
	int		 prec;

	v = val_new(V_NUM);
	v->num = d;
	if (d == floor(d) && fabs(d) < 1e15)
		snprintf(tmp, sizeof(tmp), "%.0f", d);
	else
		for (prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
	v->s = xstrdup(tmp);
	v->slen = strlen(tmp);
	return v;
}

struct val *
val_list(void)
{
	return val_new(V_LIST);
}

struct val *
val_map(void)
{
	return val_new(V_MAP);
}

static void
grow(struct val *v)
{
	if (v->n < v->cap)
		return;
	v->cap = v->cap ? v->cap * 2 : 4;
	v->kids = xreallocarray(v->kids, v->cap, sizeof(*v->kids));
	if (v->type == V_MAP)
		v->keys = xreallocarray(v->keys, v->cap, sizeof(*v->keys));
}

void
val_push(struct val *list, struct val *item)
{
	grow(list);
	list->kids[list->n++] = item;
}

void
val_set(struct val *map, const char *key, struct val *v)
{
	size_t	 i;

	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0) {
			val_free(map->kids[i]);
			map->kids[i] = v;
			return;
		}
	grow(map);
	map->keys[map->n] = xstrdup(key);
	map->kids[map->n++] = v;
}

struct val *
val_get(const struct val *map, const char *key)
{
	size_t	 i;

	if (map == NULL || map->type != V_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->kids[i];
	return NULL;
}

const char *
val_gets(const struct val *map, const char *key)
{
	const struct val *v = val_get(map, key);

	return (v != NULL && v->type == V_STR) ? v->s : NULL;
}

struct val *
val_copy(const struct val *v)
{
	struct val	*c;
	size_t		 i;

	if (v == NULL)
		return NULL;
	c = val_new(v->type);
	c->b = v->b;
	c->num = v->num;
	c->line = v->line;
	c->col = v->col;
	c->kline = v->kline;
	c->kcol = v->kcol;
	if (v->s != NULL) {
		c->s = xstrndup(v->s, v->slen);
		c->slen = v->slen;
	}
	if (v->n) {
		c->cap = c->n = v->n;
		c->kids = xreallocarray(NULL, v->n, sizeof(*c->kids));
		if (v->type == V_MAP)
			c->keys = xreallocarray(NULL, v->n, sizeof(*c->keys));
		for (i = 0; i < v->n; i++) {
			c->kids[i] = val_copy(v->kids[i]);
			if (v->type == V_MAP)
				c->keys[i] = xstrdup(v->keys[i]);
		}
	}
	return c;
}

void
val_free(struct val *v)
{
	size_t	 i;

	if (v == NULL || v->shared)
		return;
	for (i = 0; i < v->n; i++) {
		val_free(v->kids[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->s);
	free(v);
}

static uint64_t	node_hash(const struct val *);

/*
 * A value put in many trees at once (the list entry of an article, in
 * every list that shows it): val_free of a tree leaves it alone, its
 * owner frees it with val_free_shared.  Never changed once shared.
 */
struct val *
val_share(struct val *v)
{
	v->hash = node_hash(v);		/* before: node_hash trusts it after */
	v->shared = 1;
	return v;
}

void
val_free_shared(struct val *v)
{
	if (v == NULL)
		return;
	v->shared = 0;
	val_free(v);
}

/*
 * A hash of everything a template can see in v: types, keys, text,
 * numbers, list order.  Equal trees hash equal; the render stage keys
 * pages by it.
 */
static uint64_t
node_hash(const struct val *v)
{
	uint64_t h;
	size_t	 i;

	if (v == NULL)
		return 0x6e756c6c;
	if (v->shared)
		return v->hash;	/* made by val_share */
	h = hash_mix64(((uint64_t)v->type << 56) ^ v->n ^
	    ((uint64_t)v->b << 48));
	if (v->type == V_NUM && v->s == NULL)
		h = hash_words(&v->num, sizeof(v->num), h);
	if (v->s != NULL)
		h = hash_words(v->s, v->slen, h);
	for (i = 0; i < v->n; i++) {
		if (v->keys != NULL)
			h = hash_words(v->keys[i], strlen(v->keys[i]), h);
		h = hash_mix64(h ^ node_hash(v->kids[i]));
	}
	return h;
}

uint64_t
val_hash(const struct val *v, uint64_t h)
{
	return hash_mix64(h ^ node_hash(v));
}

/* Mustache truthiness: null, false, empty list are false. */
int
val_truthy(const struct val *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case V_NULL:
		return 0;
	case V_BOOL:
		return v->b;
	case V_LIST:
		return v->n > 0;
	default:
		return 1;
	}
}

static void
indent(struct buf *b, int n)
{
	while (n-- > 0)
		buf_puts(b, "  ");
}

/* A stable, line-oriented dump for golden tests. */
void
val_dump(const struct val *v, struct buf *b, int depth)
{
	size_t	 i;

	switch (v->type) {
	case V_NULL:
		buf_puts(b, "null\n");
		break;
	case V_BOOL:
		buf_puts(b, v->b ? "true\n" : "false\n");
		break;
	case V_NUM:
		buf_printf(b, "%s\n", v->s);
		break;
	case V_STR:
		buf_putc(b, '"');
		for (i = 0; i < v->slen; i++) {
			if (v->s[i] == '\n')
				buf_puts(b, "\\n");
			else if (v->s[i] == '"' || v->s[i] == '\\') {
				buf_putc(b, '\\');
				buf_putc(b, v->s[i]);
			} else
				buf_putc(b, v->s[i]);
		}
		buf_puts(b, "\"\n");
		break;
	case V_LIST:
		buf_printf(b, "list(%zu)\n", v->n);
		for (i = 0; i < v->n; i++) {
			indent(b, depth + 1);
			buf_puts(b, "- ");
			val_dump(v->kids[i], b, depth + 1);
		}
		break;
	case V_MAP:
		buf_printf(b, "map(%zu)\n", v->n);
		for (i = 0; i < v->n; i++) {
			indent(b, depth + 1);
			buf_printf(b, "%s: ", v->keys[i]);
			val_dump(v->kids[i], b, depth + 1);
		}
		break;
	}
}
