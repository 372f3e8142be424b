/*
 * feed.c: render stage, the machine-readable outputs.  Takes the
 * rendered site and its articles; hands on feed.xml (Atom 1.0, the
 * latest FEED_MAX dated articles with full content), sitemap.xml (every
 * page), robots.txt, and the JSON-LD NewsArticle block of each article
 * page.  Feed and sitemap need absolute URLs, so base_url.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

#define FEED_MAX	20	/* entries in feed.xml */

/* "key":"value" (escaped), with a comma before it unless first. */
static void
jstr(struct buf *b, const char *key, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	if (b->len > 0 && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[')
		buf_putc(b, ',');
	buf_putc(b, '"');
	buf_puts(b, key);
	buf_puts(b, "\":\"");
	esc_json(b, v, strlen(v));
	buf_putc(b, '"');
}

/*
 * The JSON-LD of an article page: a schema.org NewsArticle with its
 * headline, description, dates, authors (or organization), publisher,
 * place and tags.  Every string goes through esc_json, which also
 * escapes < > &, so the result is safe inside <script>.  Caller frees.
 * An article page's render key does not hash it (browse_jsonld): only
 * what the article's map holds otherwise, or site.yaml, may go in.
 */
char *
feed_jsonld(const struct build *b, const struct article *a,
    const char *summary)
{
	struct buf	 j;
	size_t		 i;

	buf_init(&j);
	buf_puts(&j, "{\"@context\":\"https://schema.org\","
	    "\"@type\":\"NewsArticle\"");
	jstr(&j, "headline", a->title);
	jstr(&j, "description", summary);
	jstr(&j, "inLanguage", b->site.language);
	jstr(&j, "datePublished", a->date);
	jstr(&j, "dateModified", a->date);
	if (b->site.base_url != NULL) {
		char *u = xasprintf("%s/articles/%s.html", b->site.base_url,
		    a->slug);

		jstr(&j, "url", u);
		jstr(&j, "mainEntityOfPage", u);
		free(u);
	}
	if (a->authors != NULL && a->authors->n > 0) {
		buf_puts(&j, ",\"author\":[");
		for (i = 0; i < a->authors->n; i++) {
			buf_puts(&j, i ? ",{" : "{");
			jstr(&j, "@type", "Person");
			jstr(&j, "name", a->authors->kids[i]->s);
			buf_putc(&j, '}');
		}
		buf_putc(&j, ']');
	} else if (a->organization != NULL) {
		buf_puts(&j, ",\"author\":{");
		jstr(&j, "@type", "Organization");
		jstr(&j, "name", a->organization);
		buf_putc(&j, '}');
	}
	buf_puts(&j, ",\"publisher\":{");
	jstr(&j, "@type", "Organization");
	jstr(&j, "name", b->site.publisher ? b->site.publisher :
	    b->site.title);
	buf_putc(&j, '}');
	if (a->place != NULL) {
		buf_puts(&j, ",\"contentLocation\":{");
		jstr(&j, "@type", "Place");
		jstr(&j, "name", a->place);
		buf_putc(&j, '}');
	}
	if (a->tags != NULL && a->tags->n > 0) {
		buf_puts(&j, ",\"keywords\":[");
		for (i = 0; i < a->tags->n; i++) {
			buf_puts(&j, i ? ",\"" : "\"");
			esc_json(&j, a->tags->kids[i]->s,
			    a->tags->kids[i]->slen);
			buf_putc(&j, '"');
		}
		buf_putc(&j, ']');
	}
	buf_putc(&j, '}');
	return buf_take(&j);
}

/* <tag>escaped text</tag> */
static void
xel(struct buf *b, const char *tag, const char *v)
{
	if (v == NULL)
		return;
	buf_printf(b, "<%s>", tag);
	esc_xml(b, v, strlen(v));
	buf_printf(b, "</%s>\n", tag);
}

static int
write_feed(struct build *b)
{
	const char	*base = b->site.base_url;
	struct article	*a;
	struct val	*item;
	struct buf	 x;
	size_t		 i, k, n = 0;
	char		*url;
	int		 rc;

	buf_init(&x);
	buf_puts(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
	esc_xml(&x, b->site.language, strlen(b->site.language));
	buf_puts(&x, "\">\n");
	xel(&x, "title", b->site.title);
	if (b->site.description && *b->site.description)
		xel(&x, "subtitle", b->site.description);
	buf_puts(&x, "<link rel=\"self\" type=\"application/atom+xml\" "
	    "href=\"");
	esc_xml(&x, base, strlen(base));
	buf_puts(&x, "/feed.xml\"/>\n<link rel=\"alternate\" "
	    "type=\"text/html\" href=\"");
	esc_xml(&x, base, strlen(base));
	buf_puts(&x, "/index.html\"/>\n<id>");
	esc_xml(&x, base, strlen(base));
	buf_puts(&x, "/</id>\n");
	/* Newest article's date: the same bytes for the same content. */
	for (i = 0; i < b->narts && b->arts[i]->date == NULL; i++)
		continue;
	buf_printf(&x, "<updated>%sT00:00:00Z</updated>\n<author>",
	    i < b->narts ? b->arts[i]->date : "1970-01-01");
	xel(&x, "name", b->site.author ? b->site.author : b->site.title);
	buf_puts(&x, "</author>\n");
	xel(&x, "generator", "folio");
	for (i = 0; i < b->narts && n < FEED_MAX; i++) {
		a = b->arts[i];
		if (a->date == NULL)
			continue;
		n++;
		url = xasprintf("%s/articles/%s.html", base, a->slug);
		buf_puts(&x, "<entry xml:base=\"");
		esc_xml(&x, url, strlen(url));
		buf_puts(&x, "\">\n");
		xel(&x, "title", a->title);
		buf_puts(&x, "<link rel=\"alternate\" type=\"text/html\" "
		    "href=\"");
		esc_xml(&x, url, strlen(url));
		buf_puts(&x, "\"/>\n");
		xel(&x, "id", url);
		buf_printf(&x, "<published>%sT00:00:00Z</published>\n"
		    "<updated>%sT00:00:00Z</updated>\n", a->date, a->date);
		for (k = 0; a->authors != NULL && k < a->authors->n; k++) {
			buf_puts(&x, "<author>");
			xel(&x, "name", a->authors->kids[k]->s);
			buf_puts(&x, "</author>\n");
		}
		if ((a->authors == NULL || a->authors->n == 0) &&
		    a->organization != NULL) {
			buf_puts(&x, "<author>");
			xel(&x, "name", a->organization);
			buf_puts(&x, "</author>\n");
		}
		for (k = 0; a->tags != NULL && k < a->tags->n; k++) {
			buf_puts(&x, "<category term=\"");
			esc_xml(&x, a->tags->kids[k]->s,
			    a->tags->kids[k]->slen);
			buf_puts(&x, "\"/>\n");
		}
		item = ctx_item(a);
		xel(&x, "summary", val_gets(item, "summary"));
		val_free(item);
		buf_puts(&x, "<content type=\"html\">");
		esc_xml(&x, a->html, strlen(a->html));
		buf_puts(&x, "</content>\n</entry>\n");
		free(url);
	}
	buf_puts(&x, "</feed>\n");
	rc = out_put(b->out, "feed.xml", x.p, x.len);
	buf_free(&x);
	return rc;
}

/* Every HTML page written so far but 404.html. */
static int
write_sitemap(struct build *b)
{
	const char	*base = b->site.base_url;
	struct buf	 x, u;
	char		**f;
	size_t		 i, n, len;
	int		 rc;

	buf_init(&x);
	buf_init(&u);
	buf_puts(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
	    "\n");
	f = out_files(b->out, &n);
	for (i = 0; i < n; i++) {
		len = strlen(f[i]);
		if (len < 5 || strcmp(f[i] + len - 5, ".html") != 0 ||
		    strcmp(f[i], "404.html") == 0)
			continue;
		buf_puts(&x, "<url><loc>");
		esc_xml(&x, base, strlen(base));
		buf_putc(&x, '/');
		buf_truncate(&u, 0);
		esc_url(&u, f[i], len);
		esc_xml(&x, u.p, u.len);
		buf_puts(&x, "</loc></url>\n");
	}
	buf_puts(&x, "</urlset>\n");
	rc = out_put(b->out, "sitemap.xml", x.p, x.len);
	buf_free(&x);
	buf_free(&u);
	return rc;
}

/*
 * robots.txt always; feed.xml and sitemap.xml when site.yaml has a
 * base_url (a warning otherwise).  Call after every page is rendered.
 * Returns 0, or -1 after a message.
 */
int
feed_write(struct build *b)
{
	struct buf	 r;
	int		 rc;

	buf_init(&r);
	buf_puts(&r, "User-agent: *\nAllow: /\n");
	if (b->site.base_url != NULL)
		buf_printf(&r, "Sitemap: %s/sitemap.xml\n", b->site.base_url);
	rc = out_put(b->out, "robots.txt", r.p, r.len);
	buf_free(&r);
	if (rc == -1)
		return -1;
	if (b->site.base_url == NULL) {
		diag_warn(b->site.config_path, 0, 0, "no base_url: feed.xml "
		    "and sitemap.xml are not written");
		return 0;
	}
	if (write_feed(b) == -1)
		return -1;
	return write_sitemap(b);
}
