/*
 * fuzz_query.c: libFuzzer target for the search query parser
 * (idx_query_parse).  Checks the parse's invariants, then that the
 * index never misses nor falsely proves a match against brute force
 * over two small articles.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

static struct article	 arts[2];
static struct article	*ptrs[2] = { &arts[0], &arts[1] };
static struct idx	*ix;

static void
setup(void)
{
	arts[0].title = "建强“红色业委会” 构筑城市善治新格局";
	arts[0].place = "福建省光泽县";
	arts[0].slug = "a";
	arts[0].text = "城市治理的重心在基层，难点在小区。\n"
	    "业委会组建率提升至94.1%。Red Property \"RPM\" a-12\n";
	arts[1].title = "ＣＯＶＩＤ－１９期间的“吹哨报到”";
	arts[1].slug = "b";
	arts[1].text = "街乡吹哨、部门报到。红色 物业 Straße ΣΑΣ\n";
	ix = idx_build(ptrs, 2, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idx_query q;
	unsigned char	 cand[2];
	size_t		 i, n;
	int		 m;

	if (ix == NULL)
		setup();
	n = idx_query_parse((const char *)data, size, &q);
	if (n != q.n)
		abort();
	for (i = 0; i < q.n; i++) {
		if (q.words[i].len == 0 || q.words[i].text[q.words[i].len])
			abort();
		if (q.words[i].neg != 0 && q.words[i].neg != 1)
			abort();
	}
	idx_candidates(ix, &q, cand);
	for (i = 0; i < 2; i++) {
		m = q.n > 0 && idx_match(&q, &arts[i]);
		if ((m && cand[i] == 0) || (!m && cand[i] == 2))
			abort();
	}
	idx_query_free(&q);
	return 0;
}
