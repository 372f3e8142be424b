/*
 * util.c: allocation that cannot fail, whole-file I/O, bounded paths,
 * UTF-8 checks and a hash.  Out of memory is fatal: this is a program,
 * not a library (sblg util.c, mandoc mandoc_aux.c).
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE		/* d_type, DT_DIR */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folio.h"

void
errx_fatal(const char *fmt, ...)
{
	va_list	 ap;

	fputs("folio: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		errx_fatal("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n ? n : 1, sz ? sz : 1)) == NULL)
		errx_fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		errx_fatal("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		errx_fatal("out of memory");
	return xrealloc(p, n * sz);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		 tmp[256];
	int		 n;

	/* Most are short: once into tmp, again only when it is not. */
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		errx_fatal("vsnprintf failed");
	if ((size_t)n < sizeof(tmp))
		return xstrndup(tmp, (size_t)n);
	buf_init(&b);
	buf_grow(&b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b.p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	return buf_take(&b);
}

/*
 * Read a whole file into out (appending), straight into the buffer.
 * Prints nothing: returns 0, or -1 with *why set to the reason (caller
 * frees), so threads can report in a fixed order later.
 */
int
file_load(const char *path, struct buf *out, char **why)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 room;
	int		 fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY)) == -1) {
		*why = xasprintf("cannot open: %s", strerror(errno));
		return -1;
	}
	room = 65536;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*why = xstrdup("is a directory, not a file");
			close(fd);
			return -1;
		}
		/* One byte more than the size, so EOF needs no regrowth. */
		if (st.st_size > 0 && (size_t)st.st_size < BUF_MAX)
			room = (size_t)st.st_size + 1;
	}
	for (;;) {
		if (out->cap < out->len + 2)
			buf_grow(out, room);
		n = read(fd, out->p + out->len, out->cap - out->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*why = xasprintf("cannot read: %s", strerror(errno));
			close(fd);
			out->p[out->len] = '\0';
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		room = 65536;
	}
	out->p[out->len] = '\0';
	close(fd);
	return 0;
}

/*
 * Read a whole file into out (appending).  Returns 0, or -1 after
 * printing "path: error: reason".
 */
int
file_read(const char *path, struct buf *out)
{
	char	*why;

	if (file_load(path, out, &why) == -1) {
		diag_err(path, 0, 0, "%s", why);
		free(why);
		return -1;
	}
	return 0;
}

/*
 * A cache file that says whether it is whole: b's bytes and, after
 * them, hash_words of them (seed), written atomically.  b keeps the
 * checksum.  Returns 0, or -1 after a message.
 */
int
file_write_sealed(const char *path, struct buf *b, uint64_t seed)
{
	le_put(b, hash_words(b->p, b->len, seed), 8);
	return file_write_atomic(path, b->p, b->len);
}

/*
 * Read what file_write_sealed wrote into out, checksum checked and
 * dropped.  Prints nothing: returns 0; -1 with *why set when the file
 * cannot be read (caller frees); -1 with *why NULL when it is not whole.
 */
/* Do the n bytes at p end with file_write_sealed's checksum (seed)? */
static int
sealed(const char *p, size_t n, uint64_t seed)
{
	return n >= 8 && le_get(p + n - 8, 8) == hash_words(p, n - 8, seed);
}

int
file_load_sealed(const char *path, uint64_t seed, struct buf *out,
    char **why)
{
	if (file_load(path, out, why) == -1)
		return -1;
	if (!sealed(out->p, out->len, seed))
		return -1;
	buf_truncate(out, out->len - 8);
	return 0;
}

/*
 * Counting sort of items 0..n-1 by bucket[i] (< nb): order gets the
 * items bucket by bucket, each bucket's in item order, and start (nb + 1
 * entries) where each bucket begins in order (start[nb] = n).
 */
void
bucket_order(const size_t *bucket, size_t n, size_t nb, size_t *start,
    size_t *order)
{
	size_t	 i, *fill = xcalloc(nb + 1, sizeof(*fill));

	for (i = 0; i < n; i++)
		fill[bucket[i] + 1]++;
	for (i = 0; i < nb; i++)
		fill[i + 1] += fill[i];
	memcpy(start, fill, (nb + 1) * sizeof(*start));
	for (i = 0; i < n; i++)
		order[fill[bucket[i]]++] = i;
	free(fill);
}

/*
 * Map what file_write_sealed wrote, read-only, into m, checksum checked
 * and left out of m->len: the page cache's pages, with no copy and no
 * fresh memory (a rebuild maps ~100 MB of memo this way; reading it
 * costs a copy and as many new pages, which later stages then cannot
 * reuse).  Memo files are replaced by rename, never rewritten in place,
 * so a mapping stays whole.  Returns as file_load_sealed.
 */
int
file_map_sealed(const char *path, uint64_t seed, struct fmap *m,
    char **why)
{
	struct stat	 st;
	void		*p;
	int		 fd;

	memset(m, 0, sizeof(*m));
	*why = NULL;
	if ((fd = open(path, O_RDONLY)) == -1) {
		*why = xasprintf("cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size < 8 || (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE |
	    MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		*why = xasprintf("cannot map: %s", strerror(errno));
		return -1;
	}
	m->p = p;
	m->mlen = (size_t)st.st_size;
	m->len = m->mlen - 8;
	if (!sealed(m->p, m->mlen, seed)) {
		file_unmap(m);
		return -1;
	}
	return 0;
}

void
file_unmap(struct fmap *m)
{
	if (m->mlen > 0)
		munmap((void *)m->p, m->mlen);
	memset(m, 0, sizeof(*m));
}

/*
 * The LEB128 varint (buf_put_var) at *p, before end and of at most bits
 * bits (a multiple of 7, up to 63), into *v; *p moves past it.  Returns
 * 0, or -1 when it is cut short or longer.
 */
int
var_get(const unsigned char **p, const unsigned char *end, int bits,
    uint64_t *v)
{
	int	 sh;

	*v = 0;
	for (sh = 0; sh < bits && *p < end; sh += 7) {
		*v |= (uint64_t)(**p & 0x7f) << sh;
		if (!(*(*p)++ & 0x80))
			return 0;
	}
	return -1;
}

/* The n-byte little-endian number at p (n <= 8). */
uint64_t
le_get(const void *p, int n)
{
	const unsigned char *u = p;
	uint64_t	 v = 0;

	while (n-- > 0)
		v = v << 8 | u[n];
	return v;
}

/* Does this machine keep integers little-endian (as the memo files)? */
int
le_host(void)
{
	const uint16_t	 one = 1;

	return *(const unsigned char *)&one == 1;
}

/* Store v as n little-endian bytes (n <= 8) at p. */
void
le_set(void *p, uint64_t v, int n)
{
	unsigned char	*c = p;
	int		 i;

	for (i = 0; i < n; i++, v >>= 8)
		c[i] = (unsigned char)(v & 0xff);
}

/* Append v as n little-endian bytes (n <= 8). */
void
le_put(struct buf *b, uint64_t v, int n)
{
	unsigned char	 c[8];

	le_set(c, v, n);
	buf_put(b, c, (size_t)n);
}

/*
 * Write p[0..n) to fd through wr (write(2), or a test's fault hook) and
 * close it.  Returns 0, or -1 after "path: error: cannot write: ..."
 * (fd is closed either way).
 */
int
write_close(int fd, const void *p, size_t n,
    ssize_t (*wr)(int, const void *, size_t), const char *path)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = wr(fd, c, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			diag_err(path, 0, 0, "cannot write: %s",
			    w == 0 ? "short write" : strerror(errno));
			close(fd);
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	if (close(fd) == -1) {
		diag_err(path, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Write bytes to path through a temporary file in the same folder and
 * rename(2): readers see the old file or the new one, never a part.
 * Returns 0, or -1 after printing the reason (a full disk among them).
 */
int
file_write_atomic(const char *path, const void *p, size_t n)
{
	char		 tmp[4096];
	int		 fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp~%ld", path,
	    (long)getpid()) >= sizeof(tmp)) {
		diag_err(path, 0, 0, "path too long");
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
		diag_err(path, 0, 0, "cannot create: %s", strerror(errno));
		return -1;
	}
	if (write_close(fd, p, n, write, path) == -1) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		diag_err(path, 0, 0, "cannot rename: %s", strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Join a and b with one '/'.  Returns 0, or -1 if dst is too small. */
int
path_join(char *dst, size_t sz, const char *a, const char *b)
{
	size_t	 al = strlen(a), bl = strlen(b), sep;

	/* No printf: the build joins paths ~170,000 times. */
	sep = al > 0 && a[al - 1] != '/';
	if (al + sep + bl >= sz) {
		if (sz > 0)
			dst[0] = '\0';
		return -1;
	}
	memmove(dst, a, al);
	if (sep)
		dst[al] = '/';
	memmove(dst + al + sep, b, bl + 1);
	return 0;
}

/* What tree_walk gathers: the paths (list) or only how many. */
struct tree_acc {
	char	**v;		/* paths relative to the root; NULL: count */
	size_t	  n;		/* entries found */
	size_t	  cap;		/* slots in v */
	size_t	  root;		/* bytes of the root folder's path */
};

/*
 * Walk the folder p (room for PATH_MAX bytes) from its entries, into
 * acc.  Listing (acc->v set): what is not a folder, a link only when it
 * names a file or nothing (so that reading it reports the problem; a
 * link to a folder is never followed), a stat only for links and
 * entries of unknown type.  Counting: every entry that is not a folder,
 * no stat but for an unknown type, 32 folders deep at most.
 */
static void
tree_walk(char *p, struct tree_acc *acc, int depth)
{
	struct dirent	*d;
	struct stat	 st;
	size_t		 len = strlen(p), k;
	DIR		*dp;
	int		 type;

	if ((acc->v == NULL && depth > 32) || (dp = opendir(p)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		k = strlen(d->d_name);
		if (len + 1 + k >= PATH_MAX)
			continue;
		p[len] = '/';
		memcpy(p + len + 1, d->d_name, k + 1);
		type = d->d_type;
		if (type == DT_UNKNOWN && lstat(p, &st) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR :
			    S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		if (type == DT_DIR)
			tree_walk(p, acc, depth + 1);
		else if (acc->v == NULL)
			acc->n++;
		else if (type != DT_LNK || stat(p, &st) == -1 ||
		    S_ISREG(st.st_mode)) {
			if (acc->n == acc->cap) {
				acc->cap *= 2;
				acc->v = xreallocarray(acc->v, acc->cap,
				    sizeof(*acc->v));
			}
			acc->v[acc->n++] = xstrdup(p + acc->root + 1);
		}
		p[len] = '\0';
	}
	closedir(dp);
}

/* Start tree_walk at dir into acc; -1 when dir cannot be read. */
static int
tree_start(const char *dir, struct tree_acc *acc)
{
	char		 p[PATH_MAX];
	size_t		 len = strlen(dir);
	DIR		*dp;

	if (len >= PATH_MAX || (dp = opendir(dir)) == NULL)
		return -1;
	closedir(dp);
	memcpy(p, dir, len + 1);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	acc->root = len;
	tree_walk(p, acc, 0);
	return 0;
}

/*
 * The files below dir as paths relative to it, sorted (str_cmp): all
 * that is not a folder, but links to folders.  Sets *n and returns the
 * array (caller frees it and each entry), or NULL (errno set, *n 0)
 * when dir cannot be read.  Reads folders' entries only (tree_walk).
 */
char **
tree_list(const char *dir, size_t *n)
{
	struct tree_acc	 acc;

	memset(&acc, 0, sizeof(acc));
	acc.cap = 64;
	acc.v = xreallocarray(NULL, acc.cap, sizeof(*acc.v));
	*n = 0;
	if (tree_start(dir, &acc) == -1) {
		free(acc.v);
		return NULL;
	}
	if (acc.n > 1)
		qsort(acc.v, acc.n, sizeof(*acc.v), str_cmp);
	*n = acc.n;
	return acc.v;
}

/*
 * Count what lies below dir other than folders (files, links, ...),
 * 32 folders deep at most; from the folders' entries alone (no stat
 * a file), so that it is cheap on a large published tree.
 */
size_t
tree_count(const char *dir)
{
	struct tree_acc	 acc;

	memset(&acc, 0, sizeof(acc));
	(void)tree_start(dir, &acc);
	return acc.n;
}

/* mkdir -p.  Returns 0, or -1 after printing why. */
int
mkdir_p(const char *path)
{
	char	 tmp[4096];
	char	*p;
	size_t	 len;

	len = strlen(path);
	if (len == 0)
		return 0;
	if (len >= sizeof(tmp)) {
		diag_err(path, 0, 0, "path too long");
		return -1;
	}
	memcpy(tmp, path, len + 1);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST) {
			diag_err(tmp, 0, 0, "cannot create folder: %s",
			    strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(tmp, 0755) == -1 && errno != EEXIST) {
		diag_err(tmp, 0, 0, "cannot create folder: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if ((flag == FTW_DP ? rmdir(p) : unlink(p)) == -1 && errno != ENOENT) {
		diag_err(p, 0, 0, "cannot remove: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* rm -rf.  A missing path is fine.  Returns 0 or -1 with message. */
int
rm_rf(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/*
 * Decode one UTF-8 sequence at s (n bytes left).  Returns the bytes
 * used, at least 1; an invalid sequence gives U+FFFD and 1 byte.
 * utf8_decode in folio.h takes ASCII and most three-byte sequences
 * (all of Han) itself and calls this for the rest.
 */
size_t
utf8_decode_rest(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 len, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		len = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4;
		c = u[0] & 0x07;
	} else
		goto bad;
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

/*
 * Returns 1 if s is valid UTF-8 without NUL bytes; else 0 with the
 * offset of the first bad byte in *bad.
 */
int
utf8_check(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t		 i = 0, k;
	uint32_t	 cp;

	while (i < n) {
		if (u[i] < 0x80) {
			if (u[i] == '\0')
				goto fail;
			i++;
			continue;
		}
		/*
		 * The common case in Chinese text, inline: a 3-byte
		 * sequence, not overlong (E0 needs A0..BF next) and not a
		 * surrogate (ED needs 80..9F); the rest as utf8_decode says.
		 */
		if (u[i] >= 0xe1 && u[i] <= 0xef && u[i] != 0xed &&
		    i + 2 < n && (u[i + 1] & 0xc0) == 0x80 &&
		    (u[i + 2] & 0xc0) == 0x80) {
			i += 3;
			continue;
		}
		k = utf8_decode(s + i, n - i, &cp);
		if (cp == 0xfffd && k == 1)
			goto fail;
		i += k;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

/* Line and column (1-based, column in bytes) of byte offset off in s. */
void
text_pos(const char *s, size_t off, int *line, int *col)
{
	size_t	 i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++, (*col)++)
		if (s[i] == '\n') {
			(*line)++;
			*col = 0;
		}
}

/* Characters (code points) in UTF-8 s[0..n). */
size_t
utf8_count(const char *s, size_t n)
{
	size_t	 i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Append code point cp to b as UTF-8 (the one encoder). */
void
utf8_put(struct buf *b, uint32_t cp)
{
	char	 u[4];
	size_t	 n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_put(b, u, n);
}

/* Scramble a 64-bit key for open-addressing tables (murmur3 fmix). */
uint64_t
hash_mix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

#define HW_MUL	0xff51afd7ed558ccdULL

/*
 * A hash of n bytes, eight at a time (a multiply per word, not per
 * byte): for long keys and page contexts.  From 64 bytes on, four
 * lanes of 32 bytes run side by side (each multiply waits for the
 * one before in its lane only), then fold into one.  Not stable
 * across machines of another byte order; nothing stores it beyond
 * this machine.
 */
uint64_t
hash_words(const void *p, size_t n, uint64_t h)
{
	const char	*s = p;
	uint64_t	 w, l[4];
	int		 i;

	h ^= 0x9e3779b97f4a7c15ULL ^ n;
	if (n >= 64) {
		for (i = 0; i < 4; i++)
			l[i] = h + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
		for (; n >= 32; s += 32, n -= 32)
			for (i = 0; i < 4; i++) {
				memcpy(&w, s + 8 * i, 8);
				l[i] = (l[i] ^ w) * HW_MUL;
				l[i] ^= l[i] >> 32;
			}
		h = hash_mix64(l[0] ^ hash_mix64(l[1] ^
		    hash_mix64(l[2] ^ hash_mix64(l[3]))));
	}
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * HW_MUL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, n);
	return hash_mix64(h ^ w);
}

uint64_t
hash64(const void *p, size_t n, uint64_t h)
{
	const unsigned char	*c = p;

	if (h == 0)
		h = 1469598103934665603ULL;
	while (n--) {
		h ^= *c++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* v in decimal into d (room for 21 bytes), NUL-terminated; its length. */
size_t
fmt_dec(char *d, unsigned long long v)
{
	char	 tmp[24], *p = tmp + sizeof(tmp);
	size_t	 n;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(d, p, n);
	d[n] = '\0';
	return n;
}

/* The last component of path: after its last '/', or all of it. */
const char *
path_base(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
u32_cmp(const void *x, const void *y)
{
	uint32_t	 a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

struct pool {
	int		(*fn)(void *, size_t);	/* the work for one index */
	void		 *arg;			/* passed to fn; borrowed */
	size_t		  n;			/* indices 0..n-1 */
	size_t		  next;			/* next index to hand out */
	int		  failed;		/* some fn returned -1 */
	pthread_mutex_t	  lock;			/* guards next, failed */
};

/* One worker of a pool: which pool, and its number. */
struct worker {
	struct pool	*pl;
	int		 id;	/* 0 .. jobs - 1 */
};

static _Thread_local int worker_id;	/* this thread's, in its par_for */

/*
 * The number of the par_for worker running the caller, 0 .. jobs - 1
 * (0 outside par_for): an index into per-worker scratch, which needs
 * no lock as no two workers of one par_for share a number.
 */
int
par_worker(void)
{
	return worker_id;
}

static void *
pool_worker(void *p)
{
	struct worker	*w = p;
	struct pool	*pl = w->pl;
	size_t		 i;
	int		 outer = worker_id;

	worker_id = w->id;
	for (;;) {
		pthread_mutex_lock(&pl->lock);
		i = pl->next++;
		pthread_mutex_unlock(&pl->lock);
		if (i >= pl->n)
			break;
		if (pl->fn(pl->arg, i) == -1) {
			pthread_mutex_lock(&pl->lock);
			pl->failed = 1;
			pthread_mutex_unlock(&pl->lock);
		}
	}
	worker_id = outer;
	return NULL;
}

/*
 * Run fn(arg, i) for i in 0..n-1 on up to jobs threads (the calling
 * thread is one of them).  Each i must write only its own results, so
 * the output is the same for any jobs.  Returns 0, or -1 if any call
 * returned -1 (all calls still run).
 */
int
par_for(size_t n, int jobs, int (*fn)(void *, size_t), void *arg)
{
	struct pool	 pl;
	struct worker	*w;
	pthread_t	*t;
	int		 i, nt;

	memset(&pl, 0, sizeof(pl));
	pl.fn = fn;
	pl.arg = arg;
	pl.n = n;
	pthread_mutex_init(&pl.lock, NULL);
	nt = jobs < 1 ? 1 : jobs;
	if ((size_t)nt > n)
		nt = n ? (int)n : 1;
	t = xcalloc((size_t)nt, sizeof(*t));
	w = xcalloc((size_t)nt, sizeof(*w));
	for (i = 0; i < nt; i++) {
		w[i].pl = &pl;
		w[i].id = i;
	}
	for (i = 1; i < nt; i++)
		if (pthread_create(&t[i], NULL, pool_worker, &w[i]) != 0)
			errx_fatal("cannot start a thread");
	pool_worker(&w[0]);
	for (i = 1; i < nt; i++)
		pthread_join(t[i], NULL);
	free(t);
	free(w);
	pthread_mutex_destroy(&pl.lock);
	return pl.failed ? -1 : 0;
}
