/*
 * idx_test.c: the search index against brute force.  Loads a site's
 * articles (build_load), builds the index and checks, for every 2- and
 * 3-character Han substring of a sample of articles and for a set of
 * hand-written queries, that the index's candidates hold every article
 * that brute force finds, that what it proves is right, and that it
 * proves every Han substring (positions: no text needed).  Prints
 * "ok - ..." lines and "N passed, N failed".
 *   idx_test DIR              the checks
 *   idx_test --bench N DIR    time idx_write for N articles (copies)
 */
#define _GNU_SOURCE	/* memmem */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/uclean.h>

#include "folio.h"
#include "testhelp.h"


/* Compare index and brute force for one query; 0 if they agree. */
static char	**texts;	/* idx_text of each article */

static int
check_query(const struct idx *x, struct article **arts, size_t n,
    const char *qs, size_t *nverify, size_t *nsure)
{
	struct idx_query q;
	unsigned char	*cand = xmalloc(n ? n : 1);
	size_t		 d;
	int		 bad = 0, m;

	idx_query_parse(qs, strlen(qs), &q);
	idx_candidates(x, &q, cand);
	for (d = 0; d < n; d++) {
		m = idx_match_text(&q, texts[d]);
		if (m && cand[d] == 0) {
			printf("# %s: %s missed by the index\n", qs,
			    arts[d]->slug);
			bad = 1;
		}
		if (!m && cand[d] == 2) {
			printf("# %s: %s claimed by the index\n", qs,
			    arts[d]->slug);
			bad = 1;
		}
		if (cand[d] == 1)
			(*nverify)++;
		if (cand[d] == 2)
			(*nsure)++;
	}
	idx_query_free(&q);
	free(cand);
	return bad;
}

/* Every 2- and 3-character Han substring of text t, checked. */
static void
substrings(const struct idx *x, struct article **arts, size_t n,
    const char *t, size_t *nq, size_t *nbad, size_t *nverify,
    size_t *nsure)
{
	struct seg_tok	*g;
	size_t		 ng, i;
	char		 q[16];

	ng = seg_han_ngrams(t, strlen(t), 2, 3, &g);
	for (i = 0; i < ng; i++) {
		memcpy(q, t + g[i].off, g[i].len);
		q[g[i].len] = '\0';
		if (memmem(t, g[i].off, q, g[i].len) != NULL)
			continue;	/* seen earlier in this text */
		(*nq)++;
		if (check_query(x, arts, n, q, nverify, nsure))
			(*nbad)++;
	}
	free(g);
}

static const char *const queries[] = {
	"光泽县", "业委会", "红色物业", "吹哨报到", "郭文治", "党建", "党",
	"的", "2019", "100%", "１００％", "ＣＯＶＩＤ", "covid-19",
	"\"红色 物业\"", "“红色物业”", "业委会 光泽县", "业委会 -光泽县",
	"-业委会", "a-12", "rpm", "红色 物业", "乡村振兴 -党建",
	"不存在的词语组合", "。", "，光泽", "\"有事找党员\"", "东城区 郭文治",
	"\"街乡吹哨、部门报到\"", "-\"红色 物业\"", "x", "建阳区", "ß",
};

static int
run_checks(const char *dir)
{
	struct build_opts o;
	struct build	 b;
	struct idx	*x;
	size_t		 i, nq = 0, nbad = 0, nver = 0, nsure = 0, step;
	char		 what[128];

	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.jobs = 2;
	if (build_load(&b, &o) == -1)
		return 2;
	x = idx_build(b.arts, b.narts, 2);
	texts = xcalloc(b.narts + 1, sizeof(*texts));
	for (i = 0; i < b.narts; i++)
		texts[i] = idx_text(b.arts[i]);
	for (i = 0; i < b.narts; i++)
		OK(idx_match_text(&(struct idx_query){ 0 }, texts[i]) == 0,
		    "a query without words matches nothing");
	OK(b.narts > 0, "the site has articles");
	/* A sample: every article of a small site, every 50th of a big one. */
	step = b.narts > 200 ? b.narts / 100 : 1;
	for (i = 0; i < b.narts; i += step)
		substrings(x, b.arts, b.narts, texts[i], &nq, &nbad, &nver,
		    &nsure);
	snprintf(what, sizeof(what), "%zu Han substrings: index agrees "
	    "with brute force", nq);
	OK(nbad == 0 && nq > 0, what);
	OK(nver == 0, "the index decides every Han substring without the text");
	printf("# %zu substring queries, %zu disagreements, %zu articles "
	    "proven by the index, %zu to verify\n", nq, nbad, nsure, nver);
	nbad = 0;
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		nver = nsure = 0;
		snprintf(what, sizeof(what), "query %s", queries[i]);
		OK(check_query(x, b.arts, b.narts, queries[i], &nver,
		    &nsure) == 0, what);
	}
	/* idx_match (the oracle of folio search) agrees with the text. */
	for (i = 0; i < b.narts; i++) {
		struct idx_query q;

		idx_query_parse("业委会", strlen("业委会"), &q);
		OK(idx_match(&q, b.arts[i]) == idx_match_text(&q, texts[i]),
		    "idx_match equals idx_match_text");
		idx_query_free(&q);
	}
	for (i = 0; i < b.narts; i++)
		free(texts[i]);
	free(texts);
	idx_free(x);
	build_free(&b);
	return 0;
}

/* ---- parser checks ---- */

static void
parse_is(const char *in, const char *want)
{
	struct idx_query q;
	struct buf	 b;
	size_t		 i;
	char		 what[256];

	buf_init(&b);
	idx_query_parse(in, strlen(in), &q);
	for (i = 0; i < q.n; i++)
		buf_printf(&b, "%s%s[%s]", i ? " " : "",
		    q.words[i].neg ? "-" : "", q.words[i].text);
	snprintf(what, sizeof(what), "parse %s -> %s (got %s)", in, want,
	    b.p);
	OK(strcmp(b.p, want) == 0, what);
	idx_query_free(&q);
	buf_free(&b);
}

static void
parser_checks(void)
{
	parse_is("红色物业", "[红色物业]");
	parse_is("  业委会   光泽县 ", "[业委会] [光泽县]");
	parse_is("\"红色 物业\" x", "[红色 物业] [x]");
	parse_is("“红色 物业”", "[红色 物业]");
	parse_is("-业委会 党建", "-[业委会] [党建]");
	parse_is("-\"a b\"", "-[a b]");
	parse_is("- 党建", "[-] [党建]");
	parse_is("ＡＢＣ　１２３", "[abc] [123]");
	parse_is("＂全角 引号＂", "[全角 引号]");
	parse_is("\"unterminated phrase", "[unterminated phrase]");
	parse_is("\"\" \"  \" a", "[a]");
	parse_is("a\"b\"c", "[a\"b\"c]");
	parse_is("Straße", "[strasse]");
	/* Plain words shed their edge punctuation; phrases and -words not. */
	parse_is("，光泽", "[光泽]");
	parse_is("《光泽县》。 业委会、", "[光泽县] [业委会]");
	parse_is("（2019）", "[2019]");
	parse_is("a,b.", "[a,b]");
	parse_is("100% #1", "[100%] [#1]");
	parse_is("、 。，", "[、] [。,]");
	parse_is("-，光泽", "-[,光泽]");
	parse_is("\"，光泽\"", "[,光泽]");
	parse_is("a-12", "[a-12]");
	parse_is("", "");
}

/* ---- timing ---- */

static double
now(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/*
 * A copy of text t with about one Han character in `rate` replaced by
 * another from t (a fixed pseudo-random sequence), so copies of the
 * same article grow the vocabulary as a real archive does.  Caller
 * frees.
 */
static char *
mutate(const char *t, unsigned rate, unsigned long *seed)
{
	struct seg_tok	*g;
	size_t		 ng, i, k, n = strlen(t);
	char		*m = xstrdup(t);

	ng = seg_han_ngrams(t, n, 1, 1, &g);
	for (i = 0; rate > 0 && i < ng; i++) {
		*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
		if ((*seed >> 33) % rate != 0)
			continue;
		k = (size_t)(*seed >> 40) % ng;
		if (g[k].len == g[i].len)
			memcpy(m + g[i].off, t + g[k].off, g[i].len);
	}
	free(g);
	return m;
}

/*
 * Copies of the site's articles up to n (each copy gets its own slug
 * and, with IDX_BENCH_MUTATE=R, one Han character in R swapped), then
 * idx_write into a staging folder.
 */
static int
bench(size_t n, const char *dir, const char *outdir)
{
	struct build_opts o;
	struct build	 b;
	struct output	*out;
	struct article	**v;
	char		**files;
	size_t		 i, nfiles, total = 0, body = 0, tsz = 0, dsz = 0;
	double		 t0, t1;
	char		 slug[64];
	unsigned long	 seed = 42;
	unsigned	 rate = getenv("IDX_BENCH_MUTATE") ?
			    (unsigned)atoi(getenv("IDX_BENCH_MUTATE")) : 0;
	int		 rc;

	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.jobs = 2;
	if (build_load(&b, &o) == -1 || b.narts == 0)
		return 2;
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i] = xcalloc(1, sizeof(**v));
		*v[i] = *b.arts[i % b.narts];
		snprintf(slug, sizeof(slug), "%s-%zu", b.arts[i % b.narts]->slug,
		    i);
		v[i]->slug = xstrdup(slug);
		if (i >= b.narts && rate > 0)
			v[i]->text = mutate(v[i]->text, rate, &seed);
		body += strlen(v[i]->text) + 300;	/* ~ the Markdown */
	}
	for (rc = 1; rc <= 2; rc++) {
		t0 = now();
		idx_free(idx_build(v, n, rc));
		t1 = now();
		printf("idx_build: %zu articles, %d thread(s), %.3f s\n", n,
		    rc, t1 - t0);
	}
	if ((out = out_open(outdir)) == NULL)
		return 2;
	t0 = now();
	rc = idx_write(&b.site, v, n, NULL, out);
	t1 = now();
	files = out_files(out, &nfiles);
	for (i = 0; i < nfiles; i++) {
		struct buf	 f;
		char		*p = xasprintf("%s/%s", out_stage_dir(out),
		    files[i]);

		buf_init(&f);
		if (file_read(p, &f) == 0) {
			total += f.len;
			if (strncmp(files[i], "search/t-", 9) == 0)
				tsz += f.len;
			if (strncmp(files[i], "search/d-", 9) == 0)
				dsz += f.len;
		}
		buf_free(&f);
		free(p);
	}
	printf("idx_write: %zu articles, %.3f s, %zu files, %zu bytes "
	    "(terms %zu, documents %zu; Markdown about %zu bytes)\n", n,
	    t1 - t0, nfiles, total, tsz, dsz, body);
	if (getenv("IDX_BENCH_KEEP") != NULL)
		out_commit(out, NULL);	/* keep OUTDIR/search for a look */
	else
		out_abort(out);
	for (i = 0; i < n; i++) {
		if (i >= b.narts && rate > 0)
			free(v[i]->text);
		free(v[i]->slug);
		free(v[i]);
	}
	free(v);
	build_free(&b);
	return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	int	 rc;

	if (argc == 5 && strcmp(argv[1], "--bench") == 0)
		rc = bench((size_t)strtoul(argv[2], NULL, 10), argv[3],
		    argv[4]);
	else if (argc == 2) {
		parser_checks();
		rc = run_checks(argv[1]);
		printf("%d passed, %d failed\n", npass, nfail);
		if (rc == 0)
			rc = nfail > 0;
	} else {
		fprintf(stderr, "usage: idx_test DIR | idx_test --bench N "
		    "DIR OUTDIR\n");
		rc = 2;
	}
	slug_cleanup();
	seg_cleanup();
	u_cleanup();
	return rc;
}
