/*
 * termcache.c: what the terms stage remembers between builds.  Takes
 * the vocabulary terms.c found (with the key of what it was found
 * from) and each article's raw term counts (with the key of its title
 * and text); keeps them in a file beside the output folder
 * (".NAME.folio-terms") and hands them back to the next build, which
 * finds the vocabulary again only when its sample changed and, when the
 * vocabulary is the same, counts again only the articles whose text
 * changed.  Both are pure functions of what they are keyed by, so a
 * memo hit gives the very bytes a clean build would; any doubt about
 * the file (another version, a bad checksum, records out of place)
 * drops it whole, and an article whose record holds values out of range
 * (checked when it is asked for) is counted again.
 *
 * The file, integers little-endian:
 *	"folio-terms 1\n"
 *	u64 vocabulary key, u32 terms, then each term NUL-terminated
 *	u32 articles, then each: u64 text key, u32 hits, hits x
 *	    (term id minus the previous one's, tf, ttf: LEB128 varints;
 *	    ids ascending)
 *	u64 hash_words of all the bytes before it
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "folio.h"

#define TM_MAGIC	"folio-terms 1\n"
#define TM_SEED		0x7465726d73ULL	/* checksum seed: "terms" */

/* One article's counts: where its records are in the file. */
struct tm_art {
	uint64_t	 key;		/* text key; 0 marks an empty slot */
	size_t		 off;		/* first record's offset in map */
	uint32_t	 n;		/* records */
};

struct term_memo {
	struct fmap	 map;		/* the file, mapped; or copy's bytes */
	struct buf	 copy;		/* tmemo_parse's copy; owned */
	uint64_t	 vkey;		/* the vocabulary's key */
	char		**text;		/* terms, into map; owned array */
	size_t		 ntext;		/* entries in text */
	struct tm_art	*art;		/* open addressing by key; owned */
	size_t		 cap;		/* slots in art: a power of two */
};

/* Read a varint of at most 32 bits at *off (< len); -1 when bad. */
static int
get_var(const unsigned char *p, size_t len, size_t *off, uint32_t *v)
{
	const unsigned char *q = p + *off;
	uint64_t	 x;

	if (*off < len && *q < 0x80) {	/* most are: no call */
		*off += 1;
		*v = *q;
		return 0;
	}
	if (var_get(&q, p + len, 35, &x) == -1 || x > UINT32_MAX)
		return -1;
	*off = (size_t)(q - p);
	*v = (uint32_t)x;
	return 0;
}

/* The slot of key in m->art: its own, or the empty one it would take. */
static struct tm_art *
art_slot(const struct term_memo *m, uint64_t key)
{
	size_t	 j;

	for (j = hash_mix64(key) & (m->cap - 1); m->art[j].key != 0 &&
	    m->art[j].key != key; j = (j + 1) & (m->cap - 1))
		continue;
	return &m->art[j];
}

/*
 * Parse map (the file without its checksum) into m.  Returns 0, or -1
 * when anything in it is out of place.  The fuzz target's entry.
 */
static int
tm_parse(struct term_memo *m)
{
	const unsigned char *p = (const unsigned char *)m->map.p;
	size_t		 len = m->map.len, off, n, i, k, bad, start;
	struct tm_art	*a;
	const char	*s, *nul;
	uint64_t	 key;
	uint32_t	 nh;

	if (len < sizeof(TM_MAGIC) - 1 + 12 ||
	    memcmp(p, TM_MAGIC, sizeof(TM_MAGIC) - 1) != 0)
		return -1;
	off = sizeof(TM_MAGIC) - 1;
	m->vkey = le_get(p + off, 8);
	n = (size_t)le_get(p + off + 8, 4);
	off += 12;
	if (n > len - off)	/* each term takes two bytes at least */
		return -1;
	m->text = xcalloc(n ? n : 1, sizeof(*m->text));
	for (i = 0; i < n; i++) {
		s = (const char *)p + off;
		if ((nul = memchr(s, '\0', len - off)) == NULL || nul == s ||
		    !utf8_check(s, (size_t)(nul - s), &bad))
			return -1;
		for (k = 0; k < (size_t)(nul - s); k++)
			if ((unsigned char)s[k] < 0x20)
				return -1;
		m->text[m->ntext++] = (char *)s;
		off += (size_t)(nul - s) + 1;
	}
	if (len - off < 4)
		return -1;
	n = (size_t)le_get(p + off, 4);
	off += 4;
	if (n > (len - off) / 12)
		return -1;
	for (m->cap = 16; m->cap < n * 2; m->cap *= 2)
		continue;
	m->art = xcalloc(m->cap, sizeof(*m->art));
	for (i = 0; i < n; i++) {
		if (len - off < 12)
			return -1;
		key = le_get(p + off, 8);
		nh = (uint32_t)le_get(p + off + 8, 4);
		off += 12;
		if (key == 0 || nh > (len - off) / 3)
			return -1;
		start = off;
		/* Its 3 x nh varints: each ends at a byte below 0x80.  Their
		 * values are tmemo_hits's to check, on the counting threads,
		 * for the articles a build asks about. */
		for (k = 3 * (size_t)nh; k > 0 && off < len; off++)
			k -= p[off] < 0x80;
		if (k > 0)
			return -1;
		a = art_slot(m, key);
		if (a->key == 0) {	/* a repeat has the same counts */
			a->key = key;
			a->off = start;
			a->n = nh;
		}
	}
	return off == len ? 0 : -1;
}

void
tmemo_free(struct term_memo *m)
{
	if (m == NULL)
		return;
	file_unmap(&m->map);
	buf_free(&m->copy);
	free(m->text);
	free(m->art);
	free(m);
}

/*
 * The memo in bytes p (a file's contents without their checksum), or
 * NULL when they are not one.  For the fuzz target and tmemo_read.
 */
struct term_memo *
tmemo_parse(const void *p, size_t n)
{
	struct term_memo *m = xcalloc(1, sizeof(*m));

	buf_init(&m->copy);
	buf_put(&m->copy, p, n);
	m->map.p = m->copy.p;
	m->map.len = m->copy.len;
	if (tm_parse(m) == -1) {
		tmemo_free(m);
		return NULL;
	}
	return m;
}

/*
 * The memo the last build left at path, or NULL when there is none or
 * it cannot be trusted (a warning says why, then the stage counts all).
 */
struct term_memo *
tmemo_read(const char *path)
{
	struct term_memo *m = xcalloc(1, sizeof(*m));
	char		*why = NULL;
	struct stat	 st;

	if (stat(path, &st) == -1 && errno == ENOENT) {
		free(m);
		return NULL;
	}
	buf_init(&m->copy);
	/* Mapped, not read: the counts are used where they are. */
	if (file_map_sealed(path, TM_SEED, &m->map, &why) == -1 ||
	    tm_parse(m) == -1) {
		diag_warn(path, 0, 0, "%s; counting every article's terms",
		    why ? why : "corrupt or of another version");
		free(why);
		tmemo_free(m);
		return NULL;
	}
	return m;
}

/* The vocabulary remembered under vkey (borrowed), or NULL. */
char *const *
tmemo_vocab(const struct term_memo *m, uint64_t vkey, size_t *n)
{
	if (m == NULL || m->vkey != vkey)
		return NULL;
	*n = m->ntext;
	return m->text;
}

/* Is text[0..n) the memo's vocabulary, term for term?  1 if so. */
int
tmemo_same(const struct term_memo *m, char *const *text, size_t n)
{
	size_t	 i;

	if (m == NULL || m->ntext != n)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(m->text[i], text[i]) != 0)
			return 0;
	return 1;
}

/*
 * The counts remembered for the text with key akey, into *h (caller
 * frees; NULL when none): returns their number, or -1 when the memo has
 * none for it or its record is out of range.  Thread-safe.  Only
 * meaningful once tmemo_same said the vocabulary is the memo's: counts
 * are term ids.
 */
long
tmemo_hits(const struct term_memo *m, uint64_t akey, struct term_hit **h)
{
	const struct tm_art *a;
	const unsigned char *p;
	size_t		 off;
	uint32_t	 k, id, d = 0, tf = 0, ttf = 0;

	*h = NULL;
	if (m == NULL || akey == 0 || (a = art_slot(m, akey))->key == 0)
		return -1;
	if (a->n > 0)
		*h = xreallocarray(NULL, a->n, sizeof(**h));
	p = (const unsigned char *)m->map.p;
	off = a->off;
	for (k = 0, id = 0; k < a->n; k++) {
		if (get_var(p, m->map.len, &off, &d) == -1 ||
		    get_var(p, m->map.len, &off, &tf) == -1 ||
		    get_var(p, m->map.len, &off, &ttf) == -1 ||
		    (k > 0 && d == 0) || d >= m->ntext - id ||
		    tf == 0 || tf > UINT16_MAX || ttf > UINT16_MAX) {
			free(*h);	/* a bad record: counted again */
			*h = NULL;
			return -1;
		}
		id += d;
		(*h)[k].id = id;
		(*h)[k].tf = (uint16_t)tf;
		(*h)[k].ttf = (uint16_t)ttf;
		(*h)[k].w = 0;
	}
	return (long)a->n;
}

/* Order of term hits by id. */
static int
hit_cmp_id(const void *x, const void *y)
{
	const struct term_hit *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

/* h[0..n) in ascending ids, the memo's order (unless they are already). */
void
hits_by_id(struct term_hit *h, size_t n)
{
	size_t	 k;

	for (k = 1; k < n && h[k - 1].id < h[k].id; k++)
		continue;
	if (k < n)
		qsort(h, n, sizeof(*h), hit_cmp_id);
}

#define TM_WINDOW	1024	/* records encoded at a time */

/* Records to encode (tmemo_write): article from + i's into rec[i]. */
struct tm_enc {
	const uint64_t	 *akey;
	struct term_hit *const *hits;
	const size_t	 *nhits;
	size_t		  from;
	struct buf	 *rec;	/* TM_WINDOW of them; owned by tmemo_write */
};

/* par_for worker: article from + j's record. */
static int
enc_one(void *arg, size_t j)
{
	struct tm_enc	*e = arg;
	size_t		 i = e->from + j, k;
	struct term_hit	*h = e->hits[i];
	struct buf	*b = &e->rec[j];
	uint32_t	 prev;

	/* Ascending ids (weigh_one's order does not depend on it);
	 * counting and the last memo made them so already. */
	hits_by_id(h, e->nhits[i]);
	le_put(b, e->akey[i], 8);
	le_put(b, e->nhits[i], 4);
	for (k = 0, prev = 0; k < e->nhits[i]; k++) {
		buf_put_var(b, h[k].id - prev);
		buf_put_var(b, h[k].tf);
		buf_put_var(b, h[k].ttf);
		prev = h[k].id;
	}
	return 0;
}

/*
 * Write the memo of this build to path: the vocabulary (n terms, keyed
 * vkey) and each article's raw counts (keyed akey[i]; sorted by term
 * id here), encoded on jobs threads.  A failure is reported like any
 * other file the build cannot write.
 */
void
tmemo_write(const char *path, uint64_t vkey, char *const *text, size_t n,
    const uint64_t *akey, struct term_hit *const *hits, const size_t *nhits,
    size_t narts, int jobs)
{
	struct tm_enc	 e;
	struct buf	 b;
	size_t		 i, m;

	e.akey = akey;
	e.hits = hits;
	e.nhits = nhits;
	e.rec = xcalloc(TM_WINDOW, sizeof(*e.rec));
	buf_init(&b);
	buf_puts(&b, TM_MAGIC);
	le_put(&b, vkey, 8);
	le_put(&b, n, 4);
	for (i = 0; i < n; i++)
		buf_put(&b, text[i], strlen(text[i]) + 1);
	le_put(&b, narts, 4);
	/* A window at a time: the records are held twice only there. */
	for (e.from = 0; e.from < narts; e.from += m) {
		m = narts - e.from < TM_WINDOW ? narts - e.from : TM_WINDOW;
		(void)par_for(m, jobs, enc_one, &e);
		for (i = 0; i < m; i++) {
			buf_put(&b, e.rec[i].p, e.rec[i].len);
			buf_truncate(&e.rec[i], 0);
		}
	}
	for (i = 0; i < TM_WINDOW; i++)
		buf_free(&e.rec[i]);
	free(e.rec);
	(void)file_write_sealed(path, &b, TM_SEED);
	buf_free(&b);
}
