/*
 * output.c: write stage.  Takes rendered files (path below the output
 * folder + bytes) from any thread, stages them in a sibling folder and,
 * on commit, swaps the staging folder with the published one in one
 * rename (RENAME_EXCHANGE): readers and a killed build see the complete
 * old site or the complete new one.  A file whose bytes did not change
 * is hard-linked from the old site, so its mtime is kept and rsync-style
 * deploys upload only what changed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "folio.h"

struct output {
	char		*dir;		/* published folder; owned */
	char		*stage;		/* staging folder; owned */
	char		**files;	/* paths written, relative; owned */
	struct htab	*seen;		/* the same paths, to refuse a second write */
	struct htab	*fresh;		/* paths written with new bytes */
	size_t		 nfiles;	/* entries in files */
	size_t		 cap;		/* slots in files */
	size_t		 changed;	/* files whose bytes are new */
	size_t		 replaced;	/* of those, files that existed before */
	size_t		 staged;	/* files in staging (stop_point) */
	pthread_mutex_t	 lock;		/* guards files ... staged */
};

/*
 * Start a build into outdir: clear any staging folder a killed build
 * left.  Returns the handle (out_commit or out_abort frees it), or NULL
 * after a message.
 */
struct output *
out_open(const char *outdir)
{
	struct output	*o;
	char		*parent, *slash;

	o = xcalloc(1, sizeof(*o));
	o->dir = xstrdup(outdir);
	while (strlen(o->dir) > 1 && o->dir[strlen(o->dir) - 1] == '/')
		o->dir[strlen(o->dir) - 1] = '\0';
	o->stage = xasprintf("%s.folio-staging", o->dir);
	pthread_mutex_init(&o->lock, NULL);
	o->seen = htab_new();
	o->fresh = htab_new();
	parent = xstrdup(o->dir);
	if ((slash = strrchr(parent, '/')) != NULL) {
		*slash = '\0';
		if (*parent && mkdir_p(parent) == -1) {
			free(parent);
			out_abort(o);
			return NULL;
		}
	}
	free(parent);
	if (rm_rf(o->stage) == -1 || mkdir_p(o->stage) == -1) {
		out_abort(o);
		return NULL;
	}
	return o;
}

/*
 * Test hook (tests/t-kill.sh): with FOLIO_FAULT_WRITE_AFTER=N in the
 * environment, the Nth write(2) of an output file fails with ENOSPC, as
 * on a full disk.  Unset, it costs a getenv per write.
 */
static ssize_t
write_or_fault(int fd, const void *p, size_t n)
{
	static pthread_mutex_t	 flock = PTHREAD_MUTEX_INITIALIZER;
	static long		 nwrites;	/* guarded by flock */
	const char		*e = getenv("FOLIO_FAULT_WRITE_AFTER");
	int			 hit;

	if (e != NULL) {
		pthread_mutex_lock(&flock);
		hit = ++nwrites == atol(e);
		pthread_mutex_unlock(&flock);
		if (hit) {
			errno = ENOSPC;
			return -1;
		}
	}
	return write(fd, p, n);
}

/*
 * Test hook (tests/t-kill.sh): with FOLIO_TEST_STOP=N in the environment
 * the build stops itself (SIGSTOP) once N files are staged, and with
 * FOLIO_TEST_STOP=swap right after the swap, so a test can kill it at
 * exactly that point rather than at a time it hopes is close.
 */
static void
stop_point(const char *at, size_t nstaged)
{
	const char	*e = getenv("FOLIO_TEST_STOP");

	if (e == NULL)
		return;
	if (at != NULL ? strcmp(e, at) == 0 :
	    (size_t)strtoull(e, NULL, 10) == nstaged && isdigit((unsigned char)*e))
		raise(SIGSTOP);
}

/* One more file is in staging. */
static void
staged_one(struct output *o)
{
	size_t	 n;

	pthread_mutex_lock(&o->lock);
	n = ++o->staged;
	pthread_mutex_unlock(&o->lock);
	stop_point(NULL, n);
}

/* Does the file at path hold exactly these bytes? */
static int
same_bytes(const char *path, const void *p, size_t n)
{
	char		 tmp[65536];
	const char	*c = p;
	struct stat	 st;
	ssize_t		 r;
	size_t		 off = 0;
	int		 fd, same = 0;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != n)
		goto out;
	while (off < n) {
		r = read(fd, tmp, sizeof(tmp));
		if (r <= 0 || memcmp(tmp, c + off, (size_t)r) != 0)
			goto out;
		off += (size_t)r;
	}
	same = 1;
out:
	close(fd);
	return same;
}

static int
valid_rel(const char *rel)
{
	const char	*p;

	if (rel[0] == '\0' || rel[0] == '/')
		return 0;
	for (p = rel; *p; p++)
		if (p[0] == '.' && p[1] == '.' &&
		    (p == rel || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return 0;
	return 1;
}

/*
 * Claim rel for this build: old and dst get its published and staged
 * paths, and its folder in staging is made.  Returns 0, or -1 after a
 * message.
 */
static int
claim(struct output *o, const char *rel, char *old, char *dst)
{
	char		 dir[PATH_MAX], *slash;

	if (!valid_rel(rel) ||
	    path_join(old, PATH_MAX, o->dir, rel) == -1 ||
	    path_join(dst, PATH_MAX, o->stage, rel) == -1) {
		diag_err(rel, 0, 0, "bad output path");
		return -1;
	}
	pthread_mutex_lock(&o->lock);
	if (htab_find(o->seen, rel, strlen(rel)) != HTAB_NONE) {
		pthread_mutex_unlock(&o->lock);
		diag_err(rel, 0, 0, "two pages want the same output file "
		    "(check for duplicate slugs)");
		return -1;
	}
	htab_add(o->seen, rel, strlen(rel));
	if (o->nfiles == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->files = xreallocarray(o->files, o->cap, sizeof(char *));
	}
	o->files[o->nfiles++] = xstrdup(rel);
	pthread_mutex_unlock(&o->lock);

	memcpy(dir, dst, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (mkdir_p(dir) == -1)
			return -1;
	}
	return 0;
}

/*
 * Keep the published rel as it is (the caller knows its bytes would be
 * the same): link it into staging.  Returns 0; -1 after a message; 1
 * when it cannot be linked, with nothing claimed (render it instead).
 */
/* Was rel written (or kept) by this build?  1 if so. */
int
out_has(const struct output *o, const char *rel)
{
	return htab_find(o->seen, rel, strlen(rel)) != HTAB_NONE;
}

/* Was rel written with bytes the published file did not have?  1 if so. */
int
out_fresh(const struct output *o, const char *rel)
{
	return htab_find(o->fresh, rel, strlen(rel)) != HTAB_NONE;
}

int
out_keep(struct output *o, const char *rel)
{
	char		 old[PATH_MAX], dst[PATH_MAX];
	struct stat	 st;

	if (path_join(old, sizeof(old), o->dir, rel) == -1 ||
	    lstat(old, &st) == -1 || !S_ISREG(st.st_mode))
		return 1;
	if (claim(o, rel, old, dst) == -1)
		return -1;
	if (link(old, dst) == -1) {
		diag_err(dst, 0, 0, "cannot link: %s", strerror(errno));
		return -1;
	}
	staged_one(o);
	return 0;
}

/*
 * Write one output file (rel is below the output folder).  Thread-safe.
 * Writing the same rel twice is an error.  Returns 0, or -1 after a
 * message (a full disk among them).
 */
int
out_put(struct output *o, const char *rel, const void *p, size_t n)
{
	char		 old[PATH_MAX], dst[PATH_MAX];
	int		 fd, changed = 1;
	ssize_t		 w;
	const char	*c = p;

	if (claim(o, rel, old, dst) == -1)
		return -1;
	if (same_bytes(old, p, n) && link(old, dst) == 0)
		changed = 0;
	else {
		if (access(old, F_OK) == 0)
			changed = 2;
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
			diag_err(dst, 0, 0, "cannot create: %s",
			    strerror(errno));
			return -1;
		}
		while (n > 0) {
			w = write_or_fault(fd, c, n);
			if (w == -1 && errno == EINTR)
				continue;
			if (w <= 0) {
				diag_err(dst, 0, 0, "cannot write: %s",
				    w == 0 ? "short write" : strerror(errno));
				close(fd);
				return -1;
			}
			c += w;
			n -= (size_t)w;
		}
		if (close(fd) == -1) {
			diag_err(dst, 0, 0, "cannot write: %s",
			    strerror(errno));
			return -1;
		}
	}
	if (changed) {
		pthread_mutex_lock(&o->lock);
		o->changed++;
		htab_add(o->fresh, rel, strlen(rel));
		if (changed == 2)
			o->replaced++;
		pthread_mutex_unlock(&o->lock);
	}
	staged_one(o);
	return 0;
}

/* The staging folder, for checks that run before the commit. */
const char *
out_stage_dir(const struct output *o)
{
	return o->stage;
}

/* Files written so far, sorted (borrowed until commit/abort). */
char **
out_files(struct output *o, size_t *n)
{
	qsort(o->files, o->nfiles, sizeof(char *), str_cmp);
	*n = o->nfiles;
	return o->files;
}

size_t
out_changed(const struct output *o)
{
	return o->changed;
}

static void
out_free(struct output *o)
{
	size_t	 i;

	for (i = 0; i < o->nfiles; i++)
		free(o->files[i]);
	free(o->files);
	htab_free(o->seen);
	htab_free(o->fresh);
	free(o->dir);
	free(o->stage);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

/* Count regular files below dir (stops at 2^31). */
static size_t
count_files(const char *dir, int depth)
{
	char		 p[PATH_MAX];
	struct dirent	*d;
	struct stat	 st;
	size_t		 n = 0;
	DIR		*dp;

	if (depth > 32 || (dp = opendir(dir)) == NULL)
		return 0;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (path_join(p, sizeof(p), dir, d->d_name) == -1 ||
		    lstat(p, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			n += count_files(p, depth + 1);
		else
			n++;
	}
	closedir(dp);
	return n;
}

/*
 * Publish: swap staging and the output folder, then remove the old
 * site.  When no byte changed and no file came or went, nothing is
 * touched.  Frees o.  Returns 0, or -1 after a message (the old site is
 * then still in place).
 */
int
out_commit(struct output *o, size_t *changed)
{
	struct stat	 st;
	int		 rc = -1;
	size_t		 removed = 0;

	if (stat(o->dir, &st) == 0) {
		/* Old files neither kept nor replaced are removed. */
		removed = count_files(o->dir, 0);
		removed = removed > o->nfiles - o->changed + o->replaced ?
		    removed - (o->nfiles - o->changed + o->replaced) : 0;
		if (o->changed == 0 && removed == 0) {
			rc = rm_rf(o->stage);
			goto out;
		}
		if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->dir,
		    RENAME_EXCHANGE) == -1) {
			diag_err(o->dir, 0, 0, "cannot swap in the new site: "
			    "%s", strerror(errno));
			goto out;
		}
	} else if (rename(o->stage, o->dir) == -1) {
		diag_err(o->dir, 0, 0, "cannot publish: %s", strerror(errno));
		goto out;
	}
	stop_point("swap", 0);
	rc = rm_rf(o->stage);
out:
	if (changed)
		*changed = o->changed + removed;
	out_free(o);
	return rc;
}

/* Drop the staging folder; the published site stays as it was. */
void
out_abort(struct output *o)
{
	rm_rf(o->stage);
	out_free(o);
}
