/*
 * buf.c: the one growable byte buffer (after cmark's strbuf, curl's dynbuf).
 * Init cannot fail: an empty buffer points at a static "".  Growth past
 * BUF_MAX or out of memory is fatal.  Hands bytes on with buf_take().
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

static char empty[1];

void
buf_init(struct buf *b)
{
	b->p = empty;
	b->len = 0;
	b->cap = 0;
}

void
buf_grow(struct buf *b, size_t add)
{
	size_t	 need, ncap;

	if (add >= BUF_MAX - b->len)
		errx_fatal("buffer exceeds %zu bytes", (size_t)BUF_MAX);
	need = b->len + add + 1;
	if (need <= b->cap)
		return;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap += ncap / 2;
	if (b->cap == 0) {
		b->p = xmalloc(ncap);
		b->p[0] = '\0';
	} else
		b->p = xrealloc(b->p, ncap);
	b->cap = ncap;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len <= n)	/* cap is 0 or > len: no wrap */
		buf_grow(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	if (b->cap - b->len <= 1)
		buf_grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

/* v as a LEB128 varint: 7 bits a byte, low first, high bit = more. */
void
buf_put_var(struct buf *b, uint64_t v)
{
	if (b->cap - b->len < 12)
		buf_grow(b, 11);
	while (v >= 0x80) {
		b->p[b->len++] = (char)(v | 0x80);
		v >>= 7;
	}
	b->p[b->len++] = (char)v;
	b->p[b->len] = '\0';
}

/* Append v in decimal, without printf (hot paths: manifest, pages). */
void
buf_put_dec(struct buf *b, unsigned long long v)
{
	char	 d[24];

	buf_put(b, d, fmt_dec(d, v));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	/* Once, into the room there is; again only when it is short. */
	if (b->cap == 0)
		buf_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		errx_fatal("vsnprintf failed");
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

char *
buf_take(struct buf *b)
{
	char	*p;

	p = b->cap ? b->p : xstrdup("");
	buf_init(b);
	return p;
}

void
buf_free(struct buf *b)
{
	if (b->cap)
		free(b->p);
	buf_init(b);
}
