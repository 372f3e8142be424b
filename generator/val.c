/*
 * val.c: the small value tree shared by config, front matter and
 * template data (null, bool, number, string, list, map).  Maps keep
 * insertion order and are searched linearly: they are small.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

/*
 * A thread's arena (val_arena_begin .. val_arena_end): while it is on,
 * the values the thread makes, with their strings, keys and arrays, come
 * from it, val_free leaves them, and val_arena_end frees them all at
 * once.  The render stage builds and drops a context for every page;
 * freeing those node by node was an eighth of an edit's instructions.
 * A value made in an arena must not outlive it (val_share refuses one),
 * and a value made outside must not be put in one unless shared (it
 * would leak: ASan's leak check says so).  Chunks are malloc'd and
 * freed whole, so ASan still sees a use after val_arena_end.
 */
struct chunk {
	struct chunk	*next;
	size_t		 used, cap;
	max_align_t	 data[];
};

#define CHUNK_MIN	(64 * 1024)

static _Thread_local struct chunk *arena;	/* newest chunk first */
static _Thread_local int arena_on;

void
val_arena_begin(void)
{
	if (arena_on)
		errx_fatal("val_arena_begin: already on");
	arena_on = 1;
}

void
val_arena_end(void)
{
	struct chunk	*c;

	while ((c = arena) != NULL) {
		arena = c->next;
		free(c);
	}
	arena_on = 0;
}

/* n bytes from this thread's arena, aligned for anything. */
static void *
aalloc(size_t n)
{
	struct chunk	*c = arena;
	size_t		 a = sizeof(max_align_t), cap;
	void		*p;

	n = (n + a - 1) / a * a;
	if (c == NULL || c->cap - c->used < n) {
		cap = n > CHUNK_MIN ? n : CHUNK_MIN;
		c = xmalloc(sizeof(*c) + cap);
		c->next = arena;
		c->used = 0;
		c->cap = cap;
		arena = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

/* A copy of s[0..n) with a NUL, for v: from the arena if v is of it. */
static char *
sdup(const struct val *v, const char *s, size_t n)
{
	char	*p;

	if (!v->arena)
		return xstrndup(s, n);
	p = aalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* An array of n pointers holding old's first k, for v's kids or keys. */
static void *
ptrs(const struct val *v, void *old, size_t k, size_t n)
{
	void	*p;

	if (!v->arena)
		return xreallocarray(old, n, sizeof(void *));
	p = aalloc(n * sizeof(void *));
	if (k > 0)
		memcpy(p, old, k * sizeof(void *));
	return p;
}

struct val *
val_new(enum vtype t)
{
	struct val	*v;

	if (arena_on) {
		v = aalloc(sizeof(*v));
		memset(v, 0, sizeof(*v));
		v->arena = 1;
	} else
		v = xcalloc(1, sizeof(*v));
	v->type = t;
	return v;
}

struct val *
val_strn(const char *s, size_t n)
{
	struct val	*v;

	v = val_new(V_STR);
	v->s = sdup(v, s, n);
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
	v->slen = strlen(s);
	if (v->arena) {
		v->s = sdup(v, s, v->slen);
		free(s);
	} else
		v->s = s;
	return v;
}

/* A string value that borrows s, which must outlive it. */
struct val *
val_strref(const char *s)
{
	struct val	*v;

	v = val_new(V_STR);
	v->slen = strlen(s);
	v->s = (char *)s;	/* never written */
	v->sref = 1;
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
	if (d == floor(d) && fabs(d) < 1e15 && !(d == 0 && signbit(d))) {
		/* "%.0f" without printf: lists make a number a page. */
		tmp[0] = '-';
		fmt_dec(tmp + (d < 0), d < 0 ? (unsigned long long)-d :
		    (unsigned long long)d);
	} else if (d == floor(d) && fabs(d) < 1e15)
		snprintf(tmp, sizeof(tmp), "%.0f", d);
	else
		for (prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
	v->slen = strlen(tmp);
	v->s = sdup(v, tmp, v->slen);
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
	v->kids = ptrs(v, v->kids, v->n, v->cap);
	if (v->type == V_MAP)
		v->keys = ptrs(v, v->keys, v->n, v->cap);
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
	map->keys[map->n] = sdup(map, key, strlen(key));
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
		c->s = sdup(c, v->s, v->slen);
		c->slen = v->slen;
	}
	if (v->n) {
		c->cap = c->n = v->n;
		c->kids = ptrs(c, NULL, 0, v->n);
		if (v->type == V_MAP)
			c->keys = ptrs(c, NULL, 0, v->n);
		for (i = 0; i < v->n; i++) {
			c->kids[i] = val_copy(v->kids[i]);
			if (v->type == V_MAP)
				c->keys[i] = sdup(c, v->keys[i],
				    strlen(v->keys[i]));
		}
	}
	return c;
}

void
val_free(struct val *v)
{
	size_t	 i;

	if (v == NULL || v->shared || v->arena)
		return;
	for (i = 0; i < v->n; i++) {
		val_free(v->kids[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	if (!v->sref)
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
	/* The hash before the flag: node_hash trusts it after. */
	return val_share_as(v, node_hash(v));
}

/*
 * val_share, with h standing for the value's hash: the caller's, made
 * from what the value is a function of (an article's body: its file's
 * bytes and the parser's memo key), so its bytes need not be read.
 */
struct val *
val_share_as(struct val *v, uint64_t h)
{
	if (v->arena)
		errx_fatal("val_share: a value of an arena");
	v->hash = h;
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
