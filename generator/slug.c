/*
 * slug.c: titles -> ASCII file names.  Takes UTF-8 text, hands on a
 * lower-case pinyin slug (ICU Han-Latin, then Latin-ASCII), words joined
 * by '-', at most SLUG_MAX bytes, cut at a word boundary.  Thread-safe:
 * each thread transliterates with its own clone.
 *
 * ICU takes ~0.1 ms a title, most of a big archive's load stage, so a
 * title of Han characters and punctuation only is spelled a character
 * at a time from a per-thread table of what ICU says for each alone.
 * That is exact: Han-Latin reads each character alone except the few
 * its rules give a context ({重}庆, {沈}阳 ...), which are read from the
 * rules at start and send a title the slow way, as do letters, digits
 * and anything else.  t-unit checks both ways agree.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utrans.h>
#include <unicode/ustring.h>

#include "folio.h"

/*
 * One transliterator per thread, cloned from a prototype (opening one
 * costs milliseconds, and one is not safe to share).  Every clone is
 * kept on a list so slug_cleanup() can close them all at exit.
 */
static UTransliterator	*proto;		/* opened once; guarded by lock */
static UTransliterator	**clones;	/* every thread's copy; guarded */
static size_t		 nclones;	/* entries in clones */
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local UTransliterator *mine;	/* this thread's copy */

#define HAN_LO	0x3400		/* the characters spelled from a table: */
#define HAN_HI	0x9fff		/* CJK Extension A and Unified Ideographs */
#define NHAN	(HAN_HI - HAN_LO + 1)

static char		**spell_tabs[64];	/* every thread's table; guarded */
static size_t		  nspell;		/* entries in spell_tabs */
static _Thread_local char **spell;	/* this thread's: cp -> ICU alone */
static uint32_t		*ctxch;		/* read in context by the rules */
static size_t		  nctxch;		/* entries in ctxch, sorted */
static pthread_once_t	  ctx_once = PTHREAD_ONCE_INIT;

static UTransliterator *
get_trans(void)
{
	static const char	 id[] = "Han-Latin; Latin-ASCII; Any-Lower";
	UChar			 uid[64];
	UErrorCode		 e = U_ZERO_ERROR;

	if (mine != NULL)
		return mine;
	pthread_mutex_lock(&lock);
	if (proto == NULL) {
		u_uastrcpy(uid, id);
		proto = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL,
		    &e);
		if (U_FAILURE(e))
			errx_fatal("ICU transliterator %s: %s", id,
			    u_errorName(e));
	}
	mine = utrans_clone(proto, &e);
	if (U_FAILURE(e))
		errx_fatal("ICU transliterator clone: %s", u_errorName(e));
	clones = xreallocarray(clones, nclones + 1, sizeof(*clones));
	clones[nclones++] = mine;
	pthread_mutex_unlock(&lock);
	return mine;
}

/* Close every transliterator (at exit, for leak checkers). */
void
slug_cleanup(void)
{
	size_t	 i, j;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nclones; i++)
		utrans_close(clones[i]);
	free(clones);
	clones = NULL;
	nclones = 0;
	if (proto != NULL)
		utrans_close(proto);
	proto = NULL;
	for (i = 0; i < nspell; i++) {
		for (j = 0; j < NHAN; j++)
			free(spell_tabs[i][j]);
		free(spell_tabs[i]);
	}
	nspell = 0;
	spell = NULL;
	mine = NULL;
	pthread_mutex_unlock(&lock);
	slug_forget();
}

/* Transliterate UTF-8 s to ASCII-ish UTF-8; caller frees. */
static char *
translit(const char *s, size_t n)
{
	UErrorCode	 e = U_ZERO_ERROR;
	UChar		*u;
	int32_t		 ulen, cap, limit;
	char		*out;
	int32_t		 olen;

	cap = (int32_t)n * 8 + 16;
	u = xcalloc((size_t)cap, sizeof(UChar));
	u_strFromUTF8(u, cap, &ulen, s, (int32_t)n, &e);
	if (U_FAILURE(e)) {
		free(u);
		return xstrdup("");
	}
	limit = ulen;
	utrans_transUChars(get_trans(), u, &ulen, cap, 0, &limit, &e);
	if (U_FAILURE(e)) {
		free(u);
		return xstrdup("");
	}
	e = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &olen, u, ulen, &e);
	e = U_ZERO_ERROR;
	out = xmalloc((size_t)olen + 1);
	u_strToUTF8(out, olen + 1, NULL, u, ulen, &e);
	out[olen] = '\0';
	free(u);
	return out;
}

/* The characters Han-Latin's rules read in context: those in {...}. */
static void
ctx_load(void)
{
	static const char	 id[] = "Han-Latin";
	UChar			 uid[16], *r;
	UErrorCode		 e = U_ZERO_ERROR;
	UTransliterator		*t;
	int32_t			 n, i;
	int			 in = 0;

	u_uastrcpy(uid, id);
	t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
	if (U_FAILURE(e))
		errx_fatal("ICU transliterator %s: %s", id, u_errorName(e));
	n = utrans_toRules(t, 0, NULL, 0, &e);
	e = U_ZERO_ERROR;
	r = xcalloc((size_t)n + 1, sizeof(*r));
	utrans_toRules(t, 0, r, n + 1, &e);
	utrans_close(t);
	for (i = 0; i < n && U_SUCCESS(e); i++) {
		if (r[i] == '{' || r[i] == '}')
			in = r[i] == '{';
		else if (in) {
			uint32_t cp = r[i];

			if (U16_IS_LEAD(r[i]) && i + 1 < n &&
			    U16_IS_TRAIL(r[i + 1])) {
				cp = U16_GET_SUPPLEMENTARY(r[i], r[i + 1]);
				i++;
			}
			ctxch = xreallocarray(ctxch, nctxch + 1,
			    sizeof(*ctxch));
			ctxch[nctxch++] = cp;
		}
	}
	free(r);
	if (nctxch > 1)
		qsort(ctxch, nctxch, sizeof(*ctxch), u32_cmp);
}

/* Punctuation Han-Latin; Latin-ASCII turns into no letter or digit. */
static int
is_punct(uint32_t c)
{
	return (c < 0x80 && !(c >= '0' && c <= '9') &&
	    !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z')) ||
	    c == 0xb7 || (c >= 0x2010 && c <= 0x2027) ||
	    (c >= 0x3000 && c <= 0x3006) || (c >= 0x3008 && c <= 0x3011) ||
	    (c >= 0x3014 && c <= 0x301f) || (c >= 0xff01 && c <= 0xff0f) ||
	    (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
	    (c >= 0xff5b && c <= 0xff65);
}

/*
 * Spell t (Han and punctuation only) a character at a time into b,
 * space-separated.  Returns 0, or -1 when t has anything else.
 */
static int
spell_fast(const char *t, struct buf *b)
{
	size_t		 off, len = strlen(t), k;
	uint32_t	 cp;
	char		 one[5];

	pthread_once(&ctx_once, ctx_load);
	for (off = 0; off < len; off += k) {
		k = utf8_decode(t + off, len - off, &cp);
		if (is_punct(cp)) {
			buf_putc(b, ' ');
			continue;
		}
		if (cp < HAN_LO || cp > HAN_HI || bsearch(&cp, ctxch, nctxch,
		    sizeof(*ctxch), u32_cmp) != NULL)
			return -1;
		if (spell == NULL) {
			spell = xcalloc(NHAN, sizeof(*spell));
			pthread_mutex_lock(&lock);
			if (nspell == sizeof(spell_tabs) / sizeof(*spell_tabs))
				errx_fatal("slug: too many threads");
			spell_tabs[nspell++] = spell;
			pthread_mutex_unlock(&lock);
		}
		if (spell[cp - HAN_LO] == NULL) {
			memcpy(one, t + off, k);
			spell[cp - HAN_LO] = translit(one, k);
		}
		buf_putc(b, ' ');
		buf_puts(b, spell[cp - HAN_LO]);
	}
	return 0;
}

/*
 * Make a slug from a title: [a-z0-9] runs joined by '-', no leading or
 * trailing '-', at most max bytes, cut at a '-'.  Returns "article" when
 * nothing is left.  Caller frees.
 */
static char *
make(const char *title, size_t max, int icu_only)
{
	struct buf	 b, sp;
	char		*t, *p;
	int		 dash = 0;

	buf_init(&b);
	buf_init(&sp);
	if (!icu_only && spell_fast(title, &sp) == 0)
		t = buf_take(&sp);
	else {
		buf_free(&sp);
		t = translit(title, strlen(title));
	}
	for (p = t; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && b.len)
				buf_putc(&b, '-');
			dash = 0;
			buf_putc(&b, c);
		} else if (c >= 'A' && c <= 'Z') {
			if (dash && b.len)
				buf_putc(&b, '-');
			dash = 0;
			buf_putc(&b, c - 'A' + 'a');
		} else
			dash = 1;
	}
	free(t);
	if (b.len > max) {
		p = b.p + max;
		while (p > b.p && *p != '-')
			p--;
		buf_truncate(&b, p > b.p ? (size_t)(p - b.p) : max);
	}
	if (b.len == 0)
		buf_puts(&b, "article");
	return buf_take(&b);
}

/*
 * Ready what every slug needs (Han-Latin's rules: ICU compiles them the
 * first time, 0.1-0.2 s), so that a caller can do it beside other work.
 */
void
slug_warm(void)
{
	pthread_once(&ctx_once, ctx_load);
}

/*
 * Slugs an earlier build made (artmemo.c keeps them): slug_make answers
 * from them before asking ICU, whose setup alone costs a third of a
 * second, and notes which it used and what it made, so the memo keeps
 * just this build's.  known is read-only while threads slug; used[] is
 * set with atomics, made[] under the lock.
 */
static struct slug_pair	*known;		/* sorted by from; owned */
static size_t		 nknown;
static atomic_uchar	*used;		/* used[i]: known[i] asked for */
static struct slug_pair	*made;		/* made by ICU this run; guarded */
static size_t		 nmade, capmade;

static int
pair_cmp(const void *x, const void *y)
{
	return strcmp(((const struct slug_pair *)x)->from,
	    ((const struct slug_pair *)y)->from);
}

/*
 * Take the n slugs of p (sorted by from, each from once; the strings
 * and the array become slug.c's) as made by slug_make(from, SLUG_MAX).
 * Call before any thread slugs.
 */
void
slug_remember(struct slug_pair *p, size_t n)
{
	slug_forget();
	known = p;
	nknown = n;
	used = xcalloc(n ? n : 1, sizeof(*used));
}

/* Drop what slug_remember took and what was made since. */
void
slug_forget(void)
{
	size_t	 i;

	for (i = 0; i < nknown; i++) {
		free(known[i].from);
		free(known[i].to);
	}
	free(known);
	free(used);
	pthread_mutex_lock(&lock);
	for (i = 0; i < nmade; i++) {
		free(made[i].from);
		free(made[i].to);
	}
	free(made);
	made = NULL;
	nmade = capmade = 0;
	pthread_mutex_unlock(&lock);
	known = NULL;
	used = NULL;
	nknown = 0;
}

/*
 * The slugs of SLUG_MAX asked for since slug_remember, each once, sorted
 * by from: a new array of borrowed pairs (caller frees the array); *nnew
 * gets how many of them ICU made.
 */
size_t
slug_used(struct slug_pair **out, size_t *nnew)
{
	struct slug_pair *p;
	size_t		  i, k, n = 0, nold;

	pthread_mutex_lock(&lock);
	p = xcalloc(nknown + nmade + 1, sizeof(*p));
	for (i = 0; i < nknown; i++)
		if (atomic_load(&used[i]))
			p[n++] = known[i];
	nold = n;
	for (i = 0; i < nmade; i++)
		p[n++] = made[i];
	pthread_mutex_unlock(&lock);
	qsort(p, n, sizeof(*p), pair_cmp);
	for (i = k = 0; i < n; i++)	/* one text made many times */
		if (k == 0 || strcmp(p[k - 1].from, p[i].from) != 0)
			p[k++] = p[i];
	*nnew = k - nold;	/* a made one is never a known one */
	*out = p;
	return k;
}

/* The pair an earlier build made for s, or NULL.  Read-only. */
static struct slug_pair *
known_pair(const char *s)
{
	struct slug_pair  k;

	k.from = (char *)s;
	return nknown > 0 ? bsearch(&k, known, nknown, sizeof(*known),
	    pair_cmp) : NULL;
}

/*
 * Has an earlier build made the slug of s (so slug_make will not need
 * ICU for it)?  1 if so.  Read-only: safe while threads slug.
 */
int
slug_known(const char *s)
{
	return known_pair(s) != NULL;
}

char *
slug_make(const char *title, size_t max)
{
	struct slug_pair *hit;
	char		 *s;

	if (max != SLUG_MAX)
		return make(title, max, 0);
	if ((hit = known_pair(title)) != NULL) {
		atomic_store(&used[hit - known], 1);
		return xstrdup(hit->to);
	}
	s = make(title, max, 0);
	pthread_mutex_lock(&lock);
	if (nmade == capmade) {
		capmade = capmade ? capmade * 2 : 64;
		made = xreallocarray(made, capmade, sizeof(*made));
	}
	made[nmade].from = xstrdup(title);
	made[nmade++].to = xstrdup(s);
	pthread_mutex_unlock(&lock);
	return s;
}

/* The same by ICU alone: what slug_make must agree with (tests). */
char *
slug_make_icu(const char *title, size_t max)
{
	return make(title, max, 1);
}

/*
 * Is s acceptable as a user-given slug?  [a-z0-9-_] only (upper case
 * too), no leading '-' or '.', 1..SLUG_MAX bytes.  Returns 1 if so.
 */
int
slug_valid(const char *s)
{
	size_t	 n = 0;

	if (*s == '\0' || *s == '-')
		return 0;
	for (; *s; s++, n++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return n <= SLUG_MAX;
}
