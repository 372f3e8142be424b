/*
 * htab.c: the one string hash table.  Interns byte strings into dense
 * ids 0, 1, 2 ... in the order they were first added, so callers keep
 * per-key data in plain arrays indexed by id.  Open addressing with
 * linear probing; lookups may run from many threads once adding stops.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

struct slot {
	uint64_t	 hash;	/* key_hash of the key */
	uint32_t	 id;	/* id + 1; 0 marks an empty slot */
	uint32_t	 len;	/* bytes in the key */
};

struct htab {
	struct slot	*slots;	/* cap entries; owned */
	size_t		 cap;	/* a power of two */
	struct buf	 text;	/* the keys, each with a NUL after it */
	size_t		*offs;	/* by id: where its key starts in text; owned */
	size_t		 n;	/* keys held */
	size_t		 kcap;	/* slots in offs */
};

/* The hash of a key: keys are often long paths (util.c, 8 bytes a step). */
#define key_hash(s, n)	hash_words((s), (n), 0)

struct htab *
htab_new(void)
{
	struct htab	*h;

	h = xcalloc(1, sizeof(*h));
	h->cap = 64;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	buf_init(&h->text);
	return h;
}

static void
grow(struct htab *h)
{
	struct slot	*old = h->slots;
	size_t		 oldcap = h->cap, i, j;

	h->cap *= 2;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].id == 0)
			continue;
		for (j = old[i].hash & (h->cap - 1); h->slots[j].id != 0;
		    j = (j + 1) & (h->cap - 1))
			continue;
		h->slots[j] = old[i];
	}
	free(old);
}

/* The slot holding key s[0..n), or the empty slot where it would go. */
static struct slot *
probe(const struct htab *h, const char *s, size_t n, uint64_t hv)
{
	size_t		 j;
	struct slot	*sl;

	for (j = hv & (h->cap - 1);; j = (j + 1) & (h->cap - 1)) {
		sl = &h->slots[j];
		if (sl->id == 0)
			return sl;
		if (sl->hash == hv && sl->len == n &&
		    memcmp(h->text.p + h->offs[sl->id - 1], s, n) == 0)
			return sl;
	}
}

/*
 * The id of key s[0..n) (any bytes), adding a copy of it when new (ids
 * count up from 0 in the order keys are first added).  Not thread-safe.
 */
size_t
htab_add(struct htab *h, const char *s, size_t n)
{
	struct slot	*sl;
	uint64_t	 hv = key_hash(s, n);

	if (n > UINT32_MAX || h->n >= UINT32_MAX - 1)
		errx_fatal("hash table key too long or too many keys");
	if ((h->n + 1) * 4 > h->cap * 3)
		grow(h);
	sl = probe(h, s, n, hv);
	if (sl->id != 0)
		return sl->id - 1;
	if (h->n == h->kcap) {
		h->kcap = h->kcap ? h->kcap * 2 : 64;
		h->offs = xreallocarray(h->offs, h->kcap, sizeof(*h->offs));
	}
	h->offs[h->n] = h->text.len;
	buf_put(&h->text, s, n);	/* keys may hold NUL bytes */
	buf_putc(&h->text, '\0');
	sl->hash = hv;
	sl->len = (uint32_t)n;
	sl->id = (uint32_t)++h->n;
	return h->n - 1;
}

/* The id of key s[0..n), or HTAB_NONE.  Safe from many threads. */
size_t
htab_find(const struct htab *h, const char *s, size_t n)
{
	const struct slot *sl;

	if (n > UINT32_MAX)
		return HTAB_NONE;
	sl = probe(h, s, n, key_hash(s, n));
	return sl->id ? sl->id - 1 : HTAB_NONE;
}

size_t
htab_count(const struct htab *h)
{
	return h->n;
}

void
htab_free(struct htab *h)
{
	if (h == NULL)
		return;
	buf_free(&h->text);
	free(h->offs);
	free(h->slots);
	free(h);
}
