/*
 * termcache.c: what the terms stage remembers between builds.  Takes
 * the vocabulary terms.c found in its sample (with the key of what it
 * was found from), the whole vocabulary (found and forced terms) and
 * each article's raw term counts (with the key of its title and text);
 * keeps them in a folder beside the output folder (".NAME.folio-terms")
 * and hands them back to the next build, which finds the vocabulary
 * again only when its sample changed and counts again only the articles
 * whose text changed.  When the whole vocabulary changed (a tag added
 * or gone, a term found or lost), the counts remembered are mapped onto
 * the new one by term (tmemo_remap) and terms.c counts the new terms
 * alone.  All are pure functions of what they are keyed by, so a memo
 * hit gives the very bytes a clean build would; any doubt about a file
 * (another version, a bad checksum, records out of place) drops it
 * whole, and an article whose record holds values out of range
 * (checked when it is asked for) is counted again.
 *
 * The memo is a folder of TM_BUCKETS files ("00".."3f"), an article's
 * record in the one its text key hashes to, so an edit rewrites one or
 * two of them (the whole memo is ~9 MB at 10,000 articles); each file
 * is a memo of its own articles, whole vocabulary included (~20 KB).
 * A bucket whose vocabulary is not the first whole bucket's (a write
 * cut short) is as good as missing: its articles are counted again.
 * One more file, "found", has the same format with no articles: its
 * vocabulary is the one found in the sample, its key the sample's.  And
 * one of its own, "sample" (below), what finding it started from.
 *
 * A file, integers little-endian:
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
#include <unistd.h>

#include "folio.h"

#define TM_MAGIC	"folio-terms 1\n"
#define TM_SEED		0x7465726d73ULL	/* checksum seed: "terms" */
#define TM_BUCKETS	64		/* files in the memo folder */

/* One article's counts: where its records are. */
struct tm_art {
	uint64_t	 key;		/* text key; 0 marks an empty slot */
	size_t		 off;		/* first record's offset in its map */
	uint32_t	 n;		/* records */
	uint32_t	 bucket;	/* whose map */
};

/* One file of the memo. */
struct tm_bucket {
	struct fmap	 map;		/* mapped; or tmemo_parse's copy */
	uint64_t	*keys;		/* its records' keys, in file order */
	size_t		*offs;		/* ... their counts' offsets */
	uint32_t	*ns;		/* ... their numbers of hits */
	size_t		 nkeys;
	int		 ok;		/* whole, and of the memo's vocabulary */
};

struct term_memo {
	struct tm_bucket b[TM_BUCKETS];	/* owned */
	struct term_memo *found;	/* the "found" file's, or NULL; owned */
	struct buf	 copy;		/* tmemo_parse's copy; owned */
	int		 hasvocab;	/* a bucket was whole: vkey, text hold */
	uint64_t	 vkey;		/* the vocabulary's key */
	char		**text;		/* terms, into that bucket's map; owned */
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
 * Parse bucket j's map (a file without its checksum): its records into
 * the bucket; its vocabulary becomes m's if m has none yet, else it
 * must be m's.  Returns 0; -1 when anything in it is out of place; 1
 * when it is whole but of another vocabulary.  The fuzz target's entry
 * (through tmemo_parse).
 */
static int
tm_parse(struct term_memo *m, size_t j)
{
	struct tm_bucket *bk = &m->b[j];
	const unsigned char *p = (const unsigned char *)bk->map.p;
	size_t		 len = bk->map.len, off, n, i, k, bad, start;
	const char	*s, *nul;
	char		**text;
	uint64_t	 key, vkey;
	uint32_t	 nh;
	int		 other = 0;

	if (len < sizeof(TM_MAGIC) - 1 + 12 ||
	    memcmp(p, TM_MAGIC, sizeof(TM_MAGIC) - 1) != 0)
		return -1;
	off = sizeof(TM_MAGIC) - 1;
	vkey = le_get(p + off, 8);
	n = (size_t)le_get(p + off + 8, 4);
	off += 12;
	if (n > len - off)	/* each term takes two bytes at least */
		return -1;
	text = xcalloc(n ? n : 1, sizeof(*text));
	for (i = 0; i < n; i++) {
		s = (const char *)p + off;
		if ((nul = memchr(s, '\0', len - off)) == NULL || nul == s ||
		    !utf8_check(s, (size_t)(nul - s), &bad))
			goto bad;
		for (k = 0; k < (size_t)(nul - s); k++)
			if ((unsigned char)s[k] < 0x20)
				goto bad;
		text[i] = (char *)s;
		off += (size_t)(nul - s) + 1;
	}
	if (len - off < 4)
		goto bad;
	n = (size_t)le_get(p + off, 4);
	off += 4;
	if (n > (len - off) / 12)
		goto bad;
	bk->keys = xcalloc(n ? n : 1, sizeof(*bk->keys));
	bk->offs = xcalloc(n ? n : 1, sizeof(*bk->offs));
	bk->ns = xcalloc(n ? n : 1, sizeof(*bk->ns));
	for (i = 0; i < n; i++) {
		if (len - off < 12)
			goto bad;
		key = le_get(p + off, 8);
		nh = (uint32_t)le_get(p + off + 8, 4);
		off += 12;
		if (key == 0 || nh > (len - off) / 3)
			goto bad;
		start = off;
		/* Its 3 x nh varints: each ends at a byte below 0x80.  Their
		 * values are tmemo_hits's to check, on the counting threads,
		 * for the articles a build asks about. */
		for (k = 3 * (size_t)nh; k > 0 && off < len; off++)
			k -= p[off] < 0x80;
		if (k > 0)
			goto bad;
		bk->keys[bk->nkeys] = key;
		bk->offs[bk->nkeys] = start;
		bk->ns[bk->nkeys++] = nh;
	}
	if (off != len)
		goto bad;
	/* Whole: of m's vocabulary, or the first, which becomes m's. */
	n = (size_t)le_get(p + sizeof(TM_MAGIC) - 1 + 8, 4);
	if (!m->hasvocab) {
		m->hasvocab = 1;
		m->vkey = vkey;
		m->text = text;
		m->ntext = n;
		text = NULL;
	} else if (vkey != m->vkey || !tmemo_same(m, text, n))
		other = 1;
	free(text);
	bk->ok = !other;
	return other;
bad:
	free(text);
	return -1;
}

/* The table of every whole bucket's articles, by key. */
static void
tm_index(struct term_memo *m)
{
	const struct tm_bucket *bk;
	struct tm_art	*a;
	size_t		 j, i, n = 0;

	for (j = 0; j < TM_BUCKETS; j++)
		n += m->b[j].ok ? m->b[j].nkeys : 0;
	for (m->cap = 16; m->cap < n * 2; m->cap *= 2)
		continue;
	m->art = xcalloc(m->cap, sizeof(*m->art));
	for (j = 0; j < TM_BUCKETS; j++) {
		bk = &m->b[j];
		for (i = 0; bk->ok && i < bk->nkeys; i++) {
			a = art_slot(m, bk->keys[i]);
			if (a->key != 0)
				continue;	/* a repeat has the same counts */
			a->key = bk->keys[i];
			a->off = bk->offs[i];
			a->n = bk->ns[i];
			a->bucket = (uint32_t)j;
		}
	}
}

static void
bucket_free(struct tm_bucket *bk)
{
	file_unmap(&bk->map);
	free(bk->keys);
	free(bk->offs);
	free(bk->ns);
	memset(bk, 0, sizeof(*bk));
}

void
tmemo_free(struct term_memo *m)
{
	size_t	 j;

	if (m == NULL)
		return;
	for (j = 0; j < TM_BUCKETS; j++)
		bucket_free(&m->b[j]);
	tmemo_free(m->found);
	buf_free(&m->copy);
	free(m->text);
	free(m->art);
	free(m);
}

/* A memo of the one file whose bytes are p[0..n), copied; or NULL. */
static struct term_memo *
parse_one(const void *p, size_t n)
{
	struct term_memo *m = xcalloc(1, sizeof(*m));

	buf_init(&m->copy);
	buf_put(&m->copy, p, n);
	m->b[0].map.p = m->copy.p;
	m->b[0].map.len = m->copy.len;
	if (tm_parse(m, 0) != 0) {
		tmemo_free(m);
		return NULL;
	}
	tm_index(m);
	return m;
}

/*
 * The memo in bytes p (one file's contents without their checksum),
 * read both as a bucket and as the "found" file, or NULL when they are
 * not one.  For the fuzz target.
 */
struct term_memo *
tmemo_parse(const void *p, size_t n)
{
	struct term_memo *m;

	if ((m = parse_one(p, n)) != NULL)
		m->found = parse_one(p, n);
	return m;
}

/* File j of a set in folder dir: "00".."3f" after prefix. */
static char *
bucket_path(const char *dir, const char *prefix, size_t j)
{
	return xasprintf("%s/%s%02zx", dir, prefix, j);
}

/*
 * The memo the last build left in folder dir, or NULL when there is
 * none (an older folio's single file counts as none).  A file that is
 * there but cannot be trusted is left out with a warning: its
 * articles are counted again.
 */
struct term_memo *
tmemo_read(const char *dir)
{
	struct term_memo *m;
	struct stat	 st;
	char		*path, *why;
	size_t		 j, bad = 0;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return NULL;
	m = xcalloc(1, sizeof(*m));
	buf_init(&m->copy);
	for (j = 0; j < TM_BUCKETS; j++) {
		path = bucket_path(dir, "", j);
		why = NULL;
		/* Mapped, not read: the counts are used where they are.
		 * One not there: its articles are counted, quietly. */
		if (stat(path, &st) == 0 &&
		    (file_map_sealed(path, TM_SEED, &m->b[j].map, &why) == -1 ||
		    tm_parse(m, j) == -1)) {
			bad++;
			bucket_free(&m->b[j]);
		}
		free(why);
		free(path);
	}
	/* The vocabulary found in the sample: one not there or not whole
	 * is found again, quietly (an older folio wrote none). */
	path = xasprintf("%s/found", dir);
	m->found = xcalloc(1, sizeof(*m->found));
	why = NULL;
	if (stat(path, &st) == -1 || file_map_sealed(path, TM_SEED,
	    &m->found->b[0].map, &why) == -1 || tm_parse(m->found, 0) != 0) {
		tmemo_free(m->found);
		m->found = NULL;
	}
	free(why);
	free(path);
	if (bad > 0)
		diag_warn(dir, 0, 0, "%zu of its files corrupt or of another "
		    "version; counting their articles' terms", bad);
	tm_index(m);
	return m;
}

/* The vocabulary found in the sample keyed vkey (borrowed), or NULL. */
char *const *
tmemo_vocab(const struct term_memo *m, uint64_t vkey, size_t *n)
{
	if (m == NULL || m->found == NULL || m->found->vkey != vkey)
		return NULL;
	*n = m->found->ntext;
	return m->found->text;
}

/*
 * Map the term ids of the memo's counts onto the vocabulary text[0..n)
 * (sorted and unique, as terms.c makes it): (*map)[old id] is the id
 * of the same term in text, or UINT32_MAX when it is not there (caller
 * frees *map).  Returns the number of entries in *map; -1 when the memo
 * has no vocabulary or its own is not sorted and unique (then its
 * counts are of no use).
 */
long
tmemo_remap(const struct term_memo *m, char *const *text, size_t n,
    uint32_t **map)
{
	size_t	 i, j;
	int	 c;

	*map = NULL;
	if (m == NULL || !m->hasvocab)
		return -1;
	for (i = 1; i < m->ntext; i++)
		if (strcmp(m->text[i - 1], m->text[i]) >= 0)
			return -1;
	*map = xreallocarray(NULL, m->ntext ? m->ntext : 1, sizeof(**map));
	for (i = j = 0; i < m->ntext; i++) {
		c = 1;
		while (j < n && (c = strcmp(text[j], m->text[i])) < 0)
			j++;
		(*map)[i] = c == 0 ? (uint32_t)j : UINT32_MAX;
	}
	return (long)m->ntext;
}

/* Is text[0..n) the memo's vocabulary, term for term?  1 if so. */
int
tmemo_same(const struct term_memo *m, char *const *text, size_t n)
{
	size_t	 i;

	if (m == NULL || !m->hasvocab || m->ntext != n)
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
	size_t		 off, len;
	uint32_t	 k, id, d = 0, tf = 0, ttf = 0;

	*h = NULL;
	if (m == NULL || akey == 0 || (a = art_slot(m, akey))->key == 0)
		return -1;
	if (a->n > 0)
		*h = xreallocarray(NULL, a->n, sizeof(**h));
	p = (const unsigned char *)m->b[a->bucket].map.p;
	len = m->b[a->bucket].map.len;
	off = a->off;
	for (k = 0, id = 0; k < a->n; k++) {
		if (get_var(p, len, &off, &d) == -1 ||
		    get_var(p, len, &off, &tf) == -1 ||
		    get_var(p, len, &off, &ttf) == -1 ||
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

/* What tmemo_write's workers share. */
struct tm_wjob {
	const struct term_memo *old;	/* the memo read, or NULL */
	int		  same_vocab;	/* 1: old's vocabulary is this one */
	const char	 *dir;
	uint64_t	  vkey;
	char *const	 *text;
	size_t		  n;
	const uint64_t	 *akey;
	struct term_hit *const *hits;
	const size_t	 *nhits;
	size_t		 *order;	/* articles by bucket, in article order */
	size_t		  start[TM_BUCKETS + 1];
};

/*
 * The files of articles by text key akey[0..n): each one's bucket (a
 * hash of its key), then start and order as bucket_order makes them.
 */
static void
by_bucket(const uint64_t *akey, size_t n, size_t *start, size_t *order)
{
	size_t	 i, *bj = xcalloc(n ? n : 1, sizeof(*bj));

	for (i = 0; i < n; i++)
		bj[i] = (size_t)(hash_mix64(akey[i]) % TM_BUCKETS);
	bucket_order(bj, n, TM_BUCKETS, start, order);
	free(bj);
}

/* Make the memo folder dir: 0, or -1 with a message. */
static int
memo_dir(const char *dir)
{
	struct stat	 st;

	/* An older folio's memo was one file where the folder goes. */
	if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		(void)unlink(dir);
	return mkdir_p(dir);
}

/* A file's start: the magic, the vocabulary's key, its n terms. */
static void
put_head(struct buf *b, uint64_t vkey, char *const *text, size_t n)
{
	size_t	 i;

	buf_puts(b, TM_MAGIC);
	le_put(b, vkey, 8);
	le_put(b, n, 4);
	for (i = 0; i < n; i++)
		buf_put(b, text[i], strlen(text[i]) + 1);
}

/* par_for worker: write bucket j, unless old has it as it would be. */
static int
write_bucket(void *arg, size_t j)
{
	struct tm_wjob	*w = arg;
	const struct tm_bucket *bk = w->old != NULL ? &w->old->b[j] : NULL;
	struct term_hit	*h;
	struct buf	 b;
	size_t		 i, k, a, from = w->start[j], to = w->start[j + 1];
	uint32_t	 prev;
	char		*path;

	if (w->same_vocab && bk->ok && bk->nkeys == to - from) {
		for (i = from; i < to &&
		    bk->keys[i - from] == w->akey[w->order[i]]; i++)
			continue;
		if (i == to)
			return 0;	/* the same articles: the same bytes */
	}
	buf_init(&b);
	put_head(&b, w->vkey, w->text, w->n);
	le_put(&b, to - from, 4);
	for (i = from; i < to; i++) {
		a = w->order[i];
		h = w->hits[a];
		/* Ascending ids (weigh_one's order does not depend on
		 * it); counting and the last memo made them so already. */
		hits_by_id(h, w->nhits[a]);
		le_put(&b, w->akey[a], 8);
		le_put(&b, w->nhits[a], 4);
		for (k = 0, prev = 0; k < w->nhits[a]; k++) {
			buf_put_var(&b, h[k].id - prev);
			buf_put_var(&b, h[k].tf);
			buf_put_var(&b, h[k].ttf);
			prev = h[k].id;
		}
	}
	path = bucket_path(w->dir, "", j);
	(void)file_write_sealed(path, &b, TM_SEED);	/* it says why */
	free(path);
	buf_free(&b);
	return 0;
}

/* The "found" file: the vocabulary found[0..nfound) keyed vkey. */
static void
write_found(const char *dir, const struct term_memo *old, uint64_t vkey,
    char *const *found, size_t nfound)
{
	struct buf	 b;
	char		*path;

	if (old != NULL && old->found != NULL && old->found->vkey == vkey &&
	    tmemo_same(old->found, found, nfound))
		return;
	buf_init(&b);
	put_head(&b, vkey, found, nfound);
	le_put(&b, 0, 4);
	path = xasprintf("%s/found", dir);
	(void)file_write_sealed(path, &b, TM_SEED);	/* it says why */
	free(path);
	buf_free(&b);
}

/*
 * Write the memo of this build to folder dir: the vocabulary found in
 * the sample (found[0..nfound), keyed vkey), the whole vocabulary (n
 * terms) and each article's raw counts (keyed akey[i]; sorted by term
 * id here), a bucket of articles a file, on jobs threads; a file old
 * (the memo read, or NULL) has as it would be is left alone.  A
 * failure is reported like any other file the build cannot write.
 */
void
tmemo_write(const char *dir, const struct term_memo *old, uint64_t vkey,
    char *const *found, size_t nfound, char *const *text, size_t n,
    const uint64_t *akey, struct term_hit *const *hits,
    const size_t *nhits, size_t narts, int jobs)
{
	struct tm_wjob	 w;

	if (memo_dir(dir) == -1)
		return;
	write_found(dir, old, vkey, found, nfound);
	memset(&w, 0, sizeof(w));
	w.old = old;
	w.same_vocab = old != NULL && old->hasvocab && old->vkey == vkey &&
	    tmemo_same(old, text, n);
	w.dir = dir;
	w.vkey = vkey;
	w.text = text;
	w.n = n;
	w.akey = akey;
	w.hits = hits;
	w.nhits = nhits;
	w.order = xcalloc(narts ? narts : 1, sizeof(*w.order));
	by_bucket(akey, narts, w.start, w.order);
	(void)par_for(TM_BUCKETS, jobs, write_bucket, &w);
	free(w.order);
}

/*
 * ---- The sample: what finding the vocabulary last started from ----
 *
 * More files keep what terms.c needs to find the vocabulary again after
 * a few of the sample's articles changed without counting the whole
 * sample: "sample", the sample's text keys in order and every candidate
 * term with what the last decision about it read (struct term_cand);
 * and TM_BUCKETS files "s00".."s3f", each article's character ids in
 * the one its text key hashes to (as the counts are; none for a bucket
 * without articles), so that the grams
 * of an article's old text are known once it is gone, and an edit
 * rewrites "sample" and one or two of them.  They are written when the
 * vocabulary was found.  Integers little-endian:
 *	"folio-sample 2\n"
 *	u64 vocabulary key
 *	u32 articles, then each: u64 text key
 *	u32 candidates, then each (keys ascending, none 0): u64 key,
 *	    u32 df, u16 left pair, u16 right pair, u8 ok
 * and an ids file (16 bytes, then 8, then 16 an article: the ids, read
 * where they lie, are 2-byte aligned):
 *	"folio-sids 2\n\0\0\0"
 *	u32 articles, u32 0, then each (in sample order): u64 text key,
 *	    u32 ids, u32 ids of the title
 *	each article's ids, u16 each, in the order above
 * each file ending in a u64 hash_words of all the bytes before it.
 */
#define TS_MAGIC	"folio-sample 2\n"
#define TS_IDS_MAGIC	"folio-sids 2\n\0\0\0"	/* 16 bytes */
#define TS_CAND		17		/* bytes a candidate */

_Static_assert(sizeof(((struct term_sample *)0)->idmap) /
    sizeof(struct fmap) == TM_BUCKETS, "an ids file a bucket");
_Static_assert(sizeof(((struct term_sample *)0)->start) /
    sizeof(size_t) == TM_BUCKETS + 1, "a start a bucket");

void
tsample_free(struct term_sample *s)
{
	size_t	 j;

	if (s == NULL)
		return;
	file_unmap(&s->map);
	for (j = 0; j < TM_BUCKETS; j++)
		file_unmap(&s->idmap[j]);
	buf_free(&s->copy);
	free(s->akey);
	free(s->nids);
	free(s->ntitle);
	free(s->ids);
	free(s->cand);
	free(s->order);
	free(s);
}

/* The arrays of s by article, s->ns of them, zeroed. */
static void
ts_alloc(struct term_sample *s)
{
	size_t	 n = s->ns ? s->ns : 1;

	s->akey = xcalloc(n, sizeof(*s->akey));
	s->nids = xcalloc(n, sizeof(*s->nids));
	s->ntitle = xcalloc(n, sizeof(*s->ntitle));
	s->ids = xcalloc(n, sizeof(*s->ids));
	s->order = xcalloc(n, sizeof(*s->order));
}

/* Parse the "sample" file in s->map into s: 0, or -1 if out of place. */
static int
ts_parse(struct term_sample *s)
{
	const unsigned char *p = (const unsigned char *)s->map.p;
	size_t		 len = s->map.len, off, i;
	struct term_cand *c;

	off = sizeof(TS_MAGIC) - 1;
	if (len < off + 12 || memcmp(p, TS_MAGIC, off) != 0)
		return -1;
	s->vkey = le_get(p + off, 8);
	s->ns = (size_t)le_get(p + off + 8, 4);
	off += 12;
	if (s->ns > (len - off) / 8)
		return -1;
	ts_alloc(s);
	for (i = 0; i < s->ns; i++, off += 8)
		if ((s->akey[i] = le_get(p + off, 8)) == 0)
			return -1;
	if (len - off < 4)
		return -1;
	s->ncand = (size_t)le_get(p + off, 4);
	off += 4;
	if (s->ncand != (len - off) / TS_CAND || (len - off) % TS_CAND != 0)
		return -1;
	s->cand = xcalloc(s->ncand ? s->ncand : 1, sizeof(*s->cand));
	for (i = 0; i < s->ncand; i++, off += TS_CAND) {
		c = &s->cand[i];
		c->key = le_get(p + off, 8);
		c->df = (uint32_t)le_get(p + off + 8, 4);
		c->lpair = (uint16_t)le_get(p + off + 12, 2);
		c->rpair = (uint16_t)le_get(p + off + 14, 2);
		c->ok = p[off + 16];
		if (c->key == 0 || c->ok > 1 ||
		    (i > 0 && c->key <= s->cand[i - 1].key))
			return -1;
	}
	return 0;
}

/*
 * The ids file p[0..len) (no checksum) of the articles at[0..nat) of s:
 * where it is whole and lists their text keys, in that order, their ids
 * are set in s (pointing into p); otherwise none is.  Returns 0; -1
 * when it is not whole.
 */
static int
ts_ids(struct term_sample *s, const size_t *at, size_t nat,
    const unsigned char *p, size_t len)
{
	size_t		 off = 24, k, total = 0;
	int		 rc = 0;

	if (len < off || memcmp(p, TS_IDS_MAGIC, 16) != 0 ||
	    (size_t)le_get(p + 16, 4) != nat || nat > (len - off) / 16)
		return -1;
	for (k = 0; k < nat && rc == 0; k++) {
		s->nids[at[k]] = (size_t)le_get(p + off + 16 * k + 8, 4);
		s->ntitle[at[k]] = (size_t)le_get(p + off + 16 * k + 12, 4);
		if (le_get(p + off + 16 * k, 8) != s->akey[at[k]] ||
		    s->ntitle[at[k]] > s->nids[at[k]] ||
		    s->nids[at[k]] > len / 2 ||
		    (total += s->nids[at[k]]) > len / 2)
			rc = -1;
	}
	off += 16 * nat;
	if (rc == 0 && len - off != 2 * total)
		rc = -1;
	for (k = 0; k < nat && rc == 0; k++) {
		s->ids[at[k]] = p + off;
		off += 2 * s->nids[at[k]];
	}
	for (k = 0; k < nat && rc == -1; k++)
		s->nids[at[k]] = s->ntitle[at[k]] = 0;
	return rc;
}

/*
 * The sample the last build kept in folder dir, or NULL: none or bad.
 * An article whose ids file is missing or bad has ids NULL.
 */
struct term_sample *
tsample_read(const char *dir)
{
	struct term_sample *s = xcalloc(1, sizeof(*s));
	struct stat	 st;
	char		*path = xasprintf("%s/sample", dir), *why = NULL;
	size_t		 j;

	buf_init(&s->copy);
	if (stat(path, &st) == -1 ||
	    file_map_sealed(path, TM_SEED, &s->map, &why) == -1 ||
	    ts_parse(s) == -1) {
		tsample_free(s);
		s = NULL;
	}
	free(why);
	free(path);
	if (s != NULL)
		by_bucket(s->akey, s->ns, s->start, s->order);
	for (j = 0; s != NULL && j < TM_BUCKETS; j++) {
		path = bucket_path(dir, "s", j);
		why = NULL;
		if (stat(path, &st) == 0 && file_map_sealed(path, TM_SEED,
		    &s->idmap[j], &why) == 0 && ts_ids(s, s->order +
		    s->start[j], s->start[j + 1] - s->start[j],
		    (const unsigned char *)s->idmap[j].p, s->idmap[j].len) == -1)
			file_unmap(&s->idmap[j]);
		free(why);
		free(path);
	}
	return s;
}

/*
 * The sample in bytes p[0..n) (no checksum), copied: read as the
 * "sample" file, else as an ids file of a sample of its articles; or
 * NULL.  For the fuzz target.
 */
struct term_sample *
tsample_parse(const void *p, size_t n)
{
	struct term_sample *s = xcalloc(1, sizeof(*s));
	const char	*c;
	size_t		 i;

	buf_init(&s->copy);
	buf_put(&s->copy, p, n);
	c = s->copy.p;
	s->map.p = c;
	s->map.len = n;
	if (ts_parse(s) == 0)
		return s;
	tsample_free(s);
	if (n < 24 || memcmp(p, TS_IDS_MAGIC, 16) != 0)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	buf_init(&s->copy);
	buf_put(&s->copy, p, n);
	c = s->copy.p;
	s->ns = (size_t)le_get(c + 16, 4);
	if (s->ns > (n - 24) / 16) {
		tsample_free(s);
		return NULL;
	}
	ts_alloc(s);
	for (i = 0; i < s->ns; i++) {
		s->order[i] = i;
		if ((s->akey[i] = le_get(c + 24 + 16 * i, 8)) == 0)
			break;	/* as ts_parse */
	}
	if (i < s->ns || ts_ids(s, s->order, s->ns,
	    (const unsigned char *)c, n) == -1) {
		tsample_free(s);
		return NULL;
	}
	return s;
}

/* Writing the ids files (tsample_write). */
struct ts_wjob {
	const char	*dir;
	const struct term_sample *old;	/* or NULL */
	const uint64_t	*akey;
	uint16_t *const	*ids;
	const size_t	*nids, *ntitle;
	size_t		*order;		/* by_bucket's; owned */
	size_t		 start[TM_BUCKETS + 1];
};

/* par_for worker: ids file j, unless old has it as it would be. */
static int
write_ids(void *arg, size_t j)
{
	const struct ts_wjob *w = arg;
	const struct term_sample *old = w->old;
	const size_t	*at = w->order + w->start[j];
	struct buf	 b;
	size_t		 i, k, n = w->start[j + 1] - w->start[j], total = 24;
	unsigned char	*q;
	char		*path;

	path = bucket_path(w->dir, "s", j);
	if (n == 0) {		/* none: no file (a small archive's most) */
		if (unlink(path) == -1 && errno != ENOENT)
			diag_warn(path, 0, 0, "cannot remove: %s",
			    strerror(errno));
		free(path);
		return 0;
	}
	/* The same articles in the same order as a whole file of old's. */
	if (old != NULL && old->idmap[j].len > 0 &&
	    old->start[j + 1] - old->start[j] == n) {
		for (i = 0; i < n && w->akey[at[i]] ==
		    old->akey[old->order[old->start[j] + i]]; i++)
			continue;
		if (i == n) {
			free(path);
			return 0;
		}
	}
	for (i = 0; i < n; i++)
		total += 16 + 2 * w->nids[at[i]];
	buf_init(&b);
	buf_grow(&b, total + 8);
	buf_put(&b, TS_IDS_MAGIC, 16);
	le_put(&b, n, 4);
	le_put(&b, 0, 4);
	q = (unsigned char *)b.p + b.len;
	for (i = 0; i < n; i++, q += 16) {
		le_set(q, w->akey[at[i]], 8);
		le_set(q + 8, w->nids[at[i]], 4);
		le_set(q + 12, w->ntitle[at[i]], 4);
	}
	for (i = 0; i < n; q += 2 * w->nids[at[i++]])
		if (le_host())
			memcpy(q, w->ids[at[i]], 2 * w->nids[at[i]]);
		else
			for (k = 0; k < w->nids[at[i]]; k++)
				le_set(q + 2 * k, w->ids[at[i]][k], 2);
	b.len = (size_t)((char *)q - b.p);
	b.p[b.len] = '\0';
	(void)file_write_sealed(path, &b, TM_SEED);	/* it says why */
	free(path);
	buf_free(&b);
	return 0;
}

/*
 * Keep the sample in folder dir: its key vkey, ns articles (text key
 * akey[i], ids[i][0..nids[i]), of which the title's ntitle[i]) and the
 * candidates cand[0..ncand) (keys ascending); an ids file old (the
 * sample read, or NULL) has as it would be is left alone.  On jobs
 * threads.  A failure is reported like any other file the build
 * cannot write.
 */
void
tsample_write(const char *dir, const struct term_sample *old, uint64_t vkey,
    size_t ns, const uint64_t *akey, uint16_t *const *ids,
    const size_t *nids, const size_t *ntitle, const struct term_cand *cand,
    size_t ncand, int jobs)
{
	struct ts_wjob	 w;
	struct buf	 b;
	size_t		 i;
	char		*path;

	if (memo_dir(dir) == -1)
		return;
	buf_init(&b);
	buf_grow(&b, sizeof(TS_MAGIC) + 24 + 8 * ns + TS_CAND * ncand);
	buf_puts(&b, TS_MAGIC);
	le_put(&b, vkey, 8);
	le_put(&b, ns, 4);
	for (i = 0; i < ns; i++)
		le_put(&b, akey[i], 8);
	le_put(&b, ncand, 4);
	for (i = 0; i < ncand; i++) {
		le_put(&b, cand[i].key, 8);
		le_put(&b, cand[i].df, 4);
		le_put(&b, cand[i].lpair, 2);
		le_put(&b, cand[i].rpair, 2);
		le_put(&b, cand[i].ok, 1);
	}
	path = xasprintf("%s/sample", dir);
	(void)file_write_sealed(path, &b, TM_SEED);	/* it says why */
	free(path);
	buf_free(&b);
	w.dir = dir;
	w.old = old;
	w.akey = akey;
	w.ids = ids;
	w.nids = nids;
	w.ntitle = ntitle;
	w.order = xcalloc(ns ? ns : 1, sizeof(*w.order));
	by_bucket(akey, ns, w.start, w.order);
	(void)par_for(TM_BUCKETS, jobs, write_ids, &w);
	free(w.order);
}
