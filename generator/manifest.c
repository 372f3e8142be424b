/*
 * manifest.c: incremental-build bookkeeping.  Takes the build's inputs
 * (site.yaml, the theme, articles, page dumps: names and bytes) and the
 * published output folder; hands on a fingerprint of the inputs and a
 * manifest file beside the output folder (".NAME.folio-manifest") that
 * records it with every output file's size, mtime and, for a page, its
 * render key (the template, the theme and the page's context, hashed).
 * When nothing in either changed, a build is a no-op and writes
 * nothing; when some inputs did, a page whose render key is the same
 * and whose published file is untouched is linked, not rendered.
 *
 * The manifest also records what each input file's stat said when it
 * was hashed (size, mtime, ctime, inode), and when the hashing began;
 * the next build reuses a file's hash without reading it when its stat
 * says the same and both its times are over RACY_SECS older than that
 * beginning (a file changed within the same timestamp tick as it was
 * hashed, with the same size, would otherwise look unchanged: git's
 * "racily clean" case).  --clean hashes every file.
 */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "folio.h"

#define MAN_MAGIC "folio-manifest 3"
#define MAN_VERSIONS "folio-manifest "	/* what every version starts with */
#define RACY_SECS 2		/* seconds a file's times must predate the hashing */

/* Files below dir, relative paths, sorted (none when unreadable). */
static char **
list_files(const char *dir, size_t *n)
{
	char	**v = tree_list(dir, n);

	return v != NULL ? v : xcalloc(1, sizeof(*v));
}

static void
free_list(char **v, size_t n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

#define HASH_BLOCK	65536

/*
 * The hash of n bytes as hash_file makes it of a file holding them:
 * hash_words over each HASH_BLOCK in turn from seed h (h for none).
 * The load stage keys its memo by it (man_bytes(p, n, 0)).
 */
uint64_t
man_bytes(const void *p, size_t n, uint64_t h)
{
	const char	*c = p;
	size_t		 k;

	for (; n > 0; c += k, n -= k) {
		k = n < HASH_BLOCK ? n : HASH_BLOCK;
		h = hash_words(c, k, h);	/* 8 bytes a step */
	}
	return h;
}

/* Hash a file's bytes; silent: the build proper reports bad files. */
static uint64_t
hash_file(const char *path, uint64_t h)
{
	char	 tmp[HASH_BLOCK];
	size_t	 got;
	ssize_t	 n = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		return hash64("\0unreadable", 11, h);
	for (;;) {
		/* Whole blocks, whatever read(2) hands back at a time. */
		for (got = 0; got < sizeof(tmp) &&
		    (n = read(fd, tmp + got, sizeof(tmp) - got)) > 0;
		    got += (size_t)n)
			continue;
		if (got > 0)
			h = man_bytes(tmp, got, h);
		if (n <= 0 || got < sizeof(tmp))
			break;
	}
	if (n == -1)
		h = hash64("\0unreadable", 11, h);
	close(fd);
	return h;
}

/* What a stat says of an input file, as the manifest records it. */
static void
src_of(struct man_src *e, const struct stat *st)
{
	e->size = (unsigned long long)st->st_size;
	e->ino = (unsigned long long)st->st_ino;
	e->msec = (long long)st->st_mtim.tv_sec;
	e->mnsec = (long long)st->st_mtim.tv_nsec;
	e->csec = (long long)st->st_ctim.tv_sec;
	e->cnsec = (long long)st->st_ctim.tv_nsec;
}

/*
 * The hash the last build took of the file at path, when its stat st
 * says it has not changed since: 1 and *h; else 0.
 */
static int
src_cached(const struct man_prev *m, const char *path, const struct stat *st,
    uint64_t *h)
{
	const struct man_src *e;
	struct man_src	 now;
	size_t		 i;

	if (m == NULL ||
	    (i = htab_find(m->srcidx, path, strlen(path))) == HTAB_NONE)
		return 0;
	e = &m->src[i];
	src_of(&now, st);
	if (now.size != e->size || now.ino != e->ino || now.msec != e->msec ||
	    now.mnsec != e->mnsec || now.csec != e->csec ||
	    now.cnsec != e->cnsec || now.msec >= m->at - RACY_SECS ||
	    now.csec >= m->at - RACY_SECS)
		return 0;
	*h = e->hash;
	return 1;
}

struct tree_job {
	const char	 *dir;
	char		**v;	/* files, relative to dir */
	uint64_t	 *h;	/* out: each one's hash */
	const struct man_prev *cache;	/* the last manifest, or NULL */
	struct man_src	 *seen;	/* out: each one's stat (path NULL: none) */
};

/* par_for worker: the hash of file i of the tree, and its stat. */
static int
hash_one(void *arg, size_t i)
{
	struct tree_job	*j = arg;
	char		 path[PATH_MAX];
	struct stat	 st;

	j->h[i] = 0;
	j->seen[i].path = NULL;
	if (path_join(path, sizeof(path), j->dir, j->v[i]) == -1)
		return 0;
	/* The stat before the bytes: a change while they are read shows
	 * in the next build's stat. */
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
		j->h[i] = hash_file(path, 0);
		return 0;
	}
	if (!src_cached(j->cache, path, &st, &j->h[i]))
		j->h[i] = hash_file(path, 0);
	src_of(&j->seen[i], &st);
	j->seen[i].hash = j->h[i];
	j->seen[i].path = xstrdup(path);
	return 0;
}

/*
 * Hash the files below dir, names and bytes, on jobs threads; a file
 * the last manifest cache says is unchanged is not read.  With each
 * not NULL, it keeps every file's name and hash (man_hashes_free).
 * Each regular file's stat goes to seen.
 */
static uint64_t
hash_tree(const char *dir, int jobs, uint64_t h, struct man_hashes *each,
    const struct man_prev *cache, struct man_srcs *seen)
{
	struct tree_job	 j;
	size_t		 n, i;

	j.dir = dir;
	j.v = list_files(dir, &n);
	j.h = xreallocarray(NULL, n ? n : 1, sizeof(*j.h));
	j.cache = cache;
	j.seen = xcalloc(n ? n : 1, sizeof(*j.seen));
	(void)par_for(n, jobs, hash_one, &j);
	h = hash64(dir, strlen(dir) + 1, h);
	for (i = 0; i < n; i++) {
		h = hash64(j.v[i], strlen(j.v[i]) + 1, h);
		h = hash_mix64(h ^ j.h[i]);
	}
	seen->v = xreallocarray(seen->v, seen->n + n + 1, sizeof(*seen->v));
	for (i = 0; i < n; i++)
		if (j.seen[i].path != NULL)
			seen->v[seen->n++] = j.seen[i];
	free(j.seen);
	if (each != NULL) {
		each->name = j.v;	/* sorted: tree_list's order */
		each->hash = j.h;
		each->n = n;
		return h;
	}
	free(j.h);
	free_list(j.v, n);
	return h;
}

void
man_srcs_free(struct man_srcs *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		free((char *)s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The hash man_inputs took of file name (as tree_list names it): 1 if there. */
int
man_hash_of(const struct man_hashes *m, const char *name, uint64_t *h)
{
	size_t	 lo = 0, hi = m != NULL ? m->n : 0, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(m->name[mid], name)) == 0) {
			*h = m->hash[mid];
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

void
man_hashes_free(struct man_hashes *m)
{
	if (m == NULL)
		return;
	free_list(m->name, m->n);
	free(m->hash);
	memset(m, 0, sizeof(*m));
}

/* The program itself: a rebuilt folio may parse and render differently. */
static uint64_t	 program;
static pthread_once_t program_once = PTHREAD_ONCE_INIT;

static void
program_hash(void)
{
	program = hash_file("/proc/self/exe",
	    hash64(FOLIO_VERSION, sizeof(FOLIO_VERSION), 0));
}

/* Hashed once a process (1.5 MB; a build asks twice). */
uint64_t
man_program(void)
{
	pthread_once(&program_once, program_hash);
	return program;
}

/*
 * Fingerprint of everything a build reads, and of the options that
 * change its output; *env gets the part every page depends on (the
 * program, site.yaml, the theme); arts, when not NULL, each article
 * file's hash (man_bytes of its bytes).  A file that cache (the last
 * manifest, or NULL) says is unchanged is not read; seen gets every
 * file's stat and hash for the next manifest.  Never fails (unreadable
 * files hash as such; the build proper reports them).
 */
uint64_t
man_inputs(const struct site *s, int drafts, uint64_t *env,
    struct man_hashes *arts, const struct man_prev *cache,
    struct man_srcs *seen)
{
	struct timespec	 now;
	uint64_t	 h = man_program();

	clock_gettime(CLOCK_REALTIME, &now);
	seen->at = (long long)now.tv_sec;
	h = hash_file(s->config_path, h);
	h = hash_tree(s->theme_dir, s->jobs, h, NULL, cache, seen);
	*env = h;
	h = hash64(drafts ? "d" : "-", 1, h);
	h = hash64(s->output_dir, strlen(s->output_dir) + 1, h);
	h = hash_tree(s->articles_dir, s->jobs, h, arts, cache, seen);
	h = hash_tree(s->pages_dir, s->jobs, h, NULL, cache, seen);
	return h;
}

/* ".NAME.folio-WHAT" beside the output folder; caller frees. */
char *
man_file(const struct site *s, const char *what)
{
	const char	*o = s->output_dir, *slash = strrchr(o, '/');

	if (slash == NULL)
		return xasprintf(".%s.folio-%s", o, what);
	return xasprintf("%.*s/.%s.folio-%s", (int)(slash - o), o,
	    slash + 1, what);
}

static char *
man_path(const struct site *s)
{
	return man_file(s, "manifest");
}

/*
 * One build at a time per output folder: an exclusive lock on
 * ".NAME.folio-lock", held until the process ends (a killed build's goes
 * with it).  Waits, saying so, while another build holds it.  Returns
 * the descriptor holding the lock, or -1 after a message.
 */
int
man_lock(const struct site *s)
{
	char	*path = man_file(s, "lock");
	int	 fd, rc;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		diag_err(path, 0, 0, "cannot create: %s", strerror(errno));
		free(path);
		return -1;
	}
	if ((rc = flock(fd, LOCK_EX | LOCK_NB)) == -1 && errno == EWOULDBLOCK) {
		diag_info("folio: waiting for another build of %s to finish",
		    s->output_dir);
		while ((rc = flock(fd, LOCK_EX)) == -1 && errno == EINTR)
			continue;
	}
	if (rc == -1) {
		diag_err(path, 0, 0, "cannot lock: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/* A number at *p ("-" first if neg may be), then sep; -1 when not one. */
static int
man_num(char **p, int base, int neg, int sep, unsigned long long *v)
{
	char	*end;

	if (!(isdigit((unsigned char)**p) || (base == 16 &&
	    isxdigit((unsigned char)**p)) || (neg && **p == '-' &&
	    isdigit((unsigned char)(*p)[1]))))
		return -1;
	errno = 0;
	*v = neg ? (unsigned long long)strtoll(*p, &end, base) :
	    strtoull(*p, &end, base);
	if (errno != 0 || *end != sep)
		return -1;
	*p = end + 1;
	return 0;
}

/*
 * One "= size ino msec mnsec csec cnsec hash path" line at p (its
 * newline already cut) into m->src.  Returns 0, or -2 when it is not one.
 */
static int
src_parse(struct man_prev *m, char *p, size_t *cap)
{
	unsigned long long v[7];
	struct man_src	*e;
	int		 k;

	for (k = 0; k < 7; k++)
		if (man_num(&p, k == 6 ? 16 : 10, k >= 2 && k <= 5, ' ',
		    &v[k]) == -1)
			return -2;
	if (*p == '\0')
		return -2;
	if (m->nsrc == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		m->src = xreallocarray(m->src, *cap, sizeof(*m->src));
	}
	e = &m->src[m->nsrc];
	e->size = v[0];
	e->ino = v[1];
	e->msec = (long long)v[2];
	e->mnsec = (long long)v[3];
	e->csec = (long long)v[4];
	e->cnsec = (long long)v[5];
	e->hash = v[6];
	e->path = p;
	/* A path twice (folders inside each other): the first holds. */
	if (htab_add(m->srcidx, p, strlen(p)) == m->nsrc)
		m->nsrc++;
	return 0;
}

/*
 * Parse m->text (a manifest file's bytes) in place into m: its header,
 * then one "= ..." line per input file (src_parse), then one "size sec
 * nsec key name" line per output file, names cut out of the text.
 * Returns 0; -2 when it is corrupt; -3 when it is of another version
 * (its first line).  The fuzz target's entry.
 */
int
man_parse(struct man_prev *m)
{
	char		*p = m->text.p, *nl, *end = m->text.p + m->text.len;
	unsigned long long v[4];
	struct man_page	*e;
	size_t		 cap = 0, scap = 0;

	if (m->rel == NULL)
		m->rel = htab_new();
	if (m->srcidx == NULL)
		m->srcidx = htab_new();
	if (m->text.len < sizeof(MAN_MAGIC) || strncmp(p, MAN_MAGIC "\n",
	    sizeof(MAN_MAGIC)) != 0)
		return m->text.len >= sizeof(MAN_VERSIONS) - 1 && strncmp(p,
		    MAN_VERSIONS, sizeof(MAN_VERSIONS) - 1) == 0 ? -3 : -2;
	if (memchr(p, '\0', m->text.len) != NULL)
		return -2;
	p += sizeof(MAN_MAGIC);
	if (strncmp(p, "inputs ", 7) != 0 || (p += 7,
	    man_num(&p, 16, 0, ' ', &v[0])) == -1 ||
	    strncmp(p, "env ", 4) != 0 || (p += 4,
	    man_num(&p, 16, 0, ' ', &v[1])) == -1 ||
	    strncmp(p, "at ", 3) != 0 || (p += 3,
	    man_num(&p, 10, 1, '\n', &v[2])) == -1)
		return -2;
	m->inputs = v[0];
	m->env = v[1];
	m->at = (long long)v[2];
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return -2;	/* cut short */
		*nl = '\0';
		if (p[0] == '=' && p[1] == ' ') {
			if (m->n > 0 || src_parse(m, p + 2, &scap) == -2)
				return -2;	/* inputs come first */
			continue;
		}
		if (man_num(&p, 10, 0, ' ', &v[0]) == -1 ||
		    man_num(&p, 10, 1, ' ', &v[1]) == -1 ||
		    man_num(&p, 10, 1, ' ', &v[2]) == -1 ||
		    man_num(&p, 16, 0, ' ', &v[3]) == -1 || *p == '\0')
			return -2;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 1024;
			m->e = xreallocarray(m->e, cap, sizeof(*m->e));
		}
		e = &m->e[m->n];
		e->size = v[0];
		e->sec = (long long)v[1];
		e->nsec = (long long)v[2];
		e->key = v[3];
		e->name = p;
		if (htab_add(m->rel, e->name, strlen(e->name)) != m->n)
			return -2;	/* a name twice */
		m->n++;
	}
	return 0;
}

/*
 * The last build's manifest (man_prev_free), or NULL, and *rc says why:
 * 0; -1 when there is none; -2 when it is corrupt, -3 when it is of
 * another version.
 */
struct man_prev *
man_load(const struct site *s, int *rc)
{
	struct man_prev	*m = xcalloc(1, sizeof(*m));
	struct stat	 st;
	char		*path;

	buf_init(&m->text);
	path = man_path(s);
	if (stat(path, &st) == -1 || file_read(path, &m->text) == -1)
		*rc = -1;
	else
		*rc = man_parse(m);
	free(path);
	if (*rc != 0) {
		man_prev_free(m);
		m = NULL;
	}
	return m;
}

void
man_prev_free(struct man_prev *m)
{
	if (m == NULL)
		return;
	buf_free(&m->text);
	htab_free(m->rel);
	htab_free(m->srcidx);
	free(m->e);
	free(m->src);
	free(m);
}

/*
 * Does the published file still have the size and mtime recorded?  Its
 * lstat goes to *st (NULL: not wanted).
 */
static int
man_same_file(const struct site *s, const struct man_page *e,
    struct stat *st)
{
	char		 full[PATH_MAX];
	struct stat	 mine;

	if (st == NULL)
		st = &mine;
	return path_join(full, sizeof(full), s->output_dir, e->name) == 0 &&
	    lstat(full, st) == 0 && S_ISREG(st->st_mode) &&
	    (unsigned long long)st->st_size == e->size &&
	    st->st_mtim.tv_sec == e->sec && st->st_mtim.tv_nsec == e->nsec;
}

struct same_job {
	const struct site	*s;
	const struct man_prev	*m;
};

/* par_for worker: -1 when published file i is not as recorded. */
static int
same_one(void *arg, size_t i)
{
	struct same_job	*j = arg;

	return man_same_file(j->s, &j->m->e[i], NULL) ? 0 : -1;
}

/*
 * Is the published site exactly what these inputs built last time?
 * *prev is the manifest man_load read (rc what it said).  Returns 1 if
 * so; 0 if a build is needed (with a warning when the manifest is
 * missing or corrupt while the output exists), and then *prev keeps
 * what the last build recorded, for pages it may not need to render
 * again, or is NULL (freed) when there is no usable manifest.
 */
int
man_uptodate(const struct site *s, uint64_t inputs, struct man_prev **prev,
    int rc)
{
	struct man_prev	*m = *prev;
	struct same_job	 sj;
	struct stat	 st;
	char		*path;
	int		 ok = 0;

	*prev = NULL;
	if (stat(s->output_dir, &st) == -1)
		goto out;
	if (rc < 0) {
		path = man_path(s);
		diag_warn(path, 0, 0, rc == -1 ? "no build manifest: full "
		    "build" : rc == -3 ? "build manifest of another folio "
		    "version: full build" : "corrupt build manifest: full "
		    "build");
		free(path);
		goto out;
	}
	if (m->inputs != inputs)
		goto out;
	sj.s = s;
	sj.m = m;
	if (par_for(m->n, s->jobs, same_one, &sj) == -1)
		goto out;
	/* No file may have been added by hand either. */
	ok = tree_count(s->output_dir) == m->n;
out:
	if (!ok && rc == 0) {
		*prev = m;
		m = NULL;
	}
	man_prev_free(m);
	return ok;
}

/*
 * Is the published rel what a page of render key key gave last time,
 * untouched since?  Returns 1 if so.  Thread-safe (reads only).
 */
int
man_prev_same(const struct man_prev *m, const struct site *s,
    const char *rel, uint64_t key, struct stat *st)
{
	size_t	 i;

	if (m == NULL || key == 0 ||
	    (i = htab_find(m->rel, rel, strlen(rel))) == HTAB_NONE)
		return 0;
	return m->e[i].key == key && man_same_file(s, &m->e[i], st);
}

/* Is the published rel as the last build recorded it?  1 if so. */
int
man_prev_untouched(const struct man_prev *m, const struct site *s,
    const char *rel)
{
	size_t	 i;

	if (m == NULL ||
	    (i = htab_find(m->rel, rel, strlen(rel))) == HTAB_NONE)
		return 0;
	return man_same_file(s, &m->e[i], NULL);
}

/* man_write's lines, MAN_BLOCK files a job, each job its own buffer. */
#define MAN_BLOCK	512

struct man_job {
	const struct site *s;
	char		**v;
	size_t		  n;
	void		(*fileof)(void *, const char *, struct man_file *);
	void		 *arg;
	struct buf	 *out;		/* one per block */
};

static void
put_hex16(struct buf *b, uint64_t v)
{
	char	 d[16];
	int	 i;

	for (i = 15; i >= 0; i--, v >>= 4)
		d[i] = "0123456789abcdef"[v & 15];
	buf_put(b, d, sizeof(d));
}

/* par_for worker: the lines of block k (files that vanished: none). */
static int
man_block(void *arg, size_t k)
{
	struct man_job	*j = arg;
	struct buf	*b = &j->out[k];
	struct man_file	 f;
	struct stat	 st;
	char		 full[PATH_MAX];
	size_t		 i;

	for (i = k * MAN_BLOCK; i < j->n && i < (k + 1) * MAN_BLOCK; i++) {
		memset(&f, 0, sizeof(f));
		if (j->fileof != NULL)
			j->fileof(j->arg, j->v[i], &f);
		if (!f.known) {		/* else the build saw it as kept */
			if (path_join(full, sizeof(full), j->s->output_dir,
			    j->v[i]) == -1 || lstat(full, &st) == -1)
				continue;
			f.size = (unsigned long long)st.st_size;
			f.sec = (long long)st.st_mtim.tv_sec;
			f.nsec = (long)st.st_mtim.tv_nsec;
		}
		buf_put_dec(b, f.size);
		buf_putc(b, ' ');
		if (f.sec < 0)		/* as %lld would */
			buf_putc(b, '-');
		buf_put_dec(b, f.sec < 0 ? 0ULL - (unsigned long long)f.sec :
		    (unsigned long long)f.sec);
		buf_putc(b, ' ');
		buf_put_dec(b, (unsigned long long)f.nsec);
		buf_putc(b, ' ');
		put_hex16(b, f.key);
		buf_putc(b, ' ');
		buf_puts(b, j->v[i]);
		buf_putc(b, '\n');
	}
	return 0;
}

/*
 * Record the published site, the inputs that built it and each page's
 * render key (fileof(arg, name, &f): f.key, 0 for files that are not
 * pages; f.known when the build kept the published file, whose stat it
 * took then: no lstat).  Lines are made without printf (it was most of
 * the work).  Returns 0, or -1 after a message (the site itself is
 * published either way).
 */
int
man_write(const struct site *s, uint64_t inputs, uint64_t env,
    const struct man_srcs *srcs,
    void (*fileof)(void *, const char *, struct man_file *), void *arg)
{
	struct man_job	 j;
	struct buf	 b;
	const struct man_src *e;
	char		*path;
	size_t		 k, nb;
	int		 rc;

	buf_init(&b);
	buf_printf(&b, "%s\ninputs %016llx env %016llx at %lld\n", MAN_MAGIC,
	    (unsigned long long)inputs, (unsigned long long)env, srcs->at);
	for (k = 0; k < srcs->n; k++) {
		e = &srcs->v[k];
		if (strchr(e->path, '\n') != NULL)
			continue;	/* not one line: hashed every time */
		buf_printf(&b, "= %llu %llu %lld %lld %lld %lld ", e->size,
		    e->ino, e->msec, e->mnsec, e->csec, e->cnsec);
		put_hex16(&b, e->hash);
		buf_putc(&b, ' ');
		buf_puts(&b, e->path);
		buf_putc(&b, '\n');
	}
	memset(&j, 0, sizeof(j));
	j.s = s;
	j.fileof = fileof;
	j.arg = arg;
	j.v = list_files(s->output_dir, &j.n);
	nb = (j.n + MAN_BLOCK - 1) / MAN_BLOCK;
	j.out = xcalloc(nb ? nb : 1, sizeof(*j.out));
	(void)par_for(nb, s->jobs, man_block, &j);
	for (k = 0; k < nb; k++) {
		if (j.out[k].len > 0)
			buf_put(&b, j.out[k].p, j.out[k].len);
		buf_free(&j.out[k]);
	}
	free(j.out);
	free_list(j.v, j.n);
	path = man_path(s);
	rc = file_write_atomic(path, b.p, b.len);
	free(path);
	buf_free(&b);
	return rc;
}
