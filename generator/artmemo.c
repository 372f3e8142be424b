/*
 * artmemo.c: what the load stage remembers between builds.  Parsing an
 * article (YAML front matter, cmark-gfm, the summary) is a pure
 * function of its bytes and of the program and libraries doing it, and
 * so is the slug made from a title (ICU's Han-Latin, whose setup alone
 * takes a third of a second).  A rebuild after a one-article commit
 * should not redo either for the other 9,999: this keeps every
 * article's parse (front matter tree, HTML, text, headings, summary)
 * keyed by a hash of its bytes, and every slug the build made, in a
 * folder beside the output (".NAME.folio-articles"), and hands them
 * back.
 *
 * Articles are spread over AM_BUCKETS files by a hash of their name in
 * the articles folder, so an edit rewrites one file of 1/64th of the
 * memo; the slugs are one file.  Each file is sealed (a checksum at
 * its end, util.c) and starts with the memo key: the program, the
 * libraries' versions and the options parsing depends on.  Any doubt
 * about a file (another key, a bad checksum, a record out of place)
 * drops that file whole, and its articles are parsed again: a miss
 * costs time, never correctness.
 *
 * An articles file, integers little-endian, var = LEB128 (buf_put_var):
 *	"folio-articles 4\n"  u64 memo key  u32 records
 *	each record: u64 content key (ascending), var length, then
 *	    that many bytes: var body line, var 1 if the html has a
 *	    figure (else 0), the front matter tree (node),
 *	    str html, str text, u64 its hash (art_texthash, not 0),
 *	    str summary, var headings, each:
 *	    var level, str id, str text
 *	node: u8 type, var line, col, key line, key col, then by type:
 *	    bool: u8; number: u64 bits of the double, str text;
 *	    string: str; list: var n, n nodes; map: var n, n x (str key,
 *	    node)
 *	str: var length + 1 (0: none), then the bytes and a NUL
 * The slugs file: "folio-slugs 2\n"  u64 memo key  u32 records, each
 *	str text (a title or a group's name; ascending, byte order),
 *	str its slug (slug.c's slug_used).
 *
 * Ownership: the memo owns the files' bytes until amemo_free.  What
 * amemo_load puts into an article is the article's own (freed by
 * article_free), except its html, text and summary: those point into
 * the memo's bytes (the article's memo_strs is set; a string ends with
 * a NUL in the file for that), so a rebuild copies none of the 100 MB
 * a 10,000-article archive holds, and the memo must outlive the
 * articles (build_free frees it after them).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <unicode/uversion.h>
#include <yaml.h>

#include "folio.h"

#define AM_MAGIC	"folio-articles 4\n"
#define AM_SLUG_MAGIC	"folio-slugs 2\n"
#define AM_SEED		0x6172746963ULL		/* checksum seed: "artic" */
#define AM_DEPTH	64			/* deepest front matter tree */

/* One record of a bucket: its key and where its bytes are in map. */
struct am_rec {
	uint64_t	 key;
	size_t		 off;
	size_t		 len;
};

struct am_bucket {
	struct fmap	 map;		/* the file, checksum dropped; owned */
	struct am_rec	*rec;		/* ascending keys; owned */
	size_t		 nrec;
	int		 found;		/* the file was there and whole */
};

struct art_memo {
	char		*dir;		/* owned */
	uint64_t	 key;		/* memo key every file must carry */
	struct am_bucket b[AM_BUCKETS];
	size_t		 nslug;		/* slugs read (handed to slug.c) */
	int		 slugs_found;
	atomic_int	 bad;		/* files there but damaged */
};

/* ---- reading ---- */

/* A cursor over a record's bytes; bad is set by the first misstep. */
struct rd {
	const unsigned char *p, *end;
	int		 bad;
};

static uint64_t
rd_var(struct rd *r)
{
	uint64_t	 v = 0;

	if (!r->bad && var_get(&r->p, r->end, 63, &v) == -1)
		r->bad = 1;
	return r->bad ? 0 : v;
}

static int
rd_int(struct rd *r)
{
	uint64_t	 v = rd_var(r);

	if (v > 1000000000)
		r->bad = 1;
	return r->bad ? 0 : (int)v;
}

/* Eight bytes, little-endian. */
static uint64_t
rd_u64(struct rd *r)
{
	uint64_t	 v;

	if (r->bad || r->end - r->p < 8) {
		r->bad = 1;
		return 0;
	}
	v = le_get(r->p, 8);
	r->p += 8;
	return v;
}

/* A str: NULL for none; *n gets its length.  Points into the bytes. */
static const char *
rd_str(struct rd *r, size_t *n)
{
	uint64_t	 v = rd_var(r);
	const char	*s;

	*n = 0;
	if (r->bad || v == 0)
		return NULL;
	if (v - 1 >= (uint64_t)(r->end - r->p) || r->p[v - 1] != '\0') {
		r->bad = 1;
		return NULL;
	}
	s = (const char *)r->p;
	*n = (size_t)(v - 1);
	r->p += *n + 1;
	return s;
}

/* A str as a new NUL-terminated string (NULL for none). */
static char *
rd_dup(struct rd *r)
{
	size_t		 n;
	const char	*s = rd_str(r, &n);

	return s != NULL ? xstrndup(s, n) : NULL;
}

/* A str where it is in the memo's bytes (NUL-terminated), or NULL. */
static char *
rd_ref(struct rd *r)
{
	size_t		 n;

	return (char *)rd_str(r, &n);	/* the memo's; never written */
}

/* A front matter node, or NULL (r->bad set) when out of place. */
static struct val *
rd_node(struct rd *r, int depth)
{
	struct val	*v;
	const char	*s;
	size_t		 i, n, len;
	uint64_t	 bits;
	int		 t;

	if (r->bad || r->p >= r->end || depth > AM_DEPTH) {
		r->bad = 1;
		return NULL;
	}
	t = *r->p++;
	if (t > V_MAP) {
		r->bad = 1;
		return NULL;
	}
	v = val_new((enum vtype)t);
	v->line = rd_int(r);
	v->col = rd_int(r);
	v->kline = rd_int(r);
	v->kcol = rd_int(r);
	switch (t) {
	case V_BOOL:
		if (r->p >= r->end || *r->p > 1)
			r->bad = 1;
		else
			v->b = *r->p++;
		break;
	case V_NUM:
	case V_STR:
		if (t == V_NUM) {
			if (r->end - r->p < 8) {
				r->bad = 1;
				break;
			}
			bits = le_get(r->p, 8);
			r->p += 8;
			memcpy(&v->num, &bits, sizeof(v->num));
		}
		if ((s = rd_str(r, &len)) == NULL) {
			r->bad = 1;
			break;
		}
		v->s = xstrndup(s, len);
		v->slen = len;
		break;
	case V_LIST:
	case V_MAP:
		n = (size_t)rd_var(r);
		if (n > (size_t)(r->end - r->p)) {	/* a byte a node at least */
			r->bad = 1;
			break;
		}
		v->kids = xreallocarray(NULL, n ? n : 1, sizeof(*v->kids));
		if (t == V_MAP)
			v->keys = xreallocarray(NULL, n ? n : 1,
			    sizeof(*v->keys));
		v->cap = n;
		for (i = 0; i < n && !r->bad; i++) {
			if (t == V_MAP && (v->keys[i] = rd_dup(r)) == NULL) {
				r->bad = 1;
				break;
			}
			if ((v->kids[i] = rd_node(r, depth + 1)) == NULL) {
				if (t == V_MAP)
					free(v->keys[i]);
				break;
			}
			v->n++;
		}
		break;
	}
	if (r->bad) {
		val_free(v);
		return NULL;
	}
	return v;
}

/*
 * A record's bytes into a (front matter, html, text, headings, body
 * line, summary).  Returns 0, or -1 (a left as it was) when they are
 * out of place.
 */
static int
rd_article(const unsigned char *p, size_t len, struct article *a)
{
	struct rd	 r = { p, p + len, 0 };
	struct article	 t;
	size_t		 i, n;

	memset(&t, 0, sizeof(t));
	t.memo_strs = 1;
	t.body_line = rd_int(&r);
	t.figures = rd_int(&r);
	t.fm = rd_node(&r, 0);
	t.html = rd_ref(&r);
	t.text = rd_ref(&r);
	t.texthash = rd_u64(&r);
	t.autosum = rd_ref(&r);
	n = (size_t)rd_var(&r);
	if (r.bad || t.figures > 1 || t.fm == NULL || t.fm->type != V_MAP ||
	    t.html == NULL ||
	    t.text == NULL || t.texthash == 0 || t.autosum == NULL ||
	    n > (size_t)(r.end - r.p))
		goto bad;
	t.heads = xcalloc(n ? n : 1, sizeof(*t.heads));
	for (i = 0; i < n && !r.bad; i++) {
		t.heads[i].level = rd_int(&r);
		t.heads[i].id = rd_dup(&r);
		t.heads[i].text = rd_dup(&r);
		t.nheads++;
		if (t.heads[i].id == NULL || t.heads[i].text == NULL ||
		    t.heads[i].level < 1 || t.heads[i].level > 6)
			r.bad = 1;
	}
	if (r.bad || r.p != r.end)
		goto bad;
	a->fm = t.fm;
	a->memo_strs = 1;
	a->html = t.html;
	a->text = t.text;
	a->texthash = t.texthash;
	a->autosum = t.autosum;
	a->heads = t.heads;
	a->nheads = t.nheads;
	a->body_line = t.body_line;
	a->figures = t.figures;
	return 0;
bad:
	t.path = NULL;
	article_free(&t);
	return -1;
}

/* The header both kinds of file start with; -1 when it is not there. */
static int
rd_head(const char *p, size_t len, const char *magic, uint64_t key,
    size_t *off, size_t *n)
{
	size_t	 m = strlen(magic);

	if (len < m + 12 || memcmp(p, magic, m) != 0 ||
	    le_get(p + m, 8) != key)
		return -1;
	*n = (size_t)le_get(p + m + 8, 4);
	*off = m + 12;
	return 0;
}

/*
 * The records of an articles file (checksum dropped) into bk, which
 * takes map.  Returns 0, or -1 (bk empty) when anything is out of
 * place.  Records' bytes are checked when used (amemo_load).
 */
static int
bucket_parse(struct am_bucket *bk, struct fmap *map, uint64_t key)
{
	struct rd	 r;
	size_t		 i, n, off;
	uint64_t	 len;

	bk->map = *map;
	memset(map, 0, sizeof(*map));
	if (rd_head(bk->map.p, bk->map.len, AM_MAGIC, key, &off, &n) == -1 ||
	    n > bk->map.len / 9)
		goto bad;
	bk->rec = xcalloc(n ? n : 1, sizeof(*bk->rec));
	r.p = (const unsigned char *)bk->map.p + off;
	r.end = (const unsigned char *)bk->map.p + bk->map.len;
	r.bad = 0;
	for (i = 0; i < n; i++) {
		if (r.end - r.p < 8)
			goto bad;
		bk->rec[i].key = le_get(r.p, 8);
		r.p += 8;
		len = rd_var(&r);
		if (r.bad || len > (uint64_t)(r.end - r.p) ||
		    (i > 0 && bk->rec[i].key <= bk->rec[i - 1].key))
			goto bad;
		bk->rec[i].off = (size_t)(r.p - (const unsigned char *)bk->map.p);
		bk->rec[i].len = (size_t)len;
		r.p += len;
	}
	if (r.p != r.end)
		goto bad;
	bk->nrec = n;
	bk->found = 1;
	return 0;
bad:
	free(bk->rec);
	bk->rec = NULL;
	bk->nrec = 0;
	file_unmap(&bk->map);
	return -1;
}

static void
pairs_free(struct slug_pair *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(p[i].from);
		free(p[i].to);
	}
	free(p);
}

/*
 * The slugs file's bytes (checksum dropped) of key key: *out gets its
 * pairs (caller owns them).  Returns how many, or -1 when anything is
 * out of place.
 */
static long
slugs_parse(const struct fmap *raw, uint64_t key, struct slug_pair **out)
{
	struct slug_pair *p;
	struct rd	 r;
	size_t		 i, n, off, tl, sl;
	const char	*t, *s;

	*out = NULL;
	if (rd_head(raw->p, raw->len, AM_SLUG_MAGIC, key, &off, &n) == -1 ||
	    n > raw->len / 2)
		return -1;
	p = xcalloc(n ? n : 1, sizeof(*p));
	r.p = (const unsigned char *)raw->p + off;
	r.end = (const unsigned char *)raw->p + raw->len;
	r.bad = 0;
	for (i = 0; i < n; i++) {
		t = rd_str(&r, &tl);
		s = rd_str(&r, &sl);
		if (r.bad || t == NULL || s == NULL ||
		    memchr(t, '\0', tl) != NULL || memchr(s, '\0', sl) != NULL)
			goto bad;
		p[i].from = xstrndup(t, tl);
		p[i].to = xstrndup(s, sl);
		if (!slug_valid(p[i].to) ||
		    (i > 0 && strcmp(p[i - 1].from, p[i].from) >= 0)) {
			i++;
			goto bad;
		}
	}
	if (r.p != r.end)
		goto bad;
	*out = p;
	return (long)n;
bad:
	pairs_free(p, i);
	return -1;
}

static char *
bucket_path(const struct art_memo *m, size_t j)
{
	return xasprintf("%s/%02zx", m->dir, j);
}

/*
 * Whether a whole file was made under another key (by another program
 * or other libraries, as after every upgrade): not read, and no word
 * said, unlike a damaged one.
 */
static int
other_key(const struct fmap *in, const char *magic, uint64_t key)
{
	size_t	 m = strlen(magic);

	return in->len >= m + 12 && memcmp(in->p, magic, m) == 0 &&
	    le_get(in->p + m, 8) != key;
}

/*
 * Map the memo file path (magic: its kind) into in.  Returns 1 when it
 * is whole and of m's key, for the caller to parse; 0 when it is not
 * there or of another key; a damaged one counts in m->bad.
 */
static int
memo_file(struct art_memo *m, const char *path, const char *magic,
    struct fmap *in)
{
	char	*why = NULL;
	int	 rc;

	if (file_map_sealed(path, AM_SEED, in, &why) == 0)
		rc = !other_key(in, magic, m->key);
	else {
		rc = 0;
		if (why == NULL)	/* there, but not whole */
			atomic_fetch_add(&m->bad, 1);
	}
	free(why);
	return rc;
}

/* par_for worker: read bucket j. */
static int
read_one(void *arg, size_t j)
{
	struct art_memo	*m = arg;
	struct fmap	 in;
	char		*path = bucket_path(m, j);

	if (memo_file(m, path, AM_MAGIC, &in) &&
	    bucket_parse(&m->b[j], &in, m->key) == -1)
		atomic_fetch_add(&m->bad, 1);
	file_unmap(&in);
	free(path);
	return 0;
}

/*
 * The memo in folder dir made under key (the program, libraries and
 * options: what parsing depends on).  Never fails: what cannot be read
 * is not there.  (--clean does not use the memo at all.)
 */
struct art_memo *
amemo_read(const char *dir, uint64_t key, int jobs)
{
	struct art_memo	*m = xcalloc(1, sizeof(*m));
	struct slug_pair *pairs;
	struct fmap	 in;
	char		*path;
	long		 got;

	m->dir = xstrdup(dir);
	m->key = key;
	(void)par_for(AM_BUCKETS, jobs, read_one, m);
	path = xasprintf("%s/slugs", dir);
	if (memo_file(m, path, AM_SLUG_MAGIC, &in)) {
		if ((got = slugs_parse(&in, m->key, &pairs)) == -1)
			m->bad++;
		else {
			slug_remember(pairs, (size_t)got);
			m->nslug = (size_t)got;
			m->slugs_found = 1;
		}
	}
	if (m->bad > 0)
		diag_warn(dir, 0, 0, "%d of its files damaged; parsing "
		    "their articles again", atomic_load(&m->bad));
	file_unmap(&in);
	free(path);
	return m;
}

/* Which bucket an article of this name (in the articles folder) is in. */
size_t
amemo_bucket(const char *name)
{
	return (size_t)(hash_mix64(hash64(name, strlen(name), 0)) %
	    AM_BUCKETS);
}

/*
 * The memo's key: the program (prog, a hash of it), the versions of the
 * libraries parsing uses, and the one option it depends on.
 */
uint64_t
amemo_key(uint64_t prog, int raw_html)
{
	UVersionInfo	 icu;
	const char	*v;
	uint64_t	 h = hash_mix64(prog ^ (uint64_t)(raw_html != 0));

	v = cmark_version_string();
	h = hash64(v, strlen(v), h);
	v = yaml_get_version_string();
	h = hash64(v, strlen(v), h);
	u_getVersion(icu);
	return hash64(icu, sizeof(icu), h);
}

static const struct am_rec *
rec_find(const struct am_bucket *bk, uint64_t key)
{
	size_t	 lo = 0, hi = bk->nrec, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (bk->rec[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < bk->nrec && bk->rec[lo].key == key ? &bk->rec[lo] : NULL;
}

/*
 * Fill a (path set) with what the memo holds for the bytes of key in
 * bucket j, and bind its front matter (fm_bind).  Returns 1 when it
 * did, 0 when the memo does not have it (a untouched).  Thread-safe.
 */
int
amemo_load(const struct art_memo *m, size_t j, uint64_t key,
    struct article *a)
{
	const struct am_rec *rc;
	struct article	 t;
	int		 rc_bind;

	if (m == NULL || j >= AM_BUCKETS ||
	    (rc = rec_find(&m->b[j], key)) == NULL)
		return 0;
	/* Into a scratch article first: a is touched only on success. */
	memset(&t, 0, sizeof(t));
	if (rd_article((const unsigned char *)m->b[j].map.p + rc->off,
	    rc->len, &t) == -1)
		return 0;
	t.path = a->path;
	/* What parsed once binds again; if a record that passed its
	 * checksum does not, the article is parsed instead, and the
	 * parse says what is wrong, if anything. */
	diag_hush(1);
	rc_bind = fm_bind(&t, 1);
	diag_hush(0);
	if (rc_bind == -1) {
		t.path = NULL;
		article_free(&t);
		return 0;
	}
	t.memo_key = a->memo_key;	/* a has only these yet (load_one) */
	*a = t;
	return 1;
}

/* Have slugs: the memo was read and held a slugs file. */
int
amemo_has_slugs(const struct art_memo *m)
{
	return m != NULL && m->slugs_found;
}

/* ---- writing ---- */

static void
put_str(struct buf *o, const char *s, size_t n)
{
	if (s == NULL) {
		buf_put_var(o, 0);
		return;
	}
	buf_put_var(o, (uint64_t)n + 1);
	buf_put(o, s, n);
	buf_putc(o, '\0');
}

static void
put_node(struct buf *o, const struct val *v)
{
	uint64_t	 bits;
	size_t		 i;

	buf_putc(o, (int)v->type);
	buf_put_var(o, (uint64_t)(v->line > 0 ? v->line : 0));
	buf_put_var(o, (uint64_t)(v->col > 0 ? v->col : 0));
	buf_put_var(o, (uint64_t)(v->kline > 0 ? v->kline : 0));
	buf_put_var(o, (uint64_t)(v->kcol > 0 ? v->kcol : 0));
	switch (v->type) {
	case V_NULL:
		break;
	case V_BOOL:
		buf_putc(o, v->b != 0);
		break;
	case V_NUM:
		memcpy(&bits, &v->num, sizeof(bits));
		le_put(o, bits, 8);
		/* FALLTHROUGH */
	case V_STR:
		put_str(o, v->s != NULL ? v->s : "", v->s != NULL ? v->slen : 0);
		break;
	case V_LIST:
	case V_MAP:
		buf_put_var(o, v->n);
		for (i = 0; i < v->n; i++) {
			if (v->type == V_MAP)
				put_str(o, v->keys[i], strlen(v->keys[i]));
			put_node(o, v->kids[i]);
		}
		break;
	}
}

/* Article a as a record's bytes (after its key and length). */
static void
put_article(struct buf *o, const struct article *a)
{
	size_t	 i;

	buf_put_var(o, (uint64_t)(a->body_line > 0 ? a->body_line : 0));
	buf_put_var(o, a->figures != 0);
	put_node(o, a->fm);
	put_str(o, a->html, strlen(a->html));
	put_str(o, a->text, strlen(a->text));
	le_put(o, art_texthash(a), 8);
	put_str(o, a->autosum, strlen(a->autosum));
	buf_put_var(o, a->nheads);
	for (i = 0; i < a->nheads; i++) {
		buf_put_var(o, (uint64_t)a->heads[i].level);
		put_str(o, a->heads[i].id, strlen(a->heads[i].id));
		put_str(o, a->heads[i].text, strlen(a->heads[i].text));
	}
}

/* An article in amemo_write's order: by bucket, then key. */
struct am_ord {
	uint64_t	 key;
	const struct article *a;
};

/* What amemo_write works from: the articles of each bucket. */
struct am_job {
	struct art_memo	 *m;
	struct am_ord	 *order;
	size_t		  start[AM_BUCKETS + 1];
};

static int
ord_cmp(const void *x, const void *y)
{
	const struct am_ord *a = x, *b = y;

	return a->key < b->key ? -1 : a->key > b->key;
}

/* par_for worker: rewrite bucket j if it would not hold the same. */
static int
write_one(void *arg, size_t j)
{
	struct am_job	 *w = arg;
	struct am_bucket *bk = &w->m->b[j];
	const struct article *a;
	const struct am_rec *r;
	struct buf	  out, rec;
	size_t		  i, n = 0, used = 0;
	uint64_t	  last = 0;
	char		 *path;
	int		  same = bk->found, rc;

	/* The same: every article was a hit and every record was used. */
	for (i = w->start[j]; i < w->start[j + 1]; i++) {
		a = w->order[i].a;
		if (i > w->start[j] && a->memo_key == last)
			continue;
		last = a->memo_key;
		n++;
		if (!a->memo_hit)
			same = 0;
		else
			used++;
	}
	if (same && used == bk->nrec)
		return 0;
	buf_init(&out);
	buf_init(&rec);
	buf_puts(&out, AM_MAGIC);
	le_put(&out, w->m->key, 8);
	le_put(&out, n, 4);
	for (i = w->start[j]; i < w->start[j + 1]; i++) {
		a = w->order[i].a;
		if (i > w->start[j] && a->memo_key == last)
			continue;
		last = a->memo_key;
		le_put(&out, a->memo_key, 8);
		/* Its bytes as read. */
		if (a->memo_hit && (r = rec_find(bk, a->memo_key)) != NULL) {
			buf_put_var(&out, r->len);
			buf_put(&out, bk->map.p + r->off, r->len);
			continue;
		}
		buf_truncate(&rec, 0);
		put_article(&rec, a);
		buf_put_var(&out, rec.len);
		buf_put(&out, rec.p, rec.len);
	}
	path = bucket_path(w->m, j);
	rc = file_write_sealed(path, &out, AM_SEED);
	free(path);
	buf_free(&out);
	buf_free(&rec);
	return rc;
}

/*
 * Keep the n articles the load stage read (memo_key and memo_hit set,
 * drafts among them) for the next build: the buckets that would not
 * read the same are written again.  bucket[i] is arts[i]'s.  Returns 0,
 * or -1 after a message.
 */
int
amemo_keep(struct art_memo *m, struct article *const *arts, size_t n,
    const size_t *bucket, int jobs)
{
	struct am_job	 w;
	size_t		 i, k, *idx;
	int		 rc = 0;

	if (mkdir_p(m->dir) == -1)
		return -1;
	memset(&w, 0, sizeof(w));
	w.m = m;
	w.order = xcalloc(n ? n : 1, sizeof(*w.order));
	idx = xcalloc(n ? n : 1, sizeof(*idx));
	bucket_order(bucket, n, AM_BUCKETS, w.start, idx);
	for (i = 0; i < n; i++) {
		w.order[i].key = arts[idx[i]]->memo_key;
		w.order[i].a = arts[idx[i]];
	}
	for (k = 0; k < AM_BUCKETS; k++)
		qsort(w.order + w.start[k], w.start[k + 1] - w.start[k],
		    sizeof(*w.order), ord_cmp);
	free(idx);
	if (par_for(AM_BUCKETS, jobs, write_one, &w) == -1)
		rc = -1;
	free(w.order);
	return rc;
}

/*
 * Keep the slugs this build asked slug_make for (titles, and the names
 * of regions, topics, organizations, reporters, source pages), unless
 * the slugs file holds just those.  Returns 0, or -1 after a message.
 */
int
amemo_keep_slugs(struct art_memo *m)
{
	struct slug_pair *s;
	struct buf	 out;
	size_t		 i, ns, nnew;
	int		 rc = 0;
	char		*path;

	ns = slug_used(&s, &nnew);
	if (diag_verbosity > 1)
		fprintf(stderr, "folio:  slug memo: %zu of %zu slugs made\n",
		    nnew, ns);
	if (!m->slugs_found || nnew > 0 || ns != m->nslug) {
		buf_init(&out);
		buf_puts(&out, AM_SLUG_MAGIC);
		le_put(&out, m->key, 8);
		le_put(&out, ns, 4);
		for (i = 0; i < ns; i++) {
			put_str(&out, s[i].from, strlen(s[i].from));
			put_str(&out, s[i].to, strlen(s[i].to));
		}
		path = xasprintf("%s/slugs", m->dir);
		rc = file_write_sealed(path, &out, AM_SEED);
		free(path);
		buf_free(&out);
	}
	free(s);
	return rc;
}

void
amemo_free(struct art_memo *m)
{
	size_t	 j;

	if (m == NULL)
		return;
	for (j = 0; j < AM_BUCKETS; j++) {
		file_unmap(&m->b[j].map);
		free(m->b[j].rec);
	}
	free(m->dir);
	free(m);
}

/* ---- for the fuzz target ---- */

/*
 * Parse bytes as an articles file or a slugs file of key key (checksum
 * already dropped); decode every article record into a scratch article
 * and check every slug.  Returns the records that decoded, -1 when
 * the file is refused.
 */
long
amemo_check(const void *p, size_t n, uint64_t key)
{
	struct slug_pair *pairs;
	struct am_bucket bk;
	struct buf	 raw;
	struct fmap	 map;
	struct article	 a;
	size_t		 i;
	long		 ok = 0;

	/* A copy of just n bytes: a sanitizer sees any read past them. */
	buf_init(&raw);
	buf_put(&raw, p, n);
	map.p = raw.p;
	map.len = raw.len;
	map.mlen = 0;
	if (n >= strlen(AM_SLUG_MAGIC) &&
	    memcmp(p, AM_SLUG_MAGIC, strlen(AM_SLUG_MAGIC)) == 0) {
		ok = slugs_parse(&map, key, &pairs);
		for (i = 0; ok > 0 && i < (size_t)ok; i++)
			if (!slug_valid(pairs[i].to) || (i > 0 &&
			    strcmp(pairs[i - 1].from, pairs[i].from) >= 0))
				abort();
		if (ok > 0)
			pairs_free(pairs, (size_t)ok);
		else
			free(pairs);
		buf_free(&raw);
		return ok;
	}
	memset(&bk, 0, sizeof(bk));
	if (bucket_parse(&bk, &map, key) == -1) {
		buf_free(&raw);
		return -1;
	}
	for (i = 0; i < bk.nrec; i++) {
		memset(&a, 0, sizeof(a));
		if (rd_article((const unsigned char *)bk.map.p + bk.rec[i].off,
		    bk.rec[i].len, &a) == 0) {
			ok++;
			article_free(&a);
		}
	}
	buf_free(&raw);
	free(bk.rec);
	return ok;
}
