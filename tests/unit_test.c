/*
 * unit_test.c: small tests of the pure data structures (buf, val,
 * UTF-8, escaping, slugs).  Prints "ok N - what" / "not ok N - what"
 * and a last line "N passed, N failed".
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio.h"
#include "testhelp.h"


static void
test_buf(void)
{
	struct buf	 b;
	char		*p;
	int		 i;

	buf_init(&b);
	STR_EQ(b.p, "", "empty buf is a NUL-terminated empty string");
	for (i = 0; i < 1000; i++)
		buf_putc(&b, 'a' + i % 26);
	INT_EQ(b.len, 1000, "buf grows to 1000 bytes");
	INT_EQ(b.p[1000], 0, "buf stays NUL-terminated");
	buf_truncate(&b, 3);
	STR_EQ(b.p, "abc", "buf_truncate");
	buf_printf(&b, "%d-%s", 42, "x");
	STR_EQ(b.p, "abc42-x", "buf_printf appends");
	p = buf_take(&b);
	STR_EQ(p, "abc42-x", "buf_take hands the bytes on");
	INT_EQ(b.len, 0, "buf_take leaves the buf empty");
	free(p);
	p = buf_take(&b);
	STR_EQ(p, "", "buf_take of an empty buf gives a freeable string");
	free(p);
	buf_free(&b);
}

static void
test_val(void)
{
	struct val	*m = val_map(), *l = val_list(), *c;

	val_set(m, "a", val_str("x"));
	val_set(m, "a", val_str("y"));
	INT_EQ(m->n, 1, "val_set replaces an existing key");
	STR_EQ(val_gets(m, "a"), "y", "val_gets");
	val_push(l, val_num(1.210));
	STR_EQ(l->kids[0]->s, "1.21", "numbers print in shortest form");
	val_set(m, "l", l);
	c = val_copy(m);
	STR_EQ(val_get(c, "l")->kids[0]->s, "1.21", "val_copy is deep");
	OK(!val_truthy(val_get(c, "nope")), "missing is falsy");
	OK(val_truthy(val_get(c, "l")), "non-empty list is truthy");
	val_free(m);
	val_free(c);
	{
		/* Whole numbers are printed without printf: as "%.0f". */
		double	 t[] = { 0, -0.0, 1, -1, 10, 12345, -987654, 1e14,
			    999999999999999.0, -999999999999999.0 };
		char	 ref[64];
		size_t	 i;
		long	 k;
		int	 same = 1;

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			c = val_num(t[i]);
			snprintf(ref, sizeof(ref), "%.0f", t[i]);
			same &= strcmp(c->s, ref) == 0;
			val_free(c);
		}
		for (k = -20000; k <= 20000; k += 7) {
			c = val_num((double)k);
			snprintf(ref, sizeof(ref), "%.0f", (double)k);
			same &= strcmp(c->s, ref) == 0;
			val_free(c);
		}
		OK(same, "val_num prints whole numbers as %.0f does");
	}
}

/* One tree of every kind of value, built the same in and out of an arena. */
static struct val *
sample_tree(const struct val *shared)
{
	struct val	*m = val_map(), *l = val_list(), *e;
	int		 i;

	for (i = 0; i < 40; i++) {	/* past a few grows */
		e = val_map();
		val_set(e, "n", val_num(i + 0.5));
		val_set(e, "s", val_strown(xasprintf("第%d项", i)));
		val_set(e, "b", val_bool(i % 2));
		val_push(l, e);
	}
	val_set(m, "items", l);
	val_set(m, "name", val_strn("业委会xyz", 9));
	val_set(m, "name", val_str("再设一次"));
	val_set(m, "null", val_new(V_NULL));
	val_set(m, "shared", (struct val *)shared);
	val_set(m, "copy", val_copy(shared));
	return m;
}

/* The render stage's arena: the same values, freed at once. */
static void
test_val_arena(void)
{
	struct val	*sh = val_share(val_strown(xstrdup("共享的正文"))), *a, *b;
	uint64_t	 ha, hb;

	b = sample_tree(sh);
	OK(!b->arena, "val arena: off, values are malloc'd");
	val_arena_begin();
	a = sample_tree(sh);
	OK(a->arena && val_get(a, "items")->kids[39]->arena &&
	    !val_get(a, "shared")->arena, "val arena: on, values are the arena's, "
	    "a shared one is not");
	ha = val_hash(a, 7);
	hb = val_hash(b, 7);
	OK(ha == hb, "val arena: a tree hashes as the same tree made by malloc");
	STR_EQ(val_gets(val_get(a, "items")->kids[7], "s"), "第7项",
	    "val arena: val_strown copies into the arena");
	val_free(a);		/* leaves it: the arena frees it */
	val_arena_end();
	a = val_map();
	OK(!a->arena, "val arena: after the end, malloc again");
	val_free(a);
	val_free(b);
	val_free_shared(sh);
}

/* utf8_check as it was before its inline path, through the whole
 * decoder (not utf8_decode's inline short cut): the reference. */
static int
utf8_check_ref(const char *s, size_t n, size_t *bad)
{
	size_t		 i = 0, k;
	uint32_t	 cp;

	while (i < n) {
		if (s[i] == '\0')
			break;
		k = utf8_decode_rest(s + i, n - i, &cp);
		if (cp == 0xfffd && k == 1)
			break;
		i += k;
	}
	*bad = i;
	return i == n;
}

/*
 * utf8_check against the reference on 200,000 short strings of bytes
 * drawn mostly from lead and continuation bytes (a fixed seed), and on
 * every 3-byte sequence E0..EF xx yy.
 */
static void
test_utf8_random(void)
{
	static const unsigned char pool[] = { 0x00, 0x41, 0x7f, 0x80, 0x9f,
	    0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xe4, 0xec, 0xed, 0xee,
	    0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xb8, 0xad };
	unsigned char	 b[8];
	uint64_t	 x = 20261206;
	size_t		 i, j, n, bad1, bad2;
	int		 r1, r2, agree = 1;

	for (i = 0; i < 200000 && agree; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		n = (size_t)(x >> 61) + 1;
		for (j = 0; j < n; j++)
			b[j] = pool[(x >> (8 + 5 * j)) % sizeof(pool)];
		bad1 = bad2 = 0;
		r1 = utf8_check((const char *)b, n, &bad1);
		r2 = utf8_check_ref((const char *)b, n, &bad2);
		agree = r1 == r2 && (r1 || bad1 == bad2);
	}
	OK(agree, "utf8_check agrees with the reference on random bytes");
	for (i = 0; i < 16 * 256 * 256 && agree; i++) {
		b[0] = (unsigned char)(0xe0 + (i >> 16));
		b[1] = (unsigned char)(i >> 8);
		b[2] = (unsigned char)i;
		bad1 = bad2 = 0;
		r1 = utf8_check((const char *)b, 3, &bad1);
		r2 = utf8_check_ref((const char *)b, 3, &bad2);
		agree = r1 == r2 && (r1 || bad1 == bad2);
	}
	OK(agree, "utf8_check agrees on every E0..EF xx yy");
	/* utf8_decode's inline short cut = the whole decoder, cut short too. */
	for (i = 0; i < 16 * 256 * 256 * 3 && agree; i++) {
		uint32_t c1 = 1, c2 = 2;

		b[0] = (unsigned char)(0xe0 + (i / 3 >> 16));
		b[1] = (unsigned char)(i / 3 >> 8);
		b[2] = (unsigned char)(i / 3);
		n = 1 + i % 3;
		agree = utf8_decode((const char *)b, n, &c1) ==
		    utf8_decode_rest((const char *)b, n, &c2) && c1 == c2;
	}
	for (i = 0; i < 256 && agree; i++) {
		uint32_t c1 = 1, c2 = 2;

		b[0] = (unsigned char)i;
		b[1] = 0x80;
		b[2] = 0x80;
		b[3] = 0x80;
		agree = utf8_decode((const char *)b, 4, &c1) ==
		    utf8_decode_rest((const char *)b, 4, &c2) && c1 == c2;
	}
	OK(agree, "utf8_decode's short cut = the whole decoder");
}

static void
test_utf8(void)
{
	size_t	 bad = 99;

	OK(utf8_check("中文abc", strlen("中文abc"), &bad), "valid UTF-8");
	OK(!utf8_check("ab\xff", 3, &bad) && bad == 2, "bad byte offset");
	OK(!utf8_check("\xe4\xb8", 2, &bad) && bad == 0, "truncated sequence");
	OK(!utf8_check("\xed\xa0\x80", 3, &bad), "surrogates are invalid");
	OK(!utf8_check("a\0b", 3, &bad) && bad == 1, "NUL is rejected");
	test_utf8_random();
}

static void
test_escape(void)
{
	static const struct {
		void		 (*esc)(struct buf *, const char *, size_t);
		const char	*in;
		size_t		 n;
		const char	*want, *name;
	} t[] = {
		{ esc_html, "<a href=\"x\">'&'</a>", 19,
		  "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
		  "esc_html" },
		{ esc_json, "</script>\"\\\n\xe2\x80\xa8", 15,
		  "\\u003c/script\\u003e\\\"\\\\\\n\\u2028", "esc_json" },
		{ esc_xml, "]]>&\x01", 5, "]]&gt;&amp;",
		  "esc_xml drops control bytes" },
		{ esc_url, "a b/中", 7, "a%20b/%E4%B8%AD", "esc_url" },
		{ esc_url, "a\0b", 3, "a%00b", "esc_url encodes a NUL byte" },
		{ esc_query, "\"A&B=c#d+e%/~\"\xe4\xb8\xad", 17,
		  "%22A%26B%3Dc%23d%2Be%25%2F~%22%E4%B8%AD", "esc_query" },
		{ esc_yaml, "a\"b\n", 4, "\"a\\\"b\\n\"", "esc_yaml" },
	};
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_truncate(&b, 0);
		t[i].esc(&b, t[i].in, t[i].n);
		STR_EQ(b.p, t[i].want, t[i].name);
	}
	buf_free(&b);
}

static void
test_slug(void)
{
	char	*s;

	s = slug_make("辽宁省北镇市", SLUG_MAX);
	STR_EQ(s, "liao-ning-sheng-bei-zhen-shi", "pinyin slug");
	free(s);
	s = slug_make("“红色业委会” ABC 2025", SLUG_MAX);
	STR_EQ(s, "hong-se-ye-wei-hui-abc-2025", "punctuation becomes -");
	free(s);
	s = slug_make("！？", SLUG_MAX);
	STR_EQ(s, "article", "nothing left gives 'article'");
	free(s);
	s = slug_make("北镇市北镇市北镇市北镇市北镇市北镇市北镇市北镇市北镇市北镇市", 30);
	OK(strlen(s) <= 30 && s[strlen(s) - 1] != '-', "slug is bounded, cut at a word");
	free(s);
	OK(slug_valid("abc-1_2"), "valid slug");
	OK(!slug_valid("a/b") && !slug_valid("..") && !slug_valid("a b") &&
	    !slug_valid("-a") && !slug_valid(""), "unsafe slugs rejected");
}

/*
 * The character-at-a-time slug agrees with ICU on whole titles: every
 * CJK Unified Ideograph and Extension A character, in runs of 12 with
 * punctuation between, twice with different neighbours; the characters
 * Han-Latin reads in context; titles the fast way must refuse.
 */
static void
test_slug_fast(void)
{
	static const char *const extra[] = { "重庆市沈阳市", "藏文化与秘鲁",
	    "“红色业委会”：重庆路（试点）", "A镇2025年", "5G网络", "业委会ABC",
	    "①号楼", "〇七二", "全角１２３", "Ｘ小区", "沈家门、秘书处", NULL };
	struct buf	 t;
	char		*a, *b, *w = NULL;
	uint32_t	 cp, lo;
	int		 bad = 0, n = 0, pass, i;

	buf_init(&t);
	for (pass = 0; pass < 2; pass++)
		for (lo = 0x3400 + pass * 6; lo <= 0x9fff; lo += 12) {
			buf_truncate(&t, 0);
			for (cp = lo; cp < lo + 12 && cp <= 0x9fff; cp++) {
				if (cp % 5 == 0)
					buf_puts(&t, (cp & 1) ? "，" : "、");
				utf8_put(&t, cp);
			}
			buf_putc(&t, '\0');
			a = slug_make(t.p, 1000);
			b = slug_make_icu(t.p, 1000);
			if (strcmp(a, b) != 0 && bad++ == 0)
				w = xasprintf("%s: %s vs %s", t.p, a, b);
			n++;
			free(a);
			free(b);
		}
	for (i = 0; extra[i] != NULL; i++, n++) {
		a = slug_make(extra[i], SLUG_MAX);
		b = slug_make_icu(extra[i], SLUG_MAX);
		if (strcmp(a, b) != 0 && bad++ == 0)
			w = xasprintf("%s: %s vs %s", extra[i], a, b);
		free(a);
		free(b);
	}
	if (w != NULL)
		printf("# first difference: %s\n", w);
	free(w);
	OK(n > 4000 && bad == 0, "slug: one character at a time = ICU");
	buf_free(&t);
}

/*
 * seg_norm's short cut gives what ICU gives: every BMP character alone,
 * between Han, after a letter and before a combining mark, and mixed
 * text with full-width forms, ligatures, Hangul jamo and capitals.
 */
static void
test_norm_fast(void)
{
	static const char *const ctx[][2] = { { "", "" }, { "中", "文" },
	    { "A", "\xcc\x81" }, { "e", "\xe3\x82\x99" },
	    { "\xe1\x84\x80", "\xe1\x85\xa1" }, { "x", "y" } };
	static const char *const mixed[] = { "ＡＢＣ１２３业委会", "ﬁnance Straße",
	    "Café e\xcc\x81 ﾊﾟ ㈱ ①", "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8",
	    "“红色物业”（试点）：ΑΒΓ Σς", "\xff\xfe bad", NULL };
	struct buf	 in, a, b;
	uint32_t	 cp;
	size_t		 c, i;
	int		 bad = 0, n = 0;

	buf_init(&in);
	buf_init(&a);
	buf_init(&b);
	for (cp = 1; cp < 0x10000; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		for (c = 0; c < sizeof(ctx) / sizeof(ctx[0]); c++) {
			buf_truncate(&in, 0);
			buf_puts(&in, ctx[c][0]);
			utf8_put(&in, cp);
			buf_puts(&in, ctx[c][1]);
			buf_truncate(&a, 0);
			buf_truncate(&b, 0);
			seg_norm(&a, in.p, in.len);
			seg_norm_icu(&b, in.p, in.len);
			n++;
			if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0) {
				if (bad++ == 0)
					printf("# first difference: U+%04X in "
					    "context %zu\n", (unsigned)cp, c);
			}
		}
	}
	for (i = 0; mixed[i] != NULL; i++, n++) {
		buf_truncate(&a, 0);
		buf_truncate(&b, 0);
		seg_norm(&a, mixed[i], strlen(mixed[i]));
		seg_norm_icu(&b, mixed[i], strlen(mixed[i]));
		if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
			bad++;
	}
	OK(n > 300000 && bad == 0, "seg_norm short cut = ICU on every BMP character");
	buf_free(&in);
	buf_free(&a);
	buf_free(&b);
}

/*
 * Markdown parses in four threads at once give what one thread gives
 * (cmark-gfm's global special-character table; see markdown.c).
 */
#define MD_ROUNDS	300
static const char md_src[] = "Visit www.example.com or "
    "https://example.org/a?b=c, ~~gone~~ text.\n\n| a | b |\n|---|---|\n"
    "| 1 | x@example.com |\n\nwww.two.example and ~strike~ again.\n";
static char	*md_want;

static int
md_round(void *arg, size_t i)
{
	struct article	 a;
	int		*bad = arg;

	(void)i;
	memset(&a, 0, sizeof(a));
	a.body = xstrdup(md_src);
	if (md_render(&a, 0) == -1 || strcmp(a.html, md_want) != 0)
		__atomic_fetch_add(bad, 1, __ATOMIC_RELAXED);
	article_free(&a);
	return 0;
}

static void
test_markdown_threads(void)
{
	struct article	 a;
	int		 bad = 0;

	memset(&a, 0, sizeof(a));
	a.body = xstrdup(md_src);
	md_render(&a, 0);
	md_want = xstrdup(a.html);
	article_free(&a);
	OK(strstr(md_want, "<a href=\"http://www.example.com\">") != NULL &&
	    strstr(md_want, "<del>gone</del>") != NULL &&
	    strstr(md_want, "<table>") != NULL &&
	    strstr(md_want, "mailto:x@example.com") != NULL,
	    "markdown: autolink, strikethrough, table");
	par_for(MD_ROUNDS, 4, md_round, &bad);
	INT_EQ(bad, 0, "markdown: 4 threads parse as one does");
	free(md_want);
}

/* The terms memo: written, read back, and distrusted when damaged. */
static void
test_termcache(void)
{
	char		 dir[] = "/tmp/unit-tm.XXXXXX", path[64], seed[4096];
	char		 file[96];
	struct stat	 st0, st1, st2;
	char		*text[] = { "业委会", "网格员", "红色物业" };
	struct term_hit	 h0[] = { { 2, 3, 1, 0 }, { 0, 1, 0, 0 } }, *hp[2], *got;
	uint64_t	 akey[] = { 11, 22 };
	size_t		 nh[] = { 2, 0 }, n = 0;
	struct term_memo *m;
	struct buf	 b;
	char		*why;
	char *const	*v;
	long		 k;

	hp[0] = h0;
	hp[1] = NULL;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/memo", dir);
	tmemo_write(path, NULL, 77, text, 3, text, 3, akey, hp, nh, 2, 2);
	m = tmemo_read(path);
	OK(m != NULL, "termcache: a memo written reads back");
	v = tmemo_vocab(m, 77, &n);
	OK(v != NULL && n == 3 && strcmp(v[2], "红色物业") == 0,
	    "termcache: its vocabulary, under its key");
	OK(tmemo_vocab(m, 78, &n) == NULL, "termcache: not under another");
	OK(tmemo_same(m, text, 3) && !tmemo_same(m, text, 2),
	    "termcache: the same vocabulary, term for term");
	k = tmemo_hits(m, 11, &got);
	OK(k == 2 && got[0].id == 0 && got[0].tf == 1 && got[1].id == 2 &&
	    got[1].tf == 3 && got[1].ttf == 1,
	    "termcache: an article's counts, by ascending id");
	free(got);
	k = tmemo_hits(m, 22, &got);
	OK(k == 0 && got == NULL, "termcache: an article with none");
	OK(tmemo_hits(m, 33, &got) == -1, "termcache: an unknown text");
	/* Its counts onto another vocabulary, by term: one gone, one new
	 * (both in strcmp order, as terms.c makes them; this memo's is
	 * not, so its counts are no use). */
	{
		char		*sorted[] = { "业委会", "红色物业", "网格员" };
		char		*other[] = { "业委会", "党建", "网格员" };
		char		 p2[80];
		struct term_memo *m2;
		uint32_t	*map;

		OK(tmemo_remap(m, other, 3, &map) == -1 && map == NULL,
		    "termcache: a vocabulary out of order maps nothing");
		snprintf(p2, sizeof(p2), "%s/memo2", dir);
		tmemo_write(p2, NULL, 77, sorted, 3, sorted, 3, akey, hp, nh,
		    2, 2);
		m2 = tmemo_read(p2);
		OK(tmemo_remap(m2, other, 3, &map) == 3 && map[0] == 0 &&
		    map[1] == UINT32_MAX && map[2] == 2,
		    "termcache: ids mapped onto another vocabulary by term");
		free(map);
		tmemo_free(m2);
		OK(tmemo_remap(NULL, other, 3, &map) == -1 && map == NULL,
		    "termcache: no memo, no map");
	}
	/* Written again from the memo read, with the same articles: no
	 * file is (the same inodes); with another vocabulary key, all. */
	snprintf(file, sizeof(file), "%s/%02x", path,
	    (unsigned)(hash_mix64(11) % 64));
	if (stat(file, &st0) == -1)
		abort();
	tmemo_write(path, m, 77, text, 3, text, 3, akey, hp, nh, 2, 2);
	if (stat(file, &st1) == -1)
		abort();
	tmemo_write(path, m, 79, text, 3, text, 3, akey, hp, nh, 2, 2);
	if (stat(file, &st2) == -1)
		abort();
	OK(st0.st_ino == st1.st_ino && st1.st_ino != st2.st_ino,
	    "termcache: a file that would hold the same is not written again");
	/* The vocabulary found is kept apart from the whole one. */
	tmemo_write(path, m, 80, text + 1, 1, text, 3, akey, hp, nh, 2, 2);
	tmemo_free(m);
	m = tmemo_read(path);
	v = tmemo_vocab(m, 80, &n);
	OK(v != NULL && n == 1 && strcmp(v[0], "网格员") == 0 &&
	    tmemo_same(m, text, 3), "termcache: the vocabulary found, apart");
	tmemo_free(m);
	tmemo_write(path, NULL, 77, text, 3, text, 3, akey, hp, nh, 2, 2);
	/* A record whose values are out of range (tf 0) parses; asked
	 * for, it is no hit (its article is counted again), the rest are. */
	{
		struct term_hit	 hbad[] = { { 1, 0, 0, 0 } }, *hp3[3];
		uint64_t	 akey3[] = { 11, 22, 44 };
		size_t		 nh3[] = { 2, 0, 1 };

		hp3[0] = h0;
		hp3[1] = NULL;
		hp3[2] = hbad;
		tmemo_write(path, NULL, 77, text, 3, text, 3, akey3, hp3, nh3, 3, 2);
		m = tmemo_read(path);
		got = h0;
		OK(m != NULL && tmemo_hits(m, 44, &got) == -1 && got == NULL,
		    "termcache: a record out of range is no hit");
		k = tmemo_hits(m, 11, &got);
		OK(k == 2 && got[1].id == 2, "termcache: ... the others are");
		free(got);
		tmemo_free(m);
	}
	/* One byte changed in the file of article 11: the checksum says no
	 * (a warning), that file's articles are no hits, the rest are. */
	buf_init(&b);
	if (file_load(file, &b, &why) == -1)
		abort();
	b.p[20] ^= 1;
	file_write_atomic(file, b.p, b.len);
	diag_verbosity = 0;
	m = tmemo_read(path);
	got = h0;
	OK(m != NULL && tmemo_hits(m, 11, &got) == -1 && got == NULL &&
	    (hash_mix64(44) % 64 == hash_mix64(11) % 64 ||
	    tmemo_hits(m, 44, &got) == -1) && tmemo_vocab(m, 77, &n) != NULL,
	    "termcache: a damaged file is dropped, not the memo");
	free(got);
	tmemo_free(m);
	diag_verbosity = 1;
	/* Without the checksum, a parse of the changed bytes still holds
	 * together or is refused; the record bytes cut short are refused. */
	OK(tmemo_parse(b.p, b.len - 12) == NULL,
	    "termcache: a memo cut short does not parse");
	buf_free(&b);
	/* The fuzz corpus's seed from the fixture is a real memo. */
	buf_init(&b);
	snprintf(seed, sizeof(seed), "%s/tests/fuzz/corpus/termcache/fixture",
	    getenv("ROOT") ? getenv("ROOT") : ".");
	OK(file_load(seed, &b, &why) == 0 &&
	    (m = tmemo_parse(b.p, b.len)) != NULL,
	    "termcache: the fuzz seed from the fixture parses");
	tmemo_free(m);
	buf_free(&b);
	/* ... and so is the index memo's, whose cut-short copy is not. */
	buf_init(&b);
	snprintf(seed, sizeof(seed), "%s/tests/fuzz/corpus/idxmemo/"
	    "batch-000000", getenv("ROOT") ? getenv("ROOT") : ".");
	OK(file_load(seed, &b, &why) == 0 && idx_memo_parse(b.p, b.len) == 1,
	    "index memo: the fuzz seed from a built batch parses");
	OK(b.len > 10 && idx_memo_parse(b.p, b.len - 10) == 0,
	    "index memo: a batch cut short does not");
	buf_free(&b);
	unlink(path);
	rmdir(dir);
}

/* One article parsed as the load stage does (memo fields set). */
static void
parse_one(struct article *a, const char *path, const char *text, uint64_t key)
{
	memset(a, 0, sizeof(*a));
	a->path = xstrdup(path);
	if (fm_parse(a, text, strlen(text)) == -1 || md_render(a, 0) == -1)
		abort();
	free(a->body);
	a->body = NULL;
	a->autosum = ctx_summary(a);
	a->memo_key = key;
}

/*
 * man_inputs hashes each article file as man_bytes hashes its bytes
 * (the load stage then skips reading an article the memo has): files
 * of 0 bytes, one block, and several blocks and a part.
 */
static void
test_man_bytes(void)
{
	char		 dir[] = "/tmp/unit-mb.XXXXXX", path[8192];
	size_t		 sizes[] = { 0, 100, 65536, 200001 }, i, k;
	struct man_hashes h;
	struct man_srcs	 seen;
	struct man_prev	 pm;
	struct site	 s;
	uint64_t	 env, got;
	char		*bytes;
	int		 all = 1;

	if (mkdtemp(dir) == NULL)
		abort();
	bytes = xmalloc(200001);
	for (k = 0; k < 200001; k++)
		bytes[k] = (char)(k * 2654435761u >> 13);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "%s/a%zu.md", dir, i);
		if (file_write_atomic(path, bytes, sizes[i]) == -1)
			abort();
	}
	memset(&s, 0, sizeof(s));
	s.config_path = path;
	s.theme_dir = s.pages_dir = s.output_dir = "/nonexistent";
	s.articles_dir = dir;
	s.jobs = 2;
	memset(&h, 0, sizeof(h));
	memset(&seen, 0, sizeof(seen));
	(void)man_inputs(&s, 0, &env, &h, NULL, &seen);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "a%zu.md", i);
		if (!man_hash_of(&h, path, &got) ||
		    got != man_bytes(bytes, sizes[i], 0))
			all = 0;
	}
	OK(h.n == 4 && all, "man_bytes: each file's hash as man_inputs takes it");
	OK(!man_hash_of(&h, "nope.md", &got), "man_hash_of: not there");
	OK(seen.n == 4 && seen.v[3].size == 200001 && seen.v[3].hash ==
	    man_bytes(bytes, 200001, 0), "man_inputs: each file's stat, for "
	    "the manifest");
	/*
	 * The stat cache: a manifest whose hashing began well after the
	 * files' times, with their stats, is believed (its hashes, here
	 * made up, are taken: the files are not read); one whose hashing
	 * began when they were written is not (racily clean); nor is an
	 * entry whose stat differs.
	 */
	memset(&pm, 0, sizeof(pm));
	pm.srcidx = htab_new();
	pm.src = xcalloc(seen.n, sizeof(*pm.src));
	for (k = 0; k < seen.n; k++) {
		pm.src[k] = seen.v[k];
		pm.src[k].hash ^= 0x5a;
		(void)htab_add(pm.srcidx, pm.src[k].path,
		    strlen(pm.src[k].path));
	}
	pm.nsrc = seen.n;
	for (k = 0; k < 3; k++) {
		struct man_srcs	 again;

		pm.at = k == 1 ? seen.at : seen.at + 100;
		if (k == 2)
			pm.src[0].size++;
		man_hashes_free(&h);
		memset(&again, 0, sizeof(again));
		(void)man_inputs(&s, 0, &env, &h, &pm, &again);
		for (i = 0, all = 1; i < 4; i++) {
			snprintf(path, sizeof(path), "a%zu.md", i);
			if (!man_hash_of(&h, path, &got) ||
			    got != (man_bytes(bytes, sizes[i], 0) ^
			    (k == 1 || (k == 2 && i == 0) ? 0 : 0x5a)))
				all = 0;
		}
		OK(all, k == 0 ? "man_inputs: an unchanged stat, the last "
		    "hash (not read)" : k == 1 ? "man_inputs: a file as new "
		    "as the last hashing is read again" : "man_inputs: a "
		    "changed stat is read again");
		man_srcs_free(&again);
	}
	htab_free(pm.srcidx);
	free(pm.src);
	man_srcs_free(&seen);
	man_hashes_free(&h);
	free(bytes);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		abort();
}

/* The load memo: kept, read back field for field, and distrusted. */
static void
test_artmemo(void)
{
	char		 dir[] = "/tmp/unit-am.XXXXXX", path[8192], seed[4096];
	const char	*src = "---\ntitle: 业委会换届\ndate: 2021-03-04\n"
	    "tags: [业委会, 物业]\nsource: {file: p.txt, lines: 7}\n"
	    "draft: false\n---\n\n导语一段。\n\n## 小标题\n\n正文**加粗**。\n";
	struct article	 a[2], *arts[2], got;
	struct art_memo	*m;
	struct buf	 b;
	struct dirent	*de;
	size_t		 bk[2] = { 5, 5 };
	char		*why;
	DIR		*dp;
	long		 n;
	int		 all;

	if (mkdtemp(dir) == NULL)
		abort();
	slug_forget();		/* the slugs earlier tests made */
	parse_one(&a[0], "x/a.md", src, 1001);
	parse_one(&a[1], "x/b.md", "---\ntitle: 二\n---\n正文。\n\n"
	    "<figure class=\"photo\">\n<figcaption>图说</figcaption>\n"
	    "</figure>\n", 1002);
	arts[0] = &a[0];
	arts[1] = &a[1];
	m = amemo_read(dir, 42, 1);
	OK(amemo_load(m, 5, 1001, &got) == 0 && !amemo_has_slugs(m),
	    "artmemo: an empty folder holds nothing");
	why = slug_make(a[0].title, SLUG_MAX);
	OK(why != NULL && strcmp(why, "ye-wei-hui-huan-jie") == 0,
	    "artmemo: a slug made");
	free(why);
	OK(amemo_keep(m, arts, 2, bk, 1) == 0 &&
	    amemo_keep_slugs(m) == 0, "artmemo: kept");
	slug_forget();
	amemo_free(m);

	m = amemo_read(dir, 42, 1);
	memset(&got, 0, sizeof(got));
	got.path = xstrdup("y/a.md");
	OK(amemo_load(m, 5, 1001, &got) == 1, "artmemo: read back by key");
	OK(strcmp(got.title, a[0].title) == 0 && strcmp(got.html, a[0].html) == 0 &&
	    strcmp(got.text, a[0].text) == 0 &&
	    strcmp(got.autosum, a[0].autosum) == 0 &&
	    got.body_line == a[0].body_line && strcmp(got.date, "2021-03-04") == 0,
	    "artmemo: title, html, text, summary, body line, date");
	{
		struct article	 f;

		memset(&f, 0, sizeof(f));
		f.path = xstrdup("y/b.md");
		OK(a[1].figures == 1 && got.figures == 0 &&
		    amemo_load(m, 5, 1002, &f) == 1 && f.figures == 1,
		    "artmemo: whether the html has a figure");
		article_free(&f);
	}
	OK(got.tags != NULL && got.tags->n == 2 &&
	    strcmp(got.tags->kids[1]->s, "物业") == 0 &&
	    got.tags->kids[1]->line == a[0].tags->kids[1]->line &&
	    got.tags->kids[1]->col == a[0].tags->kids[1]->col,
	    "artmemo: front matter lists, with their positions");
	OK(got.source != NULL && val_get(got.source, "lines")->type == V_STR &&
	    strcmp(val_gets(got.source, "lines"), "7") == 0 && got.draft == 0,
	    "artmemo: maps, numbers made strings, booleans");
	OK(got.nheads == 1 && got.heads[0].level == 2 &&
	    strcmp(got.heads[0].text, "小标题") == 0 &&
	    strcmp(got.heads[0].id, a[0].heads[0].id) == 0,
	    "artmemo: headings");
	{
		struct slug_pair *sp;
		size_t		  nnew, ns;
		char		 *sl = slug_make("业委会换届", SLUG_MAX);

		ns = slug_used(&sp, &nnew);
		OK(strcmp(sl, "ye-wei-hui-huan-jie") == 0 && ns == 1 &&
		    nnew == 0 && sp[0].to != sl,
		    "artmemo: slugs read back, slug_make answers from them");
		free(sl);
		free(sp);
	}
	OK(amemo_load(m, 6, 1001, &got) == 0 && amemo_load(m, 5, 1003, &got) == 0,
	    "artmemo: not in another bucket, nor under another key");
	article_free(&got);
	amemo_free(m);

	/* Another program's memo: nothing read, nothing said. */
	diag_verbosity = 0;
	m = amemo_read(dir, 43, 1);
	memset(&got, 0, sizeof(got));
	OK(amemo_load(m, 5, 1001, &got) == 0 && !amemo_has_slugs(m),
	    "artmemo: another key reads nothing");
	amemo_free(m);
	/* A byte changed: the bucket is dropped. */
	snprintf(path, sizeof(path), "%s/05", dir);
	buf_init(&b);
	if (file_load(path, &b, &why) == -1)
		abort();
	b.p[40] ^= 1;
	file_write_atomic(path, b.p, b.len);
	m = amemo_read(dir, 42, 1);
	OK(amemo_load(m, 5, 1001, &got) == 0 && amemo_has_slugs(m),
	    "artmemo: a damaged bucket is dropped, the slugs kept");
	amemo_free(m);
	diag_verbosity = 1;
	/* Without its checksum it parses, or is refused, never more. */
	OK(amemo_check(b.p, b.len - 8, 42) >= -1, "artmemo: a damaged bucket checks");
	b.p[40] ^= 1;
	OK(amemo_check(b.p, b.len - 8, 42) == 2 &&
	    amemo_check(b.p, b.len - 20, 42) == -1,
	    "artmemo: whole, both records decode; cut short, refused");
	buf_free(&b);
	for (n = 0; n < 2; n++)
		article_free(&a[n]);

	/*
	 * Two articles with the same bytes in one bucket, whose file also
	 * holds a record no article has any more: both hits, their html,
	 * text and summary the memo's bytes (the same record's, not
	 * copies), and the bucket written again from those bytes, without
	 * the stale record, while the articles still point into the old
	 * file's (ASan: nothing read after it went).
	 */
	{
		struct article	 c[3], *ca[3];
		size_t		 cb[3] = { 9, 9, 9 }, q;
		struct art_memo	*m2;

		parse_one(&c[0], "x/c1.md", src, 2001);
		parse_one(&c[1], "x/c2.md", src, 2001);
		parse_one(&c[2], "x/c3.md", "---\ntitle: 三\n---\n三。\n", 2002);
		for (q = 0; q < 3; q++)
			ca[q] = &c[q];
		m = amemo_read(dir, 42, 1);
		(void)amemo_keep(m, ca, 3, cb, 1);
		amemo_free(m);
		m = amemo_read(dir, 42, 1);
		for (q = 0; q < 2; q++) {
			article_free(&c[q]);
			c[q].path = xstrdup("x/c.md");
			c[q].memo_key = 2001;
			c[q].memo_hit = amemo_load(m, 9, 2001, &c[q]);
		}
		OK(c[0].memo_hit && c[1].memo_hit && c[0].memo_strs &&
		    c[0].html == c[1].html && c[0].text == c[1].text &&
		    !c[2].memo_strs && amemo_keep(m, ca, 2, cb, 1) == 0,
		    "artmemo: hits share the memo's bytes; a bucket with a "
		    "stale record is written again from them");
		m2 = amemo_read(dir, 42, 1);
		memset(&got, 0, sizeof(got));
		got.path = xstrdup("y/c.md");
		OK(amemo_load(m2, 9, 2001, &got) == 1 &&
		    strcmp(got.html, c[0].html) == 0 &&
		    strcmp(got.autosum, c[1].autosum) == 0 &&
		    amemo_load(m2, 9, 2002, &c[2]) == 0,
		    "artmemo: ... and holds what it should");
		article_free(&got);
		amemo_free(m2);
		for (q = 0; q < 3; q++)
			article_free(&c[q]);
		amemo_free(m);	/* after the articles that point into it */
	}

	/*
	 * A record that passes its checksum but whose front matter does not
	 * bind (here an empty title; only a hand-made file has one): not a
	 * hit, and not an error either, since the article is parsed again
	 * and the parse says what is wrong, if anything.
	 */
	{
		struct article	 e, *ea[1] = { &e };
		size_t		 eb[1] = { 11 }, errs = diag_error_count();
		struct val	*tv;

		parse_one(&e, "x/e.md", src, 3001);
		tv = val_get(e.fm, "title");
		tv->s[0] = '\0';
		tv->slen = 0;
		m = amemo_read(dir, 42, 1);
		(void)amemo_keep(m, ea, 1, eb, 1);
		amemo_free(m);
		m = amemo_read(dir, 42, 1);
		memset(&got, 0, sizeof(got));
		got.path = xstrdup("y/e.md");
		OK(amemo_load(m, 11, 3001, &got) == 0 && got.title == NULL &&
		    diag_error_count() == errs,
		    "artmemo: a record that does not bind is a miss, quietly");
		free(got.path);
		amemo_free(m);
		article_free(&e);
	}

	/* The fuzz seeds taken from a build (built-N) are files that decode. */
	snprintf(seed, sizeof(seed), "%s/tests/fuzz/corpus/artmemo",
	    getenv("ROOT") ? getenv("ROOT") : ".");
	all = (dp = opendir(seed)) != NULL;
	n = 0;
	while (dp != NULL && (de = readdir(dp)) != NULL) {
		uint64_t key = 0;
		size_t	 i, mg;

		if (strncmp(de->d_name, "built-", 6) != 0)
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", seed, de->d_name);
		buf_init(&b);
		if (file_load(path, &b, &why) == -1)
			abort();
		mg = b.len >= 14 && memcmp(b.p, "folio-slugs 2\n", 14) == 0 ? 14 : 17;
		for (i = 0; i < 8 && mg + i < b.len; i++)
			key |= (uint64_t)(unsigned char)b.p[mg + i] << (8 * i);
		if (amemo_check(b.p, b.len, key) < 1)
			all = 0;
		buf_free(&b);
	}
	if (dp != NULL)
		closedir(dp);
	OK(all && n == 7, "artmemo: the 7 fuzz seeds from a build decode");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		abort();
}

/* A links memo record: page path linking to the n hashes h (as given). */
static void
lm_put(struct buf *b, const char *path, const uint32_t *h, size_t n)
{
	size_t	 i;

	if (b->len == 0)
		buf_puts(b, "folio-links 1\n");
	buf_put(b, path, strlen(path) + 1);
	buf_put_var(b, n);
	for (i = 0; i < n; i++)
		le_put(b, h[i], 4);
}

/* The links memo (linkcheck.c): what a record says, what is refused. */
static void
test_links_memo(void)
{
	struct lc_links	*m;
	struct buf	 b;
	uint32_t	 ha = lc_link_hash("a.html"), hb = lc_link_hash("b.html");
	uint32_t	 up[2], down[2], gone[2];

	up[0] = down[1] = ha < hb ? ha : hb;
	up[1] = down[0] = ha < hb ? hb : ha;
	buf_init(&b);
	lm_put(&b, "q.html", NULL, 0);		/* links to nothing */
	lm_put(&b, "x/p.html", up, 2);		/* links to a and b */
	m = lc_links_parse(b.p, b.len);
	OK(m != NULL, "links memo: parses");
	INT_EQ(lc_links_count(m), 2, "links memo: two pages");
	gone[0] = ha;
	INT_EQ(lc_links_to(m, "x/p.html", gone, 1), 1,
	    "links memo: a page linking to a lost file");
	INT_EQ(lc_links_to(m, "q.html", gone, 1), 0,
	    "links memo: a page linking to none");
	INT_EQ(lc_links_to(m, "r.html", gone, 1), -1,
	    "links memo: a page it does not know");
	gone[0] = lc_link_hash("c.html");
	INT_EQ(lc_links_to(m, "x/p.html", gone, 1), 0,
	    "links memo: another file lost");
	gone[1] = hb;				/* two lost, b among them */
	qsort(gone, 2, sizeof(*gone), u32_cmp);
	INT_EQ(lc_links_to(m, "x/p.html", gone, 2), 1,
	    "links memo: one of two lost files");
	lc_links_free(m);
	/* Refused: cut short, hashes out of order, a path twice, empty. */
	OK(lc_links_parse(b.p, b.len - 1) == NULL, "links memo: cut short");
	OK(lc_links_parse("folio-links 2\n", 14) == NULL,
	    "links memo: another format");
	buf_truncate(&b, 0);
	lm_put(&b, "p.html", down, 2);
	OK(ha == hb || lc_links_parse(b.p, b.len) == NULL,
	    "links memo: hashes out of order");
	buf_truncate(&b, 0);
	lm_put(&b, "p.html", NULL, 0);
	lm_put(&b, "p.html", NULL, 0);
	OK(lc_links_parse(b.p, b.len) == NULL, "links memo: a page twice");
	buf_truncate(&b, 0);
	lm_put(&b, "q.html", NULL, 0);
	lm_put(&b, "p.html", NULL, 0);
	OK(lc_links_parse(b.p, b.len) == NULL, "links memo: pages out of order");
	buf_truncate(&b, 0);
	lm_put(&b, "", NULL, 0);
	OK(lc_links_parse(b.p, b.len) == NULL, "links memo: an empty path");
	buf_free(&b);
}

int
main(void)
{
	test_buf();
	test_val();
	test_val_arena();
	test_utf8();
	test_escape();
	test_slug();
	test_slug_fast();
	test_norm_fast();
	test_markdown_threads();
	test_termcache();
	test_man_bytes();
	test_artmemo();
	test_links_memo();
	slug_cleanup();
	seg_cleanup();
	return TEST_REPORT();
}
