/*
 * testhelp.h: the tiny harness of the C unit tests (after redis
 * testhelp.h).  Each check prints "ok - what" or "not ok - what (file:
 * line)"; TEST_REPORT() prints "N passed, N failed" and is the exit code.
 */
#ifndef TESTHELP_H
#define TESTHELP_H

#include <stdio.h>
#include <string.h>

static int	npass, nfail;

#define OK(cond, what) do {						\
	if (cond) { npass++; printf("ok - %s\n", what); }		\
	else { nfail++; printf("not ok - %s (%s:%d)\n", what,		\
	    __FILE__, __LINE__); }					\
} while (0)
#define INT_EQ(a, b, what) OK((long long)(a) == (long long)(b), what)
#define STR_EQ(a, b, what) OK(strcmp((a), (b)) == 0, what)
#define TEST_REPORT() (printf("%d passed, %d failed\n", npass, nfail), nfail != 0)

#endif
