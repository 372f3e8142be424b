/*
 * serve.c: folio serve, the live preview.  Takes a project folder, builds
 * it (a child "folio build", so a failing or crashing build never takes
 * the server down), serves the output folder on 127.0.0.1 over HTTP/1.1,
 * and rebuilds when content/, themes/ or site.yaml change (inotify).
 * Served HTML gets a reload script and, after a failed build, an overlay
 * with the error; the built files themselves are never changed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "folio.h"

#define SRV_CONNS	64	/* connections served at once; more wait */
#define SRV_HDRMAX	16384	/* bytes of request line and headers */
#define SRV_LOGMAX	65536	/* bytes of a build's messages kept */
#define SRV_QUIET_MS	150	/* quiet after a change before building */
#define SRV_IDLE_S	10	/* an idle keep-alive connection is closed */
#define SRV_PING_S	15	/* seconds between event-stream pings */
#define SRV_EVENTS	"/__folio/events"

extern char **environ;

struct srv;

/* One connection slot: a thread per connection, joined by the loop. */
struct conn {
	struct srv	*srv;	/* the server; borrowed */
	pthread_t	 th;	/* the connection's thread */
	int		 fd;	/* socket; owned, closed by the loop after join */
	int		 busy;	/* 1 from accept until joined */
	int		 done;	/* 1 once the thread returned; guarded by srv lock */
};

struct srv {
	char		*dir;		/* project folder; owned */
	char		*outopt;	/* -o as given, or NULL; owned */
	char		*outdir;	/* output folder; owned */
	char		*cfgname;	/* "site.yaml", its file name; owned */
	char		*roots[2];	/* content and themes folders; owned */
	char		*exe;		/* this program, for builds; owned */
	int		 lfd;		/* listening socket, or -1 */
	int		 ifd;		/* inotify, or -1 */
	int		 pwd;		/* inotify watch on the project folder */
	int		 sfd;		/* signalfd for SIGINT and SIGTERM, or -1 */
	int		 wake[2];	/* pipe: a connection thread finished */
	pid_t		 child;		/* the running build, or 0 */
	int		 cfd;		/* its stderr (read end), or -1 */
	struct buf	 clog;		/* what the running build printed */
	struct timespec	 t0;		/* when it started */
	pthread_mutex_t	 lock;		/* guards gen, err, stop, conns[].done */
	pthread_cond_t	 cond;		/* broadcast when gen or stop change */
	unsigned long	 gen;		/* builds finished */
	char		*err;		/* the last build's messages if it failed; owned */
	int		 stop;		/* 1 after SIGINT or SIGTERM */
	struct conn	 conns[SRV_CONNS]; /* connection slots */
};

static long
ms_since(const struct timespec *t)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* ---- building ---- */

/* Start "folio build" in a child with its stderr on a pipe. */
static int
build_start(struct srv *s)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 none;
	char				*argv[8];
	int				 p[2], n = 0, rc;

	if (pipe2(p, O_CLOEXEC) == -1) {
		diag_err(NULL, 0, 0, "cannot start a build: %s", strerror(errno));
		return -1;
	}
	argv[n++] = s->exe;
	argv[n++] = "build";
	argv[n++] = "-C";
	argv[n++] = s->dir;
	if (s->outopt) {
		argv[n++] = "-o";
		argv[n++] = s->outopt;
	}
	if (diag_verbosity == 0)
		argv[n++] = "-q";
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&s->child, s->exe, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		s->child = 0;
		diag_err(s->exe, 0, 0, "cannot start a build: %s",
		    strerror(rc));
		return -1;
	}
	s->cfd = p[0];
	buf_truncate(&s->clog, 0);
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	return 0;
}

/*
 * The build's stderr reached EOF: reap it, show its messages in the
 * terminal, and publish the result to the pages (a new generation; the
 * error text when it failed).
 */
static void
build_done(struct srv *s)
{
	int	 st = 0, ok;

	close(s->cfd);
	s->cfd = -1;
	while (waitpid(s->child, &st, 0) == -1 && errno == EINTR)
		;
	s->child = 0;
	ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (WIFSIGNALED(st))
		buf_printf(&s->clog, "folio: the build was killed by signal "
		    "%d\n", WTERMSIG(st));
	else if (!ok && s->clog.len == 0)
		buf_printf(&s->clog, "folio: the build failed (exit status "
		    "%d)\n", WEXITSTATUS(st));
	fwrite(s->clog.p, 1, s->clog.len, stderr);
	if (!ok)
		fprintf(stderr, "folio: the build failed after %ld ms; still "
		    "serving the last good site\n", ms_since(&s->t0));
	else if (diag_verbosity > 0)
		fprintf(stderr, "folio: built in %ld ms\n", ms_since(&s->t0));
	pthread_mutex_lock(&s->lock);
	free(s->err);
	s->err = ok ? NULL : xstrdup(s->clog.p);
	s->gen++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Read what the build printed; keep SRV_LOGMAX bytes.  1 at EOF. */
static int
build_read(struct srv *s)
{
	char	 tmp[4096];
	ssize_t	 r;

	r = read(s->cfd, tmp, sizeof(tmp));
	if (r == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0)
		return 1;
	if (s->clog.len < SRV_LOGMAX)
		buf_put(&s->clog, tmp, (size_t)r < SRV_LOGMAX - s->clog.len ?
		    (size_t)r : SRV_LOGMAX - s->clog.len);
	return 0;
}

/* ---- watching ---- */

#define WATCH_MASK (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MODIFY | \
	IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ONLYDIR)

/* Watch dir and every folder below it (symlinks are not followed). */
static void
watch_tree(int ifd, const char *dir, int depth)
{
	char		 p[PATH_MAX];
	struct dirent	*d;
	struct stat	 st;
	DIR		*dp;

	if (depth > 32 || inotify_add_watch(ifd, dir, WATCH_MASK) == -1)
		return;
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (path_join(p, sizeof(p), dir, d->d_name) == 0 &&
		    lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(ifd, p, depth + 1);
	}
	closedir(dp);
}

static void
watch_all(struct srv *s)
{
	watch_tree(s->ifd, s->roots[0], 0);
	watch_tree(s->ifd, s->roots[1], 0);
}

/* Drain inotify; 1 if something that feeds the build changed. */
static int
watch_read(struct srv *s)
{
	char				 tmp[8192]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	ssize_t				 r;
	size_t				 off, n;
	int				 changed = 0, rewalk = 0;

	while ((r = read(s->ifd, tmp, sizeof(tmp))) > 0) {
		for (off = 0; off < (size_t)r; off += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(tmp + off);
			if (ev->mask & IN_Q_OVERFLOW) {
				changed = rewalk = 1;
				continue;
			}
			n = ev->len ? strlen(ev->name) : 0;
			if (ev->wd == s->pwd) {
				/* The project folder: only site.yaml counts. */
				if (n && strcmp(ev->name, s->cfgname) == 0)
					changed = 1;
				continue;
			}
			/* Editors' swap and backup files do not. */
			if (n && (ev->name[0] == '.' || ev->name[n - 1] == '~'))
				continue;
			if ((ev->mask & IN_ISDIR) &&
			    (ev->mask & (IN_CREATE | IN_MOVED_TO)))
				rewalk = 1;
			changed = 1;
		}
	}
	if (rewalk)
		watch_all(s);
	return changed;
}

/* ---- HTTP ---- */

static int
send_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = send(fd, c, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

static const char *
mime(const char *path)
{
	static const char *const map[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".xml", "application/xml; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".wasm", "application/wasm" },
	};
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (strcasecmp(dot, map[i][0]) == 0)
				return map[i][1];
	return "application/octet-stream";
}

/* Status line and headers; the body, if any, follows. */
static int
send_head(int fd, int status, const char *type, size_t len, int keep,
    const char *extra)
{
	struct buf	 h;
	int		 rc;

	buf_init(&h);
	buf_printf(&h, "HTTP/1.1 %d %s\r\nServer: folio/" FOLIO_VERSION "\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "%sConnection: %s\r\n\r\n", status, reason(status), type, len,
	    extra ? extra : "", keep ? "keep-alive" : "close");
	rc = send_all(fd, h.p, h.len);
	buf_free(&h);
	return rc;
}

/*
 * The reload script (an EventSource on SRV_EVENTS that knows which
 * build the page came from) and, when the last build failed, an overlay
 * with its messages, escaped.  Goes before </body>, or at the end.
 */
static void
inject(struct srv *s, struct buf *page)
{
	struct buf	 add;
	const char	*p, *at = NULL;
	size_t		 pos;

	buf_init(&add);
	pthread_mutex_lock(&s->lock);
	if (s->err != NULL) {
		buf_puts(&add, "<div id=\"folio-error\" role=\"alert\" style=\""
		    "position:fixed;inset:0;z-index:2147483647;overflow:auto;"
		    "margin:0;padding:2em;background:rgba(40,0,0,.94);"
		    "color:#fff;font:14px/1.5 monospace\"><p><b>folio: the "
		    "build failed; below is the last good build.</b> Fix the "
		    "error and save: the page reloads.</p><pre style=\""
		    "white-space:pre-wrap\">");
		esc_html(&add, s->err, strlen(s->err));
		buf_puts(&add, "</pre></div>");
	}
	buf_printf(&add, "<script>/* folio serve: live reload */(function(){"
	    "var e=new EventSource(\"" SRV_EVENTS "?g=%lu\");"
	    "e.onmessage=function(m){if(m.data===\"reload\"){e.close();"
	    "location.reload();}};})();</script>", s->gen);
	pthread_mutex_unlock(&s->lock);
	for (p = page->p; (p = strchr(p, '<')) != NULL; p++)
		if (strncasecmp(p, "</body", 6) == 0)
			at = p;
	pos = at ? (size_t)(at - page->p) : page->len;
	buf_put(&add, page->p + pos, page->len - pos);
	buf_truncate(page, pos);
	buf_put(page, add.p, add.len);
	buf_free(&add);
}

/* A short built-in page (400, 403, 405, and 404 without 404.html). */
static int
send_error(struct srv *s, int fd, int status, const char *path, int head,
    int keep)
{
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	buf_printf(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>%d %s</title></head><body><h1>%d %s</h1>", status,
	    reason(status), status, reason(status));
	if (path != NULL) {
		buf_puts(&b, "<p>");
		esc_html(&b, path, strlen(path));
		buf_puts(&b, "</p>");
	}
	buf_puts(&b, "<p><a href=\"/\">folio serve</a></p></body></html>\n");
	inject(s, &b);
	rc = send_head(fd, status, "text/html; charset=utf-8", b.len, keep,
	    status == 405 ? "Allow: GET, HEAD\r\n" : NULL);
	if (rc == 0 && !head)
		rc = send_all(fd, b.p, b.len);
	buf_free(&b);
	return rc;
}

/* Percent-decode s[0..n); -1 on a bad escape or a NUL byte. */
static int
decode(const char *s, size_t n, struct buf *out)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			buf_putc(out, s[i]);
			continue;
		}
		if (i + 2 >= n)
			return -1;
		hi = s[i + 1];
		lo = s[i + 2];
		hi = hi >= '0' && hi <= '9' ? hi - '0' :
		    (hi | 0x20) >= 'a' && (hi | 0x20) <= 'f' ?
		    (hi | 0x20) - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' :
		    (lo | 0x20) >= 'a' && (lo | 0x20) <= 'f' ?
		    (lo | 0x20) - 'a' + 10 : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		buf_putc(out, hi * 16 + lo);
		i += 2;
	}
	return 0;
}

/* Send a regular file; HTML through inject().  0, or -1 to close. */
static int
send_file(struct srv *s, int fd, int status, const char *path, int head,
    int keep)
{
	struct stat	 st;
	struct buf	 b;
	const char	*type = mime(path);
	char		 tmp[65536];
	ssize_t		 r;
	int		 ffd, rc = -1;

	buf_init(&b);
	if ((ffd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1 ||
	    fstat(ffd, &st) == -1 || !S_ISREG(st.st_mode)) {
		rc = send_error(s, fd, 404, NULL, head, keep);
		goto out;
	}
	if (strncmp(type, "text/html", 9) == 0) {
		while ((r = read(ffd, tmp, sizeof(tmp))) > 0)
			buf_put(&b, tmp, (size_t)r);
		if (r == -1) {
			rc = send_error(s, fd, 500, NULL, head, keep);
			goto out;
		}
		inject(s, &b);
		if (send_head(fd, status, type, b.len, keep, NULL) == -1 ||
		    (!head && send_all(fd, b.p, b.len) == -1))
			goto out;
		rc = 0;
		goto out;
	}
	if (send_head(fd, status, type, (size_t)st.st_size, keep, NULL) == -1)
		goto out;
	if (!head)
		while ((r = read(ffd, tmp, sizeof(tmp))) > 0)
			if (send_all(fd, tmp, (size_t)r) == -1)
				goto out;
	rc = 0;
out:
	if (ffd != -1)
		close(ffd);
	buf_free(&b);
	return rc;
}

/* 404: the site's own 404.html when it has one. */
static int
send_404(struct srv *s, int fd, const char *root, const char *path,
    int head, int keep)
{
	char		 p[PATH_MAX];
	struct stat	 st;

	if (root != NULL && path_join(p, sizeof(p), root, "404.html") == 0 &&
	    stat(p, &st) == 0 && S_ISREG(st.st_mode))
		return send_file(s, fd, 404, p, head, keep);
	return send_error(s, fd, 404, path, head, keep);
}

/*
 * GET/HEAD of a path below the output folder.  The decoded path may not
 * hold a ".." segment, and what it resolves to (symlinks included) must
 * lie inside the output folder: otherwise 403.  Folders redirect to
 * "path/" and serve their index.html.
 */
static int
serve_path(struct srv *s, int fd, const char *raw, size_t rawlen,
    const char *query, int head, int keep)
{
	struct buf	 path, loc;
	struct stat	 st;
	char		*root = NULL, *real = NULL;
	char		 full[PATH_MAX];
	const char	*seg, *e;
	size_t		 n;
	int		 rc = -1;

	buf_init(&path);
	buf_init(&loc);
	if (decode(raw, rawlen, &path) == -1) {
		rc = send_error(s, fd, 400, NULL, head, keep);
		goto out;
	}
	for (seg = path.p; *seg; seg = *e ? e + 1 : e) {
		e = strchr(seg, '/');
		if (e == NULL)
			e = seg + strlen(seg);
		if (e - seg == 2 && seg[0] == '.' && seg[1] == '.') {
			rc = send_error(s, fd, 403, NULL, head, keep);
			goto out;
		}
	}
	if ((root = realpath(s->outdir, NULL)) == NULL) {
		rc = send_404(s, fd, NULL, path.p, head, keep);
		goto out;
	}
	n = (size_t)snprintf(full, sizeof(full), "%s%s%s", root, path.p,
	    path.p[path.len - 1] == '/' ? "index.html" : "");
	if (n >= sizeof(full) || (real = realpath(full, NULL)) == NULL) {
		rc = send_404(s, fd, root, path.p, head, keep);
		goto out;
	}
	n = strlen(root);
	if (strncmp(real, root, n) != 0 || (real[n] != '/' && real[n] != '\0')) {
		rc = send_error(s, fd, 403, NULL, head, keep);
		goto out;
	}
	if (stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
		buf_puts(&loc, "Location: ");
		buf_put(&loc, raw, rawlen);
		buf_putc(&loc, '/');
		if (query != NULL) {
			buf_putc(&loc, '?');
			buf_puts(&loc, query);
		}
		buf_puts(&loc, "\r\n");
		rc = send_head(fd, 301, "text/plain; charset=utf-8", 0, keep,
		    loc.p);
		goto out;
	}
	rc = send_file(s, fd, 200, real, head, keep);
out:
	free(root);
	free(real);
	buf_free(&path);
	buf_free(&loc);
	return rc;
}

/*
 * The event stream: "reload" as soon as the page's build (?g=N) is no
 * longer the newest, a ping now and then so a closed tab is noticed.
 * Returns when the client goes or the server stops.
 */
static void
serve_events(struct srv *s, int fd, const char *query)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nServer: folio/"
	    FOLIO_VERSION "\r\nContent-Type: text/event-stream\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
	    "retry: 1000\n\n";
	struct timespec	 until;
	unsigned long	 seen;
	const char	*g, *msg;
	int		 rc;

	if (send_all(fd, head, sizeof(head) - 1) == -1)
		return;
	pthread_mutex_lock(&s->lock);
	seen = s->gen;
	if (query != NULL && (g = strstr(query, "g=")) != NULL)
		seen = strtoul(g + 2, NULL, 10);
	while (!s->stop) {
		if (seen != s->gen) {
			seen = s->gen;
			msg = "data: reload\n\n";
		} else {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += SRV_PING_S;
			if (pthread_cond_timedwait(&s->cond, &s->lock,
			    &until) != ETIMEDOUT)
				continue;
			msg = ": ping\n\n";
		}
		pthread_mutex_unlock(&s->lock);
		rc = send_all(fd, msg, strlen(msg));
		pthread_mutex_lock(&s->lock);
		if (rc == -1)
			break;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Find the end of the headers in b: offset past the blank line, or 0. */
static size_t
head_end(const struct buf *b)
{
	const char	*p;

	if ((p = strstr(b->p, "\r\n\r\n")) != NULL)
		return (size_t)(p - b->p) + 4;
	if ((p = strstr(b->p, "\n\n")) != NULL)
		return (size_t)(p - b->p) + 2;
	return 0;
}

/*
 * A header's value (name matched case-insensitively) in the header lines
 * p; borrowed, *len bytes up to the line end.  NULL if absent.
 */
static const char *
header(const char *p, const char *name, size_t *len)
{
	size_t	 n = strlen(name);

	for (; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		p += n + 1;
		p += strspn(p, " \t");
		*len = strcspn(p, "\r\n");
		return p;
	}
	return NULL;
}

/*
 * One request (request line and headers in h, NUL-terminated; changed
 * in place).  Returns 1 to keep the connection for another, 0 to close.
 */
static int
serve_one(struct srv *s, int fd, char *h)
{
	char		*method, *target, *version, *query, *lines;
	const char	*v;
	size_t		 vlen;
	int		 head, keep, status = 0;

	method = h;
	lines = h + strcspn(h, "\r\n");
	if (*lines != '\0')
		*lines++ = '\0';
	if ((target = strchr(method, ' ')) == NULL ||
	    (version = strchr(target + 1, ' ')) == NULL) {
		send_error(s, fd, 400, NULL, 0, 0);
		return 0;
	}
	*target++ = '\0';
	*version++ = '\0';
	if (strncmp(version, "HTTP/1.", 7) != 0) {
		send_error(s, fd, 505, NULL, 0, 0);
		return 0;
	}
	keep = strcmp(version, "HTTP/1.0") != 0;
	if ((v = header(lines, "Connection", &vlen)) != NULL) {
		if (vlen >= 5 && strncasecmp(v, "close", 5) == 0)
			keep = 0;
		else if (vlen >= 10 && strncasecmp(v, "keep-alive", 10) == 0)
			keep = 1;
	}
	/* A request body would have to be read past: close after. */
	if (((v = header(lines, "Content-Length", &vlen)) != NULL &&
	    !(vlen == 1 && *v == '0')) ||
	    header(lines, "Transfer-Encoding", &vlen) != NULL)
		keep = 0;
	if (diag_verbosity > 1)
		diag_info("folio: %s %s", method, target);
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0)
		status = 405;
	else if (target[0] != '/')
		status = 400;
	for (v = target; *v && status == 0; v++)
		if ((unsigned char)*v <= 0x20 || *v == 0x7f)
			status = 400;
	if (status != 0)
		return send_error(s, fd, status, NULL, head, keep) == 0 && keep;
	if ((query = strchr(target, '#')) != NULL)
		*query = '\0';
	if ((query = strchr(target, '?')) != NULL)
		*query++ = '\0';
	if (strcmp(target, SRV_EVENTS) == 0) {
		serve_events(s, fd, query);
		return 0;
	}
	return serve_path(s, fd, target, strlen(target), query, head,
	    keep) == 0 && keep;
}

/* A connection's thread: requests until close, error or idle timeout. */
static void *
conn_main(void *arg)
{
	struct conn	*c = arg;
	struct srv	*s = c->srv;
	struct buf	 in;
	char		 tmp[4096], *h;
	ssize_t		 r;
	size_t		 end;
	int		 more = 1;

	buf_init(&in);
	while (more) {
		while ((end = head_end(&in)) == 0) {
			if (in.len > SRV_HDRMAX) {
				send_error(s, c->fd, 431, NULL, 0, 0);
				goto out;
			}
			r = recv(c->fd, tmp, sizeof(tmp), 0);
			if (r == -1 && errno == EINTR)
				continue;
			if (r <= 0)
				goto out;
			if (memchr(tmp, '\0', (size_t)r) != NULL) {
				send_error(s, c->fd, 400, NULL, 0, 0);
				goto out;
			}
			buf_put(&in, tmp, (size_t)r);
		}
		h = xstrndup(in.p, end);
		memmove(in.p, in.p + end, in.len - end);
		buf_truncate(&in, in.len - end);
		more = serve_one(s, c->fd, h);
		free(h);
		pthread_mutex_lock(&s->lock);
		if (s->stop)
			more = 0;
		pthread_mutex_unlock(&s->lock);
	}
out:
	buf_free(&in);
	pthread_mutex_lock(&s->lock);
	c->done = 1;
	pthread_mutex_unlock(&s->lock);
	if (write(s->wake[1], "x", 1) == -1) {
		/* the loop still reaps on its next wake-up */
	}
	return NULL;
}

/*
 * The fuzz target's entry: what one connection sending the bytes req
 * and closing its side gets back (into out), served from outdir with
 * err as the last build's failure (or NULL).  Runs conn_main itself; as
 * while stopping, only the first request is answered and the event
 * stream ends at once.  Answers must fit a socket buffer (small files).
 */
void
srv_answer(const char *outdir, const char *err, const void *req, size_t n,
    struct buf *out)
{
	struct srv	 s;
	struct conn	 c;
	pthread_t	 th;
	char		 tmp[4096];
	ssize_t		 r;
	int		 sv[2];
	size_t		 off;

	memset(&s, 0, sizeof(s));
	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	s.outdir = xstrdup(outdir);
	s.err = err ? xstrdup(err) : NULL;
	s.stop = 1;
	if (pipe(s.wake) == -1 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		errx_fatal("srv_answer: %s", strerror(errno));
	for (off = 0; off < n; off += (size_t)r)
		if ((r = write(sv[1], (const char *)req + off, n - off)) <= 0)
			break;
	shutdown(sv[1], SHUT_WR);
	c.srv = &s;
	c.fd = sv[0];
	if (pthread_create(&th, NULL, conn_main, &c) != 0)
		errx_fatal("srv_answer: cannot start a thread");
	pthread_join(th, NULL);
	close(sv[0]);
	while ((r = read(sv[1], tmp, sizeof(tmp))) > 0)
		buf_put(out, tmp, (size_t)r);
	close(sv[1]);
	close(s.wake[0]);
	close(s.wake[1]);
	free(s.outdir);
	free(s.err);
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.lock);
}

/* Join finished connection threads; how many slots are free. */
static int
reap(struct srv *s, int all)
{
	int	 i, done, nfree = 0;

	for (i = 0; i < SRV_CONNS; i++) {
		if (!s->conns[i].busy) {
			nfree++;
			continue;
		}
		pthread_mutex_lock(&s->lock);
		done = s->conns[i].done;
		pthread_mutex_unlock(&s->lock);
		if (!done && !all)
			continue;
		pthread_join(s->conns[i].th, NULL);
		close(s->conns[i].fd);
		s->conns[i].busy = s->conns[i].done = 0;
		nfree++;
	}
	return nfree;
}

static void
accept_one(struct srv *s)
{
	struct timeval	 tv = { SRV_IDLE_S, 0 };
	pthread_attr_t	 at;
	struct conn	*c = NULL;
	int		 fd, i;

	if ((fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;
	for (i = 0; i < SRV_CONNS && c == NULL; i++)
		if (!s->conns[i].busy)
			c = &s->conns[i];
	if (c == NULL) {	/* not polled for when full; be safe */
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c->srv = s;
	c->fd = fd;
	c->done = 0;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	if (pthread_create(&c->th, &at, conn_main, c) != 0)
		close(fd);
	else
		c->busy = 1;
	pthread_attr_destroy(&at);
}

/* ---- the loop ---- */

static int
srv_listen(struct srv *s, int port)
{
	struct sockaddr_in	 a;
	socklen_t		 alen = sizeof(a);
	int			 one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(s->lfd, 128) == -1 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &alen) == -1) {
		diag_err(NULL, 0, 0, "cannot listen on 127.0.0.1:%d: %s "
		    "(try another -p)", port, strerror(errno));
		return -1;
	}
	return ntohs(a.sin_port);
}

/* Resolve the folders from site.yaml; 0, or -1 after its messages. */
static int
srv_config(struct srv *s, const struct srv_opts *o)
{
	struct site	 site;
	const char	*slash;
	char		*tdir;
	int		 rc = -1;

	memset(&site, 0, sizeof(site));
	if (config_load(&site, o->dir, o->outdir) == -1)
		goto out;
	s->outdir = xstrdup(site.output_dir);
	s->roots[0] = xstrdup(site.content_dir);
	/* The whole themes folder: switching themes is a change too. */
	tdir = xstrdup(site.theme_dir);
	if ((slash = strrchr(tdir, '/')) != NULL && slash != tdir)
		tdir[slash - tdir] = '\0';
	s->roots[1] = tdir;
	slash = strrchr(site.config_path, '/');
	s->cfgname = xstrdup(slash ? slash + 1 : site.config_path);
	rc = 0;
out:
	config_free(&site);
	return rc;
}

static void
srv_free(struct srv *s)
{
	if (s->child > 0) {
		kill(s->child, SIGTERM);
		while (waitpid(s->child, NULL, 0) == -1 && errno == EINTR)
			;
	}
	if (s->cfd != -1)
		close(s->cfd);
	if (s->lfd != -1)
		close(s->lfd);
	if (s->ifd != -1)
		close(s->ifd);
	if (s->sfd != -1)
		close(s->sfd);
	if (s->wake[0] != -1) {
		close(s->wake[0]);
		close(s->wake[1]);
	}
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	buf_free(&s->clog);
	free(s->err);
	free(s->dir);
	free(s->outopt);
	free(s->outdir);
	free(s->cfgname);
	free(s->roots[0]);
	free(s->roots[1]);
	free(s->exe);
}

/*
 * folio serve: build, serve, watch, rebuild, until SIGINT or SIGTERM.
 * Returns the exit status: 0 after a signal, 1 when it cannot start.
 */
int
srv_run(const struct srv_opts *o)
{
	struct srv		 s;
	struct pollfd		 pf[5];
	struct signalfd_siginfo	 si;
	struct timespec		 dirty;
	sigset_t		 sigs;
	char			 drain[64];
	int			 port, i, n, nfree, timeout, rc = 1;
	int			 pending = 0, waiting = 0, announced = 0;

	memset(&s, 0, sizeof(s));
	s.lfd = s.ifd = s.sfd = s.cfd = s.pwd = -1;
	s.wake[0] = s.wake[1] = -1;
	buf_init(&s.clog);
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	s.dir = xstrdup(o->dir);
	s.outopt = o->outdir ? xstrdup(o->outdir) : NULL;
	if (srv_config(&s, o) == -1)
		goto out;
	if ((s.exe = realpath("/proc/self/exe", NULL)) == NULL) {
		diag_err("/proc/self/exe", 0, 0, "cannot find this program "
		    "(%s)", strerror(errno));
		goto out;
	}

	/* Signals arrive on a descriptor; no thread ever takes them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	/* A shell starts background jobs with SIGINT ignored: undo that,
	 * or the signal would never reach the descriptor. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0 ||
	    (s.sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) == -1 ||
	    pipe2(s.wake, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    (s.ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) == -1) {
		diag_err(NULL, 0, 0, "cannot set up: %s", strerror(errno));
		goto out;
	}
	if ((port = srv_listen(&s, o->port)) == -1)
		goto out;
	s.pwd = inotify_add_watch(s.ifd, s.dir, IN_CLOSE_WRITE | IN_CREATE |
	    IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ONLYDIR);
	watch_all(&s);
	if (build_start(&s) == -1)
		goto out;

	for (;;) {
		nfree = reap(&s, 0);
		n = 0;
		pf[n++] = (struct pollfd){ s.sfd, POLLIN, 0 };
		pf[n++] = (struct pollfd){ s.wake[0], POLLIN, 0 };
		pf[n++] = (struct pollfd){ s.ifd, POLLIN, 0 };
		pf[n++] = (struct pollfd){ s.cfd, POLLIN, 0 };	/* -1: skipped */
		pf[n++] = (struct pollfd){ nfree > 0 ? s.lfd : -1, POLLIN, 0 };
		timeout = -1;
		if (waiting)
			timeout = SRV_QUIET_MS - (int)ms_since(&dirty) < 0 ? 0 :
			    SRV_QUIET_MS - (int)ms_since(&dirty);
		if (poll(pf, (nfds_t)n, timeout) == -1 && errno != EINTR) {
			diag_err(NULL, 0, 0, "poll: %s", strerror(errno));
			goto out;
		}
		if (pf[0].revents & POLLIN) {
			if (read(s.sfd, &si, sizeof(si)) > 0 &&
			    diag_verbosity > 0)
				fprintf(stderr, "folio: %s, stopping\n",
				    si.ssi_signo == SIGINT ? "interrupted" :
				    "terminated");
			break;
		}
		if (pf[1].revents & POLLIN)
			while (read(s.wake[0], drain, sizeof(drain)) > 0)
				;
		if ((pf[2].revents & POLLIN) && watch_read(&s)) {
			clock_gettime(CLOCK_MONOTONIC, &dirty);
			waiting = 1;
		}
		if (s.cfd != -1 && (pf[3].revents & (POLLIN | POLLHUP)) &&
		    build_read(&s)) {
			build_done(&s);
			if (!announced) {
				printf("folio: serving %s at "
				    "http://127.0.0.1:%d/ (Ctrl-C to stop)\n",
				    s.outdir, port);
				fflush(stdout);
				announced = 1;
			}
			if (pending && build_start(&s) == -1)
				goto out;
			pending = 0;
		}
		if (pf[4].revents & POLLIN)
			accept_one(&s);
		if (waiting && ms_since(&dirty) >= SRV_QUIET_MS) {
			waiting = 0;
			if (s.child != 0)
				pending = 1;
			else if (build_start(&s) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	/* Stop: no new connections, wake every thread, join them all. */
	if (s.lfd != -1) {
		close(s.lfd);
		s.lfd = -1;
	}
	pthread_mutex_lock(&s.lock);
	s.stop = 1;
	pthread_cond_broadcast(&s.cond);
	pthread_mutex_unlock(&s.lock);
	for (i = 0; i < SRV_CONNS; i++)
		if (s.conns[i].busy)
			shutdown(s.conns[i].fd, SHUT_RDWR);
	reap(&s, 1);
	srv_free(&s);
	return rc;
}
