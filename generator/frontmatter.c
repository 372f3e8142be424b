/*
 * frontmatter.c: load stage, part one.  Takes an article file's bytes,
 * checks they are UTF-8, splits "---" YAML "---" from the Markdown body
 * and checks every documented key's type.  Hands on struct article with
 * fm (owned) and borrowed views of the known keys; unknown keys stay in
 * fm for templates.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

/* Length of a line starting at p (up to n bytes), without its "\n". */
static size_t
line_len(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);

	return nl ? (size_t)(nl - p) : n;
}

static int
is_fence(const char *p, size_t len, const char *mark)
{
	if (len > 0 && p[len - 1] == '\r')
		len--;
	while (len > 3 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return len == 3 && memcmp(p, mark, 3) == 0;
}

/*
 * Split text into the YAML between the opening "---" line and the next
 * "---" (or "...") line, and the body after it.  *yline and *bline get
 * the 1-based file lines where each starts.  Returns 0, or -1 after
 * printing path:line:col: error.
 */
int
fm_split(const char *path, const char *text, size_t len, struct slice *yaml,
    int *yline, struct slice *body, int *bline)
{
	size_t	 off = 0, ll;
	int	 line = 1;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	ll = line_len(text + off, len - off);
	if (!is_fence(text + off, ll, "---")) {
		diag_err(path, 1, 1, "no front matter (the file must start "
		    "with a line '---', then YAML with at least 'title:', "
		    "then '---')");
		return -1;
	}
	off += ll + 1;
	line++;
	yaml->p = text + off;
	*yline = line;
	while (off < len) {
		ll = line_len(text + off, len - off);
		if (is_fence(text + off, ll, "---") ||
		    is_fence(text + off, ll, "...")) {
			yaml->len = (size_t)(text + off - yaml->p);
			off += ll + (off + ll < len);
			body->p = text + off;
			body->len = len - off;
			*bline = line + 1;
			return 0;
		}
		off += ll + 1;
		line++;
	}
	diag_err(path, 1, 1, "front matter is not closed (add a line '---' "
	    "after the YAML)");
	return -1;
}

static int
type_err(const struct article *a, const struct val *v, const char *key,
    const char *want)
{
	diag_err(a->path, v->line, v->col, "'%s' must be %s", key, want);
	return -1;
}

/* A string-valued key; numbers are taken as their text. */
static int
get_str(struct article *a, const char *key, const char **out)
{
	struct val	*v = val_get(a->fm, key);

	*out = NULL;
	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type == V_NUM)
		v->type = V_STR;
	if (v->type != V_STR)
		return type_err(a, v, key, "a string");
	*out = v->s;
	return 0;
}

/* A list of strings; a lone string is taken as a list of one. */
static int
get_list(struct article *a, const char *key, const struct val **out)
{
	struct val	*v = val_get(a->fm, key), *l;
	size_t		 i;

	*out = NULL;
	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type == V_STR) {
		l = val_list();
		l->line = v->line;
		l->col = v->col;
		val_push(l, val_copy(v));
		val_set(a->fm, key, l);
		v = l;
	}
	if (v->type != V_LIST)
		return type_err(a, v, key, "a list of strings, "
		    "like [a, b]");
	for (i = 0; i < v->n; i++) {
		if (v->kids[i]->type == V_NUM)
			v->kids[i]->type = V_STR;
		if (v->kids[i]->type != V_STR || v->kids[i]->slen == 0)
			return type_err(a, v->kids[i], key,
			    "a list of non-empty strings");
	}
	*out = v;
	return 0;
}

static int
check_date(struct article *a)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	const struct val *v = val_get(a->fm, "date");
	const char	*s = a->date;
	int		 y, m, d, leap;

	if (s == NULL)
		return 0;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789-") != 10)
		goto bad;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap)) {
		diag_err(a->path, v->line, v->col, "date '%s' does not exist",
		    s);
		return -1;
	}
	return 0;
bad:
	diag_err(a->path, v->line, v->col, "'date' must be YYYY-MM-DD, "
	    "not '%s'", s);
	return -1;
}

static int
check_photos(struct article *a)
{
	struct val	*v = val_get(a->fm, "photos"), *p, *c;
	size_t		 i;

	a->photos = NULL;
	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_LIST)
		return type_err(a, v, "photos", "a list of {caption, credit}");
	for (i = 0; i < v->n; i++) {
		p = v->kids[i];
		if (p->type != V_MAP)
			return type_err(a, p, "photos", "a list of "
			    "{caption, credit}");
		c = val_get(p, "caption");
		if (c == NULL || c->type != V_STR)
			return type_err(a, c ? c : p, "photos[].caption",
			    "a string");
		c = val_get(p, "credit");
		if (c != NULL && c->type != V_STR && c->type != V_NULL)
			return type_err(a, c, "photos[].credit", "a string");
	}
	a->photos = v;
	return 0;
}

static int
check_source(struct article *a)
{
	struct val	*v = val_get(a->fm, "source"), *f;

	a->source = NULL;
	if (v == NULL || v->type == V_NULL)
		return 0;
	if (v->type != V_MAP)
		return type_err(a, v, "source", "a map {file, page, lines}");
	f = val_get(v, "file");
	if (f == NULL || f->type != V_STR)
		return type_err(a, f ? f : v, "source.file", "a string");
	if ((f = val_get(v, "lines")) != NULL && f->type == V_NUM)
		f->type = V_STR;
	if (f != NULL && f->type != V_STR)
		return type_err(a, f, "source.lines", "a string like "
		    "\"3-33,57-60\"");
	a->source = v;
	return 0;
}

/*
 * Parse an article file's bytes into a (a->path must be set).  Fills
 * fm, the known keys, body and body_line.  Returns 0, or -1 after
 * printing path:line:col: error.
 */
int
fm_parse(struct article *a, const char *text, size_t len)
{
	struct slice	 y, b;
	size_t		 bad;
	int		 yl, bl, line, col;

	if (!utf8_check(text, len, &bad)) {
		text_pos(text, bad, &line, &col);
		diag_err(a->path, line, col, "invalid UTF-8 at byte offset "
		    "%zu (save the file as UTF-8)", bad);
		return -1;
	}
	if (fm_split(a->path, text, len, &y, &yl, &b, &bl) == -1)
		return -1;
	if (yaml_load(a->path, y.p, y.len, yl - 1, &a->fm) == -1)
		return -1;
	if (a->fm->type != V_MAP) {
		diag_err(a->path, yl, 1, "front matter must be a map of "
		    "keys (title: ...)");
		return -1;
	}
	if (fm_bind(a, yl) == -1)
		return -1;
	a->body = xstrndup(b.p, b.len);
	a->body_line = bl;
	return 0;
}

/*
 * Check the known keys of a->fm (a map) and point a's fields at them;
 * line: where the front matter starts, for a missing title.  Returns 0,
 * or -1 after printing path:line:col: error.  Also what binds a front
 * matter tree the load memo kept.
 */
int
fm_bind(struct article *a, int line)
{
	struct val	*v;
	const char	*slug;

	if ((v = val_get(a->fm, "title")) == NULL || v->type == V_NULL) {
		diag_err(a->path, line, 1, "missing 'title' (every article "
		    "needs one)");
		return -1;
	}
	if (get_str(a, "title", &a->title) == -1 ||
	    get_str(a, "place", &a->place) == -1 ||
	    get_str(a, "byline", &a->byline) == -1 ||
	    get_str(a, "organization", &a->organization) == -1 ||
	    get_str(a, "summary", &a->summary) == -1 ||
	    get_str(a, "date", &a->date) == -1 ||
	    get_str(a, "slug", &slug) == -1 ||
	    get_list(a, "region", &a->region) == -1 ||
	    get_list(a, "authors", &a->authors) == -1 ||
	    get_list(a, "tags", &a->tags) == -1 ||
	    check_date(a) == -1 || check_photos(a) == -1 ||
	    check_source(a) == -1)
		return -1;
	if (a->title[0] == '\0') {
		v = val_get(a->fm, "title");
		diag_err(a->path, v->line, v->col, "'title' is empty");
		return -1;
	}
	if (slug != NULL && !slug_valid(slug)) {
		v = val_get(a->fm, "slug");
		diag_err(a->path, v->line, v->col, "'slug' must be 1-%d of "
		    "a-z, 0-9, '-' and '_' (no '/', '..' or spaces): '%s'",
		    SLUG_MAX, slug);
		return -1;
	}
	if ((v = val_get(a->fm, "draft")) != NULL) {
		if (v->type != V_BOOL)
			return type_err(a, v, "draft", "true or false");
		a->draft = v->b;
	}
	return 0;
}

void
article_free(struct article *a)
{
	size_t	 i;

	for (i = 0; i < a->nheads; i++) {
		free(a->heads[i].id);
		free(a->heads[i].text);
	}
	free(a->heads);
	free(a->path);
	free(a->slug);
	free(a->autoslug);
	free(a->body);
	if (!a->memo_strs) {
		free(a->autosum);
		free(a->html);
		free(a->text);
	}
	val_free(a->fm);
	memset(a, 0, sizeof(*a));
}
