/*
 * output.c: write stage.  Takes rendered files (path below the output
 * folder + bytes) from any thread, stages them in a hidden sibling
 * folder (".NAME.folio-staging") and, on commit, swaps the staging
 * folder with the published one in one rename (RENAME_EXCHANGE):
 * readers and a killed build see the complete old site or the complete
 * new one.  A file whose bytes did not change is hard-linked from the
 * old site, so its mtime is kept and rsync-style deploys upload only
 * what changed.  After the swap the old site stays as the next build's
 * staging folder: most of its files are already the published ones
 * (same inode), so a small edit links, writes and removes only what
 * changed since, instead of linking every file again and removing the
 * whole old tree.  Whatever a killed build left there is brought in
 * line the same way; a failed build removes it.
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
	struct htab	*dirs;		/* folders made in staging */
	size_t		 nfiles;	/* entries in files */
	size_t		 cap;		/* slots in files */
	size_t		 changed;	/* files whose bytes are new */
	size_t		 replaced;	/* of those, files that existed before */
	size_t		 staged;	/* files in staging (stop_point) */
	pthread_mutex_t	 lock;		/* guards files ... staged, dirs */
	int		 no_old;	/* nothing published: no file to keep */
	int		 new_stage;	/* staging made empty: nothing in the way */
};

/*
 * Start a build into outdir, staging in the folder the last build left
 * (the site before it, or a killed build's part), else a new one.
 * Returns the handle (out_commit or out_abort frees it), or NULL after
 * a message.
 */
struct output *
out_open(const char *outdir)
{
	struct output	*o;
	struct stat	 st;
	char		*parent, *slash;

	o = xcalloc(1, sizeof(*o));
	o->dir = xstrdup(outdir);
	while (strlen(o->dir) > 1 && o->dir[strlen(o->dir) - 1] == '/')
		o->dir[strlen(o->dir) - 1] = '\0';
	slash = strrchr(o->dir, '/');
	o->stage = slash == NULL ? xasprintf(".%s.folio-staging", o->dir) :
	    xasprintf("%.*s/.%s.folio-staging", (int)(slash - o->dir), o->dir,
	    slash + 1);
	pthread_mutex_init(&o->lock, NULL);
	o->seen = htab_new();
	o->fresh = htab_new();
	o->dirs = htab_new();
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
	/* A first build (as in CI) need not look for what is not there:
	 * three failing calls a file, a tenth of a 30,000-file build's. */
	o->no_old = lstat(o->dir, &st) == -1 && errno == ENOENT;
	if (lstat(o->stage, &st) == -1 && errno == ENOENT)
		o->new_stage = 1;
	else if (!S_ISDIR(st.st_mode) && rm_rf(o->stage) == -1) {
		out_abort(o);
		return NULL;
	}
	if (mkdir_p(o->stage) == -1) {
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

/* Does the file at path hold exactly these bytes?  *st gets its stat. */
static int
same_bytes(const char *path, const void *p, size_t n, struct stat *st)
{
	char		 tmp[65536];
	const char	*c = p;
	ssize_t		 r;
	size_t		 off = 0;
	int		 fd, same = 0;

	if ((fd = open(path, O_RDONLY)) == -1)
		return 0;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode) ||
	    (size_t)st->st_size != n)
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

/*
 * Make way in staging for a file at dst: remove what the last build
 * left there (a file, or a folder where a file goes now).  Returns 0,
 * or -1 after a message.
 */
static int
clear(const char *dst, const struct stat *st)
{
	if (S_ISDIR(st->st_mode) ? rm_rf(dst) == -1 : unlink(dst) == -1 &&
	    errno != ENOENT) {
		diag_err(dst, 0, 0, "cannot remove: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Staging's dst as a hard link to the published old: nothing to do when
 * it already is one (the last two builds kept the file).  Returns 0, or
 * -1 with errno set (the caller says what failed).
 */
static int
place_link(const char *old, const struct stat *ost, const char *dst)
{
	struct stat	 st;

	if (lstat(dst, &st) == 0) {
		if (st.st_ino == ost->st_ino && st.st_dev == ost->st_dev)
			return 0;
		if (clear(dst, &st) == -1)
			return -1;
	}
	return link(old, dst);
}

/*
 * The folder dir in staging, where the last build may have left a file
 * in the way of one of its parts.  Returns 0, or -1 after a message.
 */
static int
make_dir(const struct output *o, char *dir)
{
	struct stat	 st;
	char		*p;

	if (mkdir_p(dir) == -1)
		return -1;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	for (p = dir + strlen(o->stage); *p != '\0'; p++) {
		if (*p != '/' || p == dir + strlen(o->stage))
			continue;
		*p = '\0';
		if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode) &&
		    clear(dir, &st) == -1)
			return -1;
		*p = '/';
	}
	if (lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode) &&
	    clear(dir, &st) == -1)
		return -1;
	return mkdir_p(dir);
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
	int		 made;

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

	/* Its folder, once per folder (two threads may both make it). */
	memcpy(dir, dst, sizeof(dir));
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		pthread_mutex_lock(&o->lock);
		made = htab_find(o->dirs, dir, strlen(dir)) != HTAB_NONE;
		pthread_mutex_unlock(&o->lock);
		if (!made) {
			if (make_dir(o, dir) == -1)
				return -1;
			pthread_mutex_lock(&o->lock);
			htab_add(o->dirs, dir, strlen(dir));
			pthread_mutex_unlock(&o->lock);
		}
	}
	return 0;
}

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

/*
 * Keep the published rel as it is (the caller knows its bytes would be
 * the same and has just lstat'ed it into st): link it into staging.
 * Returns 0; -1 after a message; 1 when it cannot be linked, with
 * nothing claimed (render it instead).
 */
int
out_keep(struct output *o, const char *rel, const struct stat *st)
{
	char		 old[PATH_MAX], dst[PATH_MAX];

	if (path_join(old, sizeof(old), o->dir, rel) == -1 ||
	    !S_ISREG(st->st_mode))
		return 1;
	if (claim(o, rel, old, dst) == -1)
		return -1;
	if (place_link(old, st, dst) == -1) {
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
	struct stat	 st, ost;
	int		 fd, changed = 1;

	if (claim(o, rel, old, dst) == -1)
		return -1;
	if (!o->no_old && same_bytes(old, p, n, &ost) &&
	    place_link(old, &ost, dst) == 0)
		changed = 0;
	else {
		if (!o->no_old && access(old, F_OK) == 0)
			changed = 2;
		/* A new file: what staging has there may be a link to the
		 * published one, which must not change before the swap. */
		if (!o->new_stage && lstat(dst, &st) == 0 &&
		    clear(dst, &st) == -1)
			return -1;
		if ((fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644)) == -1) {
			diag_err(dst, 0, 0, "cannot create: %s",
			    strerror(errno));
			return -1;
		}
		if (write_close(fd, p, n, write_or_fault, dst) == -1)
			return -1;
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
	htab_free(o->dirs);
	free(o->dir);
	free(o->stage);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

/*
 * Remove from staging folder dir (rel below the output) what this build
 * did not write or keep: files the last builds left, emptied folders.
 * Returns 0, or -1 after a message.
 */
static int
prune(const struct output *o, const char *dir, const char *rel, int depth)
{
	char		 p[PATH_MAX], r[PATH_MAX];
	struct dirent	*d;
	struct stat	 st;
	DIR		*dp;
	int		 rc = 0, isdir;

	if (depth > 32 || (dp = opendir(dir)) == NULL) {
		diag_err(dir, 0, 0, "cannot read folder: %s", depth > 32 ?
		    "too deep" : strerror(errno));
		return -1;
	}
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (path_join(p, sizeof(p), dir, d->d_name) == -1 ||
		    (size_t)snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" :
		    "", d->d_name) >= sizeof(r)) {
			diag_err(dir, 0, 0, "path too long");
			rc = -1;
			break;
		}
		isdir = d->d_type == DT_DIR;
		if (d->d_type == DT_UNKNOWN)
			isdir = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
		if (isdir) {
			rc = prune(o, p, r, depth + 1);
			if (rc == 0 && rmdir(p) == -1 && errno != ENOTEMPTY &&
			    errno != EEXIST) {
				diag_err(p, 0, 0, "cannot remove: %s",
				    strerror(errno));
				rc = -1;
			}
		} else if (htab_find(o->seen, r, strlen(r)) == HTAB_NONE &&
		    unlink(p) == -1 && errno != ENOENT) {
			diag_err(p, 0, 0, "cannot remove: %s", strerror(errno));
			rc = -1;
		}
	}
	closedir(dp);
	return rc;
}

/*
 * Publish: clear what staging holds beyond this build's files, swap it
 * with the output folder, and keep the old site there as the next
 * build's staging.  When no byte changed and no file came or went, the
 * site is not touched.  Frees o.  Returns 0, or -1 after a message (the
 * old site is then still in place).
 */
int
out_commit(struct output *o, size_t *changed)
{
	struct stat	 st;
	int		 rc = -1;
	size_t		 removed = 0;

	if (prune(o, o->stage, "", 0) == -1)
		goto out;
	if (stat(o->dir, &st) == 0) {
		/* Old files neither kept nor replaced are removed. */
		removed = tree_count(o->dir);
		removed = removed > o->nfiles - o->changed + o->replaced ?
		    removed - (o->nfiles - o->changed + o->replaced) : 0;
		if (o->changed == 0 && removed == 0) {
			rc = 0;
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
	rc = 0;
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
