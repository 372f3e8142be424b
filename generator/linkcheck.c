/*
 * linkcheck.c: check stage.  Takes a folder of written files (the
 * staging folder before the swap, or the published site for "folio
 * check") and reads each .html file once: every internal href and src
 * must name a file that exists, and every #fragment an id in it.
 * Hands on one error per broken link, path:line: error: broken link.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "folio.h"

#define MAX_SHOWN	100	/* broken links reported one by one */

/* A link whose #fragment can only be checked once every file is read. */
struct frag {
	size_t		 from;	/* file it is in (index) */
	int		 line;	/* where */
	size_t		 to;	/* file it names (index) */
	char		*id;	/* the fragment, decoded; owned */
	char		*raw;	/* the link as written; owned */
};

/* A broken link, reported in file and line order at the end. */
struct broken {
	size_t		 file;	/* index */
	int		 line;	/* 1-based */
	size_t		 seq;	/* order found, among equal lines */
	char		*msg;	/* what to print; owned */
};

struct lc {
	char *const	 *files;	/* relative paths, sorted; borrowed */
	struct htab	 *paths;	/* path -> index in files; owned */
	struct htab	 *ids;		/* file index (4 bytes) + id; owned */
	struct frag	 *frags;	/* owned */
	size_t		  nfrags;	/* entries in frags */
	struct broken	 *bad;		/* owned */
	size_t		  nbad;		/* entries in bad */
	struct buf	  key;		/* scratch for ids keys */
};

static void
broken(struct lc *c, size_t file, int line, char *msg)
{
	c->bad = xreallocarray(c->bad, c->nbad + 1, sizeof(*c->bad));
	c->bad[c->nbad].file = file;
	c->bad[c->nbad].line = line;
	c->bad[c->nbad].seq = c->nbad;
	c->bad[c->nbad].msg = msg;
	c->nbad++;
}

static int
broken_cmp(const void *x, const void *y)
{
	const struct broken *a = x, *b = y;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void
id_key(struct lc *c, size_t file, const char *id, size_t n)
{
	uint32_t	 f = (uint32_t)file;

	buf_truncate(&c->key, 0);
	buf_put(&c->key, &f, sizeof(f));
	buf_put(&c->key, id, n);
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

/* One href/src value (raw, as in the file) of file fi at line. */
static void
link(struct lc *c, size_t fi, int line, const char *v, size_t vn)
{
	struct buf	 dec, path, frag, target;
	const char	*hash;
	size_t		 pn, ti;
	int		 folder;

	buf_init(&dec);
	buf_init(&path);
	buf_init(&frag);
	buf_init(&target);
	unesc_html(&dec, v, vn);
	if (dec.len == 0 || external(dec.p))
		goto out;
	pn = strcspn(dec.p, "?#");
	unpct(&path, dec.p, pn);
	if ((hash = strchr(dec.p, '#')) != NULL)
		unpct(&frag, hash + 1, strlen(hash + 1));
	if (path.len == 0)
		ti = fi;	/* "#id" or "?q": this file */
	else if (resolve(c->files[fi], path.p, &target, &folder) == -1) {
		broken(c, fi, line, xasprintf("broken link '%s' (above the "
		    "site root)", dec.p));
		goto out;
	} else if (folder) {
		buf_puts(&target, "index.html");
		broken(c, fi, line, xasprintf("broken link '%s' (a folder%s)",
		    dec.p, htab_find(c->paths, target.p, target.len) !=
		    HTAB_NONE ? ": link to its index.html" : ""));
		goto out;
	} else if ((ti = htab_find(c->paths, target.p, target.len)) ==
	    HTAB_NONE) {
		broken(c, fi, line, xasprintf("broken link '%s'", dec.p));
		goto out;
	}
	if (hash != NULL && frag.len > 0) {
		c->frags = xreallocarray(c->frags, c->nfrags + 1,
		    sizeof(*c->frags));
		c->frags[c->nfrags].from = fi;
		c->frags[c->nfrags].line = line;
		c->frags[c->nfrags].to = ti;
		c->frags[c->nfrags].id = buf_take(&frag);
		c->frags[c->nfrags].raw = xstrdup(dec.p);
		c->nfrags++;
	}
out:
	buf_free(&dec);
	buf_free(&path);
	buf_free(&frag);
	buf_free(&target);
}

static int
is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	    ch == '\f';
}

static int
name_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

/* Find s (ASCII, any case) from p; returns its start or NULL. */
static const char *
find_ci(const char *p, const char *end, const char *s)
{
	size_t	 n = strlen(s);

	for (; p + n <= end; p++)
		if (strncasecmp(p, s, n) == 0)
			return p;
	return NULL;
}

/*
 * Scan one HTML file: record its ids, check its links to files, keep
 * links with fragments for later.  Skips comments and the insides of
 * script and style elements.
 */
static void
scan(struct lc *c, size_t fi, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *q, *name, *v, *lc = s;
	size_t		 nn, vn, tn;
	int		 line = 1, is_a, raw;
	char		 tag[16];

	while (p < end) {
		if (*p != '<') {
			p++;
			continue;
		}
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
		for (tn = 0; q + tn < end && !is_space(q[tn]) &&
		    q[tn] != '>' && q[tn] != '/'; tn++)
			continue;
		is_a = name_is(q, tn, "a");
		raw = name_is(q, tn, "script") || name_is(q, tn, "style");
		if (raw)
			snprintf(tag, sizeof(tag), "</%.*s", (int)tn, q);
		p = q + tn;
		/* Attributes up to '>'. */
		while (p < end && *p != '>') {
			if (is_space(*p) || *p == '/') {
				p++;
				continue;
			}
			name = p;
			while (p < end && !is_space(*p) && *p != '=' &&
			    *p != '>')
				p++;
			nn = (size_t)(p - name);
			while (p < end && is_space(*p))
				p++;
			v = NULL;
			vn = 0;
			if (p < end && *p == '=') {
				p++;
				while (p < end && is_space(*p))
					p++;
				if (p < end && (*p == '"' || *p == '\'')) {
					q = memchr(p + 1, *p, (size_t)(end -
					    p - 1));
					v = p + 1;
					vn = q ? (size_t)(q - v) :
					    (size_t)(end - v);
					p = q ? q + 1 : end;
				} else {
					v = p;
					while (p < end && !is_space(*p) &&
					    *p != '>')
						p++;
					vn = (size_t)(p - v);
				}
			}
			if (v == NULL)
				continue;
			for (; lc < name; lc++)
				line += *lc == '\n';
			if (name_is(name, nn, "href") ||
			    name_is(name, nn, "src"))
				link(c, fi, line, v, vn);
			else if (name_is(name, nn, "id") ||
			    (is_a && name_is(name, nn, "name"))) {
				struct buf d;

				buf_init(&d);
				unesc_html(&d, v, vn);
				id_key(c, fi, d.p, d.len);
				htab_add(c->ids, c->key.p, c->key.len);
				buf_free(&d);
			}
		}
		if (raw && p < end) {
			q = find_ci(p, end, tag);
			p = q ? q : end;
		}
	}
}

/*
 * Check the .html files among files[0..n) (paths below dir, sorted; the
 * other files are link targets only).  Messages name shown/path, so a
 * check of the staging folder reports the published paths.  Returns
 * the number of broken links, each reported with diag_err.
 */
size_t
lc_check(const char *dir, const char *shown, char *const *files, size_t n)
{
	struct lc	 c;
	struct buf	 in;
	size_t		 i, len, nbad;
	char		*path;

	memset(&c, 0, sizeof(c));
	c.files = files;
	c.paths = htab_new();
	c.ids = htab_new();
	buf_init(&c.key);
	buf_init(&in);
	for (i = 0; i < n; i++)
		htab_add(c.paths, files[i], strlen(files[i]));
	for (i = 0; i < n; i++) {
		len = strlen(files[i]);
		if (len < 5 || strcmp(files[i] + len - 5, ".html") != 0)
			continue;
		path = xasprintf("%s/%s", dir, files[i]);
		buf_truncate(&in, 0);
		if (file_read(path, &in) == 0)
			scan(&c, i, in.p, in.len);
		else
			broken(&c, i, 0, xstrdup("cannot be read"));
		free(path);
	}
	for (i = 0; i < c.nfrags; i++) {
		len = strlen(files[c.frags[i].to]);
		id_key(&c, c.frags[i].to, c.frags[i].id,
		    strlen(c.frags[i].id));
		if (len >= 5 && strcmp(files[c.frags[i].to] + len - 5,
		    ".html") == 0 &&
		    htab_find(c.ids, c.key.p, c.key.len) == HTAB_NONE)
			broken(&c, c.frags[i].from, c.frags[i].line,
			    xasprintf("broken link '%s' (no id '%s' in %s)",
			    c.frags[i].raw, c.frags[i].id,
			    files[c.frags[i].to]));
		free(c.frags[i].id);
		free(c.frags[i].raw);
	}
	if (c.nbad > 1)
		qsort(c.bad, c.nbad, sizeof(*c.bad), broken_cmp);
	for (i = 0; i < c.nbad; i++) {
		if (i < MAX_SHOWN) {
			path = xasprintf("%s/%s", shown, files[c.bad[i].file]);
			diag_err(path, c.bad[i].line, 0, "%s", c.bad[i].msg);
			free(path);
		}
		free(c.bad[i].msg);
	}
	if (c.nbad > MAX_SHOWN)
		diag_err(shown, 0, 0, "%zu more broken links", c.nbad -
		    MAX_SHOWN);
	nbad = c.nbad;
	free(c.bad);
	free(c.frags);
	htab_free(c.paths);
	htab_free(c.ids);
	buf_free(&c.key);
	buf_free(&in);
	return nbad;
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
		nbad = lc_check(root, root, walked, nwalked);
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
