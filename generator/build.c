/*
 * build.c: the pipeline of "folio build", stage by stage:
 * config (site.yaml) -> load (articles, in parallel) -> slugs and order
 * -> theme (compile templates) -> render (pages, in parallel) -> search
 * index -> link check -> publish (one swap).  Any error before the swap
 * leaves the published site exactly as it was.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "folio.h"

/* ---- load ---- */

/* Is rel (below the articles folder) an article: *.md, not hidden? */
static int
is_article(const char *rel)
{
	size_t	 n = strlen(rel);

	return n >= 3 && strcmp(rel + n - 3, ".md") == 0 && rel[0] != '.' &&
	    strstr(rel, "/.") == NULL;
}

/* Are the slugs of every name in list l (may be NULL) known?  1 if so. */
static int
names_known(const struct val *l)
{
	size_t	 i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->kids[i]->type == V_STR && !slug_known(l->kids[i]->s))
			return 0;
	return 1;
}

/*
 * Will a's names (title, tags, regions, organization, authors) need a
 * slug no earlier build made?  Then the transliterator is readied here,
 * beside the other parsing, not later on the one thread that slugs.
 */
static void
warm_for(const struct article *a)
{
	if ((val_gets(a->fm, "slug") == NULL && a->title != NULL &&
	    !slug_known(a->title)) || !names_known(a->tags) ||
	    !names_known(a->region) || !names_known(a->authors) ||
	    (a->organization != NULL && !slug_known(a->organization)))
		slug_warm();
}

/*
 * par_for worker: item 0 readies the slugs' transliterator (a tenth of
 * a second or more, on one thread) while the other threads parse, when
 * no earlier build's slugs are known; item i + 1 reads and parses
 * article i, and readies it when the article has a name they lack.
 */
static int
load_one(void *arg, size_t i)
{
	struct build	*b = arg;
	struct article	*a;
	struct buf	 in;
	size_t		 j;
	int		 rc = -1;

	if (i == 0) {
		if (!amemo_has_slugs(b->amemo))
			slug_warm();
		return 0;
	}
	a = b->arts[i - 1];
	buf_init(&in);
	j = b->abucket != NULL ? b->abucket[i - 1] : 0;
	/* The memo has the bytes man_inputs hashed: no need to read them
	 * (nor to trust that hash for bytes read after: those are hashed). */
	if (b->amemo != NULL &&
	    man_hash_of(&b->arthash, a->path + b->namelen, &a->memo_key) &&
	    (a->memo_hit = amemo_load(b->amemo, j, a->memo_key, a)) == 1)
		return 0;
	if (file_read(a->path, &in) == -1)
		goto out;
	a->memo_key = man_bytes(in.p, in.len, 0);
	if ((a->memo_hit = amemo_load(b->amemo, j, a->memo_key, a)) == 1) {
		rc = 0;
		goto out;
	}
	if (fm_parse(a, in.p, in.len) == -1)
		goto out;
	if (amemo_has_slugs(b->amemo))
		warm_for(a);
	if (md_render(a, b->site.raw_html) == -1)
		goto out;
	free(a->body);		/* html and text are all later stages use */
	a->body = NULL;
	a->autosum = ctx_summary(a);
	rc = 0;
out:
	buf_free(&in);
	return rc;
}

/* par_for worker: article i's slug from its title, unless it has one. */
static int
slug_one(void *arg, size_t i)
{
	struct build	*b = arg;
	struct article	*a = b->arts[i];

	if (val_gets(a->fm, "slug") == NULL)
		a->autoslug = slug_make(a->title, SLUG_MAX);
	return 0;
}

/* Newest first; undated last; then by source file and lines, then path. */
static int
art_cmp(const void *x, const void *y)
{
	const struct article *a = *(struct article *const *)x;
	const struct article *b = *(struct article *const *)y;
	int		 c;

	if (a->date && b->date && (c = strcmp(b->date, a->date)) != 0)
		return c;
	if ((a->date == NULL) != (b->date == NULL))
		return a->date == NULL ? 1 : -1;
	return strcmp(a->path, b->path);
}

/* Oldest first (undated last), then by path: who keeps a shared base. */
static int
art_cmp_old(const void *x, const void *y)
{
	const struct article *a = *(const struct article *const *)x;
	const struct article *b = *(const struct article *const *)y;
	int		 c;

	if ((a->date == NULL) != (b->date == NULL))
		return a->date == NULL ? 1 : -1;
	if (a->date != NULL && (c = strcmp(a->date, b->date)) != 0)
		return c;
	return strcmp(a->path, b->path);
}

/* Is s taken?  If not, take it (for a). */
static int
slug_take(struct htab *used, struct article *a, char *s)
{
	if (htab_find(used, s, strlen(s)) != HTAB_NONE) {
		free(s);
		return 0;
	}
	htab_add(used, s, strlen(s));
	a->slug = s;
	return 1;
}

/*
 * Slugs: an explicit 'slug:' must be unique (an error otherwise).  A
 * slug made from a title is the title's pinyin; when titles clash, the
 * oldest article keeps it and each other one adds its date (base-
 * YYYYMMDD), else six hex digits of its file name's hash, else -2, -3
 * ... after those.  So an article's slug moves only when an older one
 * of its title (or one of its title and date) comes or goes, not when
 * newer ones come or others go: links and deploys stay put.
 */
static int
assign_slugs(struct build *b)
{
	struct article	**byp, **owner = NULL, *a;
	struct htab	 *used = htab_new();
	struct val	 *v;
	const char	 *s, *name;
	char		 *hx;
	size_t		  i, id, n = b->narts, dup;
	int		  rc = -1;

	byp = xreallocarray(NULL, n ? n : 1, sizeof(*byp));
	memcpy(byp, b->arts, n * sizeof(*byp));
	qsort(byp, n, sizeof(*byp), art_cmp_old);
	for (i = 0; i < n; i++) {
		if ((s = val_gets(byp[i]->fm, "slug")) == NULL)
			continue;
		if ((id = htab_find(used, s, strlen(s))) != HTAB_NONE) {
			v = val_get(byp[i]->fm, "slug");
			diag_err(byp[i]->path, v->line, v->col, "slug '%s' is "
			    "already used by %s (give one of them another "
			    "slug)", s, owner[id]->path);
			goto out;
		}
		id = htab_add(used, s, strlen(s));
		owner = xreallocarray(owner, id + 1, sizeof(*owner));
		owner[id] = byp[i];
		byp[i]->slug = xstrdup(s);
	}
	for (i = 0; i < n; i++) {
		if ((a = byp[i])->slug != NULL ||
		    slug_take(used, a, xstrdup(a->autoslug)))
			continue;
		if (a->date != NULL && slug_take(used, a, xasprintf("%s-%.4s%.2s"
		    "%.2s", a->autoslug, a->date, a->date + 5, a->date + 8)))
			continue;
		name = path_base(a->path);
		hx = xasprintf("%s-%06llx", a->autoslug, (unsigned long long)
		    (hash64(name, strlen(name), 0) & 0xffffff));
		for (dup = 1; !slug_take(used, a, dup == 1 ? xstrdup(hx) :
		    xasprintf("%s-%zu", hx, dup)); dup++)
			continue;
		free(hx);
	}
	rc = 0;
out:
	htab_free(used);
	free(owner);
	free(byp);
	return rc;
}

static struct val *
make_globals(const struct site *s)
{
	struct val	*g = val_map(), *site = val_map();

	val_set(site, "title", val_str(s->title));
	val_set(site, "description", val_str(s->description));
	val_set(site, "language", val_str(s->language));
	val_set(site, "author", val_str(s->author));
	val_set(site, "publisher", val_str(s->publisher));
	if (s->base_url)
		val_set(site, "base_url", val_str(s->base_url));
	val_set(g, "site", site);
	val_set(g, "generator", val_str("folio " FOLIO_VERSION));
	return g;
}

/*
 * Config and load stages: read site.yaml and every article (in
 * parallel), drop drafts unless asked, assign slugs, sort newest first.
 * Returns 0, or -1 after messages.
 */
int
build_load(struct build *b, const struct build_opts *o)
{
	size_t		 i, k, nfound;
	struct stat	 st;
	struct timespec	 tl;
	char		**found, *memodir;
	int		 rc;

	clock_gettime(CLOCK_MONOTONIC, &tl);
	memset(b, 0, sizeof(*b));
	b->lockfd = -1;
	if (config_load(&b->site, o->dir, o->outdir) == -1)
		return -1;
	b->site.drafts = o->drafts;
	b->site.jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (b->site.jobs < 1)
		b->site.jobs = 1;
	if (o->incremental) {
		/* Before reading what the last build left beside it. */
		if ((b->lockfd = man_lock(&b->site)) == -1)
			return -1;
		/* --clean: no manifest, every input hashed. */
		b->prev = o->clean ? NULL : man_load(&b->site, &rc);
		b->inputs = man_inputs(&b->site, o->drafts, &b->env,
		    &b->arthash, b->prev, &b->srcs);
		if (!o->clean && man_uptodate(&b->site, b->inputs, &b->prev,
		    rc)) {
			b->uptodate = 1;
			return 0;
		}
		b->memo = man_file(&b->site, "terms");
		b->memo_reuse = !o->clean;
		diag_lap(&tl, " inputs");
	}
	if (stat(b->site.articles_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		diag_err(b->site.articles_dir, 0, 0, "no articles folder "
		    "(run folio import, or create it)");
		return -1;
	}
	if ((found = tree_list(b->site.articles_dir, &nfound)) == NULL) {
		diag_err(b->site.articles_dir, 0, 0, "cannot read the "
		    "articles folder");
		return -1;
	}
	b->arts = xcalloc(nfound ? nfound : 1, sizeof(*b->arts));
	for (i = k = 0; i < nfound; i++) {
		if (is_article(found[i])) {
			b->arts[k] = xcalloc(1, sizeof(struct article));
			b->arts[k++]->path = xasprintf("%s/%s",
			    b->site.articles_dir, found[i]);
		}
		free(found[i]);
	}
	free(found);
	b->narts = k;
	/* The load memo serves rebuilds: a build into a new folder (as in
	 * CI) and --clean neither read nor write it.  One into a folder
	 * built before does, even when it cannot use the manifest there
	 * (another folio version's), so the build after it is incremental. */
	b->namelen = strlen(b->site.articles_dir) + 1;
	b->parsekey = amemo_key(man_program(), b->site.raw_html);
	b->rebuilds = o->incremental && !o->clean && (b->prev != NULL ||
	    (stat(b->site.output_dir, &st) == 0 && S_ISDIR(st.st_mode)));
	if (b->rebuilds) {
		memodir = man_file(&b->site, "articles");
		b->amemo = amemo_read(memodir, b->parsekey, b->site.jobs);
		free(memodir);
		b->abucket = xcalloc(b->narts ? b->narts : 1,
		    sizeof(*b->abucket));
		for (i = 0; i < b->narts; i++)
			b->abucket[i] = amemo_bucket(b->arts[i]->path +
			    b->namelen);
	}
	rc = par_for(b->narts + 1, b->site.jobs, load_one, b);
	if (rc == -1)
		return -1;	/* the memo goes with the build */
	if (b->amemo != NULL) {
		for (i = k = 0; i < b->narts; i++)
			k += !b->arts[i]->memo_hit;
		if (diag_verbosity > 1)
			fprintf(stderr, "folio:  load memo: %zu of %zu "
			    "articles parsed\n", k, b->narts);
		if (amemo_keep(b->amemo, b->arts, b->narts, b->abucket,
		    b->site.jobs) == -1)
			return -1;
	}
	free(b->abucket);	/* drafts go next: it would not match */
	b->abucket = NULL;
	diag_lap(&tl, " parse");
	for (i = k = 0; i < b->narts; i++) {
		if (b->arts[i]->draft && !b->site.drafts) {
			article_free(b->arts[i]);
			free(b->arts[i]);
			continue;
		}
		b->arts[k++] = b->arts[i];
	}
	b->narts = k;
	man_hashes_free(&b->arthash);	/* loaded: no more use */
	(void)par_for(b->narts, b->site.jobs, slug_one, b);
	if (assign_slugs(b) == -1)
		return -1;
	qsort(b->arts, b->narts, sizeof(*b->arts), art_cmp);
	for (i = 0; i < b->narts; i++)
		b->arts[i]->idx = i;
	b->globals = make_globals(&b->site);
	return 0;
}

/* What a build holds outside memory: a staging folder not yet
 * published goes, and the lock. */
static void
build_close(struct build *b)
{
	if (b->lockfd != -1)
		close(b->lockfd);
	b->lockfd = -1;
	if (b->out != NULL)
		out_abort(b->out);
	b->out = NULL;
}

void
build_free(struct build *b)
{
	size_t	 i;

	render_release(b);
	for (i = 0; i < b->narts; i++) {
		article_free(b->arts[i]);
		free(b->arts[i]);
	}
	free(b->arts);
	if (b->tmpl)
		tmpl_set_free(b->tmpl);
	tax_free(b->tax);
	val_free(b->globals);
	man_prev_free(b->prev);
	htab_free(b->keys);
	free(b->kfile);
	free(b->memo);
	amemo_free(b->amemo);
	free(b->abucket);
	man_hashes_free(&b->arthash);
	man_srcs_free(&b->srcs);
	build_close(b);
	config_free(&b->site);
	memset(b, 0, sizeof(*b));
}

/*
 * The end of build_run: the process exits right after (folio serve
 * builds in a child "folio build"), so what the build holds is left to
 * the exit rather than freed piece by piece, 0.1-0.2 s on one thread
 * for 10,000 articles.  It stays reachable from *left, so a leak checker
 * still tells a real leak (memory nothing points to) from it.  The
 * staging folder of a build that failed and the lock go now.
 */
static struct build	 left_store;
static struct build *volatile left = &left_store;	/* the store stays */

static void
build_leave(struct build *b)
{
	build_close(b);
	*left = *b;
}

/* ---- theme ---- */

/*
 * Compile every .mustache file in themes/<t>/templates, named by stem,
 * in name order (so the first error reported does not depend on the
 * file system).
 */
static int
load_theme(struct build *b)
{
	static const char *const required[] = { "article", "home", "list",
	    NULL };
	char		*dir, *path, *name, **names = NULL;
	struct dirent	*d;
	struct buf	 src;
	DIR		*dp;
	size_t		 n, i, nnames = 0;
	int		 rc = -1;

	dir = xasprintf("%s/templates", b->site.theme_dir);
	b->tmpl = tmpl_set_new(1);
	buf_init(&src);
	if ((dp = opendir(dir)) == NULL) {
		diag_err(dir, 0, 0, "theme has no templates folder");
		goto out;
	}
	while ((d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n < 10 || strcmp(d->d_name + n - 9, ".mustache") != 0 ||
		    d->d_name[0] == '.')
			continue;
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = xstrdup(d->d_name);
	}
	closedir(dp);
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), str_cmp);
	for (i = 0; i < nnames; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		name = xstrndup(names[i], strlen(names[i]) - 9);
		buf_truncate(&src, 0);
		if (file_read(path, &src) == -1 ||
		    tmpl_add(b->tmpl, name, path, src.p, src.len) == -1) {
			free(path);
			free(name);
			goto out;
		}
		free(path);
		free(name);
	}
	if (tmpl_check(b->tmpl) == -1)
		goto out;
	for (n = 0; required[n] != NULL; n++)
		if (!tmpl_has(b->tmpl, required[n])) {
			diag_err(dir, 0, 0, "theme has no %s.mustache (a theme "
			    "needs article, home and list templates)",
			    required[n]);
			goto out;
		}
	rc = 0;
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	buf_free(&src);
	free(dir);
	return rc;
}

/* Copy themes/<t>/assets/ (one level of folders) to assets/. */
static int
copy_assets(struct build *b, const char *dir, const char *rel, int depth)
{
	struct dirent	*d;
	struct stat	 st;
	struct buf	 data;
	char		*p, *r;
	DIR		*dp;
	int		 rc = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	buf_init(&data);
	while ((d = readdir(dp)) != NULL && rc == 0) {
		if (d->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, d->d_name);
		r = xasprintf("%s/%s", rel, d->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth < 4)
			rc = copy_assets(b, p, r, depth + 1);
		else if (S_ISREG(st.st_mode)) {
			buf_truncate(&data, 0);
			rc = file_read(p, &data) == -1 ||
			    out_put(b->out, r, data.p, data.len) == -1 ? -1 : 0;
		}
		free(p);
		free(r);
	}
	closedir(dp);
	buf_free(&data);
	return rc;
}

/* ---- the whole build ---- */

/*
 * The files the link check may trust (not read unless linked into): the
 * last build of this program, config and theme published each with the
 * same bytes, untouched since; it links to no published file that is
 * gone (the links memo says, else a file gone trusts none); no file
 * rewritten lost an id a link could point at.  NULL: read them all.
 */
static unsigned char *
trusted_files(struct build *b, char *const *files, size_t n,
    const struct lc_links *links)
{
	const struct man_prev *m = b->prev;
	struct man_file	 f;
	unsigned char	*t;
	char		**fresh;
	uint32_t	*gone;
	size_t		 i, nfresh = 0, ngone = 0;

	if (m == NULL || m->env != b->env)
		return NULL;
	gone = xreallocarray(NULL, m->n ? m->n : 1, sizeof(*gone));
	for (i = 0; i < m->n; i++)
		if (!out_has(b->out, m->e[i].name))
			gone[ngone++] = lc_link_hash(m->e[i].name);
	if (ngone > 0 && links == NULL) {
		free(gone);
		return NULL;
	}
	if (ngone > 1)
		qsort(gone, ngone, sizeof(*gone), u32_cmp);
	t = xcalloc(n ? n : 1, 1);
	fresh = xreallocarray(NULL, n ? n : 1, sizeof(*fresh));
	for (i = 0; i < n; i++)
		if (out_fresh(b->out, files[i]))
			fresh[nfresh++] = files[i];
		else {	/* kept: checked as it was linked */
			render_file(b, files[i], &f);
			t[i] = (f.known ||
			    man_prev_untouched(m, &b->site, files[i])) &&
			    (ngone == 0 ||
			    lc_links_to(links, files[i], gone, ngone) == 0);
		}
	free(gone);
	if (!lc_ids_kept(b->site.output_dir, out_stage_dir(b->out), fresh,
	    nfresh, b->site.jobs)) {
		free(t);
		t = NULL;
	}
	free(fresh);
	return t;
}

int
build_run(const struct build_opts *o)
{
	struct build	 b;
	struct keeper	 keep;
	char		*memodir = NULL;
	struct build_opts io;
	struct timespec	 t0, t1, tl;
	double		 secs;
	char		*assets, **files, *linksfile = NULL;
	struct lc_links	*links;
	struct buf	 lmemo;
	unsigned char	*trusted;
	size_t		 changed = 0, nfiles, nbad;
	int		 rc = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	tl = t0;
	buf_init(&lmemo);
	memcpy(&io, o, sizeof(io));
	io.incremental = 1;
	if (build_load(&b, &io) == -1)
		goto out;
	diag_lap(&tl, "load");
	if (b.uptodate)
		goto done;
	b.tax = tax_build(&b);
	/* Every slug is made by now: the memo keeps this build's. */
	if (b.amemo != NULL && amemo_keep_slugs(b.amemo) == -1)
		goto out;
	diag_lap(&tl, "analyse");
	if (load_theme(&b) == -1)
		goto out;
	if ((b.out = out_open(b.site.output_dir)) == NULL)
		goto out;
	assets = xasprintf("%s/assets", b.site.theme_dir);
	if (copy_assets(&b, assets, "assets", 0) == -1) {
		free(assets);
		goto out;
	}
	free(assets);
	if (render_all(&b) == -1)
		goto out;
	render_release(&b);	/* the search index needs text, not HTML */
	tax_free(b.tax);	/* ... nor the taxonomy */
	b.tax = NULL;
	diag_lap(&tl, "render");
	keep.keep = build_keep;
	keep.arg = &b;
	keep.env = b.env;
	/* The index's memo serves rebuilds, as the load memo does. */
	memodir = man_file(&b.site, "index");
	keep.memo = b.rebuilds ? memodir : NULL;
	keep.reuse = b.memo_reuse;
	if (tmpl_has(b.tmpl, "search") &&
	    idx_write(&b.site, b.arts, b.narts, &keep, b.out) == -1)
		goto out;
	diag_lap(&tl, "index");
	if (diag_error_count() > 0)
		goto out;
	files = out_files(b.out, &nfiles);
	linksfile = man_file(&b.site, "links");
	links = b.prev != NULL ? lc_links_read(linksfile) : NULL;
	trusted = trusted_files(&b, files, nfiles, links);
	nbad = lc_check(out_stage_dir(b.out), b.site.output_dir, files,
	    nfiles, b.site.jobs, trusted, links, &lmemo);
	free(trusted);
	lc_links_free(links);
	if (nbad > 0)
		goto out;
	diag_lap(&tl, "check");
	if (out_commit(b.out, &changed) == -1) {
		b.out = NULL;
		goto out;
	}
	b.out = NULL;
	/* What the published pages link to, then the manifest that says
	 * which of them the next build may keep. */
	if ((lmemo.len > 0 && lc_links_write(linksfile, &lmemo) == -1) ||
	    man_write(&b.site, b.inputs, b.env, &b.srcs, render_file, &b) == -1)
		goto out;
	diag_lap(&tl, "publish");
done:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (diag_verbosity > 0 && b.uptodate)
		fprintf(stderr, "folio: up to date, 0 files changed, %.2f s\n",
		    secs);
	else if (diag_verbosity > 0)
		fprintf(stderr, "folio: %zu articles, %zu pages (%zu kept), "
		    "%zu files changed, %.2f s\n", b.narts, b.pages, b.kept,
		    changed, secs);
	rc = 0;
out:
	free(memodir);
	free(linksfile);
	buf_free(&lmemo);
	build_leave(&b);
	return rc;
}
