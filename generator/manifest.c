/*
 * manifest.c: incremental-build bookkeeping.  Takes the build's inputs
 * (site.yaml, the theme, articles, page dumps: names and bytes) and the
 * published output folder; hands on a fingerprint of the inputs and a
 * manifest file beside the output folder (".NAME.folio-manifest") that
 * records it with every output file's size and mtime.  When nothing in
 * either changed, a build is a no-op and writes nothing.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio.h"

#define MAN_MAGIC "folio-manifest 1"

static struct buf	*walk_out;	/* nftw has no argument: the list */
static const char	*walk_root;	/* prefix to strip */

static int
list_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	size_t	 n = strlen(walk_root);

	struct stat	 tst;

	(void)st;
	(void)f;
	if (flag != FTW_F && flag != FTW_SL)
		return 0;
	/* A link to a folder is not followed (no loops); a dangling one
	 * counts, as the build reports it. */
	if (flag == FTW_SL && stat(p, &tst) == 0 && !S_ISREG(tst.st_mode))
		return 0;
	if (strncmp(p, walk_root, n) == 0 && p[n] == '/')
		p += n + 1;
	buf_puts(walk_out, p);
	buf_putc(walk_out, '\n');
	return 0;
}

/* Files below dir, one relative path per line, sorted.  Caller frees. */
static char **
list_files(const char *dir, size_t *n)
{
	struct buf	 b;
	char		**v = NULL, *p, *nl;

	buf_init(&b);
	*n = 0;
	walk_out = &b;
	walk_root = dir;
	nftw(dir, list_one, 16, FTW_PHYS);
	for (p = b.p; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = xstrndup(p, (size_t)(nl - p));
	}
	buf_free(&b);
	if (*n)
		qsort(v, *n, sizeof(*v), str_cmp);
	return v;
}

static void
free_list(char **v, size_t n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

/* Hash a file's bytes; silent: the build proper reports bad files. */
static uint64_t
hash_file(const char *path, uint64_t h)
{
	char	 tmp[65536];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return hash64("\0unreadable", 11, h);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		h = hash64(tmp, (size_t)n, h);
	if (n == -1)
		h = hash64("\0unreadable", 11, h);
	close(fd);
	return h;
}

static uint64_t
hash_tree(const char *dir, uint64_t h)
{
	char	**v, path[PATH_MAX];
	size_t	 n, i;

	v = list_files(dir, &n);
	h = hash64(dir, strlen(dir) + 1, h);
	for (i = 0; i < n; i++) {
		h = hash64(v[i], strlen(v[i]) + 1, h);
		if (path_join(path, sizeof(path), dir, v[i]) == 0)
			h = hash_file(path, h);
	}
	free_list(v, n);
	return h;
}

/*
 * Fingerprint of everything a build reads, and of the options that
 * change its output.  Never fails (unreadable files hash as such; the
 * build proper reports them).
 */
uint64_t
man_inputs(const struct site *s, int drafts)
{
	uint64_t	 h = 0;

	h = hash64(FOLIO_VERSION, sizeof(FOLIO_VERSION), h);
	/* The program itself: a rebuilt folio may render differently. */
	h = hash_file("/proc/self/exe", h);
	h = hash64(drafts ? "d" : "-", 1, h);
	h = hash64(s->output_dir, strlen(s->output_dir) + 1, h);
	h = hash_file(s->config_path, h);
	h = hash_tree(s->theme_dir, h);
	h = hash_tree(s->articles_dir, h);
	h = hash_tree(s->pages_dir, h);
	return h;
}

/* ".NAME.folio-manifest" beside the output folder; caller frees. */
static char *
man_path(const struct site *s)
{
	const char	*o = s->output_dir, *slash = strrchr(o, '/');

	if (slash == NULL)
		return xasprintf(".%s.folio-manifest", o);
	return xasprintf("%.*s/.%s.folio-manifest", (int)(slash - o), o,
	    slash + 1);
}

/*
 * Is the published site exactly what these inputs built last time?
 * Returns 1 if so; 0 if a build is needed (with a warning when the
 * manifest is unreadable or corrupt while the output exists).
 */
int
man_uptodate(const struct site *s, uint64_t inputs)
{
	struct buf	 b;
	struct stat	 st;
	char		*path, *p, *nl, *name, full[PATH_MAX];
	unsigned long long ih, size;
	long long	 sec, nsec;
	size_t		 nfiles = 0, nout;
	char		**out;
	int		 ok = 0, n;

	path = man_path(s);
	buf_init(&b);
	if (stat(s->output_dir, &st) == -1) {
		free(path);
		return 0;
	}
	if (stat(path, &st) == -1) {
		diag_warn(path, 0, 0, "no build manifest: full build");
		goto out;
	}
	if (file_read(path, &b) == -1)
		goto out;
	p = b.p;
	if (strncmp(p, MAN_MAGIC "\n", sizeof(MAN_MAGIC)) != 0 ||
	    sscanf(p + sizeof(MAN_MAGIC), "inputs %llx", &ih) != 1)
		goto corrupt;
	if ((uint64_t)ih != inputs)
		goto out;
	p = strchr(p + sizeof(MAN_MAGIC), '\n');
	if (p == NULL)
		goto corrupt;
	for (p++; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (sscanf(p, "%llu %lld %lld %n", &size, &sec, &nsec, &n) != 3)
			goto corrupt;
		name = p + n;
		if (path_join(full, sizeof(full), s->output_dir, name) == -1 ||
		    lstat(full, &st) == -1 || (unsigned long long)st.st_size !=
		    size || st.st_mtim.tv_sec != sec ||
		    st.st_mtim.tv_nsec != nsec)
			goto out;
		nfiles++;
	}
	/* No file may have been added by hand either. */
	out = list_files(s->output_dir, &nout);
	free_list(out, nout);
	ok = nout == nfiles;
	goto out;
corrupt:
	diag_warn(path, 0, 0, "corrupt build manifest: full build");
out:
	free(path);
	buf_free(&b);
	return ok;
}

/*
 * Record the published site and the inputs that built it.  Returns 0,
 * or -1 after a message (the site itself is published either way).
 */
int
man_write(const struct site *s, uint64_t inputs)
{
	struct buf	 b;
	struct stat	 st;
	char		**v, full[PATH_MAX], *path;
	size_t		 n, i;
	int		 rc;

	buf_init(&b);
	buf_printf(&b, "%s\ninputs %016llx\n", MAN_MAGIC,
	    (unsigned long long)inputs);
	v = list_files(s->output_dir, &n);
	for (i = 0; i < n; i++) {
		if (path_join(full, sizeof(full), s->output_dir, v[i]) == -1 ||
		    lstat(full, &st) == -1)
			continue;
		buf_printf(&b, "%llu %lld %lld %s\n",
		    (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    (long long)st.st_mtim.tv_nsec, v[i]);
	}
	free_list(v, n);
	path = man_path(s);
	rc = file_write_atomic(path, b.p, b.len);
	free(path);
	buf_free(&b);
	return rc;
}
