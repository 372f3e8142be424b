/*
 * searchidx.c: index stage.  Takes the loaded articles, hands on the
 * search/ files for search.js: meta.js (per-article lengths, field
 * bounds, facets), t-NNN.js term shards (each term's articles, and for
 * pairs of letters/digits/Han and for other characters the positions
 * too, so phrases are decided without the text; none for a small
 * archive) and d-NNNN.js document chunks (display data and raw text for
 * snippets, deflated).  Both are UTF-16 with a BOM.  For rebuilds, each
 * batch of documents' postings is kept in a memo folder beside the
 * output (".NAME.folio-index", one checksummed file a batch, keyed by
 * its documents), and a rebuild counts only the batches that changed.
 * Also the query parser and the brute-force matcher that tests take as
 * oracle.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libdeflate.h>

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

/* Weights by field; search.js tells them apart by position (meta.js). */
static const int fweight[F__MAX] = { 4, 2, 2, 2, 2, 2, 2, 2, 1 };

#define IDX_CHUNK	8	/* articles per document chunk */
#define IDX_LEVEL	1	/* libdeflate level of the document chunks */
#define U16BASE		0x3000	/* code unit of 15 zero bits (to U+AFFF) */
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

/*
 * One index term: a single character, or a pair of adjacent letters,
 * digits or Han.  Pairs and characters other than letters, digits and
 * Han ("positional" terms) keep each occurrence's position: every
 * character of a block has one, counted from 0 at the title, and one
 * more between blocks, so no phrase spans two blocks.
 */
struct iterm {
	uint64_t	 key;	/* code points: (a << 21 | b) | 1 << 63, or a */
	struct buf	 post;	/* buf_put_var varints per doc, see post_entry */
	long		 last;	/* last doc id added, -1 before any */
	uint32_t	 df;	/* documents in post */
	int		 haspos;	/* 1: positional term */
};

/* A term of a lazy index (struct idx): its segments, not yet joined. */
struct lterm {
	size_t		 seg0;	/* first in the part's segs */
	uint32_t	 nseg;	/* how many, in document order */
	size_t		 plen;	/* bytes of its postings once joined */
};

/* A segment of a lazy index's term, and the first document of its batch. */
struct lseg {
	const struct segref *r;	/* borrowed from the batch (struct idx's) */
	size_t		 base;
};

/* The terms one thread posts: those whose part_of(hash) is its number. */
struct tpart {
	struct iterm	*terms;	/* owned */
	size_t		 nterms;	/* entries used */
	size_t		 cap;	/* entries allocated */
	uint32_t	*slots;	/* open addressing: term index + 1; owned */
	size_t		 nslots;	/* power of two */
	struct lterm	*lz;	/* lazy index: per term, as terms; owned */
	struct lseg	*segs;	/* lazy index: the terms' segments; owned */
	size_t		 nsegs;	/* entries used */
	size_t		 segcap;	/* entries allocated */
};

/*
 * The in-memory index (opaque outside this file).  As idx_make leaves
 * it, lazy: each term's postings stay where they are in the batches
 * (post empty; parts' lz and segs say where), the batches' memo files
 * or the buffers counting made, and the writer joins them one term at
 * a time (term_post).  idx_build joins every term's (for queries).
 */
struct idx {
	struct tpart	*parts;	/* owned */
	struct bseg	**b;	/* lazy: the batches (segs point in); owned */
	size_t		 nb;	/* entries in b */
	size_t		*cut;	/* batch w's first document; owned */
	size_t		 nparts;	/* entries in parts (the build's jobs) */
	size_t		 nterms;	/* terms in all parts */
	uint32_t	*dl;	/* per doc: non-space characters; owned */
	uint32_t	*te;	/* per doc: first position after the title; owned */
	uint32_t	*bs;	/* per doc: first position of the body; owned */
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
 * Add word s[0..n) without the punctuation at its ends (seg_edge_punct),
 * unless that is all it has: "，光泽" or "《光泽》" is the word 光泽, so
 * it finds every article the word as typed finds, and more, without
 * loading the positions of '，' (in nearly every article).
 */
static void
add_shed(struct idx_query *q, const char *s, size_t n)
{
	const char	*b = s, *e = s + n, *p;
	uint32_t	 cp;
	size_t		 k;

	while (b < e) {
		k = utf8_decode(b, (size_t)(e - b), &cp);
		if (!seg_edge_punct(cp))
			break;
		b += k;
	}
	while (b < e) {
		for (p = e - 1; p > b && ((unsigned char)*p & 0xc0) == 0x80; p--)
			continue;
		(void)utf8_decode(p, (size_t)(e - p), &cp);
		if (!seg_edge_punct(cp))
			break;
		e = p;
	}
	if (b < e)
		add_word(q, b, (size_t)(e - b), 0);
	else
		add_word(q, s, n, 0);
}

/*
 * Parse a query (search.js parses the same way): normalize it, split
 * on white space; "quoted phrase" (also “…”) is one word, spaces
 * included; a leading '-' excludes the word.  A word neither quoted nor
 * excluded sheds the punctuation at its ends (add_shed).  Fills q (free
 * with idx_query_free).  Returns the number of words.
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
		if (neg)
			add_word(q, b.p + start, i - start, neg);
		else
			add_shed(q, b.p + start, i - start);
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

/* Does term key keep positions?  Pairs, and characters not word_char. */
static int
has_pos(uint64_t key)
{
	return (key >> 63) != 0 || !word_char((uint32_t)key);
}

/* The part of a term with hash h (high bits: the slots use the low). */
static size_t
part_of(uint64_t h, size_t nparts)
{
	return (size_t)((h >> 32) * nparts >> 32);	/* no division */
}

/* The term for key (hash h) in part x, added if new. */
static struct iterm *
iterm_get(struct tpart *x, uint64_t key, uint64_t h)
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
	for (i = h & mask; x->slots[i] != 0; i = (i + 1) & mask)
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
	t->haspos = has_pos(key);
	buf_init(&t->post);
	x->slots[i] = (uint32_t)++x->nterms;
	return t;
}

/* The term for key, or NULL. */
static const struct iterm *
iterm_find(const struct idx *x, uint64_t key)
{
	uint64_t		 h = hash_mix64(key);
	const struct tpart	*p = &x->parts[part_of(h, x->nparts)];
	size_t			 i, mask;

	if (p->nslots == 0)
		return NULL;
	mask = p->nslots - 1;
	for (i = h & mask; p->slots[i] != 0; i = (i + 1) & mask)
		if (p->terms[p->slots[i] - 1].key == key)
			return &p->terms[p->slots[i] - 1];
	return NULL;
}

/* An ASCII varint of alpha[] digits, for meta.js. */
static void
vput(struct buf *b, uint64_t v)
{
	while (v >= VT) {
		buf_putc(b, alpha[VT + v % VC]);
		v /= VC;
	}
	buf_putc(b, alpha[v]);
}

/* The varint at *s (advanced); the caller knows one is there. */
static uint64_t
uget(const unsigned char **s)
{
	uint64_t	 v = 0;
	int		 sh = 0;

	while (**s & 0x80) {
		v |= (uint64_t)(*(*s)++ & 0x7f) << sh;
		sh += 7;
	}
	return v | (uint64_t)*(*s)++ << sh;
}

/*
 * The code point at s[i] (of n bytes), as utf8_decode() gives it, with
 * the two cases of Chinese text done here.  Returns its length.
 */
static inline size_t
next_cp(const char *s, size_t n, size_t i, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s + i;
	uint32_t	 c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xf0) == 0xe0 && i + 2 < n && (u[1] & 0xc0) == 0x80 &&
	    (u[2] & 0xc0) == 0x80) {
		c = (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 |
		    (u[2] & 0x3f);
		if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) {
			*cp = c;
			return 3;
		}
	}
	return utf8_decode(s + i, n - i, cp);
}

/* ---- bits ---- */

/* One UTF-16LE code unit, appended to b. */
static inline void
u16_put(struct buf *b, unsigned u)
{
	if (b->cap - b->len < 3)
		buf_grow(b, 2);
	b->p[b->len++] = (char)(u & 0xff);
	b->p[b->len++] = (char)(u >> 8 & 0xff);
	b->p[b->len] = '\0';
}

/*
 * A bit writer, high bit first.  Into a JS string: 15 bits a UTF-16
 * code unit, unit U16BASE + bits (U+3000..U+AFFF: no quote, backslash,
 * line break or surrogate), so binary data costs 16/15 of its size
 * where ASCII text would cost 8/6.  Or into bytes (ubits 8), for the
 * positions held in memory until a shard is written.
 */
struct bitw {
	struct buf	*b;	/* borrowed: where code units go */
	uint64_t	 acc;	/* pending bits, the low n */
	int		 n;	/* pending bit count, below ubits between calls */
	int		 ubits;	/* bits a unit: 15 (UTF-16, the default) or 8 */
	size_t		 units;	/* units written */
	uint64_t	 nbits;	/* bits put, flushing not counted */
};

/* The low nb bits of v (nb <= 32; bits above acc's pending ones are stale). */
static inline void
bits_put(struct bitw *w, uint64_t v, int nb)
{
	w->acc = w->acc << nb | (v & (((uint64_t)1 << nb) - 1));
	w->n += nb;
	w->nbits += (uint64_t)nb;
	if (w->ubits == 8)
		for (; w->n >= 8; w->units++) {
			w->n -= 8;
			if (w->b->cap - w->b->len < 2)
				buf_grow(w->b, 1);
			w->b->p[w->b->len++] = (char)(w->acc >> w->n & 0xff);
			w->b->p[w->b->len] = '\0';
		}
	else
		for (; w->n >= 15; w->units++) {
			w->n -= 15;
			u16_put(w->b, U16BASE + (unsigned)(w->acc >> w->n & 0x7fff));
		}
}

/* Pad to a whole unit (the padding is not in nbits). */
static void
bits_flush(struct bitw *w)
{
	int	 pad = (w->ubits == 8 ? 8 : 15) - w->n;

	if (w->n > 0) {
		bits_put(w, 0, pad);
		w->nbits -= (uint64_t)pad;
	}
}

/* Rice code of v with parameter k: v >> k in unary (1s, then 0), k bits. */
static inline void
rice_put(struct bitw *w, uint64_t v, int k)
{
	uint64_t	 q = v >> k;

	if (q + 1 + (uint64_t)k <= 32) {
		bits_put(w, (((uint64_t)1 << q) - 1) << (k + 1) |
		    (v & (((uint64_t)1 << k) - 1)), (int)q + 1 + k);
		return;
	}
	for (; q >= 32; q -= 32)
		bits_put(w, 0xffffffffu, 32);
	bits_put(w, (((uint64_t)1 << q) - 1) << 1, (int)q + 1);
	if (k > 0)
		bits_put(w, v, k);
}

/* Elias gamma code of v >= 1: as many 0s as v has bits after its top 1, then v. */
static void
gamma_put(struct bitw *w, uint64_t v)
{
	int	 nb = 0;

	while (v >> (nb + 1))
		nb++;
	if (2 * nb + 1 <= 32)
		bits_put(w, v, 2 * nb + 1);
	else {
		bits_put(w, 0, nb);
		bits_put(w, v, nb + 1);
	}
}

/*
 * The Rice parameter for gaps of mean num / den: the largest k with
 * 2^(k+1) <= 0.69 * mean (Rice then costs about the gaps' entropy),
 * in integers so that search.js computes the same.
 */
static int
rice_k(uint64_t num, uint64_t den)
{
	int	 k = 0;

	while (k < 30 && (den * 100 << (k + 1)) <= num * 69)
		k++;
	return k;
}

/* One position of a positional term in the document being counted. */
struct dpos {
	uint32_t	 term;	/* term number in struct dcount */
	uint32_t	 pos;	/* position */
};

/*
 * Per-document counts: each term's weighted count and positions,
 * terms numbered in first-seen order; reset for each document.  A
 * character of the BMP finds its term by table, others by hash.
 */
struct dcount {
	uint32_t	*bmp;	/* per BMP code point: term number + 1; owned */
	uint64_t	*keys;	/* per slot: key, 0 = empty; owned */
	uint32_t	*num;	/* per slot: term number; owned */
	size_t		 cap;	/* slots (power of two) */
	size_t		 nslot;	/* slots in use */
	uint64_t	*tkey;	/* per term: key; owned */
	size_t		*tslot;	/* per term: its slot (hashed keys); owned */
	uint32_t	*twtf;	/* per term: weighted count; owned */
	uint32_t	*tnpos;	/* per term: positions in occ; owned */
	size_t		 n;	/* terms */
	size_t		 tcap;	/* terms allocated */
	struct dpos	*occ;	/* positions in text order; owned */
	size_t		 nocc;	/* entries in occ */
	size_t		 occap;	/* entries allocated */
};

static void
dcount_slot(struct dcount *c, uint64_t key, uint32_t t)
{
	size_t	 i, mask = c->cap - 1;

	for (i = hash_mix64(key) & mask; c->keys[i] != 0; i = (i + 1) & mask)
		continue;
	c->keys[i] = key;
	c->num[i] = t;
	c->tslot[t] = i;
}

/* A new term for key: its number. */
static uint32_t
dcount_new(struct dcount *c, uint64_t key)
{
	if (c->n == c->tcap) {
		c->tcap = c->tcap ? c->tcap * 2 : 2048;
		c->tkey = xreallocarray(c->tkey, c->tcap, sizeof(*c->tkey));
		c->tslot = xreallocarray(c->tslot, c->tcap, sizeof(*c->tslot));
		c->twtf = xreallocarray(c->twtf, c->tcap, sizeof(*c->twtf));
		c->tnpos = xreallocarray(c->tnpos, c->tcap, sizeof(*c->tnpos));
	}
	c->tkey[c->n] = key;
	c->twtf[c->n] = 0;
	c->tnpos[c->n] = 0;
	return (uint32_t)c->n++;
}

/* The number of key's term, added if new. */
static uint32_t
dcount_term(struct dcount *c, uint64_t key)
{
	size_t		 i, mask, k;
	uint32_t	 t;

	if (key < 0x10000) {
		if (c->bmp == NULL)
			c->bmp = xcalloc(0x10000, sizeof(*c->bmp));
		if (c->bmp[key] == 0)
			c->bmp[key] = dcount_new(c, key) + 1;
		return c->bmp[key] - 1;
	}
	if (c->nslot * 2 >= c->cap) {
		free(c->keys);
		free(c->num);
		c->cap = c->cap ? c->cap * 2 : 4096;
		c->keys = xcalloc(c->cap, sizeof(*c->keys));
		c->num = xcalloc(c->cap, sizeof(*c->num));
		for (k = 0; k < c->n; k++)
			if (c->tkey[k] >= 0x10000)
				dcount_slot(c, c->tkey[k], (uint32_t)k);
	}
	mask = c->cap - 1;
	for (i = hash_mix64(key) & mask; c->keys[i] != 0; i = (i + 1) & mask)
		if (c->keys[i] == key)
			return c->num[i];
	t = dcount_new(c, key);
	dcount_slot(c, key, t);
	c->nslot++;
	return t;
}

/* Count key (weight w) at position pos; keep pos if withpos. */
static void
dcount_add(struct dcount *c, uint64_t key, uint32_t w, uint32_t pos,
    int withpos)
{
	uint32_t	 t = dcount_term(c, key);

	c->twtf[t] += w;
	if (withpos) {
		if (c->nocc == c->occap) {
			c->occap = c->occap ? c->occap * 2 : 4096;
			c->occ = xreallocarray(c->occ, c->occap,
			    sizeof(*c->occ));
		}
		c->occ[c->nocc].term = t;
		c->occ[c->nocc++].pos = pos;
		c->tnpos[t]++;
	}
}

static void
dcount_reset(struct dcount *c)
{
	size_t	 t;

	for (t = 0; t < c->n; t++)
		if (c->tkey[t] < 0x10000)
			c->bmp[c->tkey[t]] = 0;
		else
			c->keys[c->tslot[t]] = 0;
	c->n = 0;
	c->nslot = 0;
	c->nocc = 0;
}

static void
dcount_free(struct dcount *c)
{
	free(c->bmp);
	free(c->keys);
	free(c->num);
	free(c->tkey);
	free(c->tslot);
	free(c->twtf);
	free(c->tnpos);
	free(c->occ);
}

/*
 * Count the terms of one document into c: every non-space character
 * (white space too, with positions, for quoted phrases), every pair
 * of adjacent word characters.  *te and *bs get the first position
 * after the title and the first of the body (weights 4, 2, 1 by
 * position).  Returns the number of non-space characters.
 */
static uint32_t
count_terms(const struct doctext *d, struct dcount *c, uint32_t *te,
    uint32_t *bs)
{
	const char	*s;
	size_t		 b, i, n, k;
	uint32_t	 cp, prev, len = 0, pos = 0, w;
	int		 pw, cls, word, seen_te = 0, seen_bs = 0;

	for (b = 0; b < d->nblks; b++) {
		if (b > 0)
			pos++;		/* between blocks */
		if (!seen_te && d->blks[b].field != F_TITLE) {
			*te = pos;
			seen_te = 1;
		}
		if (!seen_bs && d->blks[b].field == F_BODY) {
			*bs = pos;
			seen_bs = 1;
		}
		s = d->norm.p + d->blks[b].off;
		n = d->blks[b].len;
		w = (uint32_t)fweight[d->blks[b].field];
		pw = 0;
		prev = 0;
		for (i = 0; i < n; i += k, pos++) {
			k = next_cp(s, n, i, &cp);
			cls = seg_class(cp);
			if (cls == SEG_SPACE) {
				dcount_add(c, cp, w, pos, 1);
				pw = 0;
				continue;
			}
			len++;
			word = cls == SEG_HAN || cls == SEG_ALNUM;
			dcount_add(c, cp, w, pos, !word);
			if (word && pw)
				dcount_add(c, bigram_key(prev, cp), w, pos - 1, 1);
			pw = word;
			prev = cp;
		}
	}
	if (!seen_te)
		*te = pos;
	if (!seen_bs)
		*bs = pos;
	return len;
}

#define IDX_BATCH	512	/* documents a batch, about, at most (batch_per) */

/* One document's terms, counted by a worker, posted in order after. */
struct dterms {
	uint64_t	*keys;	/* term keys by part (part_of), each part's in
				   first-seen order; owned */
	size_t		*pk;	/* part p's terms: keys[pk[p] .. pk[p + 1]);
				   owned */
	size_t		*pat;	/* part p's first byte in pos; owned */
	uint32_t	*wtf;	/* weighted counts, parallel; owned */
	uint32_t	*npos;	/* positions of each, parallel; owned */
	uint32_t	*pbits;	/* bits of each one's positions, parallel; owned */
	uint32_t	*nhead;	/* of those, before the body, parallel; owned */
	struct buf	 pos;	/* the positions as written (put_term), term
				   by term, each from a byte boundary */
	size_t		 n;	/* entries in keys */
	uint32_t	 dl;	/* non-space characters */
	uint32_t	 te;	/* first position after the title */
	uint32_t	 bs;	/* first position of the body */
};

/* A batch for par_for: arts[base + i] -> out[i]. */
struct batch {
	struct article *const *arts;	/* borrowed */
	size_t		 base;		/* first document of the batch */
	size_t		 nparts;	/* parts of the index */
	struct dterms	*out;		/* borrowed, a batch's entries */
	pthread_mutex_t	 lock;		/* guards pool */
	struct dcount	*pool[64];	/* idle scratch tables; owned */
	size_t		 npool;		/* entries in pool */
};

/* par_for worker: normalize and count document base + i. */
static int
count_one(void *arg, size_t i)
{
	struct batch	*j = arg;
	struct dterms	*t = &j->out[i];
	struct dcount	*c;
	struct doctext	 d;
	struct bitw	 bw;
	uint32_t	*pos, *ord, *part;
	size_t		 k, e, m, o, p, *at, np = j->nparts;
	long		 prev;
	int		 kp;

	pthread_mutex_lock(&j->lock);
	c = j->npool > 0 ? j->pool[--j->npool] : xcalloc(1, sizeof(*c));
	pthread_mutex_unlock(&j->lock);
	doc_text(j->arts[j->base + i], &d);
	t->dl = count_terms(&d, c, &t->te, &t->bs);
	t->n = c->n;
	t->keys = xreallocarray(NULL, c->n + 1, sizeof(*t->keys));
	t->wtf = xreallocarray(NULL, c->n + 1, sizeof(*t->wtf));
	t->npos = xreallocarray(NULL, c->n + 1, sizeof(*t->npos));
	t->pbits = xreallocarray(NULL, c->n + 1, sizeof(*t->pbits));
	t->nhead = xreallocarray(NULL, c->n + 1, sizeof(*t->nhead));
	pos = xreallocarray(NULL, c->nocc + 1, sizeof(*pos));
	at = xreallocarray(NULL, c->n + 1, sizeof(*at));
	ord = xreallocarray(NULL, c->n + 1, sizeof(*ord));
	part = xreallocarray(NULL, c->n + 1, sizeof(*part));
	t->pk = xcalloc(np + 1, sizeof(*t->pk));
	t->pat = xcalloc(np + 1, sizeof(*t->pat));
	/* Terms by part, so that seg_make's worker for a part reads only
	 * its own; each part's in first-seen order. */
	for (k = 0; k < c->n; k++) {
		part[k] = (uint32_t)part_of(hash_mix64(c->tkey[k]), np);
		t->pk[part[k] + 1]++;
	}
	for (p = 0; p < np; p++)
		t->pk[p + 1] += t->pk[p];
	for (k = 0; k < c->n; k++)
		ord[t->pk[part[k]]++] = (uint32_t)k;
	for (p = np; p > 0; p--)
		t->pk[p] = t->pk[p - 1];
	t->pk[0] = 0;
	for (k = 0; k < c->n; k++) {
		t->keys[k] = c->tkey[ord[k]];
		t->wtf[k] = c->twtf[ord[k]];
		t->npos[k] = c->tnpos[ord[k]];
	}
	/* Positions grouped by term, each group in text order. */
	for (k = 0; k < c->n; k++)
		at[k] = k ? at[k - 1] + c->tnpos[k - 1] : 0;
	for (k = 0; k < c->nocc; k++)
		pos[at[c->occ[k].term]++] = c->occ[k].pos;
	/* Rice-coded by gap as put_term writes them, here in parallel. */
	buf_init(&t->pos);
	memset(&bw, 0, sizeof(bw));
	bw.b = &t->pos;
	bw.ubits = 8;
	for (k = p = 0; k < c->n; k++) {
		while (p < np && t->pk[p] == k)
			t->pat[p++] = t->pos.len;
		t->pbits[k] = t->nhead[k] = 0;
		o = ord[k];
		if (c->tnpos[o] == 0)
			continue;
		kp = rice_k(t->dl, c->tnpos[o]);
		bw.nbits = 0;
		/* Title to headings from 0, then the body from its start. */
		e = at[o] - c->tnpos[o];
		m = at[o];
		for (prev = -1; e < m && pos[e] < t->bs; prev = pos[e++]) {
			rice_put(&bw, (uint64_t)((long)pos[e] - prev - 1), kp);
			t->nhead[k]++;
		}
		for (prev = -1; e < m; prev = (long)(pos[e++] - t->bs))
			rice_put(&bw, (uint64_t)((long)(pos[e] - t->bs) - prev -
			    1), kp);
		t->pbits[k] = (uint32_t)bw.nbits;
		bits_flush(&bw);
	}
	for (; p <= np; p++)
		t->pat[p] = t->pos.len;
	free(pos);
	free(at);
	free(ord);
	free(part);
	dcount_reset(c);
	doctext_free(&d);
	pthread_mutex_lock(&j->lock);
	if (j->npool < sizeof(j->pool) / sizeof(j->pool[0]))
		j->pool[j->npool++] = c;
	else {
		dcount_free(c);
		free(c);
	}
	pthread_mutex_unlock(&j->lock);
	return 0;
}

/*
 * Postings are made a batch of documents at a time as segments: a
 * term's entries for the batch's documents, the first one's gap counted
 * from the batch's start, kept as the index keeps its terms (struct
 * tpart of struct iterm, last counted from the batch's start too).
 * Appending a segment to a term fixes that gap against the term's last
 * document.  A batch's segments depend only on its documents, so with a
 * memo folder they are kept there, one file a batch keyed by its
 * documents' fields, and a later build counts only the batches whose
 * documents changed (one, for an edit).
 */
struct bseg {
	uint32_t	 m;		/* documents */
	uint32_t	*dl, *te, *bs;	/* per document, as struct dterms; owned */
	size_t		 nparts;	/* entries in parts */
	struct tpart	*parts;		/* the segments counted, by part of the
					 * index; owned */
	struct segref	*refs;		/* its segments in key order; owned */
	size_t		 nrefs;		/* entries in refs */
	struct fmap	 map;		/* the memo file refs point into; owned */
	int		 owns;		/* 1: refs' bytes are its own (counted) */
};

/* A segment read from the memo: its entries where they are in the file
 * (a rebuild reads ~80 MB of them; copied one term at a time they were
 * millions of small buffers). */
struct segref {
	uint64_t	 key;		/* the term */
	const unsigned char *p;		/* its entries; borrowed from the map */
	uint32_t	 len;		/* bytes */
	uint32_t	 last;		/* last document, from the batch's start */
	uint32_t	 df;		/* documents */
	uint32_t	 part;		/* part_of its hash */
};

static void
tpart_free(struct tpart *tp)
{
	size_t	 i;

	for (i = 0; i < tp->nterms; i++)
		buf_free(&tp->terms[i].post);
	free(tp->terms);
	free(tp->slots);
	free(tp->lz);
	free(tp->segs);
}

static void
bseg_free(struct bseg *b)
{
	size_t	 p;

	if (b == NULL)
		return;
	for (p = 0; p < b->nparts; p++)
		tpart_free(&b->parts[p]);
	free(b->parts);
	for (p = 0; b->owns && p < b->nrefs; p++)
		free((void *)b->refs[p].p);
	free(b->refs);
	file_unmap(&b->map);
	free(b->dl);
	free(b->te);
	free(b->bs);
	free(b);
}

static struct bseg *
bseg_new(uint32_t m, size_t nparts)
{
	struct bseg	*b = xcalloc(1, sizeof(*b));

	b->m = m;
	b->dl = xcalloc(m ? m : 1, sizeof(*b->dl));
	b->te = xcalloc(m ? m : 1, sizeof(*b->te));
	b->bs = xcalloc(m ? m : 1, sizeof(*b->bs));
	b->nparts = nparts;
	b->parts = xcalloc(nparts, sizeof(*b->parts));
	return b;
}

/* The first document of segment g, from its first entry's gap. */
static uint64_t
seg_first(const struct iterm *g)
{
	const unsigned char *s = (const unsigned char *)g->post.p;
	uint64_t	 v = uget(&s);

	return g->haspos ? v : v >> 1;
}

/*
 * One document's entry for its term k (positions at d->pos + at) with
 * gap gap: gap * 2 + (wtf > 1), or for a positional term gap, count,
 * wtf - count, if that is not 0 positions before the body, bits (all
 * varints) and the positions as put_term writes them, in that many
 * bits (whole bytes).
 */
static void
post_entry(struct buf *b, uint64_t gap, const struct dterms *d, size_t k,
    size_t at, int haspos)
{
	if (!haspos) {
		buf_put_var(b, gap * 2 + (d->wtf[k] > 1));
		return;
	}
	buf_put_var(b, gap);
	buf_put_var(b, d->npos[k]);
	buf_put_var(b, d->wtf[k] - d->npos[k]);
	if (d->wtf[k] > d->npos[k])
		buf_put_var(b, d->nhead[k]);
	buf_put_var(b, d->pbits[k]);
	buf_put(b, d->pos.p + at, (d->pbits[k] + 7) / 8);
}

/* What the segment makers share. */
struct sjob {
	struct batch	*j;	/* the batch counted; borrowed */
	struct bseg	*b;	/* the batch's segments; borrowed */
};

/* par_for worker: the segments of part p from the batch just counted. */
static int
seg_make(void *arg, size_t p)
{
	struct sjob	*sj = arg;
	struct dterms	*d;
	struct iterm	*g;
	size_t		 i, k, at;
	uint64_t	 h;

	for (i = 0; i < sj->b->m; i++) {
		d = &sj->j->out[i];
		at = d->pat[p];
		for (k = d->pk[p]; k < d->pk[p + 1];
		    at += (d->pbits[k++] + 7) / 8) {
			h = hash_mix64(d->keys[k]);
			g = iterm_get(&sj->b->parts[p], d->keys[k], h);
			post_entry(&g->post, (uint64_t)((long)i - g->last - 1),
			    d, k, at, g->haspos);
			g->last = (long)i;
			g->df++;
		}
	}
	return 0;
}

/*
 * The first entry of a segment (entries s[0..), of a batch starting at
 * document base) as it is once joined after a term's document prev:
 * its gap counted from there.  *s moves past the entry's first varint.
 */
static uint64_t
seg_first_gap(const unsigned char **s, size_t base, long prev, int haspos)
{
	uint64_t	 v = uget(s), gap;

	gap = (uint64_t)((long)base + (long)(haspos ? v : v >> 1) - prev - 1);
	return haspos ? gap : gap * 2 + (v & 1);
}

/*
 * Append a segment (entries s[0..len), last counted in a batch starting
 * at document base) to postings b whose last document is prev.  Returns
 * the last document after it.
 */
static long
seg_join(struct buf *b, long prev, const unsigned char *s, size_t len,
    size_t base, long last, int haspos)
{
	const unsigned char *end = s + len;

	buf_put_var(b, seg_first_gap(&s, base, prev, haspos));
	buf_put(b, s, (size_t)(end - s));
	return (long)base + last;
}

/* ---- the batch memo ---- */

/*
 * About how many documents a batch of n: an edit counts one batch
 * again, and every build merges the batches' segments, so small
 * archives want small batches and large ones few.  Measured (tmpfs,
 * one-body edit, index lap): 1k 0.105 s at 512, 0.065 at 128, 0.075 at
 * 64; 3k 0.138 at 512, 0.095 at 256, 0.127 at 128; 10k 0.234 at 512,
 * 0.236 at 256, but its full count 1.56 -> 1.74 s.  An archive that
 * crosses a step has all its batches cut anew (one full count).  A
 * build with no memo counts everything once: IDX_BATCH suits it.
 */
static size_t
batch_per(size_t n)
{
	return n < 2048 ? IDX_BATCH / 4 : n < 8192 ? IDX_BATCH / 2 : IDX_BATCH;
}

/*
 * Does a batch with a memo end after its m-th document, whose file name
 * hashes to h?  Cuts are where the names say, not where the count does,
 * so that an edit to one document changes its batch only and adding or
 * deleting one mostly its batch only: not before per / 8 documents, one
 * name in per up to per, then one in per / 4, and at 2 per whatever the
 * names say (under 1% of batches: where the following cuts move too).
 * They do not move with the documents' text.
 */
static int
batch_cut(uint64_t h, size_t m, size_t per)
{
	size_t	 q = per / 4 > 0 ? per / 4 : 1;

	if (m >= 2 * per)
		return 1;
	if (m < per / 8)
		return 0;
	return m < per ? h % per == 0 : h % q == 0;
}

#define IDX_MEMO_MAGIC	"folio-index 1\n"
#define IDX_MEMO_SEED	0x696e646578ULL		/* checksum seed: "index" */

/*
 * The key of document a: every field doc_text reads (the text by its
 * hash), each absent one and each list's length told apart.
 */
static uint64_t
doc_key(const struct article *a, uint64_t h)
{
	const char	*f[] = { a->title, a->place, a->byline,
			    a->organization };
	const struct val *l[] = { a->region, a->authors, a->tags };
	size_t		 i, k;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		h = f[i] != NULL ? hash_words(f[i], strlen(f[i]) + 1, h) :
		    hash_mix64(h ^ (i + 1));
	h = hash_mix64(h ^ (a->text != NULL ? art_texthash(a) : 7));
	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		h = hash_mix64(h ^ (l[i] != NULL && l[i]->type == V_LIST ?
		    l[i]->n + 1 : 0));
		for (k = 0; l[i] != NULL && l[i]->type == V_LIST &&
		    k < l[i]->n; k++)
			h = l[i]->kids[k]->type == V_STR ?
			    hash_words(l[i]->kids[k]->s,
			    l[i]->kids[k]->slen + 1, h) : hash_mix64(h ^ k);
	}
	h = hash_mix64(h ^ a->nheads);
	for (i = 0; i < a->nheads; i++)
		h = hash_words(a->heads[i].text, strlen(a->heads[i].text) + 1,
		    h);
	return h;
}

/* var_get(p, end, 63, v), the one-byte case inline: seg_check reads
 * every posting of every batch, mostly small numbers. */
static inline int
var_next(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	if (*p < end && **p < 0x80) {
		*v = *(*p)++;
		return 0;
	}
	return var_get(p, end, 63, v);
}

/*
 * Is g a well-made segment of a batch of m documents: entries as
 * post_entry writes them, documents rising below m, first, last and df
 * as they say?  put_term trusts what it encodes.  0 if so, else -1.
 */
static int
seg_check(const struct segref *g, uint32_t first, uint32_t m)
{
	const unsigned char *p = g->p;
	const unsigned char *end = p + g->len;
	uint64_t	 v, npos, extra, nhead, bits;
	long		 doc = -1;
	uint32_t	 n = 0;
	int		 pos = has_pos(g->key);

	while (p < end) {
		if (var_next(&p, end, &v) == -1 ||
		    (pos ? v : v >> 1) >= (uint64_t)m - (uint64_t)(doc + 1))
			return -1;
		doc += 1 + (long)(pos ? v : v >> 1);
		if (n++ == 0 && (uint32_t)doc != first)
			return -1;
		if (!pos)
			continue;
		if (var_next(&p, end, &npos) == -1 || npos == 0 ||
		    npos > UINT32_MAX || var_next(&p, end, &extra) == -1 ||
		    extra > UINT32_MAX || (extra > 0 &&
		    (var_next(&p, end, &nhead) == -1 || nhead == 0 ||
		    nhead > npos)) || var_next(&p, end, &bits) == -1 ||
		    bits > UINT32_MAX || (bits + 7) / 8 > (uint64_t)(end - p))
			return -1;
		p += (bits + 7) / 8;
	}
	return n > 0 && n == g->df && doc == (long)g->last ? 0 : -1;
}

/*
 * The batch in bytes p[0..len) (a memo file without its key check and
 * checksum: header, key, documents, segments in rising key order), its
 * segments as refs into those bytes, each with its part of an index of
 * nparts; NULL when anything is out of place.  *key gets the batch's
 * key.  The fuzz target's entry.
 */
static struct bseg *
bseg_parse(const char *p0, size_t len, size_t nparts, uint64_t *key)
{
	const unsigned char *p = (const unsigned char *)p0, *end = p + len;
	struct bseg	*b;
	struct segref	*g;
	uint64_t	 k, prev = 0;
	uint32_t	 m, i, nseg, slen;

	if (len < sizeof(IDX_MEMO_MAGIC) - 1 + 12 ||
	    memcmp(p, IDX_MEMO_MAGIC, sizeof(IDX_MEMO_MAGIC) - 1) != 0)
		return NULL;
	p += sizeof(IDX_MEMO_MAGIC) - 1;
	*key = le_get(p, 8);
	m = (uint32_t)le_get(p + 8, 4);
	p += 12;
	if (m > (uint64_t)(end - p) / 12)
		return NULL;
	b = bseg_new(m, nparts);
	for (i = 0; i < m; i++, p += 12) {
		b->dl[i] = (uint32_t)le_get(p, 4);
		b->te[i] = (uint32_t)le_get(p + 4, 4);
		b->bs[i] = (uint32_t)le_get(p + 8, 4);
	}
	if (end - p < 4)
		goto bad;
	nseg = (uint32_t)le_get(p, 4);
	p += 4;
	if (nseg > (uint64_t)(end - p) / 24)
		goto bad;
	b->refs = xcalloc(nseg ? nseg : 1, sizeof(*b->refs));
	for (i = 0; i < nseg; i++) {
		if (end - p < 24)
			goto bad;
		k = le_get(p, 8);
		if (i > 0 && k <= prev)
			goto bad;	/* one segment a term, in order */
		prev = k;
		slen = (uint32_t)le_get(p + 20, 4);
		if (slen > (uint64_t)(end - p - 24))
			goto bad;
		g = &b->refs[b->nrefs++];
		g->key = k;
		g->p = p + 24;
		g->len = slen;
		g->last = (uint32_t)le_get(p + 12, 4);
		g->df = (uint32_t)le_get(p + 16, 4);
		g->part = (uint32_t)part_of(hash_mix64(k), nparts);
		if (seg_check(g, (uint32_t)le_get(p + 8, 4), m) == -1)
			goto bad;
		p += 24 + (size_t)slen;
	}
	if (p == end)
		return b;
bad:
	bseg_free(b);
	return NULL;
}

static int
seg_cmp(const void *x, const void *y)
{
	const struct iterm *a = *(const struct iterm *const *)x;
	const struct iterm *b = *(const struct iterm *const *)y;

	return a->key < b->key ? -1 : a->key > b->key;
}

/* The memo file of the batch of key key in folder dir; caller frees. */
static char *
bseg_path(const char *dir, uint64_t key)
{
	return xasprintf("%s/%016llx", dir, (unsigned long long)key);
}

/* Keep the batch of key key in the memo folder dir. */
static void
bseg_write(const char *dir, uint64_t key, const struct bseg *b)
{
	struct buf	 out;
	const struct iterm **v;
	size_t		 n = 0, p, k;
	char		*path;

	for (p = 0; p < b->nparts; p++)
		n += b->parts[p].nterms;
	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	for (p = n = 0; p < b->nparts; p++)
		for (k = 0; k < b->parts[p].nterms; k++)
			v[n++] = &b->parts[p].terms[k];
	qsort(v, n, sizeof(*v), seg_cmp);
	buf_init(&out);
	buf_puts(&out, IDX_MEMO_MAGIC);
	le_put(&out, key, 8);
	le_put(&out, b->m, 4);
	for (k = 0; k < b->m; k++) {
		le_put(&out, b->dl[k], 4);
		le_put(&out, b->te[k], 4);
		le_put(&out, b->bs[k], 4);
	}
	le_put(&out, n, 4);
	for (k = 0; k < n; k++) {
		le_put(&out, v[k]->key, 8);
		le_put(&out, seg_first(v[k]), 4);
		le_put(&out, (uint64_t)v[k]->last, 4);
		le_put(&out, v[k]->df, 4);
		le_put(&out, v[k]->post.len, 4);
		buf_put(&out, v[k]->post.p, v[k]->post.len);
	}
	path = bseg_path(dir, key);
	(void)file_write_sealed(path, &out, IDX_MEMO_SEED);
	free(path);
	buf_free(&out);
	free(v);
}

/* The batch of key key from the memo folder dir, else NULL. */
static struct bseg *
bseg_read(const char *dir, uint64_t key, size_t nparts)
{
	struct bseg	*b = NULL;
	struct fmap	 in;
	uint64_t	 k;
	char		*path = bseg_path(dir, key), *why = NULL;

	if (file_map_sealed(path, IDX_MEMO_SEED, &in, &why) == 0 &&
	    (b = bseg_parse(in.p, in.len, nparts, &k)) != NULL) {
		b->map = in;	/* its refs point into it */
		if (k != key) {
			bseg_free(b);
			b = NULL;
		}
	} else
		file_unmap(&in);
	free(why);
	free(path);
	return b;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Remove from the memo folder dir the batches not among keys[0..n). */
static void
bseg_prune(const char *dir, uint64_t *keys, size_t n)
{
	struct dirent	*de;
	DIR		*dp;
	uint64_t	 k;
	char		*end, *path;

	qsort(keys, n, sizeof(*keys), u64_cmp);
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		k = strtoull(de->d_name, &end, 16);
		if (*end == '\0' && strlen(de->d_name) == 16 &&
		    bsearch(&k, keys, n, sizeof(*keys), u64_cmp) != NULL)
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		(void)unlink(path);
		free(path);
	}
	closedir(dp);
}

static int	seg_merge(void *, size_t);
static int	join_part(void *, size_t);

/*
 * For the fuzz target: does p[0..n) parse as a batch of the memo (then
 * its segments are merged into an index of three parts, as its second
 * batch, and joined)?  Returns 1 if so.
 */
int
idx_memo_parse(const void *p, size_t n)
{
	struct bseg	*b;
	struct idx	*x;
	uint64_t	 key;
	size_t		 i;

	if ((b = bseg_parse(p, n, 3, &key)) == NULL)
		return 0;
	x = xcalloc(1, sizeof(*x));
	x->nparts = 3;
	x->parts = xcalloc(3, sizeof(*x->parts));
	x->nb = 2;
	x->b = xcalloc(2, sizeof(*x->b));
	x->b[0] = bseg_new(7, 3);	/* seven documents, no term */
	x->b[1] = b;
	x->cut = xcalloc(3, sizeof(*x->cut));
	x->cut[1] = 7;
	x->cut[2] = 7 + b->m;
	for (i = 0; i < 3; i++) {
		seg_merge(x, i);
		join_part(x, i);
	}
	idx_free(x);
	return 1;
}

/* ---- the lazy index ---- */

static int
ref_cmp(const void *x, const void *y)
{
	const struct segref *a = x, *b = y;

	return a->key < b->key ? -1 : a->key > b->key;
}

/*
 * A batch just counted (after bseg_write), its segments made refs in
 * key order, as if read from the memo: each segment's postings move to
 * its ref (the batch owns them), its parts' tables go.
 */
static void
bseg_refs(struct bseg *b)
{
	struct iterm	*g;
	struct segref	*r;
	size_t		 p, k, n = 0;

	for (p = 0; p < b->nparts; p++)
		n += b->parts[p].nterms;
	b->refs = xcalloc(n ? n : 1, sizeof(*b->refs));
	b->owns = 1;
	for (p = 0; p < b->nparts; p++) {
		for (k = 0; k < b->parts[p].nterms; k++) {
			g = &b->parts[p].terms[k];
			r = &b->refs[b->nrefs++];
			r->key = g->key;
			r->len = (uint32_t)g->post.len;
			r->p = (const unsigned char *)buf_take(&g->post);
			r->last = (uint32_t)g->last;
			r->df = g->df;
			r->part = (uint32_t)p;
		}
		tpart_free(&b->parts[p]);
		memset(&b->parts[p], 0, sizeof(b->parts[p]));
	}
	qsort(b->refs, b->nrefs, sizeof(*b->refs), ref_cmp);
}

/* Bytes of v as a varint (buf_put_var). */
static size_t
var_len(uint64_t v)
{
	size_t	 n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Move *at past batch b's refs of other parts than p. */
static void
ref_skip(const struct bseg *b, size_t *at, size_t p)
{
	while (*at < b->nrefs && b->refs[*at].part != p)
		(*at)++;
}

/*
 * par_for worker: the terms of part p of a lazy index, from its
 * batches' refs (each in key order): a merge, each term once, with its
 * segments in document order, its df, last document and the length its
 * postings will have; nothing copied.
 */
static int
seg_merge(void *arg, size_t p)
{
	struct idx	*x = arg;
	struct tpart	*tp = &x->parts[p];
	const struct segref *r;
	const unsigned char *s;
	struct iterm	*t;
	struct lterm	*lz;
	size_t		*at, w, ti, lzcap = 0;
	uint64_t	 key = 0;
	int		 any;

	at = xcalloc(x->nb ? x->nb : 1, sizeof(*at));
	for (w = 0; w < x->nb; w++)
		ref_skip(x->b[w], &at[w], p);
	for (;;) {
		for (w = 0, any = 0; w < x->nb; w++)
			if (at[w] < x->b[w]->nrefs &&
			    (!any || x->b[w]->refs[at[w]].key < key)) {
				key = x->b[w]->refs[at[w]].key;
				any = 1;
			}
		if (!any)
			break;
		t = iterm_get(tp, key, hash_mix64(key));
		ti = (size_t)(t - tp->terms);
		if (ti >= lzcap) {
			lzcap = tp->cap;
			tp->lz = xreallocarray(tp->lz, lzcap, sizeof(*tp->lz));
		}
		lz = &tp->lz[ti];
		memset(lz, 0, sizeof(*lz));
		lz->seg0 = tp->nsegs;
		for (w = 0; w < x->nb; w++) {
			if (at[w] >= x->b[w]->nrefs ||
			    x->b[w]->refs[at[w]].key != key)
				continue;
			r = &x->b[w]->refs[at[w]];
			if (tp->nsegs == tp->segcap) {
				tp->segcap = tp->segcap ? tp->segcap * 2 : 4096;
				tp->segs = xreallocarray(tp->segs, tp->segcap,
				    sizeof(*tp->segs));
			}
			tp->segs[tp->nsegs].r = r;
			tp->segs[tp->nsegs++].base = x->cut[w];
			s = r->p;
			lz->plen += var_len(seg_first_gap(&s, x->cut[w],
			    t->last, t->haspos));
			lz->plen += r->len - (size_t)(s - r->p);
			t->last = (long)x->cut[w] + (long)r->last;
			t->df += r->df;
			lz->nseg++;
			at[w]++;
			ref_skip(x->b[w], &at[w], p);
		}
	}
	free(at);
	return 0;
}

/*
 * The postings of term ti of part p: its own, or in a lazy index its
 * segments joined into scratch (each thread its own).
 */
static const struct buf *
term_post(const struct idx *x, size_t p, size_t ti, struct buf *scratch)
{
	const struct tpart *tp = &x->parts[p];
	const struct iterm *t = &tp->terms[ti];
	const struct lseg *sg;
	size_t		 k;
	long		 last = -1;

	if (tp->lz == NULL)
		return &t->post;
	buf_truncate(scratch, 0);
	for (k = 0; k < tp->lz[ti].nseg; k++) {
		sg = &tp->segs[tp->lz[ti].seg0 + k];
		last = seg_join(scratch, last, sg->r->p, sg->r->len, sg->base,
		    (long)sg->r->last, t->haspos);
	}
	return scratch;
}

/* The length of term ti of part p's postings. */
static size_t
term_len(const struct idx *x, size_t p, size_t ti)
{
	const struct tpart *tp = &x->parts[p];

	return tp->lz != NULL ? tp->lz[ti].plen : tp->terms[ti].post.len;
}

/* The batches read from the memo on jobs threads (idx_make). */
struct rjob {
	const char	 *memo;
	size_t		  nparts;
	size_t		 *cut;	/* batch b is documents cut[b] .. cut[b + 1] */
	uint64_t	 *key;	/* its key */
	struct bseg	**got;	/* read and whole, else NULL; taken by idx_make */
};

static int
batch_read(void *arg, size_t i)
{
	struct rjob	*rj = arg;

	rj->got[i] = bseg_read(rj->memo, rj->key[i], rj->nparts);
	return 0;
}

/* Each document's key and its file name's hash (idx_make, with a memo). */
struct kjob {
	struct article *const *arts;	/* borrowed */
	uint64_t	 env;
	uint64_t	*dk;	/* doc_key by document; borrowed */
	uint64_t	*nk;	/* hash of the file name by document; borrowed */
};

static int
keys_one(void *arg, size_t i)
{
	struct kjob	*kj = arg;
	const char	*p;

	kj->dk[i] = doc_key(kj->arts[i], kj->env);
	p = path_base(kj->arts[i]->path);
	kj->nk[i] = hash_words(p, strlen(p), 0);
	return 0;
}

/*
 * Build the index of arts[0..n) (document i is arts[i]) with up to
 * jobs threads, a batch of documents at a time: counted in parallel
 * and made into segments by part of the terms, each thread one part;
 * then each part's terms found by a merge of the batches' segments
 * (seg_merge), lazily (struct idx).  With a memo folder (NULL: none), a
 * batch whose documents are as they were is read from it (when reuse
 * is 1: every batch first, mapped), and a batch counted is kept there;
 * env goes into the batches' keys.  The result does not depend on jobs
 * nor on the memo.  Returns the index; free with idx_free.
 */
static struct idx *
idx_make(struct article *const *arts, size_t n, int jobs, const char *memo,
    int reuse, uint64_t env)
{
	struct idx	*x = xcalloc(1, sizeof(*x));
	struct batch	 j;
	struct sjob	 sj;
	struct dterms	*d;
	const char	*e = getenv("FOLIO_IDX_BATCH");	/* tests */
	size_t		 per = e && atol(e) > 0 ? (size_t)atol(e) :
			    memo != NULL ? batch_per(n) : IDX_BATCH;
	struct rjob	 rj;
	struct kjob	 kj;
	size_t		 i, k, m, w, nb = 0, ncounted = 0;
	uint64_t	 key, *dk = NULL, *nk = NULL;
	double		 sum = 0;

	memset(&j, 0, sizeof(j));
	memset(&rj, 0, sizeof(rj));
	if (jobs < 1)
		jobs = 1;
	pthread_mutex_init(&j.lock, NULL);
	j.arts = arts;
	j.out = xcalloc(2 * per, sizeof(*j.out));
	x->nparts = jobs > 1 ? (size_t)jobs : 1;
	j.nparts = x->nparts;
	x->parts = xcalloc(x->nparts, sizeof(*x->parts));
	x->ndocs = n;
	x->dl = xcalloc(n ? n : 1, sizeof(*x->dl));
	x->te = xcalloc(n ? n : 1, sizeof(*x->te));
	x->bs = xcalloc(n ? n : 1, sizeof(*x->bs));
	if (memo != NULL) {
		(void)mkdir_p(memo);
		kj.arts = arts;
		kj.env = env;
		kj.dk = dk = xreallocarray(NULL, n ? n : 1, sizeof(*dk));
		kj.nk = nk = xreallocarray(NULL, n ? n : 1, sizeof(*nk));
		(void)par_for(n, jobs, keys_one, &kj);
	}
	sj.j = &j;
	/*
	 * The batches: per documents each; with a memo, cut where the
	 * documents' file names say (batch_cut).
	 */
	rj.memo = memo;
	rj.nparts = x->nparts;
	rj.cut = xcalloc(n + 1, sizeof(*rj.cut));
	rj.key = xcalloc(n + 1, sizeof(*rj.key));
	for (i = 0; i < n; i += m) {
		if (memo == NULL)
			m = n - i < per ? n - i : per;
		else
			for (m = 1; i + m < n &&
			    !batch_cut(nk[i + m - 1], m, per); m++)
				continue;
		key = hash_mix64(env ^ m ^ (uint64_t)per << 32);
		for (k = 0; memo != NULL && k < m; k++)
			key = hash_mix64(key ^ dk[i + k]);
		rj.cut[nb] = i;
		rj.key[nb++] = key;
	}
	rj.cut[nb] = n;
	rj.got = xcalloc(nb ? nb : 1, sizeof(*rj.got));
	x->b = xcalloc(nb ? nb : 1, sizeof(*x->b));
	x->nb = nb;
	/* With a memo, every batch read first (mapped: no copy held). */
	if (memo != NULL && reuse)
		(void)par_for(nb, jobs, batch_read, &rj);
	for (w = 0; w < nb; w++) {
		j.base = rj.cut[w];
		m = rj.cut[w + 1] - j.base;
		key = rj.key[w];
		sj.b = rj.got[w];
		rj.got[w] = NULL;
		if (sj.b == NULL) {
			ncounted++;
			par_for(m, jobs, count_one, &j);
			sj.b = bseg_new((uint32_t)m, x->nparts);
			par_for(x->nparts, jobs, seg_make, &sj);
			for (i = 0; i < m; i++) {
				d = &j.out[i];
				sj.b->dl[i] = d->dl;
				sj.b->te[i] = d->te;
				sj.b->bs[i] = d->bs;
				free(d->keys);
				free(d->pk);
				free(d->pat);
				free(d->wtf);
				free(d->npos);
				free(d->pbits);
				free(d->nhead);
				buf_free(&d->pos);
			}
			if (memo != NULL)
				bseg_write(memo, key, sj.b);
			bseg_refs(sj.b);
		}
		for (i = 0; i < m; i++) {
			x->dl[j.base + i] = sj.b->dl[i];
			x->te[j.base + i] = sj.b->te[i];
			x->bs[j.base + i] = sj.b->bs[i];
			sum += sj.b->dl[i];
		}
		x->b[w] = sj.b;
	}
	x->cut = rj.cut;
	par_for(x->nparts, jobs, seg_merge, x);
	free(rj.got);
	if (memo != NULL) {
		bseg_prune(memo, rj.key, nb);	/* sorts them */
		if (diag_verbosity > 1)
			fprintf(stderr, "folio:  index memo: %zu of %zu batches "
			    "counted\n", ncounted, nb);
	}
	free(rj.key);
	free(dk);
	free(nk);
	for (i = 0; i < x->nparts; i++)
		x->nterms += x->parts[i].nterms;
	x->avgdl = n ? sum / (double)n : 0;
	for (i = 0; i < j.npool; i++) {
		dcount_free(j.pool[i]);
		free(j.pool[i]);
	}
	free(j.out);
	pthread_mutex_destroy(&j.lock);
	return x;
}

/* par_for worker: join every term's postings of part p, each into a
 * buffer of its size, and let the segments go. */
static int
join_part(void *arg, size_t p)
{
	struct idx	*x = arg;
	struct tpart	*tp = &x->parts[p];
	struct buf	 b;
	size_t		 i;

	for (i = 0; tp->lz != NULL && i < tp->nterms; i++) {
		buf_init(&b);
		buf_grow(&b, tp->lz[i].plen);
		term_post(x, p, i, &b);
		tp->terms[i].post = b;
	}
	free(tp->lz);
	free(tp->segs);
	tp->lz = NULL;
	tp->segs = NULL;
	tp->nsegs = tp->segcap = 0;
	return 0;
}

/* The index of arts[0..n), every term's postings joined (for queries). */
struct idx *
idx_build(struct article *const *arts, size_t n, int jobs)
{
	struct idx	*x = idx_make(arts, n, jobs, NULL, 0, 0);
	size_t		 w;

	par_for(x->nparts, jobs > 0 ? jobs : 1, join_part, x);
	for (w = 0; w < x->nb; w++)
		bseg_free(x->b[w]);
	free(x->b);
	x->b = NULL;
	x->nb = 0;
	return x;
}

void
idx_free(struct idx *x)
{
	size_t	 p;

	if (x == NULL)
		return;
	for (p = 0; p < x->nparts; p++)
		tpart_free(&x->parts[p]);
	free(x->parts);
	for (p = 0; p < x->nb; p++)
		bseg_free(x->b[p]);
	free(x->b);
	free(x->cut);
	free(x->dl);
	free(x->te);
	free(x->bs);
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
 * normalized, after its field's name; the length, terms and field
 * bounds; then every term (single characters, white space as U+XXXX,
 * and pairs) with its weighted count, in byte order.  Appends to b.
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
	uint32_t	 dl, te, bs;

	doc_text(a, &d);
	for (i = 0; i < d.nblks; i++)
		buf_printf(b, "%-8s %.*s\n", fname[d.blks[i].field],
		    (int)d.blks[i].len, d.norm.p + d.blks[i].off);
	memset(&c, 0, sizeof(c));
	dl = count_terms(&d, &c, &te, &bs);
	buf_printf(b, "== %u characters, %zu terms, title to %u, body "
	    "from %u\n", dl, c.n, te, bs);
	v = xreallocarray(NULL, c.n + 1, sizeof(*v));
	buf_init(&k);
	for (i = 0; i < c.n; i++) {
		buf_truncate(&k, 0);
		if (c.tkey[i] >> 63 == 0 && seg_class((uint32_t)c.tkey[i]) ==
		    SEG_SPACE)
			buf_printf(&k, "U+%04X", (unsigned)c.tkey[i]);
		else
			key_text(&k, c.tkey[i]);
		memcpy(v[i].txt, k.p, k.len + 1);
		v[i].wtf = c.twtf[i];
	}
	qsort(v, c.n, sizeof(*v), dterm_cmp);
	for (i = 0; i < c.n; i++)
		buf_printf(b, "%s %u\n", v[i].txt, v[i].wtf);
	buf_free(&k);
	free(v);
	dcount_free(&c);
	doctext_free(&d);
}

/* ---- deciding queries with the index (what search.js does, in C) ---- */

/* One term's postings decoded: documents and, if positional, positions. */
struct tdocs {
	uint32_t	*doc;	/* ascending; owned */
	size_t		*off;	/* per doc: first entry in pos; n + 1; owned */
	uint32_t	*pos;	/* positions, ascending per doc; owned */
	size_t		 n;	/* entries in doc */
};

/* A reader of bits from bytes, high bit first (positions in memory). */
struct bitr {
	const unsigned char	*p;	/* borrowed */
	uint64_t		 i;	/* the next bit */
};

static unsigned
bit_get(struct bitr *r)
{
	unsigned	 b = r->p[r->i >> 3] >> (7 - (r->i & 7)) & 1;

	r->i++;
	return b;
}

/* The Rice code at r (rice_put). */
static uint64_t
rice_get(struct bitr *r, int k)
{
	uint64_t	 v = 0;
	int		 i;

	while (bit_get(r))
		v++;
	for (i = 0; i < k; i++)
		v = v << 1 | bit_get(r);
	return v;
}

static void
tdocs_get(const struct idx *x, uint64_t key, struct tdocs *td)
{
	const struct iterm *t = iterm_find(x, key);
	const unsigned char *s, *end;
	size_t		 i, c, j, nh, np = 0;
	long		 doc = -1, p;
	uint64_t	 v, nb;
	struct bitr	 r;
	int		 k;

	memset(td, 0, sizeof(*td));
	td->doc = xreallocarray(NULL, t ? t->df + 1 : 1, sizeof(*td->doc));
	td->off = xreallocarray(NULL, t ? t->df + 1 : 1, sizeof(*td->off));
	td->pos = xreallocarray(NULL, t ? t->post.len * 8 + 1 : 1,
	    sizeof(*td->pos));	/* at least a bit a position */
	td->off[0] = 0;
	if (t == NULL)
		return;
	s = (const unsigned char *)t->post.p;
	end = s + t->post.len;
	for (i = 0; s < end; i++) {
		v = uget(&s);
		if (!t->haspos) {
			doc += (long)(v / 2) + 1;
		} else {
			doc += (long)v + 1;
			c = uget(&s);
			nh = uget(&s) > 0 ? uget(&s) : 0;	/* before the body */
			nb = uget(&s);
			r.p = s;
			r.i = 0;
			k = rice_k(x->dl[doc], c);
			for (p = -1, j = 0; j < c; j++) {
				if (j == nh)	/* the body's count from its start */
					p = (long)x->bs[doc] - 1;
				p += (long)rice_get(&r, k) + 1;
				td->pos[np++] = (uint32_t)p;
			}
			s += (nb + 7) / 8;
		}
		td->doc[i] = (uint32_t)doc;
		td->off[i + 1] = np;
	}
	td->n = i;
}

static void
tdocs_free(struct tdocs *td)
{
	free(td->doc);
	free(td->off);
	free(td->pos);
}

/* Index of doc in td, or -1. */
static long
tdocs_at(const struct tdocs *td, uint32_t doc)
{
	uint32_t	*p = bsearch(&doc, td->doc, td->n, sizeof(*td->doc),
			    u32_cmp);

	return p ? (long)(p - td->doc) : -1;
}

/* Does td hold position pos in its i-th document? */
static int
has_at(const struct tdocs *td, long i, uint32_t pos)
{
	return bsearch(&pos, td->pos + td->off[i], td->off[i + 1] -
	    td->off[i], sizeof(*td->pos), u32_cmp) != NULL;
}

/* A term of a word's plan, found at off code points into the word. */
struct unit {
	uint64_t	 key;	/* term */
	size_t		 off;	/* code points from the word's start */
};

/*
 * How the index decides a word of m code points cp[]: u[] gets the
 * positional terms whose positions must line up (each run of two or
 * more word characters covered by as few pairs as may overlap, every
 * other character alone), loose[] the word characters that stand
 * alone in a longer word (a, - and b of "a-b"), which the index
 * cannot place.  A word of one character is that character.  u and
 * loose have room for m entries.  Returns the number of units; the
 * word is decided exactly if *nloose is 0.  search.js plans the same.
 */
static size_t
plan(const uint32_t *cp, size_t m, struct unit *u, uint32_t *loose,
    size_t *nloose)
{
	size_t	 i = 0, j, p, nu = 0;

	*nloose = 0;
	if (m == 1) {
		u[0].key = cp[0];
		u[0].off = 0;
		return 1;
	}
	while (i < m) {
		if (!word_char(cp[i])) {
			u[nu].key = cp[i];
			u[nu++].off = i++;
			continue;
		}
		for (j = i; j < m && word_char(cp[j]); j++)
			continue;
		if (j - i == 1)
			loose[(*nloose)++] = cp[i];
		for (p = i; j - i > 1 && p + 1 < j; p += 2) {
			u[nu].key = bigram_key(cp[p], cp[p + 1]);
			u[nu++].off = p;
		}
		if (j - i > 1 && (j - i) % 2 == 1) {
			u[nu].key = bigram_key(cp[j - 2], cp[j - 1]);
			u[nu++].off = j - 2;
		}
		i = j;
	}
	return nu;
}

/*
 * Decide word w[0..wn) for every document: res[d] = 2 if the index
 * proves d contains it, 1 if d may (only the text can tell), else 0.
 */
static void
word_docs(const struct idx *x, const char *w, size_t wn, unsigned char *res)
{
	struct tdocs	*td;
	struct unit	*u;
	uint32_t	*cp, *loose, *cnt, p;
	size_t		 i, k, m = 0, nu, nl, nt, d;
	long		*at;
	int		 ok;

	cp = xreallocarray(NULL, wn + 1, sizeof(*cp));
	for (i = 0; i < wn; i += k)
		k = utf8_decode(w + i, wn - i, &cp[m++]);
	u = xreallocarray(NULL, m + 1, sizeof(*u));
	loose = xreallocarray(NULL, m + 1, sizeof(*loose));
	nu = plan(cp, m, u, loose, &nl);
	nt = nu + nl;
	td = xcalloc(nt + 1, sizeof(*td));
	at = xcalloc(nt + 1, sizeof(*at));
	for (i = 0; i < nt; i++)
		tdocs_get(x, i < nu ? u[i].key : loose[i - nu], &td[i]);
	cnt = xcalloc(x->ndocs + 1, sizeof(*cnt));
	for (i = 0; i < nt; i++)
		for (k = 0; k < td[i].n; k++)
			cnt[td[i].doc[k]]++;
	for (d = 0; d < x->ndocs; d++) {
		res[d] = 0;
		if (nt == 0 || cnt[d] != nt)
			continue;
		ok = nu <= 1;	/* else the positions must line up */
		for (i = 0; !ok && i < nu; i++)
			at[i] = tdocs_at(&td[i], (uint32_t)d);
		for (k = ok ? 0 : td[0].off[at[0]];
		    !ok && k < td[0].off[at[0] + 1]; k++) {
			p = td[0].pos[k];
			if (p < u[0].off)
				continue;
			for (ok = 1, i = 1; ok && i < nu; i++)
				ok = has_at(&td[i], at[i],
				    (uint32_t)(p - u[0].off + u[i].off));
		}
		if (ok)
			res[d] = nl > 0 ? 1 : 2;
	}
	for (i = 0; i < nt; i++)
		tdocs_free(&td[i]);
	free(td);
	free(at);
	free(cnt);
	free(u);
	free(loose);
	free(cp);
}

/*
 * Documents the index gives for q: out[d] = 2 if the index proves d
 * matches, 1 if d may match (the text must tell), else 0.  A query
 * without words matches nothing.  Returns the number with out[d] != 0.
 * out has x->ndocs entries.
 */
size_t
idx_candidates(const struct idx *x, const struct idx_query *q,
    unsigned char *out)
{
	unsigned char	*in = xmalloc(x->ndocs ? x->ndocs : 1);
	size_t		 i, d, cnt = 0;

	memset(out, q->n > 0 ? 2 : 0, x->ndocs);
	for (i = 0; i < q->n; i++) {
		word_docs(x, q->words[i].text, q->words[i].len, in);
		for (d = 0; d < x->ndocs; d++) {
			if (!q->words[i].neg) {
				if (in[d] < out[d])
					out[d] = in[d];
			} else if (in[d] == 2)
				out[d] = 0;
			else if (in[d] == 1 && out[d] == 2)
				out[d] = 1;
		}
	}
	for (d = 0; d < x->ndocs; d++)
		if (out[d])
			cnt++;
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
	if (x->ndocs < 8000)
		return 256;
	return 512;
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
	uint32_t	 part;		/* t's part in struct idx ... */
	uint32_t	 ti;		/* ... and index there (term_post) */
	size_t		 len;		/* its postings' bytes */
	int		 big;		/* 1: in a file of its own */
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

/* ---- UTF-16 files ---- */

/*
 * A document chunk is UTF-16 text with control characters for
 * structure; a control character of the content itself (but '\n')
 * is C_ESC and the character + 0x40.
 */
#define C_DOC	0x1d	/* between documents */
#define C_ITEM	0x1e	/* between list items */
#define C_FLD	0x1f	/* between fields */
#define C_ESC	0x1b	/* the next unit is a control character + 0x40 */


/* Overwrite the code unit at byte offset at of b. */
static void
u16_set(struct buf *b, size_t at, unsigned u)
{
	b->p[at] = (char)(u & 0xff);
	b->p[at + 1] = (char)(u >> 8 & 0xff);
}

/*
 * UTF-8 s[0..n) as UTF-16LE, appended to b; with esc, control
 * characters but '\n' as C_ESC and the character + 0x40.  Chinese
 * text takes 2 bytes a character instead of 3, and browsers decode a
 * script by its byte order mark whatever the server's charset says.
 */
static void
u16_text(struct buf *b, const char *s, size_t n, int esc)
{
	unsigned char	*o;
	size_t		 i, k;
	uint32_t	 cp, u[2];
	int		 j, nu;

	buf_grow(b, 4 * n);	/* 4 bytes at most for each byte read */
	o = (unsigned char *)b->p + b->len;
	for (i = 0; i < n; i += k) {
		k = next_cp(s, n, i, &cp);
		nu = 0;
		if (esc && cp < 0x20 && cp != '\n') {
			u[nu++] = C_ESC;
			cp += 0x40;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[nu++] = 0xd800 | cp >> 10;
			cp = 0xdc00 | (cp & 0x3ff);
		}
		for (j = 0; j < nu; j++) {
			*o++ = (unsigned char)(u[j] & 0xff);
			*o++ = (unsigned char)(u[j] >> 8);
		}
		*o++ = (unsigned char)(cp & 0xff);
		*o++ = (unsigned char)(cp >> 8);
	}
	b->len = (size_t)((char *)o - b->p);
	b->p[b->len] = '\0';
}

static void
u16_str(struct buf *b, const char *s)
{
	u16_text(b, s, strlen(s), 0);
}

/*
 * A term's postings as written: k in 5 bits, gamma(df), then per
 * document Rice(gap, k) (gaps less one from -1, k from the mean gap)
 * and either a flag bit for weighted count > 1 (a word character: it
 * ranks only as "once" or "more") or, for a positional term,
 * gamma(count), gamma(weighted count - count + 1) and, if that is not
 * 1, gamma(positions before the body); after the last document, a
 * positional term's positions, document by document, each Rice(gap,
 * kp) with kp = rice_k(dl, count), dl the document's length from
 * meta.js.  Body positions count from the body's start (meta.js), so
 * an edit of title, tags or headings leaves them alone.  A one- or
 * two-character query reads no position.
 */
static void
put_term(struct bitw *w, const struct iterm *t, const struct buf *post,
    const struct idx *x)
{
	const unsigned char *s = (const unsigned char *)post->p;
	const unsigned char *end = s + post->len;
	uint64_t	 v, nb;
	int		 k = rice_k(x->ndocs - t->df, t->df);

	bits_put(w, (uint64_t)k, 5);
	gamma_put(w, t->df);
	while (s < end) {
		v = uget(&s);
		if (!t->haspos) {
			rice_put(w, v / 2, k);
			bits_put(w, v & 1, 1);
			continue;
		}
		rice_put(w, v, k);
		gamma_put(w, uget(&s));
		gamma_put(w, (v = uget(&s)) + 1);
		if (v > 0)
			gamma_put(w, uget(&s));
		s += (uget(&s) + 7) / 8;
	}
	for (s = (const unsigned char *)post->p; t->haspos && s < end; ) {
		(void)uget(&s);
		(void)uget(&s);
		if (uget(&s) > 0)
			(void)uget(&s);
		for (nb = uget(&s); nb >= 8; nb -= 8)
			bits_put(w, *s++, 8);
		if (nb > 0)
			bits_put(w, (uint64_t)(*s++ >> (8 - nb)), (int)nb);
	}
	bits_flush(w);
}

/* What the shard and chunk writers share across par_for workers. */
struct wjob {
	const struct idx	*x;	/* borrowed */
	struct sterm		*v;	/* terms sorted by shard, text; borrowed */
	size_t			*start;	/* per shard: first entry in v, +1 end */
	size_t			 big;	/* bytes: longer postings have a file */
	struct article *const	*arts;	/* borrowed (chunks) */
	size_t			 narts;	/* entries in arts */
	struct output		*out;	/* borrowed */
	const struct keeper	*keep;	/* or NULL; borrowed */
	struct libdeflate_compressor **dc; /* per worker (chunks); owned */
};

/*
 * A term file: BOM, folioSearch.terms(id, "term\nterm...", "entries")
 * in UTF-16LE, keys JSON-escaped UTF-8, data entries as code units.
 */
static int
put_terms(struct output *out, const char *rel, const char *id,
    const struct buf *keys, const struct buf *data)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	u16_put(&b, 0xfeff);
	u16_str(&b, "folioSearch.terms(");
	u16_str(&b, id);
	u16_str(&b, ",\"");
	u16_text(&b, keys->p, keys->len, 0);
	u16_str(&b, "\",\"");
	buf_put(&b, data->p, data->len);
	u16_str(&b, "\");\n");
	rc = out_put(out, rel, b.p, b.len);
	buf_free(&b);
	return rc;
}

/* The name of a big term's file: its code points in hex, '-' between. */
static void
big_name(char *name, size_t sz, uint64_t key)
{
	if (key >> 63)
		snprintf(name, sz, "%x-%x", (unsigned)(key >> 21 & 0x1fffff),
		    (unsigned)(key & 0x1fffff));
	else
		snprintf(name, sz, "%x", (unsigned)key);
}

/* Term i's entry (postings post) into ent: put_term's bits, its
 * length first. */
static void
entry_enc(const struct wjob *w, size_t i, const struct buf *post,
    struct buf *ent)
{
	struct bitw	 bw;

	buf_truncate(ent, 0);
	u16_put(ent, U16BASE);	/* the entry's length, below */
	u16_put(ent, U16BASE);
	memset(&bw, 0, sizeof(bw));
	bw.b = ent;
	put_term(&bw, w->v[i].t, post, w->x);
	u16_set(ent, 0, U16BASE + (unsigned)(bw.units >> 15 & 0x7fff));
	u16_set(ent, 2, U16BASE + (unsigned)(bw.units & 0x7fff));
}

/*
 * What term i's entry is made from (put_term): the document count (its
 * Rice parameter), the term, its postings' bytes; and the program.
 */
static uint64_t
entry_key(const struct wjob *w, size_t i, const struct buf *post)
{
	const struct iterm *t = w->v[i].t;
	uint64_t	 h;

	h = hash_mix64(w->keep->env ^ (uint64_t)w->x->ndocs << 1 ^
	    (uint64_t)t->haspos);
	h = hash_mix64(h ^ t->key ^ (uint64_t)t->df << 32);
	return hash_words(post->p, post->len, h);
}

/* Term i's postings (term_post into scratch). */
static const struct buf *
sterm_post(const struct wjob *w, size_t i, struct buf *scratch)
{
	return term_post(w->x, w->v[i].part, w->v[i].ti, scratch);
}

/*
 * Ask the keeper whether rel, made from key, is as the last build
 * published it (then it stays).  Returns 1 if so, 0 when it is to be
 * written (always without a keeper), -1 after a message.
 */
static int
kept(const struct wjob *w, const char *rel, uint64_t key)
{
	return w->keep != NULL ? w->keep->keep(w->keep->arg, rel, key) : 0;
}

/*
 * par_for worker: term shard s, and a file of its own for each of its
 * big terms.  Encoding is most of the work: with a keeper, a file the
 * last build made from the same entries (entry_key) is kept as it is.
 */
static int
shard_one(void *arg, size_t s)
{
	struct wjob	*w = arg;
	struct buf	 keys, data, one, ent, scratch;
	const struct buf *post;
	size_t		 i;
	uint64_t	 key = 0;
	char		 trel[64], rel[64], name[32], id[40];
	int		 rc = 0, k = 0;

	buf_init(&keys);
	buf_init(&data);
	buf_init(&one);
	buf_init(&ent);
	buf_init(&scratch);
	snprintf(trel, sizeof(trel), "search/t-%03zu.js", s);
	if (w->keep != NULL) {
		key = hash_mix64(w->keep->env ^ s);
		for (i = w->start[s]; i < w->start[s + 1]; i++)
			if (!w->v[i].big)
				key = hash_mix64(key ^ entry_key(w, i,
				    sterm_post(w, i, &scratch)));
	}
	if ((k = kept(w, trel, key)) == -1)
		rc = -1;
	for (i = w->start[s]; i < w->start[s + 1] && rc == 0; i++) {
		if (w->v[i].big) {
			big_name(name, sizeof(name), w->v[i].t->key);
			snprintf(rel, sizeof(rel), "search/b-%s.js", name);
			post = sterm_post(w, i, &scratch);
			switch (kept(w, rel, w->keep != NULL ?
			    entry_key(w, i, post) : 0)) {
			case -1:
				rc = -1;
				continue;
			case 1:
				continue;
			}
			entry_enc(w, i, post, &ent);
			buf_truncate(&one, 0);
			esc_json(&one, w->v[i].txt, strlen(w->v[i].txt));
			snprintf(id, sizeof(id), "\"b%s\"", name);
			if (put_terms(w->out, rel, id, &one, &ent) == -1)
				rc = -1;
		} else if (k == 0) {
			if (data.len > 0)
				buf_puts(&keys, "\\n");
			esc_json(&keys, w->v[i].txt, strlen(w->v[i].txt));
			entry_enc(w, i, sterm_post(w, i, &scratch), &ent);
			buf_put(&data, ent.p, ent.len);
		}
	}
	snprintf(id, sizeof(id), "%zu", s);
	if (rc == 0 && k == 0 && put_terms(w->out, trel, id, &keys, &data) == -1)
		rc = -1;
	buf_free(&keys);
	buf_free(&data);
	buf_free(&one);
	buf_free(&ent);
	buf_free(&scratch);
	return rc;
}

/*
 * The term shards: t-NNN.js is folioSearch.terms(N, "term\nterm...",
 * "entries"), terms in byte order, each entry two code units of its
 * length in code units (high 15 bits first) and put_term's bits; a
 * big term, one whose postings are longer than a quarter of a shard's
 * on average, is alone in b-HEX.js, folioSearch.terms("bHEX", "term",
 * "entry") (meta.js lists them): a query never loads a shard that
 * another query's term fills.  Every shard is written, empty or not.
 * Fills w (the caller frees w->v and w->start).
 */
static int
write_shards(const struct idx *x, unsigned nshards, struct output *out,
    const struct keeper *keep, int jobs, struct wjob *w)
{
	struct buf	 k;
	const struct iterm *t;
	size_t		 i, j, p, total;
	int		 rc;

	w->x = x;
	w->out = out;
	w->keep = keep;
	buf_init(&k);
	w->v = xcalloc(x->nterms + 1, sizeof(*w->v));
	for (j = p = total = 0; p < x->nparts; p++)
		for (i = 0; i < x->parts[p].nterms; i++, j++) {
			t = &x->parts[p].terms[i];
			w->v[j].shard = shard_of(t->key, nshards);
			buf_truncate(&k, 0);
			key_text(&k, t->key);
			memcpy(w->v[j].txt, k.p, k.len + 1);
			w->v[j].t = t;
			w->v[j].part = (uint32_t)p;
			w->v[j].ti = (uint32_t)i;
			w->v[j].len = term_len(x, p, i);
			total += w->v[j].len;
		}
	qsort(w->v, x->nterms, sizeof(*w->v), sterm_cmp);
	w->start = xcalloc(nshards + 1, sizeof(*w->start));
	for (i = j = 0; i <= nshards; i++) {
		while (j < x->nterms && w->v[j].shard < i)
			j++;
		w->start[i] = j;
	}
	w->big = total / nshards / 4;
	for (i = 0; i < x->nterms; i++)
		w->v[i].big = w->v[i].len > w->big;
	rc = par_for(nshards, jobs, shard_one, w);
	buf_free(&k);
	return rc;
}

static void
chunk_str(struct buf *b, const char *s, size_t n)
{
	u16_text(b, s, n, 1);
}

static void
chunk_list(struct buf *b, const struct val *l)
{
	size_t	 i;

	for (i = 0; l != NULL && l->type == V_LIST && i < l->n; i++) {
		if (i)
			u16_put(b, C_ITEM);
		if (l->kids[i]->type == V_STR)
			chunk_str(b, l->kids[i]->s, l->kids[i]->slen);
	}
}

/*
 * One document of a chunk, fields in stream order, C_FLD between:
 * slug, title, place, date, region (C_ITEM between items), byline,
 * organization, authors (items), tags (items), headings (items),
 * body lines joined by '\n', with headings and body split from
 * a->text the way doc_text() splits them.
 */
static void
chunk_doc(struct buf *b, const struct article *a)
{
	const char	*f[] = { a->slug, a->title, a->place, a->date };
	const char	*p, *nl;
	size_t		 i, n, h;
	int		 pass, first;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i] != NULL)
			chunk_str(b, f[i], strlen(f[i]));
		u16_put(b, C_FLD);
	}
	chunk_list(b, a->region);
	u16_put(b, C_FLD);
	if (a->byline != NULL)
		chunk_str(b, a->byline, strlen(a->byline));
	u16_put(b, C_FLD);
	if (a->organization != NULL)
		chunk_str(b, a->organization, strlen(a->organization));
	u16_put(b, C_FLD);
	chunk_list(b, a->authors);
	u16_put(b, C_FLD);
	chunk_list(b, a->tags);
	for (pass = 0; pass < 2; pass++) {
		u16_put(b, C_FLD);
		h = 0;
		first = 1;
		for (p = a->text ? a->text : ""; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			n = nl ? (size_t)(nl - p) : strlen(p);
			if (is_head(a, h, p, n) ? (h++, pass == 0) :
			    (pass == 1 && n > 0)) {
				if (!first)
					u16_put(b, pass == 0 ? C_ITEM : '\n');
				chunk_str(b, p, n);
				first = 0;
			}
			if (nl == NULL)
				break;
		}
	}
}

/*
 * deflate (raw, no header) of s[0..n) at IDX_LEVEL, appended to b, with
 * the worker's compressor in *c (made at its first chunk).  libdeflate's
 * output depends only on its input, level and version.  Measured on the
 * 10k archive, against zlib's level 3: the chunks 0.3% bigger, the
 * document files written in 0.20-0.21 s instead of 0.35-0.38 s.
 */
static void
deflate_raw(struct libdeflate_compressor **c, struct buf *b, const char *s,
    size_t n)
{
	size_t		 bound, got;

	if (*c == NULL && (*c = libdeflate_alloc_compressor(IDX_LEVEL)) == NULL)
		errx_fatal("libdeflate: out of memory");
	bound = libdeflate_deflate_compress_bound(*c, n);
	buf_grow(b, bound);
	if ((got = libdeflate_deflate_compress(*c, s, n, b->p + b->len,
	    bound)) == 0)
		errx_fatal("libdeflate: deflate failed");
	b->len += got;
	b->p[b->len] = '\0';
}

/*
 * What chunk_doc writes of article a, hashed from the fields as they
 * are (converting them is what a kept chunk need not do).
 */
static uint64_t
chunk_doc_key(const struct article *a, uint64_t h)
{
	const char	*f[] = { a->slug, a->date };
	size_t		 i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		h = f[i] != NULL ? hash_words(f[i], strlen(f[i]) + 1, h) :
		    hash_mix64(h ^ (i + 1));
	return doc_key(a, h);	/* and what the index reads of it */
}

/*
 * par_for worker: d-NNNN.js, folioSearch.docs(N, bytes, "packed"): the
 * chunk's documents (chunk_doc) in UTF-16LE, deflated, 15 bits a code
 * unit as the term shards are; search.js inflates them with its own
 * inflater (inflateRaw), at once.
 */
static int
chunk_one(void *arg, size_t c)
{
	struct wjob	*w = arg;
	struct buf	 b, u, z;
	struct bitw	 bw;
	size_t		 i;
	uint64_t	 key;
	char		 rel[64], name[64];
	int		 rc;

	snprintf(name, sizeof(name), "search/d-%04zu.js", c);
	/* Converting and deflating are the work: not for a chunk the last
	 * build wrote from the same documents (its key: the program,
	 * libdeflate's version, the chunk's number and its documents'
	 * fields). */
	if (w->keep != NULL) {
		key = hash64(LIBDEFLATE_VERSION_STRING,
		    strlen(LIBDEFLATE_VERSION_STRING), w->keep->env ^ c);
		for (i = c * IDX_CHUNK; i < w->narts &&
		    i < (c + 1) * IDX_CHUNK; i++)
			key = chunk_doc_key(w->arts[i], key);
		if ((rc = w->keep->keep(w->keep->arg, name, key)) != 0)
			return rc == 1 ? 0 : -1;
	}
	buf_init(&b);
	buf_init(&u);
	buf_init(&z);
	for (i = c * IDX_CHUNK; i < w->narts && i < (c + 1) * IDX_CHUNK; i++) {
		if (i > c * IDX_CHUNK)
			u16_put(&u, C_DOC);
		chunk_doc(&u, w->arts[i]);
	}
	deflate_raw(&w->dc[par_worker()], &z, u.p, u.len);
	u16_put(&b, 0xfeff);
	snprintf(rel, sizeof(rel), "folioSearch.docs(%zu,%zu,\"", c, z.len);
	u16_str(&b, rel);
	memset(&bw, 0, sizeof(bw));
	bw.b = &b;
	buf_grow(&b, z.len * 16 / 15 + 4);
	for (i = 0; i < z.len; i++)
		bits_put(&bw, (unsigned char)z.p[i], 8);
	bits_flush(&bw);
	u16_str(&b, "\");\n");
	rc = out_put(w->out, name, b.p, b.len);
	buf_free(&b);
	buf_free(&u);
	buf_free(&z);
	return rc;
}

static int
write_docs(struct article *const *arts, size_t n, struct output *out,
    const struct keeper *keep, int jobs)
{
	struct wjob	 w;
	int		 i, rc;

	memset(&w, 0, sizeof(w));
	w.arts = arts;
	w.narts = n;
	w.out = out;
	w.keep = keep;
	w.dc = xcalloc((size_t)jobs, sizeof(*w.dc));
	rc = par_for((n + IDX_CHUNK - 1) / IDX_CHUNK, jobs, chunk_one, &w);
	for (i = 0; i < jobs; i++)
		libdeflate_free_compressor(w.dc[i]);
	free(w.dc);
	return rc;
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

/* Room for n more in *l (*cap entries): doubled when short. */
static void
vals_room(const char ***l, size_t *cap, size_t n)
{
	if (n > *cap) {
		*cap = n > 2 * *cap ? n : 2 * *cap;
		*l = xreallocarray(*l, *cap, sizeof(**l));
	}
}

/*
 * Facet f's values of article a into *l (borrowed strings; *cap
 * entries, grown as needed), *n of them.
 */
static void
facet_values(const struct article *a, int f, const char ***l, size_t *cap,
    size_t *n)
{
	size_t	 i;

	*n = 0;
	if (f == FC_PROVINCE && a->region != NULL && a->region->n > 0) {
		vals_room(l, cap, 1);
		(*l)[(*n)++] = a->region->kids[0]->s;
	} else if (f == FC_TAG && a->tags != NULL) {
		vals_room(l, cap, a->tags->n);
		for (i = 0; i < a->tags->n; i++)
			(*l)[(*n)++] = a->tags->kids[i]->s;
	} else if (f == FC_SOURCE) {
		vals_room(l, cap, (a->authors ? a->authors->n : 0) + 1);
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
 * lengths (dl), each document's field bounds (fb: first position after
 * the title, then the distance from there to the body), the big terms
 * (those in files of their own, w) and the facet tables with each
 * document's facet values.
 */
static int
write_meta(const struct idx *x, struct article *const *arts, size_t n,
    unsigned nshards, const struct wjob *w, struct output *out)
{
	struct buf	 b, fd;
	char		**tab[FC__MAX], **big = NULL;
	size_t		 ntab[FC__MAX], i, j, k, nv, vcap = 0, tcap;
	const char	**vals = NULL;
	int		 f, rc;

	buf_init(&b);
	buf_init(&fd);
	for (f = 0; f < FC__MAX; f++) {
		tab[f] = NULL;
		ntab[f] = tcap = 0;
		for (i = 0; i < n; i++) {
			facet_values(arts[i], f, &vals, &vcap, &nv);
			if (ntab[f] + nv + 1 > tcap) {
				tcap = 2 * (ntab[f] + nv + 1);
				tab[f] = xreallocarray(tab[f], tcap,
				    sizeof(*tab[f]));
			}
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
			facet_values(arts[i], f, &vals, &vcap, &nv);
			vput(&fd, nv);
			for (j = 0; j < nv; j++)
				vput(&fd, (uint64_t)find_str(tab[f], ntab[f],
				    vals[j]));
		}
	buf_printf(&b, "folioSearch.meta({\"v\":2,\"n\":%zu,\"shards\":%u,"
	    "\"chunk\":%d,\"avgdl\":%.3f,\"dl\":\"", n, nshards, IDX_CHUNK,
	    x->avgdl);
	for (i = 0; i < n; i++)
		vput(&b, x->dl[i]);
	buf_puts(&b, "\",\n\"fb\":\"");
	for (i = 0; i < n; i++) {
		vput(&b, x->te[i]);
		vput(&b, x->bs[i] - x->te[i]);
	}
	buf_puts(&b, "\",\n\"big\":\"");
	big = xreallocarray(NULL, x->nterms + 1, sizeof(*big));
	for (i = j = 0; w->v != NULL && i < x->nterms; i++)
		if (w->v[i].big)
			big[j++] = (char *)w->v[i].txt;
	qsort(big, j, sizeof(*big), str_cmp);
	for (k = 0; k < j; k++) {
		if (k)
			buf_puts(&b, "\\n");
		esc_json(&b, big[k], strlen(big[k]));
	}
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
	free(big);
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
 * arts[0..n) (drafts already left out by the caller) through out; with
 * a keeper, a document chunk the last build made from the same text is
 * kept, not deflated again.  Every article needs slug, text and heads
 * set.  Output depends only on the articles.  Returns 0, or -1 after
 * out_put printed why.
 */
int
idx_write(const struct site *site, struct article *const *arts, size_t n,
    const struct keeper *keep, struct output *out)
{
	struct article	**v;
	struct idx	*x;
	struct wjob	 w;
	unsigned	 nshards;
	int		 rc = -1, jobs = site != NULL && site->jobs > 0 ?
			    site->jobs : 1;

	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	memcpy(v, arts, n * sizeof(*v));
	qsort(v, n, sizeof(*v), art_cmp);
	x = idx_make(v, n, jobs, keep != NULL ? keep->memo : NULL,
	    keep != NULL && keep->reuse, keep != NULL ? keep->env : 0);
	nshards = shard_count(x);
	memset(&w, 0, sizeof(w));
	if (nshards > 0 &&
	    write_shards(x, nshards, out, keep, jobs, &w) == -1)
		goto out;
	if (write_meta(x, v, n, nshards, &w, out) == -1)
		goto out;
	if (write_docs(v, n, out, keep, jobs) == -1)
		goto out;
	rc = 0;
out:
	free(w.v);
	free(w.start);
	idx_free(x);
	free(v);
	return rc;
}
