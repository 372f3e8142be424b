/*
 * config.c: config stage.  Takes site.yaml (libyaml via yaml.c), checks
 * every key and type, resolves folders against the project folder and
 * hands on struct site.  Unknown keys are errors that list the known
 * ones.
 */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "folio.h"

static const char *const known[] = {
	"title", "description", "language", "author", "publisher", "theme",
	"content", "output", "per_page", "base_url", "markdown", "topics",
	NULL
};

static int
str_key(struct site *s, const char *key, char **out, const char *dflt)
{
	struct val	*v = val_get(s->raw, key);

	if (v == NULL || v->type == V_NULL) {
		*out = dflt ? xstrdup(dflt) : NULL;
		return 0;
	}
	if (v->type != V_STR && v->type != V_NUM) {
		diag_err(s->config_path, v->line, v->col,
		    "'%s' must be a string", key);
		return -1;
	}
	*out = xstrdup(v->s);
	return 0;
}

static int
is_dir(const char *p)
{
	struct stat	 st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Resolve rel against dir; caller frees.  NULL if too long. */
static char *
resolve(const char *dir, const char *rel)
{
	char	 tmp[PATH_MAX];

	if (rel[0] == '/')
		return xstrdup(rel);
	if (path_join(tmp, sizeof(tmp), dir, rel) == -1)
		return NULL;
	return xstrdup(tmp);
}

/* Absolute, normalised form of a path that may not exist yet. */
static char *
abspath(const char *p)
{
	char	 tmp[PATH_MAX], *slash, *dup;

	if (realpath(p, tmp) != NULL)
		return xstrdup(tmp);
	dup = xstrdup(p);
	if ((slash = strrchr(dup, '/')) != NULL && slash != dup) {
		*slash = '\0';
		if (realpath(dup, tmp) != NULL) {
			char *r = xasprintf("%s/%s", tmp, slash + 1);

			free(dup);
			return r;
		}
	}
	free(dup);
	return xstrdup(p);
}

/* Is a the same folder as b, or a parent of it? */
static int
covers(const char *a, const char *b)
{
	size_t	 n = strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/' ||
	    (n == 1 && a[0] == '/'));
}

static int
check_markdown(struct site *s)
{
	struct val	*m = val_get(s->raw, "markdown"), *v;
	size_t		 i;

	if (m == NULL || m->type == V_NULL)
		return 0;
	if (m->type != V_MAP) {
		diag_err(s->config_path, m->line, m->col,
		    "'markdown' must be a map (markdown: {raw_html: false})");
		return -1;
	}
	for (i = 0; i < m->n; i++) {
		v = m->kids[i];
		if (strcmp(m->keys[i], "raw_html") != 0) {
			diag_err(s->config_path, v->kline, v->kcol,
			    "unknown key 'markdown.%s' (known: raw_html)",
			    m->keys[i]);
			return -1;
		}
		if (v->type != V_BOOL) {
			diag_err(s->config_path, v->line, v->col,
			    "'markdown.raw_html' must be true or false");
			return -1;
		}
		s->raw_html = v->b;
	}
	return 0;
}

/* Is v a whole number lo..hi?  (Checked before the cast to int.) */
static int
is_whole(const struct val *v, int lo, int hi)
{
	return v->type == V_NUM && v->num >= lo && v->num <= hi &&
	    v->num == (int)v->num;
}

static int
check_topics(struct site *s)
{
	struct val	*t = val_get(s->raw, "topics"), *v;
	size_t		 i, k;

	s->topic_pages = TOPIC_PAGES;
	if (t == NULL || t->type == V_NULL)
		return 0;
	if (t->type != V_MAP) {
		diag_err(s->config_path, t->line, t->col, "'topics' must be "
		    "a map {add: [...], rename: {from: to}, exclude: [...], "
		    "max_pages: N}");
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		v = t->kids[i];
		if (strcmp(t->keys[i], "max_pages") == 0) {
			if (!is_whole(v, 0, 100000)) {
				diag_err(s->config_path, v->line, v->col,
				    "'topics.max_pages' must be a whole number "
				    "0..100000 (0: list every article)");
				return -1;
			}
			s->topic_pages = (int)v->num;
		} else if (strcmp(t->keys[i], "add") == 0 ||
		    strcmp(t->keys[i], "exclude") == 0) {
			if (v->type != V_LIST)
				goto bad;
			for (k = 0; k < v->n; k++)
				if (v->kids[k]->type != V_STR)
					goto bad;
		} else if (strcmp(t->keys[i], "rename") == 0) {
			if (v->type != V_MAP)
				goto bad;
			for (k = 0; k < v->n; k++)
				if (v->kids[k]->type != V_STR)
					goto bad;
		} else {
			diag_err(s->config_path, v->kline, v->kcol,
			    "unknown key 'topics.%s' (known: add, rename, "
			    "exclude, max_pages)", t->keys[i]);
			return -1;
		}
	}
	s->topics = t;
	return 0;
bad:
	diag_err(s->config_path, v->line, v->col, "'topics.%s' must be a %s "
	    "of strings", t->keys[i], strcmp(t->keys[i], "rename") ? "list" :
	    "map");
	return -1;
}

/*
 * Load dir/site.yaml into s.  outdir (from -o) overrides 'output'.
 * Returns 0, or -1 after printing path:line:col: error.  config_free()
 * frees s either way.
 */
int
config_load(struct site *s, const char *dir, const char *outdir)
{
	struct buf	 b;
	char		*path;
	int		 rc = -1;

	buf_init(&b);
	memset(s, 0, sizeof(*s));
	if ((path = resolve(dir, "site.yaml")) == NULL) {
		diag_err(dir, 0, 0, "path too long");
		return -1;
	}
	if (file_read(path, &b) == 0)
		rc = config_parse(s, dir, path, b.p, b.len, outdir);
	else
		s->config_path = xstrdup(path);
	free(path);
	buf_free(&b);
	return rc;
}

/*
 * Parse site.yaml's text (path names it in messages) for the project
 * in dir.  Same contract as config_load.
 */
int
config_parse(struct site *s, const char *dir, const char *path,
    const char *text, size_t len, const char *outdir)
{
	struct val	*v;
	char		*content = NULL, *output = NULL, *ac = NULL,
			*ao = NULL, *ad = NULL, *at = NULL, *list;
	size_t		 i, k;
	int		 rc = -1;

	memset(s, 0, sizeof(*s));
	s->dir = xstrdup(dir);
	s->config_path = xstrdup(path);
	if (yaml_load(s->config_path, text, len, 0, &s->raw) == -1)
		goto out;
	if (s->raw->type != V_MAP) {
		diag_err(s->config_path, 1, 1, "site.yaml must be a map of "
		    "keys (title: ...)");
		goto out;
	}
	for (i = 0; i < s->raw->n; i++) {
		for (k = 0; known[k] != NULL; k++)
			if (strcmp(known[k], s->raw->keys[i]) == 0)
				break;
		if (known[k] == NULL) {
			struct buf l;

			buf_init(&l);
			for (k = 0; known[k] != NULL; k++)
				buf_printf(&l, "%s%s", k ? ", " : "",
				    known[k]);
			list = buf_take(&l);
			v = s->raw->kids[i];
			diag_err(s->config_path, v->kline, v->kcol,
			    "unknown key '%s' (known keys: %s)",
			    s->raw->keys[i], list);
			free(list);
			goto out;
		}
	}
	if (str_key(s, "title", &s->title, NULL) == -1 ||
	    str_key(s, "description", &s->description, "") == -1 ||
	    str_key(s, "language", &s->language, "zh-CN") == -1 ||
	    str_key(s, "author", &s->author, "") == -1 ||
	    str_key(s, "publisher", &s->publisher, "") == -1 ||
	    str_key(s, "theme", &s->theme, "default") == -1 ||
	    str_key(s, "content", &content, "content") == -1 ||
	    str_key(s, "output", &output, "public") == -1 ||
	    str_key(s, "base_url", &s->base_url, NULL) == -1)
		goto out;
	if (s->title == NULL) {
		diag_err(s->config_path, 1, 1, "missing 'title' (the "
		    "archive's name)");
		goto out;
	}
	if (s->base_url != NULL) {
		size_t n = strlen(s->base_url);

		while (n > 0 && s->base_url[n - 1] == '/')
			s->base_url[--n] = '\0';
		if (strncmp(s->base_url, "http://", 7) != 0 &&
		    strncmp(s->base_url, "https://", 8) != 0) {
			v = val_get(s->raw, "base_url");
			diag_err(s->config_path, v->line, v->col, "'base_url' "
			    "must start with http:// or https://");
			goto out;
		}
	}
	s->per_page = 20;
	if ((v = val_get(s->raw, "per_page")) != NULL) {
		if (!is_whole(v, 1, 10000)) {
			diag_err(s->config_path, v->line, v->col,
			    "'per_page' must be a whole number 1..10000");
			goto out;
		}
		s->per_page = (int)v->num;
	}
	if (check_markdown(s) == -1 || check_topics(s) == -1)
		goto out;
	s->content_dir = resolve(dir, content);
	s->output_dir = resolve(dir, outdir ? outdir : output);
	v = val_get(s->raw, "theme");
	if (strchr(s->theme, '/') != NULL || s->theme[0] == '.' ||
	    s->theme[0] == '\0') {
		diag_err(s->config_path, v ? v->line : 0, v ? v->col : 0,
		    "'theme' must be a folder name under themes/");
		goto out;
	}
	list = xasprintf("themes/%s", s->theme);
	s->theme_dir = resolve(dir, list);
	free(list);
	if (s->content_dir == NULL || s->output_dir == NULL ||
	    s->theme_dir == NULL) {
		diag_err(s->config_path, 0, 0, "path too long");
		goto out;
	}
	if (!is_dir(s->theme_dir)) {
		diag_err(s->config_path, v ? v->line : 0, v ? v->col : 0,
		    "unknown theme '%s' (no folder %s)", s->theme,
		    s->theme_dir);
		goto out;
	}
	s->articles_dir = xasprintf("%s/articles", s->content_dir);
	s->pages_dir = xasprintf("%s/pages", s->content_dir);
	ac = abspath(s->content_dir);
	ao = abspath(s->output_dir);
	ad = abspath(dir);
	at = abspath(s->theme_dir);
	if (covers(ao, ac) || covers(ao, ad) || covers(ao, at)) {
		v = val_get(s->raw, "output");
		diag_err(outdir ? NULL : s->config_path,
		    (!outdir && v) ? v->line : 0, (!outdir && v) ? v->col : 0,
		    "output folder %s would contain the content, theme or "
		    "project folder (choose a separate folder such as "
		    "public)", s->output_dir);
		goto out;
	}
	rc = 0;
out:
	free(content);
	free(output);
	free(ac);
	free(ao);
	free(ad);
	free(at);
	return rc;
}

void
config_free(struct site *s)
{
	free(s->dir);
	free(s->config_path);
	free(s->title);
	free(s->description);
	free(s->language);
	free(s->author);
	free(s->publisher);
	free(s->theme);
	free(s->theme_dir);
	free(s->content_dir);
	free(s->articles_dir);
	free(s->pages_dir);
	free(s->output_dir);
	free(s->base_url);
	val_free(s->raw);
	memset(s, 0, sizeof(*s));
}
