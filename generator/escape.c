/*
 * escape.c: the one escaping module.  Every byte that comes from
 * content and lands in HTML text, an attribute, a URL, a JS/JSON string,
 * XML or YAML goes through one of these (after cmark's houdini).
 * Each appends to a buf and never fails.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

/* HTML text and attribute values (quoted with "): & < > " ' */
void
esc_html(struct buf *b, const char *s, size_t n)
{
	/* The replacement of each byte that has one (most have none). */
	static const char *const rep[256] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
		['"'] = "&quot;", ['\''] = "&#39;"
	};
	size_t	 i = 0, start;

	while (i < n) {
		for (start = i; i < n && rep[(unsigned char)s[i]] == NULL; i++)
			continue;
		buf_put(b, s + start, i - start);
		if (i < n)
			buf_puts(b, rep[(unsigned char)s[i++]]);
	}
}

/*
 * The inverse of esc_html for what HTML writers produce: the named
 * references &amp; &lt; &gt; &quot; &apos; and numeric ones for ASCII;
 * anything else is kept as written.  Appends to b.
 */
void
unesc_html(struct buf *b, const char *s, size_t n)
{
	static const struct { const char *e; char c; } named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	size_t		 i, k, el;
	unsigned long	 cp;
	char		*end;
	char		 tmp[16];

	for (i = 0; i < n; i++) {
		if (s[i] != '&') {
			buf_putc(b, s[i]);
			continue;
		}
		for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
			el = strlen(named[k].e);
			if (n - i - 1 >= el && memcmp(s + i + 1, named[k].e,
			    el) == 0)
				break;
		}
		if (k < sizeof(named) / sizeof(named[0])) {
			buf_putc(b, named[k].c);
			i += strlen(named[k].e);
			continue;
		}
		if (i + 2 < n && s[i + 1] == '#') {
			size_t m = n - i - 2 < sizeof(tmp) - 1 ?
			    n - i - 2 : sizeof(tmp) - 1;

			memcpy(tmp, s + i + 2, m);
			tmp[m] = '\0';
			cp = tmp[0] == 'x' || tmp[0] == 'X' ?
			    strtoul(tmp + 1, &end, 16) : strtoul(tmp, &end, 10);
			if (*end == ';' && end > tmp && cp > 0 && cp < 0x80) {
				buf_putc(b, (int)cp);
				i += 2 + (size_t)(end - tmp);
				continue;
			}
		}
		buf_putc(b, '&');
	}
}

/* XML text and attributes: the same five, which XML 1.0 also knows. */
void
esc_xml(struct buf *b, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		/* Control characters other than tab/LF/CR are not XML. */
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r')
			continue;
		switch (s[i]) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		default: buf_putc(b, s[i]); break;
		}
	}
}

/* Percent-encode s but for ASCII letters, digits and the bytes in keep. */
static void
pct(struct buf *b, const char *s, size_t n, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c != '\0' &&
		    strchr(keep, c) != NULL))
			buf_putc(b, c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/*
 * A relative URL path: keep unreserved ASCII, '/', '.', '-', '_', '~',
 * '#', '?', '=', '&' as given and percent-encode every other byte.
 * Callers escape the result again with esc_html when it lands in an
 * attribute.
 */
void
esc_url(struct buf *b, const char *s, size_t n)
{
	pct(b, s, n, "/.-_~#?=&%");
}

/*
 * A query value (after "?q="): keep unreserved ASCII and percent-encode
 * every other byte, '&', '=', '#', '+' and '%' included.
 */
void
esc_query(struct buf *b, const char *s, size_t n)
{
	pct(b, s, n, "-._~");
}

/*
 * A JSON string body (no quotes added), also safe inside a JS string and
 * inside an HTML <script> element: '<', '>' and '&' are \u-escaped so
 * "</script>" and "<!--" cannot appear; U+2028/2029 are escaped too.
 */
void
esc_json(struct buf *b, const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, c);
		} else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == '<' || c == '>' || c == '&' ||
		    c == '\'')
			buf_printf(b, "\\u%04x", c);
		else if (c == 0xe2 && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		    (unsigned char)s[i + 2] == 0xa9)) {
			buf_printf(b, "\\u%04x",
			    (unsigned char)s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			i += 2;
		} else
			buf_putc(b, c);
	}
}

/* A double-quoted YAML scalar, quotes included. */
void
esc_yaml(struct buf *b, const char *s, size_t n)
{
	unsigned char	 c;
	size_t		 i;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, c);
		} else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, c);
	}
	buf_putc(b, '"');
}
