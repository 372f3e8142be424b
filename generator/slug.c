/*
 * slug.c: titles -> ASCII file names.  Takes UTF-8 text, hands on a
 * lower-case pinyin slug (ICU Han-Latin, then Latin-ASCII), words joined
 * by '-', at most SLUG_MAX bytes, cut at a word boundary.  Thread-safe:
 * each thread transliterates with its own clone.
 */
#include <pthread.h>
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
	size_t	 i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nclones; i++)
		utrans_close(clones[i]);
	free(clones);
	clones = NULL;
	nclones = 0;
	if (proto != NULL)
		utrans_close(proto);
	proto = NULL;
	mine = NULL;
	pthread_mutex_unlock(&lock);
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

/*
 * Make a slug from a title: [a-z0-9] runs joined by '-', no leading or
 * trailing '-', at most max bytes, cut at a '-'.  Returns "article" when
 * nothing is left.  Caller frees.
 */
char *
slug_make(const char *title, size_t max)
{
	struct buf	 b;
	char		*t, *p;
	int		 dash = 0;

	buf_init(&b);
	t = translit(title, strlen(title));
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
