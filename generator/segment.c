/*
 * segment.c: the text stage shared by search and topics.  Takes UTF-8
 * text, hands on its normalized form (NFKC + case folding, so full-width
 * letters and digits become half-width) and, over normalized text, ICU
 * dictionary words, Han runs and Han n-grams as byte offsets.
 * Thread-safe: each call clones one shared word BreakIterator.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "folio.h"

static UBreakIterator	*proto;	/* zh word iterator, cloned per call */
static uint8_t		*cls;	/* seg_norm's character classes, below */
static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;

/* Free the shared break iterator (at exit, for leak checkers). */
void
seg_cleanup(void)
{
	pthread_mutex_lock(&lock);
	if (proto != NULL)
		ubrk_close(proto);
	proto = NULL;
	free(cls);	/* seg_norm is not called after this */
	cls = NULL;
	pthread_mutex_unlock(&lock);
}

/* A private word iterator (caller closes it with ubrk_close). */
static UBreakIterator *
word_iter(void)
{
	UBreakIterator	*bi;
	UErrorCode	 e = U_ZERO_ERROR;

	pthread_mutex_lock(&lock);
	if (proto == NULL) {
		proto = ubrk_open(UBRK_WORD, "zh", NULL, 0, &e);
		if (U_FAILURE(e))
			errx_fatal("ICU word break iterator: %s",
			    u_errorName(e));
	}
	bi = ubrk_clone(proto, &e);
	pthread_mutex_unlock(&lock);
	if (U_FAILURE(e))
		errx_fatal("ICU ubrk_clone: %s", u_errorName(e));
	return bi;
}

/* NFKC of u[0..n) into a new array (caller frees); *outn its length. */
static UChar *
nfkc(const UChar *u, int32_t n, int32_t *outn)
{
	const UNormalizer2	*nz;
	UErrorCode		 e = U_ZERO_ERROR;
	UChar			*out;
	int32_t			 cap, len;

	nz = unorm2_getNFKCInstance(&e);
	if (U_FAILURE(e))
		errx_fatal("ICU NFKC: %s", u_errorName(e));
	cap = n + n / 2 + 16;
	out = xreallocarray(NULL, (size_t)cap, sizeof(UChar));
	len = unorm2_normalize(nz, u, n, out, cap, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR) {
		e = U_ZERO_ERROR;
		cap = len + 1;
		out = xreallocarray(out, (size_t)cap, sizeof(UChar));
		len = unorm2_normalize(nz, u, n, out, cap, &e);
	}
	if (U_FAILURE(e))
		errx_fatal("ICU NFKC: %s", u_errorName(e));
	*outn = len;
	return out;
}

/* Full default case folding of u[0..n) into a new array (caller frees). */
static UChar *
fold(const UChar *u, int32_t n, int32_t *outn)
{
	UErrorCode	 e = U_ZERO_ERROR;
	UChar		*out;
	int32_t		 cap = n + n / 4 + 16, len;

	out = xreallocarray(NULL, (size_t)cap, sizeof(UChar));
	len = u_strFoldCase(out, cap, u, n, U_FOLD_CASE_DEFAULT, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR) {
		e = U_ZERO_ERROR;
		cap = len + 1;
		out = xreallocarray(out, (size_t)cap, sizeof(UChar));
		len = u_strFoldCase(out, cap, u, n, U_FOLD_CASE_DEFAULT, &e);
	}
	if (U_FAILURE(e))
		errx_fatal("ICU case fold: %s", u_errorName(e));
	*outn = len;
	return out;
}

/*
 * Append the normalized form of UTF-8 s[0..n) to b: NFKC, then full
 * case folding, then NFKC again where folding undid it (the browser's
 * s.normalize("NFKC") plus per-character folding gives the same).
 * Invalid UTF-8 becomes U+FFFD.  Returns the bytes appended.  This is
 * the whole way, through ICU; seg_norm below takes a short cut.
 */
size_t
seg_norm_icu(struct buf *b, const char *s, size_t n)
{
	UErrorCode	 e = U_ZERO_ERROR;
	UChar		*u = NULL, *k = NULL, *f = NULL, *k2 = NULL;
	int32_t		 ulen, klen, flen, k2len, olen;
	size_t		 start = b->len;

	if (n == 0)
		return 0;
	if (n > INT32_MAX / 4)
		errx_fatal("text of %zu bytes is too long to normalize", n);
	u = xreallocarray(NULL, n + 1, sizeof(UChar));
	u_strFromUTF8WithSub(u, (int32_t)n + 1, &ulen, s, (int32_t)n,
	    0xfffd, NULL, &e);
	if (U_FAILURE(e))
		errx_fatal("ICU UTF-8 to UTF-16: %s", u_errorName(e));
	k = nfkc(u, ulen, &klen);
	f = fold(k, klen, &flen);
	e = U_ZERO_ERROR;
	if (unorm2_isNormalized(unorm2_getNFKCInstance(&e), f, flen, &e))
		k2 = NULL;
	else
		k2 = nfkc(f, flen, &k2len);
	if (k2 != NULL) {
		free(f);
		f = k2;
		flen = k2len;
	}
	e = U_ZERO_ERROR;
	u_strToUTF8(NULL, 0, &olen, f, flen, &e);
	buf_grow(b, (size_t)olen + 1);
	e = U_ZERO_ERROR;
	u_strToUTF8(b->p + b->len, olen + 1, NULL, f, flen, &e);
	if (U_FAILURE(e))
		errx_fatal("ICU UTF-16 to UTF-8: %s", u_errorName(e));
	b->len += (size_t)olen;
	b->p[b->len] = '\0';
	free(u);
	free(k);
	free(f);
	return b->len - start;
}

/*
 * The class of a code point, the same in search.js: SEG_SPACE (Unicode
 * White_Space), SEG_HAN (Script=Han), SEG_ALNUM (other letters, digits,
 * marks) or SEG_PUNCT (the rest: punctuation, symbols, controls).
 * SEG_HAN and SEG_ALNUM are the "word" characters the index pairs up.
 */
int
seg_class(uint32_t cp)
{
	UErrorCode	 e = U_ZERO_ERROR;
	uint32_t	 mask;

	/* Fast paths: ASCII, and the CJK blocks that are all Han. */
	if (cp < 0x80) {
		if (cp == ' ' || (cp >= 0x09 && cp <= 0x0d))
			return SEG_SPACE;
		if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z'))
			return SEG_ALNUM;
		return SEG_PUNCT;
	}
	if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf))
		return SEG_HAN;
	if (u_isUWhiteSpace((UChar32)cp))
		return SEG_SPACE;
	mask = U_GET_GC_MASK((UChar32)cp);
	if ((mask & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) == 0)
		return SEG_PUNCT;
	if (uscript_getScript((UChar32)cp, &e) == USCRIPT_HAN)
		return SEG_HAN;
	return SEG_ALNUM;
}

/*
 * Is cp punctuation that a query word sheds at its ends (the same in
 * search.js): Terminal_Punctuation (，。、；：！？ and their ASCII
 * kin) or an opening, closing, initial or final mark (brackets, 《》,
 * quotes).  Not '%', '-', '#' or other symbols, which carry meaning.
 */
int
seg_edge_punct(uint32_t cp)
{
	int8_t	 t;

	if (u_hasBinaryProperty((UChar32)cp, UCHAR_TERMINAL_PUNCTUATION))
		return 1;
	t = u_charType((UChar32)cp);
	return t == U_START_PUNCTUATION || t == U_END_PUNCTUATION ||
	    t == U_INITIAL_PUNCTUATION || t == U_FINAL_PUNCTUATION;
}

/* Append one token to *v (grown by doubling). */
static void
push(struct seg_tok **v, size_t *n, size_t off, size_t len, int kind)
{
	if ((*n & (*n - 1)) == 0)
		*v = xreallocarray(*v, *n ? *n * 2 : 1, sizeof(**v));
	(*v)[*n].off = off;
	(*v)[*n].len = len;
	(*v)[*n].kind = kind;
	(*n)++;
}

/* The kind of the token s[0..n): SEG_HAN if it starts with a Han char. */
static int
tok_kind(const char *s, size_t n)
{
	uint32_t	 cp;

	utf8_decode(s, n, &cp);
	return seg_class(cp) == SEG_HAN ? SEG_HAN : SEG_ALNUM;
}

/*
 * ICU dictionary words of normalized UTF-8 s[0..n) (spaces and
 * punctuation left out), as byte offsets into s.  Costs ~13 MB/s: use
 * it where words matter, not for recall.  Returns the count; *out gets
 * an array the caller frees (NULL when there are none).
 */
size_t
seg_words(const char *s, size_t n, struct seg_tok **out)
{
	UBreakIterator	*bi = NULL;
	UText		*ut = NULL;
	UErrorCode	 e = U_ZERO_ERROR;
	int32_t		 a, z;
	size_t		 cnt = 0;

	*out = NULL;
	if (n == 0)
		return 0;
	if (n > INT32_MAX)
		errx_fatal("text of %zu bytes is too long to segment", n);
	ut = utext_openUTF8(NULL, s, (int64_t)n, &e);
	if (U_FAILURE(e))
		errx_fatal("ICU utext_openUTF8: %s", u_errorName(e));
	bi = word_iter();
	ubrk_setUText(bi, ut, &e);
	if (U_FAILURE(e))
		errx_fatal("ICU ubrk_setUText: %s", u_errorName(e));
	a = ubrk_first(bi);
	while ((z = ubrk_next(bi)) != UBRK_DONE) {
		if (ubrk_getRuleStatus(bi) >= UBRK_WORD_NONE_LIMIT)
			push(out, &cnt, (size_t)a, (size_t)(z - a),
			    tok_kind(s + a, (size_t)(z - a)));
		a = z;
	}
	ubrk_close(bi);
	utext_close(ut);
	return cnt;
}

/*
 * Maximal runs of Han characters in s[0..n), as byte offsets (kind
 * SEG_HAN).  Returns the count; *out gets an array the caller frees.
 */
size_t
seg_han_runs(const char *s, size_t n, struct seg_tok **out)
{
	size_t		 i = 0, k, start = 0, cnt = 0;
	uint32_t	 cp;
	int		 in = 0, han;

	*out = NULL;
	while (i < n) {
		k = utf8_decode(s + i, n - i, &cp);
		han = seg_class(cp) == SEG_HAN;
		if (han && !in)
			start = i;
		else if (!han && in)
			push(out, &cnt, start, i - start, SEG_HAN);
		in = han;
		i += k;
	}
	if (in)
		push(out, &cnt, start, n - start, SEG_HAN);
	return cnt;
}

/*
 * Every n-gram of lo..hi Han characters inside the Han runs of s[0..n)
 * (so 业委会 and 红色物业 come out whole), in text order, shorter first
 * at each start.  Returns the count; *out gets an array the caller
 * frees.
 */
size_t
seg_han_ngrams(const char *s, size_t n, int lo, int hi,
    struct seg_tok **out)
{
	struct seg_tok	*runs;
	size_t		 nruns, r, i, j, cnt = 0, end;
	uint32_t	 cp;
	int		 g;

	*out = NULL;
	if (lo < 1 || hi < lo)
		return 0;
	nruns = seg_han_runs(s, n, &runs);
	for (r = 0; r < nruns; r++) {
		end = runs[r].off + runs[r].len;
		for (i = runs[r].off; i < end; i += utf8_decode(s + i,
		    end - i, &cp)) {
			for (g = 1, j = i; g <= hi && j < end; g++) {
				j += utf8_decode(s + j, end - j, &cp);
				if (g >= lo)
					push(out, &cnt, i, j - i, SEG_HAN);
			}
		}
	}
	free(runs);
	return cnt;
}

/*
 * Most of an article is characters all three steps leave alone (Han,
 * ASCII but for A-Z, common punctuation) or map to one other character
 * whatever stands beside them (full-width ASCII, the ideographic
 * space), and ICU's conversions cost more than the rest of the
 * analysis, so seg_norm writes those itself and hands only the rest to
 * seg_norm_icu.  A character is written so when it is KEEP or MAP and
 * the next one starts a new normalization segment (BOUND), so nothing
 * it could combine with is split from it; t-unit compares both ways
 * over every BMP character.
 */
#define KEEP	1	/* normalized as it is (A-Z: but for lower case) */
#define BOUND	2	/* NFKC never joins it with what goes before */
#define MAP	4	/* normalized to map_of(c) */

/* U+FF01..FF5E are ASCII 0x21..0x7E, full width; U+3000 a space. */
static uint32_t
map_of(uint32_t c)
{
	if (c == 0x3000)
		return ' ';
	c -= 0xfee0;
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static pthread_once_t	 cls_once = PTHREAD_ONCE_INIT;

static void
cls_load(void)
{
	UErrorCode		 e = U_ZERO_ERROR;
	const UNormalizer2	*nk = unorm2_getNFKCInstance(&e);
	UChar32			 c;

	if (U_FAILURE(e))
		errx_fatal("ICU NFKC: %s", u_errorName(e));
	cls = xcalloc(0x10000, 1);
	for (c = 0; c < 0x10000; c++) {
		if ((c >= 0xd800 && c <= 0xdfff) || c == 0xfffd)
			continue;
		if (unorm2_hasBoundaryBefore(nk, c))
			cls[c] |= BOUND;
		if ((c >= 'A' && c <= 'Z') ||
		    (unorm2_hasBoundaryBefore(nk, c) &&
		    unorm2_hasBoundaryAfter(nk, c) &&
		    unorm2_isInert(nk, c) &&
		    !u_hasBinaryProperty(c, UCHAR_CHANGES_WHEN_CASEFOLDED) &&
		    !u_hasBinaryProperty(c, UCHAR_CHANGES_WHEN_NFKC_CASEFOLDED)))
			cls[c] |= KEEP;
		if (c == 0x3000 || (c >= 0xff01 && c <= 0xff5e))
			cls[c] |= MAP;
	}
}

size_t
seg_norm(struct buf *b, const char *s, size_t n)
{
	size_t		 start = b->len, i, k, nk, slow = SIZE_MAX, run = SIZE_MAX;
	uint32_t	 cp, next;
	int		 fast;

	pthread_once(&cls_once, cls_load);
	buf_grow(b, n + 1);
	/* Each character decoded once: cp (k bytes) at i, next after it;
	 * kept characters gather into a run [run, i) copied in one go. */
	k = n > 0 ? utf8_decode(s, n, &cp) : 0;
	for (i = 0; i < n; i += k, cp = next, k = nk) {
		if (i + k == n) {
			next = 0;	/* the end: a boundary */
			nk = 0;
		} else
			nk = utf8_decode(s + i + k, n - i - k, &next);
		fast = cp < 0x10000 && (cls[cp] & (KEEP | MAP)) &&
		    next < 0x10000 && (cls[next] & BOUND);
		if (fast && slow != SIZE_MAX) {
			seg_norm_icu(b, s + slow, i - slow);
			slow = SIZE_MAX;
		}
		if (fast && !(cls[cp] & MAP) && !(cp >= 'A' && cp <= 'Z')) {
			if (run == SIZE_MAX)	/* as it is: in the run */
				run = i;
			continue;
		}
		if (run != SIZE_MAX) {
			buf_put(b, s + run, i - run);
			run = SIZE_MAX;
		}
		if (!fast) {
			if (slow == SIZE_MAX)
				slow = i;
		} else if (cls[cp] & MAP)
			buf_putc(b, (char)map_of(cp));
		else
			buf_putc(b, (char)(cp - 'A' + 'a'));
	}
	if (run != SIZE_MAX)
		buf_put(b, s + run, n - run);
	if (slow != SIZE_MAX)
		seg_norm_icu(b, s + slow, n - slow);
	return b->len - start;
}
