/*
 * spec_runner.c: runs the Mustache spec (every *.yml in the folder named
 * by argv[1]) through mustache.c.  Prints "ok FILE: NAME" or "not ok
 * FILE: NAME" per test, then renders every test again from four threads
 * at once, and ends with "N passed, N failed"; exit 1 if any failed.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "folio.h"

#define NTHREADS 4
#define NROUNDS	 20

struct spec {
	char		 *label;	/* "FILE: NAME"; owned */
	struct tmpl_set	 *set;		/* the test's template + partials; owned */
	const struct val *data;		/* borrowed from the file's tree */
	const char	 *expected;	/* borrowed from the file's tree */
	size_t		  explen;	/* bytes in expected */
};

struct run {
	struct spec	*specs;		/* borrowed */
	size_t		 n;		/* entries in specs */
	size_t		 bad;		/* renders that differed */
};

/* A scalar's text: strings and numbers as written, null as "". */
static const char *
text_of(const struct val *v, size_t *len)
{
	if (v == NULL || v->type == V_NULL) {
		*len = 0;
		return "";
	}
	if (v->type == V_BOOL) {
		*len = v->b ? 4 : 5;
		return v->b ? "true" : "false";
	}
	if (v->type == V_STR || v->type == V_NUM) {
		*len = v->slen;
		return v->s;
	}
	return NULL;
}

static void
show(const char *what, const char *s, size_t n)
{
	struct buf	 b;

	buf_init(&b);
	esc_json(&b, s, n);
	printf("#   %s: \"%s\"\n", what, b.p);
	buf_free(&b);
}

/* Compile one test; 0, or -1 when the test itself is malformed. */
static int
load(struct spec *sp, const char *file, const struct val *t)
{
	const struct val *parts;
	const char	 *src;
	size_t		  n, i;
	int		  rc = 0;

	sp->label = xasprintf("%s: %s", file, val_gets(t, "name") ?
	    val_gets(t, "name") : "(unnamed)");
	sp->set = tmpl_set_new(0);
	sp->data = val_get(t, "data");
	sp->expected = text_of(val_get(t, "expected"), &sp->explen);
	if ((src = text_of(val_get(t, "template"), &n)) == NULL ||
	    sp->expected == NULL)
		return -1;
	if (tmpl_add(sp->set, "(test)", sp->label, src, n) == -1)
		rc = -1;
	if ((parts = val_get(t, "partials")) != NULL &&
	    parts->type == V_MAP)
		for (i = 0; i < parts->n; i++) {
			if ((src = text_of(parts->kids[i], &n)) == NULL ||
			    tmpl_add(sp->set, parts->keys[i], parts->keys[i],
			    src, n) == -1)
				rc = -1;
		}
	if (tmpl_check(sp->set) == -1)
		rc = -1;
	return rc;
}

static int
one(const struct spec *sp, struct buf *out)
{
	buf_truncate(out, 0);
	if (tmpl_render(sp->set, "(test)", NULL, sp->data, out) == -1)
		return 0;
	return out->len == sp->explen &&
	    memcmp(out->p, sp->expected, out->len) == 0;
}

static void *
worker(void *arg)
{
	struct run	*r = arg;
	struct buf	 out;
	size_t		 i, k, bad = 0;

	buf_init(&out);
	for (k = 0; k < NROUNDS; k++)
		for (i = 0; i < r->n; i++)
			if (r->specs[i].set != NULL && !one(&r->specs[i], &out))
				bad++;
	buf_free(&out);
	r->bad = bad;
	return NULL;
}

static int
ymlname(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	    strcmp(d->d_name + n - 4, ".yml") == 0;
}

int
main(int argc, char **argv)
{
	struct dirent	**ents = NULL;
	struct val	**trees = NULL;
	struct spec	 *specs = NULL;
	struct run	  runs[NTHREADS];
	pthread_t	  tid[NTHREADS];
	const struct val *tests;
	struct buf	  in, out;
	char		 *path;
	size_t		  nspecs = 0, cspecs = 0, passed = 0, failed = 0, i, k;
	int		  nents, f;

	if (argc != 2) {
		fprintf(stderr, "usage: spec_runner SPECDIR\n");
		return 2;
	}
	if ((nents = scandir(argv[1], &ents, ymlname, alphasort)) < 0) {
		perror(argv[1]);
		return 2;
	}
	trees = xcalloc((size_t)nents + 1, sizeof(*trees));
	buf_init(&in);
	buf_init(&out);
	for (f = 0; f < nents; f++) {
		path = xasprintf("%s/%s", argv[1], ents[f]->d_name);
		buf_truncate(&in, 0);
		if (file_read(path, &in) == -1 ||
		    yaml_load(path, in.p, in.len, 0, &trees[f]) == -1 ||
		    (tests = val_get(trees[f], "tests")) == NULL ||
		    tests->type != V_LIST) {
			printf("not ok %s: cannot load\n", ents[f]->d_name);
			failed++;
			free(path);
			continue;
		}
		free(path);
		for (i = 0; i < tests->n; i++) {
			if (nspecs == cspecs) {
				cspecs = cspecs ? cspecs * 2 : 64;
				specs = xreallocarray(specs, cspecs,
				    sizeof(*specs));
			}
			memset(&specs[nspecs], 0, sizeof(specs[nspecs]));
			if (load(&specs[nspecs], ents[f]->d_name,
			    tests->kids[i]) == 0 && one(&specs[nspecs], &out)) {
				printf("ok %s\n", specs[nspecs].label);
				passed++;
			} else {
				printf("not ok %s\n", specs[nspecs].label);
				if (specs[nspecs].expected != NULL)
					show("expected", specs[nspecs].expected,
					    specs[nspecs].explen);
				show("got", out.p, out.len);
				failed++;
				tmpl_set_free(specs[nspecs].set);
				specs[nspecs].set = NULL;
			}
			nspecs++;
		}
	}

	/* The same sets again, from several threads at once. */
	for (k = 0; k < NTHREADS; k++) {
		runs[k].specs = specs;
		runs[k].n = nspecs;
		runs[k].bad = 0;
		if (pthread_create(&tid[k], NULL, worker, &runs[k]) != 0)
			errx_fatal("pthread_create failed");
	}
	for (k = 0; k < NTHREADS; k++)
		pthread_join(tid[k], NULL);
	for (k = 0, i = 0; k < NTHREADS; k++)
		i += runs[k].bad;
	if (i == 0) {
		printf("ok threads: %d threads x %d rounds of every passing "
		    "test\n", NTHREADS, NROUNDS);
		passed++;
	} else {
		printf("not ok threads: %zu renders differed\n", i);
		failed++;
	}

	for (i = 0; i < nspecs; i++) {
		tmpl_set_free(specs[i].set);
		free(specs[i].label);
	}
	free(specs);
	for (f = 0; f < nents; f++) {
		val_free(trees[f]);
		free(ents[f]);
	}
	free(trees);
	free(ents);
	buf_free(&in);
	buf_free(&out);
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
