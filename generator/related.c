/*
 * related.c: analyse stage, part three.  Takes each article's weighted
 * terms (terms.c) and hands on, in taxo.art[i].related, the REL_MAX
 * articles that share the most weight with it: cosine similarity of the
 * heaviest terms, accumulated through an inverted index (term -> the
 * articles that use it), never over all pairs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

#define VEC_MAX		30	/* heaviest terms of an article compared */
#define POST_MAX	200	/* articles kept per term, heaviest first */

#if VEC_MAX > TERM_KEEP
#error "related.c compares more terms than terms.c keeps"
#endif

/* One article's entry in a term's posting list. */
struct post {
	uint32_t	 art;	/* article idx */
	double		 w;	/* the term's normalized weight there */
};

/*
 * A job's accumulator: a sum per article, valid where stamp says it
 * belongs to the article being scored, and the articles touched.
 */
struct acc {
	double		*s;	/* by article; owned */
	uint32_t	*stamp;	/* by article: 1 + whose sum s holds; owned */
	uint32_t	*touched;	/* articles summed, in first-touch order */
};

/* The inverted index: postings of term t are post[start[t]..start[t+1]). */
struct inv {
	struct post	*post;	/* all postings; owned */
	size_t		*start;	/* by term, nterms + 1 entries; owned */
	double		**vw;	/* by article: weights of its first nvec hits; owned */
	size_t		*nvec;	/* by article: hits compared */
	const struct terms *t;	/* borrowed */
	struct taxo	*tax;	/* results go here; borrowed */
	struct article *const *arts; /* borrowed */
	struct acc	*accs;	/* by par_worker; owned */
	size_t		 naccs;	/* entries in accs */
};

static int
post_cmp(const void *x, const void *y)
{
	const struct post *a = x, *b = y;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	return a->art < b->art ? -1 : a->art > b->art;
}

/* par_for worker: term id's postings, heaviest first, if it has too many. */
static int
post_sort(void *arg, size_t id)
{
	struct inv	*x = arg;
	size_t		 k = x->start[id + 1] - x->start[id];

	if (k > POST_MAX)
		qsort(x->post + x->start[id], k, sizeof(*x->post), post_cmp);
	return 0;
}

/* A scored candidate. */
struct cand {
	uint32_t	 art;	/* article idx */
	double		 s;	/* similarity */
};

/* Is x better than y: a higher score, or equal and newer (lower idx)? */
static int
better(const struct cand *x, const struct cand *y)
{
	if (x->s != y->s)
		return x->s > y->s;
	return x->art < y->art;
}

/*
 * Article i's neighbours: every term of its vector adds the product of
 * weights to each article in the term's postings, in a sum per article
 * (each sum always adds in the same order: term by term, in posting
 * order), then the REL_MAX best by a total order.  O(postings visited),
 * no sort.
 */
static int
related_one(void *arg, size_t i)
{
	struct inv	*x = arg;
	struct tax_art	*ta = &x->tax->art[i];
	const struct term_hit *h = x->t->hits[i];
	struct acc	*acc = &x->accs[par_worker()];
	struct cand	 top[REL_MAX], c;
	size_t		 k, j, q, ntop = 0, nt = 0;
	uint32_t	 a, me = (uint32_t)i + 1;

	for (k = 0; k < x->nvec[i]; k++) {
		/* Locals: the compiler cannot know the stores below leave
		 * them alone (the sums are made exactly as before). */
		const struct post *pp = x->post + x->start[h[k].id];
		const struct post *pe = x->post + x->start[h[k].id + 1];
		double		 wk = x->vw[i][k], *s = acc->s;
		uint32_t	*stamp = acc->stamp, *touched = acc->touched;

		for (; pp < pe; pp++) {
			if ((a = pp->art) == i)
				continue;
			if (stamp[a] != me) {
				stamp[a] = me;
				s[a] = 0;
				touched[nt++] = a;
			}
			s[a] += wk * pp->w;
		}
	}
	/* The best REL_MAX, kept sorted by insertion. */
	for (j = 0; j < nt; j++) {
		c.art = acc->touched[j];
		c.s = acc->s[c.art];
		if (ntop == REL_MAX && !better(&c, &top[REL_MAX - 1]))
			continue;
		for (q = ntop < REL_MAX ? ntop++ : REL_MAX - 1;
		    q > 0 && better(&c, &top[q - 1]); q--)
			top[q] = top[q - 1];
		top[q] = c;
	}
	ta->related = xcalloc(ntop ? ntop : 1, sizeof(*ta->related));
	ta->relscore = xcalloc(ntop ? ntop : 1, sizeof(*ta->relscore));
	for (k = 0; k < ntop; k++) {
		ta->related[k] = x->arts[top[k].art];
		ta->relscore[k] = top[k].s;
	}
	ta->nrelated = ntop;
	return 0;
}

/*
 * For each of arts[0..n) (archive order), the REL_MAX most similar
 * others into tax->art[i].related: the dot product of the articles'
 * VEC_MAX heaviest terms, L2-normalized.  Each term's postings are cut
 * to its POST_MAX heaviest users, so the work is at most n * VEC_MAX *
 * POST_MAX.  Ties go to the newer article; never the article itself.
 * Deterministic for any jobs.
 */
void
rel_compute(struct taxo *tax, struct article *const *arts, size_t n,
    int jobs)
{
	const struct terms *t = tax->terms;
	struct inv	 x;
	size_t		 i, k, id, *fill, cut, m;
	double		 norm;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.tax = tax;
	x.arts = arts;
	x.vw = xcalloc(n ? n : 1, sizeof(*x.vw));
	x.nvec = xcalloc(n ? n : 1, sizeof(*x.nvec));
	x.start = xcalloc(t->n + 1, sizeof(*x.start));
	for (i = 0; i < n; i++) {
		x.nvec[i] = t->nhits[i] < VEC_MAX ? t->nhits[i] : VEC_MAX;
		x.vw[i] = xcalloc(x.nvec[i] ? x.nvec[i] : 1, sizeof(double));
		for (norm = 0, k = 0; k < x.nvec[i]; k++)
			norm += t->hits[i][k].w * t->hits[i][k].w;
		norm = sqrt(norm);
		for (k = 0; k < x.nvec[i]; k++) {
			x.vw[i][k] = norm > 0 ? t->hits[i][k].w / norm : 0;
			x.start[t->hits[i][k].id + 1]++;
		}
	}
	for (id = 0; id < t->n; id++)
		x.start[id + 1] += x.start[id];
	x.post = xcalloc(x.start[t->n] ? x.start[t->n] : 1, sizeof(*x.post));
	fill = xcalloc(t->n ? t->n : 1, sizeof(*fill));
	for (i = 0; i < n; i++)
		for (k = 0; k < x.nvec[i]; k++) {
			id = t->hits[i][k].id;
			x.post[x.start[id] + fill[id]].art = (uint32_t)i;
			x.post[x.start[id] + fill[id]].w = x.vw[i][k];
			fill[id]++;
		}
	free(fill);
	/* Keep each term's POST_MAX heaviest postings (sorted on -j
	 * threads), compacted. */
	(void)par_for(t->n, jobs, post_sort, &x);
	for (id = 0, m = 0; id < t->n; id++) {
		k = x.start[id + 1] - x.start[id];
		cut = k < POST_MAX ? k : POST_MAX;
		memmove(x.post + m, x.post + x.start[id],
		    cut * sizeof(*x.post));
		x.start[id] = m;
		m += cut;
	}
	x.start[t->n] = m;
	x.naccs = jobs > 1 ? (size_t)jobs : 1;
	x.accs = xcalloc(x.naccs, sizeof(*x.accs));
	for (k = 0; k < x.naccs; k++) {
		x.accs[k].s = xcalloc(n ? n : 1, sizeof(double));
		x.accs[k].stamp = xcalloc(n ? n : 1, sizeof(uint32_t));
		x.accs[k].touched = xcalloc(n ? n : 1, sizeof(uint32_t));
	}
	par_for(n, jobs, related_one, &x);
	for (k = 0; k < x.naccs; k++) {
		free(x.accs[k].s);
		free(x.accs[k].stamp);
		free(x.accs[k].touched);
	}
	free(x.accs);
	for (i = 0; i < n; i++)
		free(x.vw[i]);
	free(x.vw);
	free(x.nvec);
	free(x.start);
	free(x.post);
}
