/*
 * main.c: the command line.  Parses "folio COMMAND [options]" and hands
 * each command to its module; maps results to the exit status:
 * 0 success, 1 content errors, 2 usage errors.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unicode/uclean.h>

#include "folio.h"

static const char usage_text[] =
"usage: folio build [-C DIR] [-o OUTDIR] [-j N] [--drafts] [--clean] [-q|-v]\n"
"       folio import [-o OUTDIR] [--report FILE] [--force] [--dump] PAGE.txt...\n"
"       folio search [-C DIR] [--drafts] QUERY...\n"
"       folio serve [-C DIR] [-o OUTDIR] [-p PORT] [-q|-v]\n"
"       folio check [-C DIR] [-o OUTDIR] [-q]\n"
"       folio dump STAGE FILE...   (stages: yaml fm md seg idx)\n"
"       folio dump tmpl TEMPLATE DATA.yaml [PARTIALS_DIR]\n"
"       folio dump tax [-C DIR] [--drafts]\n"
"       folio version\n"
"       folio help\n";

static int
usage(void)
{
	fputs(usage_text, stderr);
	return 2;
}

static int
cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "drafts", no_argument, NULL, 'D' },
		{ "clean", no_argument, NULL, 'K' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct build_opts	 o;
	int			 c;
	char			*end;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	while ((c = getopt_long(argc, argv, "C:o:j:qv", longopts, NULL)) != -1)
		switch (c) {
		case 'C': o.dir = optarg; break;
		case 'o': o.outdir = optarg; break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.jobs < 1 || o.jobs > 256) {
				fprintf(stderr, "folio: -j wants 1..256\n");
				return 2;
			}
			break;
		case 'D': o.drafts = 1; break;
		case 'K': o.clean = 1; break;
		case 'q': diag_verbosity = 0; break;
		case 'v': diag_verbosity = 2; break;
		default: return usage();
		}
	if (optind != argc)
		return usage();
	return build_run(&o);
}

static int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "dump", no_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	struct imp_opts	 o;
	int		 c;

	memset(&o, 0, sizeof(o));
	o.outdir = "content/articles";
	while ((c = getopt_long(argc, argv, "o:q", longopts, NULL)) != -1)
		switch (c) {
		case 'o': o.outdir = optarg; break;
		case 'r': o.report = optarg; break;
		case 'f': o.force = 1; break;
		case 'd': o.dump = 1; break;
		case 'q': diag_verbosity = 0; break;
		default: return usage();
		}
	if (optind == argc)
		return usage();
	return imp_run(&o, argv + optind, argc - optind);
}

/* folio check: every link of the published site resolves. */
static int
cmd_check(int argc, char **argv)
{
	struct site	 s;
	const char	*dir = ".", *outdir = NULL;
	int		 c, rc = 1;

	while ((c = getopt(argc, argv, "C:o:qv")) != -1)
		switch (c) {
		case 'C': dir = optarg; break;
		case 'o': outdir = optarg; break;
		case 'q': diag_verbosity = 0; break;
		case 'v': diag_verbosity = 2; break;
		default: return usage();
		}
	if (optind != argc)
		return usage();
	memset(&s, 0, sizeof(s));
	if (config_load(&s, dir, outdir) == 0 &&
	    lc_check_tree(s.output_dir) == 0)
		rc = 0;
	config_free(&s);
	return rc;
}

/* folio dump tax: what the analyse stage makes of a project. */
static int
dump_tax(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "drafts", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	struct build_opts	 o;
	struct build		 b;
	struct buf		 out;
	int			 c, rc = 1;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	while ((c = getopt_long(argc, argv, "C:j:", longopts, NULL)) != -1)
		switch (c) {
		case 'C': o.dir = optarg; break;
		case 'j': o.jobs = atoi(optarg); break;
		case 'D': o.drafts = 1; break;
		default: return usage();
		}
	if (optind != argc)
		return usage();
	buf_init(&out);
	if (build_load(&b, &o) == 0) {
		b.tax = tax_build(&b);
		tax_dump(b.tax, &b, &out);
		fwrite(out.p, 1, out.len, stdout);
		rc = 0;
	}
	build_free(&b);
	buf_free(&out);
	return rc;
}

/* folio serve: build, serve on 127.0.0.1, rebuild on change. */
static int
cmd_serve(int argc, char **argv)
{
	struct srv_opts	 o;
	char		*end;
	int		 c;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.port = 8080;
	while ((c = getopt(argc, argv, "C:o:p:qv")) != -1)
		switch (c) {
		case 'C': o.dir = optarg; break;
		case 'o': o.outdir = optarg; break;
		case 'p':
			o.port = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o.port < 0 || o.port > 65535) {
				fprintf(stderr, "folio: -p wants 0..65535\n");
				return 2;
			}
			break;
		case 'q': diag_verbosity = 0; break;
		case 'v': diag_verbosity = 2; break;
		default: return usage();
		}
	if (optind != argc)
		return usage();
	return srv_run(&o);
}

/*
 * folio dump seg: per line of text, the normalized line, its ICU words
 * and its Han runs, each token as [byte offset]text.
 */
static void
dump_seg(const char *s, size_t n, struct buf *out)
{
	struct buf	 norm;
	struct seg_tok	*t;
	const char	*nl;
	size_t		 len, nt, i, pass;

	buf_init(&norm);
	while (n > 0) {
		nl = memchr(s, '\n', n);
		len = nl ? (size_t)(nl - s) : n;
		buf_truncate(&norm, 0);
		seg_norm(&norm, s, len);
		buf_printf(out, "norm  %s\n", norm.p);
		for (pass = 0; pass < 2; pass++) {
			nt = pass == 0 ? seg_words(norm.p, norm.len, &t) :
			    seg_han_runs(norm.p, norm.len, &t);
			buf_puts(out, pass == 0 ? "words" : "han  ");
			for (i = 0; i < nt; i++)
				buf_printf(out, " [%zu]%.*s", t[i].off,
				    (int)t[i].len, norm.p + t[i].off);
			buf_putc(out, '\n');
			free(t);
		}
		if (nl == NULL)
			break;
		s += len + 1;
		n -= len + 1;
	}
	buf_free(&norm);
}

/*
 * folio search QUERY...: the articles matching the query (words joined
 * by spaces), by brute force over every article's text, one slug per
 * line in slug order.  The oracle for the index and search.js.
 */
static int
cmd_search(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "drafts", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	struct build_opts	 o;
	struct build		 b;
	struct idx_query	 q;
	struct buf		 qs;
	char			**hits;
	size_t			 i, nhits = 0;
	int			 c, rc = 1;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	while ((c = getopt_long(argc, argv, "+C:", longopts, NULL)) != -1)
		switch (c) {
		case 'C': o.dir = optarg; break;
		case 'D': o.drafts = 1; break;
		default: return usage();
		}
	if (optind == argc)
		return usage();
	buf_init(&qs);
	for (i = (size_t)optind; i < (size_t)argc; i++)
		buf_printf(&qs, "%s%s", i > (size_t)optind ? " " : "", argv[i]);
	idx_query_parse(qs.p, qs.len, &q);
	buf_free(&qs);
	if (build_load(&b, &o) == 0) {
		hits = xcalloc(b.narts + 1, sizeof(*hits));
		for (i = 0; i < b.narts; i++)
			if (q.n > 0 && idx_match(&q, b.arts[i]))
				hits[nhits++] = b.arts[i]->slug;
		qsort(hits, nhits, sizeof(*hits), str_cmp);
		for (i = 0; i < nhits; i++)
			puts(hits[i]);
		free(hits);
		rc = 0;
	}
	build_free(&b);
	idx_query_free(&q);
	return rc;
}

/*
 * folio dump tmpl TEMPLATE DATA [PARTIALS]: render TEMPLATE (named by its
 * file stem) against the YAML in DATA, in strict mode; every
 * PARTIALS/NAME.mustache is the partial NAME.
 */
static int
dump_tmpl(int argc, char **argv)
{
	struct tmpl_set	 *set;
	struct dirent	**ents = NULL;
	struct val	 *data = NULL;
	struct buf	  src, out;
	const char	 *base;
	char		 *path, *name = NULL;
	size_t		  n;
	int		  i, nents = 0, rc = 1;

	if (argc < 2 || argc > 3)
		return usage();
	set = tmpl_set_new(1);
	buf_init(&src);
	buf_init(&out);
	if (argc == 3 &&
	    (nents = scandir(argv[2], &ents, NULL, alphasort)) < 0) {
		nents = 0;
		diag_err(argv[2], 0, 0, "cannot read folder (%s)",
		    strerror(errno));
		goto out;
	}
	for (i = 0; i < nents; i++) {
		n = strlen(ents[i]->d_name);
		if (ents[i]->d_name[0] == '.' || n < 10 ||
		    strcmp(ents[i]->d_name + n - 9, ".mustache") != 0)
			continue;
		path = xasprintf("%s/%s", argv[2], ents[i]->d_name);
		ents[i]->d_name[n - 9] = '\0';
		buf_truncate(&src, 0);
		if (file_read(path, &src) == -1 || tmpl_add(set,
		    ents[i]->d_name, path, src.p, src.len) == -1) {
			free(path);
			goto out;
		}
		free(path);
	}
	base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	n = strlen(base);
	if (n > 9 && strcmp(base + n - 9, ".mustache") == 0)
		n -= 9;
	name = xstrndup(base, n);
	buf_truncate(&src, 0);
	if (file_read(argv[0], &src) == -1 ||
	    tmpl_add(set, name, argv[0], src.p, src.len) == -1)
		goto out;
	buf_truncate(&src, 0);
	if (file_read(argv[1], &src) == -1 ||
	    yaml_load(argv[1], src.p, src.len, 0, &data) == -1)
		goto out;
	if (tmpl_check(set) == -1 ||
	    tmpl_render(set, name, NULL, data, &out) == -1)
		goto out;
	fwrite(out.p, 1, out.len, stdout);
	rc = 0;
out:
	for (i = 0; i < nents; i++)
		free(ents[i]);
	free(ents);
	free(name);
	val_free(data);
	buf_free(&src);
	buf_free(&out);
	tmpl_set_free(set);
	return rc;
}

/* folio dump STAGE FILE...: print what one stage makes of a file. */
static int
cmd_dump(int argc, char **argv)
{
	struct buf	 in, out;
	struct val	*v;
	struct article	 a;
	int		 i, rc = 0;

	if (argc >= 2 && strcmp(argv[1], "tax") == 0)
		return dump_tax(argc - 1, argv + 1);
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "tmpl") == 0)
		return dump_tmpl(argc - 2, argv + 2);
	for (i = 2; i < argc; i++) {
		buf_init(&in);
		buf_init(&out);
		if (file_read(argv[i], &in) == -1) {
			rc = 1;
			continue;
		}
		if (strcmp(argv[1], "yaml") == 0) {
			if (yaml_load(argv[i], in.p, in.len, 0, &v) == 0) {
				val_dump(v, &out, 0);
				val_free(v);
			} else
				rc = 1;
		} else if (strcmp(argv[1], "fm") == 0 ||
		    strcmp(argv[1], "md") == 0 ||
		    strcmp(argv[1], "idx") == 0) {
			memset(&a, 0, sizeof(a));
			a.path = xstrdup(argv[i]);
			if (fm_parse(&a, in.p, in.len) == -1)
				rc = 1;
			else if (argv[1][0] == 'f')
				val_dump(a.fm, &out, 0);
			else if (md_render(&a, 0) == -1)
				rc = 1;
			else if (argv[1][0] == 'i')
				idx_dump(&a, &out);
			else {
				size_t h;

				buf_printf(&out, "== html\n%s== text\n%s"
				    "== headings\n", a.html, a.text);
				for (h = 0; h < a.nheads; h++)
					buf_printf(&out, "%d %s %s\n",
					    a.heads[h].level, a.heads[h].id,
					    a.heads[h].text);
			}
			article_free(&a);
		} else if (strcmp(argv[1], "seg") == 0)
			dump_seg(in.p, in.len, &out);
		else {
			buf_free(&in);
			return usage();
		}
		fwrite(out.p, 1, out.len, stdout);
		buf_free(&in);
		buf_free(&out);
	}
	return rc;
}

/*
 * A build touches hundreds of megabytes of fresh memory, and with 4 KB
 * pages every first touch is a fault.  glibc's malloc asks the kernel
 * for transparent huge pages when GLIBC_TUNABLES holds
 * glibc.malloc.hugetlb=1, a tunable it reads only as the process
 * starts: so build and serve run themselves again with it set, unless
 * the environment sets GLIBC_TUNABLES already (the user's choice),
 * LD_PRELOAD (a tool such as valgrind wraps the process) or
 * FOLIO_REEXEC (this was done).  Should the exec fail, the command goes
 * on as it is.  Measured on the 10k bench archive (tmpfs, 2 cores, 3
 * pairs): a body edit 1.80-1.89 -> 1.72-1.76 s; a full build 7.4 -> 6.2
 * s, 13.6 -> 11.2 CPU s.
 */
static void
huge_pages(char **argv)
{
#if defined(__linux__) && defined(__GLIBC__)
	if (getenv("GLIBC_TUNABLES") != NULL || getenv("LD_PRELOAD") != NULL ||
	    getenv("FOLIO_REEXEC") != NULL)
		return;
	if (setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1) == 0 &&
	    setenv("FOLIO_REEXEC", "1", 1) == 0)
		(void)execv("/proc/self/exe", argv);
	(void)unsetenv("GLIBC_TUNABLES");
	(void)unsetenv("FOLIO_REEXEC");
#else
	(void)argv;
#endif
}

int
main(int argc, char **argv)
{
	int	 rc;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "build") == 0 || strcmp(argv[1], "serve") == 0)
		huge_pages(argv);
	optind = 1;
	if (strcmp(argv[1], "build") == 0)
		rc = cmd_build(argc - 1, argv + 1);
	else if (strcmp(argv[1], "import") == 0)
		rc = cmd_import(argc - 1, argv + 1);
	else if (strcmp(argv[1], "dump") == 0)
		rc = cmd_dump(argc - 1, argv + 1);
	else if (strcmp(argv[1], "search") == 0)
		rc = cmd_search(argc - 1, argv + 1);
	else if (strcmp(argv[1], "serve") == 0)
		rc = cmd_serve(argc - 1, argv + 1);
	else if (strcmp(argv[1], "check") == 0)
		rc = cmd_check(argc - 1, argv + 1);
	else if (strcmp(argv[1], "version") == 0 ||
	    strcmp(argv[1], "--version") == 0) {
		printf("folio %s\n", FOLIO_VERSION);
		rc = 0;
	} else if (strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		rc = 0;
	} else
		rc = usage();
	slug_cleanup();
	tax_cleanup();
	seg_cleanup();
	u_cleanup();	/* ICU's own caches, for leak checkers */
	return rc;
}
