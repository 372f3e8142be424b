/*
 * render.c: render stage.  Takes the loaded (and analysed) articles,
 * builds one template context per page (struct val: root prefix, page,
 * and the page's data) and runs the theme's compiled templates; hands
 * the bytes to output.c.  Every URL in a context is relative to the
 * site root; templates put {{root}} in front, so every link is relative
 * and the site works from any sub-path and from file://.
 * Template data is described in docs/folio.5 (TEMPLATES).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "folio.h"

#define SUMMARY_CHARS 90	/* characters in an automatic summary */

static atomic_size_t	npages;
static atomic_size_t	nkept;	/* of them, kept as published */

static void
set_str(struct val *m, const char *k, const char *s)
{
	if (s != NULL && *s != '\0')
		val_set(m, k, val_str(s));
}

/*
 * The summary lists show: front matter's, or the first SUMMARY_CHARS
 * characters of the first paragraph.  Caller frees.  The load stage
 * keeps it in a->autosum, so lists do not redo this for every page.
 */
char *
ctx_summary(const struct article *a)
{
	const char	*t = a->text ? a->text : "", *p = t, *nl;
	size_t		 i, chars = 0, n;
	uint32_t	 cp;

	if (a->summary != NULL)
		return xstrdup(a->summary);
	/* Skip headings: the first line not a heading's text. */
	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		for (i = 0; i < a->nheads; i++)
			if (strlen(a->heads[i].text) == n &&
			    memcmp(a->heads[i].text, p, n) == 0)
				break;
		if (i == a->nheads)
			break;
		p += n + (nl != NULL);
	}
	nl = strchr(p, '\n');
	n = nl ? (size_t)(nl - p) : strlen(p);
	for (i = 0; i < n && chars < SUMMARY_CHARS; chars++)
		i += utf8_decode(p + i, n - i, &cp);
	if (i < n)
		return xasprintf("%.*s…", (int)i, p);
	return xstrndup(p, n);
}

/* The entry for an article in any list.  Caller frees. */
struct val *
ctx_item(const struct article *a)
{
	struct val	*m = val_map(), *r;
	size_t		 i;

	set_str(m, "title", a->title);
	val_set(m, "url", val_strown(xasprintf("articles/%s.html", a->slug)));
	set_str(m, "place", a->place);
	set_str(m, "date", a->date);
	set_str(m, "byline", a->byline);
	val_set(m, "summary", a->autosum ? val_str(a->autosum) :
	    val_strown(ctx_summary(a)));
	if (a->region && a->region->n) {
		struct buf	 b;

		buf_init(&b);
		for (i = 0; i < a->region->n; i++)
			buf_printf(&b, "%s%s", i ? " · " : "",
			    a->region->kids[i]->s);
		val_set(m, "region", val_strown(buf_take(&b)));
	}
	if (a->tags && a->tags->n) {
		r = val_list();
		for (i = 0; i < a->tags->n; i++)
			val_push(r, val_str(a->tags->kids[i]->s));
		val_set(m, "tags", r);
	}
	return m;
}

/* par_for worker: article i's list entry and body (which owns its html). */
static int
release_one(void *arg, size_t i)
{
	struct build	*b = arg;

	val_free_shared(b->items[i]);
	val_free_shared(b->bodies[i]);
	b->arts[i]->html = NULL;
	return 0;
}

/*
 * Free what only rendering needs: the shared list entries and the body
 * HTML (the bodies own it), on -j threads.  Safe to call twice.
 */
void
render_release(struct build *b)
{
	if (b->items != NULL)
		(void)par_for(b->narts, b->site.jobs, release_one, b);
	free(b->items);
	free(b->bodies);
	b->items = NULL;
	b->bodies = NULL;
}

/* The shared list entry of a (built once by render_all). */
struct val *
item_ref(const struct build *b, const struct article *a)
{
	return b->items[a->idx];
}

static int
item_one(void *arg, size_t i)
{
	struct build	*b = arg;
	struct article	*a = b->arts[i];

	b->items[i] = val_share(ctx_item(a));
	/* The article's html now belongs to this value (build_free),
	 * unless the load memo holds it.  Its hash is that of what the
	 * html is made from, so rendering keys do not read the html. */
	b->bodies[i] = val_share_as(a->memo_strs ? val_strref(a->html) :
	    val_strown(a->html), hash_mix64(a->memo_key ^ b->parsekey));
	return 0;
}

static struct val *
name_list(const struct val *l)
{
	struct val	*r = val_list(), *e;
	size_t		 i;

	for (i = 0; l && i < l->n; i++) {
		e = val_map();
		val_set(e, "name", val_str(l->kids[i]->s));
		val_push(r, e);
	}
	return r;
}

static struct val *
link_to(const struct article *a)
{
	struct val	*m = val_map();

	set_str(m, "title", a->title);
	val_set(m, "url", val_strown(xasprintf("articles/%s.html", a->slug)));
	return m;
}

/*
 * The context of an article page: everything in ctx_item plus the
 * body, headings, photos, source, breadcrumbs, prev/next.  Caller
 * frees.
 */
struct val *
ctx_article(const struct build *b, const struct article *a)
{
	struct val	*m = ctx_item(a), *l, *e, *v;
	size_t		 i;

	val_set(m, "slug", val_str(a->slug));
	set_str(m, "organization", a->organization);
	if (a->date) {
		val_set(m, "year", val_strn(a->date, 4));
		val_set(m, "month", val_strn(a->date + 5, 2));
	}
	if (a->authors && a->authors->n)
		val_set(m, "authors", name_list(a->authors));
	if (a->region && a->region->n)
		val_set(m, "regions", name_list(a->region));
	if (a->tags && a->tags->n)
		val_set(m, "tag_list", name_list(a->tags));
	val_set(m, "body", b->bodies != NULL ? b->bodies[a->idx] :
	    val_str(a->html));
	val_set(m, "has_figures", val_bool(a->figures));
	if (a->photos && a->photos->n)
		val_set(m, "photos", val_copy(a->photos));
	if (a->nheads) {
		l = val_list();
		for (i = 0; i < a->nheads; i++) {
			e = val_map();
			val_set(e, "id", val_str(a->heads[i].id));
			val_set(e, "text", val_str(a->heads[i].text));
			val_set(e, "level", val_num(a->heads[i].level));
			val_push(l, e);
		}
		val_set(m, "headings", l);
	}
	if (a->source) {
		e = val_map();
		set_str(e, "file", val_gets(a->source, "file"));
		set_str(e, "lines", val_gets(a->source, "lines"));
		if ((v = val_get(a->source, "page")) != NULL) {
			if (v->type == V_STR)
				set_str(e, "page", v->s);
			else if (v->type == V_LIST) {
				struct buf	 pb;

				buf_init(&pb);
				for (i = 0; i < v->n; i++)
					if (v->kids[i]->type == V_STR)
						buf_printf(&pb, "%s%s",
						    pb.len ? "、" : "",
						    v->kids[i]->s);
				val_set(e, "page", val_strown(buf_take(&pb)));
			}
		}
		val_set(m, "source", e);
	}
	/* Newer and older neighbours in the archive's order. */
	if (a->idx > 0)
		val_set(m, "newer", link_to(b->arts[a->idx - 1]));
	if (a->idx + 1 < b->narts)
		val_set(m, "older", link_to(b->arts[a->idx + 1]));
	if (b->tax != NULL)
		browse_article(b, a, m);
	/* Flags for optional boxes (Mustache cannot test a list's size). */
	val_set(m, "has_toc", val_bool(a->nheads >= 2));
	val_set(m, "has_related", val_bool(val_truthy(val_get(m, "related"))));
	val_set(m, "has_topics", val_bool(val_truthy(val_get(m, "topics")) ||
	    val_truthy(val_get(m, "tag_list"))));
	return m;
}

/* "../" once per folder in rel. */
static char *
root_of(const char *rel)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b);
	for (p = rel; *p; p++)
		if (*p == '/')
			buf_puts(&b, "../");
	return buf_take(&b);
}

/*
 * A page's render key: what its bytes are a function of (program,
 * config and theme; template; path; the whole context), hashed, so a
 * page whose key the last build recorded need not be rendered again.
 */
static pthread_mutex_t	 keylock = PTHREAD_MUTEX_INITIALIZER;

/* Record rel's key and, when kept is not NULL, the published file's stat. */
static void
key_record(struct build *b, const char *rel, uint64_t key,
    const struct stat *kept)
{
	struct man_file	*f;
	size_t		 i;

	pthread_mutex_lock(&keylock);
	if (b->keys == NULL)
		b->keys = htab_new();
	i = htab_add(b->keys, rel, strlen(rel));
	if (i >= b->kcap) {
		b->kcap = i + 1 > 2 * b->kcap ? i + 1 : 2 * b->kcap;
		b->kfile = xreallocarray(b->kfile, b->kcap, sizeof(*b->kfile));
	}
	f = &b->kfile[i];
	memset(f, 0, sizeof(*f));
	f->key = key;
	if (kept != NULL) {
		f->known = 1;
		f->size = (unsigned long long)kept->st_size;
		f->sec = (long long)kept->st_mtim.tv_sec;
		f->nsec = (long)kept->st_mtim.tv_nsec;
	}
	pthread_mutex_unlock(&keylock);
}

/*
 * struct keeper's keep for a build: rel is made from key.  Records the
 * key; returns 1 when the last build made rel from the same key and the
 * published file is untouched (linked into staging now), 0 when the
 * caller must write it, -1 after a message.  Thread-safe.
 */
int
build_keep(void *arg, const char *rel, uint64_t key)
{
	struct build	*b = arg;
	struct stat	 st;
	int		 kept = 0;

	key = key ? key : 1;
	if (man_prev_same(b->prev, &b->site, rel, key, &st))
		switch (out_keep(b->out, rel, &st)) {
		case -1:
			return -1;
		case 0:
			kept = 1;
			break;
		default:	/* cannot be linked: made again */
			break;
		}
	/* A kept file is the published one, linked: its manifest line is
	 * the stat man_prev_same took (saves an lstat a page). */
	key_record(b, rel, key, kept ? &st : NULL);
	return kept;
}

/*
 * man_write's question of output file rel: its render key (0 when it is
 * not a page) and, when the build kept the published file, its stat.
 */
void
render_file(void *arg, const char *rel, struct man_file *f)
{
	struct build	*b = arg;
	size_t		 i;

	memset(f, 0, sizeof(*f));
	if (b->keys != NULL &&
	    (i = htab_find(b->keys, rel, strlen(rel))) != HTAB_NONE)
		*f = b->kfile[i];
}

/*
 * render_page, and when the page must be rendered (its key is new),
 * more(b, ctx, arg) first: for fields made only of what the key has
 * hashed already, which need not be made for a page that is kept.
 */
static int
render_page_more(struct build *b, const char *tmpl, const char *rel,
    const char *title, struct val *ctx,
    void (*more)(struct build *, struct val *, const void *),
    const void *arg)
{
	struct val	*page;
	struct buf	 out;
	uint64_t	 key;
	int		 rc;

	page = val_map();
	set_str(page, "title", title);
	val_set(page, "path", val_str(rel));
	if (b->site.base_url)
		val_set(page, "url", val_strown(xasprintf("%s/%s",
		    b->site.base_url, rel)));
	val_set(ctx, "page", page);
	/*
	 * A host serves 404.html for any missing path, at any depth, so
	 * its links cannot be relative: they use base_url when there is
	 * one (from disk, 404.html is only opened at the root anyway).
	 */
	if (strcmp(rel, "404.html") == 0 && b->site.base_url != NULL)
		val_set(ctx, "root", val_strown(xasprintf("%s/",
		    b->site.base_url)));
	else
		val_set(ctx, "root", val_strown(root_of(rel)));
	key = hash_words(tmpl, strlen(tmpl) + 1, b->env);
	key = val_hash(ctx, hash_words(rel, strlen(rel) + 1, key));
	buf_init(&out);
	if ((rc = build_keep(b, rel, key)) == 0) {
		if (more != NULL)
			more(b, ctx, arg);
		rc = tmpl_render(b->tmpl, tmpl, b->globals, ctx, &out);
		if (rc == 0)
			rc = out_put(b->out, rel, out.p, out.len);
	} else if (rc == 1) {
		atomic_fetch_add(&nkept, 1);
		rc = 0;
	}
	buf_free(&out);
	val_free(ctx);
	if (rc == 0)
		atomic_fetch_add(&npages, 1);
	return rc;
}

/*
 * Render template tmpl with ctx (consumed) into rel.  Adds "root" and
 * "page" {title, path, url (absolute, when base_url is set)}.  A page
 * the last build rendered from the same key is kept as published.
 * Returns 0, or -1 after a message.  Thread-safe.
 */
int
render_page(struct build *b, const char *tmpl, const char *rel,
    const char *title, struct val *ctx)
{
	return render_page_more(b, tmpl, rel, title, ctx, NULL, NULL);
}

/*
 * The path of page i (from 0) of a list: base.html, base-2.html ...;
 * caller frees.  (Without printf: lists ask for it ~180,000 times.)
 */
static char *
page_rel(const char *base, size_t i)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, base);
	if (i > 0) {
		buf_putc(&b, '-');
		buf_put_dec(&b, (unsigned long long)i + 1);
	}
	buf_puts(&b, ".html");
	return buf_take(&b);
}

static struct val *
page_url(const char *base, size_t i)
{
	return val_strown(page_rel(base, i));
}

/*
 * A paginated list of n articles: base.html, base-2.html, ...  Each
 * page's context has items, count (total: n, or more when the list is
 * cut short), pagination {current, total, prev, next, pages[{n, url,
 * current} or {gap}]} and the fields of extra (consumed); pages holds
 * the first, the last, and two either side of the current one, with
 * a gap entry where some are left out.  Returns 0 or -1.
 */
int
render_list(struct build *b, const char *tmpl, const char *base,
    const char *title, struct article *const *arts, size_t n, size_t total,
    struct val *extra)
{
	size_t		 per = (size_t)b->site.per_page, np, p, i;
	struct val	*ctx, *items, *pg, *pages, *e;
	char		*rel, *t;
	int		 rc = 0;

	np = n ? (n + per - 1) / per : 1;
	for (p = 0; p < np && rc == 0; p++) {
		ctx = extra ? val_copy(extra) : val_map();
		items = val_list();
		for (i = p * per; i < n && i < (p + 1) * per; i++)
			val_push(items, item_ref(b, arts[i]));
		val_set(ctx, "items", items);
		val_set(ctx, "count", val_num((double)total));
		if (np > 1) {
			pg = val_map();
			val_set(pg, "current", val_num((double)p + 1));
			val_set(pg, "total", val_num((double)np));
			pages = val_list();
			for (i = 0; i < np; i++) {
				/* First, last and two either side of this
				 * one; a gap for the rest. */
				if (i != 0 && i + 1 != np &&
				    (i + 2 < p || i > p + 2)) {
					if (i + 3 == p || i == p + 3) {
						e = val_map();
						val_set(e, "gap", val_bool(1));
						val_push(pages, e);
					}
					continue;
				}
				e = val_map();
				val_set(e, "n", val_num((double)i + 1));
				val_set(e, "url", page_url(base, i));
				val_set(e, "current", val_bool(i == p));
				val_push(pages, e);
			}
			if (p > 0)
				val_set(pg, "prev", page_url(base, p - 1));
			if (p + 1 < np)
				val_set(pg, "next", page_url(base, p + 1));
			val_set(pg, "pages", pages);
			val_set(ctx, "pagination", pg);
		}
		rel = page_rel(base, p);
		t = p ? xasprintf("%s（第%zu页）", title, p + 1) :
		    xstrdup(title);
		rc = render_page(b, tmpl, rel, t, ctx);
		free(rel);
		free(t);
	}
	val_free(extra);
	return rc;
}

/* render_page_more's more for an article page: its JSON-LD. */
static void
add_jsonld(struct build *b, struct val *ctx, const void *a)
{
	browse_jsonld(b, a, val_get(ctx, "article"));
}

static int
render_article(void *arg, size_t i)
{
	struct build	*b = arg;
	struct article	*a = b->arts[i];
	struct val	*ctx;
	char		*rel;
	int		 rc;

	val_arena_begin();	/* the page's context goes at once */
	ctx = val_map();
	val_set(ctx, "article", ctx_article(b, a));
	rel = xasprintf("articles/%s.html", a->slug);
	rc = render_page_more(b, "article", rel, a->title, ctx, add_jsonld, a);
	free(rel);
	val_arena_end();
	return rc;
}

static int
render_home(struct build *b)
{
	struct val	*ctx = val_map(), *latest = val_list();
	size_t		 i;

	for (i = 0; i < b->narts && i < (size_t)b->site.per_page; i++)
		val_push(latest, item_ref(b, b->arts[i]));
	val_set(ctx, "latest", latest);
	val_set(ctx, "count", val_num((double)b->narts));
	val_set(ctx, "more", val_bool(b->narts > (size_t)b->site.per_page));
	if (b->tax != NULL)
		browse_home(b, ctx);
	return render_page(b, "home", "index.html", b->site.title, ctx);
}

/* Every page of the site.  Returns 0, or -1 after messages. */
int
render_all(struct build *b)
{
	int	 rc = 0;

	atomic_store(&npages, 0);
	atomic_store(&nkept, 0);
	b->items = xcalloc(b->narts ? b->narts : 1, sizeof(*b->items));
	b->bodies = xcalloc(b->narts ? b->narts : 1, sizeof(*b->bodies));
	par_for(b->narts, b->site.jobs, item_one, b);
	if (par_for(b->narts, b->site.jobs, render_article, b) == -1)
		rc = -1;
	if (rc == 0)
		rc = render_home(b);
	if (rc == 0)
		rc = render_list(b, "list", "list/index", "全部文章",
		    b->arts, b->narts, b->narts, NULL);
	if (rc == 0 && tmpl_has(b->tmpl, "search"))
		rc = render_page(b, "search", "search/index.html", "搜索",
		    val_map());
	if (rc == 0 && tmpl_has(b->tmpl, "404"))
		rc = render_page(b, "404", "404.html", "页面未找到",
		    val_map());
	if (rc == 0 && b->tax != NULL)
		rc = browse_render(b);
	if (rc == 0)
		rc = feed_write(b);
	b->pages = atomic_load(&npages);
	b->kept = atomic_load(&nkept);
	return rc;
}
