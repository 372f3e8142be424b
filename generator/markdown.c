/*
 * markdown.c: load stage, part two.  Takes an article's Markdown body,
 * parses it once with cmark-gfm (table, strikethrough, autolink,
 * tagfilter) and hands on the body HTML, the plain text (one block per
 * line, for search and topics) and the headings with stable ids.
 *
 * Raw HTML is escaped (shown as text) unless site.yaml allows it, with
 * one exception: a photo caption block written by folio import,
 *   <figure class="photo">
 *   <figcaption>CAPTION<small>CREDIT</small></figcaption>
 *   </figure>
 * is recognised and re-rendered from its text, escaped.
 */
#define _GNU_SOURCE		/* RTLD_NEXT */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "folio.h"

static const char fig_open[] = "<figure class=\"photo\">";
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static const char *
find(const char *s, const char *end, const char *what)
{
	size_t	 n = strlen(what);

	for (; s + n <= end; s++)
		if (memcmp(s, what, n) == 0)
			return s;
	return NULL;
}

/*
 * If html is a folio photo block, set caption and credit (caller
 * frees both) and return 1; else 0.
 */
static int
parse_figure(const char *html, char **caption, char **credit)
{
	const char	*end = html + strlen(html), *p, *q, *s, *e;
	struct buf	 cap, cre;

	while (end > html && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (strncmp(html, fig_open, sizeof(fig_open) - 1) != 0 ||
	    end - html < 9 || memcmp(end - 9, "</figure>", 9) != 0)
		return 0;
	if ((p = find(html, end, "<figcaption>")) == NULL ||
	    (q = find(p, end, "</figcaption>")) == NULL)
		return 0;
	p += strlen("<figcaption>");
	buf_init(&cap);
	buf_init(&cre);
	if ((s = find(p, q, "<small>")) != NULL &&
	    (e = find(s, q, "</small>")) != NULL) {
		if (memchr(p, '<', (size_t)(s - p)) ||
		    memchr(s + 7, '<', (size_t)(e - s - 7)) ||
		    memchr(e + 8, '<', (size_t)(q - e - 8)))
			return 0;
		unesc_html(&cap, p, (size_t)(s - p));
		unesc_html(&cre, s + 7, (size_t)(e - s - 7));
	} else {
		if (memchr(p, '<', (size_t)(q - p)))
			return 0;
		unesc_html(&cap, p, (size_t)(q - p));
	}
	*caption = buf_take(&cap);
	*credit = buf_take(&cre);
	return 1;
}

static cmark_node *
text_node(const char *s)
{
	cmark_node	*t = cmark_node_new(CMARK_NODE_TEXT);

	cmark_node_set_literal(t, s);
	return t;
}

/*
 * Walk the tree once: photo blocks become custom blocks with escaped
 * HTML, other raw HTML becomes text unless raw_html.  Nodes are
 * replaced after the walk (the iterator must not see them change).
 */
static void
fix_html(cmark_node *doc, int raw_html)
{
	cmark_iter	*it;
	cmark_node	*n, **todo = NULL, *rep, *para;
	size_t		 ntodo = 0, i;
	char		*cap, *cre;
	struct buf	 h;

	it = cmark_iter_new(doc);
	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (cmark_iter_get_event_type(it) != CMARK_EVENT_ENTER)
			continue;
		if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK ||
		    (!raw_html &&
		    cmark_node_get_type(n) == CMARK_NODE_HTML_INLINE)) {
			todo = xreallocarray(todo, ntodo + 1, sizeof(*todo));
			todo[ntodo++] = n;
		}
	}
	cmark_iter_free(it);
	for (i = 0; i < ntodo; i++) {
		n = todo[i];
		if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK &&
		    parse_figure(cmark_node_get_literal(n), &cap, &cre)) {
			buf_init(&h);
			buf_puts(&h, "<figure class=\"photo\">\n<figcaption>");
			esc_html(&h, cap, strlen(cap));
			if (*cre) {
				buf_puts(&h, " <small>");
				esc_html(&h, cre, strlen(cre));
				buf_puts(&h, "</small>");
			}
			buf_puts(&h, "</figcaption>\n</figure>\n");
			rep = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
			cmark_node_set_on_enter(rep, h.p);
			cmark_node_set_on_exit(rep, "");
			cmark_node_replace(n, rep);
			cmark_node_free(n);
			free(cap);
			free(cre);
			buf_free(&h);
		} else if (raw_html) {
			continue;
		} else if (cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK) {
			para = cmark_node_new(CMARK_NODE_PARAGRAPH);
			cap = xstrdup(cmark_node_get_literal(n));
			/* Drop the block's trailing newline. */
			if (*cap && cap[strlen(cap) - 1] == '\n')
				cap[strlen(cap) - 1] = '\0';
			cmark_node_append_child(para, text_node(cap));
			free(cap);
			cmark_node_replace(n, para);
			cmark_node_free(n);
		} else {
			rep = text_node(cmark_node_get_literal(n));
			cmark_node_replace(n, rep);
			cmark_node_free(n);
		}
	}
	free(todo);
}

/* Is the last byte written to b part of a non-ASCII character? */
static int
wide_before(const struct buf *b)
{
	return b->len > 0 && (unsigned char)b->p[b->len - 1] >= 0x80;
}

/* Append the inline text below n (non-recursive walk). */
static void
inline_text(cmark_node *n, struct buf *b)
{
	cmark_iter	*it = cmark_iter_new(n);
	cmark_node	*c;
	const char	*lit;

	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		if (cmark_iter_get_event_type(it) != CMARK_EVENT_ENTER)
			continue;
		c = cmark_iter_get_node(it);
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			if ((lit = cmark_node_get_literal(c)) != NULL)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			if (!wide_before(b))
				buf_putc(b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

/* Text of one block: newlines inside it become spaces. */
static void
block_line(struct buf *text, const char *s, size_t n)
{
	size_t	 i, k;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' '))
		n--;
	for (i = 0; i < n; i++) {
		for (k = i; k < n && s[k] != '\n' && s[k] != '\r'; k++)
			continue;
		buf_put(text, s + i, k - i);	/* a run, then its break */
		if ((i = k) < n)
			buf_putc(text, ' ');
	}
	buf_putc(text, '\n');
}

/*
 * Plain text and headings: one line per paragraph, heading, table
 * cell, code block and photo caption.
 */
static void
collect(struct article *a, cmark_node *doc, struct buf *text)
{
	cmark_iter	*it = cmark_iter_new(doc);
	cmark_node	*n;
	struct buf	 b;
	const char	*lit, *p, *q;
	int		 t;

	buf_init(&b);
	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		if (cmark_iter_get_event_type(it) != CMARK_EVENT_ENTER)
			continue;
		n = cmark_iter_get_node(it);
		t = cmark_node_get_type(n);
		buf_truncate(&b, 0);
		if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
		    strcmp(cmark_node_get_type_string(n), "table_cell") == 0)
			inline_text(n, &b);
		else if (t == CMARK_NODE_CODE_BLOCK ||
		    (t == CMARK_NODE_HTML_BLOCK) ||
		    (t == CMARK_NODE_CUSTOM_BLOCK)) {
			lit = t == CMARK_NODE_CUSTOM_BLOCK ?
			    cmark_node_get_on_enter(n) :
			    cmark_node_get_literal(n);
			if (lit == NULL)
				continue;
			if (t == CMARK_NODE_CUSTOM_BLOCK &&
			    (p = strstr(lit, "<figcaption>")) != NULL &&
			    (q = strstr(p, "</figcaption>")) != NULL) {
				/* Caption text, tags dropped, entities kept
				 * decoded for search. */
				struct buf	 raw;
				const char	*s;

				buf_init(&raw);
				p += strlen("<figcaption>");
				for (s = p; s < q; s++) {
					if (*s == '<') {
						while (s < q && *s != '>')
							s++;
						continue;
					}
					buf_putc(&raw, *s);
				}
				unesc_html(&b, raw.p, raw.len);
				buf_free(&raw);
			} else
				buf_puts(&b, lit);
		} else
			continue;
		if (t == CMARK_NODE_HEADING && b.len > 0) {
			struct heading	*h;
			char		*base;
			size_t		 k, dup = 1;

			a->heads = xreallocarray(a->heads, a->nheads + 1,
			    sizeof(*a->heads));
			h = &a->heads[a->nheads];
			h->level = cmark_node_get_heading_level(n);
			h->text = xstrndup(b.p, b.len);
			/* A short hash of the text: stable when other
			 * headings come or go, and cheap (no ICU). */
			base = xasprintf("h-%08llx", (unsigned long long)
			    (hash64(b.p, b.len, 0) & 0xffffffffULL));
			h->id = xstrdup(base);
			for (k = 0; k < a->nheads; k++)
				if (strcmp(a->heads[k].id, h->id) == 0) {
					free(h->id);
					h->id = xasprintf("%s-%zu", base,
					    ++dup);
					k = (size_t)-1;
				}
			free(base);
			a->nheads++;
		}
		if (b.len > 0)
			block_line(text, b.p, b.len);
	}
	cmark_iter_free(it);
	buf_free(&b);
}

/*
 * Give each "<hN>" the renderer wrote an id, in document order.  Only
 * bare "<hN>" tags count, which cmark writes and escaped content
 * cannot contain.
 */
static char *
add_ids(const struct article *a, const char *html)
{
	struct buf	 b;
	const char	*p = html, *q;
	size_t		 i = 0;

	buf_init(&b);
	while ((q = strstr(p, "<h")) != NULL) {
		buf_put(&b, p, (size_t)(q - p));
		if (q[2] >= '1' && q[2] <= '6' && q[3] == '>' &&
		    i < a->nheads) {
			buf_printf(&b, "<h%c id=\"", q[2]);
			esc_html(&b, a->heads[i].id, strlen(a->heads[i].id));
			buf_puts(&b, "\">");
			i++;
			p = q + 4;
		} else {
			buf_put(&b, q, 2);
			p = q + 2;
		}
	}
	buf_puts(&b, p);
	return buf_take(&b);
}

static void
attach(cmark_parser *p, const char *name)
{
	cmark_syntax_extension *ext = cmark_find_syntax_extension(name);

	if (ext == NULL)
		errx_fatal("cmark-gfm extension %s missing", name);
	cmark_parser_attach_syntax_extension(p, ext);
}

/*
 * cmark-gfm keeps one global table of the characters that start inline
 * syntax, and cmark_parser_finish switches the extensions' entries on
 * before its inline pass and off after it (the autolink extension's ':'
 * and 'w', strikethrough's '~', table's '|'), so one thread finishing a
 * parse drops another's autolinks mid-parse.  folio attaches the same
 * extensions to every parser, so the entries can be switched on once
 * and left on.  The library calls this function through its PLT, so
 * this definition takes the place of its own for those calls; md_setup
 * calls the library's once.  t-unit parses in four threads at once and
 * compares with one thread.
 */
void
cmark_manage_extensions_special_characters(cmark_parser *p, int add)
{
	(void)p;
	(void)add;
}

static cmark_parser *
md_parser(int opts)
{
	cmark_parser	*p = cmark_parser_new(opts);

	attach(p, "table");
	attach(p, "strikethrough");
	attach(p, "autolink");
	attach(p, "tagfilter");
	return p;
}

static void
md_setup(void)
{
	void		(*lib)(cmark_parser *, int);
	cmark_parser	*p;

	cmark_gfm_core_extensions_ensure_registered();
	*(void **)&lib = dlsym(RTLD_NEXT,
	    "cmark_manage_extensions_special_characters");
	if (lib == NULL || lib == cmark_manage_extensions_special_characters)
		errx_fatal("cmark-gfm: no cmark_manage_extensions_special_"
		    "characters");
	p = md_parser(0);
	lib(p, 1);
	cmark_parser_free(p);
}

/*
 * The hash of a's text the stages' keys use (the terms memo's, the
 * search documents'): what md_render or the load memo put in
 * a->texthash, else made now (an article made by hand, in tests).
 */
uint64_t
art_texthash(const struct article *a)
{
	uint64_t	 h;

	if (a->texthash != 0 || a->text == NULL)
		return a->texthash;
	h = hash_words(a->text, strlen(a->text), 0x74657874ULL);
	return h ? h : 1;
}

/*
 * Render a->body into a->html, a->text (and a->texthash) and a->heads.
 * Returns 0 (cmark accepts any input; invalid UTF-8 was rejected by
 * fm_parse).
 */
int
md_render(struct article *a, int raw_html)
{
	cmark_parser	*p;
	cmark_node	*doc;
	struct buf	 text;
	char		*html;
	int		 opts = CMARK_OPT_UNSAFE;	/* fm_parse checked UTF-8 */

	buf_init(&text);
	pthread_once(&md_once, md_setup);
	p = md_parser(opts);
	cmark_parser_feed(p, a->body ? a->body : "",
	    a->body ? strlen(a->body) : 0);
	doc = cmark_parser_finish(p);
	fix_html(doc, raw_html);
	collect(a, doc, &text);
	html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	a->html = add_ids(a, html);
	free(html);
	a->figures = strstr(a->html, "<figure") != NULL;
	a->text = buf_take(&text);
	a->texthash = art_texthash(a);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return 0;
}
