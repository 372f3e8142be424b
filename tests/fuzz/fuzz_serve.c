/*
 * fuzz_serve.c: libFuzzer target for folio serve's request handling
 * (request line, headers, percent-decoding, paths), through the real
 * connection code over a socket pair (srv_answer).  Any bytes: no
 * crash, leak or hang, an answer that starts with a status line, and
 * never the contents of a file outside the served folder, even through
 * "..", %2e%2e or a symbolic link pointing out (its contents are made
 * up at start; a request that holds them may see them echoed, as in a
 * redirect's Location).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "folio.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[] = "/tmp/fuzz-serve.XXXXXX";
static char	 out[sizeof(dir) + 8];
static char	 secret[40];

static void
gone(void)
{
	rm_rf(dir);
}

static void
put(const char *rel, const char *s)
{
	char	 path[sizeof(dir) + 32];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "wb")) == NULL || fputs(s, f) == EOF ||
	    fclose(f) != 0)
		abort();
}

static void
setup(void)
{
	char	 p[sizeof(dir) + 32];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(gone);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(p, sizeof(p), "%s/out/a", dir);
	if (mkdir_p(p) == -1)
		abort();
	snprintf(secret, sizeof(secret), "outside-%08lx%08lx",
	    (unsigned long)getpid(), (unsigned long)time(NULL));
	put("secret.txt", secret);
	put("out/index.html", "<!DOCTYPE html><title>i</title><body>home</body>");
	put("out/a/index.html", "<p>a</p>");
	put("out/404.html", "<p>not here</p>");
	put("out/s.css", "p{}");
	snprintf(p, sizeof(p), "%s/out/link", dir);
	if (symlink("../secret.txt", p) == -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 b;

	if (out[0] == '\0')
		setup();
	buf_init(&b);
	srv_answer(out, size % 2 ? "<err> & \"x\"" : NULL, data, size, &b);
	if ((b.len > 0 && strncmp(b.p, "HTTP/1.1 ", 9) != 0) ||
	    (memmem(b.p, b.len, secret, strlen(secret)) != NULL &&
	    memmem(data, size, secret, strlen(secret)) == NULL))
		abort();
	buf_free(&b);
	return 0;
}
