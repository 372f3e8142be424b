/*
 * searchidx.c: index stage.  Takes the loaded articles, hands on the
 * search/ files for search.js: meta.js (per-article lengths, facets),
 * t-NNN.js term shards (bigrams of letters/digits/Han and single
 * characters, each with its articles and weighted counts; none for a
 * small archive) and d-NNNN.js document chunks (display data and raw
 * text for verification and snippets, UTF-16 with a BOM).  Also the
 * query parser and the brute-force matcher that tests take as oracle.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

/*
 * Fields in stream order, the same order search.js rebuilds from a
 * document chunk.  Each field value is split at '\n' into blocks; a
 * match never spans two blocks.
 */
enum field {
	F_TITLE,
	F_PLACE,
	F_REGION,
	F_BYLINE,
	F_ORG,
	F_AUTHORS,
	F_TAGS,
	F_HEADS,
	F_BODY,
	F__MAX
};

static const int fweight[F__MAX] = { 4, 2, 2, 2, 2, 2, 2, 2, 1 };

#define IDX_CHUNK	8	/* articles per document chunk */
#define VT		44	/* varint: terminal digits */
#define VC		44	/* varint: continuation digits */

/* 88 ASCII characters that esc_json() leaves alone. */
static const char alpha[] =
    "!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~";

struct blk {
	size_t	 off;	/* byte offset in struct doctext.norm */
	size_t	 len;	/* bytes */
	int	 field;	/* enum field */
};

/* An article's searchable text: normalized blocks in field order. */
struct doctext {
	struct buf	 norm;	/* blocks joined by '\n'; owned */
	struct blk	*blks;	/* owned */
	size_t		 nblks;	/* entries in blks */
};

/* One index term: a bigram or single character and its postings. */
struct iterm {
	uint64_t	 key;	/* code points: (a << 21 | b) | 1 << 63, or a */
	struct buf	 post;	/* varints per doc: gap*2 + (wtf > 1), [wtf - 2] */
	long		 last;	/* last doc id added, -1 before any */
	uint32_t	 df;	/* documents in post */
};

/* The in-memory index (opaque outside this file). */
struct idx {
	struct iterm	*terms;	/* owned */
	size_t		 nterms;	/* entries used */
	size_t		 cap;	/* entries allocated */
	uint32_t	*slots;	/* open addressing: term index + 1; owned */
	size_t		 nslots;	/* power of two */
	uint32_t	*dl;	/* per doc: non-space characters; owned */
	size_t		 ndocs;	/* documents */
	double		 avgdl;	/* mean of dl */
};

/* ---- text of an article ---- */

static void
add_block(struct doctext *d, const char *s, size_t n, int field)
{
	const char	*nl;
	size_t		 off, len;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		len = nl ? (size_t)(nl - s) : n;
		if (len > 0) {
			if (d->norm.len > 0)
				buf_putc(&d->norm, '\n');
			off = d->norm.len;
			seg_norm(&d->norm, s, len);
			/* NFKC keeps '\n' out of a line; be sure anyway. */
			while ((nl = memchr(d->norm.p + off, '\n',
			    d->norm.len - off)) != NULL)
				*(char *)nl = ' ';
			if (d->norm.len > off) {
				d->blks = xreallocarray(d->blks, d->nblks + 1,
				    sizeof(*d->blks));
				d->blks[d->nblks].off = off;
				d->blks[d->nblks].len = d->norm.len - off;
				d->blks[d->nblks].field = field;
				d->nblks++;
			} else if (off > 0)
				buf_truncate(&d->norm, off - 1);
		}
		if (nl == NULL)
			break;
		s += len + 1;
		n -= len + 1;
	}
}

static void
add_str(struct doctext *d, const char *s, int field)
{
	if (s != NULL)
		add_block(d, s, strlen(s), field);
}

static void
add_list(struct doctext *d, const struct val *l, int field)
{
	size_t	 i;

	if (l == NULL || l->type != V_LIST)
		return;
	for (i = 0; i < l->n; i++)
		if (l->kids[i]->type == V_STR)
			add_block(d, l->kids[i]->s, l->kids[i]->slen, field);
}

/*
 * Is text line s[0..n) the next heading?  markdown.c writes each
 * heading's text as one line of a->text, in order.
 */
static int
is_head(const struct article *a, size_t h, const char *s, size_t n)
{
	return h < a->nheads && strlen(a->heads[h].text) == n &&
	    memcmp(a->heads[h].text, s, n) == 0;
}

/*
 * Walk a->text once: heading lines go to F_HEADS (after the metadata
 * fields), the rest to F_BODY.  Headings come first in the stream.
 */
static void
doc_text(const struct article *a, struct doctext *d)
{
	const char	*p, *nl;
	size_t		 n, h;
	int		 pass;

	memset(d, 0, sizeof(*d));
	buf_init(&d->norm);
	add_str(d, a->title, F_TITLE);
	add_str(d, a->place, F_PLACE);
	add_list(d, a->region, F_REGION);
	add_str(d, a->byline, F_BYLINE);
	add_str(d, a->organization, F_ORG);
	add_list(d, a->authors, F_AUTHORS);
	add_list(d, a->tags, F_TAGS);
	for (pass = 0; pass < 2; pass++) {
		h = 0;
		for (p = a->text ? a->text : ""; *p; p = nl ? nl + 1 : p + n) {
			nl = strchr(p, '\n');
			n = nl ? (size_t)(nl - p) : strlen(p);
			if (is_head(a, h, p, n)) {
				h++;
				if (pass == 0)
					add_block(d, p, n, F_HEADS);
			} else if (pass == 1)
				add_block(d, p, n, F_BODY);
			if (nl == NULL)
				break;
		}
	}
}

static void
doctext_free(struct doctext *d)
{
	buf_free(&d->norm);
	free(d->blks);
}

/*
 * The searchable text of an article, normalized, one block per line in
 * field order (what `folio dump seg` prints).  Caller frees.
 */
char *
idx_text(const struct article *a)
{
	struct doctext	 d;

	doc_text(a, &d);
	free(d.blks);
	return buf_take(&d.norm);
}

/* ---- queries ---- */

/* Length of the quote mark at s ('"', U+201C or U+201D), else 0. */
static size_t
quote_at(const char *s, size_t n)
{
	if (n >= 1 && s[0] == '"')
		return 1;
	if (n >= 3 && memcmp(s, "\xe2\x80\x9c", 3) == 0)
		return 3;
	if (n >= 3 && memcmp(s, "\xe2\x80\x9d", 3) == 0)
		return 3;
	return 0;
}

/* Length of the white space character at s, else 0. */
static size_t
space_at(const char *s, size_t n)
{
	uint32_t	 cp;
	size_t		 k = utf8_decode(s, n, &cp);

	return seg_class(cp) == SEG_SPACE ? k : 0;
}

static void
add_word(struct idx_query *q, const char *s, size_t n, int neg)
{
	size_t	 i, k;

	for (i = 0; i < n; i += k)
		if ((k = space_at(s + i, n - i)) == 0)
			break;
	if (i == n)
		return;		/* empty or only spaces */
	q->words = xreallocarray(q->words, q->n + 1, sizeof(*q->words));
	q->words[q->n].text = xstrndup(s, n);
	q->words[q->n].len = n;
	q->words[q->n].neg = neg;
	q->n++;
}

/*
 * Parse a query (search.js parses the same way): normalize it, split
 * on white space; "quoted phrase" (also “…”) is one word, spaces
 * included; a leading '-' excludes the word.  Fills q (free with
 * idx_query_free).  Returns the number of words.
 */
size_t
idx_query_parse(const char *s, size_t n, struct idx_query *q)
{
	struct buf	 b;
	size_t		 i = 0, k, start;
	int		 neg;

	memset(q, 0, sizeof(*q));
	buf_init(&b);
	seg_norm(&b, s, n);
	while (i < b.len) {
		if ((k = space_at(b.p + i, b.len - i)) > 0) {
			i += k;
			continue;
		}
		neg = 0;
		if (b.p[i] == '-' && i + 1 < b.len &&
		    space_at(b.p + i + 1, b.len - i - 1) == 0) {
			neg = 1;
			i++;
		}
		if ((k = quote_at(b.p + i, b.len - i)) > 0) {
			i += k;
			start = i;
			while (i < b.len && quote_at(b.p + i, b.len - i) == 0)
				i++;
			add_word(q, b.p + start, i - start, neg);
			if (i < b.len)
				i += quote_at(b.p + i, b.len - i);
			continue;
		}
		start = i;
		while (i < b.len && space_at(b.p + i, b.len - i) == 0)
			i += utf8_decode(b.p + i, b.len - i, &(uint32_t){ 0 });
		add_word(q, b.p + start, i - start, neg);
	}
	buf_free(&b);
	return q->n;
}

void
idx_query_free(struct idx_query *q)
{
	size_t	 i;

	for (i = 0; i < q->n; i++)
		free(q->words[i].text);
	free(q->words);
	memset(q, 0, sizeof(*q));
}

/* Does normalized block text t[0..n) contain w[0..wn)? */
static int
contains(const char *t, size_t n, const char *w, size_t wn)
{
	const char	*p = t, *end = t + n;

	if (wn > n)
		return 0;
	while ((p = memchr(p, w[0], (size_t)(end - p) - wn + 1)) != NULL) {
		if (memcmp(p, w, wn) == 0)
			return 1;
		if ((size_t)(end - ++p) < wn)
			break;
	}
	return 0;
}

/*
 * Brute force over normalized text t (idx_text's: one block per line):
 * is every plain word a substring of one line, and no '-' word of any?
 * Returns 1 or 0.
 */
int
idx_match_text(const struct idx_query *q, const char *t)
{
	const char	*p, *nl;
	size_t		 i, n;
	int		 has;

	if (q->n == 0)
		return 0;
	for (i = 0; i < q->n; i++) {
		has = 0;
		for (p = t; !has && *p; p = nl + 1) {
			nl = strchr(p, '\n');
			n = nl ? (size_t)(nl - p) : strlen(p);
			has = contains(p, n, q->words[i].text, q->words[i].len);
			if (nl == NULL)
				break;
		}
		if (has == q->words[i].neg)
			return 0;
	}
	return 1;
}

/* idx_match_text over article a's text.  Returns 1 or 0. */
int
idx_match(const struct idx_query *q, const struct article *a)
{
	char	*t = idx_text(a);
	int	 rc = idx_match_text(q, t);

	free(t);
	return rc;
}

/* ---- building the index ---- */

static int
word_char(uint32_t cp)
{
	int	 c = seg_class(cp);

	return c == SEG_HAN || c == SEG_ALNUM;
}

static uint64_t
bigram_key(uint32_t a, uint32_t b)
{
	return (uint64_t)1 << 63 | (uint64_t)a << 21 | b;
}

/* The term for key, added if new. */
static struct iterm *
iterm_get(struct idx *x, uint64_t key)
{
	size_t		 i, j, mask;
	uint32_t	*old;
	struct iterm	*t;

	if (x->nterms * 2 >= x->nslots) {
		old = x->slots;
		j = x->nslots;
		x->nslots = x->nslots ? x->nslots * 2 : 1024;
		x->slots = xcalloc(x->nslots, sizeof(*x->slots));
		mask = x->nslots - 1;
		for (i = 0; i < j; i++) {
			size_t	 s;

			if (old[i] == 0)
				continue;
			s = hash_mix64(x->terms[old[i] - 1].key) & mask;
			while (x->slots[s] != 0)
				s = (s + 1) & mask;
			x->slots[s] = old[i];
		}
		free(old);
	}
	mask = x->nslots - 1;
	for (i = hash_mix64(key) & mask; x->slots[i] != 0; i = (i + 1) & mask)
		if (x->terms[x->slots[i] - 1].key == key)
			return &x->terms[x->slots[i] - 1];
	if (x->nterms == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 1024;
		x->terms = xreallocarray(x->terms, x->cap, sizeof(*x->terms));
	}
	t = &x->terms[x->nterms];
	memset(t, 0, sizeof(*t));
	t->key = key;
	t->last = -1;
	buf_init(&t->post);
	x->slots[i] = (uint32_t)++x->nterms;
	return t;
}

/* The term for key, or NULL. */
static const struct iterm *
iterm_find(const struct idx *x, uint64_t key)
{
	size_t	 i, mask;

	if (x->nslots == 0)
		return NULL;
	mask = x->nslots - 1;
	for (i = hash_mix64(key) & mask; x->slots[i] != 0; i = (i + 1) & mask)
		if (x->terms[x->slots[i] - 1].key == key)
			return &x->terms[x->slots[i] - 1];
	return NULL;
}

static void
vput(struct buf *b, uint64_t v)
{
	while (v >= VT) {
		buf_putc(b, alpha[VT + v % VC]);
		v /= VC;
	}
	buf_putc(b, alpha[v]);
}

/* alpha[] inverted: the digit of an ASCII character, or -1. */
static const signed char digit[128] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 0, -1, 1, 2, 3, -1, -1, 4, 5, 6, 7, 8, 9, 10, 11,
	12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, -1, 24, -1, 25,
	26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
	42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, -1, 54, 55, 56,
	57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
	73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, -1,
};

static int
vdigit(int c)
{
	return c >= 0 && c < 128 ? digit[c] : -1;
}

/* Read one varint at *s (advanced); -1 at the end or on bad input. */
static long
vget(const char **s, const char *end)
{
	long	 v = 0, mul = 1;
	int	 d;

	while (*s < end) {
		if ((d = vdigit(*(*s)++)) < 0)
			return -1;
		if (d < VT)
			return v + d * mul;
		v += (d - VT) * mul;
		mul *= VC;
	}
	return -1;
}

/* Per-document counts: key -> weighted tf, reset for each document. */
struct dcount {
	uint64_t	*keys;	/* owned; 0 = empty slot */
	uint32_t	*wtf;	/* owned; parallel to keys */
	size_t		*used;	/* slots in use, in first-seen order; owned */
	size_t		 nused;	/* entries in used */
	size_t		 cap;	/* slots (power of two) */
};

static void
dcount_add(struct dcount *c, uint64_t key, uint32_t w)
{
	size_t	 i, mask;

	if (c->nused * 2 >= c->cap) {
		struct dcount	 n;
		size_t		 k;

		memset(&n, 0, sizeof(n));
		n.cap = c->cap ? c->cap * 2 : 4096;
		n.keys = xcalloc(n.cap, sizeof(*n.keys));
		n.wtf = xcalloc(n.cap, sizeof(*n.wtf));
		n.used = xcalloc(n.cap, sizeof(*n.used));
		for (k = 0; k < c->nused; k++)
			dcount_add(&n, c->keys[c->used[k]], c->wtf[c->used[k]]);
		free(c->keys);
		free(c->wtf);
		free(c->used);
		*c = n;
	}
	mask = c->cap - 1;
	for (i = hash_mix64(key) & mask; c->keys[i] != 0; i = (i + 1) & mask)
		if (c->keys[i] == key) {
			c->wtf[i] += w;
			return;
		}
	c->keys[i] = key;
	c->wtf[i] = w;
	c->used[c->nused++] = i;
}

static void
dcount_reset(struct dcount *c)
{
	size_t	 k;

	for (k = 0; k < c->nused; k++)
		c->keys[c->used[k]] = 0;
	c->nused = 0;
}

/* Count the terms of one document into c; returns its length. */
static uint32_t
count_terms(const struct doctext *d, struct dcount *c)
{
	const char	*s;
	size_t		 b, i, n, k;
	uint32_t	 cp, prev, len = 0;
	int		 w, pw, cls;

	for (b = 0; b < d->nblks; b++) {
		s = d->norm.p + d->blks[b].off;
		n = d->blks[b].len;
		w = fweight[d->blks[b].field];
		pw = 0;
		prev = 0;
		for (i = 0; i < n; i += k) {
			k = utf8_decode(s + i, n - i, &cp);
			cls = seg_class(cp);
			if (cls == SEG_SPACE) {
				pw = 0;
				continue;
			}
			len++;
			dcount_add(c, cp, (uint32_t)w);
			if (cls == SEG_HAN || cls == SEG_ALNUM) {
				if (pw)
					dcount_add(c, bigram_key(prev, cp),
					    (uint32_t)w);
				pw = 1;
				prev = cp;
			} else
				pw = 0;
		}
	}
	return len;
}

#define IDX_BATCH	512	/* documents counted in parallel at a time */

/* One document's terms, counted by a worker, posted in order after. */
struct dterms {
	uint64_t	*keys;	/* term keys in first-seen order; owned */
	uint32_t	*wtf;	/* weighted counts, parallel; owned */
	size_t		 n;	/* entries */
	uint32_t	 dl;	/* non-space characters */
};

/* A batch for par_for: arts[base + i] -> out[i]. */
struct batch {
	struct article *const *arts;	/* borrowed */
	size_t		 base;		/* first document of the batch */
	struct dterms	*out;		/* borrowed, IDX_BATCH entries */
	pthread_mutex_t	 lock;		/* guards pool */
	struct dcount	*pool[64];	/* idle scratch tables; owned */
	size_t		 npool;		/* entries in pool */
};

static void
dcount_free(struct dcount *c)
{
	free(c->keys);
	free(c->wtf);
	free(c->used);
	free(c);
}

/* par_for worker: normalize and count document base + i. */
static int
count_one(void *arg, size_t i)
{
	struct batch	*j = arg;
	struct dterms	*t = &j->out[i];
	struct dcount	*c;
	struct doctext	 d;
	size_t		 k;

	pthread_mutex_lock(&j->lock);
	c = j->npool > 0 ? j->pool[--j->npool] : xcalloc(1, sizeof(*c));
	pthread_mutex_unlock(&j->lock);
	doc_text(j->arts[j->base + i], &d);
	t->dl = count_terms(&d, c);
	t->n = c->nused;
	t->keys = xreallocarray(NULL, c->nused + 1, sizeof(*t->keys));
	t->wtf = xreallocarray(NULL, c->nused + 1, sizeof(*t->wtf));
	for (k = 0; k < c->nused; k++) {
		t->keys[k] = c->keys[c->used[k]];
		t->wtf[k] = c->wtf[c->used[k]];
	}
	dcount_reset(c);
	doctext_free(&d);
	pthread_mutex_lock(&j->lock);
	if (j->npool < sizeof(j->pool) / sizeof(j->pool[0]))
		j->pool[j->npool++] = c;
	else
		dcount_free(c);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

/*
 * Build the index of arts[0..n) (document i is arts[i]) with up to
 * jobs threads; the result does not depend on jobs.  Returns the
 * index; free with idx_free.
 */
struct idx *
idx_build(struct article *const *arts, size_t n, int jobs)
{
	struct idx	*x = xcalloc(1, sizeof(*x));
	struct batch	 j;
	struct iterm	*t;
	double		 sum = 0;
	size_t		 i, k, m;

	memset(&j, 0, sizeof(j));
	pthread_mutex_init(&j.lock, NULL);
	j.arts = arts;
	j.out = xcalloc(IDX_BATCH, sizeof(*j.out));
	x->ndocs = n;
	x->dl = xcalloc(n ? n : 1, sizeof(*x->dl));
	for (j.base = 0; j.base < n; j.base += IDX_BATCH) {
		m = n - j.base < IDX_BATCH ? n - j.base : IDX_BATCH;
		par_for(m, jobs, count_one, &j);
		for (i = 0; i < m; i++) {
			struct dterms	*d = &j.out[i];
			long		 doc = (long)(j.base + i);

			x->dl[doc] = d->dl;
			sum += d->dl;
			for (k = 0; k < d->n; k++) {
				t = iterm_get(x, d->keys[k]);
				vput(&t->post, (uint64_t)(doc - t->last - 1) * 2 +
				    (d->wtf[k] > 1));
				if (d->wtf[k] > 1)
					vput(&t->post, d->wtf[k] - 2);
				t->last = doc;
				t->df++;
			}
			free(d->keys);
			free(d->wtf);
		}
	}
	x->avgdl = n ? sum / (double)n : 0;
	for (i = 0; i < j.npool; i++)
		dcount_free(j.pool[i]);
	free(j.out);
	pthread_mutex_destroy(&j.lock);
	return x;
}

void
idx_free(struct idx *x)
{
	size_t	 i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nterms; i++)
		buf_free(&x->terms[i].post);
	free(x->terms);
	free(x->slots);
	free(x->dl);
	free(x);
}

/* An index term and its weighted count, for idx_dump. */
struct dterm {
	char		 txt[12];	/* UTF-8 of the term, NUL-terminated */
	uint32_t	 wtf;		/* weighted count */
};

static void key_text(struct buf *, uint64_t);

static int
dterm_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dterm *)a)->txt,
	    ((const struct dterm *)b)->txt);
}

/*
 * What the index makes of article a (folio dump idx): each block,
 * normalized, after its field's name; then every term (single
 * characters and bigrams) with its weighted count, in byte order.
 * Appends to b.
 */
void
idx_dump(const struct article *a, struct buf *b)
{
	static const char *const fname[F__MAX] = { "title", "place",
	    "region", "byline", "org", "author", "tag", "heading", "body" };
	struct doctext	 d;
	struct dcount	 c;
	struct dterm	*v;
	struct buf	 k;
	size_t		 i;
	uint32_t	 dl;

	doc_text(a, &d);
	for (i = 0; i < d.nblks; i++)
		buf_printf(b, "%-8s %.*s\n", fname[d.blks[i].field],
		    (int)d.blks[i].len, d.norm.p + d.blks[i].off);
	memset(&c, 0, sizeof(c));
	dl = count_terms(&d, &c);
	buf_printf(b, "== %u characters, %zu terms\n", dl, c.nused);
	v = xreallocarray(NULL, c.nused + 1, sizeof(*v));
	buf_init(&k);
	for (i = 0; i < c.nused; i++) {
		buf_truncate(&k, 0);
		key_text(&k, c.keys[c.used[i]]);
		memcpy(v[i].txt, k.p, k.len + 1);
		v[i].wtf = c.wtf[c.used[i]];
	}
	qsort(v, c.nused, sizeof(*v), dterm_cmp);
	for (i = 0; i < c.nused; i++)
		buf_printf(b, "%s %u\n", v[i].txt, v[i].wtf);
	buf_free(&k);
	free(v);
	free(c.keys);
	free(c.wtf);
	free(c.used);
	doctext_free(&d);
}

/* ---- candidates from the index (what search.js does, in C) ---- */

/* Documents of one term, decoded: sets mark[doc] |= bit. */
static void
iterm_docs(const struct iterm *t, unsigned char *mark, unsigned char bit)
{
	const char	*s = t->post.p, *end = s + t->post.len;
	long		 doc = -1, gap;

	while ((gap = vget(&s, end)) >= 0) {
		doc += gap / 2 + 1;
		mark[doc] |= bit;
		if (gap % 2 == 1 && vget(&s, end) < 0)
			break;
	}
}

/*
 * Narrow in[0..ndocs) (1 = still a candidate) to the documents whose
 * index terms allow word w: every single non-space character and
 * every pair of adjacent word characters of w.  Returns 1 if the
 * index decides w exactly (one character, or two word characters),
 * 0 if the survivors still need checking against the text.
 */
static int
narrow(const struct idx *x, const char *w, size_t wn, unsigned char *in)
{
	const struct iterm *t;
	unsigned char	*mark = xcalloc(x->ndocs ? x->ndocs : 1, 1);
	uint32_t	 cp, prev = 0;
	size_t		 i, k, d, nchars = 0;
	int		 pw = 0, exact = 1;
	uint64_t	 key;

	for (i = 0; i < wn; i += k) {
		k = utf8_decode(w + i, wn - i, &cp);
		nchars++;
		if (seg_class(cp) == SEG_SPACE) {
			exact = pw = 0;
			continue;
		}
		for (key = cp; ; key = bigram_key(prev, cp)) {
			memset(mark, 0, x->ndocs);
			if ((t = iterm_find(x, key)) != NULL)
				iterm_docs(t, mark, 1);
			for (d = 0; d < x->ndocs; d++)
				in[d] &= mark[d];
			if (key != cp || !pw || !word_char(cp))
				break;
		}
		if (!word_char(cp))
			exact = 0;
		pw = word_char(cp);
		prev = cp;
	}
	free(mark);
	return nchars == 1 || (nchars == 2 && exact);
}

/*
 * Documents the index gives for q: out[d] = 1 if d may match (plain
 * words narrowed by their terms; '-' words drop only documents the
 * index proves contain them), 2 if the index alone proves d matches.
 * A query without words matches nothing.  Returns the number with
 * out[d] != 0.  out has x->ndocs entries.
 */
size_t
idx_candidates(const struct idx *x, const struct idx_query *q,
    unsigned char *out)
{
	unsigned char	*in = xmalloc(x->ndocs ? x->ndocs : 1);
	size_t		 i, d, cnt = 0;
	int		 sure = 1, exact;

	memset(out, q->n > 0, x->ndocs);	/* no words: no match */
	for (i = 0; i < q->n; i++) {
		memset(in, 1, x->ndocs);
		exact = narrow(x, q->words[i].text, q->words[i].len, in);
		for (d = 0; d < x->ndocs; d++) {
			if (!q->words[i].neg)
				out[d] &= in[d];
			else if (in[d] && exact)
				out[d] = 0;
		}
		if (!exact)
			sure = 0;
	}
	for (d = 0; d < x->ndocs; d++)
		if (out[d]) {
			out[d] = sure ? 2 : 1;
			cnt++;
		}
	free(in);
	return cnt;
}

/* ---- writing search/ ---- */

/*
 * Term shards: none for a small archive, whose document chunks
 * together weigh less than what one query may load (search.js then
 * checks every article's text: exact, and smaller than any index);
 * otherwise a count fixed per size class, so an edit moves few files.
 */
#define IDX_SMALL	150000	/* characters: below, no term shards */

static unsigned
shard_count(const struct idx *x)
{
	double	 chars = x->avgdl * (double)x->ndocs;

	if (chars < IDX_SMALL)
		return 0;
	if (x->ndocs < 2000)
		return 64;
	return 256;
}

/* FNV-1a over the term's code points (search.js hashes the same way). */
static unsigned
shard_of(uint64_t key, unsigned nshards)
{
	uint32_t	 h = 2166136261u, cps[2];
	int		 i, n = 0;

	if (key >> 63) {
		cps[n++] = (uint32_t)(key >> 21) & 0x1fffff;
		cps[n++] = (uint32_t)key & 0x1fffff;
	} else
		cps[n++] = (uint32_t)key;
	for (i = 0; i < n; i++) {
		h ^= cps[i];
		h *= 16777619u;
	}
	return h % nshards;
}

/* The UTF-8 text of a term key, appended to b. */
static void
key_text(struct buf *b, uint64_t key)
{
	if (key >> 63) {
		utf8_put(b, (uint32_t)(key >> 21) & 0x1fffff);
		utf8_put(b, (uint32_t)key & 0x1fffff);
	} else
		utf8_put(b, (uint32_t)key);
}

/* A term with its shard and text, for sorting. */
struct sterm {
	unsigned	 shard;		/* shard_of(t->key) */
	char		 txt[12];	/* UTF-8 of the term, NUL-terminated */
	const struct iterm *t;		/* borrowed from struct idx */
};

static int
sterm_cmp(const void *pa, const void *pb)
{
	const struct sterm *a = pa, *b = pb;

	if (a->shard != b->shard)
		return a->shard < b->shard ? -1 : 1;
	return strcmp(a->txt, b->txt);
}

static void
json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	if (s != NULL)
		esc_json(b, s, strlen(s));
	buf_putc(b, '"');
}

static void
json_list(struct buf *b, const struct val *l)
{
	size_t	 i;

	buf_putc(b, '[');
	for (i = 0; l != NULL && l->type == V_LIST && i < l->n; i++) {
		if (i)
			buf_putc(b, ',');
		json_str(b, l->kids[i]->type == V_STR ? l->kids[i]->s : "");
	}
	buf_putc(b, ']');
}

/* A bit writer: 6 bits a character of alpha[0..63], high bit first. */
struct bitw {
	struct buf	*b;	/* borrowed: where characters go */
	unsigned	 acc;	/* pending bits */
	int		 n;	/* pending bit count, 0..5 */
};

static void
bit(struct bitw *w, unsigned v)
{
	w->acc = w->acc << 1 | (v & 1);
	if (++w->n == 6) {
		buf_putc(w->b, alpha[w->acc]);
		w->acc = 0;
		w->n = 0;
	}
}

static void
bits_flush(struct bitw *w)
{
	while (w->n != 0)
		bit(w, 0);
}

/*
 * A term's postings as written: alpha[k], varint df, then per
 * document Rice(gap, k), a flag bit for wtf > 1 and, for bigrams
 * only, Elias gamma of wtf - 1 (a single character's count is only
 * "once" or "more": it ranks little and would cost a quarter of the
 * index).  Rice with k from the mean gap costs about log2(N / df) + 2
 * bits a posting, near the entropy of the gaps.
 */
static void
put_rice(struct buf *b, const struct iterm *t, size_t ndocs)
{
	const char	*s = t->post.p, *end = s + t->post.len;
	struct bitw	 w = { b, 0, 0 };
	double		 mean = (double)(ndocs - t->df) / t->df;
	long		 v, wtf;
	uint64_t	 gap, q, x;
	int		 k = 0, i, nb;

	while (k < 30 && (double)(1u << (k + 1)) <= mean * 0.69)
		k++;
	buf_putc(b, alpha[k]);
	vput(b, t->df);
	while ((v = vget(&s, end)) >= 0) {
		gap = (uint64_t)v / 2;
		wtf = v % 2 ? vget(&s, end) + 2 : 1;
		for (q = gap >> k; q > 0; q--)
			bit(&w, 1);
		bit(&w, 0);
		for (i = k - 1; i >= 0; i--)
			bit(&w, (unsigned)(gap >> i));
		bit(&w, wtf > 1);
		if (wtf > 1 && (t->key >> 63)) {
			x = (uint64_t)wtf - 1;
			for (nb = 0; (x >> (nb + 1)) != 0; nb++)
				bit(&w, 0);
			for (i = nb; i >= 0; i--)
				bit(&w, (unsigned)(x >> i));
		}
	}
	bits_flush(&w);
}

/* What the shard and chunk writers share across par_for workers. */
struct wjob {
	const struct idx	*x;	/* borrowed */
	struct sterm		*v;	/* terms sorted by shard, text; borrowed */
	size_t			*start;	/* per shard: first entry in v, +1 end */
	struct article *const	*arts;	/* borrowed (chunks) */
	size_t			 narts;	/* entries in arts */
	struct output		*out;	/* borrowed */
};

/* par_for worker: term shard s. */
static int
shard_one(void *arg, size_t s)
{
	struct wjob	*w = arg;
	struct buf	 b;
	size_t		 i;
	char		 rel[64];
	int		 rc;

	buf_init(&b);
	buf_printf(&b, "folioSearch.terms(%zu,\"", s);
	for (i = w->start[s]; i < w->start[s + 1]; i++) {
		if (i > w->start[s])
			buf_putc(&b, ' ');
		esc_json(&b, w->v[i].txt, strlen(w->v[i].txt));
		buf_putc(&b, ' ');
		put_rice(&b, w->v[i].t, w->x->ndocs);
	}
	buf_puts(&b, "\");\n");
	snprintf(rel, sizeof(rel), "search/t-%03zu.js", s);
	rc = out_put(w->out, rel, b.p, b.len);
	buf_free(&b);
	return rc;
}

/*
 * The term shards: t-NNN.js is folioSearch.terms(N,"term postings term
 * postings ...") with terms in byte order, separated by single spaces
 * (no term holds a space; postings (put_rice) use only alpha).
 * Every shard is written, empty or not.
 */
static int
write_shards(const struct idx *x, unsigned nshards, struct output *out,
    int jobs)
{
	struct wjob	 w;
	struct buf	 k;
	size_t		 i, j;
	int		 rc;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.out = out;
	buf_init(&k);
	w.v = xreallocarray(NULL, x->nterms + 1, sizeof(*w.v));
	for (j = 0; j < x->nterms; j++) {
		w.v[j].shard = shard_of(x->terms[j].key, nshards);
		buf_truncate(&k, 0);
		key_text(&k, x->terms[j].key);
		memcpy(w.v[j].txt, k.p, k.len + 1);
		w.v[j].t = &x->terms[j];
	}
	qsort(w.v, x->nterms, sizeof(*w.v), sterm_cmp);
	w.start = xcalloc(nshards + 1, sizeof(*w.start));
	for (i = j = 0; i <= nshards; i++) {
		while (j < x->nterms && w.v[j].shard < i)
			j++;
		w.start[i] = j;
	}
	rc = par_for(nshards, jobs, shard_one, &w);
	buf_free(&k);
	free(w.v);
	free(w.start);
	return rc;
}

/*
 * One document as a JSON array, fields in stream order:
 * [slug, title, place, date, [region], byline, organization, [authors],
 *  [tags], [headings], "body lines joined by \n"], with headings and
 * body split from a->text the way doc_text() splits them.
 */
static void
doc_json(struct buf *b, const struct article *a)
{
	const char	*p, *nl;
	size_t		 n, h = 0;
	struct buf	 body;

	buf_init(&body);
	buf_putc(b, '[');
	json_str(b, a->slug);
	buf_putc(b, ',');
	json_str(b, a->title);
	buf_putc(b, ',');
	json_str(b, a->place);
	buf_putc(b, ',');
	json_str(b, a->date);
	buf_putc(b, ',');
	json_list(b, a->region);
	buf_putc(b, ',');
	json_str(b, a->byline);
	buf_putc(b, ',');
	json_str(b, a->organization);
	buf_putc(b, ',');
	json_list(b, a->authors);
	buf_putc(b, ',');
	json_list(b, a->tags);
	buf_puts(b, ",[");
	for (p = a->text ? a->text : ""; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (is_head(a, h, p, n)) {
			if (h++ > 0)
				buf_putc(b, ',');
			buf_putc(b, '"');
			esc_json(b, p, n);
			buf_putc(b, '"');
		} else if (n > 0) {
			if (body.len > 0)
				buf_puts(&body, "\\n");
			esc_json(&body, p, n);
		}
		if (nl == NULL)
			break;
	}
	buf_puts(b, "],\"");
	buf_put(b, body.p, body.len);
	buf_puts(b, "\"]");
	buf_free(&body);
}

/*
 * UTF-8 s[0..n) as UTF-16LE with a byte order mark, appended to b.
 * Chinese text takes 2 bytes a character instead of 3, and browsers
 * decode a script by its BOM whatever the server's charset says.
 */
static void
utf16le(struct buf *b, const char *s, size_t n)
{
	size_t		 i, k;
	uint32_t	 cp;
	unsigned char	 u[4];

	buf_put(b, "\xff\xfe", 2);
	for (i = 0; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = (unsigned char)((0xd800 | cp >> 10) & 0xff);
			u[1] = (unsigned char)((0xd800 | cp >> 10) >> 8);
			u[2] = (unsigned char)((0xdc00 | (cp & 0x3ff)) & 0xff);
			u[3] = (unsigned char)((0xdc00 | (cp & 0x3ff)) >> 8);
			buf_put(b, u, 4);
		} else {
			u[0] = (unsigned char)(cp & 0xff);
			u[1] = (unsigned char)(cp >> 8);
			buf_put(b, u, 2);
		}
	}
}

/* par_for worker: d-NNNN.js, folioSearch.docs(N,[doc,...]) in UTF-16LE. */
static int
chunk_one(void *arg, size_t c)
{
	struct wjob	*w = arg;
	struct buf	 b, u;
	size_t		 i;
	char		 rel[64];
	int		 rc;

	buf_init(&b);
	buf_init(&u);
	buf_printf(&b, "folioSearch.docs(%zu,[", c);
	for (i = c * IDX_CHUNK; i < w->narts && i < (c + 1) * IDX_CHUNK; i++) {
		if (i > c * IDX_CHUNK)
			buf_puts(&b, ",\n");
		doc_json(&b, w->arts[i]);
	}
	buf_puts(&b, "]);\n");
	utf16le(&u, b.p, b.len);
	snprintf(rel, sizeof(rel), "search/d-%04zu.js", c);
	rc = out_put(w->out, rel, u.p, u.len);
	buf_free(&b);
	buf_free(&u);
	return rc;
}

static int
write_docs(struct article *const *arts, size_t n, struct output *out,
    int jobs)
{
	struct wjob	 w;

	memset(&w, 0, sizeof(w));
	w.arts = arts;
	w.narts = n;
	w.out = out;
	return par_for((n + IDX_CHUNK - 1) / IDX_CHUNK, jobs, chunk_one, &w);
}

/* The facets of search.js: province (first region), tag, source. */
enum facet {
	FC_PROVINCE,
	FC_TAG,
	FC_SOURCE,
	FC__MAX
};

static const char *const facet_name[FC__MAX] = { "province", "tag",
    "source" };

/* Each facet's values of article a, pushed onto l (borrowed strings). */
static void
facet_values(const struct article *a, int f, const char ***l, size_t *n)
{
	size_t	 i;

	*n = 0;
	if (f == FC_PROVINCE && a->region != NULL && a->region->n > 0) {
		*l = xreallocarray(*l, 1, sizeof(**l));
		(*l)[(*n)++] = a->region->kids[0]->s;
	} else if (f == FC_TAG && a->tags != NULL) {
		*l = xreallocarray(*l, a->tags->n + 1, sizeof(**l));
		for (i = 0; i < a->tags->n; i++)
			(*l)[(*n)++] = a->tags->kids[i]->s;
	} else if (f == FC_SOURCE) {
		*l = xreallocarray(*l, (a->authors ? a->authors->n : 0) + 1,
		    sizeof(**l));
		if (a->organization != NULL && *a->organization)
			(*l)[(*n)++] = a->organization;
		for (i = 0; a->authors != NULL && i < a->authors->n; i++)
			(*l)[(*n)++] = a->authors->kids[i]->s;
	}
}

/* Index of s in sorted table v[0..n); -1 if absent. */
static long
find_str(char **v, size_t n, const char *s)
{
	char	**p = bsearch(&s, v, n, sizeof(*v), str_cmp);

	return p ? (long)(p - v) : -1;
}

/*
 * meta.js: the number of documents, shards and chunk size, BM25's
 * lengths and the facet tables with each document's facet values.
 */
static int
write_meta(const struct idx *x, struct article *const *arts, size_t n,
    unsigned nshards, struct output *out)
{
	struct buf	 b, fd;
	char		**tab[FC__MAX];
	size_t		 ntab[FC__MAX], i, j, k, nv;
	const char	**vals = NULL;
	int		 f, rc;

	buf_init(&b);
	buf_init(&fd);
	for (f = 0; f < FC__MAX; f++) {
		tab[f] = NULL;
		ntab[f] = 0;
		for (i = 0; i < n; i++) {
			facet_values(arts[i], f, &vals, &nv);
			tab[f] = xreallocarray(tab[f], ntab[f] + nv + 1,
			    sizeof(*tab[f]));
			for (j = 0; j < nv; j++)
				tab[f][ntab[f]++] = (char *)vals[j];
		}
		if (ntab[f] > 0)
			qsort(tab[f], ntab[f], sizeof(*tab[f]), str_cmp);
		for (i = j = 0; i < ntab[f]; i++)
			if (j == 0 || strcmp(tab[f][j - 1], tab[f][i]) != 0)
				tab[f][j++] = tab[f][i];
		ntab[f] = j;
	}
	/* Per document and facet: count, then value ids (ascending). */
	for (i = 0; i < n; i++)
		for (f = 0; f < FC__MAX; f++) {
			facet_values(arts[i], f, &vals, &nv);
			vput(&fd, nv);
			for (j = 0; j < nv; j++)
				vput(&fd, (uint64_t)find_str(tab[f], ntab[f],
				    vals[j]));
		}
	buf_printf(&b, "folioSearch.meta({\"v\":1,\"n\":%zu,\"shards\":%u,"
	    "\"chunk\":%d,\"avgdl\":%.3f,\"dl\":\"", n, nshards, IDX_CHUNK,
	    x->avgdl);
	for (i = 0; i < n; i++)
		vput(&b, x->dl[i]);
	buf_puts(&b, "\",\n\"facets\":[");
	for (f = 0; f < FC__MAX; f++) {
		buf_printf(&b, "%s[\"%s\",[", f ? ",\n" : "", facet_name[f]);
		for (k = 0; k < ntab[f]; k++) {
			if (k)
				buf_putc(&b, ',');
			json_str(&b, tab[f][k]);
		}
		buf_puts(&b, "]]");
	}
	buf_puts(&b, "],\n\"fd\":\"");
	buf_put(&b, fd.p, fd.len);
	buf_puts(&b, "\"});\n");
	rc = out_put(out, "search/meta.js", b.p, b.len);
	for (f = 0; f < FC__MAX; f++)
		free(tab[f]);
	free(vals);
	buf_free(&b);
	buf_free(&fd);
	return rc;
}

/* Older first, then by slug: new articles append, ids stay put. */
static int
art_cmp(const void *pa, const void *pb)
{
	const struct article *a = *(struct article *const *)pa;
	const struct article *b = *(struct article *const *)pb;
	int	 c;

	c = strcmp(a->date ? a->date : "", b->date ? b->date : "");
	if (c == 0)
		c = strcmp(a->slug ? a->slug : "", b->slug ? b->slug : "");
	return c;
}

/*
 * Write search/meta.js, search/t-NNN.js and search/d-NNNN.js for
 * arts[0..n) (drafts already left out by the caller) through out.
 * Every article needs slug, text and heads set.  Output depends only
 * on the articles.  Returns 0, or -1 after out_put printed why.
 */
int
idx_write(const struct site *site, struct article *const *arts, size_t n,
    struct output *out)
{
	struct article	**v;
	struct idx	*x;
	unsigned	 nshards;
	int		 rc = -1, jobs = site != NULL && site->jobs > 0 ?
			    site->jobs : 1;

	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	memcpy(v, arts, n * sizeof(*v));
	qsort(v, n, sizeof(*v), art_cmp);
	x = idx_build(v, n, jobs);
	nshards = shard_count(x);
	if (write_meta(x, v, n, nshards, out) == -1)
		goto out;
	if (nshards > 0 && write_shards(x, nshards, out, jobs) == -1)
		goto out;
	if (write_docs(v, n, out, jobs) == -1)
		goto out;
	rc = 0;
out:
	idx_free(x);
	free(v);
	return rc;
}
