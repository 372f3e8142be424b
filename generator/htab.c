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
	uint64_t	 hash;	/* hash64 of the key */
	size_t		 id;	/* id + 1; 0 marks an empty slot */
};

struct htab {
	struct slot	*slots;	/* cap entries; owned */
	size_t		 cap;	/* a power of two */
	char		**keys;	/* by id, NUL-terminated copies; owned */
	size_t		*lens;	/* by id: bytes in the key */
	size_t		 n;	/* keys held */
	size_t		 kcap;	/* slots in keys and lens */
};

struct htab *
htab_new(void)
{
	struct htab	*h;

	h = xcalloc(1, sizeof(*h));
	h->cap = 64;
	h->slots = xcalloc(h->cap, sizeof(*h->slots));
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
		if (sl->hash == hv && h->lens[sl->id - 1] == n &&
		    memcmp(h->keys[sl->id - 1], s, n) == 0)
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
	uint64_t	 hv = hash64(s, n, 0);

	if ((h->n + 1) * 4 > h->cap * 3)
		grow(h);
	sl = probe(h, s, n, hv);
	if (sl->id != 0)
		return sl->id - 1;
	if (h->n == h->kcap) {
		h->kcap = h->kcap ? h->kcap * 2 : 64;
		h->keys = xreallocarray(h->keys, h->kcap, sizeof(*h->keys));
		h->lens = xreallocarray(h->lens, h->kcap, sizeof(*h->lens));
	}
	h->keys[h->n] = xmalloc(n + 1);	/* keys may hold NUL bytes */
	memcpy(h->keys[h->n], s, n);
	h->keys[h->n][n] = '\0';
	h->lens[h->n] = n;
	sl->hash = hv;
	sl->id = ++h->n;
	return h->n - 1;
}

/* The id of key s[0..n), or HTAB_NONE.  Safe from many threads. */
size_t
htab_find(const struct htab *h, const char *s, size_t n)
{
	const struct slot *sl = probe(h, s, n, hash64(s, n, 0));

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
	size_t	 i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		free(h->keys[i]);
	free(h->keys);
	free(h->lens);
	free(h->slots);
	free(h);
}
