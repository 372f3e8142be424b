/*
 * taxonomy.c: analyse stage, part two.  Takes the loaded articles,
 * site.yaml's topics list, the terms found by terms.c and the raw pages
 * in content/pages, and groups the articles: the region tree, the
 * organizations, the reporters, the topics (tags, curated and found
 * terms), the months, and the source pages with each article's lines.
 * Hands on struct taxo, from which browse.c renders the pages and
 * render.c links each article into them; related.c adds neighbours.
 */
#define _GNU_SOURCE		/* memmem */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "folio.h"

#define TOPICS_MIN	3	/* topics shown on an article, when it has them */
#define TOPICS_MAX	8	/* ... and at most */
#define MEMBER_TF	2	/* mentions that make an article part of a topic */
#define SLUG_ROOM	160	/* bytes in a region's path slug */

static const char *const kind_dir[TAX_NKINDS] = {
	"regions", "orgs", "authors", "topics", "archive"
};

/* The groups of one kind while they are collected. */
struct kind {
	struct htab	  *keys;	/* key -> index in g; owned */
	struct tax_group **g;		/* by index; owned until handed on */
	size_t		   n;		/* entries in g */
};

/* The normalized form of s, spaces trimmed; caller frees.  "" if none. */
static char *
norm_make(const char *s)
{
	struct buf	 b;
	size_t		 a = 0, z;

	buf_init(&b);
	seg_norm(&b, s, strlen(s));
	while (a < b.len && (b.p[a] == ' ' || b.p[a] == '\t' ||
	    b.p[a] == '\n' || b.p[a] == '\r'))
		a++;
	for (z = b.len; z > a && (b.p[z - 1] == ' ' || b.p[z - 1] == '\t' ||
	    b.p[z - 1] == '\n' || b.p[z - 1] == '\r'); z--)
		continue;
	memmove(b.p, b.p + a, z - a);
	buf_truncate(&b, z - a);
	return buf_take(&b);
}

/*
 * norm_make, remembered: tags, places and regions repeat across the
 * articles (124,000 calls on a 10k archive, each through ICU, on one
 * thread).  A pure function, so the memo lives as long as the program
 * (tax_cleanup); guarded, though the taxonomy asks from one thread.
 */
static pthread_mutex_t	 nk_lock = PTHREAD_MUTEX_INITIALIZER;
static struct htab	*nk_seen;	/* text -> index in nk_val; guarded */
static char		**nk_val;	/* its normalized form; guarded */
static size_t		 nk_cap;

static char *
norm_key(const char *s)
{
	size_t	 i, n0, len = strlen(s);
	char	*r;

	pthread_mutex_lock(&nk_lock);
	if (nk_seen != NULL && (i = htab_find(nk_seen, s, len)) != HTAB_NONE) {
		r = xstrdup(nk_val[i]);
		pthread_mutex_unlock(&nk_lock);
		return r;
	}
	pthread_mutex_unlock(&nk_lock);
	r = norm_make(s);
	pthread_mutex_lock(&nk_lock);
	if (nk_seen == NULL)
		nk_seen = htab_new();
	n0 = htab_count(nk_seen);
	if ((i = htab_add(nk_seen, s, len)) == n0) {	/* new */
		if (i >= nk_cap) {
			nk_cap = nk_cap ? nk_cap * 2 : 256;
			nk_val = xreallocarray(nk_val, nk_cap, sizeof(*nk_val));
		}
		nk_val[i] = xstrdup(r);
	}
	pthread_mutex_unlock(&nk_lock);
	return r;
}

/* Forget norm_key's memo (at exit, for leak checkers). */
void
tax_cleanup(void)
{
	size_t	 i;

	pthread_mutex_lock(&nk_lock);
	for (i = 0; nk_seen != NULL && i < htab_count(nk_seen); i++)
		free(nk_val[i]);
	free(nk_val);
	htab_free(nk_seen);
	nk_val = NULL;
	nk_seen = NULL;
	nk_cap = 0;
	pthread_mutex_unlock(&nk_lock);
}

/* The group of kind k with key (consumed), made with name when new. */
static struct tax_group *
group_get(struct kind *k, enum tax_kind kind, char *key, const char *name)
{
	struct tax_group *g;
	size_t		  id;

	id = htab_add(k->keys, key, strlen(key));
	if (id < k->n) {
		free(key);
		return k->g[id];
	}
	g = xcalloc(1, sizeof(*g));
	g->kind = kind;
	g->key = key;
	g->name = xstrdup(name);
	g->gid = k->n;
	k->g = xreallocarray(k->g, k->n + 1, sizeof(*k->g));
	k->g[k->n++] = g;
	return g;
}

/* Add a to g unless it is already the last member. */
static void
group_add(struct tax_group *g, struct article *a)
{
	if (g->narts > 0 && g->arts[g->narts - 1] == a)
		return;
	if (g->narts == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 8;
		g->arts = xreallocarray(g->arts, g->cap, sizeof(*g->arts));
	}
	g->arts[g->narts++] = a;
}

static void
group_free(struct tax_group *g)
{
	free(g->name);
	free(g->key);
	free(g->slug);
	free(g->url);
	free(g->arts);
	free(g->kids);
	free(g);
}

/* ---- slugs ---- */

/*
 * A slug that cannot be mistaken for a later page of a list: a final
 * "-<digits>" (which render_list uses for page 2, 3 ...) becomes
 * "_<digits>".
 */
static void
unpage(char *s)
{
	char	*d = strrchr(s, '-');

	if (d != NULL && d[1] != '\0' && strspn(d + 1, "0123456789") ==
	    strlen(d + 1))
		*d = '_';
}

/*
 * Give s (a natural slug, consumed) to key, or, when another key took it,
 * s with "_" and a hash of key: the same for the same name in every
 * build.  Returns the slug (owned by the caller).
 */
static char *
unique_slug(struct htab *taken, char *s, const char *key)
{
	char		*u;
	uint64_t	 h = hash64(key, strlen(key), 0);
	int		 bits;

	unpage(s);
	if (htab_find(taken, s, strlen(s)) == HTAB_NONE) {
		htab_add(taken, s, strlen(s));
		return s;
	}
	for (bits = 16;; bits = bits < 64 ? bits * 2 : bits + 1) {
		if (bits <= 64)
			u = xasprintf("%s_%0*llx", s, bits / 4,
			    (unsigned long long)(bits < 64 ?
			    h & (((uint64_t)1 << bits) - 1) : h));
		else
			u = xasprintf("%s_%016llx_%d", s,
			    (unsigned long long)h, bits - 64);
		if (htab_find(taken, u, strlen(u)) == HTAB_NONE)
			break;
		free(u);
	}
	htab_add(taken, u, strlen(u));
	free(s);
	return u;
}

static int
key_cmp(const void *x, const void *y)
{
	const struct tax_group *a = *(struct tax_group *const *)x;
	const struct tax_group *b = *(struct tax_group *const *)y;

	if (a->depth != b->depth)
		return a->depth - b->depth;
	return strcmp(a->key, b->key);
}

static int
slug_cmp(const void *x, const void *y)
{
	const struct tax_group *a = *(struct tax_group *const *)x;
	const struct tax_group *b = *(struct tax_group *const *)y;
	int		 c;

	if ((c = strcmp(a->slug, b->slug)) != 0)
		return c;
	return strcmp(a->key, b->key);
}

/* Slugs and urls for every group of a kind (regions by depth first). */
static void
name_groups(struct tax_group **g, size_t n, enum tax_kind kind)
{
	struct htab	*taken = htab_new();
	char		*s, *own;
	size_t		 i, cut;

	if (n > 1)
		qsort(g, n, sizeof(*g), key_cmp);
	for (i = 0; i < n; i++) {
		if (kind == TAX_MONTH) {
			g[i]->slug = xasprintf("%.4s/%.2s", g[i]->key,
			    g[i]->key + 5);
			g[i]->url = xasprintf("archive/%s.html", g[i]->slug);
			continue;
		}
		own = slug_make(g[i]->name, SLUG_MAX);
		if (kind == TAX_REGION && g[i]->parent != NULL) {
			s = xasprintf("%s-%s", g[i]->parent->slug, own);
			free(own);
			if (strlen(s) > SLUG_ROOM) {
				for (cut = SLUG_ROOM; cut > 0 && s[cut] != '-';
				    cut--)
					continue;
				s[cut ? cut : SLUG_ROOM] = '\0';
			}
		} else
			s = own;
		g[i]->slug = unique_slug(taken, s, g[i]->key);
		g[i]->url = xasprintf("%s/%s.html", kind_dir[kind],
		    g[i]->slug);
	}
	htab_free(taken);
}

/* ---- regions, organizations, reporters, months ---- */

static void
add_regions(struct taxo *t, struct kind *k, struct article *a)
{
	struct tax_group *g, *parent = NULL;
	struct buf	  path;
	char		 *key;
	size_t		  i;

	buf_init(&path);
	for (i = 0; a->region != NULL && i < a->region->n; i++) {
		key = norm_key(a->region->kids[i]->s);
		if (*key == '\0') {
			free(key);
			continue;
		}
		if (path.len)
			buf_putc(&path, '\x1f');
		buf_puts(&path, key);
		free(key);
		g = group_get(k, TAX_REGION, xstrdup(path.p),
		    a->region->kids[i]->s);
		if (g->narts == 0 && g->parent == NULL && parent != NULL) {
			g->parent = parent;
			g->depth = parent->depth + 1;
			parent->kids = xreallocarray(parent->kids,
			    parent->nkids + 1, sizeof(*parent->kids));
			parent->kids[parent->nkids++] = g;
		}
		group_add(g, a);
		parent = g;
	}
	t->art[a->idx].region = parent;
	buf_free(&path);
}

static struct tax_group *
add_named(struct kind *k, enum tax_kind kind, const char *name,
    struct article *a)
{
	struct tax_group *g;
	char		 *key = norm_key(name);

	if (*key == '\0') {
		free(key);
		return NULL;
	}
	g = group_get(k, kind, key, name);
	group_add(g, a);
	return g;
}

/* "2025年3月" for key "2025-03". */
static char *
month_name(const char *key)
{
	return xasprintf("%.4s年%d月", key, atoi(key + 5));
}

/* ---- topics ---- */

/* site.yaml's topics: renames and exclusions, by normalized term. */
struct curation {
	struct htab	*from;		/* rename: normalized from -> index; owned */
	char		**to;		/* by index: normalized to; owned */
	char		**toname;	/* by index: to as written; borrowed */
	struct htab	*exclude;	/* normalized excluded terms; owned */
};

static void
cur_load(struct curation *c, const struct val *topics)
{
	const struct val *v;
	size_t		  i;
	char		 *k;

	memset(c, 0, sizeof(*c));
	c->from = htab_new();
	c->exclude = htab_new();
	if (topics == NULL)
		return;
	if ((v = val_get(topics, "rename")) != NULL && v->type == V_MAP) {
		c->to = xcalloc(v->n ? v->n : 1, sizeof(*c->to));
		c->toname = xcalloc(v->n ? v->n : 1, sizeof(*c->toname));
		for (i = 0; i < v->n; i++) {
			if (v->kids[i]->type != V_STR)
				continue;
			k = norm_key(v->keys[i]);
			if (htab_find(c->from, k, strlen(k)) == HTAB_NONE) {
				c->to[htab_count(c->from)] =
				    norm_key(v->kids[i]->s);
				c->toname[htab_count(c->from)] =
				    v->kids[i]->s;
				htab_add(c->from, k, strlen(k));
			}
			free(k);
		}
	}
	if ((v = val_get(topics, "exclude")) != NULL && v->type == V_LIST)
		for (i = 0; i < v->n; i++) {
			if (v->kids[i]->type != V_STR)
				continue;
			k = norm_key(v->kids[i]->s);
			htab_add(c->exclude, k, strlen(k));
			free(k);
		}
}

static void
cur_free(struct curation *c)
{
	size_t	 i;

	for (i = 0; i < htab_count(c->from); i++)
		free(c->to[i]);
	free(c->to);
	free(c->toname);
	htab_free(c->from);
	htab_free(c->exclude);
}

/*
 * The topic key (normalized) of term key k: renamed, or NULL when it is
 * excluded.  *name gets the name to show when renamed (else NULL).
 * Borrowed from k or c.
 */
static const char *
cur_apply(const struct curation *c, const char *k, const char **name)
{
	size_t	 i;

	*name = NULL;
	if (htab_find(c->exclude, k, strlen(k)) != HTAB_NONE)
		return NULL;
	if ((i = htab_find(c->from, k, strlen(k))) != HTAB_NONE) {
		k = c->to[i];
		*name = c->toname[i];
		if (htab_find(c->exclude, k, strlen(k)) != HTAB_NONE)
			return NULL;
	}
	return *k ? k : NULL;
}

/* One candidate topic of an article, while choosing what it shows. */
struct pick {
	struct tax_group *g;	/* the topic */
	double		  w;	/* weight in this article (0 for a tag) */
	size_t		  tf;	/* mentions */
	size_t		  ttf;	/* ... in the title */
	int		  tag;	/* the article's tags name it */
};

/* Is x inside y or y inside x (as strings)? */
static int
overlaps(const char *x, const char *y)
{
	return strstr(x, y) != NULL || strstr(y, x) != NULL;
}

/* Does the topic list of an article have g?  Linear: it is short. */
static int
has_topic(const struct tax_art *ta, const struct tax_group *g)
{
	size_t	 i;

	for (i = 0; i < ta->ntopics; i++)
		if (ta->topics[i] == g)
			return 1;
	return 0;
}

/* A term's topic, made when new; NULL when curation excludes it. */
static struct tax_group *
topic_of(struct kind *k, const struct curation *c, const char *term,
    const char *shown)
{
	const char	*key, *rn;

	if ((key = cur_apply(c, term, &rn)) == NULL)
		return NULL;
	return group_get(k, TAX_TOPIC, xstrdup(key), rn ? rn : shown);
}

/* The existing topic of a term (after curation), or NULL. */
static struct tax_group *
topic_find(const struct kind *k, const struct curation *c, const char *term)
{
	const char	*key, *rn;
	size_t		 id;

	if ((key = cur_apply(c, term, &rn)) == NULL ||
	    (id = htab_find(k->keys, key, strlen(key))) == HTAB_NONE)
		return NULL;
	return k->g[id];
}

/* Can term id be found as a topic: a compound, recurring, not a place? */
static int
eligible(const struct terms *tm, size_t id, const struct htab *places)
{
	return tm->df[id] >= tm->min_df && tm->chars[id] >= TERM_COMPOUND &&
	    !tm->forced[id] && htab_find(places, tm->text[id],
	    strlen(tm->text[id])) == HTAB_NONE;
}

/*
 * Picks being gathered (one gathering at a time per picks, one picks
 * per thread): a topic's place in them is in slot[gid], if stamp[gid]
 * is this gathering's.  byterm caches topic_find by term id: a topic
 * found stays found (none is dropped while picking), none found holds
 * while no topic was made since (seen[id] == topics made + 1).
 */
struct picks {
	struct pick	 *pk;		/* owned */
	size_t		  n, cap;	/* entries used, allocated */
	size_t		  stamp;	/* this gathering's; never 0 */
	size_t		 *gstamp;	/* by topic gid; owned */
	size_t		 *gslot;	/* by topic gid; owned */
	size_t		  ng;		/* entries in gstamp and gslot */
	struct tax_group **byterm;	/* term id -> topic, or NULL; owned */
	size_t		 *seen;		/* term id -> when NULL was found; owned */
};

/* topic_find of term id, through p's cache. */
static struct tax_group *
term_topic(struct picks *p, const struct kind *k, const struct curation *c,
    const struct terms *tm, size_t id)
{
	if (p->byterm[id] == NULL && p->seen[id] != k->n + 1) {
		p->byterm[id] = topic_find(k, c, tm->text[id]);
		p->seen[id] = k->n + 1;
	}
	return p->byterm[id];
}

/* The place of g in p, appended (zeroed) when new. */
static size_t
pick_slot(struct picks *p, struct tax_group *g)
{
	size_t	 m;

	if (g->gid >= p->ng) {		/* topics made since: room */
		m = 2 * g->gid + 16;
		p->gstamp = xreallocarray(p->gstamp, m, sizeof(*p->gstamp));
		p->gslot = xreallocarray(p->gslot, m, sizeof(*p->gslot));
		memset(p->gstamp + p->ng, 0, (m - p->ng) * sizeof(*p->gstamp));
		p->ng = m;
	}
	if (p->gstamp[g->gid] == p->stamp)
		return p->gslot[g->gid];
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->pk = xreallocarray(p->pk, p->cap, sizeof(*p->pk));
	}
	memset(&p->pk[p->n], 0, sizeof(*p->pk));
	p->pk[p->n].g = g;
	p->gstamp[g->gid] = p->stamp;
	p->gslot[g->gid] = p->n;
	return p->n++;
}

/* Fresh picks for a term table of ntm terms; picks_free frees. */
static void
picks_init(struct picks *p, size_t ntm)
{
	memset(p, 0, sizeof(*p));
	p->byterm = xcalloc(ntm ? ntm : 1, sizeof(*p->byterm));
	p->seen = xcalloc(ntm ? ntm : 1, sizeof(*p->seen));
}

static void
picks_free(struct picks *p)
{
	free(p->pk);
	free(p->gstamp);
	free(p->gslot);
	free(p->byterm);
	free(p->seen);
}

/*
 * The topics of article i into p (grown): its tags in their order (each
 * also into tags[], when not NULL), then the topics among its terms,
 * heaviest first.
 */
static void
gather(const struct taxo *t, const struct kind *k, const struct curation *cur,
    const struct article *a, struct picks *p, struct tax_group **tags)
{
	const struct term_hit *h = t->terms->hits[a->idx];
	struct tax_group *g;
	size_t		  j, q;
	char		 *nk;

	p->n = 0;
	p->stamp++;
	for (j = 0; a->tags != NULL && j < a->tags->n; j++) {
		nk = norm_key(a->tags->kids[j]->s);
		g = topic_find(k, cur, nk);
		free(nk);
		if (tags != NULL)
			tags[j] = g;
		if (g != NULL) {
			q = pick_slot(p, g);	/* may move p->pk */
			p->pk[q].tag = 1;
		}
	}
	for (j = 0; j < t->terms->nhits[a->idx]; j++) {
		g = term_topic(p, k, cur, t->terms, h[j].id);
		if (g == NULL)
			continue;
		q = pick_slot(p, g);
		if (p->pk[q].w < h[j].w)
			p->pk[q].w = h[j].w;
		p->pk[q].tf += h[j].tf;
		p->pk[q].ttf += h[j].ttf;
	}
}

/*
 * What an article shows, from pk: tags, then the heaviest topics that
 * do not overlap one already shown (unless that leaves fewer than
 * TOPICS_MIN), up to TOPICS_MAX.
 */
static void
choose(struct tax_art *ta, const struct pick *pk, size_t npk)
{
	struct tax_group *g;
	size_t		  j, q;
	int		  pass;

	ta->ntopics = 0;
	for (pass = 0; pass < 2 && (pass == 0 || ta->ntopics < TOPICS_MIN);
	    pass++)
		for (j = 0; j < npk && ta->ntopics < TOPICS_MAX; j++) {
			g = pk[j].g;
			for (q = 0; q < ta->ntopics && (pass || pk[j].tag ||
			    !overlaps(ta->topics[q]->key, g->key)); q++)
				continue;
			if (q < ta->ntopics || has_topic(ta, g))
				continue;
			ta->topics[ta->ntopics++] = g;
		}
}

/* An article's membership of a topic, with the weight it adds. */
struct memb {
	struct tax_group *g;	/* borrowed */
	double		  w;
};

/* add_topics's second pass on -j threads. */
struct mjob {
	struct taxo	 *t;
	struct kind	 *k;
	const struct build *b;
	const struct curation *cur;
	struct picks	 *pp;	/* by par_worker; owned */
	size_t		  npp;
	struct memb	**mem;	/* by article: its memberships; owned */
	size_t		 *nmem;	/* by article */
};

/*
 * par_for worker: what article i shows (its tags and topics) and the
 * topics it belongs to (those it shows or is tagged with, or mentions
 * MEMBER_TF times), into mem[i] in pick order.
 */
static int
member_one(void *arg, size_t i)
{
	struct mjob	 *mj = arg;
	struct picks	 *p = &mj->pp[par_worker()];
	struct article	 *a = mj->b->arts[i];
	struct tax_art	 *ta = &mj->t->art[i];
	struct tax_group *g;
	size_t		  j, n = 0;

	if (a->tags != NULL && a->tags->n > 0)
		ta->tags = xcalloc(a->tags->n, sizeof(*ta->tags));
	gather(mj->t, mj->k, mj->cur, a, p, ta->tags);
	choose(ta, p->pk, p->n);
	mj->mem[i] = xcalloc(p->n ? p->n : 1, sizeof(**mj->mem));
	for (j = 0; j < p->n; j++) {
		g = p->pk[j].g;
		if (!p->pk[j].tag && !has_topic(ta, g) &&
		    p->pk[j].ttf == 0 && p->pk[j].tf <
		    ((g->origin & TAX_ADDED) ? 1 : MEMBER_TF))
			continue;
		mj->mem[i][n].g = g;
		mj->mem[i][n++].w = p->pk[j].w;
	}
	mj->nmem[i] = n;
	return 0;
}

/*
 * Topics.  A topic is a tag, a curated term (topics.add) or a found
 * term of TERM_COMPOUND or more characters (a compound: 业委会, 红色物业;
 * two-character words only weigh in related articles) that min_df
 * articles discuss (MEMBER_TF mentions; a title mention counts once
 * more) and that is not a place name.  An article showing fewer than
 * TOPICS_MIN makes its heaviest recurring compounds topics too.  An
 * article belongs to the topics it shows, is tagged with, names in its
 * title, or mentions MEMBER_TF times (once for a curated term): a topic
 * page lists the articles about it, not every passing mention.
 */
static void
add_topics(struct taxo *t, struct kind *k, const struct build *b,
    const struct curation *cur, const struct htab *places)
{
	const struct terms *tm = t->terms;
	struct picks	  p;
	struct tax_group *g, **top;
	struct tax_art	 *ta;
	struct article	 *a;
	const struct val *add;
	struct mjob	  mj;
	uint32_t	 *support;
	size_t		  i, j, q, n, id;
	char		 *nk;

	/* Tags and curated terms are topics whatever their use. */
	for (i = 0; i < b->narts; i++) {
		a = b->arts[i];
		for (j = 0; a->tags != NULL && j < a->tags->n; j++) {
			nk = norm_key(a->tags->kids[j]->s);
			if (*nk != '\0' && (g = topic_of(k, cur, nk,
			    a->tags->kids[j]->s)) != NULL)
				g->origin |= TAX_TAGGED;
			free(nk);
		}
	}
	add = b->site.topics ? val_get(b->site.topics, "add") : NULL;
	for (i = 0; add != NULL && add->type == V_LIST && i < add->n; i++) {
		nk = norm_key(add->kids[i]->s);
		if (*nk != '\0' && (g = topic_of(k, cur, nk,
		    add->kids[i]->s)) != NULL)
			g->origin |= TAX_ADDED;
		free(nk);
	}

	/* Found terms that enough articles discuss. */
	support = xcalloc(tm->n ? tm->n : 1, sizeof(*support));
	for (i = 0; i < b->narts; i++)
		for (j = 0; j < tm->nhits[i]; j++)
			support[tm->hits[i][j].id] += (tm->hits[i][j].tf >=
			    MEMBER_TF) + (tm->hits[i][j].ttf > 0);
	for (id = 0; id < tm->n; id++)
		if (support[id] >= tm->min_df && eligible(tm, id, places) &&
		    (g = topic_of(k, cur, tm->text[id], tm->text[id])) !=
		    NULL)
			g->origin |= TAX_FOUND;
	free(support);

	picks_init(&p, tm->n);
	/* Articles with too few: their heaviest recurring compounds. */
	for (i = 0; i < b->narts; i++) {
		ta = &t->art[i];
		ta->topics = xcalloc(TOPICS_MAX, sizeof(*ta->topics));
		gather(t, k, cur, b->arts[i], &p, NULL);
		choose(ta, p.pk, p.n);
		for (j = 0; j < tm->nhits[i] && ta->ntopics < TOPICS_MIN;
		    j++) {
			id = tm->hits[i][j].id;
			if (!eligible(tm, id, places) ||
			    term_topic(&p, k, cur, tm, id) != NULL)
				continue;
			for (q = 0; q < ta->ntopics &&
			    !overlaps(ta->topics[q]->key, tm->text[id]); q++)
				continue;
			if (q < ta->ntopics || (g = topic_of(k, cur,
			    tm->text[id], tm->text[id])) == NULL)
				continue;
			g->origin |= TAX_FOUND;
			ta->topics[ta->ntopics++] = g;
		}
	}

	/*
	 * What each shows, and every topic it belongs to: worked out on
	 * -j threads (no topic is made from here on, so the first pass's
	 * cache of term topics holds for all), then joined to the topics in
	 * archive order, scores summed in the same order.
	 */
	memset(&mj, 0, sizeof(mj));
	mj.t = t;
	mj.k = k;
	mj.b = b;
	mj.cur = cur;
	mj.npp = b->site.jobs > 1 ? (size_t)b->site.jobs : 1;
	mj.pp = xcalloc(mj.npp, sizeof(*mj.pp));
	for (i = 0; i < mj.npp; i++) {
		picks_init(&mj.pp[i], tm->n);
		memcpy(mj.pp[i].byterm, p.byterm, tm->n * sizeof(*p.byterm));
		memcpy(mj.pp[i].seen, p.seen, tm->n * sizeof(*p.seen));
	}
	picks_free(&p);
	mj.mem = xcalloc(b->narts ? b->narts : 1, sizeof(*mj.mem));
	mj.nmem = xcalloc(b->narts ? b->narts : 1, sizeof(*mj.nmem));
	(void)par_for(b->narts, b->site.jobs, member_one, &mj);
	for (i = 0; i < b->narts; i++) {
		for (j = 0; j < mj.nmem[i]; j++) {
			group_add(mj.mem[i][j].g, b->arts[i]);
			mj.mem[i][j].g->score += mj.mem[i][j].w;
		}
		free(mj.mem[i]);
	}
	for (i = 0; i < mj.npp; i++)
		picks_free(&mj.pp[i]);
	free(mj.pp);
	free(mj.mem);
	free(mj.nmem);

	/* Drop topics nobody belongs to (a curated term never used). */
	top = k->g;
	for (i = n = 0; i < k->n; i++)
		if (top[i]->narts > 0)
			top[n++] = top[i];
		else
			group_free(top[i]);
	k->n = n;
}

/* ---- source pages ---- */

/* Parse "3-33,57-60" into ranges for a; returns count or -1. */
static int
parse_lines(const char *s, struct tax_range **r, size_t *nr,
    struct article *a)
{
	char		*end;
	long		 from, to;
	size_t		 n = 0;

	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		if (*s < '0' || *s > '9')
			return -1;
		from = strtol(s, &end, 10);
		to = from;
		s = end;
		while (*s == ' ')
			s++;
		if (*s == '-' || (unsigned char)*s == 0xe2) {
			s += *s == '-' ? 1 : 3;	/* '-' or an en dash */
			while (*s == ' ')
				s++;
			if (*s < '0' || *s > '9')
				return -1;
			to = strtol(s, &end, 10);
			s = end;
		}
		while (*s == ' ')
			s++;
		if (*s != ',' && *s != '\0')
			return -1;
		if (from < 1 || to < from || to > 10000000)
			return -1;
		*r = xreallocarray(*r, *nr + 1, sizeof(**r));
		(*r)[*nr].from = (size_t)from;
		(*r)[*nr].to = (size_t)to;
		(*r)[*nr].art = a;
		(*nr)++;
		n++;
	}
	return (int)n;
}

static int
range_cmp(const void *x, const void *y)
{
	const struct tax_range *a = x, *b = y;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->art->idx != b->art->idx)
		return a->art->idx < b->art->idx ? -1 : 1;
	return a->to < b->to ? -1 : a->to > b->to;
}

/* The article owning line ln of s (ranges sorted), or NULL. */
struct article *
tax_line_owner(const struct tax_source *s, size_t ln)
{
	size_t	 i;

	for (i = 0; i < s->nranges && s->ranges[i].from <= ln; i++)
		if (ln <= s->ranges[i].to)
			return s->ranges[i].art;
	return NULL;
}

/* Line ln of s (1-based) without its newline; *n gets its length. */
const char *
tax_line(const struct tax_source *s, size_t ln, size_t *n)
{
	size_t	 a = s->lines[ln - 1], z;

	z = ln < s->nlines ? s->lines[ln] - 1 : s->len;
	if (z > a && s->text[z - 1] == '\n')	/* the last line's */
		z--;
	if (z > a && s->text[z - 1] == '\r')
		z--;
	*n = z - a;
	return s->text + a;
}

static int
blank(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/*
 * A continuation line, "(上接B14版)" or "（下转第3版）": sets *up (1 for
 * 上接, continued from) and returns the page label (caller frees), or
 * NULL.
 */
static char *
marker(const char *p, size_t n, int *up)
{
	static const struct { const char *kw; int up; } kws[] = {
		{ "上接", 1 }, { "接第", 1 }, { "下转", 0 }, { "转第", 0 },
	};
	const char	*k = NULL, *e;
	size_t		 i;

	if (n > 60)
		return NULL;
	for (i = 0; i < sizeof(kws) / sizeof(kws[0]) && k == NULL; i++)
		if ((k = memmem(p, n, kws[i].kw, strlen(kws[i].kw))) != NULL) {
			*up = kws[i].up;
			k += strlen(kws[i].kw);
		}
	if (k == NULL)
		return NULL;
	if ((size_t)(p + n - k) >= 3 && memcmp(k, "第", 3) == 0)
		k += 3;
	while (k < p + n && *k == ' ')
		k++;
	if ((e = memmem(k, (size_t)(p + n - k), "版", 3)) == NULL || e == k)
		return NULL;
	return xstrndup(k, (size_t)(e - k));
}

/*
 * The article a continuation line belongs to: the one whose lines hold
 * it, else the next one below a 上接 line or the last one above a 下转
 * line (blank lines between), else NULL.
 */
static struct article *
mark_owner(const struct tax_source *s, size_t ln, int up)
{
	struct article	*a;
	const char	*p;
	size_t		 j, n;
	int		 pass;

	if ((a = tax_line_owner(s, ln)) != NULL)
		return a;
	for (pass = 0; pass < 2; pass++, up = !up)
		for (j = up ? ln + 1 : ln - 1; j >= 1 && j <= s->nlines;
		    j = up ? j + 1 : j - 1) {
			p = tax_line(s, j, &n);
			if (blank(p, n))
				continue;
			if ((a = tax_line_owner(s, j)) != NULL)
				return a;
			break;
		}
	return NULL;
}

/* Articles of a page in page order: by first line, then archive order. */
struct src_order {
	size_t		 line0;	/* first line on the page */
	struct article	*a;	/* borrowed */
};

static int
src_order_cmp(const void *x, const void *y)
{
	const struct src_order *a = x, *b = y;

	if (a->line0 != b->line0)
		return a->line0 < b->line0 ? -1 : 1;
	return a->a->idx < b->a->idx ? -1 : a->a->idx > b->a->idx;
}

static void
sort_page(struct taxo *t, struct tax_source *s)
{
	struct src_order *o;
	size_t		  j;

	o = xcalloc(s->narts ? s->narts : 1, sizeof(*o));
	for (j = 0; j < s->narts; j++) {
		o[j].a = s->arts[j];
		o[j].line0 = t->art[s->arts[j]->idx].line0;
	}
	qsort(o, s->narts, sizeof(*o), src_order_cmp);
	for (j = 0; j < s->narts; j++)
		s->arts[j] = o[j].a;
	free(o);
}

static void
add_label(struct tax_source *s, const char *l)
{
	size_t	 i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i], l) == 0)
			return;
	s->labels = xreallocarray(s->labels, s->nlabels + 1,
	    sizeof(*s->labels));
	s->labels[s->nlabels++] = xstrdup(l);
}

static int
load_source(struct tax_source *s, const char *dir, const char *name)
{
	struct buf	 b;
	char		*path;
	size_t		 bad, i, n;

	path = xasprintf("%s/%s", dir, name);
	buf_init(&b);
	if (file_read(path, &b) == -1) {
		free(path);
		buf_free(&b);
		return -1;
	}
	if (!utf8_check(b.p, b.len, &bad)) {
		diag_warn(path, 0, 0, "not UTF-8 (byte %zu): no page is made "
		    "for it", bad);
		free(path);
		buf_free(&b);
		return -1;
	}
	free(path);
	s->file = xstrdup(name);
	s->len = b.len;
	s->text = buf_take(&b);
	n = 1;
	for (i = 0; i < s->len; i++)
		if (s->text[i] == '\n' && i + 1 < s->len)
			n++;
	s->lines = xcalloc(n, sizeof(*s->lines));
	s->nlines = 1;
	for (i = 0; i < s->len; i++)
		if (s->text[i] == '\n' && i + 1 < s->len)
			s->lines[s->nlines++] = i + 1;
	if (s->len == 0)
		s->nlines = 0;
	return 0;
}

static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * Source pages: every *.txt in content/pages, each with the articles
 * that name it in source.file (in page order), their line ranges, page
 * labels and continuation lines.
 */
static void
add_sources(struct taxo *t, const struct build *b)
{
	struct htab	*files = htab_new(), *taken = htab_new();
	struct dirent	*d;
	struct tax_source *s;
	struct article	*a;
	const struct val *v, *pv;
	char		**names = NULL, *stem;
	size_t		 nnames = 0, i, j, k, id, n;
	DIR		*dp;
	int		 up = 0, rc;

	if ((dp = opendir(b->site.pages_dir)) != NULL) {
		while ((d = readdir(dp)) != NULL) {
			n = strlen(d->d_name);
			if (d->d_name[0] == '.' || n < 5 ||
			    strcmp(d->d_name + n - 4, ".txt") != 0)
				continue;
			names = xreallocarray(names, nnames + 1,
			    sizeof(*names));
			names[nnames++] = xstrdup(d->d_name);
		}
		closedir(dp);
	}
	if (nnames > 1)
		qsort(names, nnames, sizeof(*names), name_cmp);
	t->srcs = xcalloc(nnames ? nnames : 1, sizeof(*t->srcs));
	for (i = 0; i < nnames; i++) {
		s = &t->srcs[t->nsrcs];
		if (load_source(s, b->site.pages_dir, names[i]) == -1)
			continue;
		stem = xstrndup(names[i], strlen(names[i]) - 4);
		if (!slug_valid(stem)) {
			char *m = slug_make(stem, SLUG_MAX);

			free(stem);
			stem = m;
		}
		s->slug = unique_slug(taken, stem, names[i]);
		s->url = xasprintf("pages/%s.html", s->slug);
		htab_add(files, names[i], strlen(names[i]));
		t->nsrcs++;
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	htab_free(taken);

	/* Articles onto their pages. */
	for (i = 0; i < b->narts; i++) {
		a = b->arts[i];
		if (a->source == NULL ||
		    (v = val_get(a->source, "file")) == NULL)
			continue;
		if ((id = htab_find(files, v->s, v->slen)) == HTAB_NONE) {
			if (t->nsrcs > 0)
				diag_warn(a->path, v->line, v->col, "source "
				    "file '%s' is not in %s", v->s,
				    b->site.pages_dir);
			continue;
		}
		s = &t->srcs[id];
		n = s->nranges;
		pv = val_get(a->source, "lines");
		if (pv != NULL && pv->type == V_STR) {
			rc = parse_lines(pv->s, &s->ranges, &s->nranges, a);
			if (rc == -1 || (rc > 0 &&
			    s->ranges[s->nranges - 1].to > s->nlines)) {
				diag_warn(a->path, pv->line, pv->col, "source."
				    "lines '%s' %s (the page has %zu lines)",
				    pv->s, rc == -1 ? "is not like "
				    "\"3-33,57-60\"" : "is past the end",
				    s->nlines);
				s->nranges = n;
			}
		}
		t->art[i].src = s;
		t->art[i].line0 = s->nranges > n ? s->ranges[n].from : 0;
		for (j = n; j < s->nranges; j++)
			if (s->ranges[j].from < t->art[i].line0)
				t->art[i].line0 = s->ranges[j].from;
		s->arts = xreallocarray(s->arts, s->narts + 1,
		    sizeof(*s->arts));
		s->arts[s->narts++] = a;
	}
	htab_free(files);

	for (i = 0; i < t->nsrcs; i++) {
		s = &t->srcs[i];
		if (s->nranges > 1)
			qsort(s->ranges, s->nranges, sizeof(*s->ranges),
			    range_cmp);
		sort_page(t, s);
		for (j = 0; j < s->narts; j++) {
			a = s->arts[j];
			t->art[a->idx].src_pos = j;
			pv = val_get(a->source, "page");
			if (pv != NULL && pv->type == V_STR)
				add_label(s, pv->s);
			for (k = 0; pv != NULL && pv->type == V_LIST &&
			    k < pv->n; k++)
				if (pv->kids[k]->type == V_STR)
					add_label(s, pv->kids[k]->s);
		}
		/* The page's date: that of most of its articles. */
		for (j = 0; j < s->narts; j++) {
			size_t c = 0, best = 0;

			if (s->arts[j]->date == NULL)
				continue;
			for (k = 0; k < s->narts; k++)
				c += s->arts[k]->date != NULL &&
				    strcmp(s->arts[k]->date,
				    s->arts[j]->date) == 0;
			for (k = 0; s->date != NULL && k < s->narts; k++)
				best += s->arts[k]->date != NULL &&
				    strcmp(s->arts[k]->date, s->date) == 0;
			if (s->date == NULL || c > best)
				s->date = s->arts[j]->date;
		}
		for (j = 1; j <= s->nlines; j++) {
			const char *p = tax_line(s, j, &n);
			char *label;

			if ((label = marker(p, n, &up)) == NULL)
				continue;
			s->marks = xreallocarray(s->marks, s->nmarks + 1,
			    sizeof(*s->marks));
			s->marks[s->nmarks].line = j;
			s->marks[s->nmarks].up = up;
			s->marks[s->nmarks].label = label;
			s->marks[s->nmarks].art = mark_owner(s, j, up);
			s->nmarks++;
		}
	}
}

/* ---- the whole analysis ---- */

static int
date_desc(const void *x, const void *y)
{
	return -strcmp((*(struct tax_group *const *)x)->key,
	    (*(struct tax_group *const *)y)->key);
}

static void
sort_kids(struct tax_group *g)
{
	size_t	 i;

	if (g->nkids > 1)
		qsort(g->kids, g->nkids, sizeof(*g->kids), slug_cmp);
	for (i = 0; i < g->nkids; i++)
		sort_kids(g->kids[i]);
}

/* Terms counted whatever their statistics: tags, topics.add, renames. */
static char **
forced_terms(const struct build *b, size_t *n)
{
	const struct val *tp = b->site.topics, *v;
	char		**f = NULL;
	size_t		  i, j;

	*n = 0;
	for (i = 0; i < b->narts; i++)
		for (j = 0; b->arts[i]->tags != NULL &&
		    j < b->arts[i]->tags->n; j++) {
			f = xreallocarray(f, *n + 1, sizeof(*f));
			f[(*n)++] = norm_key(b->arts[i]->tags->kids[j]->s);
		}
	if (tp != NULL && (v = val_get(tp, "add")) != NULL &&
	    v->type == V_LIST)
		for (i = 0; i < v->n; i++) {
			f = xreallocarray(f, *n + 1, sizeof(*f));
			f[(*n)++] = norm_key(v->kids[i]->s);
		}
	if (tp != NULL && (v = val_get(tp, "rename")) != NULL &&
	    v->type == V_MAP)
		for (i = 0; i < v->n; i++) {
			f = xreallocarray(f, *n + 2, sizeof(*f));
			f[(*n)++] = norm_key(v->keys[i]);
			f[(*n)++] = norm_key(v->kids[i]->s);
		}
	return f;
}

/*
 * Analyse the loaded articles of b (b->arts in archive order): every
 * taxonomy, the source pages and the related articles.  Warnings for
 * source references that do not resolve.  Returns the result (caller
 * frees with tax_free); never fails.
 */
struct taxo *
tax_build(const struct build *b)
{
	struct kind	 k[TAX_NKINDS];
	struct curation	 cur;
	struct taxo	*t;
	struct article	*a;
	struct tax_art	*ta;
	struct tax_group *g;
	struct htab	 *places;
	char		**forced;
	size_t		  i, j, nforced;
	int		  kd;
	struct timespec	  tl;
	struct term_opts to;

	clock_gettime(CLOCK_MONOTONIC, &tl);
	t = xcalloc(1, sizeof(*t));
	t->narts = b->narts;
	t->art = xcalloc(b->narts ? b->narts : 1, sizeof(*t->art));
	memset(k, 0, sizeof(k));
	for (kd = 0; kd < TAX_NKINDS; kd++)
		k[kd].keys = htab_new();
	for (i = 0; i < b->narts; i++) {
		a = b->arts[i];
		ta = &t->art[i];
		add_regions(t, &k[TAX_REGION], a);
		if (a->organization != NULL)
			ta->org = add_named(&k[TAX_ORG], TAX_ORG,
			    a->organization, a);
		if (a->authors != NULL && a->authors->n > 0) {
			ta->authors = xcalloc(a->authors->n,
			    sizeof(*ta->authors));
			for (j = 0; j < a->authors->n; j++)
				ta->authors[j] = add_named(&k[TAX_AUTHOR],
				    TAX_AUTHOR, a->authors->kids[j]->s, a);
		}
		if (a->date != NULL) {
			char *key = xstrndup(a->date, 7), *name;

			name = month_name(key);
			ta->month = group_get(&k[TAX_MONTH], TAX_MONTH, key,
			    name);
			group_add(ta->month, a);
			free(name);
		}
	}

	diag_lap(&tl, " groups");
	forced = forced_terms(b, &nforced);
	to.forced = forced;
	to.nforced = nforced;
	to.jobs = b->site.jobs;
	to.memo = b->memo;
	to.reuse = b->memo_reuse;
	to.env = b->env;
	t->terms = term_build(b->arts, b->narts, &to);
	for (i = 0; i < nforced; i++)
		free(forced[i]);
	free(forced);
	/* Place names are regions, not topics. */
	places = htab_new();
	for (i = 0; i < b->narts; i++)
		for (j = 0; b->arts[i]->region != NULL &&
		    j < b->arts[i]->region->n; j++) {
			char *nk = norm_key(b->arts[i]->region->kids[j]->s);

			htab_add(places, nk, strlen(nk));
			free(nk);
		}
	diag_lap(&tl, " terms");
	cur_load(&cur, b->site.topics);
	add_topics(t, &k[TAX_TOPIC], b, &cur, places);
	diag_lap(&tl, " topics");
	cur_free(&cur);
	htab_free(places);

	for (kd = 0; kd < TAX_NKINDS; kd++) {
		name_groups(k[kd].g, k[kd].n, (enum tax_kind)kd);
		if (k[kd].n > 1)
			qsort(k[kd].g, k[kd].n, sizeof(*k[kd].g),
			    kd == TAX_MONTH ? date_desc : slug_cmp);
		t->groups[kd] = k[kd].g;
		t->ngroups[kd] = k[kd].n;
		htab_free(k[kd].keys);
	}
	for (i = 0; i < t->ngroups[TAX_REGION]; i++) {
		g = t->groups[TAX_REGION][i];
		if (g->parent != NULL)
			continue;
		t->roots = xreallocarray(t->roots, t->nroots + 1,
		    sizeof(*t->roots));
		t->roots[t->nroots++] = g;
		sort_kids(g);
	}
	add_sources(t, b);
	diag_lap(&tl, " sources");
	rel_compute(t, b->arts, b->narts, b->site.jobs);
	diag_lap(&tl, " related");
	return t;
}

void
tax_free(struct taxo *t)
{
	struct tax_source *s;
	size_t		   i, j;
	int		   kd;

	if (t == NULL)
		return;
	for (kd = 0; kd < TAX_NKINDS; kd++) {
		for (i = 0; i < t->ngroups[kd]; i++)
			group_free(t->groups[kd][i]);
		free(t->groups[kd]);
	}
	free(t->roots);
	for (i = 0; i < t->nsrcs; i++) {
		s = &t->srcs[i];
		free(s->file);
		free(s->slug);
		free(s->url);
		free(s->text);
		free(s->lines);
		free(s->arts);
		free(s->ranges);
		for (j = 0; j < s->nmarks; j++)
			free(s->marks[j].label);
		free(s->marks);
		for (j = 0; j < s->nlabels; j++)
			free(s->labels[j]);
		free(s->labels);
	}
	free(t->srcs);
	for (i = 0; i < t->narts; i++) {
		free(t->art[i].authors);
		free(t->art[i].tags);
		free(t->art[i].topics);
		free(t->art[i].related);
		free(t->art[i].relscore);
	}
	free(t->art);
	term_free(t->terms);
	free(t);
}

/* ---- folio dump tax ---- */

static void
dump_tree(const struct tax_group *g, struct buf *o)
{
	size_t	 i;

	buf_printf(o, "%*s%s %zu %s\n", 2 * g->depth, "", g->name, g->narts,
	    g->url);
	for (i = 0; i < g->nkids; i++)
		dump_tree(g->kids[i], o);
}

static void
dump_groups(const struct taxo *t, enum tax_kind kd, const char *title,
    struct buf *o)
{
	const struct tax_group *g;
	size_t		 i;

	buf_printf(o, "== %s\n", title);
	for (i = 0; i < t->ngroups[kd]; i++) {
		g = t->groups[kd][i];
		buf_printf(o, "%s %zu %s", g->name, g->narts, g->url);
		if (kd == TAX_TOPIC)
			buf_printf(o, " %.3f%s%s%s", g->score,
			    g->origin & TAX_TAGGED ? " tag" : "",
			    g->origin & TAX_ADDED ? " added" : "",
			    g->origin & TAX_FOUND ? " found" : "");
		buf_putc(o, '\n');
	}
}

/*
 * What the analysis made of b, as text for golden tests: the region
 * tree, the groups of each kind with their article counts, the terms,
 * the source pages, and per article its region, topics, related
 * articles and place on its source page.  Appends to o.
 */
void
tax_dump(const struct taxo *t, const struct build *b, struct buf *o)
{
	const struct tax_source *s;
	const struct tax_art *ta;
	const struct article *a;
	const struct terms *tm = t->terms;
	size_t		 i, j;

	buf_puts(o, "== regions\n");
	for (i = 0; i < t->nroots; i++)
		dump_tree(t->roots[i], o);
	dump_groups(t, TAX_ORG, "organizations", o);
	dump_groups(t, TAX_AUTHOR, "authors", o);
	dump_groups(t, TAX_TOPIC, "topics", o);
	dump_groups(t, TAX_MONTH, "months", o);
	buf_printf(o, "== terms (found in at least %u articles)\n",
	    tm->min_df);
	for (i = 0; i < tm->n; i++)
		buf_printf(o, "%s %u%s\n", tm->text[i], tm->df[i],
		    tm->forced[i] ? " forced" : "");
	buf_puts(o, "== sources\n");
	for (i = 0; i < t->nsrcs; i++) {
		s = &t->srcs[i];
		buf_printf(o, "%s %s %zu lines", s->file, s->url, s->nlines);
		for (j = 0; j < s->nlabels; j++)
			buf_printf(o, "%s%s", j ? "," : " labels=",
			    s->labels[j]);
		if (s->date)
			buf_printf(o, " date=%s", s->date);
		buf_putc(o, '\n');
		for (j = 0; j < s->nranges; j++)
			buf_printf(o, "  lines %zu-%zu %s\n", s->ranges[j].from,
			    s->ranges[j].to, s->ranges[j].art->slug);
		for (j = 0; j < s->nmarks; j++)
			buf_printf(o, "  mark %zu %s %s %s\n", s->marks[j].line,
			    s->marks[j].up ? "上接" : "下转",
			    s->marks[j].label, s->marks[j].art ?
			    s->marks[j].art->slug : "-");
	}
	buf_puts(o, "== articles\n");
	for (i = 0; i < b->narts; i++) {
		a = b->arts[i];
		ta = &t->art[i];
		buf_printf(o, "%s\n", a->slug);
		if (ta->region)
			buf_printf(o, "  region: %s\n", ta->region->url);
		if (ta->org)
			buf_printf(o, "  org: %s\n", ta->org->url);
		for (j = 0; a->authors != NULL && j < a->authors->n; j++)
			if (ta->authors[j] != NULL)
				buf_printf(o, "  author: %s\n",
				    ta->authors[j]->url);
		if (ta->month)
			buf_printf(o, "  month: %s\n", ta->month->url);
		buf_puts(o, "  topics:");
		for (j = 0; j < ta->ntopics; j++)
			buf_printf(o, "%s%s", j ? ", " : " ",
			    ta->topics[j]->name);
		buf_puts(o, "\n  terms:");
		for (j = 0; j < tm->nhits[i] && j < 8; j++)
			buf_printf(o, " %s(%u,%.2f)",
			    tm->text[tm->hits[i][j].id], tm->hits[i][j].tf,
			    tm->hits[i][j].w);
		buf_puts(o, "\n  related:");
		for (j = 0; j < ta->nrelated; j++)
			buf_printf(o, " %s(%.3f)", ta->related[j]->slug,
			    ta->relscore[j]);
		buf_putc(o, '\n');
		if (ta->src)
			buf_printf(o, "  source: %s line %zu, %zu of %zu\n",
			    ta->src->file, ta->line0, ta->src_pos + 1,
			    ta->src->narts);
	}
}
