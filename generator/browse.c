/*
 * browse.c: render stage, the pages that cross-link the archive.  Takes
 * the analysis (struct taxo) and renders, through render.c, the region
 * tree and one page per region, organization, reporter, topic, month
 * and source page, each with its index; adds the matching links to
 * article and home page contexts.  A kind of page is made only when the
 * theme has its template, and links to it only then.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

#define HOME_TOPICS	20	/* most used topics on the home page */
#define HOME_MONTHS	12	/* latest months on the home page */
#define CLOUD_SIZES	5	/* tag cloud sizes 1..5 */

/* The templates of each kind: index page, one group's page. */
static const char *const tmpl_index[TAX_NKINDS] = {
	"regions", "orgs", "authors", "topics", "archive"
};
static const char *const tmpl_group[TAX_NKINDS] = {
	"region", "org", "author", "topic", "month"
};
static const char *const index_title[TAX_NKINDS] = {
	"地区", "机构", "作者", "主题", "按月浏览"
};

static int
has(const struct build *b, const char *tmpl)
{
	return b->tmpl != NULL && tmpl_has(b->tmpl, tmpl);
}

/* Does the theme render pages of groups of this kind? */
static int
linked(const struct build *b, enum tax_kind k)
{
	return has(b, tmpl_group[k]);
}

/*
 * A link, or false when its page is not made: never left out, or a
 * template's {{#url}} would find the url of an enclosing context.
 */
static struct val *
url_or_false(const char *url)
{
	return url != NULL ? val_str(url) : val_bool(0);
}

/* {name, url (false when its page is not made), count}.  Caller frees. */
static struct val *
group_ref(const struct build *b, const struct tax_group *g)
{
	struct val	*m = val_map();

	val_set(m, "name", val_str(g->name));
	val_set(m, "url", url_or_false(linked(b, g->kind) ? g->url : NULL));
	val_set(m, "count", val_num((double)g->narts));
	return m;
}

/* {title, url} of an article.  Caller frees. */
static struct val *
art_ref(const struct article *a)
{
	struct val	*m = val_map();

	val_set(m, "title", val_str(a->title));
	val_set(m, "url", val_strown(xasprintf("articles/%s.html", a->slug)));
	return m;
}

/* The url of a's lines on its source page (with #L<first line>). */
static char *
source_url(const struct tax_art *ta)
{
	if (ta->line0 > 0)
		return xasprintf("%s#L%zu", ta->src->url, ta->line0);
	return xstrdup(ta->src->url);
}

/* The region path of g, top first, as {name, url} entries. */
static struct val *
region_path(const struct build *b, const struct tax_group *g)
{
	const struct tax_group *p, *chain[64];
	struct val	*l = val_list(), *e;
	size_t		 n = 0;

	for (p = g; p != NULL && n < 64; p = p->parent)
		chain[n++] = p;
	while (n-- > 0) {
		e = val_map();
		val_set(e, "name", val_str(chain[n]->name));
		val_set(e, "url", url_or_false(linked(b, TAX_REGION) ?
		    chain[n]->url : NULL));
		val_push(l, e);
	}
	return l;
}

/*
 * Add to ctx_article's map m what the analysis knows of a: region
 * breadcrumbs, links for organization, authors and tags, the topics,
 * related articles, the source page and neighbours on it, the month,
 * and the JSON-LD block.
 */
void
browse_article(const struct build *b, const struct article *a,
    struct val *m)
{
	const struct tax_art *ta = &b->tax->art[a->idx];
	struct val	*l, *e, *src;
	size_t		 i;

	if (ta->region != NULL)
		val_set(m, "regions", region_path(b, ta->region));
	if (ta->org != NULL && linked(b, TAX_ORG))
		val_set(m, "organization_url", val_str(ta->org->url));
	if (a->authors != NULL && a->authors->n > 0) {
		l = val_list();
		for (i = 0; i < a->authors->n; i++) {
			e = val_map();
			val_set(e, "name", val_str(a->authors->kids[i]->s));
			val_set(e, "url", url_or_false(ta->authors[i] != NULL &&
			    linked(b, TAX_AUTHOR) ? ta->authors[i]->url : NULL));
			val_push(l, e);
		}
		val_set(m, "authors", l);
	}
	if (a->tags != NULL && a->tags->n > 0) {
		l = val_list();
		for (i = 0; i < a->tags->n; i++) {
			e = val_map();
			val_set(e, "name", val_str(a->tags->kids[i]->s));
			val_set(e, "url", url_or_false(ta->tags != NULL &&
			    ta->tags[i] != NULL && linked(b, TAX_TOPIC) ?
			    ta->tags[i]->url : NULL));
			val_push(l, e);
		}
		val_set(m, "tag_list", l);
	}
	if (ta->ntopics > 0) {
		l = val_list();
		for (i = 0; i < ta->ntopics; i++)
			val_push(l, group_ref(b, ta->topics[i]));
		val_set(m, "topics", l);
	}
	if (ta->nrelated > 0) {
		l = val_list();
		for (i = 0; i < ta->nrelated; i++)
			val_push(l, item_ref(b, ta->related[i]));
		val_set(m, "related", l);
	}
	if (ta->month != NULL && linked(b, TAX_MONTH))
		val_set(m, "month_url", val_str(ta->month->url));
	if ((src = val_get(m, "source")) != NULL) {
		if (val_get(src, "page") == NULL)	/* not the page's page */
			val_set(src, "page", val_bool(0));
		if (ta->src != NULL && has(b, "source"))
			val_set(src, "url", val_strown(source_url(ta)));
		else
			val_set(src, "url", val_bool(0));
	}
	if (ta->src != NULL && has(b, "source")) {
		if (ta->src_pos > 0)
			val_set(m, "page_prev",
			    art_ref(ta->src->arts[ta->src_pos - 1]));
		if (ta->src_pos + 1 < ta->src->narts)
			val_set(m, "page_next",
			    art_ref(ta->src->arts[ta->src_pos + 1]));
	}
}

/*
 * The article map m's "jsonld", added by render_article only when the
 * page is rendered: feed_jsonld is made of m's other fields (title,
 * summary, date, slug, authors, organization, place, tags) and site.yaml
 * (in every render key), so the key need not hash it.
 */
void
browse_jsonld(const struct build *b, const struct article *a, struct val *m)
{
	if (b->tax != NULL)
		val_set(m, "jsonld", val_strown(feed_jsonld(b, a,
		    val_gets(m, "summary"))));
}

/* Tag-cloud size 1..CLOUD_SIZES of a topic with n articles (max: top). */
static int
cloud_size(size_t n, size_t top)
{
	if (top <= 1 || n <= 1)
		return 1;
	return 1 + (int)floor((CLOUD_SIZES - 1) * log((double)n) /
	    log((double)top) + 1e-9);
}

static int
count_desc(const void *x, const void *y)
{
	const struct tax_group *a = *(struct tax_group *const *)x;
	const struct tax_group *b = *(struct tax_group *const *)y;

	if (a->narts != b->narts)
		return a->narts > b->narts ? -1 : 1;
	return strcmp(a->slug, b->slug);
}

/* Topics by use, most used first; caller frees the array. */
static struct tax_group **
by_use(const struct taxo *t, size_t *n)
{
	struct tax_group **g;

	*n = t->ngroups[TAX_TOPIC];
	g = xcalloc(*n ? *n : 1, sizeof(*g));
	if (*n > 0)
		memcpy(g, t->groups[TAX_TOPIC], *n * sizeof(*g));
	if (*n > 1)
		qsort(g, *n, sizeof(*g), count_desc);
	return g;
}

/* Region g and its descendants, depth levels below it at most. */
static struct val *
region_tree(const struct build *b, const struct tax_group *g, int depth)
{
	struct val	*m = group_ref(b, g), *kids = val_list();
	size_t		 i;

	for (i = 0; depth > 0 && i < g->nkids; i++)
		val_push(kids, region_tree(b, g->kids[i], depth - 1));
	/* Always set, so a leaf never sees its parent's children. */
	val_set(m, "has_children", val_bool(kids->n > 0));
	val_set(m, "children", kids);
	return m;
}

/* Add the region tree, most used topics and latest months to home. */
void
browse_home(const struct build *b, struct val *ctx)
{
	const struct taxo *t = b->tax;
	struct tax_group **top;
	struct val	*l, *e;
	size_t		 i, n;

	if (t->nroots > 0 && linked(b, TAX_REGION)) {
		l = val_list();
		for (i = 0; i < t->nroots; i++)
			val_push(l, region_tree(b, t->roots[i], 1));
		val_set(ctx, "regions", l);
	}
	if (t->ngroups[TAX_TOPIC] > 0 && linked(b, TAX_TOPIC)) {
		top = by_use(t, &n);
		l = val_list();
		for (i = 0; i < n && i < HOME_TOPICS; i++) {
			e = group_ref(b, top[i]);
			val_set(e, "size", val_num(cloud_size(top[i]->narts,
			    top[0]->narts)));
			val_push(l, e);
		}
		val_set(ctx, "topics", l);
		free(top);
	}
	if (t->ngroups[TAX_MONTH] > 0 && linked(b, TAX_MONTH)) {
		l = val_list();
		for (i = 0; i < t->ngroups[TAX_MONTH] && i < HOME_MONTHS; i++)
			val_push(l, group_ref(b, t->groups[TAX_MONTH][i]));
		val_set(ctx, "months", l);
	}
}

/* ---- index pages ---- */

static int
render_regions(struct build *b)
{
	const struct taxo *t = b->tax;
	struct val	*ctx = val_map(), *l = val_list();
	size_t		 i;

	for (i = 0; i < t->nroots; i++)
		val_push(l, region_tree(b, t->roots[i], 64));
	val_set(ctx, "regions", l);
	val_set(ctx, "count", val_num((double)t->ngroups[TAX_REGION]));
	return render_page(b, "regions", "regions/index.html",
	    index_title[TAX_REGION], ctx);
}

/* orgs/index.html, authors/index.html, topics/index.html. */
static int
render_names(struct build *b, enum tax_kind k)
{
	const struct taxo *t = b->tax;
	struct val	*ctx = val_map(), *l = val_list(), *e;
	struct tax_group **top;
	size_t		 i, n, most = 0;
	char		*rel;
	int		 rc;

	for (i = 0; i < t->ngroups[k]; i++)
		if (t->groups[k][i]->narts > most)
			most = t->groups[k][i]->narts;
	for (i = 0; i < t->ngroups[k]; i++) {
		e = group_ref(b, t->groups[k][i]);
		val_set(e, "size", val_num(cloud_size(
		    t->groups[k][i]->narts, most)));
		val_push(l, e);
	}
	val_set(ctx, "items", l);
	val_set(ctx, "count", val_num((double)t->ngroups[k]));
	if (k == TAX_TOPIC) {
		top = by_use(t, &n);
		l = val_list();
		for (i = 0; i < n && i < HOME_TOPICS; i++)
			val_push(l, group_ref(b, top[i]));
		val_set(ctx, "has_top", val_bool(l->n > 0));
		val_set(ctx, "top", l);
		free(top);
	}
	rel = xasprintf("%s/index.html", tmpl_index[k]);
	rc = render_page(b, tmpl_index[k], rel, index_title[k], ctx);
	free(rel);
	return rc;
}

static int
render_archive(struct build *b)
{
	const struct taxo *t = b->tax;
	struct val	*ctx = val_map(), *years = val_list(), *y = NULL;
	struct val	*months = NULL, *e;
	const struct tax_group *g;
	size_t		 i, ycount = 0;

	for (i = 0; i < t->ngroups[TAX_MONTH]; i++) {
		g = t->groups[TAX_MONTH][i];
		if (y == NULL || strncmp(val_gets(y, "year"), g->key, 4)) {
			if (y != NULL) {
				val_set(y, "count", val_num((double)ycount));
				val_set(y, "months", months);
			}
			y = val_map();
			val_set(y, "year", val_strn(g->key, 4));
			val_push(years, y);
			months = val_list();
			ycount = 0;
		}
		e = group_ref(b, g);
		val_set(e, "month", val_num(atoi(g->key + 5)));
		val_push(months, e);
		ycount += g->narts;
	}
	if (y != NULL) {
		val_set(y, "count", val_num((double)ycount));
		val_set(y, "months", months);
	}
	val_set(ctx, "years", years);
	return render_page(b, "archive", "archive/index.html",
	    index_title[TAX_MONTH], ctx);
}

/* ---- one page per group ---- */

struct groups_job {
	struct build	 *b;	/* borrowed */
	enum tax_kind	  k;	/* which kind */
};

/* The full region path as one title: 辽宁省 · 锦州市 · 北镇市. */
static char *
region_title(const struct tax_group *g)
{
	char	*p, *s;

	if (g->parent == NULL)
		return xstrdup(g->name);
	p = region_title(g->parent);
	s = xasprintf("%s · %s", p, g->name);
	free(p);
	return s;
}

/*
 * How many of topic g's articles its pages list: topics.max_pages
 * pages' worth, newest first (a topic of thousands is browsed by its
 * latest and searched for the rest).  One cut short says so in
 * extra's "capped": {listed, unlisted, q: its name as a quoted search
 * query, %-encoded, when the theme has a search page}.
 */
static size_t
topic_listed(const struct build *b, const struct tax_group *g,
    struct val *extra)
{
	size_t		 max = (size_t)b->site.topic_pages *
			    (size_t)b->site.per_page;
	struct val	*c;
	struct buf	 q;
	char		*s;

	if (max == 0 || g->narts <= max)
		return g->narts;
	c = val_map();
	val_set(c, "listed", val_num((double)max));
	val_set(c, "unlisted", val_num((double)(g->narts - max)));
	if (has(b, "search")) {
		/* Quoted: the exact phrase, unless it holds a quote. */
		s = strchr(g->name, '"') != NULL ||
		    strstr(g->name, "\xe2\x80\x9c") != NULL ||
		    strstr(g->name, "\xe2\x80\x9d") != NULL ? xstrdup(g->name) :
		    xasprintf("\"%s\"", g->name);
		buf_init(&q);
		esc_query(&q, s, strlen(s));
		val_set(c, "q", val_strown(buf_take(&q)));
		free(s);
	}
	val_set(extra, "capped", c);
	return max;
}

static int
group_one(void *arg, size_t i)
{
	struct groups_job *j = arg;
	struct build	*b = j->b;
	const struct taxo *t = b->tax;
	const struct tax_group *g = t->groups[j->k][i];
	struct val	*extra, *self, *l;
	char		*base, *title;
	size_t		 k;
	int		 rc;

	val_arena_begin();	/* its pages' contexts go at once */
	extra = val_map();
	self = group_ref(b, g);
	if (j->k == TAX_REGION) {
		if (g->parent != NULL) {
			val_set(extra, "parents", region_path(b, g->parent));
			val_set(extra, "parent", group_ref(b, g->parent));
		}
		l = val_list();
		for (k = 0; k < g->nkids; k++)
			val_push(l, group_ref(b, g->kids[k]));
		val_set(extra, "has_children", val_bool(l->n > 0));
		val_set(extra, "children", l);
		title = region_title(g);
	} else if (j->k == TAX_MONTH) {
		/* Months are newest first: i - 1 is the next month. */
		val_set(self, "year", val_strn(g->key, 4));
		if (i > 0)
			val_set(extra, "next_month",
			    group_ref(b, t->groups[TAX_MONTH][i - 1]));
		if (i + 1 < t->ngroups[TAX_MONTH])
			val_set(extra, "prev_month",
			    group_ref(b, t->groups[TAX_MONTH][i + 1]));
		title = xstrdup(g->name);
	} else
		title = xstrdup(g->name);
	val_set(extra, tmpl_group[j->k], self);
	base = xstrndup(g->url, strlen(g->url) - 5);
	rc = render_list(b, tmpl_group[j->k], base, title, g->arts,
	    j->k == TAX_TOPIC ? topic_listed(b, g, extra) : g->narts,
	    g->narts, extra);
	free(base);
	free(title);
	val_arena_end();
	return rc;
}

/* ---- source pages ---- */

/* "B14、B15版 · 2025-03-04", or the file name. Caller frees. */
static char *
source_title(const struct tax_source *s)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < s->nlabels; i++)
		buf_printf(&b, "%s%s", i ? "、" : "", s->labels[i]);
	if (s->nlabels > 0)
		buf_puts(&b, "版");
	else
		buf_puts(&b, s->file);
	if (s->date != NULL)
		buf_printf(&b, " · %s", s->date);
	return buf_take(&b);
}

static int
has_label(const struct tax_source *s, const char *l)
{
	size_t	 j;

	for (j = 0; j < s->nlabels; j++)
		if (strcmp(s->labels[j], l) == 0)
			return 1;
	return 0;
}

/*
 * The other page that is label l of the same issue as s: the only one
 * with that label and s's date (or the only one at all when s has no
 * date), else NULL.
 */
static const struct tax_source *
page_of_label(const struct taxo *t, const struct tax_source *s,
    const char *l)
{
	const struct tax_source *found = NULL;
	size_t		 i;

	for (i = 0; i < t->nsrcs; i++) {
		if (&t->srcs[i] == s || !has_label(&t->srcs[i], l))
			continue;
		if (s->date != NULL && (t->srcs[i].date == NULL ||
		    strcmp(t->srcs[i].date, s->date) != 0))
			continue;
		if (found != NULL)
			return NULL;
		found = &t->srcs[i];
	}
	return found;
}

/*
 * Where a continuation line leads: when this page is that label too,
 * the same article's next (下转) or previous (上接) lines here; else the
 * page with that label in the same issue; else nowhere (NULL).
 */
static char *
mark_url(const struct taxo *t, const struct tax_source *s,
    const struct tax_mark *mk)
{
	const struct tax_source *o;
	size_t		 i, best = s->nranges;

	if (!has_label(s, mk->label))
		return (o = page_of_label(t, s, mk->label)) != NULL ?
		    xstrdup(o->url) : NULL;
	for (i = 0; mk->art != NULL && i < s->nranges; i++) {
		if (s->ranges[i].art != mk->art)
			continue;
		if (!mk->up && s->ranges[i].from > mk->line &&
		    best == s->nranges)
			best = i;
		if (mk->up && s->ranges[i].to < mk->line)
			best = i;
	}
	if (best == s->nranges)
		return NULL;
	return xasprintf("%s#L%zu", s->url, s->ranges[best].from);
}

static struct val *
mark_val(const struct taxo *t, const struct tax_source *s,
    const struct tax_mark *mk)
{
	struct val	*m = val_map();
	const char	*p;
	size_t		 n;
	char		*u;

	p = tax_line(s, mk->line, &n);
	val_set(m, "text", val_strn(p, n));
	val_set(m, "label", val_str(mk->label));
	val_set(m, "line", val_num((double)mk->line));
	val_set(m, mk->up ? "from" : "to", val_bool(1));
	u = mark_url(t, s, mk);
	val_set(m, "url", url_or_false(u));
	free(u);
	return m;
}

/* "3–33、57–60": a's line ranges on s. Caller frees. */
static char *
ranges_of(const struct tax_source *s, const struct article *a,
    struct val *list)
{
	struct buf	 b;
	struct val	*e;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < s->nranges; i++) {
		if (s->ranges[i].art != a)
			continue;
		buf_printf(&b, "%s%zu–%zu", b.len ? "、" : "",
		    s->ranges[i].from, s->ranges[i].to);
		e = val_map();
		val_set(e, "from", val_num((double)s->ranges[i].from));
		val_set(e, "to", val_num((double)s->ranges[i].to));
		val_push(list, e);
	}
	return buf_take(&b);
}

static int
source_one(void *arg, size_t i)
{
	struct build	*b = arg;
	const struct taxo *t = b->tax;
	const struct tax_source *s = &t->srcs[i];
	struct val	*ctx = val_map(), *src = val_map(), *l, *e, *seg = NULL;
	struct val	*lines = NULL, *ml, *rl;
	struct article	*owner, *cur = NULL;
	const char	*p;
	size_t		 j, k, n, mk = 0;
	char		*title, *rs;
	int		 rc;

	title = source_title(s);
	val_set(src, "file", val_str(s->file));
	val_set(src, "url", val_str(s->url));
	if (s->date != NULL)
		val_set(src, "date", val_str(s->date));
	if (s->nlabels > 0) {
		l = val_list();
		for (j = 0; j < s->nlabels; j++)
			val_push(l, val_str(s->labels[j]));
		val_set(src, "labels", l);
	}
	val_set(src, "lines", val_num((double)s->nlines));
	val_set(ctx, "source", src);

	/* The articles in page order, with their lines and continuations. */
	l = val_list();
	for (j = 0; j < s->narts; j++) {
		e = ctx_item(s->arts[j]);
		rl = val_list();
		rs = ranges_of(s, s->arts[j], rl);
		if (*rs != '\0')
			val_set(e, "lines", val_strown(rs));
		else
			free(rs);
		val_set(e, "ranges", rl);
		if (t->art[s->arts[j]->idx].line0 > 0)
			val_set(e, "line_url", val_strown(xasprintf(
			    "%s#L%zu", s->url, t->art[s->arts[j]->idx].line0)));
		ml = val_list();
		for (k = 0; k < s->nmarks; k++)
			if (s->marks[k].art == s->arts[j])
				val_push(ml, mark_val(t, s, &s->marks[k]));
		val_set(e, "has_marks", val_bool(ml->n > 0));
		val_set(e, "marks", ml);
		val_push(l, e);
	}
	val_set(ctx, "articles", l);

	/* The raw text, in runs of lines that belong to one article. */
	l = val_list();
	for (j = 1; j <= s->nlines; j++) {
		owner = tax_line_owner(s, j);
		if (seg == NULL || owner != cur) {
			if (seg != NULL) {
				val_set(seg, "to", val_num((double)j - 1));
				val_set(seg, "lines", lines);
			}
			seg = val_map();
			val_set(seg, "from", val_num((double)j));
			if (owner != NULL)
				val_set(seg, "article", art_ref(owner));
			lines = val_list();
			val_push(l, seg);
			cur = owner;
		}
		p = tax_line(s, j, &n);
		e = val_map();
		val_set(e, "n", val_num((double)j));
		val_set(e, "text", val_strn(p, n));
		while (mk < s->nmarks && s->marks[mk].line < j)
			mk++;
		if (mk < s->nmarks && s->marks[mk].line == j)
			val_set(e, "mark", mark_val(t, s, &s->marks[mk]));
		val_push(lines, e);
	}
	if (seg != NULL) {
		val_set(seg, "to", val_num((double)s->nlines));
		val_set(seg, "lines", lines);
	}
	val_set(ctx, "segments", l);
	rc = render_page(b, "source", s->url, title, ctx);
	free(title);
	return rc;
}

static int
render_sources(struct build *b)
{
	const struct taxo *t = b->tax;
	struct val	*ctx = val_map(), *l = val_list(), *e, *ll;
	size_t		 i, j;

	for (i = 0; i < t->nsrcs; i++) {
		e = val_map();
		val_set(e, "title", val_strown(source_title(&t->srcs[i])));
		val_set(e, "file", val_str(t->srcs[i].file));
		val_set(e, "url", val_str(t->srcs[i].url));
		if (t->srcs[i].date != NULL)
			val_set(e, "date", val_str(t->srcs[i].date));
		ll = val_list();
		for (j = 0; j < t->srcs[i].nlabels; j++)
			val_push(ll, val_str(t->srcs[i].labels[j]));
		val_set(e, "labels", ll);
		val_set(e, "count", val_num((double)t->srcs[i].narts));
		val_push(l, e);
	}
	val_set(ctx, "items", l);
	val_set(ctx, "count", val_num((double)t->nsrcs));
	return render_page(b, "sources", "pages/index.html", "原版面", ctx);
}

/*
 * Every browse page whose template the theme has: indexes and one
 * (paginated) page per region, organization, reporter, topic and month,
 * and one per source page.  Returns 0, or -1 after messages.
 */
int
browse_render(struct build *b)
{
	struct groups_job j;
	int		 k, rc = 0;

	j.b = b;
	for (k = 0; k < TAX_NKINDS && rc == 0; k++) {
		j.k = (enum tax_kind)k;
		if (has(b, tmpl_group[k]) && par_for(b->tax->ngroups[k],
		    b->site.jobs, group_one, &j) == -1)
			rc = -1;
		if (rc == 0 && has(b, tmpl_index[k]))
			rc = k == TAX_REGION ? render_regions(b) :
			    k == TAX_MONTH ? render_archive(b) :
			    render_names(b, (enum tax_kind)k);
	}
	if (rc == 0 && has(b, "source") && par_for(b->tax->nsrcs,
	    b->site.jobs, source_one, b) == -1)
		rc = -1;
	if (rc == 0 && has(b, "sources"))
		rc = render_sources(b);
	return rc;
}
