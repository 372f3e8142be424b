/*
 * diag.c: every message the user sees goes through here, in one form:
 * "path:line:col: error: what is wrong (what to do)".  Line and column
 * are left out when unknown (0).  Thread-safe: one lock per message.
 */
#include <pthread.h>
#include <time.h>

#include "folio.h"

int			diag_verbosity = 1;
static size_t		nerrors;
static pthread_mutex_t	lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local int hushed;	/* see diag_hush */

/*
 * While on, this thread's errors and warnings are neither printed nor
 * counted: for a caller that tries something it falls back from
 * quietly (the load memo binding a front matter it kept).
 */
void
diag_hush(int on)
{
	hushed = on;
}

static void
emit(const char *kind, const char *path, int line, int col,
    const char *fmt, va_list ap)
{
	pthread_mutex_lock(&lock);
	if (path != NULL && line > 0 && col > 0)
		fprintf(stderr, "%s:%d:%d: %s: ", path, line, col, kind);
	else if (path != NULL && line > 0)
		fprintf(stderr, "%s:%d: %s: ", path, line, kind);
	else if (path != NULL)
		fprintf(stderr, "%s: %s: ", path, kind);
	else
		fprintf(stderr, "folio: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&lock);
}

void
diag_err(const char *path, int line, int col, const char *fmt, ...)
{
	va_list	 ap;

	if (hushed)
		return;
	va_start(ap, fmt);
	emit("error", path, line, col, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&lock);
	nerrors++;
	pthread_mutex_unlock(&lock);
}

void
diag_warn(const char *path, int line, int col, const char *fmt, ...)
{
	va_list	 ap;

	if (diag_verbosity < 1 || hushed)
		return;
	va_start(ap, fmt);
	emit("warning", path, line, col, fmt, ap);
	va_end(ap);
}

void
diag_info(const char *fmt, ...)
{
	va_list	 ap;

	if (diag_verbosity < 1)
		return;
	pthread_mutex_lock(&lock);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&lock);
}

size_t
diag_error_count(void)
{
	size_t	 n;

	pthread_mutex_lock(&lock);
	n = nerrors;
	pthread_mutex_unlock(&lock);
	return n;
}

/*
 * With -v, print how long the step that just ended took (since *prev):
 * wall time, the CPU time of all threads since the last lap, and the
 * resident memory now.
 */
void
diag_lap(struct timespec *prev, const char *step)
{
	static double	 cpu_prev;
	struct timespec	 now, cpu;
	double		 c;

	FILE		*f;
	long		 size, pages = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (diag_verbosity > 1) {
		/* Resident memory now, from /proc (0 where there is none). */
		if ((f = fopen("/proc/self/statm", "r")) != NULL) {
			if (fscanf(f, "%ld %ld", &size, &pages) != 2)
				pages = 0;
			fclose(f);
		}
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		c = (double)cpu.tv_sec + (double)cpu.tv_nsec / 1e9;
		fprintf(stderr, "folio: %-10s %6.3f s %6.3f cpu %5ld MB\n",
		    step, (double)(now.tv_sec - prev->tv_sec) +
		    (double)(now.tv_nsec - prev->tv_nsec) / 1e9,
		    c - cpu_prev, pages * 4096 / 1048576);
		cpu_prev = c;
	}
	*prev = now;
}
