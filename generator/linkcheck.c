/*
 * linkcheck.c: check stage.  Takes a folder of written files (the
 * staging folder before the swap, or the published site for "folio
 * check") and reads each .html file once, runs of files of one folder
 * on each thread: every internal href and src must name a file that
 * exists, and every #fragment an id in it.  What each file holds is
 * kept per file, so the fragments are checked and the messages printed
 * afterwards in file and line order, the same for any number of
 * threads.  Hands on one error per broken link, path:line: error:
 * broken link.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio.h"

#define MAX_SHOWN	100	/* broken links reported one by one */
#define RUN		64	/* files of one folder scanned as one job */

/* A broken link, reported in file and line order at the end. */
struct broken {
	int		 line;	/* 1-based; 0 for the whole file */
	size_t		 seq;	/* order found in its file, among equal lines */
	char		*msg;	/* what to print; owned */
};

/* A link whose #fragment can only be checked once every file is read. */
struct frag {
	int		 line;	/* where */
	size_t		 to;	/* file it names (index) */
	char		*id;	/* the fragment, decoded; owned */
	char		*raw;	/* the link as written, decoded; owned */
};

/* What the scan of one .html file found; written by one thread only. */
struct page {
	struct broken	*bad;	/* owned */
	size_t		 nbad;	/* entries in bad */
	struct frag	*frags;	/* owned */
	size_t		 nfrags;	/* entries in frags */
	char		*ids;	/* its ids, each NUL-terminated; owned */
	const char	**sorted;	/* the ids in strcmp order; owned */
	size_t		 nids;	/* entries in sorted */
	char		*unread;	/* why it cannot be read, or NULL; owned */
	size_t		*tgt;	/* files its links name (indices); owned */
	size_t		 ntgt;	/* entries in tgt */
	size_t		 captgt;	/* slots in tgt */
	int		 scanned;	/* read (all but trusted files) */
	int		 idsonly;	/* trusted, read for its ids alone */
};

struct lc {
	const char	 *dir;		/* folder the files are in; borrowed */
	char *const	 *files;	/* relative paths, sorted; borrowed */
	struct htab	 *paths;	/* path -> index in files; owned */
	size_t		 *html;		/* indices of the .html files; owned */
	struct page	 *pages;	/* by index in files; owned */
	size_t		 *runs;		/* where each job starts in html,
					   and nruns + 1 = the end; owned */
	size_t		  nruns;	/* jobs */
	struct scan	 *scans;	/* one per thread at most; owned */
	size_t		  nscans;	/* entries in scans */
	pthread_mutex_t	  lock;		/* guards the busy flags */
};

/*
 * A scanner, taken by one job at a time: a run of files in one folder.
 * Most links there are the same from file to file (the navigation, the
 * lists), so a link that once resolved is not resolved again while the
 * next runs it takes are in the same folder.  Cheaper still, the nth
 * link of a file is often the nth link of the file before, byte for
 * byte.
 */
struct scan {
	const struct lc	 *c;	/* borrowed */
	int		  busy;	/* taken by a job; guarded by c->lock */
	size_t		  fi;	/* the file (index) */
	struct page	 *pg;	/* its results; borrowed */
	const char	 *counted;	/* lines are counted up to here */
	int		  line;	/* the line counted is on */
	struct htab	 *good;	/* links as written that are fine from the
				   folder of fi (resolve_link gave 1);
				   owned, NULL before the first run */
	size_t		 *goodt;	/* by id in good: the file it names */
	size_t		  capgood;	/* slots in goodt */
	struct buf	  in;	/* the file */
	struct buf	  before;	/* the file before, in the same folder */
	struct slice	 *now;	/* the links of in so far, as written; a
				   len of SIZE_MAX marks one not fine */
	struct slice	 *was;	/* the same for before */
	size_t		 *nowt, *wast;	/* by link in now, was: the file
					   it names, SIZE_MAX for none */
	size_t		  nnow, nwas;	/* entries in now, was */
	size_t		  capnow, capwas;	/* slots in now, was */
	struct buf	  dec, path, frag, target, ids;	/* scratch */
};

static int
is_html(const char *f)
{
	size_t	 len = strlen(f);

	return len >= 5 && strcmp(f + len - 5, ".html") == 0;
}

static void
broken(struct page *pg, int line, char *msg)
{
	pg->bad = xreallocarray(pg->bad, pg->nbad + 1, sizeof(*pg->bad));
	pg->bad[pg->nbad].line = line;
	pg->bad[pg->nbad].seq = pg->nbad;
	pg->bad[pg->nbad].msg = msg;
	pg->nbad++;
}

static int
broken_cmp(const void *x, const void *y)
{
	const struct broken *a = x, *b = y;

	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The line at p, counting on from where the last call stopped. */
static int
line_at(struct scan *sc, const char *p)
{
	const char	*q = sc->counted;

	while ((q = memchr(q, '\n', (size_t)(p - q))) != NULL) {
		sc->line++;
		q++;
	}
	sc->counted = p;
	return sc->line;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into b. */
static void
unpct(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	if (memchr(s, '%', n) == NULL) {
		buf_put(b, s, n);
		return;
	}
	for (i = 0; i < n; i++)
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			buf_putc(b, hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else
			buf_putc(b, s[i]);
}

/*
 * Resolve link path p (decoded, not empty) against the folder of file
 * from into out ("a/b.html").  *folder is set when p names a folder
 * ("x/", "..").  Returns 0, or -1 when it climbs above the site root.
 */
static int
resolve(const char *from, const char *p, struct buf *out, int *folder)
{
	const char	*slash, *seg;
	size_t		 n;

	buf_truncate(out, 0);
	if (*p == '/')
		p++;	/* from the site root */
	else if ((slash = strrchr(from, '/')) != NULL)
		buf_put(out, from, (size_t)(slash - from) + 1);
	*folder = 1;
	for (; *p; p += *p == '/') {
		seg = p;
		n = strcspn(p, "/");
		p += n;
		*folder = 1;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out->len == 0)
				return -1;
			buf_truncate(out, out->len - 1);
			while (out->len > 0 && out->p[out->len - 1] != '/')
				buf_truncate(out, out->len - 1);
			continue;
		}
		buf_put(out, seg, n);
		buf_putc(out, '/');
		*folder = *p == '/';
	}
	if (!*folder)
		buf_truncate(out, out->len - 1);
	return 0;
}

/* Does the link start with a scheme ("https:", "mailto:") or "//"? */
static int
external(const char *s)
{
	size_t	 i;

	if (s[0] == '/' && s[1] == '/')
		return 1;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i]; i++) {
		if (s[i] == ':')
			return 1;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		    s[i] == '-' || s[i] == '.'))
			return 0;
	}
	return 0;
}

/* Entity-decode s[0..n) into b; most values have nothing to decode. */
static void
unesc(struct buf *b, const char *s, size_t n)
{
	buf_truncate(b, 0);
	if (memchr(s, '&', n) == NULL)
		buf_put(b, s, n);
	else
		unesc_html(b, s, n);
}

/*
 * Check one href/src value v[0..vn) (raw, as in the file) whose name is
 * at at; *to gets the file it names (index), when it names one.  Returns
 * 1 when there is nothing to report and nothing left to check, which
 * then holds for the same bytes anywhere in this folder.
 */
static int
resolve_link(struct scan *sc, const char *at, const char *v, size_t vn,
    size_t *to)
{
	const struct lc	*c = sc->c;
	struct page	*pg = sc->pg;
	const char	*hash, *d;
	size_t		 ti;
	int		 folder;

	unesc(&sc->dec, v, vn);
	d = sc->dec.p;
	if (sc->dec.len == 0 || external(d))
		return 1;
	buf_truncate(&sc->path, 0);
	buf_truncate(&sc->frag, 0);
	unpct(&sc->path, d, strcspn(d, "?#"));
	if ((hash = strchr(d, '#')) != NULL)
		unpct(&sc->frag, hash + 1, strlen(hash + 1));
	if (sc->path.len == 0)
		ti = sc->fi;	/* "#id" or "?q": this file */
	else if (resolve(c->files[sc->fi], sc->path.p, &sc->target,
	    &folder) == -1) {
		broken(pg, line_at(sc, at), xasprintf("broken link '%s' "
		    "(above the site root)", d));
		return 0;
	} else if (folder) {
		buf_puts(&sc->target, "index.html");
		broken(pg, line_at(sc, at), xasprintf("broken link '%s' "
		    "(a folder%s)", d, htab_find(c->paths, sc->target.p,
		    sc->target.len) != HTAB_NONE ?
		    ": link to its index.html" : ""));
		return 0;
	} else if ((ti = htab_find(c->paths, sc->target.p,
	    sc->target.len)) == HTAB_NONE) {
		broken(pg, line_at(sc, at), xasprintf("broken link '%s'", d));
		return 0;
	}
	*to = ti;
	if (hash == NULL || sc->frag.len == 0)
		return 1;
	pg->frags = xreallocarray(pg->frags, pg->nfrags + 1,
	    sizeof(*pg->frags));
	pg->frags[pg->nfrags].line = line_at(sc, at);
	pg->frags[pg->nfrags].to = ti;
	pg->frags[pg->nfrags].id = xstrdup(sc->frag.p);
	pg->frags[pg->nfrags].raw = xstrdup(d);
	pg->nfrags++;
	return 0;
}

/*
 * One href/src value, as resolve_link, unless the same bytes were fine
 * before in this folder: the link at the same place in the file before,
 * or any link in sc->good.
 */
static void
check_link(struct scan *sc, const char *at, const char *v, size_t vn)
{
	const struct slice	*w;
	struct page		*pg = sc->pg;
	size_t			 g, to = SIZE_MAX;
	int			 fine;

	w = sc->nnow < sc->nwas ? &sc->was[sc->nnow] : NULL;
	if (w != NULL && w->len == vn && memcmp(w->p, v, vn) == 0) {
		fine = 1;
		to = sc->wast[sc->nnow];
	} else if ((g = htab_find(sc->good, v, vn)) != HTAB_NONE) {
		fine = 1;
		to = sc->goodt[g];
	} else if ((fine = resolve_link(sc, at, v, vn, &to))) {
		g = htab_add(sc->good, v, vn);
		if (g >= sc->capgood) {
			sc->capgood = g + 1 > 2 * sc->capgood ? g + 1 :
			    2 * sc->capgood;
			sc->goodt = xreallocarray(sc->goodt, sc->capgood,
			    sizeof(*sc->goodt));
		}
		sc->goodt[g] = to;
	}
	if (sc->nnow == sc->capnow) {
		sc->capnow = sc->capnow ? sc->capnow * 2 : 64;
		sc->now = xreallocarray(sc->now, sc->capnow,
		    sizeof(*sc->now));
		sc->nowt = xreallocarray(sc->nowt, sc->capnow,
		    sizeof(*sc->nowt));
	}
	sc->now[sc->nnow].p = v;
	sc->now[sc->nnow].len = fine ? vn : SIZE_MAX;
	sc->nowt[sc->nnow] = to;
	sc->nnow++;
	/* What the page links to, for the links memo (itself aside). */
	if (to != SIZE_MAX && to != sc->fi) {
		if (pg->ntgt == pg->captgt) {
			pg->captgt = pg->captgt ? pg->captgt * 2 : 32;
			pg->tgt = xreallocarray(pg->tgt, pg->captgt,
			    sizeof(*pg->tgt));
		}
		pg->tgt[pg->ntgt++] = to;
	}
}

/*
 * One id (or name of an a element), raw.  A fragment is looked up by its
 * text up to the first NUL, so an id holding a NUL can never match and
 * is not kept.
 */
static void
add_id(struct scan *sc, const char *v, size_t vn)
{
	unesc(&sc->dec, v, vn);
	if (memchr(sc->dec.p, '\0', sc->dec.len) != NULL)
		return;
	buf_put(&sc->ids, sc->dec.p, sc->dec.len + 1);
	sc->pg->nids++;
}

/* Classes of the bytes that end a tag name, an attribute or a value. */
#define SP	1	/* space: ' ' \t \n \r \f */
#define GT	2	/* '>' */
#define EQ	4	/* '=' */
#define SL	8	/* '/' */

static const unsigned char cls[256] = {
	[' '] = SP, ['\t'] = SP, ['\n'] = SP, ['\r'] = SP, ['\f'] = SP,
	['>'] = GT, ['='] = EQ, ['/'] = SL,
};

/* Skip from p while no byte of class c comes up. */
static const char *
skip_to(const char *p, const char *end, int c)
{
	while (p < end && !(cls[(unsigned char)*p] & c))
		p++;
	return p;
}

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && cls[(unsigned char)*p] & SP)
		p++;
	return p;
}

/* Is s[0..n) the word w (lower case letters), in any case? */
static int
name_is(const char *s, size_t n, const char *w, size_t wn)
{
	size_t	 i;

	if (n != wn)
		return 0;
	for (i = 0; i < n; i++)	/* c | 0x20 is w[i] only for w[i], W[i] */
		if ((s[i] | 0x20) != w[i])
			return 0;
	return 1;
}

/* Find s (ASCII, any case) from p; returns its start or NULL. */
static const char *
find_ci(const char *p, const char *end, const char *s)
{
	size_t	 n = strlen(s);
	int	 lo = s[0], up = s[0];

	if (lo >= 'A' && lo <= 'Z')
		lo += 'a' - 'A';
	if (up >= 'a' && up <= 'z')
		up -= 'a' - 'A';
	for (; p + n <= end; p++) {
		if (*p != lo && *p != up)
			continue;
		if (strncasecmp(p, s, n) == 0)
			return p;
	}
	return NULL;
}

/*
 * Scan one HTML file s[0..len): record its ids, check its links to
 * files, keep links with fragments for later.  Skips comments and the
 * insides of script and style elements.  Lines are only counted for
 * what is kept.
 */
static void
scan(struct scan *sc, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *q, *name, *v;
	size_t		 nn, vn, tn;
	int		 is_a, raw;
	char		 tag[16];

	sc->counted = s;
	sc->line = 1;
	while (p < end) {
		if ((p = memchr(p, '<', (size_t)(end - p))) == NULL)
			break;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			q = find_ci(p + 4, end, "-->");
			p = q ? q + 3 : end;
			continue;
		}
		q = p + 1;
		if (q >= end || !((*q >= 'a' && *q <= 'z') ||
		    (*q >= 'A' && *q <= 'Z'))) {
			p++;
			continue;
		}
		p = skip_to(q, end, SP | GT | SL);
		tn = (size_t)(p - q);
		is_a = tn == 1 && (*q | 0x20) == 'a';
		raw = name_is(q, tn, "script", 6) || name_is(q, tn, "style", 5);
		if (raw)
			snprintf(tag, sizeof(tag), "</%.*s", (int)tn, q);
		/* Attributes up to '>'. */
		while (p < end && *p != '>') {
			if (cls[(unsigned char)*p] & (SP | SL)) {
				p++;
				continue;
			}
			name = p;
			p = skip_to(p, end, SP | EQ | GT);
			nn = (size_t)(p - name);
			p = skip_space(p, end);
			if (p >= end || *p != '=')
				continue;
			p = skip_space(p + 1, end);
			if (p < end && (*p == '"' || *p == '\'')) {
				q = memchr(p + 1, *p, (size_t)(end - p - 1));
				v = p + 1;
				vn = q ? (size_t)(q - v) : (size_t)(end - v);
				p = q ? q + 1 : end;
			} else {
				v = p;
				p = skip_to(p, end, SP | GT);
				vn = (size_t)(p - v);
			}
			if (name_is(name, nn, "href", 4) ||
			    name_is(name, nn, "src", 3))
				check_link(sc, name, v, vn);
			else if (name_is(name, nn, "id", 2) ||
			    (is_a && name_is(name, nn, "name", 4)))
				add_id(sc, v, vn);
		}
		if (raw && p < end) {
			q = find_ci(p, end, tag);
			p = q ? q : end;
		}
	}
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Read and scan file fi into its page. */
static void
scan_file(struct scan *sc, size_t fi)
{
	struct page	*pg = &sc->c->pages[fi];
	struct buf	 tb;
	struct slice	*ts;
	const char	*id;
	size_t		 k, tn, *tt;
	char		*path;

	sc->fi = fi;
	sc->pg = pg;
	path = xasprintf("%s/%s", sc->c->dir, sc->c->files[fi]);
	buf_truncate(&sc->in, 0);
	buf_truncate(&sc->ids, 0);
	sc->nnow = 0;
	if (file_load(path, &sc->in, &pg->unread) == 0)
		scan(sc, sc->in.p, sc->in.len);
	else
		broken(pg, 0, xstrdup("cannot be read"));
	free(path);
	/* This file is the one before the next. */
	tb = sc->before, sc->before = sc->in, sc->in = tb;
	ts = sc->was, sc->was = sc->now, sc->now = ts;
	tt = sc->wast, sc->wast = sc->nowt, sc->nowt = tt;
	tn = sc->capwas, sc->capwas = sc->capnow, sc->capnow = tn;
	sc->nwas = sc->nnow;
	if (pg->nids == 0)
		return;
	pg->ids = xmalloc(sc->ids.len);
	memcpy(pg->ids, sc->ids.p, sc->ids.len);
	pg->sorted = xreallocarray(NULL, pg->nids, sizeof(*pg->sorted));
	for (k = 0, id = pg->ids; k < pg->nids; k++) {
		pg->sorted[k] = id;
		id += strlen(id) + 1;
	}
	qsort(pg->sorted, pg->nids, sizeof(*pg->sorted), id_cmp);
}

/* Do files a and b lie in the same folder? */
static int
same_folder(const char *a, const char *b)
{
	const char	*sa = strrchr(a, '/'), *sb = strrchr(b, '/');

	if (sa == NULL || sb == NULL)
		return sa == sb;
	return sa - a == sb - b && memcmp(a, b, (size_t)(sa - a)) == 0;
}

static void
scanner_init(struct scan *sc, const struct lc *c)
{
	memset(sc, 0, sizeof(*sc));
	sc->c = c;
	buf_init(&sc->in);
	buf_init(&sc->before);
	buf_init(&sc->dec);
	buf_init(&sc->path);
	buf_init(&sc->frag);
	buf_init(&sc->target);
	buf_init(&sc->ids);
}

static void
scanner_free(struct scan *sc)
{
	htab_free(sc->good);
	free(sc->goodt);
	free(sc->now);
	free(sc->was);
	free(sc->nowt);
	free(sc->wast);
	buf_free(&sc->in);
	buf_free(&sc->before);
	buf_free(&sc->dec);
	buf_free(&sc->path);
	buf_free(&sc->frag);
	buf_free(&sc->target);
	buf_free(&sc->ids);
}

/*
 * Take a scanner for a run starting at file fi: one that last scanned
 * the same folder if one is free, else any free one, emptied.
 */
static struct scan *
scan_take(struct lc *c, size_t fi)
{
	struct scan	*sc = NULL;
	size_t		 k;

	pthread_mutex_lock(&c->lock);
	for (k = 0; k < c->nscans; k++) {
		if (c->scans[k].busy)
			continue;
		if (sc == NULL)
			sc = &c->scans[k];
		if (c->scans[k].good != NULL &&
		    same_folder(c->files[c->scans[k].fi], c->files[fi])) {
			sc = &c->scans[k];
			break;
		}
	}
	if (sc == NULL)
		errx_fatal("linkcheck: more jobs than scanners");
	sc->busy = 1;
	pthread_mutex_unlock(&c->lock);
	if (sc->good == NULL || !same_folder(c->files[sc->fi], c->files[fi])) {
		htab_free(sc->good);
		sc->good = htab_new();
		sc->nwas = 0;
	}
	return sc;
}

/* par_for job: scan the jth run of files. */
static int
scan_run(void *arg, size_t j)
{
	struct lc	*c = arg;
	struct scan	*sc;
	size_t		 i;

	sc = scan_take(c, c->html[c->runs[j]]);
	for (i = c->runs[j]; i < c->runs[j + 1]; i++)
		scan_file(sc, c->html[i]);
	pthread_mutex_lock(&c->lock);
	sc->busy = 0;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* Check the fragments of file fi against the ids of their targets. */
static void
check_frags(struct lc *c, size_t fi)
{
	struct page	*pg = &c->pages[fi], *to;
	struct frag	*f;
	size_t		 k;

	for (k = 0; k < pg->nfrags; k++) {
		f = &pg->frags[k];
		to = &c->pages[f->to];
		if (is_html(c->files[f->to]) && (to->nids == 0 ||
		    bsearch(&f->id, to->sorted, to->nids,
		    sizeof(*to->sorted), id_cmp) == NULL))
			broken(pg, f->line, xasprintf("broken link '%s' "
			    "(no id '%s' in %s)", f->raw, f->id,
			    c->files[f->to]));
	}
}

static void
page_free(struct page *pg)
{
	size_t	 k;

	for (k = 0; k < pg->nbad; k++)
		free(pg->bad[k].msg);
	for (k = 0; k < pg->nfrags; k++) {
		free(pg->frags[k].id);
		free(pg->frags[k].raw);
	}
	free(pg->bad);
	free(pg->frags);
	free(pg->tgt);
	free(pg->ids);
	free(pg->sorted);
	free(pg->unread);
}

/* A check of files[0..n) (paths below dir, sorted), nothing read yet. */
static void
lc_init(struct lc *c, const char *dir, char *const *files, size_t n)
{
	size_t	 i;

	memset(c, 0, sizeof(*c));
	c->dir = dir;
	c->files = files;
	c->paths = htab_new();
	c->html = xreallocarray(NULL, n ? n : 1, sizeof(*c->html));
	c->pages = xcalloc(n ? n : 1, sizeof(*c->pages));
	c->runs = xreallocarray(NULL, n + 1, sizeof(*c->runs));
	for (i = 0; i < n; i++)
		htab_add(c->paths, files[i], strlen(files[i]));
}

static void
lc_free(struct lc *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		page_free(&c->pages[i]);
	free(c->pages);
	free(c->html);
	free(c->runs);
	htab_free(c->paths);
}

/*
 * Scan the files of c->html[0..nhtml) (indexes into files, sorted), runs
 * of one folder on each of up to jobs threads.
 */
static void
scan_all(struct lc *c, size_t nhtml, int jobs)
{
	size_t		 i, k;

	c->nruns = 0;
	for (i = 0; i < nhtml; i++) {
		if (i == 0 || i - c->runs[c->nruns - 1] == RUN ||
		    !same_folder(c->files[c->html[i - 1]],
		    c->files[c->html[i]]))
			c->runs[c->nruns++] = i;
		c->pages[c->html[i]].scanned = 1;
	}
	c->runs[c->nruns] = nhtml;
	/* par_for runs at most jobs threads, so jobs scanners do. */
	c->nscans = jobs > 1 ? (size_t)jobs : 1;
	c->scans = xcalloc(c->nscans, sizeof(*c->scans));
	for (k = 0; k < c->nscans; k++)
		scanner_init(&c->scans[k], c);
	pthread_mutex_init(&c->lock, NULL);
	par_for(c->nruns, jobs, scan_run, c);
	pthread_mutex_destroy(&c->lock);
	for (k = 0; k < c->nscans; k++)
		scanner_free(&c->scans[k]);
	free(c->scans);
}

/* ---- the links memo: the files each published page links to ---- */

/*
 * Beside the output, ".NAME.folio-links" (file_write_sealed): LM_MAGIC,
 * then for each .html page, in path order, its path, a NUL, a varint
 * count and that many 4-byte little-endian lc_link_hash()es of the files
 * its links name, ascending, none twice.  A rebuild that lost a
 * published file trusts a kept page only if the memo says it links to
 * none of the lost files (a page's links are a function of its bytes,
 * which a kept page keeps); without it, every page is read again.
 */
#define LM_MAGIC	"folio-links 1\n"
#define LM_SEED		0x6c696e6b73ULL

struct lm_ent {
	const char	*path;		/* NUL-terminated; borrowed */
	const unsigned char *rec;	/* the record, path first; borrowed */
	size_t		 reclen;	/* its bytes */
	const unsigned char *h;		/* its hashes, 4 bytes each */
	size_t		 n;		/* how many */
};

struct lc_links {
	struct fmap	 map;	/* the file, when read from one */
	const char	*p;	/* its bytes (checksum left out); borrowed */
	size_t		 len;	/* bytes at p */
	struct lm_ent	*e;	/* in path order; owned */
	size_t		 n;	/* entries in e */
};

/* The hash the memo keeps for a file (rel below the output folder). */
uint32_t
lc_link_hash(const char *rel)
{
	return (uint32_t)hash_words(rel, strlen(rel), LM_SEED);
}

/*
 * The memo of files[0..n) as checked in c into memo (see above), or
 * nothing when it is old's bytes (most rebuilds: nothing to write).
 */
static void
links_put(const struct lc *c, size_t n, const struct lc_links *old,
    struct buf *memo)
{
	const struct page *pg;
	uint32_t	*h = NULL;
	size_t		 i, k, m, cap = 0, j = 0;
	int		 cmp;

	buf_puts(memo, LM_MAGIC);
	for (i = 0; i < n; i++) {
		if (!is_html(c->files[i]))
			continue;
		pg = &c->pages[i];
		/* old's entry for it, if any (both in path order) */
		for (cmp = 1; old != NULL && j < old->n &&
		    (cmp = strcmp(old->e[j].path, c->files[i])) < 0; j++)
			continue;
		if (!pg->scanned) {	/* kept as it was: so are its links */
			if (cmp == 0)
				buf_put(memo, old->e[j].rec, old->e[j].reclen);
			continue;
		}
		if (pg->ntgt > cap) {
			cap = pg->ntgt;
			h = xreallocarray(h, cap, sizeof(*h));
		}
		for (k = 0; k < pg->ntgt; k++)
			h[k] = lc_link_hash(c->files[pg->tgt[k]]);
		if (pg->ntgt > 1)
			qsort(h, pg->ntgt, sizeof(*h), u32_cmp);
		for (k = m = 0; k < pg->ntgt; k++)
			if (m == 0 || h[m - 1] != h[k])
				h[m++] = h[k];
		buf_put(memo, c->files[i], strlen(c->files[i]) + 1);
		buf_put_var(memo, m);
		for (k = 0; k < m; k++)
			le_put(memo, h[k], 4);
	}
	free(h);
	if (old != NULL && memo->len == old->len &&
	    memcmp(memo->p, old->p, old->len) == 0)
		buf_truncate(memo, 0);
}

/*
 * The links memo in p[0..len) (checksum dropped), borrowed: the result
 * points into it.  NULL when it is not one: a record cut short, a path
 * empty, paths or hashes out of order (or twice).
 */
struct lc_links *
lc_links_parse(const char *p, size_t len)
{
	struct lc_links	*m = xcalloc(1, sizeof(*m));
	const unsigned char *s = (const unsigned char *)p, *end = s + len;
	const unsigned char *rec, *nul;
	uint64_t	 cnt;
	size_t		 k, cap = 0;

	m->p = p;
	m->len = len;
	if (len < strlen(LM_MAGIC) || memcmp(p, LM_MAGIC,
	    strlen(LM_MAGIC)) != 0)
		goto bad;
	for (s += strlen(LM_MAGIC); s < end; ) {
		rec = s;
		if ((nul = memchr(s, '\0', (size_t)(end - s))) == NULL ||
		    nul == s)
			goto bad;
		s = nul + 1;
		if (var_get(&s, end, 63, &cnt) == -1 ||
		    cnt > (uint64_t)(end - s) / 4)
			goto bad;
		for (k = 1; k < cnt; k++)
			if (le_get(s + 4 * k - 4, 4) >= le_get(s + 4 * k, 4))
				goto bad;
		if (m->n > 0 && strcmp(m->e[m->n - 1].path,
		    (const char *)rec) >= 0)
			goto bad;	/* out of order, or twice */
		if (m->n == cap) {
			cap = cap ? cap * 2 : 1024;
			m->e = xreallocarray(m->e, cap, sizeof(*m->e));
		}
		m->e[m->n].path = (const char *)rec;
		m->e[m->n].rec = rec;
		m->e[m->n].h = s;
		m->e[m->n].n = (size_t)cnt;
		s += 4 * cnt;
		m->e[m->n].reclen = (size_t)(s - rec);
		m->n++;
	}
	return m;
bad:
	lc_links_free(m);
	return NULL;
}

/* The links memo at path, or NULL when there is none fit to use. */
struct lc_links *
lc_links_read(const char *path)
{
	struct lc_links	*m;
	struct fmap	 f;
	char		*why;

	if (file_map_sealed(path, LM_SEED, &f, &why) == -1) {
		free(why);
		return NULL;
	}
	if ((m = lc_links_parse(f.p, f.len)) == NULL) {
		file_unmap(&f);
		return NULL;
	}
	m->map = f;
	return m;
}

/* Write memo (lc_check's, consumed) to path.  Returns 0, or -1. */
int
lc_links_write(const char *path, struct buf *memo)
{
	int	 rc = file_write_sealed(path, memo, LM_SEED);

	buf_free(memo);
	return rc;
}

/* bsearch: a path against an entry. */
static int
ent_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct lm_ent *)e)->path);
}

/*
 * Does page rel link to any of the files hashed in gone[0..n) (sorted)?
 * 1 if so, 0 if not, -1 when the memo has no entry for it.
 */
int
lc_links_to(const struct lc_links *m, const char *rel, const uint32_t *gone,
    size_t n)
{
	const struct lm_ent *e;
	size_t		 i, k = 0;
	uint32_t	 h;

	if (m == NULL || m->n == 0 || (e = bsearch(rel, m->e, m->n,
	    sizeof(*m->e), ent_cmp)) == NULL)
		return -1;
	for (i = 0; i < e->n && k < n; i++) {
		h = (uint32_t)le_get(e->h + 4 * i, 4);
		while (k < n && gone[k] < h)
			k++;
		if (k < n && gone[k] == h)
			return 1;
	}
	return 0;
}

/* How many pages the memo has an entry for (tests). */
size_t
lc_links_count(const struct lc_links *m)
{
	return m != NULL ? m->n : 0;
}

void
lc_links_free(struct lc_links *m)
{
	if (m == NULL)
		return;
	free(m->e);
	file_unmap(&m->map);
	free(m);
}

/* Is fi an .html file some scanned file links to with a #fragment? */
static void
mark_targets(struct lc *c, size_t n, unsigned char *want)
{
	struct page	*pg;
	size_t		 i, k;

	for (i = 0; i < n; i++) {
		pg = &c->pages[i];
		for (k = 0; pg->scanned && !pg->idsonly && k < pg->nfrags; k++)
			if (!c->pages[pg->frags[k].to].scanned &&
			    is_html(c->files[pg->frags[k].to]))
				want[pg->frags[k].to] = 1;
	}
}

/*
 * Check the .html files among files[0..n) (paths below dir, sorted; the
 * other files are link targets only), reading them on up to jobs
 * threads.  A file with trusted[i] set (may be NULL) is known to be
 * fine, and its links to be too (the same bytes passed this check in
 * the last build, and no file or id has gone since): it is read only
 * for its ids, when another file links into it.  Messages name
 * shown/path, so a check of the staging folder reports the published
 * paths; they come in file and line order, the same for any jobs.
 * When memo is not NULL and no link is broken, it gets the links memo
 * of files (see below): the read pages' links, old's entries for the
 * others; or stays empty when that is old as it is.  Returns the number
 * of broken links, each reported with diag_err.
 */
size_t
lc_check(const char *dir, const char *shown, char *const *files, size_t n,
    int jobs, const unsigned char *trusted, const struct lc_links *old,
    struct buf *memo)
{
	struct lc	 c;
	struct page	*pg;
	size_t		 i, k, nhtml = 0, nbad = 0, nall;
	unsigned char	*want;
	char		*path;

	lc_init(&c, dir, files, n);
	for (i = nall = 0; i < n; i++)
		if (is_html(files[i]) && (nall++, trusted == NULL ||
		    !trusted[i]))
			c.html[nhtml++] = i;
	if (diag_verbosity > 1)
		fprintf(stderr, "folio:  links: %zu of %zu pages read\n",
		    nhtml, nall);
	scan_all(&c, nhtml, jobs);
	if (trusted != NULL) {
		/* Then the trusted files others link into, for their ids. */
		want = xcalloc(n ? n : 1, 1);
		mark_targets(&c, n, want);
		for (i = nhtml = 0; i < n; i++)
			if (want[i]) {
				c.html[nhtml++] = i;
				c.pages[i].idsonly = 1;
			}
		free(want);
		if (nhtml > 0)
			scan_all(&c, nhtml, jobs);
		for (i = nhtml = 0; i < n; i++)
			if (c.pages[i].scanned)
				c.html[nhtml++] = i;
	}
	/* Then, in file order: what could not be read, then the links. */
	for (i = 0; i < nhtml; i++) {
		pg = &c.pages[c.html[i]];
		if (pg->unread != NULL) {
			path = xasprintf("%s/%s", dir, files[c.html[i]]);
			diag_err(path, 0, 0, "%s", pg->unread);
			free(path);
		}
	}
	for (i = 0; i < nhtml; i++) {
		pg = &c.pages[c.html[i]];
		if (pg->idsonly)
			continue;
		check_frags(&c, c.html[i]);
		if (pg->nbad > 1)
			qsort(pg->bad, pg->nbad, sizeof(*pg->bad),
			    broken_cmp);
		for (k = 0; k < pg->nbad; k++, nbad++)
			if (nbad < MAX_SHOWN) {
				path = xasprintf("%s/%s", shown,
				    files[c.html[i]]);
				diag_err(path, pg->bad[k].line, 0, "%s",
				    pg->bad[k].msg);
				free(path);
			}
	}
	if (nbad > MAX_SHOWN)
		diag_err(shown, 0, 0, "%zu more broken links", nbad -
		    MAX_SHOWN);
	if (memo != NULL && nbad == 0)
		links_put(&c, n, old, memo);
	lc_free(&c, n);
	return nbad;
}

/*
 * Do the .html files rels[0..n) (sorted) in newdir keep every id they
 * had in olddir?  Returns 1 if so; a file not in olddir had none.
 */
int
lc_ids_kept(const char *olddir, const char *newdir, char *const *rels,
    size_t n, int jobs)
{
	struct lc	 c[2];
	const struct page *o, *w;
	size_t		 i, k, nhtml;
	int		 v, ok = 1;

	for (v = 0; v < 2; v++) {
		lc_init(&c[v], v == 0 ? olddir : newdir, rels, n);
		for (i = nhtml = 0; i < n; i++)
			if (is_html(rels[i]))
				c[v].html[nhtml++] = i;
		scan_all(&c[v], nhtml, jobs);
	}
	for (i = 0; i < n && ok; i++) {
		o = &c[0].pages[i];
		w = &c[1].pages[i];
		for (k = 0; o->unread == NULL && k < o->nids && ok; k++)
			ok = w->nids > 0 && bsearch(&o->sorted[k], w->sorted,
			    w->nids, sizeof(*w->sorted), id_cmp) != NULL;
	}
	lc_free(&c[0], n);
	lc_free(&c[1], n);
	return ok;
}

/* ---- folio check: the published folder ---- */

static char	**walked;	/* paths below walk_root during the walk */
static size_t	  nwalked;
static size_t	  walk_root;	/* bytes of the root path and its '/' */

static int
walk_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag != FTW_F || strlen(p) <= walk_root)
		return 0;
	walked = xreallocarray(walked, nwalked + 1, sizeof(*walked));
	walked[nwalked++] = xstrdup(p + walk_root);
	return 0;
}

/*
 * Check every .html file below dir (a published site).  Returns 0, or
 * -1 after messages (broken links, or dir cannot be read).
 */
int
lc_check_tree(const char *dir)
{
	struct stat	 st;
	size_t		 i, nbad;
	char		*root;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		diag_err(dir, 0, 0, "no site here (run folio build first)");
		return -1;
	}
	root = xstrdup(dir);
	while (strlen(root) > 1 && root[strlen(root) - 1] == '/')
		root[strlen(root) - 1] = '\0';
	walked = NULL;
	nwalked = 0;
	walk_root = strlen(root) + 1;
	if (nftw(root, walk_one, 16, FTW_PHYS) == -1) {
		diag_err(root, 0, 0, "cannot read the folder");
		nbad = 1;
	} else {
		if (nwalked > 1)
			qsort(walked, nwalked, sizeof(*walked), str_cmp);
		nbad = lc_check(root, root, walked, nwalked,
		    (int)sysconf(_SC_NPROCESSORS_ONLN), NULL, NULL, NULL);
		if (nbad == 0)
			diag_info("folio: %s: %zu files, every link resolves",
			    root, nwalked);
	}
	for (i = 0; i < nwalked; i++)
		free(walked[i]);
	free(walked);
	walked = NULL;
	free(root);
	return nbad ? -1 : 0;
}
