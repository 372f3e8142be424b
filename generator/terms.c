/*
 * terms.c: analyse stage, part one.  Takes the loaded articles (title
 * and plain text, normalized by segment.c) and finds the archive's
 * words and domain terms: Han n-grams of 2-4 characters that recur in
 * several articles, stand free on both sides, are not just part of a
 * longer term, and start and end where ICU puts word boundaries.
 * Hands on the vocabulary and, per article, its terms weighted by
 * tf-idf, for topics (taxonomy.c) and related articles (related.c).
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

#define NG_MIN		2	/* characters in the shortest term */
#define NG_MAX		4	/* ... and the longest (4 x 16-bit ids = a key) */
#define AV_CAP		4	/* distinct neighbours remembered per side */
#define AV_MIN		2	/* a term has this many on each side */
#define NSAMPLE		3	/* occurrences checked against ICU words */
#define MAX_DF_PCT	60	/* in more articles than this, too common */
#define DOMINATED	0.9	/* share inside one longer term that makes a fragment */
#define WINDOW		12	/* characters of context for the ICU check */
#define CROSS_PCT	30	/* share of one neighbour that may make a word */
#define CHUNK		256	/* articles counted between merges */
#define DISCOVER	3000	/* articles terms are found in, at most */
#define TOPUP_MAX	16	/* new terms counted alone, at most */
#define DELTA_MAX	16	/* sample articles changed, at most, to
				 * find the vocabulary by what changed */

/*
 * Han characters as dense 16-bit ids (0: not a term character): CJK
 * Extension A and the Unified Ideographs, compatibility ideographs that
 * survive NFKC, and 〇.
 */
static unsigned
han_id(uint32_t cp)
{
	if (cp >= 0x3400 && cp <= 0x9fff && (cp < 0x4dc0 || cp > 0x4dff))
		return cp - 0x3400 + 1;
	if (cp >= 0xf900 && cp <= 0xfaff)
		return 0x6c01 + (cp - 0xf900);
	if (cp == 0x3007)
		return 0x6e01;
	return 0;
}

/* A run of letters or digits: not part of a term, but a neighbour. */
#define ID_ALNUM	0x7fff

static int
term_char(unsigned id)
{
	return id != 0 && id != ID_ALNUM;
}

static uint32_t
id_cp(unsigned id)
{
	if (id == 0x6e01)
		return 0x3007;
	if (id >= 0x6c01)
		return 0xf900 + (id - 0x6c01);
	return 0x3400 + id - 1;
}

/*
 * Characters that start phrases, not terms: function words, measure
 * words (13个小区, 5名党员), the ends of place and body names (定陶区|
 * 坚持, 业委会|成员) ...; and characters that end phrases (的, 了) or
 * start the next word (治理新|格局, 小区党|支部).
 */
static const char stop_head[] = "的了和与及是在对把被将从向也都而并或其这那就又还让使由给该各每所个名余次年月日项位万亿元张等区县会委化到";
static const char stop_tail[] = "的了和与及是在对把被将从向也都而并或其这那就又还让使由给着过们等地得之以为于新党中进联";

/*
 * Two-character words that start phrases, not terms: the verbs and
 * adverbs of report prose (推动|基层, 实现|物业).
 */
static const char stop_lead[] = "推动实现加强强化推进提升打造建立开展坚持深化完善健全构建探索发挥促进带动引导落实做好抓好聚焦围绕依托通过进行持续不断全面积极有效切实着力注重大力扎实统筹形成组建建设截至今年目前近年";

/* Is id one of the characters of the UTF-8 list s? */
static int
in_list(const char *s, unsigned id)
{
	size_t		 i, n = strlen(s);
	uint32_t	 cp;

	for (i = 0; i < n; ) {
		i += utf8_decode(s + i, n - i, &cp);
		if (han_id(cp) == id)
			return 1;
	}
	return 0;
}

/* Does key k (len characters) start with a stop_lead word? */
static int
stop_leading(uint64_t k, int len)
{
	size_t		 i, n = strlen(stop_lead);
	uint32_t	 a, b;
	unsigned	 c0 = (unsigned)(k >> 48), c1 = (unsigned)(k >> 32) &
			    0xffff;

	if (len < 3)
		return 0;
	for (i = 0; i + 6 <= n; i += 6) {
		utf8_decode(stop_lead + i, 3, &a);
		utf8_decode(stop_lead + i + 3, 3, &b);
		if (han_id(a) == c0 && han_id(b) == c1)
			return 1;
	}
	return 0;
}

/*
 * One article's text as character ids: Han characters by han_id(), a
 * run of letters and digits as one ID_ALNUM ("12个" is not "个" at the
 * start of a phrase), any other run as one 0 (a text edge).
 */
/* A forced term that is not 2-4 Han characters, found by substring. */
struct lhit {
	size_t		 k;		/* which: index into the long ones */
	uint16_t	 tf, ttf;	/* occurrences, of them in the title */
};

struct chars {
	uint16_t	*id;		/* ids; owned unless mapped */
	int		 mapped;	/* id points into the memo (find_delta) */
	size_t		 n;		/* entries in id */
	size_t		 ntitle;	/* the first ntitle are the title */
	struct lhit	*lh;		/* long forced terms found in it; owned */
	size_t		 nlh;		/* entries in lh */
};

/* An n-gram's key: its ids packed 16 bits each, first in the top. */
static uint64_t
pack(const uint16_t *id, int len)
{
	uint64_t	 k = 0;
	int		 i;

	for (i = 0; i < NG_MAX; i++)
		k = k << 16 | (i < len ? id[i] : 0);
	return k;
}

/* The first plen characters of k. */
static uint64_t
key_prefix(uint64_t k, int plen)
{
	return plen <= 0 ? 0 : k & ~(uint64_t)0 << (16 * (NG_MAX - plen));
}

/* All but the first character of k. */
static uint64_t
key_suffix(uint64_t k)
{
	return k << 16;
}

/* The UTF-8 text of key k; caller frees. */
static char *
key_text(uint64_t k)
{
	struct buf	 b;
	unsigned	 id;
	int		 i;

	buf_init(&b);
	for (i = 0; i < NG_MAX; i++) {
		id = (unsigned)(k >> (16 * (NG_MAX - 1 - i))) & 0xffff;
		if (id == 0)
			break;
		utf8_put(&b, id_cp(id));
	}
	return buf_take(&b);
}

/* What the archive says about one n-gram. */
struct gram {
	uint64_t	 key;		/* packed ids; 0 marks an empty slot */
	uint32_t	 df;		/* articles using it */
	uint32_t	 tf;		/* occurrences in all */
	uint32_t	 sup;		/* tf of the most frequent one-longer gram holding it */
	uint32_t	 id;		/* in the vocabulary map: the term's id */
	uint16_t	 l[AV_CAP];	/* distinct characters seen before it */
	uint16_t	 r[AV_CAP];	/* ... and after it */
	uint32_t	 lc[AV_CAP];	/* times each of l was seen */
	uint32_t	 rc[AV_CAP];	/* ... and each of r */
	uint8_t		 nl, nr;	/* entries used in l and r */
	uint8_t		 el, er;	/* times at a text edge (capped) */
	uint8_t		 nsamp;		/* entries used in sart, spos */
	uint32_t	 sart[NSAMPLE];	/* sample occurrences: article */
	uint32_t	 spos[NSAMPLE];	/* ... and character position */
};

/* An open-addressing map of grams by key. */
struct gmap {
	struct gram	*g;	/* cap slots; owned */
	size_t		 cap;	/* a power of two */
	size_t		 n;	/* slots used */
};

static struct gram *
gmap_find(const struct gmap *m, uint64_t key)
{
	size_t	 j;

	if (m->cap == 0)
		return NULL;
	for (j = hash_mix64(key) & (m->cap - 1); m->g[j].key != 0;
	    j = (j + 1) & (m->cap - 1))
		if (m->g[j].key == key)
			return &m->g[j];
	return NULL;
}

static struct gram *
gmap_get(struct gmap *m, uint64_t key)
{
	struct gram	*old;
	size_t		 j, i, oldcap;

	if ((m->n + 1) * 4 > m->cap * 3) {
		old = m->g;
		oldcap = m->cap;
		m->cap = m->cap ? m->cap * 2 : 1024;
		m->g = xcalloc(m->cap, sizeof(*m->g));
		for (i = 0; i < oldcap; i++) {
			if (old[i].key == 0)
				continue;
			for (j = hash_mix64(old[i].key) & (m->cap - 1);
			    m->g[j].key != 0; j = (j + 1) & (m->cap - 1))
				continue;
			m->g[j] = old[i];
		}
		free(old);
	}
	for (j = hash_mix64(key) & (m->cap - 1); m->g[j].key != 0;
	    j = (j + 1) & (m->cap - 1))
		if (m->g[j].key == key)
			return &m->g[j];
	m->g[j].key = key;
	m->n++;
	return &m->g[j];
}

/* Keep only grams used by at least min_df articles. */
static void
gmap_prune(struct gmap *m, uint32_t min_df)
{
	struct gmap	 k;
	size_t		 i;

	memset(&k, 0, sizeof(k));
	for (i = 0; i < m->cap; i++)
		if (m->g[i].key != 0 && m->g[i].df >= min_df)
			*gmap_get(&k, m->g[i].key) = m->g[i];
	free(m->g);
	*m = k;
}

/*
 * The vocabulary as hits_one reads it at every character: each term's
 * key with its id, each term's first two characters (id VL_PREFIX when
 * not a term themselves), and a bit per pair of characters that may
 * start one (hashed: a bit set for a pair that starts none costs a
 * lookup, never a miss), in 16 bytes a slot rather than a struct gram,
 * so the lookups stay in cache.  Also a set of grams (count_one).
 */
#define VL_PREFIX	UINT32_MAX
#define VL_CHARS	0x6e02		/* han_id()'s range */
#define VL_PAIRS	65536		/* bits in the pair filter */

struct vslot {
	uint64_t	 key;		/* 0: empty */
	uint32_t	 id;		/* term id, or VL_PREFIX */
};

struct vlook {
	struct vslot	*s;		/* cap slots; owned */
	size_t		 cap;		/* a power of two */
	size_t		 n;		/* grams in it */
	uint64_t	 pair[VL_PAIRS / 64]; /* bit vl_pair(): two characters
					 * that may start a key (8 KB) */
};

/* The bit of vlook's pair filter for a key starting with ids a, b. */
static unsigned
vl_pair(unsigned a, unsigned b)
{
	return (a * 40503u ^ b) & (VL_PAIRS - 1);
}

static struct vslot *
vl_slot(const struct vlook *v, uint64_t key)
{
	size_t	 j;

	for (j = hash_mix64(key) & (v->cap - 1); v->s[j].key != 0 &&
	    v->s[j].key != key; j = (j + 1) & (v->cap - 1))
		continue;
	return &v->s[j];
}

/*
 * The lookup for vocab (its grams' ids), with their first two
 * characters when prefixes is 1; vl_free frees it.
 */
static void
vl_make(struct vlook *v, const struct gmap *vocab, int prefixes)
{
	struct vslot	*e;
	size_t		 i;
	unsigned	 c;

	memset(v, 0, sizeof(*v));
	v->n = vocab->n;
	for (v->cap = 16; v->cap < vocab->n * 4; v->cap *= 2)
		continue;	/* both kinds of key: at most half full */
	v->s = xcalloc(v->cap, sizeof(*v->s));
	for (i = 0; i < vocab->cap; i++) {
		if (vocab->g[i].key == 0)
			continue;
		e = vl_slot(v, vocab->g[i].key);
		e->key = vocab->g[i].key;
		e->id = vocab->g[i].id;
		e = vl_slot(v, key_prefix(vocab->g[i].key, NG_MIN));
		if (prefixes && e->key == 0) {
			e->key = key_prefix(vocab->g[i].key, NG_MIN);
			e->id = VL_PREFIX;
		}
		c = vl_pair((unsigned)(vocab->g[i].key >> 48),
		    (unsigned)(vocab->g[i].key >> 32) & 0xffff);
		v->pair[c / 64] |= (uint64_t)1 << (c % 64);
	}
}

static void
vl_free(struct vlook *v)
{
	free(v->s);
}

/*
 * Count neighbour c in set s (*n used, counts in cnt): the first AV_CAP
 * distinct ones are remembered; a text edge (0) only counts.
 */
static void
av_add(uint16_t *s, uint32_t *cnt, uint8_t *n, uint8_t *edges, unsigned c)
{
	uint8_t	 i;

	if (c == 0) {
		if (*edges < AV_CAP)
			(*edges)++;
		return;
	}
	for (i = 0; i < *n; i++)
		if (s[i] == c) {
			cnt[i]++;
			return;
		}
	if (*n < AV_CAP) {
		cnt[*n] = 1;
		s[(*n)++] = (uint16_t)c;
	}
}

static int
av(uint8_t n, uint8_t edges)
{
	return n + edges > AV_CAP ? AV_CAP : n + edges;
}

/* One occurrence during counting. */
struct occ {
	uint64_t	 key;	/* the gram */
	uint32_t	 pos;	/* character position */
	uint16_t	 l, r;	/* neighbours, 0 at an edge */
};

/*
 * A radix sort's pass over n entries whose byte counts are cnt: 0 when
 * they all share the byte (of the first, first), else 1 with cnt turned
 * into where each byte's entries start.
 */
static int
radix_starts(size_t *cnt, size_t n, unsigned first)
{
	size_t	 i, sum, c;

	if (cnt[first] == n)
		return 0;
	for (i = 0, sum = 0; i < 256; i++) {
		c = cnt[i];
		cnt[i] = sum;
		sum += c;
	}
	return 1;
}

/*
 * Sort o[0..n) by key, keeping text order among equal keys: an LSD
 * radix sort, a byte at a time, skipping bytes all keys share (the low
 * ones of short grams).  Stable, so no position tie-break is needed.
 * *tmp (*tcap entries) is scratch space, grown here.
 */
static void
occ_sort(struct occ *o, size_t n, struct occ **tmp, size_t *tcap)
{
	struct occ	*src = o, *dst, *sw;
	size_t		 cnt[256], i;
	int		 byte;

	if (n < 2)
		return;
	if (*tcap < n) {
		*tcap = n;
		*tmp = xreallocarray(*tmp, n, sizeof(**tmp));
	}
	dst = *tmp;
	for (byte = 0; byte < 8; byte++) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[(src[i].key >> (8 * byte)) & 0xff]++;
		if (!radix_starts(cnt, n, (src[0].key >> (8 * byte)) & 0xff))
			continue;
		for (i = 0; i < n; i++)
			dst[cnt[(src[i].key >> (8 * byte)) & 0xff]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != o)
		memcpy(o, src, n * sizeof(*o));
}

/* A worker's occurrences of the articles it counted in a chunk. */
struct obuf {
	struct occ	*o;		/* owned */
	size_t		 n, cap;	/* entries used, allocated */
	struct occ	*tmp;		/* occ_sort's scratch; owned */
	size_t		 tcap;		/* its entries */
};

/*
 * Counting state shared by the workers of one pass.  Chunks are counted
 * into ob[cur] while one worker folds the chunk before, in ob[!cur],
 * into the map (merge_occ: one thread, in article order).  A worker's
 * buffers are kept from chunk to chunk: no allocation an article.
 */
struct count {
	struct chars	*cs;		/* by article; borrowed */
	struct gmap	*shorter;	/* grams one shorter, pruned; borrowed */
	const struct vlook *only;	/* or NULL; else the grams counted,
					 * with the one longer holding them */
	struct gmap	*out;		/* the pass's map; borrowed */
	int		 len;		/* gram length of this pass */
	size_t		 base;		/* first article of the chunk counted */
	struct obuf	*ob[2];		/* by par_worker; owned */
	size_t		*at[2];		/* by article in chunk: its sorted
					 * occurrences' start in ob[][wk] */
	size_t		*nocc[2];	/* ... their number */
	int		*wk[2];		/* ... the worker that counted them */
	int		 cur;		/* the buffers being counted into */
	size_t		 pbase, pn;	/* the chunk before: first article, count */
};

/* Add an occurrence of key k at character pos to b. */
static void
occ_add(struct obuf *b, uint64_t k, size_t pos, unsigned l, unsigned r)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->o = xreallocarray(b->o, b->cap, sizeof(*b->o));
	}
	b->o[b->n].key = k;
	b->o[b->n].pos = (uint32_t)pos;
	b->o[b->n].l = (uint16_t)l;
	b->o[b->n].r = (uint16_t)r;
	b->n++;
}

/* Is key k in the lookup v? */
static int
vl_has(const struct vlook *v, uint64_t k)
{
	unsigned	 c = vl_pair((unsigned)(k >> 48),
			    (unsigned)(k >> 32) & 0xffff);

	return (v->pair[c / 64] >> (c % 64) & 1) && vl_slot(v, k)->key != 0;
}

/*
 * Count article i's grams: those whose parts recur (c->shorter), or
 * only those in c->only and, once each, the grams a character longer
 * holding them (no neighbours: their tf and df make the others' sup).
 */
static int
count_one(void *arg, size_t i)
{
	struct count	*c = arg;
	struct chars	*ch = &c->cs[c->base + i];
	int		 w = par_worker();
	struct obuf	*b = &c->ob[c->cur][w];
	size_t		 p, start = b->n;
	uint64_t	 k;
	unsigned	 l, r;
	int		 j, len = c->len;

	for (p = 0; p + (size_t)len <= ch->n; p++) {
		for (j = 0; j < len && term_char(ch->id[p + j]); j++)
			continue;
		if (j < len)
			continue;
		k = pack(ch->id + p, len);
		if (c->only != NULL ? !vl_has(c->only, k) :
		    c->shorter != NULL &&
		    (gmap_find(c->shorter, key_prefix(k, len - 1)) == NULL ||
		    gmap_find(c->shorter, key_suffix(k)) == NULL))
			continue;
		l = p > 0 ? ch->id[p - 1] : 0;
		r = p + (size_t)len < ch->n ? ch->id[p + len] : 0;
		occ_add(b, k, p, l, r);
		if (c->only == NULL || len == NG_MAX)
			continue;
		if (term_char(r))
			occ_add(b, pack(ch->id + p, len + 1), p, 0, 0);
		/* Counted as the gram before's right one when it is in. */
		if (term_char(l) && !vl_has(c->only, pack(ch->id + p - 1, len)))
			occ_add(b, pack(ch->id + p - 1, len + 1), p - 1, 0, 0);
	}
	occ_sort(b->o + start, b->n - start, &b->tmp, &b->tcap);
	c->at[c->cur][i] = start;
	c->nocc[c->cur][i] = b->n - start;
	c->wk[c->cur][i] = w;
	return 0;
}

/* Fold one article's sorted occurrences into the pass's map. */
static void
merge_occ(struct gmap *m, const struct occ *o, size_t n, uint32_t art)
{
	struct gram	*g;
	size_t		 i, k;

	for (i = 0; i < n; i = k) {
		g = gmap_get(m, o[i].key);
		g->df++;
		if (g->nsamp < NSAMPLE) {
			g->sart[g->nsamp] = art;
			g->spos[g->nsamp++] = o[i].pos;
		}
		for (k = i; k < n && o[k].key == o[i].key; k++) {
			g->tf++;
			av_add(g->l, g->lc, &g->nl, &g->el, o[k].l);
			av_add(g->r, g->rc, &g->nr, &g->er, o[k].r);
		}
	}
}

/* Fold the chunk before (pbase, pn) into the map, freeing it. */
static void
merge_prev(struct count *c)
{
	size_t	 i;
	int	 p = !c->cur;

	for (i = 0; i < c->pn; i++)
		merge_occ(c->out, c->ob[p][c->wk[p][i]].o + c->at[p][i],
		    c->nocc[p][i], (uint32_t)(c->pbase + i));
	c->pn = 0;
}

/* par_for worker: item 0 folds the chunk before, item i + 1 counts article i. */
static int
count_or_merge(void *arg, size_t i)
{
	struct count	*c = arg;

	if (i == 0) {
		merge_prev(c);
		return 0;
	}
	return count_one(c, i - 1);
}

/*
 * One counting pass over every article for grams of length len: those
 * whose parts are in shorter (or all), or those in only (count_one).
 */
static void
count_pass(struct chars *cs, size_t narts, int jobs, int len,
    struct gmap *shorter, const struct vlook *only, struct gmap *out)
{
	struct count	 c;
	size_t		 n, chunk = (size_t)CHUNK * (size_t)jobs;
	int		 k, w, nw = jobs > 1 ? jobs : 1;

	memset(&c, 0, sizeof(c));
	c.cs = cs;
	c.len = len;
	c.shorter = shorter;
	c.only = only;
	c.out = out;
	for (k = 0; k < 2; k++) {
		c.ob[k] = xcalloc((size_t)nw, sizeof(*c.ob[k]));
		c.at[k] = xcalloc(chunk, sizeof(*c.at[k]));
		c.nocc[k] = xcalloc(chunk, sizeof(*c.nocc[k]));
		c.wk[k] = xcalloc(chunk, sizeof(*c.wk[k]));
	}
	for (c.base = 0; c.base < narts; c.base += n) {
		n = narts - c.base < chunk ? narts - c.base : chunk;
		for (w = 0; w < nw; w++)
			c.ob[c.cur][w].n = 0;
		par_for(n + 1, jobs, count_or_merge, &c);
		c.pbase = c.base;
		c.pn = n;
		c.cur = !c.cur;
	}
	merge_prev(&c);		/* the last chunk */
	for (k = 0; k < 2; k++) {
		for (w = 0; w < nw; w++) {
			free(c.ob[k][w].o);
			free(c.ob[k][w].tmp);
		}
		free(c.ob[k]);
		free(c.at[k]);
		free(c.nocc[k]);
		free(c.wk[k]);
	}
}

/*
 * The articles terms are found in: all of them up to DISCOVER, else
 * about DISCOVER of them, chosen by a hash of the file name (not of the
 * slug: deleting one renumbers its same-titled followers' slugs) below
 * a cut made from n rounded up to a step of 1/128 to 1/64 of it.  So
 * adding, deleting or editing one article leaves the rest of the sample,
 * and when it was not in it the vocabulary, as it was (terms are then
 * weighed in every article).  FOLIO_TERMS_SAMPLE=N in the environment
 * sets another DISCOVER (tests, on small archives).  Returns their
 * indexes in order (caller frees), *ns of them.
 */
static size_t *
sample_of(struct article *const *arts, size_t n, size_t *ns)
{
	size_t		*s = xreallocarray(NULL, n ? n : 1, sizeof(*s));
	const char	*e = getenv("FOLIO_TERMS_SAMPLE");	/* tests */
	size_t		 most = e && atol(e) > 0 ? (size_t)atol(e) : DISCOVER;
	size_t		 i, step, nq;
	uint64_t	 cut;
	const char	*name;

	for (step = 1; step * 128 <= n; step *= 2)
		continue;
	nq = (n + step - 1) / step * step;
	cut = ((uint64_t)1 << 32) * most / (nq ? nq : 1);
	for (i = *ns = 0; i < n; i++) {
		name = path_base(arts[i]->path);
		if (n <= most || (hash_mix64(hash64(name, strlen(name), 0)) &
		    0xffffffff) < cut)
			s[(*ns)++] = i;
	}
	return s;
}

/* Making the character ids of every article. */
struct charsctx {
	struct chars	*cs;		/* filled: cs[i] for arts[map[i]] */
	const size_t	*map;		/* NULL: cs[i] for arts[i] */
	struct article *const *arts;	/* borrowed */
	char		**longs;	/* forced terms found by substring */
	size_t		 nlongs;	/* entries in longs */
};

/*
 * What terms are counted in: article a's title and text, normalized,
 * a newline between them, into nb (initialized here; caller frees).
 * Returns the title's length in bytes.
 */
static size_t
norm_text(const struct article *a, struct buf *nb)
{
	size_t	 tlen;

	buf_init(nb);
	tlen = seg_norm(nb, a->title, strlen(a->title));
	buf_putc(nb, '\n');
	if (a->text != NULL)
		seg_norm(nb, a->text, strlen(a->text));
	return tlen;
}

/* Normalize one article and turn it into character ids. */
static int
chars_one(void *arg, size_t i)
{
	struct charsctx	*x = arg;
	const struct article *a = x->arts[x->map ? x->map[i] : i];
	struct chars	*ch = &x->cs[i];
	struct buf	 nb;
	size_t		 off, tlen, k;
	uint32_t	 cp;
	unsigned	 id;

	tlen = norm_text(a, &nb);
	ch->id = xreallocarray(NULL, nb.len + 1, sizeof(*ch->id));
	for (off = 0; off < nb.len; off += k) {
		if (off == tlen)
			ch->ntitle = ch->n;
		k = utf8_decode(nb.p + off, nb.len - off, &cp);
		switch (seg_class(cp)) {
		case SEG_HAN:
			id = han_id(cp);
			break;
		case SEG_ALNUM:
			id = ID_ALNUM;
			break;
		default:
			id = 0;
			break;
		}
		if (term_char(id) || ch->n == 0 || ch->id[ch->n - 1] != id)
			ch->id[ch->n++] = (uint16_t)id;
	}
	if (tlen == nb.len)
		ch->ntitle = ch->n;
	/* Curated terms that are not 2-4 Han characters: by substring. */
	for (k = 0; k < x->nlongs; k++) {
		const char	*hit = nb.p, *t = x->longs[k];
		struct lhit	 l = { k, 0, 0 };

		for (; (hit = strstr(hit, t)) != NULL; hit += strlen(t)) {
			if (l.tf < UINT16_MAX)
				l.tf++;
			if ((size_t)(hit - nb.p) < tlen && l.ttf < UINT16_MAX)
				l.ttf++;
		}
		if (l.tf == 0)
			continue;
		ch->lh = xreallocarray(ch->lh, ch->nlh + 1, sizeof(*ch->lh));
		ch->lh[ch->nlh++] = l;
	}
	buf_free(&nb);
	return 0;
}

/* A candidate term on its way to the ICU check. */
struct cand {
	struct gram	*g;	/* borrowed from its pass's map */
	int		 len;	/* characters */
	int		 ok;	/* samples that start and end on ICU word edges */
};

/* Does ICU see word edges where cand's sample s starts and ends? */
static int
icu_aligned(const struct chars *cs, const struct cand *c, int s)
{
	const struct chars *ch = &cs[c->g->sart[s]];
	size_t		 p = c->g->spos[s], a, z, i, start = 0, end = 0;
	struct seg_tok	*t;
	struct buf	 b;
	size_t		 n;
	int		 sedge = 0, eedge = 0;

	for (a = p; a > 0 && term_char(ch->id[a - 1]) && p - a < WINDOW; a--)
		continue;
	for (z = p + (size_t)c->len; z < ch->n && term_char(ch->id[z]) &&
	    z - p - (size_t)c->len < WINDOW; z++)
		continue;
	buf_init(&b);
	for (i = a; i < z; i++) {
		if (i == p)
			start = b.len;
		utf8_put(&b, id_cp(ch->id[i]));
		if (i + 1 == p + (size_t)c->len)
			end = b.len;
	}
	n = seg_words(b.p, b.len, &t);
	for (i = 0; i < n; i++) {
		if (t[i].off == start)
			sedge = 1;
		if (t[i].off + t[i].len == end)
			eedge = 1;
	}
	free(t);
	buf_free(&b);
	return sedge && eedge;
}

static int
icu_one(void *arg, size_t i)
{
	struct { const struct chars *cs; struct cand *c; } *x = arg;
	struct cand	*c = &x->c[i];
	int		 s;

	for (s = 0; s < c->g->nsamp; s++)
		c->ok += icu_aligned(x->cs, c, s);
	return 0;
}

/*
 * What deciding on candidate c reads (struct term_cand): its key and
 * df; whether ICU agrees with most of its samples; and on each side,
 * the neighbour it has CROSS_PCT of the time, when that is a term
 * character (with its edge, maybe a two-character word: 区|业委会).
 */
static void
cand_rec(const struct cand *c, struct term_cand *r)
{
	const struct gram *g = c->g;
	uint8_t		 i, bl = 0, br = 0;

	for (i = 1; i < g->nl; i++)
		if (g->lc[i] > g->lc[bl])
			bl = i;
	for (i = 1; i < g->nr; i++)
		if (g->rc[i] > g->rc[br])
			br = i;
	r->key = g->key;
	r->df = g->df;
	r->ok = c->ok * 2 >= g->nsamp;
	r->lpair = g->nl > 0 && term_char(g->l[bl]) &&
	    (uint64_t)g->lc[bl] * 100 >= (uint64_t)CROSS_PCT * g->tf ?
	    g->l[bl] : 0;
	r->rpair = g->nr > 0 && term_char(g->r[br]) &&
	    (uint64_t)g->rc[br] * 100 >= (uint64_t)CROSS_PCT * g->tf ?
	    g->r[br] : 0;
}

/* Characters in a gram's key (2-4; its first two are never 0). */
static int
gram_len(uint64_t k)
{
	return (k & 0xffff) ? 4 : (k & 0xffffffff) ? 3 : 2;
}

/*
 * Does candidate r mostly start or end inside a word: does its usual
 * neighbour on a side make a two-character word (in words) with its
 * edge?
 */
static int
cuts_word(const struct gmap *words, const struct term_cand *r)
{
	uint16_t	 pair[2];
	int		 len = gram_len(r->key);

	pair[0] = r->lpair;
	pair[1] = (uint16_t)(r->key >> 48);
	if (r->lpair != 0 && gmap_find(words, pack(pair, 2)) != NULL)
		return 1;
	pair[0] = (uint16_t)(r->key >> (16 * (NG_MAX - len)));
	pair[1] = r->rpair;
	return r->rpair != 0 && gmap_find(words, pack(pair, 2)) != NULL;
}

/* Counting per article once the vocabulary is known. */
struct hitctx {
	struct chars	 *cs;		/* by article; borrowed */
	const struct vlook *vl;		/* the vocabulary; borrowed */
	const struct term_memo *memo;	/* counts of the last build, or NULL */
	const uint64_t	 *akey;		/* by article: its text's key */
	atomic_size_t	  counted;	/* articles counted, not remembered */
	struct charsctx	 *cx;		/* to make the ids not yet made */
	int32_t		**where;	/* by par_worker, by term id: its hit, or -1 */
	char		**longs;	/* as in struct charsctx; borrowed */
	uint32_t	 *remap;	/* memo's id -> id, or NULL: the same
					 * vocabulary (tmemo_remap); owned */
	uint32_t	 *added;	/* ids the memo's vocabulary lacks; owned */
	unsigned char	 *agram;	/* by entry in added: a 2-4 Han gram */
	size_t		  nadded;	/* entries in added */
	atomic_size_t	  topped;	/* articles whose counts were mapped */
	struct terms	 *t;		/* being filled */
};

/*
 * Add to article i's counts h[0..n) (ascending ids) those of the terms
 * x->added, found the way counting finds them: a gram wherever its
 * characters follow each other (hits_one), another term by substring,
 * one match not overlapping the next (chars_one).  Returns the new n;
 * h stays in ascending ids.
 */
static size_t
top_up(struct hitctx *x, size_t i, struct term_hit **h, size_t n)
{
	struct buf	 nb;
	const char	*s, *p;
	size_t		 tlen, k, len, step, n0 = n;
	unsigned	 tf, ttf;
	uint32_t	 cp;

	tlen = norm_text(x->cx->arts[i], &nb);
	for (k = 0; k < x->nadded; k++) {
		s = x->t->text[x->added[k]];
		len = strlen(s);
		/* A gram's matches overlap by all but its first character. */
		step = x->agram[k] ? utf8_decode(s, len, &cp) : len;
		for (tf = ttf = 0, p = nb.p; (p = strstr(p, s)) != NULL;
		    p += step) {
			if (tf < UINT16_MAX)
				tf++;
			if ((size_t)(p - nb.p) < tlen && ttf < UINT16_MAX)
				ttf++;
		}
		if (tf == 0)
			continue;
		*h = xreallocarray(*h, n + 1, sizeof(**h));
		(*h)[n].id = x->added[k];
		(*h)[n].tf = (uint16_t)tf;
		(*h)[n].ttf = (uint16_t)ttf;
		(*h)[n].w = 0;
		n++;
	}
	buf_free(&nb);
	if (n > n0)
		hits_by_id(*h, n);
	return n;
}

/* Count tf mentions of term id (ttf in the title) in h, one entry each. */
static void
hit_add(struct term_hit **h, size_t *n, size_t *cap, int32_t *where,
    uint32_t id, unsigned tf, unsigned ttf)
{
	struct term_hit	*e;

	if (where[id] < 0) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*h = xreallocarray(*h, *cap, sizeof(**h));
		}
		where[id] = (int32_t)*n;
		e = &(*h)[(*n)++];
		e->id = id;
		e->tf = e->ttf = 0;
		e->w = 0;
	}
	e = &(*h)[where[id]];
	e->tf = (uint16_t)(e->tf + tf > UINT16_MAX ? UINT16_MAX : e->tf + tf);
	e->ttf = (uint16_t)(e->ttf + ttf > UINT16_MAX ? UINT16_MAX :
	    e->ttf + ttf);
}

static int
hits_one(void *arg, size_t i)
{
	struct hitctx	*x = arg;
	struct chars	*ch = &x->cs[i];
	struct term_hit	*h = NULL;
	const struct vslot *e;
	const char	*s;
	long		 kept;
	int32_t		*where = x->where[par_worker()];
	size_t		 p, n = 0, cap = 0, k, j;
	unsigned	 c;
	int		 len;

	/* Counted by the last build from the same text and vocabulary. */
	if (x->memo != NULL && (kept = tmemo_hits(x->memo, x->akey[i],
	    &h)) >= 0) {
		n = (size_t)kept;
		if (x->remap != NULL) {	/* another vocabulary: by term */
			for (k = n = 0; k < (size_t)kept; k++)
				if ((h[k].id = x->remap[h[k].id]) != UINT32_MAX)
					h[n++] = h[k];
			n = top_up(x, i, &h, n);
			atomic_fetch_add(&x->topped, 1);
		}
		x->t->hits[i] = h;
		x->t->nhits[i] = n;
		return 0;
	}
	atomic_fetch_add(&x->counted, 1);
	/* The sample's ids were made to count; the rest are made here and
	 * all are freed here, so they are never all held at once. */
	if (ch->id == NULL)
		chars_one(x->cx, i);
	for (p = 0; p + NG_MIN <= ch->n; p++) {
		/* Most places start no term: a bit, or one lookup, says so. */
		c = vl_pair(ch->id[p], ch->id[p + 1]);
		if (!(x->vl->pair[c / 64] >> (c % 64) & 1) ||
		    !term_char(ch->id[p]) || !term_char(ch->id[p + 1]) ||
		    (e = vl_slot(x->vl, pack(ch->id + p, NG_MIN)))->key == 0)
			continue;
		if (e->id != VL_PREFIX)
			hit_add(&h, &n, &cap, where, e->id, 1, p < ch->ntitle);
		for (len = NG_MIN + 1; len <= NG_MAX &&
		    p + (size_t)len <= ch->n; len++) {
			if (!term_char(ch->id[p + (size_t)len - 1]))
				break;
			e = vl_slot(x->vl, pack(ch->id + p, len));
			if (e->key != 0 && e->id != VL_PREFIX)
				hit_add(&h, &n, &cap, where, e->id, 1,
				    p < ch->ntitle);
		}
	}
	/* Curated terms that are not 2-4 Han characters (chars_one). */
	for (k = 0; k < ch->nlh; k++) {
		s = x->longs[ch->lh[k].k];
		if ((j = htab_find(x->t->index, s, strlen(s))) == HTAB_NONE)
			continue;
		hit_add(&h, &n, &cap, where, (uint32_t)j, ch->lh[k].tf,
		    ch->lh[k].ttf);
	}
	/* Leave where as found: -1 everywhere. */
	for (k = 0; k < n; k++)
		where[h[k].id] = -1;
	k = n;	/* one entry per term; by id, as the memo keeps them (here,
		 * on the counting threads, not where the memo is written) */
	hits_by_id(h, k);
	free(ch->id);
	free(ch->lh);
	ch->id = NULL;
	ch->lh = NULL;
	/* An exact copy: the scratch array is many times bigger. */
	x->t->hits[i] = k ? xreallocarray(NULL, k, sizeof(*h)) : NULL;
	if (k)
		memcpy(x->t->hits[i], h, k * sizeof(*h));
	free(h);
	x->t->nhits[i] = k;
	return 0;
}

/* The radix key of weighing's order, heavier first (w >= 0). */
static uint32_t
hit_key(const struct term_hit *h)
{
	uint32_t	 bits;

	memcpy(&bits, &h->w, sizeof(bits));
	return ~bits;	/* non-negative floats order as their bits */
}

/*
 * Sort h[0..n) into weighing's order, heavier first, then by id: an
 * LSD radix sort on the weight's bits, a byte at a time (skipping bytes
 * all share), stable, so hits in ascending ids (as counting and the
 * memo hand them over; put so if not) keep it among equal weights.
 * Weighing sorts every article's terms: a quicksort took a tenth of an
 * edit's instructions, qsort more.
 */
static void
hits_sort(struct term_hit *h, size_t n)
{
	struct term_hit	 buf[256], *tmp, *src = h, *dst, *sw;
	size_t		 cnt[256], i;
	int		 byte;

	if (n < 2)
		return;
	for (i = 1; i < n && h[i - 1].id < h[i].id; i++)
		continue;
	if (i < n)
		hits_by_id(h, n);
	tmp = n <= 256 ? buf : xreallocarray(NULL, n, sizeof(*tmp));
	dst = tmp;
	for (byte = 0; byte < 4; byte++) {
		memset(cnt, 0, sizeof(cnt));
		for (i = 0; i < n; i++)
			cnt[hit_key(&src[i]) >> (8 * byte) & 0xff]++;
		if (!radix_starts(cnt, n, hit_key(&src[0]) >> (8 * byte) & 0xff))
			continue;
		for (i = 0; i < n; i++)
			dst[cnt[hit_key(&src[i]) >> (8 * byte) & 0xff]++] =
			    src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != h)
		memcpy(h, src, n * sizeof(*h));
	if (tmp != buf)
		free(tmp);
}

static int
weigh_one(void *arg, size_t i)
{
	struct terms	*t = arg;
	struct term_hit	*h = t->hits[i];
	size_t		 k, n = 0;

	for (k = 0; k < t->nhits[i]; k++)
		h[k].w = (float)((1.0 + log((double)h[k].tf + 2.0 * h[k].ttf)) *
		    t->idf[h[k].id] * t->boost[h[k].id]);
	hits_sort(h, t->nhits[i]);
	/* Drop light single mentions of words that cannot be topics. */
	for (k = 0; k < t->nhits[i]; k++)
		if (k < TERM_KEEP || h[k].tf >= 2 || h[k].ttf > 0 ||
		    t->forced[h[k].id] || (t->chars[h[k].id] >=
		    TERM_COMPOUND && t->df[h[k].id] >= t->min_df))
			h[n++] = h[k];
	t->nhits[i] = n;
	if (n > 0)
		t->hits[i] = xreallocarray(h, n, sizeof(*h));
	return 0;
}

/* Is s all Han term characters, NG_MIN..NG_MAX of them?  Packs it. */
static int
gram_of(const char *s, uint64_t *key)
{
	uint16_t	 id[NG_MAX];
	size_t		 n = strlen(s), off, k;
	uint32_t	 cp;
	int		 len = 0;

	for (off = 0; off < n; off += k) {
		k = utf8_decode(s + off, n - off, &cp);
		if (len == NG_MAX || seg_class(cp) != SEG_HAN ||
		    han_id(cp) == 0)
			return 0;
		id[len++] = (uint16_t)han_id(cp);
	}
	if (len < NG_MIN)
		return 0;
	*key = pack(id, len);
	return 1;
}

/* Does key k (len characters) start or end with a stop word? */
static int
stopped(uint64_t k, int len)
{
	return in_list(stop_head, (unsigned)(k >> 48)) ||
	    in_list(stop_tail, (unsigned)(k >> (16 * (NG_MAX - len))) &
	    0xffff) || stop_leading(k, len);
}

static int
cand_cmp(const void *x, const void *y)
{
	const struct term_cand *a = x, *b = y;

	return a->key < b->key ? -1 : a->key > b->key;
}

/*
 * Raise the sup of each gram in shorter to the tf of the len-character
 * grams in longer that begin or end with it.
 */
static void
sup_from(const struct gmap *longer, int len, struct gmap *shorter)
{
	const struct gram *g;
	struct gram	*sub;
	size_t		 i;

	for (i = 0; i < longer->cap; i++) {
		g = &longer->g[i];
		if (g->key == 0 || gram_len(g->key) != len)
			continue;
		if ((sub = gmap_find(shorter, key_prefix(g->key, len - 1))) !=
		    NULL && sub->sup < g->tf)
			sub->sup = g->tf;
		if ((sub = gmap_find(shorter, key_suffix(g->key))) != NULL &&
		    sub->sup < g->tf)
			sub->sup = g->tf;
	}
}

/*
 * The candidates among the counted grams pass[NG_MIN..NG_MAX] (pruned,
 * their sup known): each free on both sides, not a fragment, no stop
 * word at an edge, checked against ICU in the sample ss.  Returns what
 * deciding on them reads, keys ascending (caller frees), *nrec of them.
 */
static struct term_cand *
cands_of(struct gmap *pass, const struct chars *ss, int jobs, size_t *nrec,
    int debug)
{
	struct { const struct chars *cs; struct cand *c; } ix;
	struct term_cand *rec;
	struct cand	*cands = NULL;
	struct gram	*g;
	size_t		 i, ncand = 0;
	const char	*why;
	int		 len, av_l, av_r;

	for (len = NG_MIN; len <= NG_MAX; len++)
		for (i = 0; i < pass[len].cap; i++) {
			g = &pass[len].g[i];
			if (g->key == 0 || gram_len(g->key) != len ||
			    (double)g->sup >= DOMINATED * g->tf)
				continue;
			av_l = av(g->nl, g->el);
			av_r = av(g->nr, g->er);
			why = av_l < AV_MIN || av_r < AV_MIN ? "av" :
			    stopped(g->key, len) ? "stop" : NULL;
			if (debug) {
				char *t = key_text(g->key);

				fprintf(stderr, "term %s df=%u tf=%u av=%d/%d "
				    "%s\n", t, g->df, g->tf, av_l, av_r,
				    why ? why : "candidate");
				free(t);
			}
			if (why != NULL)
				continue;
			cands = xreallocarray(cands, ncand + 1,
			    sizeof(*cands));
			cands[ncand].g = g;
			cands[ncand].len = len;
			cands[ncand].ok = 0;
			ncand++;
		}
	ix.cs = ss;
	ix.c = cands;
	par_for(ncand, jobs, icu_one, &ix);
	rec = xcalloc(ncand ? ncand : 1, sizeof(*rec));
	for (i = 0; i < ncand; i++)
		cand_rec(&cands[i], &rec[i]);
	free(cands);
	if (ncand > 1)
		qsort(rec, ncand, sizeof(*rec), cand_cmp);
	*nrec = ncand;
	return rec;
}

/*
 * The vocabulary found in a sample of ns articles whose candidates are
 * rec[0..n): those ICU agrees with that are not in too many articles
 * and do not mostly begin or end inside a two-character word (区|业委
 * 会, 物业|党建; common words count here).  Returns their texts (caller
 * frees), *ntexts of them.
 */
static char **
decide(const struct term_cand *rec, size_t n, size_t ns, size_t *ntexts,
    int debug)
{
	struct gmap	 ok2;
	char		**texts = NULL;
	size_t		 i, max_df = ns * MAX_DF_PCT / 100;
	const char	*why;

	memset(&ok2, 0, sizeof(ok2));
	for (i = 0; i < n; i++)
		if (gram_len(rec[i].key) == 2 && rec[i].ok)
			gmap_get(&ok2, rec[i].key);
	*ntexts = 0;
	for (i = 0; i < n; i++) {
		why = !rec[i].ok ? "icu" : rec[i].df > max_df ? "common" :
		    cuts_word(&ok2, &rec[i]) ? "cuts" : NULL;
		if (debug) {
			char *t = key_text(rec[i].key);

			fprintf(stderr, "term %s df=%u %s\n", t, rec[i].df,
			    why ? why : "ok");
			free(t);
		}
		if (why == NULL) {
			texts = xreallocarray(texts, *ntexts + 1,
			    sizeof(*texts));
			texts[(*ntexts)++] = key_text(rec[i].key);
		}
	}
	free(ok2.g);
	return texts;
}

/*
 * Find the vocabulary in the sample arts[smap[0..ns)]: returns the terms
 * found (caller frees; forced terms not among them), *ntexts their
 * number, *ssp the sample's character ids and *recp its candidates
 * (*nrecp; caller frees both).
 */
static char **
find_vocab(struct charsctx *cx, const size_t *smap, size_t ns, int jobs,
    struct chars **ssp, size_t *ntextsp, struct term_cand **recp,
    size_t *nrecp)
{
	struct gmap	 pass[NG_MAX + 1];
	struct chars	*ss;
	int		 len, debug = getenv("FOLIO_TERMS_DEBUG") != NULL;

	ss = xcalloc(ns ? ns : 1, sizeof(*ss));
	cx->cs = ss;
	cx->map = smap;
	par_for(ns, jobs, chars_one, cx);

	/* Count 2-grams, then longer ones whose parts recur (apriori). */
	memset(pass, 0, sizeof(pass));
	for (len = NG_MIN; len <= NG_MAX; len++) {
		count_pass(ss, ns, jobs, len, len > NG_MIN ? &pass[len - 1] :
		    NULL, NULL, &pass[len]);
		gmap_prune(&pass[len], 2 + (uint32_t)(ns / 10000));
	}
	/* How often each gram sits inside one a character longer. */
	for (len = NG_MIN + 1; len <= NG_MAX; len++)
		sup_from(&pass[len], len, &pass[len - 1]);
	*recp = cands_of(pass, ss, jobs, nrecp, debug);
	for (len = NG_MIN; len <= NG_MAX; len++)
		free(pass[len].g);
	*ssp = ss;
	return decide(*recp, *nrecp, ns, ntextsp, debug);
}

/* Keys of the articles' texts (title and text). */
struct keyctx {
	struct article *const *arts;	/* borrowed */
	uint64_t	*akey;		/* filled, by article */
};

static int
key_one(void *arg, size_t i)
{
	struct keyctx	*x = arg;
	const struct article *a = x->arts[i];
	uint64_t	 h;

	h = hash_words(a->title, strlen(a->title) + 1, 0x7465787473ULL);
	if (a->text != NULL)
		h = hash_mix64(h ^ art_texthash(a));
	x->akey[i] = h ? h : 1;
	return 0;
}

/*
 * The key of the vocabulary found in the sample: what finding it reads
 * (the program, the sample's texts in order), not the article count nor
 * the forced terms, which are added to it after.
 */
static uint64_t
vocab_key(uint64_t env, const uint64_t *akey, const size_t *smap, size_t ns)
{
	uint64_t	 h = hash_mix64(env ^ 0x766f636162ULL), v;
	size_t		 i;

	v = ns;
	h = hash_words(&v, sizeof(v), h);
	for (i = 0; i < ns; i++)
		h = hash_words(&akey[smap ? smap[i] : i], sizeof(*akey), h);
	return h ? h : 1;
}

/* An article's text key and its place in a sample, for matching. */
struct akpos {
	uint64_t	 key;
	size_t		 at;
};

static int
akpos_cmp(const void *x, const void *y)
{
	const struct akpos *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/*
 * Pair the old sample's articles (text keys old[0..nold)) with the new
 * one's (new[smap[0..ns)]), equal keys in order: (*was)[i] is the old
 * place of the new sample's article i or SIZE_MAX (added), (*gone) the
 * old places paired with none, *ngone of them (caller frees both).
 * Returns 0; -1 when the articles both have are not in the same order.
 */
static int
pair_samples(const uint64_t *old, size_t nold, const uint64_t *new,
    const size_t *smap, size_t ns, size_t **was, size_t **gone,
    size_t *ngone)
{
	struct akpos	*a = xcalloc(nold ? nold : 1, sizeof(*a));
	struct akpos	*b = xcalloc(ns ? ns : 1, sizeof(*b));
	unsigned char	*paired = xcalloc(nold ? nold : 1, 1);
	size_t		 i, j, last = 0;
	int		 rc = 0, any = 0;

	for (i = 0; i < nold; i++)
		a[i] = (struct akpos){ old[i], i };
	for (i = 0; i < ns; i++)
		b[i] = (struct akpos){ new[smap[i]], i };
	qsort(a, nold, sizeof(*a), akpos_cmp);
	qsort(b, ns, sizeof(*b), akpos_cmp);
	*was = xcalloc(ns ? ns : 1, sizeof(**was));
	for (i = 0; i < ns; i++)
		(*was)[i] = SIZE_MAX;
	for (i = j = 0; i < nold && j < ns; )
		if (a[i].key < b[j].key)
			i++;
		else if (a[i].key > b[j].key)
			j++;
		else {
			(*was)[b[j++].at] = a[i].at;
			paired[a[i++].at] = 1;
		}
	/* The pairs in new order must be in old order too. */
	for (i = 0; i < ns; i++) {
		if ((*was)[i] == SIZE_MAX)
			continue;
		if (any && (*was)[i] < last)
			rc = -1;
		last = (*was)[i];
		any = 1;
	}
	*gone = xcalloc(nold ? nold : 1, sizeof(**gone));
	for (i = *ngone = 0; i < nold; i++)
		if (!paired[i])
			(*gone)[(*ngone)++] = i;
	free(a);
	free(b);
	free(paired);
	return rc;
}

/*
 * The old sample's article k's ids into ch, where they lie in the memo
 * when they can be read there (little-endian): 0; -1 when they are not
 * known or one is not an id.
 */
static int
ids_of(const struct term_sample *s, size_t k, struct chars *ch)
{
	size_t		 i;

	memset(ch, 0, sizeof(*ch));
	if (s->ids[k] == NULL)
		return -1;
	ch->n = s->nids[k];
	ch->ntitle = s->ntitle[k];
	if (le_host()) {	/* 2-byte aligned */
		ch->id = (uint16_t *)(uintptr_t)s->ids[k];
		ch->mapped = 1;
	} else {
		ch->id = xreallocarray(NULL, ch->n + 1, sizeof(*ch->id));
		for (i = 0; i < ch->n; i++)
			ch->id[i] = (uint16_t)le_get(s->ids[k] + 2 * i, 2);
	}
	for (i = 0; i < ch->n; i++)
		if (ch->id[i] >= VL_CHARS && ch->id[i] != ID_ALNUM)
			return -1;
	return 0;
}

/* Free what chars_one or ids_of made of cs[0..n), then cs. */
static void
chars_free(struct chars *cs, size_t n)
{
	size_t	 i;

	for (i = 0; cs != NULL && i < n; i++) {
		if (!cs[i].mapped)
			free(cs[i].id);
		free(cs[i].lh);
	}
	free(cs);
}

/* Is k a gram's key: 2-4 ids of term characters, zeros after? */
static int
key_ok(uint64_t k)
{
	int		 i, len = gram_len(k);
	unsigned	 id;

	for (i = 0; i < len; i++) {
		id = (unsigned)(k >> (16 * (NG_MAX - 1 - i))) & 0xffff;
		if (!term_char(id) || id >= VL_CHARS)
			return 0;
	}
	return 1;
}

/* The new sample's ids: the old sample's, or made (find_delta). */
struct deltactx {
	struct charsctx	*cx;		/* cs: the new sample's; borrowed */
	const struct term_sample *old;	/* borrowed */
	const size_t	*was;		/* pair_samples's */
	atomic_int	 bad;		/* an old article's ids were not */
};

static int
delta_one(void *arg, size_t i)
{
	struct deltactx	*x = arg;

	if (x->was[i] == SIZE_MAX || x->old->ids[x->was[i]] == NULL)
		return chars_one(x->cx, i);
	if (ids_of(x->old, x->was[i], &x->cx->cs[i]) == -1)
		atomic_store(&x->bad, 1);
	return 0;
}

/* A gram's use in one article, hashed (sigs_of). */
struct gsig {
	uint64_t	 key;
	uint64_t	 sig;
};

/*
 * What counting takes from article ch for each of its grams (stop words
 * too): how often it is used, its neighbours in order, and the window
 * ICU checks around its first use (icu_aligned), hashed: one entry a
 * gram, keys ascending.  Returns them (caller frees), *n of them.
 */
static struct gsig *
sigs_of(const struct chars *ch, size_t *n)
{
	struct obuf	 b;
	struct gsig	*g;
	size_t		 i, k, p, a, z;
	uint64_t	 h;
	int		 len, j;

	memset(&b, 0, sizeof(b));
	for (p = 0; p + NG_MIN <= ch->n; p++)
		for (len = NG_MIN; len <= NG_MAX &&
		    p + (size_t)len <= ch->n; len++) {
			for (j = 0; j < len && term_char(ch->id[p + j]); j++)
				continue;
			if (j < len)
				break;
			occ_add(&b, pack(ch->id + p, len), p,
			    p > 0 ? ch->id[p - 1] : 0, p + (size_t)len < ch->n ?
			    ch->id[p + (size_t)len] : 0);
		}
	occ_sort(b.o, b.n, &b.tmp, &b.tcap);	/* uses in text order */
	g = xcalloc(b.n ? b.n : 1, sizeof(*g));
	for (i = *n = 0; i < b.n; i = k) {
		h = hash_mix64(b.o[i].key);
		for (k = i; k < b.n && b.o[k].key == b.o[i].key; k++)
			h = hash_mix64(h ^ ((uint64_t)b.o[k].l << 16 |
			    b.o[k].r));
		p = b.o[i].pos;
		len = gram_len(b.o[i].key);
		for (a = p; a > 0 && term_char(ch->id[a - 1]) &&
		    p - a < WINDOW; a--)
			continue;
		for (z = p + (size_t)len; z < ch->n && term_char(ch->id[z]) &&
		    z - p - (size_t)len < WINDOW; z++)
			continue;
		h = hash_words(ch->id + a, 2 * (z - a), h ^ (p - a));
		g[*n].key = b.o[i].key;
		g[(*n)++].sig = h;
	}
	free(b.o);
	free(b.tmp);
	return g;
}

/* Add gram k to g[its length] unless a stop word is at an edge. */
static void
gram_put(struct gmap *g, uint64_t k)
{
	if (!stopped(k, gram_len(k)))
		(void)gmap_get(&g[gram_len(k)], k);
}

/*
 * Add to g[NG_MIN..NG_MAX] the keys of the grams of ch that may be
 * candidates: none with a stop word at an edge (cands_of).
 */
static void
grams_of(const struct chars *ch, struct gmap *g)
{
	struct gsig	*a;
	size_t		 i, n;

	a = sigs_of(ch, &n);
	for (i = 0; i < n; i++)
		gram_put(g, a[i].key);
	free(a);
}

/*
 * Add to g[NG_MIN..NG_MAX] the keys of the grams whose use differs
 * between the old text x and the new y of an article edited in place
 * (what counting takes from it is the same for the others), but those
 * with a stop word at an edge.
 */
static void
grams_changed(const struct chars *x, const struct chars *y, struct gmap *g)
{
	struct gsig	*a, *b;
	size_t		 na, nb, i = 0, j = 0;
	uint64_t	 k;

	a = sigs_of(x, &na);
	b = sigs_of(y, &nb);
	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i].key < b[j].key))
			k = a[i++].key;
		else if (i == na || b[j].key < a[i].key)
			k = b[j++].key;
		else if (a[i++].sig != b[j++].sig)
			k = a[i - 1].key;
		else
			continue;
		gram_put(g, k);
	}
	free(a);
	free(b);
}

/*
 * The articles edited in place: where one article of the old sample is
 * gone and one of the new come between the same two kept ones (pairs
 * in order, pair_samples's was and gone, at most DELTA_MAX each),
 * (*edit)[i] is the old place of the new sample's article i so edited,
 * else SIZE_MAX (caller frees); the gone ones edited are taken out of
 * gone.  An article's gap is the number of kept ones before it: its
 * place less the added (or gone) ones before it.
 */
static size_t *
edits_of(const size_t *was, size_t ns, size_t *gone, size_t *ngone)
{
	size_t		*edit = xcalloc(ns ? ns : 1, sizeof(*edit));
	size_t		 add[DELTA_MAX], nadd = 0, i, k, m = 0, n, g;

	for (i = 0; i < ns; i++) {
		edit[i] = SIZE_MAX;
		if (was[i] == SIZE_MAX)
			add[nadd++] = i;
	}
	for (i = 0; i < nadd; i++) {
		g = add[i] - i;
		if ((i > 0 && add[i - 1] - (i - 1) == g) ||
		    (i + 1 < nadd && add[i + 1] - (i + 1) == g))
			continue;	/* two come there */
		for (k = n = 0; k < *ngone; k++)
			if (gone[k] - k == g) {
				n++;
				m = k;
			}
		if (n == 1)		/* and one gone */
			edit[add[i]] = gone[m];
	}
	for (i = m = 0; i < *ngone; i++) {
		for (k = 0; k < nadd && edit[add[k]] != gone[i]; k++)
			continue;
		if (k == nadd)
			gone[m++] = gone[i];
	}
	*ngone = m;
	return edit;
}

/*
 * Find the vocabulary of the sample arts[smap[0..ns)] (text keys in
 * akey) from old, the sample it was last found in, when at most
 * DELTA_MAX of their articles differ and the others are in the same
 * order: only the grams of the articles gone and come are counted
 * again (their df, tf and neighbours change; the others' do not, nor
 * does their sup: a gram holding one of them is none of those), with
 * the grams a character longer that hold them (count_one); then those
 * that are candidates are decided on anew with the others' from old,
 * which is what find_vocab would find.  Returns 1 with its outputs
 * set as find_vocab sets them (the texts in *textsp); 0 (nothing set)
 * when old is of no use.
 */
static int
find_delta(struct charsctx *cx, const size_t *smap, size_t ns, int jobs,
    const struct term_sample *old, const uint64_t *akey, uint64_t env,
    struct chars **ssp, char ***textsp, size_t *ntextsp,
    struct term_cand **recp, size_t *nrecp)
{
	struct gmap	 pass[NG_MAX + 1], gk[NG_MAX + 1];
	struct vlook	 only[NG_MAX + 1];
	struct deltactx	 dx;
	struct chars	*ss = NULL, gch;
	struct term_cand *fresh, *rec;
	size_t		*was = NULL, *gone = NULL, ngone = 0, nadded, i;
	size_t		 nfresh, nrec, ngram, nchanged, *edit;
	int		 len, bad = 0, debug = getenv("FOLIO_TERMS_DEBUG") != NULL;

	if (old == NULL || old->ns / 10000 != ns / 10000 ||
	    old->vkey != vocab_key(env, old->akey, NULL, old->ns))
		return 0;
	for (i = 0; i < old->ncand; i++)
		if (!key_ok(old->cand[i].key))
			return 0;
	if (pair_samples(old->akey, old->ns, akey, smap, ns, &was, &gone,
	    &ngone) == -1)
		goto no;
	for (i = nadded = 0; i < ns; i++)
		nadded += was[i] == SIZE_MAX;
	if (nadded + ngone > DELTA_MAX)
		goto no;
	ss = xcalloc(ns ? ns : 1, sizeof(*ss));
	cx->cs = ss;
	cx->map = smap;
	dx.cx = cx;
	dx.old = old;
	dx.was = was;
	atomic_init(&dx.bad, 0);
	par_for(ns, jobs, delta_one, &dx);
	if (atomic_load(&dx.bad))
		goto no;

	/*
	 * The grams whose counts change: those of the texts gone and come;
	 * of an article edited in place, only those it uses otherwise.
	 */
	memset(gk, 0, sizeof(gk));
	nchanged = nadded + ngone;
	edit = edits_of(was, ns, gone, &ngone);
	for (i = 0; i < ngone && !bad; i++) {
		if (!(bad = ids_of(old, gone[i], &gch) == -1))
			grams_of(&gch, gk);
		if (!gch.mapped)
			free(gch.id);
	}
	for (i = 0; i < ns && !bad; i++) {
		if (was[i] != SIZE_MAX)
			continue;
		if (edit[i] == SIZE_MAX)
			grams_of(&ss[i], gk);
		else if (!(bad = ids_of(old, edit[i], &gch) == -1))
			grams_changed(&gch, &ss[i], gk);
		if (edit[i] != SIZE_MAX && !gch.mapped)
			free(gch.id);
	}
	free(edit);
	for (len = NG_MIN, ngram = 0; len <= NG_MAX; len++) {
		ngram += gk[len].n;
		vl_make(&only[len], &gk[len], 0);
		free(gk[len].g);
	}
	if (bad) {
		for (len = NG_MIN; len <= NG_MAX; len++)
			vl_free(&only[len]);
		goto no;
	}
	memset(pass, 0, sizeof(pass));
	for (len = NG_MIN; len <= NG_MAX; len++) {
		if (only[len].n > 0)	/* grams to count */
			count_pass(ss, ns, jobs, len, NULL, &only[len],
			    &pass[len]);
		gmap_prune(&pass[len], 2 + (uint32_t)(ns / 10000));
	}
	for (len = NG_MIN; len < NG_MAX; len++)
		sup_from(&pass[len], len + 1, &pass[len]);
	fresh = cands_of(pass, ss, jobs, &nfresh, debug);
	for (len = NG_MIN; len <= NG_MAX; len++)
		free(pass[len].g);

	/* The candidates of old whose counts are as they were, and these. */
	rec = xcalloc(old->ncand + nfresh + 1, sizeof(*rec));
	for (i = nrec = 0; i < old->ncand; i++)
		if (!vl_has(&only[gram_len(old->cand[i].key)],
		    old->cand[i].key))
			rec[nrec++] = old->cand[i];
	if (nfresh > 0)
		memcpy(rec + nrec, fresh, nfresh * sizeof(*rec));
	nrec += nfresh;
	free(fresh);
	for (len = NG_MIN; len <= NG_MAX; len++)
		vl_free(&only[len]);
	if (nrec > 1)
		qsort(rec, nrec, sizeof(*rec), cand_cmp);
	free(was);
	free(gone);
	*ssp = ss;
	*recp = rec;
	*nrecp = nrec;
	*textsp = decide(rec, nrec, ns, ntextsp, debug);
	if (diag_verbosity > 1)
		fprintf(stderr, "folio:  terms sample: %zu of %zu articles "
		    "changed, %zu grams counted again\n",
		    nchanged, ns, ngram);
	return 1;
no:
	chars_free(ss, ns);
	free(was);
	free(gone);
	return 0;
}

/*
 * The memo's counts are of another vocabulary than t's: map them by
 * term into x (x->remap) and list the terms they lack (x->added, each
 * a gram or not), for top_up to count.  Returns 1; 0 (x untouched)
 * when they are of no use: unmappable, or lacking so many terms that
 * counting all again is as quick.
 */
static int
plan_remap(const struct term_memo *memo, const struct terms *t,
    struct hitctx *x)
{
	uint32_t	*map, *added;
	unsigned char	*seen, *agram;
	uint64_t	 key;
	size_t		 i, nadded = 0;
	long		 nold;

	if ((nold = tmemo_remap(memo, t->text, t->n, &map)) < 0)
		return 0;
	seen = xcalloc(t->n ? t->n : 1, 1);
	for (i = 0; i < (size_t)nold; i++)
		if (map[i] != UINT32_MAX)
			seen[map[i]] = 1;
	added = xcalloc(t->n ? t->n : 1, sizeof(*added));
	agram = xcalloc(t->n ? t->n : 1, 1);
	for (i = 0; i < t->n; i++)
		if (!seen[i]) {
			agram[nadded] = (unsigned char)gram_of(t->text[i], &key);
			added[nadded++] = (uint32_t)i;
		}
	free(seen);
	if (nadded > TOPUP_MAX) {
		free(map);
		free(added);
		free(agram);
		return 0;
	}
	x->remap = map;
	x->added = added;
	x->agram = agram;
	x->nadded = nadded;
	return 1;
}

/*
 * Keep the sample ss (arts[smap[0..ns)]) and its candidates in memo,
 * beside old, the one read (or NULL).
 */
static void
keep_sample(const char *memo, const struct term_sample *old, uint64_t vkey,
    const struct chars *ss, const size_t *smap, size_t ns,
    const uint64_t *akey, const struct term_cand *rec, size_t nrec,
    int jobs)
{
	uint16_t	**ids = xcalloc(ns ? ns : 1, sizeof(*ids));
	size_t		*nids = xcalloc(ns ? ns : 1, sizeof(*nids));
	size_t		*ntitle = xcalloc(ns ? ns : 1, sizeof(*ntitle));
	uint64_t	*skey = xcalloc(ns ? ns : 1, sizeof(*skey));
	size_t		 i;

	for (i = 0; i < ns; i++) {
		ids[i] = ss[i].id;
		nids[i] = ss[i].n;
		ntitle[i] = ss[i].ntitle;
		skey[i] = akey[smap[i]];
	}
	tsample_write(memo, old, vkey, ns, skey, ids, nids, ntitle, rec, nrec,
	    jobs);
	free(ids);
	free(nids);
	free(ntitle);
	free(skey);
}

/*
 * Find the terms of arts[0..n) (in archive order, a->idx == i) and weigh
 * them per article.  o->forced are normalized terms counted whatever
 * their statistics (tags, topics.add).  With a memo (termcache.c), the
 * vocabulary is found again only when the sample changed, from what
 * changed in it when that is a few articles (find_delta), and only the
 * articles whose text changed are counted; the result is the same.
 * Deterministic for any jobs.  With FOLIO_TERMS_DEBUG set, each
 * candidate and why it was kept or dropped goes to stderr.  Returns the
 * result; term_free frees it.
 */
struct terms *
term_build(struct article *const *arts, size_t n, const struct term_opts *o)
{
	struct charsctx	 cx;
	struct keyctx	 kx;
	struct gmap	 vocab;
	struct vlook	 vl;
	struct chars	*cs, *ss = NULL;
	struct term_memo *memo = NULL;
	size_t		*smap;
	struct hitctx	 hx;
	struct terms	*t;
	char		**texts = NULL;
	char *const	*kept;
	int		 vkept;		/* the vocabulary is the memo's */
	int		 delta = 0;	/* ... found by what changed */
	struct term_sample *sample;
	struct term_cand *rec = NULL;
	size_t		 nrec = 0;
	size_t		 i, k, ntexts = 0, ns, nfound;
	char		**found;
	uint64_t	 key, vkey, *akey;
	char *const	*forced = o->forced;
	size_t		 nforced = o->nforced, nfset;
	char		**fset;
	int		 jobs = o->jobs;

	t = xcalloc(1, sizeof(*t));
	t->narts = n;
	t->index = htab_new();
	t->hits = xcalloc(n ? n : 1, sizeof(*t->hits));
	t->nhits = xcalloc(n ? n : 1, sizeof(*t->nhits));
	t->min_df = 2 + (uint32_t)(n / 10000);

	cs = xcalloc(n ? n : 1, sizeof(*cs));
	cx.arts = arts;
	/* The forced terms as a set, sorted: tags repeat across articles. */
	fset = xcalloc(nforced ? nforced : 1, sizeof(*fset));
	if (nforced > 0)
		memcpy(fset, forced, nforced * sizeof(*fset));
	if (nforced > 1)
		qsort(fset, nforced, sizeof(*fset), str_cmp);
	for (i = nfset = 0; i < nforced; i++)
		if (nfset == 0 || strcmp(fset[nfset - 1], fset[i]) != 0)
			fset[nfset++] = fset[i];
	cx.longs = xcalloc(nfset ? nfset : 1, sizeof(*cx.longs));
	cx.nlongs = 0;
	for (i = 0; i < nfset; i++)
		if (fset[i][0] != '\0' && !gram_of(fset[i], &key))
			cx.longs[cx.nlongs++] = fset[i];
	smap = sample_of(arts, n, &ns);
	akey = xcalloc(n ? n : 1, sizeof(*akey));
	kx.arts = arts;
	kx.akey = akey;
	par_for(n, jobs, key_one, &kx);
	vkey = vocab_key(o->env, akey, smap, ns);
	free(fset);
	if (o->memo != NULL && o->reuse)
		memo = tmemo_read(o->memo);

	/*
	 * The vocabulary: the last build's when its sample was the same;
	 * else candidates ICU agrees with that are not in too many
	 * articles and do not mostly begin or end inside a two-character
	 * word (区|业委会, 物业|党建; common words count here).  Then the
	 * forced terms.
	 */
	if ((vkept = (kept = tmemo_vocab(memo, vkey, &ntexts)) != NULL)) {
		texts = xcalloc(ntexts ? ntexts : 1, sizeof(*texts));
		for (i = 0; i < ntexts; i++)
			texts[i] = xstrdup(kept[i]);
	} else {
		/* From what changed in the sample, else from all of it. */
		sample = memo != NULL ? tsample_read(o->memo) : NULL;
		if (!(delta = find_delta(&cx, smap, ns, jobs, sample, akey,
		    o->env, &ss, &texts, &ntexts, &rec, &nrec)))
			texts = find_vocab(&cx, smap, ns, jobs, &ss, &ntexts,
			    &rec, &nrec);
		if (o->memo != NULL)
			keep_sample(o->memo, sample, vkey, ss, smap, ns, akey,
			    rec, nrec, jobs);
		free(rec);
		/* The ids read from the sample lack the long forced terms
		 * counting wants (chars_one): it makes them again. */
		if (delta) {
			chars_free(ss, ns);
			ss = NULL;
		}
		tsample_free(sample);
	}
	/* What was found, sorted, as the memo keeps it. */
	if (ntexts > 1)
		qsort(texts, ntexts, sizeof(*texts), str_cmp);
	nfound = ntexts;
	found = xcalloc(nfound ? nfound : 1, sizeof(*found));
	for (i = 0; i < nfound; i++)
		found[i] = xstrdup(texts[i]);
	for (i = 0; i < nforced; i++)
		if (forced[i][0] != '\0') {
			texts = xreallocarray(texts, ntexts + 1,
			    sizeof(*texts));
			texts[ntexts++] = xstrdup(forced[i]);
		}
	if (ntexts > 1)
		qsort(texts, ntexts, sizeof(*texts), str_cmp);
	memset(&vocab, 0, sizeof(vocab));
	t->text = xcalloc(ntexts ? ntexts : 1, sizeof(*t->text));
	t->forced = xcalloc(ntexts ? ntexts : 1, 1);
	for (i = 0; i < ntexts; i++) {
		if (t->n > 0 && strcmp(t->text[t->n - 1], texts[i]) == 0) {
			free(texts[i]);
			continue;
		}
		htab_add(t->index, texts[i], strlen(texts[i]));
		t->text[t->n] = texts[i];
		if (gram_of(texts[i], &key))
			gmap_get(&vocab, key)->id = (uint32_t)t->n;
		t->n++;
	}
	free(texts);
	for (i = 0; i < nforced; i++)
		if ((k = htab_find(t->index, forced[i], strlen(forced[i]))) !=
		    HTAB_NONE)
			t->forced[k] = 1;
	/* Counts are term ids: the memo's are good as they are for its
	 * own vocabulary (a body edit seldom changes it, even when found
	 * again); for another, mapped by term, and the terms it lacks
	 * counted in every article (a tag added: one), unless they are
	 * so many that counting all again is as quick. */
	memset(&hx, 0, sizeof(hx));
	if (!tmemo_same(memo, t->text, t->n) && !plan_remap(memo, t, &hx)) {
		tmemo_free(memo);
		memo = NULL;
	}

	/* Per article: how often each term, then tf-idf. */
	for (i = 0; ss != NULL && i < ns; i++)
		cs[smap[i]] = ss[i];
	free(ss);
	free(smap);
	cx.cs = cs;
	cx.map = NULL;
	hx.cs = cs;
	hx.cx = &cx;
	hx.longs = cx.longs;
	vl_make(&vl, &vocab, 1);
	hx.vl = &vl;
	hx.memo = memo;
	hx.akey = akey;
	atomic_init(&hx.counted, 0);
	atomic_init(&hx.topped, 0);
	hx.t = t;
	hx.where = xcalloc((size_t)(jobs > 1 ? jobs : 1), sizeof(*hx.where));
	for (k = 0; k < (size_t)(jobs > 1 ? jobs : 1); k++) {
		hx.where[k] = xreallocarray(NULL, t->n ? t->n : 1,
		    sizeof(**hx.where));
		memset(hx.where[k], 0xff, (t->n ? t->n : 1) *
		    sizeof(**hx.where));	/* -1 */
	}
	par_for(n, jobs, hits_one, &hx);
	for (k = 0; k < (size_t)(jobs > 1 ? jobs : 1); k++)
		free(hx.where[k]);
	free(hx.where);
	vl_free(&vl);
	if (diag_verbosity > 1) {
		char	 more[64] = "";

		if (hx.remap != NULL)
			snprintf(more, sizeof(more), ", %zu new terms counted "
			    "in %zu", hx.nadded, (size_t)atomic_load(&hx.topped));
		fprintf(stderr, "folio:  terms memo: vocabulary %s, %zu of %zu "
		    "articles counted%s\n", vkept ? "kept" : "found",
		    (size_t)atomic_load(&hx.counted), n, more);
	}
	/* Raw counts (before weigh_one sorts and drops), for next time:
	 * the files of the last memo (mapped) that would hold the same
	 * are left as they are. */
	k = memo == NULL || !vkept || hx.remap != NULL ||
	    atomic_load(&hx.counted) > 0;
	if (o->memo != NULL && k)
		tmemo_write(o->memo, memo, vkey, found, nfound, t->text, t->n,
		    akey, t->hits, t->nhits, n, jobs);
	tmemo_free(memo);
	for (i = 0; i < nfound; i++)
		free(found[i]);
	free(found);
	free(hx.remap);
	free(hx.added);
	free(hx.agram);
	free(akey);
	t->df = xcalloc(t->n ? t->n : 1, sizeof(*t->df));
	t->idf = xcalloc(t->n ? t->n : 1, sizeof(*t->idf));
	t->boost = xcalloc(t->n ? t->n : 1, sizeof(*t->boost));
	t->chars = xcalloc(t->n ? t->n : 1, sizeof(*t->chars));
	for (i = 0; i < n; i++)
		for (k = 0; k < t->nhits[i]; k++)
			t->df[t->hits[i][k].id]++;
	for (i = 0; i < t->n; i++) {
		size_t chars = 0, off, bytes = strlen(t->text[i]);
		uint32_t cp;

		for (off = 0; off < bytes; chars++)
			off += utf8_decode(t->text[i] + off, bytes - off, &cp);
		t->chars[i] = chars;
		t->idf[i] = t->df[i] ? log(1.0 + (double)n / t->df[i]) : 0;
		t->boost[i] = 1.0 + 0.25 * (double)(chars > 2 ?
		    (chars < 6 ? chars - 2 : 4) : 0);
	}
	par_for(n, jobs, weigh_one, t);

	for (i = 0; i < n; i++) {
		free(cs[i].id);
		free(cs[i].lh);
	}
	free(cx.longs);
	free(cs);
	free(vocab.g);
	return t;
}

void
term_free(struct terms *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->text[i]);
	for (i = 0; i < t->narts; i++)
		free(t->hits[i]);
	free(t->text);
	free(t->forced);
	free(t->hits);
	free(t->nhits);
	free(t->df);
	free(t->idf);
	free(t->boost);
	free(t->chars);
	htab_free(t->index);
	free(t);
}
