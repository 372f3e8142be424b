/*
 * import.c: the import stage (folio import).  Takes raw text dumps of
 * printed newspaper pages (content/pages/NAME.txt), splits each page into
 * its articles and hands on one Markdown file with YAML front matter per
 * article (content/articles/<slug>.md) plus a report of every line.
 *
 * READING A PAGE
 *   Input is UTF-8 with or without a BOM, LF or CRLF line ends, with or
 *   without Markdown "##"/"###" marks (they are ignored: the same page in
 *   any of these forms gives byte-identical articles).  Each line is one
 *   of: blank; a title "PLACE：HEADLINE"; a byline "■..."; a page-jump
 *   marker "(上接B10版)" / "（下转B15版）" (half- or full-width
 *   brackets); a photo caption (a line ending in a credit such as
 *   "…供图" / "…摄", or a line standing after two or more blank lines);
 *   a credit line under a caption; a subheading (short, no sentence
 *   punctuation, not right after another subheading); or paragraph text.
 *   Paragraphs broken by the layout are joined: a line that does not end
 *   a sentence continues in the next text line of the same article, over
 *   blank lines, captions and jump markers, and over a foreign fragment
 *   only when jump markers bracket it.
 *
 * WHERE TEXT GOES
 *   Text belongs to the article whose title precedes it, unless its
 *   content says otherwise: pieces after a "上接" marker (up to the next
 *   "下转" or title) and pieces that name another article's place or
 *   share far more distinctive words (Han bigrams found in one article
 *   only) with it are moved there.  A subheading goes with the text that
 *   follows it; a caption goes to the article whose place it names.  An
 *   article's own text reads from its title on; pieces of it found
 *   earlier on the page follow, in page order.  A line repeating another
 *   line (exactly, or cut short), together with the matching tail of the
 *   line before it, is a repeated passage: the complete copy, or the one
 *   that fits its surroundings better, is kept, the other dropped.
 *
 * OUTPUT
 *   Front matter: title, place, region (province, prefecture, county;
 *   full names), byline, organization or authors, photos (caption,
 *   credit), source (file, page: jump-marker labels, lines: the source
 *   lines used, as "3-33,125"), import.fingerprint (FNV-1a 64 of the
 *   file's bytes without the fingerprint line, 16 hex digits).  Body:
 *   paragraphs one per line, "## heading" for subheadings, and each
 *   photo as exactly
 *       <figure class="photo">
 *       <figcaption>CAPTION<small>CREDIT</small></figcaption>
 *       </figure>
 *   (text through esc_html; <small> left out without a credit) where
 *   the caption stood, or at the end of the article it was moved to.  A
 *   credit at the end of a paragraph, "（图片由…提供）", is taken out
 *   of the paragraph and given to the article's photo without a credit.
 *   An existing file whose fingerprint no longer matches its bytes was
 *   edited by hand and is not overwritten without --force.  Files are
 *   written atomically (file_write_atomic).
 *
 * THE REPORT (--report FILE, YAML)
 *   pages:                         one item per page, in argument order
 *     - file: "000_x.txt"
 *       articles:                  in page order
 *         - {slug: "...", title: "...", lines: "3-33,125", blocks: N}
 *       lines:                     every non-blank source line, in order
 *         - {line: 7, kind: "paragraph", article: "slug", block: 1}
 *         - {line: 127, kind: "jump", dropped: "page-jump marker ..."}
 *           (a line partly dropped has both article/block and dropped,
 *           with text: the dropped part)
 *       dropped:                   what is not in any article, and why
 *         - {line: 127, text: "(上接B10版)", reason: "page-jump ..."}
 *       warnings:                  what looks damaged
 *         - {line: 87, message: "text cut mid-sentence ..."}
 *       summary: {articles: 3, joined: 12, captions: 2, moved: 4,
 *                 duplicates: 2, warnings: 3}
 *   "block" counts the body's blocks from 1 (0: front matter).  Every
 *   character of every non-blank line is in an article or in "dropped".
 *   --dump prints the same plan, one line per source line, to stdout and
 *   writes nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "folio.h"

#define MAXLINES	1000000	/* a page has far fewer; more is not a page */
#define MAXARTS_SCORE	200	/* above this, no content scoring (time) */
#define BG_LINE_MAX	16384	/* bytes of a line that feed its bigrams */
#define TITLE_PLACE_MAX	90	/* bytes before the colon of a title */
#define HEAD_MAX	32	/* characters in a subheading */
#define CAPTION_MAX	200	/* characters in a caption */
#define CREDIT_MAX	40	/* characters in a credit */

enum lkind {
	L_BLANK,	/* nothing but white space */
	L_TITLE,	/* PLACE：HEADLINE */
	L_BYLINE,	/* ■ organization or reporters */
	L_JUMP,		/* page-jump marker */
	L_CAPTION,	/* photo caption, maybe with its credit */
	L_CREDIT,	/* credit line under a caption */
	L_HEADING,	/* subheading */
	L_TEXT		/* paragraph text */
};

static const char *const kind_name[] = {
	"blank", "title", "byline", "jump", "caption", "credit", "heading",
	"paragraph"
};

struct iline {
	int		 no;	/* source line number, 1-based */
	const char	*s;	/* trimmed text without marks; borrowed from plan->text */
	size_t		 len;	/* bytes in s */
	enum lkind	 kind;	/* what the line is */
	int		 blanks;/* blank lines just before it */
	int		 home;	/* article whose title precedes it, -1 none */
	int		 art;	/* article it goes to, -1: dropped */
	int		 block;	/* body block (1-based) in art, 0 front matter */
	size_t		 keep;	/* bytes of s kept; the rest is dropped */
	size_t		 cap;	/* caption bytes at s (L_CAPTION) */
	size_t		 crd;	/* offset of a credit in s, or 0 */
	size_t		 crdlen;/* bytes of that credit, 0 none */
	int		 up;	/* L_JUMP: 1 "上接", 0 "下转" */
	char		 label[16]; /* L_JUMP: page label, ASCII */
	int		 zone;	/* jump zone id + 1, 0 none */
	int		 moved;	/* 1 if art differs from home */
	int		 dropped;/* 1 if the whole line is dropped */
	const char	*why;	/* reason it or its tail is dropped; static */
	int		 dupof;	/* source line it repeats, 0 */
};

enum bkind {
	B_PARA,		/* paragraph */
	B_HEAD,		/* "## heading" */
	B_FIG		/* photo caption */
};

struct iblock {
	enum bkind	 kind;	/* what it is */
	struct buf	 text;	/* joined text or caption; owned */
	struct buf	 credit;/* B_FIG credit; owned */
	int		 last;	/* index of its last source line */
	int		 open;	/* B_PARA: ends mid-sentence */
};

struct iart {
	int		 title;	/* line index of its title */
	int		 byline;/* line index of its byline, -1 */
	char		*place;	/* text before the colon; owned */
	char		*head;	/* headline; owned */
	char		*by;	/* byline without ■; owned, or NULL */
	char		*org;	/* organization, owned, or NULL */
	char		*authors[16]; /* reporters, owned */
	size_t		 nauthors; /* entries in authors */
	struct gaz_region reg;	/* region names, static */
	char		*keys[6];/* place names to look for in text; owned */
	size_t		 nkeys;	/* entries in keys */
	struct iblock	*blocks;/* body blocks in order; owned */
	size_t		 nblocks;/* entries in blocks */
	char		 labels[8][16]; /* page labels from jump markers */
	size_t		 nlabels;/* entries in labels */
	char		*slug;	/* file name without .md; owned */
	char		*pending;/* credit waiting for a photo; owned or NULL */
};

struct iwarn {
	int		 line;	/* source line */
	char		*msg;	/* owned */
};

struct imp_plan {
	char		*path;	/* as given; owned */
	char		*text;	/* the page, NUL-terminated; owned */
	struct iline	*lines;	/* every source line; owned */
	size_t		 nlines;/* entries in lines */
	struct iart	*arts;	/* articles in page order; owned */
	size_t		 narts;	/* entries in arts */
	struct iwarn	*warns;	/* warnings in line order; owned */
	size_t		 nwarns;/* entries in warns */
	size_t		 njoined;/* line joins made */
	size_t		 ncaptions;/* photos */
	size_t		 nmoved;/* lines moved to another article */
	size_t		 ndups;	/* repeated passages dropped */
};

/* ---- small UTF-8 helpers ---- */

/* Code point at s (n bytes left); *k gets its length. */
static uint32_t
cp_at(const char *s, size_t n, size_t *k)
{
	uint32_t	 c;

	*k = utf8_decode(s, n, &c);
	return c;
}

/* Code point ending at s + n (the last one), its length in *k. */
static uint32_t
cp_last(const char *s, size_t n, size_t *k)
{
	size_t	 i = n;

	if (n == 0) {
		*k = 0;
		return 0;
	}
	i = n - 1;
	while (i > 0 && n - i < 4 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	*k = n - i;
	return cp_at(s + i, n - i, k);
}

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0xa0 ||
	    c == 0xfeff || c == '\r' || c == '\v' || c == '\f';
}

static int
is_han(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

/* Sentence-final punctuation. */
static int
is_final(uint32_t c)
{
	return c == 0x3002 || c == 0xff01 || c == 0xff1f || c == '!' ||
	    c == '?' || c == 0x2026 || c == 0xff0e;
}

/* Punctuation a subheading never contains. */
static int
is_clause(uint32_t c)
{
	return is_final(c) || c == 0xff0c || c == 0xff1b || c == 0xff1a ||
	    c == 0x3001 || c == ',' || c == ';' || c == ':';
}

static int
is_close(uint32_t c)
{
	return c == 0x201d || c == 0x2019 || c == 0xff09 || c == ')' ||
	    c == 0x300b || c == 0x300d || c == 0x300f || c == '"';
}

/* Does s end a sentence?  "。", "！", "？", "…", or one of them
 * followed by closing quotes/brackets. */
static int
ends_sentence(const char *s, size_t n)
{
	uint32_t	 c;
	size_t		 k;

	while (n > 0) {
		c = cp_last(s, n, &k);
		if (is_final(c))
			return 1;
		if (!is_close(c))
			return 0;
		n -= k;
	}
	return 0;
}

static int
starts_with(const char *s, size_t n, const char *p)
{
	size_t	 l = strlen(p);

	return n >= l && memcmp(s, p, l) == 0;
}

static int
ends_with(const char *s, size_t n, const char *p)
{
	size_t	 l = strlen(p);

	return n >= l && memcmp(s + n - l, p, l) == 0;
}

/* First occurrence of p (m bytes) in s (n bytes), or NULL. */
static const char *
find(const char *s, size_t n, const char *p, size_t m)
{
	size_t	 i;

	if (m == 0 || m > n)
		return NULL;
	for (i = 0; i + m <= n; i++)
		if (s[i] == p[0] && memcmp(s + i, p, m) == 0)
			return s + i;
	return NULL;
}

/* Trim white space (ASCII, U+3000, NBSP, BOM) at both ends. */
static void
trim(const char **s, size_t *n)
{
	uint32_t	 c;
	size_t		 k;

	while (*n > 0) {
		c = cp_at(*s, *n, &k);
		if (!is_space(c))
			break;
		*s += k;
		*n -= k;
	}
	while (*n > 0) {
		c = cp_last(*s, *n, &k);
		if (!is_space(c))
			break;
		*n -= k;
	}
}

static void
warn(struct imp_plan *p, int line, const char *fmt, ...) PRINTFLIKE(3, 4);

static void
warn(struct imp_plan *p, int line, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		 tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_init(&b);
	buf_puts(&b, tmp);
	p->warns = xreallocarray(p->warns, p->nwarns + 1, sizeof(*p->warns));
	p->warns[p->nwarns].line = line;
	p->warns[p->nwarns].msg = buf_take(&b);
	p->nwarns++;
}

/* A short quote of s for messages: up to 8 characters from the end
 * (tail) or the start. */
static void
quote(char *dst, size_t sz, const char *s, size_t n, int tail)
{
	size_t	 i, c = 0, start = 0, end = n;

	if (tail) {
		for (i = n; i > 0 && c < 8; i--)
			if (((unsigned char)s[i - 1] & 0xc0) != 0x80)
				c++;
		start = i;
	} else {
		for (i = 0; i < n && c <= 8; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80 && ++c > 8)
				break;
		end = i;
	}
	snprintf(dst, sz, "%s%.*s%s", tail && start > 0 ? "…" : "",
	    (int)(end - start), s + start, !tail && end < n ? "…" : "");
}

/* ---- line classification ---- */

/*
 * A page-jump marker at s: optional bracket, 上接/下转 (or 接/转),
 * optional 第, a label like B10, 版, optional bracket.  Returns the
 * bytes it spans (0 if none); fills *up and label.
 */
static size_t
jump_at(const char *s, size_t n, int *up, char *label, size_t lsz)
{
	size_t	 i = 0, k, l = 0;
	uint32_t c;
	int	 open = 0;

	c = cp_at(s, n, &k);
	if (c == '(' || c == 0xff08 || c == 0x3014 || c == '[' ||
	    c == 0x3010) {
		open = 1;
		i += k;
	}
	if (starts_with(s + i, n - i, "上接") ||
	    starts_with(s + i, n - i, "接上")) {
		*up = 1;
		i += 6;
	} else if (starts_with(s + i, n - i, "下转") ||
	    starts_with(s + i, n - i, "转下")) {
		*up = 0;
		i += 6;
	} else if (starts_with(s + i, n - i, "接")) {
		*up = 1;
		i += 3;
	} else if (starts_with(s + i, n - i, "转")) {
		*up = 0;
		i += 3;
	} else
		return 0;
	if (starts_with(s + i, n - i, "第"))
		i += 3;
	while (i < n && l + 1 < lsz) {
		c = cp_at(s + i, n - i, &k);
		if (c >= 0xff10 && c <= 0xff19)
			c = '0' + (c - 0xff10);
		else if (c >= 0xff21 && c <= 0xff3a)
			c = 'A' + (c - 0xff21);
		else if (c >= 0xff41 && c <= 0xff5a)
			c = 'A' + (c - 0xff41);
		if (c < 0x80 && isalnum((unsigned char)c)) {
			label[l++] = (char)toupper((unsigned char)c);
			i += k;
		} else
			break;
	}
	label[l] = '\0';
	if (l == 0 || !starts_with(s + i, n - i, "版"))
		return 0;
	i += 3;
	if (i < n) {
		c = cp_at(s + i, n - i, &k);
		if (c == ')' || c == 0xff09 || c == 0x3015 || c == ']' ||
		    c == 0x3011)
			i += k;
		else if (open)
			return 0;
	}
	return i;
}

/*
 * A credit at the end of s: "…供图", "…摄" or a bracketed
 * "（图片由…提供）".  Returns 1 and sets *off and *len to the credit
 * (brackets excluded) and *cut to where the text before it ends.
 * Bare credits ("…供图") if bare is set, else bracketed ones.
 */
static int
credit_at_end(const char *s, size_t n, int bare, size_t *cut, size_t *off,
    size_t *len)
{
	size_t	 i, k, start;
	uint32_t c;

	if (!bare && n >= 6 && (ends_with(s, n, "）") || ends_with(s, n, ")"))) {
		size_t	 close = ends_with(s, n, "）") ? 3 : 1;

		for (i = n - close; i > 0 && n - i < CREDIT_MAX * 3; i--) {
			if (starts_with(s + i - 1, n - i + 1, "(") ||
			    (i >= 3 && starts_with(s + i - 3, n - i + 3, "（"))) {
				start = s[i - 1] == '(' ? i - 1 : i - 3;
				if (!starts_with(s + i, n - i, "图"))
					return 0;
				*cut = start;
				*off = i;
				*len = n - close - i;
				while (*cut > 0 && is_space(cp_last(s, *cut, &k)))
					*cut -= k;
				return *len > 0;
			}
		}
		return 0;
	}
	if (!bare)
		return 0;
	if (!ends_with(s, n, "供图") && !ends_with(s, n, "摄") &&
	    !ends_with(s, n, "摄影"))
		return 0;
	/* The credit starts after the last sentence end or space. */
	for (i = n; i > 0; i = i - k) {
		c = cp_last(s, i, &k);
		if (is_space(c) || is_final(c) || is_close(c))
			break;
		if (is_clause(c))
			return 0;
		if (n - i > CREDIT_MAX * 3)
			return 0;
	}
	*off = i;
	while (*off < n && is_space(cp_at(s + *off, n - *off, &k)))
		*off += k;
	*len = n - *off;
	*cut = i;
	while (*cut > 0 && is_space(cp_last(s, *cut, &k)))
		*cut -= k;
	return utf8_count(s + *off, *len) >= 3;
}

static int
is_admin_suffix(const char *s, size_t n)
{
	static const char *const sufs[] = {
		"省", "市", "县", "区", "州", "旗", "盟", "镇", "乡", "村",
		"街道", "社区", "自治区", "开发区", "新区", "园区", NULL
	};
	size_t	 i;

	for (i = 0; sufs[i] != NULL; i++)
		if (ends_with(s, n, sufs[i]))
			return 1;
	return 0;
}

/*
 * Is s a title "PLACE：HEADLINE"?  Returns 1 and the colon's offset and
 * length.  The byline test is done by the caller.
 */
static int
title_shape(const char *s, size_t n, size_t *colon, size_t *clen)
{
	size_t	 i, k, pl;
	uint32_t c;
	const char *h;
	size_t	 hl;

	for (i = 0; i < n && i <= TITLE_PLACE_MAX; i += k) {
		c = cp_at(s + i, n - i, &k);
		if (c == 0xff1a || c == ':')
			break;
		if (is_clause(c) || is_close(c) || c == 0x201c || c == 0x300a ||
		    c == 0xff08 || c == '(' || is_space(c) || c == 0x25a0)
			return 0;
	}
	if (i >= n || i > TITLE_PLACE_MAX)
		return 0;
	pl = i;
	if (utf8_count(s, pl) < 2 || (!is_admin_suffix(s, pl) &&
	    !gaz_is_province(s, pl)))
		return 0;
	*colon = i;
	*clen = k;
	h = s + i + k;
	hl = n - i - k;
	trim(&h, &hl);
	if (hl == 0 || utf8_count(h, hl) > 60 || ends_sentence(h, hl) ||
	    find(h, hl, "。", 3) != NULL)
		return 0;
	return 1;
}

/* Split the page into lines: BOM, CR, marks and white space go. */
static int
split_lines(struct imp_plan *p, size_t len)
{
	char		*t = p->text;
	size_t		 i = 0, e, n;
	const char	*s;
	struct iline	*l;

	if (len >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i <= len) {
		if (i == len && (len == 0 || t[len - 1] == '\n' ||
		    t[len - 1] == '\r'))
			break;
		for (e = i; e < len && t[e] != '\n' && t[e] != '\r'; e++)
			;
		if (p->nlines >= MAXLINES) {
			diag_err(p->path, 0, 0, "more than %d lines: not a "
			    "page dump", MAXLINES);
			return -1;
		}
		p->lines = xreallocarray(p->lines, p->nlines + 1,
		    sizeof(*p->lines));
		l = &p->lines[p->nlines];
		memset(l, 0, sizeof(*l));
		l->no = (int)p->nlines + 1;
		s = t + i;
		n = e - i;
		trim(&s, &n);
		/* Markdown heading marks: "#", "##", "###" and a space. */
		if (n > 0 && s[0] == '#') {
			size_t	 h = 0, k;

			while (h < n && h < 7 && s[h] == '#')
				h++;
			if (h <= 6 && h < n && is_space(cp_at(s + h, n - h, &k))) {
				s += h;
				n -= h;
				trim(&s, &n);
			}
		}
		l->s = s;
		l->len = n;
		l->keep = n;
		l->kind = n == 0 ? L_BLANK : L_TEXT;
		l->home = l->art = -1;
		p->nlines++;
		if (e < len && t[e] == '\r' && e + 1 < len && t[e + 1] == '\n')
			e++;
		i = e + 1;
	}
	return 0;
}

/* Next/previous non-blank line index from i (exclusive), or -1. */
static int
next_nb(const struct imp_plan *p, int i)
{
	for (i++; i < (int)p->nlines; i++)
		if (p->lines[i].kind != L_BLANK)
			return i;
	return -1;
}

static int
prev_nb(const struct imp_plan *p, int i)
{
	for (i--; i >= 0; i--)
		if (p->lines[i].kind != L_BLANK)
			return i;
	return -1;
}

/* Pass 1: titles, bylines, jump markers, captions and credits. */
static void
classify(struct imp_plan *p)
{
	struct iline	*l;
	size_t		 i, colon, clen, cut, off, len, mlen;
	int		 blanks = 0, j, k, first = 1;
	char		 label[16];
	int		 up = 0;

	for (i = 0; i < p->nlines; i++) {
		l = &p->lines[i];
		l->blanks = blanks;
		if (l->kind == L_BLANK) {
			blanks++;
			continue;
		}
		blanks = 0;
		if ((mlen = jump_at(l->s, l->len, &up, label,
		    sizeof(label))) == l->len) {
			l->kind = L_JUMP;
			l->up = up;
			memcpy(l->label, label, sizeof(label));
		} else if (starts_with(l->s, l->len, "■") ||
		    starts_with(l->s, l->len, "□"))
			l->kind = L_BYLINE;
		else if (title_shape(l->s, l->len, &colon, &clen)) {
			struct gaz_region r;
			int	 byl = 0;

			for (j = (int)i, k = 0; k < 4; k++) {
				if ((j = next_nb(p, j)) < 0)
					break;
				if (starts_with(p->lines[j].s, p->lines[j].len,
				    "■") || starts_with(p->lines[j].s,
				    p->lines[j].len, "□")) {
					byl = 1;
					break;
				}
			}
			if (byl || gaz_chain(l->s, colon, &r) > 0)
				l->kind = L_TITLE;
		}
		if (l->kind != L_TEXT) {
			first = 0;
			continue;
		}
		if (credit_at_end(l->s, l->len, 1, &cut, &off, &len) &&
		    utf8_count(l->s, cut) <= CAPTION_MAX) {
			if (cut == 0)
				l->kind = L_CREDIT;
			else {
				l->kind = L_CAPTION;
				l->cap = cut;
			}
			l->crd = off;
			l->crdlen = len;
		} else if (l->blanks >= 2 && !first &&
		    utf8_count(l->s, l->len) <= CAPTION_MAX) {
			j = next_nb(p, (int)i);
			if (ends_sentence(l->s, l->len) || (j >= 0 &&
			    p->lines[j].blanks == 0 &&
			    credit_at_end(p->lines[j].s, p->lines[j].len, 1,
			    &cut, &off, &len) && cut == 0)) {
				l->kind = L_CAPTION;
				l->cap = l->len;
			}
		}
		first = 0;
	}
	/* A credit line right under a short text line makes it a caption. */
	for (i = 0; i < p->nlines; i++) {
		l = &p->lines[i];
		if (l->kind != L_CREDIT || l->blanks > 0 ||
		    (j = prev_nb(p, (int)i)) < 0)
			continue;
		if (p->lines[j].kind == L_TEXT &&
		    utf8_count(p->lines[j].s, p->lines[j].len) <= CAPTION_MAX) {
			p->lines[j].kind = L_CAPTION;
			p->lines[j].cap = p->lines[j].len;
		}
	}
}

/* Balanced “” 《》 （） in s? */
static int
balanced(const char *s, size_t n)
{
	size_t		 i, k;
	uint32_t	 c;
	int		 q = 0, b = 0, r = 0;

	for (i = 0; i < n; i += k) {
		c = cp_at(s + i, n - i, &k);
		if (c == 0x201c)
			q++;
		else if (c == 0x201d)
			q--;
		else if (c == 0x300a)
			b++;
		else if (c == 0x300b)
			b--;
		else if (c == 0xff08 || c == '(')
			r++;
		else if (c == 0xff09 || c == ')')
			r--;
		if (q < 0 || b < 0 || r < 0)
			return 0;
	}
	return q == 0 && b == 0 && r == 0;
}

static int
has_inner_space(const char *s, size_t n)
{
	size_t		 i, k;

	for (i = 0; i < n; i += k)
		if (is_space(cp_at(s + i, n - i, &k)))
			return 1;
	return 0;
}

/*
 * Pass 2: subheadings.  Short, no clause punctuation, balanced quotes,
 * not right after another subheading; after an unfinished sentence
 * (with no jump marker between) only a two-part "A B" heading counts.
 */
static void
headings(struct imp_plan *p)
{
	struct iline	*l, *q;
	size_t		 i, k, c;
	int		 j, jumped, bad;
	uint32_t	 u;

	for (i = 0; i < p->nlines; i++) {
		l = &p->lines[i];
		if (l->kind != L_TEXT)
			continue;
		c = utf8_count(l->s, l->len);
		if (c < 2 || c > HEAD_MAX || !balanced(l->s, l->len))
			continue;
		for (bad = 0, k = 0; k < l->len && !bad; k += c) {
			u = cp_at(l->s + k, l->len - k, &c);
			bad = is_clause(u);
		}
		u = cp_last(l->s, l->len, &c);
		if (bad || ends_sentence(l->s, l->len))
			continue;
		jumped = 0;
		for (j = prev_nb(p, (int)i); j >= 0; j = prev_nb(p, j)) {
			q = &p->lines[j];
			if (q->kind == L_JUMP)
				jumped = 1;
			else if (q->kind != L_CAPTION && q->kind != L_CREDIT)
				break;
		}
		if (j >= 0 && p->lines[j].kind == L_HEADING)
			continue;
		if (j >= 0 && p->lines[j].kind == L_TEXT && !jumped &&
		    !ends_sentence(p->lines[j].s, p->lines[j].len) &&
		    !has_inner_space(l->s, l->len))
			continue;
		l->kind = L_HEADING;
	}
}

/* ---- Han bigrams ---- */

struct bgset {
	uint64_t	*v;	/* sorted distinct bigrams; owned */
	uint32_t	*cnt;	/* occurrences of each; owned */
	size_t		 n;	/* entries */
};

static int
u64cmp(const void *a, const void *b)
{
	uint64_t	 x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append the Han bigrams of s (at most BG_LINE_MAX bytes) to *v. */
static void
bigrams(const char *s, size_t n, uint64_t **v, size_t *nv, size_t *cap)
{
	size_t		 i, k;
	uint32_t	 c, prev = 0;

	if (n > BG_LINE_MAX)
		n = BG_LINE_MAX;
	for (i = 0; i < n; i += k) {
		c = cp_at(s + i, n - i, &k);
		if (!is_han(c)) {
			prev = 0;
			continue;
		}
		if (prev != 0) {
			if (*nv == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				*v = xreallocarray(*v, *cap, sizeof(**v));
			}
			(*v)[(*nv)++] = ((uint64_t)prev << 21) | c;
		}
		prev = c;
	}
}

static void
bgset_make(struct bgset *b, uint64_t *v, size_t nv)
{
	size_t	 i;

	if (nv > 0)
		qsort(v, nv, sizeof(*v), u64cmp);
	b->v = xreallocarray(NULL, nv ? nv : 1, sizeof(*b->v));
	b->cnt = xreallocarray(NULL, nv ? nv : 1, sizeof(*b->cnt));
	b->n = 0;
	for (i = 0; i < nv; i++) {
		if (b->n > 0 && b->v[b->n - 1] == v[i]) {
			b->cnt[b->n - 1]++;
			continue;
		}
		b->v[b->n] = v[i];
		b->cnt[b->n] = 1;
		b->n++;
	}
}

static void
bgset_of(struct bgset *b, const char *s, size_t n)
{
	uint64_t	*v = NULL;
	size_t		 nv = 0, cap = 0;

	bigrams(s, n, &v, &nv, &cap);
	bgset_make(b, v, nv);
	free(v);
}

static void
bgset_free(struct bgset *b)
{
	free(b->v);
	free(b->cnt);
	b->v = NULL;
	b->cnt = NULL;
	b->n = 0;
}

/* Cosine of two bigram sets, as sets. */
static double
bgcos(const struct bgset *a, const struct bgset *b)
{
	size_t	 i = 0, j = 0, both = 0;

	if (a->n == 0 || b->n == 0)
		return 0;
	while (i < a->n && j < b->n) {
		if (a->v[i] == b->v[j]) {
			both++;
			i++;
			j++;
		} else if (a->v[i] < b->v[j])
			i++;
		else
			j++;
	}
	return both / sqrt((double)a->n * (double)b->n);
}

/* ---- repeated passages ---- */

struct hent {
	uint64_t	 h;	/* hash of the line's first bytes */
	int		 idx;	/* line index */
};

static int
hentcmp(const void *a, const void *b)
{
	const struct hent *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->idx - y->idx;
}

#define DUP_PREFIX	48	/* bytes hashed to find repeated lines */
#define DUP_TAIL_MIN	15	/* bytes of a repeated tail worth dropping */

/* Previous text line before i with only blanks between, or -1. */
static int
prev_text(const struct imp_plan *p, int i)
{
	int	 j = prev_nb(p, i);

	return j >= 0 && p->lines[j].kind == L_TEXT && !p->lines[j].dropped ?
	    j : -1;
}

/* Next text line after i, over blanks, captions, credits, jumps. */
static int
next_text(const struct imp_plan *p, int i)
{
	int	 j;

	for (j = next_nb(p, i); j >= 0; j = next_nb(p, j)) {
		if (p->lines[j].kind == L_TEXT && !p->lines[j].dropped)
			return j;
		if (p->lines[j].kind != L_CAPTION &&
		    p->lines[j].kind != L_CREDIT && p->lines[j].kind != L_JUMP &&
		    !p->lines[j].dropped)
			return -1;
	}
	return -1;
}

/* Bytes of the common tail of lines a and b that starts at a clause
 * boundary in both (after punctuation, or the start of a line). */
static size_t
common_tail(const struct iline *a, const struct iline *b)
{
	size_t	 n = 0, k;
	uint32_t c;

	while (n < a->len && n < b->len &&
	    a->s[a->len - 1 - n] == b->s[b->len - 1 - n])
		n++;
	/* Shrink to a boundary: the byte before the tail ends a clause. */
	while (n > 0) {
		size_t	 sa = a->len - n, sb = b->len - n;
		int	 oka, okb;

		if (((unsigned char)a->s[sa] & 0xc0) != 0x80) {
			oka = sa == 0 || is_clause(cp_last(a->s, sa, &k)) ||
			    is_close(cp_last(a->s, sa, &k));
			okb = sb == 0 || is_clause(cp_last(b->s, sb, &k)) ||
			    is_close(cp_last(b->s, sb, &k));
			if (oka && okb)
				break;
		}
		n--;
	}
	(void)c;
	return n;
}

/* How well line i (with tail bytes of the line before) fits where it
 * stands: its bigrams against those around it. */
static double
fit(const struct imp_plan *p, int i, int pi, size_t tail)
{
	struct bgset	 ps, cs;
	uint64_t	*v = NULL;
	size_t		 nv = 0, cap = 0;
	int		 j, h;
	double		 r;

	bigrams(p->lines[i].s, p->lines[i].len, &v, &nv, &cap);
	if (pi >= 0)
		bigrams(p->lines[pi].s + p->lines[pi].len - tail, tail, &v,
		    &nv, &cap);
	bgset_make(&ps, v, nv);
	nv = 0;
	if (pi >= 0) {
		bigrams(p->lines[pi].s, p->lines[pi].len - tail, &v, &nv, &cap);
		for (j = prev_text(p, pi); j >= 0 && !ends_sentence(
		    p->lines[j].s, p->lines[j].len); j = prev_text(p, j))
			bigrams(p->lines[j].s, p->lines[j].len, &v, &nv, &cap);
	}
	if ((j = next_text(p, i)) >= 0)
		bigrams(p->lines[j].s, p->lines[j].len, &v, &nv, &cap);
	for (h = i - 1; h >= 0; h--)
		if (p->lines[h].kind == L_HEADING || p->lines[h].kind == L_TITLE)
			break;
	if (h >= 0 && p->lines[h].kind == L_HEADING)
		bigrams(p->lines[h].s, p->lines[h].len, &v, &nv, &cap);
	bgset_make(&cs, v, nv);
	free(v);
	r = bgcos(&ps, &cs);
	bgset_free(&ps);
	bgset_free(&cs);
	return r;
}

/* Drop line d as a copy of line k, and the repeated tail of the line
 * before it. */
static void
drop_copy(struct imp_plan *p, int d, int k, const char *why)
{
	int	 pd, pk;
	size_t	 t;

	pd = prev_text(p, d);
	pk = prev_text(p, k);
	p->lines[d].dropped = 1;
	p->lines[d].keep = 0;
	p->lines[d].why = why;
	p->lines[d].dupof = p->lines[k].no;
	p->ndups++;
	if (pd >= 0 && pk >= 0 && pd != k && pk != d &&
	    (t = common_tail(&p->lines[pd], &p->lines[pk])) >= DUP_TAIL_MIN &&
	    t < p->lines[pd].len) {
		p->lines[pd].keep = p->lines[pd].len - t;
		while (p->lines[pd].keep > 0 && is_space(cp_last(p->lines[pd].s,
		    p->lines[pd].keep, &t)))
			p->lines[pd].keep -= t;
		p->lines[pd].why = "repeated passage";
		p->lines[pd].dupof = p->lines[pk].no;
	}
}

/*
 * Pass 3: a text line that repeats another (exactly, or cut short) is
 * a repeated passage, with the matching tail of the line before it.
 * Keep the complete copy; of two complete copies, the one that fits its
 * surroundings (ties: the first).
 */
static void
dedupe(struct imp_plan *p)
{
	struct hent	*h = NULL;
	size_t		 nh = 0, i, a, b, e, m;
	int		 x, y, px, py, checks;
	double		 fx, fy;

	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].kind == L_TEXT &&
		    p->lines[i].len >= DUP_PREFIX) {
			h = xreallocarray(h, nh + 1, sizeof(*h));
			h[nh].h = hash64(p->lines[i].s, DUP_PREFIX, 0);
			h[nh].idx = (int)i;
			nh++;
		}
	if (nh > 0)
		qsort(h, nh, sizeof(*h), hentcmp);
	for (a = 0; a < nh; a = e) {
		for (e = a + 1; e < nh && h[e].h == h[a].h; e++)
			;
		checks = 0;
		for (b = a + 1; b < e && checks < 256; b++)
			for (i = a; i < b && checks < 256; i++, checks++) {
				x = h[i].idx;
				y = h[b].idx;
				if (p->lines[x].dropped || p->lines[y].dropped)
					continue;
				m = p->lines[x].len < p->lines[y].len ?
				    p->lines[x].len : p->lines[y].len;
				if (memcmp(p->lines[x].s, p->lines[y].s, m) != 0)
					continue;
				if (p->lines[y].len < p->lines[x].len) {
					drop_copy(p, y, x, "truncated copy");
					continue;
				}
				if (p->lines[x].len < p->lines[y].len) {
					drop_copy(p, x, y, "truncated copy");
					continue;
				}
				px = prev_text(p, x);
				py = prev_text(p, y);
				m = px >= 0 && py >= 0 && px != y && py != x ?
				    common_tail(&p->lines[px], &p->lines[py]) : 0;
				if (m < DUP_TAIL_MIN)
					m = 0;
				fx = fit(p, x, m ? px : -1, m);
				fy = fit(p, y, m ? py : -1, m);
				if (fy > fx * 1.1)
					drop_copy(p, x, y, "repeated passage");
				else
					drop_copy(p, y, x, "repeated passage");
			}
	}
	free(h);
}

/* ---- articles ---- */

static char *
dup_trim(const char *s, size_t n)
{
	trim(&s, &n);
	return xstrndup(s, n);
}

static void
add_key(struct iart *a, const char *s, size_t n)
{
	size_t	 i;

	if (utf8_count(s, n) < 2 || a->nkeys >= sizeof(a->keys) / sizeof(a->keys[0]))
		return;
	for (i = 0; i < a->nkeys; i++)
		if (strlen(a->keys[i]) == n && memcmp(a->keys[i], s, n) == 0)
			return;
	a->keys[a->nkeys++] = xstrndup(s, n);
}

/* Short form of an administrative name: 汶上县 -> 汶上. */
static size_t
short_len(const char *s)
{
	size_t	 n = strlen(s);

	if (n >= 9 && (ends_with(s, n, "县") || ends_with(s, n, "区") ||
	    ends_with(s, n, "市") || ends_with(s, n, "旗")) &&
	    find(s, n, "自治", 6) == NULL)
		return n - 3;
	return n;
}

/* Fill levels of a->reg the title leaves out from a chain of names in
 * the article's own text ("…辽宁省锦州市北镇市…"). */
static void
region_from_text(struct imp_plan *p, struct iart *a, int ai)
{
	struct gaz_region r;
	size_t		 i, k, n, seen = 0;
	const char	*s;
	int		 li;

	for (li = a->title + 1; li < (int)p->nlines && seen < 4; li++) {
		if (p->lines[li].home != ai || p->lines[li].kind != L_TEXT)
			continue;
		seen++;
		s = p->lines[li].s;
		n = p->lines[li].len < 4096 ? p->lines[li].len : 4096;
		for (i = 0; i < n; i += k) {
			cp_at(s + i, n - i, &k);
			if (!gaz_is_province(s + i, n - i) ||
			    gaz_chain(s + i, n - i, &r) == 0)
				continue;
			if ((a->reg.prov && r.prov != a->reg.prov) ||
			    (a->reg.city && r.city && r.city != a->reg.city) ||
			    (a->reg.county && r.county &&
			    r.county != a->reg.county))
				continue;
			if (a->reg.county && !r.county && r.city == NULL)
				continue;
			if (a->reg.county == NULL && r.county != NULL &&
			    a->reg.city == NULL && a->reg.prov != NULL)
				continue;	/* would name another place */
			if (!a->reg.prov)
				a->reg.prov = r.prov;
			if (!a->reg.city && (r.county == a->reg.county ||
			    !a->reg.county))
				a->reg.city = r.city;
			if (a->reg.prov && a->reg.city && a->reg.county)
				return;
		}
	}
}

static void
parse_byline(struct iart *a, const char *s, size_t n)
{
	static const char *const roles[] = {
		"本报记者", "记者", "通讯员", "实习生", "特约记者", NULL
	};
	size_t	 i, k, st;
	int	 r, reporters = 0;

	s += 3;		/* ■ or □ */
	n -= 3;
	trim(&s, &n);
	a->by = xstrndup(s, n);
	for (r = 0; roles[r] != NULL; r++)
		if (starts_with(s, n, roles[r]))
			reporters = 1;
	if (!reporters) {
		a->org = xstrndup(s, n);
		return;
	}
	for (i = 0; i < n; ) {
		uint32_t c = cp_at(s + i, n - i, &k);

		if (is_space(c) || c == 0x3001 || c == 0xff0c || c == ',') {
			i += k;
			continue;
		}
		for (st = i; i < n; i += k) {
			c = cp_at(s + i, n - i, &k);
			if (is_space(c) || c == 0x3001 || c == 0xff0c ||
			    c == ',')
				break;
		}
		for (r = 0; roles[r] != NULL; r++)
			if (i - st == strlen(roles[r]) &&
			    memcmp(s + st, roles[r], i - st) == 0)
				break;
		if (roles[r] != NULL)
			continue;
		for (r = 0; roles[r] != NULL; r++)
			if (starts_with(s + st, i - st, roles[r])) {
				st += strlen(roles[r]);
				break;
			}
		if (i > st && a->nauthors < sizeof(a->authors) /
		    sizeof(a->authors[0]))
			a->authors[a->nauthors++] = xstrndup(s + st, i - st);
	}
}

static int
setup_articles(struct imp_plan *p)
{
	struct iart	*a;
	size_t		 i, colon, clen, n;
	int		 cur = -1;

	for (i = 0; i < p->nlines; i++) {
		if (p->lines[i].kind == L_TITLE) {
			p->arts = xreallocarray(p->arts, p->narts + 1,
			    sizeof(*p->arts));
			a = &p->arts[p->narts];
			memset(a, 0, sizeof(*a));
			a->title = (int)i;
			a->byline = -1;
			title_shape(p->lines[i].s, p->lines[i].len, &colon,
			    &clen);
			a->place = dup_trim(p->lines[i].s, colon);
			a->head = dup_trim(p->lines[i].s + colon + clen,
			    p->lines[i].len - colon - clen);
			cur = (int)p->narts++;
		}
		p->lines[i].home = cur;
		p->lines[i].art = cur;
		if (p->lines[i].kind == L_BYLINE && cur >= 0 &&
		    p->arts[cur].byline < 0) {
			p->arts[cur].byline = (int)i;
			parse_byline(&p->arts[cur], p->lines[i].s,
			    p->lines[i].len);
		}
	}
	if (p->narts == 0) {
		diag_err(p->path, 0, 0, "no article found (no title line of "
		    "the form PLACE：HEADLINE)");
		return -1;
	}
	for (i = 0; i < p->narts; i++) {
		a = &p->arts[i];
		gaz_chain(a->place, strlen(a->place), &a->reg);
		region_from_text(p, a, (int)i);
		add_key(a, a->place, strlen(a->place));
		if (a->reg.county != NULL) {
			add_key(a, a->reg.county, strlen(a->reg.county));
			add_key(a, a->reg.county, short_len(a->reg.county));
		} else if (a->reg.city != NULL) {
			add_key(a, a->reg.city, strlen(a->reg.city));
			add_key(a, a->reg.city, short_len(a->reg.city));
		}
		n = strlen(a->place);
		if (a->reg.prov != NULL) {
			struct gaz_region r;
			size_t	 pl;

			/* The place without its province: 汶上经济开发区 */
			for (pl = 3; pl < n; pl += 3) {
				if (gaz_chain(a->place, pl, &r) > 0 &&
				    r.city == NULL && r.county == NULL &&
				    gaz_chain(a->place + pl, n - pl, &r) != 0)
					break;
			}
			if (pl < n && pl > 0)
				add_key(a, a->place + pl, n - pl);
		}
	}
	return 0;
}

/* Is key k of article a also a key of another article? */
static int
shared_key(const struct imp_plan *p, size_t a, size_t k)
{
	size_t	 b, j;

	for (b = 0; b < p->narts; b++)
		if (b != a)
			for (j = 0; j < p->arts[b].nkeys; j++)
				if (find(p->arts[b].keys[j],
				    strlen(p->arts[b].keys[j]), p->arts[a].keys[k],
				    strlen(p->arts[a].keys[k])) != NULL ||
				    find(p->arts[a].keys[k],
				    strlen(p->arts[a].keys[k]), p->arts[b].keys[j],
				    strlen(p->arts[b].keys[j])) != NULL)
					return 1;
	return 0;
}

/* ---- which article each piece belongs to ---- */

struct bgent {
	uint64_t	 key;	/* bigram */
	int		 art;	/* article */
	int		 n;	/* occurrences in that article */
};

static int
entcmp(const void *x, const void *y)
{
	const struct bgent *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->art - b->art;
}

struct profile {
	struct bgent	*e;	/* sorted by key, then article; owned */
	size_t		 n;	/* entries */
	long		*total;	/* bigrams per article; owned */
	size_t		 vocab;	/* distinct bigrams */
};

/* Does line l feed its article's profile?  Text and headings that are
 * kept and not in an undecided jump zone. */
static int
feeds_profile(const struct iline *l)
{
	return (l->kind == L_TEXT || l->kind == L_HEADING) && l->art >= 0 &&
	    l->zone == 0 && l->keep > 0;
}

/* Bigram counts per article, from the article's current lines. */
static void
profile_build(struct imp_plan *p, struct profile *pr)
{
	struct bgent	*pairs = NULL;
	uint64_t	*v = NULL;
	size_t		 np = 0, nv, cap = 0, i, j, a;
	struct iart	*ar;

	free(pr->e);
	free(pr->total);
	pr->total = xcalloc(p->narts, sizeof(*pr->total));
	for (a = 0; a < p->narts; a++) {
		ar = &p->arts[a];
		nv = 0;
		bigrams(ar->place, strlen(ar->place), &v, &nv, &cap);
		bigrams(ar->head, strlen(ar->head), &v, &nv, &cap);
		if (ar->by != NULL)
			bigrams(ar->by, strlen(ar->by), &v, &nv, &cap);
		for (i = 0; i < p->nlines; i++)
			if (p->lines[i].art == (int)a &&
			    feeds_profile(&p->lines[i]))
				bigrams(p->lines[i].s, p->lines[i].keep, &v,
				    &nv, &cap);
		pairs = xreallocarray(pairs, np + nv + 1, sizeof(*pairs));
		for (j = 0; j < nv; j++) {
			pairs[np].key = v[j];
			pairs[np].art = (int)a;
			pairs[np].n = 1;
			np++;
		}
		pr->total[a] = (long)nv;
	}
	free(v);
	if (np > 0)
		qsort(pairs, np, sizeof(*pairs), entcmp);
	pr->n = 0;
	pr->vocab = 0;
	for (i = 0; i < np; i++) {
		if (pr->n > 0 && pairs[pr->n - 1].key == pairs[i].key &&
		    pairs[pr->n - 1].art == pairs[i].art) {
			pairs[pr->n - 1].n++;
			continue;
		}
		if (pr->n == 0 || pairs[pr->n - 1].key != pairs[i].key)
			pr->vocab++;
		pairs[pr->n++] = pairs[i];
	}
	pr->e = pairs;
}

static void
profile_free(struct profile *pr)
{
	free(pr->e);
	free(pr->total);
	memset(pr, 0, sizeof(*pr));
}

#define NB_ALPHA	0.5	/* add-alpha smoothing of bigram counts */
#define KEY_BONUS	12.0	/* log-odds for naming an article's place */

/*
 * Score line i against every article: the log-likelihood of its Han
 * bigrams under each article's bigram counts (the line's own counts
 * taken out of the article it now belongs to), plus KEY_BONUS for
 * naming the article's place.  Returns the number of bigrams.
 */
static size_t
score_line(const struct imp_plan *p, const struct profile *pr, int i,
    double *sc)
{
	const struct iline *l = &p->lines[i];
	struct bgset	 b;
	struct bgent	 key, *e;
	size_t		 j, a, k, nb = 0;
	int		 own;
	long		 own_total = 0;
	double		 den;
	size_t		 len = l->kind == L_CAPTION ? l->len : l->keep;
	long		*cnt;

	own = feeds_profile(l) ? l->art : -1;
	bgset_of(&b, l->s, len);
	for (j = 0; j < b.n; j++)
		own_total += b.cnt[j];
	cnt = xcalloc(p->narts, sizeof(*cnt));
	for (a = 0; a < p->narts; a++)
		sc[a] = 0;
	for (j = 0; j < b.n; j++) {
		memset(cnt, 0, p->narts * sizeof(*cnt));
		key.key = b.v[j];
		key.art = -1;
		/* first entry with this key */
		{
			size_t	 lo = 0, hi = pr->n;

			while (lo < hi) {
				size_t	 mid = (lo + hi) / 2;

				if (pr->e[mid].key < key.key)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (e = pr->e + lo; e < pr->e + pr->n &&
			    e->key == key.key; e++)
				cnt[e->art] = e->n;
		}
		if (own >= 0)
			cnt[own] -= b.cnt[j];
		for (a = 0; a < p->narts; a++) {
			den = (double)(pr->total[a] - ((int)a == own ?
			    own_total : 0)) + NB_ALPHA * (double)(pr->vocab + 1);
			sc[a] += b.cnt[j] * log(((double)(cnt[a] > 0 ?
			    cnt[a] : 0) + NB_ALPHA) / den);
		}
		nb += b.cnt[j];
	}
	free(cnt);
	bgset_free(&b);
	for (a = 0; a < p->narts; a++)
		for (k = 0; k < p->arts[a].nkeys; k++)
			if (!shared_key(p, a, k) && find(l->s, len,
			    p->arts[a].keys[k], strlen(p->arts[a].keys[k]))) {
				sc[a] += KEY_BONUS;
				break;
			}
	return nb;
}

/* Does line i name the place of article a? */
static int
names_place(const struct imp_plan *p, int i, int a)
{
	const struct iline *l = &p->lines[i];
	size_t		 k, len = l->kind == L_CAPTION ? l->len : l->keep;

	for (k = 0; k < p->arts[a].nkeys; k++)
		if (!shared_key(p, (size_t)a, k) && find(l->s, len,
		    p->arts[a].keys[k], strlen(p->arts[a].keys[k])))
			return 1;
	return 0;
}

/* The article (other than h) scoring best, or -1. */
static int
best_other(const struct imp_plan *p, const double *sc, int h)
{
	size_t	 a;
	int	 b = -1;

	for (a = 0; a < p->narts; a++)
		if ((int)a != h && (b < 0 || sc[a] > sc[b]))
			b = (int)a;
	return b;
}

static void
zones(struct imp_plan *p)
{
	size_t	 i;
	int	 z = 0, in = 0, j;

	for (i = 0; i < p->nlines; i++) {
		struct iline *l = &p->lines[i];

		if (l->kind == L_TITLE)
			in = 0;
		if (l->kind == L_JUMP && l->up) {
			j = prev_nb(p, (int)i);
			if (j >= 0 && p->lines[j].kind == L_JUMP &&
			    !p->lines[j].up)
				continue;	/* a page turn, same article */
			in = ++z;
		} else if (l->kind == L_JUMP && !l->up) {
			if (in)
				l->zone = in;
			in = 0;
			continue;
		}
		if (in && l->kind != L_TITLE)
			l->zone = in;
	}
}

/* Is zone z closed by a 下转 marker? */
static int
zone_closed(const struct imp_plan *p, int z)
{
	size_t	 i;

	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].zone == z && p->lines[i].kind == L_JUMP &&
		    !p->lines[i].up)
			return 1;
	return 0;
}

/* Last text line before i that is not in zone z, or -1. */
static int
text_before(const struct imp_plan *p, int i)
{
	int	 j;

	for (j = prev_nb(p, i); j >= 0; j = prev_nb(p, j)) {
		if (p->lines[j].kind == L_TEXT && p->lines[j].keep > 0)
			return j;
		if (p->lines[j].kind != L_JUMP &&
		    p->lines[j].kind != L_CAPTION &&
		    p->lines[j].kind != L_CREDIT && !p->lines[j].dropped)
			return -1;
	}
	return -1;
}

#define ZONE_MARGIN	2.0	/* log-odds a jump zone needs to move */
#define RUN_MARGIN	0.15	/* ... and per bigram, a piece before a title */

static int
debugging(void)
{
	return getenv("FOLIO_IMPORT_DEBUG") != NULL;
}

static void
assign(struct imp_plan *p)
{
	struct profile	 pr;
	double		*sc, *sum;
	char		*zoned;
	size_t		 i, a, nb;
	int		 z, nz = 0, b, j, h, scoring;

	memset(&pr, 0, sizeof(pr));
	zones(p);
	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].zone > nz)
			nz = p->lines[i].zone;
	/* A 上接 marker right inside an unfinished sentence of the same
	 * article only turns the page: no zone. */
	for (z = 1; z <= nz; z++) {
		for (i = 0; i < p->nlines; i++)
			if (p->lines[i].zone == z &&
			    (p->lines[i].kind == L_TEXT ||
			    p->lines[i].kind == L_HEADING) &&
			    p->lines[i].keep > 0)
				break;
		if (i == p->nlines || p->lines[i].kind != L_TEXT ||
		    zone_closed(p, z))
			continue;
		j = text_before(p, (int)i);
		if (j >= 0 && p->lines[j].home == p->lines[i].home &&
		    !ends_sentence(p->lines[j].s, p->lines[j].keep))
			for (; i < p->nlines; i++)
				if (p->lines[i].zone == z)
					p->lines[i].zone = 0;
	}
	zoned = xcalloc(p->nlines + 1, 1);
	for (i = 0; i < p->nlines; i++)
		zoned[i] = p->lines[i].zone != 0;
	scoring = p->narts <= MAXARTS_SCORE;
	sc = xcalloc(p->narts, sizeof(*sc));
	sum = xcalloc(p->narts, sizeof(*sum));
	if (scoring)
		profile_build(p, &pr);
	/* Jump zones: closed ones move as a whole, open ones piece by
	 * piece until a piece prefers its home. */
	for (z = 1; scoring && z <= nz; z++) {
		int	 home = -1, closed = zone_closed(p, z);

		for (a = 0; a < p->narts; a++)
			sum[a] = 0;
		for (i = 0; i < p->nlines; i++) {
			struct iline *l = &p->lines[i];

			if (l->zone != z)
				continue;
			home = l->home;
			if (l->kind != L_TEXT || l->keep == 0 || home < 0)
				continue;
			score_line(p, &pr, (int)i, sc);
			b = best_other(p, sc, home);
			if (debugging())
				fprintf(stderr, "zone %d line %d: home %d "
				    "%.1f, best %d %+.1f\n", z, l->no, home + 1,
				    sc[home], b + 1, b >= 0 ? sc[b] - sc[home] : 0);
			if (closed) {
				for (a = 0; a < p->narts; a++)
					sum[a] += sc[a];
				continue;
			}
			if (b >= 0 && sc[b] > sc[home] + ZONE_MARGIN)
				l->art = b;
			else {
				size_t	 m;

				for (m = i; m < p->nlines; m++)
					if (p->lines[m].zone == z) {
						p->lines[m].zone = 0;
						zoned[m] = 0;
					}
				break;
			}
		}
		if (closed && home >= 0 && (b = best_other(p, sum, home)) >= 0 &&
		    sum[b] > sum[home] + ZONE_MARGIN)
			for (i = 0; i < p->nlines; i++)
				if (p->lines[i].zone == z &&
				    p->lines[i].kind == L_TEXT)
					p->lines[i].art = b;
	}
	for (i = 0; i < p->nlines; i++)
		p->lines[i].zone = 0;
	/*
	 * Other text moves only on structural evidence, judged against the
	 * articles as they now stand: the run of pieces just before a
	 * title that read as that article's (an article's later part set
	 * before its title), or a piece naming another article's place.
	 */
	if (scoring)
		profile_build(p, &pr);
	for (a = 0; scoring && a < p->narts; a++) {
		int	 t = p->arts[a].title;

		for (j = prev_nb(p, t); j >= 0; j = prev_nb(p, j)) {
			struct iline *l = &p->lines[j];

			if (l->kind == L_TITLE || l->kind == L_BYLINE)
				break;
			if (l->kind != L_TEXT || l->keep == 0)
				continue;
			if (zoned[j] || l->home < 0 || l->art != l->home ||
			    l->home == (int)a)
				break;
			nb = score_line(p, &pr, j, sc);
			b = best_other(p, sc, l->home);
			if (debugging())
				fprintf(stderr, "before title %zu: line %d: "
				    "home %d, title's %+.1f\n", a + 1, l->no,
				    l->home + 1, sc[a] - sc[l->home]);
			if (b != (int)a || sc[a] <= sc[l->home] + ZONE_MARGIN ||
			    sc[a] - sc[l->home] < RUN_MARGIN * (double)nb)
				break;
			l->art = (int)a;
			zoned[j] = 1;
		}
	}
	for (i = 0; scoring && i < p->nlines; i++) {
		struct iline *l = &p->lines[i];

		if (l->kind != L_TEXT || l->keep == 0 || zoned[i])
			continue;
		nb = score_line(p, &pr, (int)i, sc);
		h = l->home;
		b = best_other(p, sc, h);
		if (debugging() && h >= 0)
			fprintf(stderr, "line %d: home %d %.1f, best %d %+.1f "
			    "(%zu bigrams)\n", l->no, h + 1, sc[h], b + 1,
			    b >= 0 ? sc[b] - sc[h] : 0, nb);
		if (h < 0)
			l->art = b >= 0 ? b : 0;
		else if (b >= 0 && sc[b] > sc[h] + ZONE_MARGIN &&
		    names_place(p, (int)i, b) && !names_place(p, (int)i, h))
			l->art = b;
	}
	for (i = 0; i < p->nlines; i++) {
		struct iline *l = &p->lines[i];

		if (l->kind == L_TEXT && l->art < 0)
			l->art = 0;
	}
	/* Headings go with the text they introduce. */
	for (i = 0; i < p->nlines; i++) {
		struct iline *l = &p->lines[i];

		if (l->kind != L_HEADING)
			continue;
		for (j = next_nb(p, (int)i); j >= 0; j = next_nb(p, j)) {
			enum lkind k = p->lines[j].kind;

			if (k == L_TEXT && p->lines[j].keep > 0)
				break;
			if (k != L_CAPTION && k != L_CREDIT && k != L_JUMP &&
			    !(k == L_TEXT && p->lines[j].keep == 0)) {
				j = -1;
				break;
			}
		}
		if (j >= 0)
			l->art = p->lines[j].art;
		else if (l->art < 0)
			l->art = 0;
	}
	/* Captions go where the place they name is; credits follow. */
	for (i = 0; i < p->nlines; i++) {
		struct iline *l = &p->lines[i];

		if (l->kind == L_CAPTION) {
			if (scoring) {
				score_line(p, &pr, (int)i, sc);
				b = -1;
				for (a = 0; a < p->narts; a++)
					if (names_place(p, (int)i, (int)a) &&
					    (b < 0 || sc[a] > sc[b]))
						b = (int)a;
				if (b >= 0 && (l->home < 0 ||
				    !names_place(p, (int)i, l->home)))
					l->art = b;
			}
			if (l->art < 0)
				l->art = 0;
		} else if (l->kind == L_CREDIT) {
			j = prev_nb(p, (int)i);
			l->art = j >= 0 && p->lines[j].kind == L_CAPTION ?
			    p->lines[j].art : l->home >= 0 ? l->home : 0;
		} else if (l->kind == L_JUMP || l->kind == L_BLANK)
			l->art = -1;
		else if (l->kind == L_BYLINE && (l->home < 0 ||
		    p->arts[l->home].byline != (int)i)) {
			/* a second byline is kept as text of the article */
			l->kind = L_TEXT;
			if (l->art < 0)
				l->art = 0;
		}
		if (l->kind != L_BLANK && l->kind != L_JUMP && l->art >= 0 &&
		    l->home >= 0 && l->art != l->home)
			l->moved = 1;
		if (l->moved)
			p->nmoved++;
	}
	free(zoned);
	free(sc);
	free(sum);
	profile_free(&pr);
}

/* ---- blocks ---- */

static struct iblock *
new_block(struct iart *a, enum bkind k, int line)
{
	struct iblock	*b;

	a->blocks = xreallocarray(a->blocks, a->nblocks + 1,
	    sizeof(*a->blocks));
	b = &a->blocks[a->nblocks++];
	memset(b, 0, sizeof(*b));
	b->kind = k;
	buf_init(&b->text);
	buf_init(&b->credit);
	b->last = line;
	return b;
}

/* May a paragraph of article a ending at line x go on with line y?
 * Only blanks, captions, credits, jump markers and dropped lines may
 * stand between, or another article's text bracketed by jump markers. */
static int
joinable(const struct imp_plan *p, int a, int x, int y)
{
	int	 i, foreign = 0, jump = 0;

	if (y <= x)
		return 0;
	for (i = x + 1; i < y; i++) {
		const struct iline *l = &p->lines[i];

		switch (l->kind) {
		case L_BLANK:
		case L_CAPTION:
		case L_CREDIT:
			break;
		case L_JUMP:
			jump = 1;
			break;
		case L_TEXT:
		case L_HEADING:
			if (l->dropped || l->keep == 0)
				break;
			if (l->art == a)
				return 0;
			foreign = 1;
			break;
		default:
			return 0;
		}
	}
	return !foreign || jump;
}

/* Does a paragraph seem to start mid-sentence? */
static int
starts_mid(const char *s, size_t n)
{
	static const char *const heads[] = {
		"个", "的", "了", "和", "与", "及", "等", "地", "得", "着",
		"过", "们", "化", "性", "者", "之", "而", "并", "项", "次",
		NULL
	};
	size_t	 i, k;
	uint32_t c;

	if (n == 0)
		return 0;
	c = cp_at(s, n, &k);
	if (is_clause(c) || is_close(c))
		return 1;
	for (i = 0; heads[i] != NULL; i++)
		if (starts_with(s, n, heads[i]) && k < n &&
		    is_clause(cp_at(s + k, n - k, &k)))
			return 1;
	return 0;
}

static void
blocks(struct imp_plan *p, int ai)
{
	struct iart	*a = &p->arts[ai];
	struct iblock	*b;
	int		*ord, no = 0, i, j, pass;
	size_t		 k, cut, off, len, n;
	const char	*s;

	ord = xcalloc(p->nlines + 1, sizeof(*ord));
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < (int)p->nlines; i++) {
			struct iline *l = &p->lines[i];

			if (l->art != ai || (pass == 0) != (i > a->title))
				continue;
			if ((l->kind == L_TEXT || l->kind == L_HEADING) &&
			    l->keep == 0)
				continue;
			if (l->kind == L_TEXT || l->kind == L_HEADING ||
			    l->kind == L_CAPTION || l->kind == L_CREDIT)
				ord[no++] = i;
		}
	for (j = 0; j < no; j++) {
		struct iline *l = &p->lines[ord[j]];

		i = ord[j];
		switch (l->kind) {
		case L_HEADING:
			for (k = 0; k < a->nblocks; k++)
				if (a->blocks[k].kind == B_HEAD &&
				    a->blocks[k].text.len == l->len &&
				    memcmp(a->blocks[k].text.p, l->s,
				    l->len) == 0)
					break;
			if (k < a->nblocks) {
				l->dropped = 1;
				l->keep = 0;
				l->why = "repeated heading";
				l->dupof = p->lines[a->blocks[k].last].no;
				l->block = 0;
				p->ndups++;
				break;
			}
			b = new_block(a, B_HEAD, i);
			buf_put(&b->text, l->s, l->len);
			l->block = (int)a->nblocks;
			break;
		case L_CAPTION:
			b = new_block(a, B_FIG, i);
			s = l->s;
			n = l->cap;
			trim(&s, &n);
			buf_put(&b->text, s, n);
			if (l->crdlen > 0)
				buf_put(&b->credit, l->s + l->crd, l->crdlen);
			l->block = (int)a->nblocks;
			p->ncaptions++;
			break;
		case L_CREDIT:
			if (a->nblocks > 0 &&
			    a->blocks[a->nblocks - 1].kind == B_FIG &&
			    a->blocks[a->nblocks - 1].credit.len == 0 &&
			    a->blocks[a->nblocks - 1].last == prev_nb(p, i)) {
				b = &a->blocks[a->nblocks - 1];
			} else {
				b = new_block(a, B_FIG, i);
				p->ncaptions++;
			}
			buf_put(&b->credit, l->s + l->crd, l->crdlen);
			b->last = i;
			l->block = (int)(b - a->blocks) + 1;
			break;
		default:	/* L_TEXT */
			n = l->keep;
			if (credit_at_end(l->s, n, 0, &cut, &off, &len)) {
				free(a->pending);
				a->pending = xstrndup(l->s + off, len);
				l->crd = off;
				l->crdlen = len;
				n = cut;
			}
			for (k = a->nblocks; k > 0; k--)
				if (a->blocks[k - 1].kind != B_FIG)
					break;
			b = k > 0 ? &a->blocks[k - 1] : NULL;
			if (b != NULL && b->kind == B_PARA && b->open &&
			    joinable(p, ai, b->last, i)) {
				buf_put(&b->text, l->s, n);
				b->last = i;
				p->njoined++;
			} else {
				b = new_block(a, B_PARA, i);
				buf_put(&b->text, l->s, n);
				if (starts_mid(l->s, n))
					warn(p, l->no, "paragraph begins "
					    "mid-sentence: its start is missing");
			}
			b->open = !ends_sentence(l->s, n);
			l->block = (int)(b - a->blocks) + 1;
			break;
		}
	}
	/* A credit from a paragraph's end goes to a photo without one. */
	if (a->pending != NULL) {
		for (k = a->nblocks; k > 0; k--)
			if (a->blocks[k - 1].kind == B_FIG &&
			    a->blocks[k - 1].credit.len == 0)
				break;
		if (k > 0)
			buf_puts(&a->blocks[k - 1].credit, a->pending);
		else {
			b = new_block(a, B_FIG, a->title);
			buf_puts(&b->credit, a->pending);
			p->ncaptions++;
		}
		free(a->pending);
		a->pending = NULL;
	}
	for (k = 0; k < a->nblocks; k++) {
		b = &a->blocks[k];
		if (b->kind == B_PARA && b->open) {
			char	 q[64];

			quote(q, sizeof(q), b->text.p, b->text.len, 1);
			warn(p, p->lines[b->last].no, "text cut mid-sentence "
			    "(ends “%s”): the rest is not on this page", q);
		}
	}
	free(ord);
}

/* Warnings about whole articles: no byline, missing beginning. */
static void
article_warnings(struct imp_plan *p, int ai)
{
	struct iart	*a = &p->arts[ai];
	size_t		 k, i;

	if (a->byline < 0)
		warn(p, p->lines[a->title].no, "article has no byline (■ line)");
	for (k = 0; k < a->nblocks; k++)
		if (a->blocks[k].kind == B_PARA)
			break;
	if (k == a->nblocks) {
		warn(p, p->lines[a->title].no, "article has no text");
		return;
	}
	for (i = 0; i < a->nkeys; i++)
		if (find(a->blocks[k].text.p, a->blocks[k].text.len,
		    a->keys[i], strlen(a->keys[i])) != NULL)
			return;
	if (a->nkeys > 0)
		warn(p, p->lines[a->blocks[k].last].no, "article's beginning "
		    "seems missing: its first paragraph does not name %s",
		    a->keys[a->nkeys > 1 ? 1 : 0]);
}

static int
labelcmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Page labels: 上接 belongs to the text after it, 下转 to the text
 * before it. */
static void
labels(struct imp_plan *p)
{
	size_t	 i, k;
	int	 j, t;

	for (i = 0; i < p->nlines; i++) {
		struct iline *l = &p->lines[i];
		struct iart *a;

		if (l->kind != L_JUMP)
			continue;
		t = -1;
		for (j = (int)i; t < 0; ) {
			j = l->up ? next_nb(p, j) : prev_nb(p, j);
			if (j < 0)
				break;
			if (p->lines[j].kind != L_JUMP && p->lines[j].art >= 0 &&
			    !p->lines[j].dropped)
				t = p->lines[j].art;
		}
		if (t < 0)
			continue;
		a = &p->arts[t];
		for (k = 0; k < a->nlabels; k++)
			if (strcmp(a->labels[k], l->label) == 0)
				break;
		if (k == a->nlabels && a->nlabels < 8)
			memcpy(a->labels[a->nlabels++], l->label, 16);
	}
	for (i = 0; i < p->narts; i++)
		qsort(p->arts[i].labels, p->arts[i].nlabels, 16, labelcmp);
}

/*
 * Split one page into articles.  Returns 0 and *out (caller frees with
 * imp_plan_free), or -1 after printing the reason.
 */
int
imp_parse(const char *path, const char *text, size_t len,
    struct imp_plan **out)
{
	struct imp_plan	*p;
	size_t		 bad, i;
	int		 rc = -1;

	*out = NULL;
	p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	if (!utf8_check(text, len, &bad)) {
		diag_err(path, 0, 0, "invalid UTF-8 at byte offset %zu", bad);
		goto out;
	}
	p->text = xstrndup(text, len);
	if (split_lines(p, len) == -1)
		goto out;
	classify(p);
	headings(p);
	if (setup_articles(p) == -1)
		goto out;
	dedupe(p);
	assign(p);
	for (i = 0; i < p->narts; i++)
		blocks(p, (int)i);
	for (i = 0; i < p->narts; i++)
		article_warnings(p, (int)i);
	labels(p);
	for (i = 0; i < p->nlines; i++)
		if (p->lines[i].home < 0 && p->lines[i].kind != L_BLANK)
			warn(p, p->lines[i].no, "text before the first title "
			    "(given to the article it fits best)");
	rc = 0;
out:
	if (rc == 0)
		*out = p;
	else
		imp_plan_free(p);
	return rc;
}

void
imp_plan_free(struct imp_plan *p)
{
	size_t	 i, k;

	if (p == NULL)
		return;
	for (i = 0; i < p->narts; i++) {
		struct iart *a = &p->arts[i];

		free(a->place);
		free(a->head);
		free(a->by);
		free(a->org);
		free(a->slug);
		free(a->pending);
		for (k = 0; k < a->nauthors; k++)
			free(a->authors[k]);
		for (k = 0; k < a->nkeys; k++)
			free(a->keys[k]);
		for (k = 0; k < a->nblocks; k++) {
			buf_free(&a->blocks[k].text);
			buf_free(&a->blocks[k].credit);
		}
		free(a->blocks);
	}
	for (i = 0; i < p->nwarns; i++)
		free(p->warns[i].msg);
	free(p->warns);
	free(p->arts);
	free(p->lines);
	free(p->text);
	free(p->path);
	free(p);
}

/* ---- output ---- */

/* "3-33,57,60-61" from the source lines article ai was built from. */
static void
line_ranges(const struct imp_plan *p, int ai, struct buf *b)
{
	size_t	 i;
	int	 start = -1, last = -1;

	for (i = 0; i < p->nlines; i++) {
		const struct iline *l = &p->lines[i];

		if (l->art != ai || l->kind == L_BLANK || l->kind == L_JUMP ||
		    l->dropped)
			continue;
		if (start >= 0) {
			int	 k;

			for (k = last; k < l->no - 1; k++)
				if (p->lines[k].kind != L_BLANK)
					break;
			if (k == l->no - 1) {
				last = l->no;
				continue;
			}
		}
		if (start >= 0)
			buf_printf(b, last > start ? "%s%d-%d" : "%s%d",
			    b->len ? "," : "", start, last);
		start = last = l->no;
	}
	if (start >= 0)
		buf_printf(b, last > start ? "%s%d-%d" : "%s%d",
		    b->len ? "," : "", start, last);
}

static void
yaml_str(struct buf *b, const char *s)
{
	esc_yaml(b, s, strlen(s));
}

/* A paragraph's first character must not start a Markdown block. */
static void
md_para(struct buf *b, const char *s, size_t n)
{
	size_t	 i = 0;

	if (n > 0 && strchr("#>-+*=<|~`", s[0]) != NULL)
		buf_putc(b, '\\');
	else {
		while (i < n && i < 9 && isdigit((unsigned char)s[i]))
			i++;
		if (i > 0 && i < n && (s[i] == '.' || s[i] == ')')) {
			buf_put(b, s, i);
			buf_putc(b, '\\');
			s += i;
			n -= i;
		}
	}
	buf_put(b, s, n);
}

#define FP_KEY	"  fingerprint: "

/* The whole Markdown file of article ai, fingerprint included. */
static void
render(const struct imp_plan *p, int ai, struct buf *out)
{
	const struct iart *a = &p->arts[ai];
	struct buf	 b, r;
	size_t		 k, fp;
	int		 photos = 0;
	const char	*reg[3];
	size_t		 nreg = 0;

	buf_init(&b);
	buf_init(&r);
	buf_puts(&b, "---\ntitle: ");
	yaml_str(&b, a->head);
	buf_puts(&b, "\nplace: ");
	yaml_str(&b, a->place);
	if (a->reg.prov)
		reg[nreg++] = a->reg.prov;
	if (a->reg.city)
		reg[nreg++] = a->reg.city;
	if (a->reg.county)
		reg[nreg++] = a->reg.county;
	if (nreg > 0) {
		buf_puts(&b, "\nregion: [");
		for (k = 0; k < nreg; k++) {
			if (k)
				buf_puts(&b, ", ");
			yaml_str(&b, reg[k]);
		}
		buf_puts(&b, "]");
	}
	if (a->by != NULL) {
		buf_puts(&b, "\nbyline: ");
		yaml_str(&b, a->by);
	}
	if (a->org != NULL) {
		buf_puts(&b, "\norganization: ");
		yaml_str(&b, a->org);
	} else if (a->nauthors > 0) {
		buf_puts(&b, "\nauthors: [");
		for (k = 0; k < a->nauthors; k++) {
			if (k)
				buf_puts(&b, ", ");
			yaml_str(&b, a->authors[k]);
		}
		buf_puts(&b, "]");
	}
	for (k = 0; k < a->nblocks; k++) {
		if (a->blocks[k].kind != B_FIG)
			continue;
		if (!photos++)
			buf_puts(&b, "\nphotos:");
		buf_puts(&b, "\n  - caption: ");
		esc_yaml(&b, a->blocks[k].text.p, a->blocks[k].text.len);
		if (a->blocks[k].credit.len > 0) {
			buf_puts(&b, "\n    credit: ");
			esc_yaml(&b, a->blocks[k].credit.p,
			    a->blocks[k].credit.len);
		}
	}
	buf_puts(&b, "\nsource:\n  file: ");
	yaml_str(&b, path_base(p->path));
	if (a->nlabels == 1) {
		buf_puts(&b, "\n  page: ");
		yaml_str(&b, a->labels[0]);
	} else if (a->nlabels > 1) {
		buf_puts(&b, "\n  page: [");
		for (k = 0; k < a->nlabels; k++) {
			if (k)
				buf_puts(&b, ", ");
			yaml_str(&b, a->labels[k]);
		}
		buf_puts(&b, "]");
	}
	line_ranges(p, ai, &r);
	buf_puts(&b, "\n  lines: ");
	esc_yaml(&b, r.p, r.len);
	buf_puts(&b, "\nimport:\n");
	fp = b.len;
	buf_puts(&b, "---\n");
	for (k = 0; k < a->nblocks; k++) {
		const struct iblock *bl = &a->blocks[k];

		buf_putc(&b, '\n');
		switch (bl->kind) {
		case B_PARA:
			md_para(&b, bl->text.p, bl->text.len);
			buf_putc(&b, '\n');
			break;
		case B_HEAD:
			buf_puts(&b, "## ");
			buf_put(&b, bl->text.p, bl->text.len);
			buf_putc(&b, '\n');
			break;
		case B_FIG:
			buf_puts(&b, "<figure class=\"photo\">\n<figcaption>");
			esc_html(&b, bl->text.p, bl->text.len);
			if (bl->credit.len > 0) {
				buf_puts(&b, "<small>");
				esc_html(&b, bl->credit.p, bl->credit.len);
				buf_puts(&b, "</small>");
			}
			buf_puts(&b, "</figcaption>\n</figure>\n");
			break;
		}
	}
	/* The fingerprint covers every byte but its own line. */
	buf_put(out, b.p, fp);
	buf_printf(out, FP_KEY "\"%016llx\"\n",
	    (unsigned long long)hash64(b.p, b.len, 0));
	buf_put(out, b.p + fp, b.len - fp);
	buf_free(&b);
	buf_free(&r);
}

/*
 * Was the file at s (n bytes) written by import and left untouched?
 * 1 yes, 0 edited (or not ours).
 */
static int
untouched(const char *s, size_t n)
{
	const char	*f, *e;
	struct buf	 b;
	unsigned long long want;
	int		 ok;

	if ((f = find(s, n, "\n" FP_KEY "\"", strlen(FP_KEY) + 2)) == NULL)
		return 0;
	f++;
	if ((e = memchr(f, '\n', n - (size_t)(f - s))) == NULL)
		return 0;
	if (sscanf(f + strlen(FP_KEY) + 1, "%16llx", &want) != 1)
		return 0;
	buf_init(&b);
	buf_put(&b, s, (size_t)(f - s));
	buf_put(&b, e + 1, n - (size_t)(e + 1 - s));
	ok = hash64(b.p, b.len, 0) == (uint64_t)want;
	buf_free(&b);
	return ok;
}

static const char *
line_kind(const struct iline *l)
{
	if (l->kind == L_TEXT && l->dropped)
		return "paragraph";
	return kind_name[l->kind];
}

static const char *
drop_reason(const struct iline *l, char *tmp, size_t sz)
{
	if (l->kind == L_JUMP)
		snprintf(tmp, sz, "page-jump marker (%s %s)",
		    l->up ? "continued from page" : "continues on page",
		    l->label);
	else if (l->why != NULL && l->dupof > 0)
		snprintf(tmp, sz, "%s of line %d", l->why, l->dupof);
	else if (l->why != NULL)
		snprintf(tmp, sz, "%s", l->why);
	else
		snprintf(tmp, sz, "dropped");
	return tmp;
}

/* The dropped part of line l: all of it, its tail, or a credit that
 * went to a photo: returns its length (0: nothing), *off its start. */
static size_t
dropped_part(const struct iline *l, size_t *off)
{
	if (l->kind == L_JUMP || l->dropped) {
		*off = 0;
		return l->len;
	}
	if ((l->kind == L_TEXT) && l->keep < l->len) {
		*off = l->keep;
		while (*off < l->len && is_space((unsigned char)l->s[*off]))
			(*off)++;
		return l->len - *off;
	}
	*off = 0;
	return 0;
}

/* The import plan of one page, one line per source line. */
void
imp_dump(const struct imp_plan *p, struct buf *b)
{
	size_t	 i, off, n;
	char	 tmp[256];

	buf_printf(b, "== %s: %zu articles\n", path_base(p->path), p->narts);
	for (i = 0; i < p->narts; i++) {
		struct buf r;

		buf_init(&r);
		line_ranges(p, (int)i, &r);
		buf_printf(b, "article %zu %s \"%s\" lines %s\n", i + 1,
		    p->arts[i].slug ? p->arts[i].slug : "-", p->arts[i].head,
		    r.p);
		buf_free(&r);
	}
	for (i = 0; i < p->nlines; i++) {
		const struct iline *l = &p->lines[i];

		if (l->kind == L_BLANK)
			continue;
		buf_printf(b, "%d\t%s\t", l->no, line_kind(l));
		if (l->art >= 0 && !l->dropped && l->kind != L_JUMP) {
			buf_printf(b, "%d.%d", l->art + 1, l->block);
			if (l->moved)
				buf_printf(b, " (moved from %d)", l->home + 1);
		} else
			buf_puts(b, "-");
		if ((n = dropped_part(l, &off)) > 0 && !l->dropped &&
		    l->kind != L_JUMP)
			buf_printf(b, " tail dropped: %s", drop_reason(l, tmp,
			    sizeof(tmp)));
		else if (n > 0)
			buf_printf(b, " dropped: %s", drop_reason(l, tmp,
			    sizeof(tmp)));
		buf_putc(b, '\n');
	}
	for (i = 0; i < p->nwarns; i++)
		buf_printf(b, "warning: line %d: %s\n", p->warns[i].line,
		    p->warns[i].msg);
}

static void
report_page(const struct imp_plan *p, struct buf *b)
{
	size_t	 i, off, n;
	char	 tmp[256];
	int	 any;

	buf_puts(b, "  - file: ");
	yaml_str(b, path_base(p->path));
	buf_puts(b, "\n    articles:\n");
	for (i = 0; i < p->narts; i++) {
		struct buf r;

		buf_init(&r);
		line_ranges(p, (int)i, &r);
		buf_puts(b, "      - {slug: ");
		yaml_str(b, p->arts[i].slug);
		buf_puts(b, ", title: ");
		yaml_str(b, p->arts[i].head);
		buf_puts(b, ", lines: ");
		esc_yaml(b, r.p, r.len);
		buf_printf(b, ", blocks: %zu}\n", p->arts[i].nblocks);
		buf_free(&r);
	}
	buf_puts(b, "    lines:\n");
	for (i = 0; i < p->nlines; i++) {
		const struct iline *l = &p->lines[i];

		if (l->kind == L_BLANK)
			continue;
		buf_printf(b, "      - {line: %d, kind: \"%s\"", l->no,
		    line_kind(l));
		if (l->art >= 0 && !l->dropped && l->kind != L_JUMP) {
			buf_puts(b, ", article: ");
			yaml_str(b, p->arts[l->art].slug);
			buf_printf(b, ", block: %d", l->block);
			if (l->moved)
				buf_printf(b, ", moved_from: %d", l->home + 1);
		}
		if ((n = dropped_part(l, &off)) > 0) {
			buf_puts(b, ", dropped: ");
			yaml_str(b, drop_reason(l, tmp, sizeof(tmp)));
		}
		buf_puts(b, "}\n");
	}
	buf_puts(b, "    dropped:");
	for (any = 0, i = 0; i < p->nlines; i++) {
		const struct iline *l = &p->lines[i];

		if ((n = dropped_part(l, &off)) == 0)
			continue;
		any = 1;
		buf_printf(b, "\n      - {line: %d, text: ", l->no);
		esc_yaml(b, l->s + off, n);
		buf_puts(b, ", reason: ");
		yaml_str(b, drop_reason(l, tmp, sizeof(tmp)));
		buf_puts(b, "}");
	}
	/* Marks that carry no text of their own: a title's colon, a
	 * byline's ■, the brackets around a credit taken from a paragraph. */
	for (i = 0; i < p->nlines; i++) {
		const struct iline *l = &p->lines[i];
		size_t	 colon, clen;

		if (l->kind == L_TITLE && title_shape(l->s, l->len, &colon,
		    &clen)) {
			buf_printf(b, "\n      - {line: %d, text: ", l->no);
			esc_yaml(b, l->s + colon, clen);
			buf_puts(b, ", reason: \"title separator: place and "
			    "headline go to the front matter\"}");
			any = 1;
		} else if (l->kind == L_BYLINE && l->art >= 0) {
			buf_printf(b, "\n      - {line: %d, text: ", l->no);
			esc_yaml(b, l->s, 3);
			buf_puts(b, ", reason: \"byline mark\"}");
			any = 1;
		} else if (l->kind == L_TEXT && l->crdlen > 0 && l->crd > 0) {
			size_t	 o = l->s[l->crd - 1] == '(' ? 1 : 3;

			buf_printf(b, "\n      - {line: %d, text: ", l->no);
			esc_yaml(b, l->s + l->crd - o, o);
			buf_puts(b, ", reason: \"brackets around a photo "
			    "credit\"}");
			buf_printf(b, "\n      - {line: %d, text: ", l->no);
			esc_yaml(b, l->s + l->crd + l->crdlen,
			    l->len - l->crd - l->crdlen);
			buf_puts(b, ", reason: \"brackets around a photo "
			    "credit\"}");
			any = 1;
		}
	}
	buf_puts(b, any ? "\n" : " []\n");
	buf_puts(b, "    warnings:");
	for (i = 0; i < p->nwarns; i++) {
		buf_printf(b, "\n      - {line: %d, message: ", p->warns[i].line);
		yaml_str(b, p->warns[i].msg);
		buf_puts(b, "}");
	}
	buf_puts(b, p->nwarns ? "\n" : " []\n");
	buf_printf(b, "    summary: {articles: %zu, joined: %zu, captions: %zu, "
	    "moved: %zu, duplicates: %zu, warnings: %zu}\n", p->narts,
	    p->njoined, p->ncaptions, p->nmoved, p->ndups, p->nwarns);
}

/* Give every article a slug, unique over all pages: -2, -3, ... */
static void
name_articles(struct imp_plan **plans, int n)
{
	char	**used = NULL, *base, *s;
	size_t	 nused = 0, u;
	int	 i, k;
	size_t	 a;

	for (i = 0; i < n; i++)
		for (a = 0; plans[i] != NULL && a < plans[i]->narts; a++) {
			base = slug_make(plans[i]->arts[a].head, SLUG_MAX);
			if (base[0] == '\0') {
				free(base);
				base = xstrdup("article");
			}
			s = xstrdup(base);
			for (k = 2; ; k++) {
				for (u = 0; u < nused; u++)
					if (strcmp(used[u], s) == 0)
						break;
				if (u == nused)
					break;
				free(s);
				s = xasprintf("%s-%d", base, k);
			}
			free(base);
			used = xreallocarray(used, nused + 1, sizeof(*used));
			used[nused++] = s;
			plans[i]->arts[a].slug = xstrdup(s);
		}
	for (u = 0; u < nused; u++)
		free(used[u]);
	free(used);
}

/* Write one article unless a hand edit would be lost.  0 / -1. */
static int
write_article(const struct imp_opts *o, const char *path, struct buf *b)
{
	struct buf	 old;
	struct stat	 st;
	int		 rc = -1;

	buf_init(&old);
	if (stat(path, &st) == 0) {
		if (file_read(path, &old) == -1)
			goto out;
		if (old.len == b->len && memcmp(old.p, b->p, b->len) == 0) {
			rc = 0;		/* unchanged */
			goto out;
		}
		if (!o->force && !untouched(old.p, old.len)) {
			diag_err(path, 0, 0, "edited by hand since it was "
			    "imported (fingerprint differs); not overwritten "
			    "(use --force to replace it)");
			goto out;
		}
	}
	if (file_write_atomic(path, b->p, b->len) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&old);
	return rc;
}

int
imp_run(const struct imp_opts *o, char **pages, int n)
{
	struct imp_plan	**plans;
	struct buf	 in, out, rep;
	char		 path[4096];
	int		 i, rc = 0;
	size_t		 a, w;

	plans = xcalloc((size_t)n, sizeof(*plans));
	for (i = 0; i < n; i++) {
		buf_init(&in);
		if (file_read(pages[i], &in) == -1 ||
		    imp_parse(pages[i], in.p, in.len, &plans[i]) == -1)
			rc = 1;
		buf_free(&in);
	}
	name_articles(plans, n);
	buf_init(&rep);
	buf_puts(&rep, "# folio import report: every source line, where it "
	    "went or why it was dropped\npages:\n");
	for (i = 0; i < n; i++) {
		struct imp_plan *p = plans[i];

		if (p == NULL)
			continue;
		if (o->dump) {
			buf_init(&out);
			imp_dump(p, &out);
			fwrite(out.p, 1, out.len, stdout);
			buf_free(&out);
		} else {
			if (mkdir_p(o->outdir) == -1) {
				rc = 1;
				break;
			}
			for (a = 0; a < p->narts; a++) {
				buf_init(&out);
				render(p, (int)a, &out);
				if (snprintf(path, sizeof(path), "%s/%s.md",
				    o->outdir, p->arts[a].slug) >=
				    (int)sizeof(path)) {
					diag_err(o->outdir, 0, 0, "path too long");
					rc = 1;
				} else if (write_article(o, path, &out) == -1)
					rc = 1;
				buf_free(&out);
			}
		}
		report_page(p, &rep);
		for (w = 0; w < p->nwarns; w++)
			diag_warn(p->path, p->warns[w].line, 0, "%s",
			    p->warns[w].msg);
		diag_info("%s: %zu articles, %zu lines joined, %zu captions, "
		    "%zu moved, %zu duplicates dropped, %zu warnings", p->path,
		    p->narts, p->njoined, p->ncaptions, p->nmoved, p->ndups,
		    p->nwarns);
	}
	if (o->report != NULL && !o->dump &&
	    file_write_atomic(o->report, rep.p, rep.len) == -1)
		rc = 1;
	buf_free(&rep);
	for (i = 0; i < n; i++)
		imp_plan_free(plans[i]);
	free(plans);
	return rc;
}
