/*
 * folio.h: the one internal header of folio.
 * Shared structs and prototypes, grouped by module (one .c file each),
 * in pipeline order.  Ownership of every pointer is written beside it.
 */
#ifndef FOLIO_H
#define FOLIO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FOLIO_VERSION "0.1.0"

struct stat;	/* <sys/stat.h>, for the files that pass one along */

#if defined(__GNUC__)
#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))
#else
#define PRINTFLIKE(a, b)
#endif

/* ---- buf.c: the one growable byte buffer, always NUL-terminated ---- */

#define BUF_MAX ((size_t)1 << 31)	/* larger is fatal: no input is this big */

struct buf {
	char	*p;	/* bytes + NUL; owned; never NULL after buf_init */
	size_t	 len;	/* bytes used, NUL excluded */
	size_t	 cap;	/* bytes allocated; 0 while p points at a static "" */
};

struct slice {
	const char	*p;	/* borrowed; never outlives the buffer it views */
	size_t		 len;	/* bytes */
};

void	 buf_init(struct buf *);
void	 buf_grow(struct buf *, size_t);
void	 buf_put(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, int);
void	 buf_put_var(struct buf *, uint64_t);	/* LEB128 varint */
void	 buf_put_dec(struct buf *, unsigned long long);	/* decimal */
void	 buf_printf(struct buf *, const char *, ...) PRINTFLIKE(2, 3);
void	 buf_truncate(struct buf *, size_t);
char	*buf_take(struct buf *);	/* caller frees; buffer left empty */
void	 buf_free(struct buf *);

/* ---- util.c: allocation that cannot fail, files and paths ---- */

_Noreturn void errx_fatal(const char *, ...) PRINTFLIKE(1, 2); /* exit 1 */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) PRINTFLIKE(1, 2);	/* caller frees */
int	 file_read(const char *, struct buf *);	/* 0, or -1 with message */
int	 file_load(const char *, struct buf *, char **); /* 0, or -1 and *why */
int	 file_write_atomic(const char *, const void *, size_t); /* 0 / -1 */
int	 file_write_sealed(const char *, struct buf *, uint64_t); /* + checksum */
int	 file_load_sealed(const char *, uint64_t, struct buf *, char **);
/* A file's bytes mapped read-only (file_map_sealed); len 0: none. */
struct fmap {
	const char	*p;	/* the bytes, checksum excluded; borrowed */
	size_t		 len;	/* bytes */
	size_t		 mlen;	/* bytes mapped (munmap), 0 if not mapped */
};
int	 file_map_sealed(const char *, uint64_t, struct fmap *, char **);
void	 bucket_order(const size_t *, size_t, size_t, size_t *, size_t *);
void	 file_unmap(struct fmap *);
int	 write_close(int, const void *, size_t,
	    ssize_t (*)(int, const void *, size_t), const char *); /* 0 / -1 */
int	 path_join(char *, size_t, const char *, const char *); /* -1: too long */
size_t	 tree_count(const char *);		/* non-folders below a folder */
char	**tree_list(const char *, size_t *);	/* files below it, sorted */
int	 mkdir_p(const char *);			/* 0 / -1 with message */
int	 rm_rf(const char *);			/* 0 / -1 with message */
int	 utf8_check(const char *, size_t, size_t *);	/* 1 valid; else 0, *bad = offset */
size_t	 utf8_decode_rest(const char *, size_t, uint32_t *);

/*
 * Decode one UTF-8 sequence at s (n >= 1 bytes left): the bytes used
 * (>= 1); invalid gives U+FFFD and 1 byte.  Inline for the sequences
 * that are most of the text (ASCII; three bytes led by E1-EC or EE-EF,
 * which cannot be overlong or a surrogate): callers decode every
 * character of every article.
 */
static inline size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xe1 && u[0] != 0xed && u[0] <= 0xef && n >= 3 &&
	    (u[1] & 0xc0) == 0x80 && (u[2] & 0xc0) == 0x80) {
		*cp = (uint32_t)(u[0] & 0x0f) << 12 |
		    (uint32_t)(u[1] & 0x3f) << 6 | (uint32_t)(u[2] & 0x3f);
		return 3;
	}
	return utf8_decode_rest(s, n, cp);
}
void	 text_pos(const char *, size_t, int *, int *);	/* offset -> line, col */
uint64_t hash64(const void *, size_t, uint64_t);	/* FNV-1a 64 */
uint64_t hash_mix64(uint64_t);			/* for hash tables */
uint64_t hash_words(const void *, size_t, uint64_t); /* fast, this machine */
uint64_t le_get(const void *, int);		/* n-byte little-endian */
int	 var_get(const unsigned char **, const unsigned char *, int,
	    uint64_t *);			/* buf_put_var's; 0 / -1 */
void	 le_put(struct buf *, uint64_t, int);	/* ... appended */
void	 le_set(void *, uint64_t, int);		/* ... stored */
int	 le_host(void);			/* 1: this machine is too */
void	 utf8_put(struct buf *, uint32_t);	/* append as UTF-8 */
size_t	 utf8_count(const char *, size_t);	/* code points */
int	 str_cmp(const void *, const void *);	/* qsort on char * */
int	 u32_cmp(const void *, const void *);	/* qsort on uint32_t */
const char *path_base(const char *);		/* after the last '/' */
size_t	 fmt_dec(char *, unsigned long long);	/* decimal, no printf */
int	 par_for(size_t, int, int (*)(void *, size_t), void *); /* 0 / -1 */
int	 par_worker(void);	/* 0 .. jobs - 1: the par_for worker running */

/* ---- diag.c: every message the user sees ---- */

extern int	diag_verbosity;	/* 0 quiet, 1 normal, 2 verbose */

void	 diag_err(const char *, int, int, const char *, ...) PRINTFLIKE(4, 5);
void	 diag_warn(const char *, int, int, const char *, ...) PRINTFLIKE(4, 5);
void	 diag_info(const char *, ...) PRINTFLIKE(1, 2);
size_t	 diag_error_count(void);
void	 diag_hush(int);		/* this thread's messages dropped */
struct timespec;
void	 diag_lap(struct timespec *, const char *); /* -v: step times */

/* ---- val.c: small value tree (config, front matter, template data) ---- */

enum vtype {
	V_NULL,
	V_BOOL,
	V_NUM,
	V_STR,
	V_LIST,
	V_MAP
};

struct val {
	enum vtype	  type;	/* which of the fields below hold */
	int		  b;	/* V_BOOL: 0 or 1 */
	double		  num;	/* V_NUM: numeric value */
	char		 *s;	/* V_STR, V_NUM: text; owned, NUL-terminated */
	size_t		  slen;	/* length of s */
	struct val	**kids;	/* V_LIST items / V_MAP values; owned */
	char		**keys;	/* V_MAP keys, parallel to kids; owned */
	size_t		  n;	/* items in kids (and keys) */
	size_t		  cap;	/* slots allocated in kids (and keys) */
	int		  line;	/* source position (1-based), 0 if made */
	int		  col;	/* source column (1-based) */
	int		  kline;	/* position of the map key naming it, */
	int		  kcol;		/* if any (0 otherwise) */
	int		  shared;	/* in many trees: val_free leaves it */
	int		  arena;	/* made in an arena: val_free leaves it */
	int		  sref;		/* s is borrowed: val_free leaves it */
	uint64_t	  hash;		/* if shared: val_hash's, made once */
};

void		 val_arena_begin(void);	/* this thread's values: an arena */
void		 val_arena_end(void);	/* ... all freed */
struct val	*val_new(enum vtype);
struct val	*val_str(const char *);		/* copies */
struct val	*val_strn(const char *, size_t);	/* copies */
struct val	*val_strown(char *);		/* consumes the string */
struct val	*val_strref(const char *);	/* borrows: must outlive it */
struct val	*val_bool(int);
struct val	*val_num(double);
struct val	*val_list(void);
struct val	*val_map(void);
void		 val_push(struct val *, struct val *);	/* consumes item */
void		 val_set(struct val *, const char *, struct val *); /* consumes; replaces */
struct val	*val_get(const struct val *, const char *);	/* borrowed or NULL */
const char	*val_gets(const struct val *, const char *); /* V_STR text or NULL */
struct val	*val_copy(const struct val *);	/* deep copy; caller frees */
void		 val_free(struct val *);		/* not if shared */
uint64_t	 val_hash(const struct val *, uint64_t); /* of type and content */
struct val	*val_share(struct val *);	/* marks shared; returns it */
struct val	*val_share_as(struct val *, uint64_t);	/* ... hash given */
void		 val_free_shared(struct val *);	/* the owner's free */
int		 val_truthy(const struct val *);
void		 val_dump(const struct val *, struct buf *, int); /* debug/golden */

/* ---- yaml.c: libyaml -> struct val, with positions and strict errors ---- */

/*
 * Parse one YAML document.  path names the file in messages; line0 is
 * added to every reported line (front matter starts below the ---).
 * Duplicate keys, aliases and non-UTF-8 are errors.  Returns 0 and sets
 * *out (caller frees) or -1 after printing path:line:col: error.
 */
int	 yaml_load(const char *, const char *, size_t, int, struct val **);

/* ---- escape.c: the one escaping module; each appends to a buf ---- */

void	 esc_html(struct buf *, const char *, size_t);	/* text, "attr" */
void	 unesc_html(struct buf *, const char *, size_t);	/* its inverse */
void	 esc_xml(struct buf *, const char *, size_t);	/* XML 1.0 */
void	 esc_url(struct buf *, const char *, size_t);	/* %-encode */
void	 esc_query(struct buf *, const char *, size_t);	/* a ?q= value */
void	 esc_json(struct buf *, const char *, size_t);	/* JSON/JS string body */
void	 esc_yaml(struct buf *, const char *, size_t);	/* "quoted" scalar */

/* ---- mustache.c: compiled Mustache templates (spec incl. inheritance, dynamic names) ---- */

struct tmpl_set;

/* An empty set; caller frees with tmpl_set_free.  strict: a static
 * partial/parent name that is not in the set is an error at tmpl_check. */
struct tmpl_set	*tmpl_set_new(int strict);
/* Compile src (len bytes, copied) as template name; path is for
 * messages (copied).  0, or -1 after path:line:col: error (unclosed
 * section or tag, mismatched close tag, bad delimiter tag, empty tag
 * name, duplicate name); the set is unchanged then. */
int	 tmpl_add(struct tmpl_set *, const char *name, const char *path,
	    const char *src, size_t len);
/* Resolve static partial/parent names.  0, or -1 (strict only) after
 * an error at each referring tag's path:line:col. */
int	 tmpl_check(struct tmpl_set *);
int	 tmpl_has(const struct tmpl_set *, const char *name); /* 1 or 0 */
/* Append template name rendered against the context stack [globals,
 * ctx] (either may be NULL; both borrowed) to out.  Never writes to the
 * set: many threads may render at once.  0, or -1 after an error at the
 * template's path:line:col (no such template, partials nested over 100
 * deep, runaway output); out is then as it was. */
int	 tmpl_render(const struct tmpl_set *, const char *name,
	    const struct val *globals, const struct val *ctx, struct buf *out);
void	 tmpl_set_free(struct tmpl_set *);	/* NULL is fine */

/* ---- slug.c: titles -> ASCII pinyin slugs (ICU Han-Latin) ---- */

#define SLUG_MAX 80	/* bytes in a slug, before any "-2" suffix */

char	*slug_make(const char *, size_t);	/* caller frees */
void	 slug_warm(void);			/* optional: ICU's setup now */
int	 slug_known(const char *);		/* 1: made before, no ICU */
struct slug_pair {
	char	*from;		/* the text */
	char	*to;		/* slug_make(from, SLUG_MAX) */
};
void	 slug_remember(struct slug_pair *, size_t);	/* takes them */
void	 slug_forget(void);
size_t	 slug_used(struct slug_pair **, size_t *); /* asked for since */
char	*slug_make_icu(const char *, size_t);	/* the same, slowly (tests) */
int	 slug_valid(const char *);		/* 1 if usable as given */
void	 slug_cleanup(void);			/* at exit */

/* ---- segment.c: normalization and word segmentation (ICU) ---- */

enum seg_cls {
	SEG_SPACE,	/* White_Space */
	SEG_PUNCT,	/* punctuation, symbols, controls: not indexed */
	SEG_ALNUM,	/* letters, digits, marks other than Han */
	SEG_HAN		/* Script=Han */
};

struct seg_tok {
	size_t	 off;	/* byte offset into the (normalized) text */
	size_t	 len;	/* bytes */
	int	 kind;	/* SEG_HAN or SEG_ALNUM (by its first character) */
};

size_t	 seg_norm(struct buf *, const char *, size_t); /* appends; bytes */
size_t	 seg_norm_icu(struct buf *, const char *, size_t); /* same, slowly */
int	 seg_class(uint32_t);			/* enum seg_cls */
int	 seg_edge_punct(uint32_t);		/* 1: shed at a word's ends */
/* Each returns the count and sets *out to an array the caller frees. */
size_t	 seg_words(const char *, size_t, struct seg_tok **);  /* ICU words */
size_t	 seg_han_runs(const char *, size_t, struct seg_tok **);
size_t	 seg_han_ngrams(const char *, size_t, int, int, struct seg_tok **);
void	 seg_cleanup(void);			/* at exit */

/* ---- config.c: site.yaml -> struct site ---- */

struct site {
	char		*dir;		/* project folder (-C), owned */
	char		*config_path;	/* site.yaml path, owned */
	char		*title;		/* owned */
	char		*description;	/* owned */
	char		*language;	/* "zh-CN"; owned */
	char		*author;	/* owned */
	char		*publisher;	/* owned */
	char		*theme;		/* theme name; owned */
	char		*theme_dir;	/* themes/<theme>, resolved; owned */
	char		*content_dir;	/* content folder, resolved; owned */
	char		*articles_dir;	/* <content>/articles; owned */
	char		*pages_dir;	/* <content>/pages; owned */
	char		*output_dir;	/* public, resolved; owned */
	char		*base_url;	/* no trailing '/', or NULL; owned */
	int		 per_page;	/* items on a list page */
	int		 raw_html;	/* markdown.raw_html: pass HTML through */
	int		 drafts;	/* build drafts too (--drafts) */
	int		 jobs;		/* worker threads (-j) */
	struct val	*topics;	/* topics: {add, rename, exclude, max_pages}; owned by raw */
	int		 topic_pages;	/* topics.max_pages: a topic's listed pages (0: all) */
#define TOPIC_PAGES	10	/* its default */
	struct val	*raw;		/* the parsed file; owned */
};

int	 config_load(struct site *, const char *dir, const char *outdir);
int	 config_parse(struct site *, const char *dir, const char *path,
	    const char *, size_t, const char *outdir);	/* 0 / -1 */
void	 config_free(struct site *);

/* ---- article: what load hands on (frontmatter.c, markdown.c) ---- */

struct heading {
	int	 level;		/* 2..6 */
	char	*id;		/* unique within the article; owned */
	char	*text;		/* plain text; owned */
};

struct article {
	char		 *path;		/* source file, owned */
	struct val	 *fm;		/* front matter map, owned */
	const char	 *title;	/* borrowed from fm */
	const char	 *place;	/* borrowed from fm, or NULL */
	const char	 *byline;	/* borrowed from fm, or NULL */
	const char	 *organization;	/* borrowed from fm, or NULL */
	const char	 *date;		/* "YYYY-MM-DD", borrowed, or NULL */
	const char	 *summary;	/* borrowed from fm, or NULL */
	const struct val *region;	/* list of strings, borrowed, or NULL */
	const struct val *authors;	/* list of strings, borrowed, or NULL */
	const struct val *tags;		/* list of strings, borrowed, or NULL */
	const struct val *photos;	/* list of {caption, credit}, or NULL */
	const struct val *source;	/* map {file, page, lines}, or NULL */
	int		  draft;	/* draft: true */
	char		 *slug;		/* final, unique; owned */
	char		 *autoslug;	/* slug made from the title; owned */
	char		 *autosum;	/* summary, or the text's opening; owned */
	char		 *body;		/* Markdown body, owned */
	int		  body_line;	/* file line of the body's first line */
	char		 *html;		/* rendered body, owned */
	char		 *text;		/* plain text, one block per line; owned */
	uint64_t	  texthash;	/* art_texthash of text; 0: not made */
	int		  memo_strs;	/* 1: html, text, autosum are the load
					 * memo's bytes, not owned (artmemo.c) */
	int		  figures;	/* 1: html has a <figure> */
	struct heading	 *heads;	/* headings in order; owned */
	size_t		  nheads;	/* entries in heads */
	size_t		  idx;		/* position in the build's article array */
	uint64_t	  memo_key;	/* its bytes' hash, for the load memo */
	int		  memo_hit;	/* 1: parsed by an earlier build */
};

/* frontmatter.c: split "---" YAML "---" body, check the known keys */
int	 fm_split(const char *, const char *, size_t, struct slice *, int *,
	    struct slice *, int *);
int	 fm_parse(struct article *, const char *, size_t);
int	 fm_bind(struct article *, int);	/* a->fm's known keys into a */
/* markdown.c: cmark-gfm -> html, plain text, headings */
int	 md_render(struct article *, int raw_html);
uint64_t art_texthash(const struct article *);	/* text's hash, for keys */
void	 article_free(struct article *);

/* artmemo.c: the load stage's memo of parsed articles and slugs */
#define AM_BUCKETS 64
struct art_memo;
struct art_memo	*amemo_read(const char *, uint64_t, int);
size_t		 amemo_bucket(const char *);
int		 amemo_load(const struct art_memo *, size_t, uint64_t,
		    struct article *);
int		 amemo_has_slugs(const struct art_memo *);
uint64_t	 amemo_key(uint64_t, int);
int		 amemo_keep(struct art_memo *, struct article *const *,
		    size_t, const size_t *, int);
int		 amemo_keep_slugs(struct art_memo *);
void		 amemo_free(struct art_memo *);
long		 amemo_check(const void *, size_t, uint64_t); /* fuzzing */

/*
 * Keeps an output file the last build made from the same key (a hash of
 * everything its bytes come from): keep(arg, rel, key) records the key
 * for the manifest and returns 1 when the published file was made from
 * it and is untouched (it is then linked into staging), 0 when the
 * caller must write it, -1 after a message.  render.c's build_keep.
 */
struct keeper {
	int		(*keep)(void *, const char *, uint64_t);
	void		 *arg;
	uint64_t	  env;		/* program, config, theme: in every key */
	const char	 *memo;		/* the index's memo folder, or NULL */
	int		  reuse;	/* read it (not with --clean) */
};

/* ---- searchidx.c: search/ shards for search.js, queries, brute force ---- */

struct idx_word {
	char	*text;	/* normalized, NUL-terminated; owned */
	size_t	 len;	/* bytes in text */
	int	 neg;	/* 1: "-word", articles containing it are dropped */
};

struct idx_query {
	struct idx_word	*words;	/* in query order; owned */
	size_t		 n;	/* entries in words */
};

struct idx;	/* an in-memory index (tests, folio search) */
struct output;

size_t	 idx_query_parse(const char *, size_t, struct idx_query *); /* words */
void	 idx_query_free(struct idx_query *);
int	 idx_match(const struct idx_query *, const struct article *); /* 1/0 */
int	 idx_match_text(const struct idx_query *, const char *); /* idx_text's */
char	*idx_text(const struct article *);	/* normalized; caller frees */
void	 idx_dump(const struct article *, struct buf *);	/* folio dump idx */
struct idx *idx_build(struct article *const *, size_t, int); /* jobs; idx_free */
int	 idx_memo_parse(const void *, size_t);	/* fuzz: 1 parsed */
size_t	 idx_candidates(const struct idx *, const struct idx_query *,
	    unsigned char *);	/* per doc 0 no, 1 maybe, 2 sure */
void	 idx_free(struct idx *);
int	 idx_write(const struct site *, struct article *const *, size_t,
	    const struct keeper *, struct output *);	/* keeper or NULL; 0 / -1 */

/* ---- output.c: staged, skip-unchanged writes and the swap ---- */

struct output;

struct output	*out_open(const char *outdir);	/* NULL after message */
int		 out_put(struct output *, const char *rel, const void *, size_t);
int		 out_keep(struct output *, const char *rel,
		    const struct stat *);	/* its lstat; 0; -1; 1: cannot */
int		 out_fresh(const struct output *, const char *rel); /* new bytes */
int		 out_has(const struct output *, const char *rel); /* written */
const char	*out_stage_dir(const struct output *);	/* borrowed */
char		**out_files(struct output *, size_t *);	/* sorted; borrowed */
size_t		 out_changed(const struct output *);	/* files with new bytes */
int		 out_commit(struct output *, size_t *);	/* swap in; frees */
void		 out_abort(struct output *);	/* drop staging; frees */

/* ---- build.c: the pipeline, stage by stage ---- */

struct build_opts {
	const char	*dir;		/* -C: project folder */
	const char	*outdir;	/* -o, or NULL for site.yaml's */
	int		 drafts;	/* --drafts */
	int		 clean;		/* --clean */
	int		 jobs;		/* -j, 0 = CPUs */
	int		 incremental;	/* stop early when the manifest says up to date */
};

struct tmpl_set;

/* Everything one build holds; stages read what earlier ones made. */
/* manifest.c: the files of a folder and their hashes (man_inputs) */
struct man_hashes {
	char		**name;	/* relative, sorted; owned */
	uint64_t	 *hash;	/* man_bytes of each one's bytes; owned */
	size_t		  n;
};

/* What a build saw of an input file when it hashed it (stat cache). */
struct man_src {
	const char	  *path;	/* as hashed; in text, or owned (man_srcs) */
	unsigned long long size, ino;
	long long	   msec, mnsec;	/* mtime */
	long long	   csec, cnsec;	/* ctime */
	uint64_t	   hash;	/* man_bytes of its bytes */
};

/* Every input file a build hashed, for its manifest. */
struct man_srcs {
	struct man_src	*v;		/* owned, paths too */
	size_t		 n;
	long long	 at;		/* when the hashing began: seconds */
};

struct build {
	struct site	  site;		/* config stage */
	struct tmpl_set	 *tmpl;		/* the theme's compiled templates; owned */
	struct article	**arts;		/* published articles, newest first; owned */
	size_t		  narts;	/* entries in arts */
	struct val	 *globals;	/* {site: ...} for every template; owned */
	struct output	 *out;		/* write stage; owned until commit */
	size_t		  pages;	/* pages rendered */
	size_t		  kept;		/* of them, unchanged: linked, not rendered */
	struct taxo	 *tax;		/* analyse stage (taxonomy.c); owned */
	uint64_t	  inputs;	/* fingerprint of all inputs (manifest.c) */
	int		  uptodate;	/* output already matches inputs: no-op */
	struct val	**items;	/* ctx_item of each article, shared; owned */
	struct val	**bodies;	/* its body HTML, shared; owns arts[i]->html */
	uint64_t	  env;		/* fingerprint of program, config, theme */
	uint64_t	  parsekey;	/* what a parse depends on but the bytes
					 * (amemo_key): with an article's
					 * memo_key, its body's hash */
	struct man_prev	 *prev;		/* last build's manifest, or NULL; owned */
	struct htab	 *keys;		/* page path -> index in kfile; owned */
	struct man_file	 *kfile;	/* each page's render key, and its stat
					   when kept (man_write); owned */
	size_t		  kcap;		/* slots in kfile */
	char		 *memo;		/* terms memo file (termcache.c), or NULL; owned */
	struct art_memo	 *amemo;	/* load memo (artmemo.c), or NULL; holds
					 * bytes articles point into: freed
					 * after them */
	size_t		 *abucket;	/* while loading: each article's memo bucket */
	struct man_hashes arthash;	/* article files' hashes (man_inputs) */
	struct man_srcs	  srcs;		/* input files' stats (man_inputs) */
	size_t		  namelen;	/* bytes before an article's name in its path */
	int		  lockfd;	/* man_lock's descriptor, or -1; owned */
	int		  memo_reuse;	/* read it (not with --clean) */
	int		  rebuilds;	/* the output was built before: the load
					   and index memos serve (read, written) */
};

int	 build_run(const struct build_opts *);	/* exit status 0/1 */
int	 build_load(struct build *, const struct build_opts *); /* config + articles; 0/-1 */
void	 build_free(struct build *);

/* ---- manifest.c: input fingerprint and output manifest ---- */

char	*man_file(const struct site *, const char *); /* ".NAME.folio-WHAT"; caller frees */
int	 man_lock(const struct site *);	/* fd holding the build lock, or -1 */

/* What the last build recorded of one output file. */
struct man_page {
	const char	  *name;	/* path below the output; in text */
	unsigned long long size;	/* bytes */
	long long	   sec, nsec;	/* mtime */
	uint64_t	   key;		/* render key of a page, else 0 */
};

/* The last build's manifest. */
struct man_prev {
	struct buf	 text;		/* the file, cut into names; owned */
	uint64_t	 inputs;	/* fingerprint of its inputs */
	uint64_t	 env;		/* ... and of program, config, theme */
	long long	 at;		/* when its inputs were hashed */
	struct man_page	*e;		/* owned */
	size_t		 n;		/* entries in e */
	struct htab	*rel;		/* name -> index in e; owned */
	struct man_src	*src;		/* input files' stats; owned */
	size_t		 nsrc;		/* entries in src */
	struct htab	*srcidx;	/* path -> index in src; owned */
};

struct man_prev *man_load(const struct site *, int *);	/* rc 0 / -1 / -2 / -3 */
uint64_t man_inputs(const struct site *, int drafts, uint64_t *env,
	    struct man_hashes *, const struct man_prev *, struct man_srcs *);
void	 man_srcs_free(struct man_srcs *);
uint64_t man_bytes(const void *, size_t, uint64_t);	/* as of a file */
int	 man_hash_of(const struct man_hashes *, const char *, uint64_t *);
void	 man_hashes_free(struct man_hashes *);
uint64_t man_program(void);	/* fingerprint of folio's version and binary */
int	 man_uptodate(const struct site *, uint64_t,
	    struct man_prev **, int);	/* 1: no-op build; else the last manifest */
int	 man_prev_same(const struct man_prev *, const struct site *,
	    const char *, uint64_t, struct stat *);	/* 1: link, not render */
int	 man_prev_untouched(const struct man_prev *, const struct site *,
	    const char *);				/* 1: as recorded */
void	 man_prev_free(struct man_prev *);
int	 man_parse(struct man_prev *);	/* m->text in place; 0 / -2 corrupt / -3 version */
/* What the build knows of an output file for its manifest line. */
struct man_file {
	uint64_t	 key;	/* render key; 0: not a page */
	int		 known;	/* 1: the published file was kept, as: */
	unsigned long long size;
	long long	 sec;
	long		 nsec;
};
int	 man_write(const struct site *, uint64_t, uint64_t,
	    const struct man_srcs *,
	    void (*)(void *, const char *, struct man_file *),
	    void *);				/* 0 / -1 */

/* ---- render.c: template contexts and pages ---- */

struct val	*ctx_item(const struct article *);	/* list entry; caller frees */
void		 render_file(void *, const char *, struct man_file *); /* for man_write */
int		 build_keep(void *, const char *, uint64_t); /* struct keeper's */
void		 render_release(struct build *);	/* after render_all */
struct val	*item_ref(const struct build *, const struct article *); /* shared */
char		*ctx_summary(const struct article *);	/* caller frees */
struct val	*ctx_article(const struct build *, const struct article *);
int		 render_page(struct build *, const char *tmpl, const char *rel,
		    const char *title, struct val *ctx); /* consumes ctx; 0/-1 */
int		 render_list(struct build *, const char *tmpl, const char *base,
		    const char *title, struct article *const *, size_t n,
		    size_t total, struct val *extra); /* paginated base.html,
		    base-2.html ... of n articles; "count" is total; consumes extra */
int		 render_all(struct build *);	/* every page; 0/-1 */

/* ---- serve.c: folio serve, a live preview on 127.0.0.1 ---- */

struct srv_opts {
	const char	*dir;		/* -C: project folder */
	const char	*outdir;	/* -o, or NULL for site.yaml's */
	int		 port;		/* -p; 0 takes any free port */
};

/* Build, serve, watch and rebuild until SIGINT/SIGTERM.  Returns the
 * exit status: 0 after a signal, 1 if it cannot start. */
int	 srv_run(const struct srv_opts *);
void	 srv_answer(const char *, const char *, const void *, size_t,
	    struct buf *);	/* fuzz: one connection's answers */

/* ---- htab.c: string -> dense id (interning), open addressing ---- */

#define HTAB_NONE ((size_t)-1)

struct htab;

struct htab	*htab_new(void);			/* htab_free */
size_t		 htab_add(struct htab *, const char *, size_t); /* id; copies a new key */
size_t		 htab_find(const struct htab *, const char *, size_t); /* id or HTAB_NONE */
size_t		 htab_count(const struct htab *);
void		 htab_free(struct htab *);

/* ---- terms.c: the archive's words and domain terms, tf-idf per article ---- */

#define TERM_KEEP	32	/* heaviest hits an article keeps in any case */
#define TERM_COMPOUND	3	/* characters in a term that can be a topic */

/*
 * A term of one article.  An article keeps its TERM_KEEP heaviest terms
 * and every term it mentions twice or in its title, that is forced, or
 * that is a compound in min_df articles (one that can be a topic).
 */
struct term_hit {
	uint32_t	 id;	/* the term: index into terms.text */
	uint16_t	 tf;	/* occurrences in title and text (capped) */
	uint16_t	 ttf;	/* ... of them in the title (capped) */
	float		 w;	/* tf-idf weight in this article */
};

struct terms {
	char		**text;		/* by id: the term, normalized, sorted; owned */
	unsigned char	 *forced;	/* by id: a tag or curated term; owned */
	uint32_t	 *df;		/* by id: articles that use it; owned */
	double		 *idf;		/* by id: log(1 + N/df); owned */
	double		 *boost;	/* by id: longer terms weigh more; owned */
	size_t		 *chars;	/* by id: characters in the term; owned */
	size_t		  n;		/* terms */
	struct term_hit	**hits;		/* by article idx: heaviest first; owned */
	size_t		 *nhits;	/* by article idx: entries in hits */
	size_t		  narts;	/* articles */
	uint32_t	  min_df;	/* a found term is in this many articles */
	struct htab	 *index;	/* text -> id; owned */
};

/* How term_build runs: terms it must count, threads, its memo. */
struct term_opts {
	char *const	 *forced;	/* tags, topics.add ...; borrowed */
	size_t		  nforced;	/* entries in forced */
	int		  jobs;		/* threads */
	const char	 *memo;		/* termcache.c's file, or NULL: none */
	int		  reuse;	/* 0: do not read the memo (--clean) */
	uint64_t	  env;		/* program, config, theme (manifest.c) */
};

struct terms	*term_build(struct article *const *, size_t,
		    const struct term_opts *);	/* term_free */
void		 term_free(struct terms *);

/* ---- termcache.c: the terms stage's memo between builds ---- */

struct term_memo;
struct term_memo *tmemo_read(const char *);	/* NULL: none or distrusted */
struct term_memo *tmemo_parse(const void *, size_t);	/* NULL: not one */
char *const	*tmemo_vocab(const struct term_memo *, uint64_t,
		    size_t *);		/* found for that key, borrowed; or NULL */
int		 tmemo_same(const struct term_memo *, char *const *, size_t);
long		 tmemo_remap(const struct term_memo *, char *const *, size_t,
		    uint32_t **);	/* old id -> new id; -1: no use */
long		 tmemo_hits(const struct term_memo *, uint64_t,
		    struct term_hit **);	/* counts, or -1: none */
void		 hits_by_id(struct term_hit *, size_t);	/* the memo's order */
void		 tmemo_write(const char *, const struct term_memo *, uint64_t,
		    char *const *, size_t, char *const *, size_t,
		    const uint64_t *, struct term_hit *const *, const size_t *,
		    size_t, int);
void		 tmemo_free(struct term_memo *);

/* A candidate term of the last discovery: what deciding on it reads. */
struct term_cand {
	uint64_t	 key;		/* the gram, packed (terms.c) */
	uint32_t	 df;		/* articles of the sample using it */
	uint16_t	 lpair;		/* its usual left neighbour, or 0 */
	uint16_t	 rpair;		/* ... right one */
	uint8_t		 ok;		/* ICU agrees with its samples */
};

/* The sample the vocabulary was last found in (tsample_read). */
struct term_sample {
	struct fmap	 map;		/* "sample"; or tsample_parse's copy */
	struct fmap	 idmap[64];	/* ids files, mapped, or len 0 */
	struct buf	 copy;		/* tsample_parse's copy; owned */
	uint64_t	 vkey;		/* the vocabulary's key */
	size_t		 ns;		/* articles */
	uint64_t	*akey;		/* by article: its text key; owned */
	size_t		*nids;		/* ... its character ids; owned */
	size_t		*ntitle;	/* ... of them the title's; owned */
	const unsigned char **ids;	/* ... u16 LE, 2-byte aligned, in
					 * idmap; NULL: not known; owned */
	struct term_cand *cand;		/* keys ascending; owned */
	size_t		 ncand;
	size_t		*order;		/* articles by ids file, each file's
					 * in sample order; owned */
	size_t		 start[64 + 1];	/* where each file's begin in order */
};

struct term_sample *tsample_read(const char *);	/* NULL: none or bad */
struct term_sample *tsample_parse(const void *, size_t);	/* fuzzing */
void		 tsample_write(const char *, const struct term_sample *,
		    uint64_t, size_t, const uint64_t *, uint16_t *const *,
		    const size_t *, const size_t *, const struct term_cand *,
		    size_t, int);
void		 tsample_free(struct term_sample *);

/* ---- taxonomy.c: regions, organizations, reporters, topics, months, pages ---- */

enum tax_kind {
	TAX_REGION,	/* front matter region: province -> city -> county */
	TAX_ORG,	/* organization */
	TAX_AUTHOR,	/* authors */
	TAX_TOPIC,	/* tags, topics.add, terms found in the text */
	TAX_MONTH,	/* date's year and month */
	TAX_NKINDS
};

#define TAX_TAGGED	1	/* topic origin: some article's tags */
#define TAX_ADDED	2	/* ... site.yaml topics.add */
#define TAX_FOUND	4	/* ... found in the text by terms.c */

/* One page's worth of articles: a region, organization, reporter ... */
struct tax_group {
	enum tax_kind	   kind;	/* which taxonomy */
	char		  *name;	/* as shown; owned */
	char		  *key;		/* normalized name (regions: path); owned */
	char		  *slug;	/* unique within the kind; owned */
	char		  *url;		/* its page, from the site root; owned */
	struct article	 **arts;	/* members in archive order; owned array */
	size_t		   narts;	/* entries in arts */
	size_t		   cap;		/* slots in arts */
	double		   score;	/* topics: summed weight of its members */
	int		   origin;	/* topics: TAX_TAGGED | TAX_ADDED | TAX_FOUND */
	struct tax_group  *parent;	/* regions: the node above, or NULL */
	struct tax_group **kids;	/* regions: nodes below, by slug; owned array */
	size_t		   nkids;	/* entries in kids */
	int		   depth;	/* regions: 0 for the top level */
	size_t		   gid;		/* its index among its kind's groups while
					 * they are collected (taxonomy.c) */
};

struct tax_range {
	size_t		 from;	/* first line, 1-based */
	size_t		 to;	/* last line, inclusive */
	struct article	*art;	/* whose lines; borrowed */
};

struct tax_mark {
	size_t		 line;	/* the 上接/下转 line, 1-based */
	int		 up;	/* 1: 上接 (continued from), 0: 下转 (continued on) */
	char		*label;	/* the other page's label, "B14"; owned */
	struct article	*art;	/* the article it continues, or NULL; borrowed */
};

/* One raw newspaper page, content/pages/<file>. */
struct tax_source {
	char		 *file;		/* file name; owned */
	char		 *slug;		/* output name; owned */
	char		 *url;		/* pages/<slug>.html; owned */
	char		 *text;		/* the raw bytes, valid UTF-8; owned */
	size_t		  len;		/* bytes in text */
	size_t		 *lines;	/* offset of each line in text; owned */
	size_t		  nlines;	/* entries in lines */
	struct article	**arts;		/* its articles in page order; owned array */
	size_t		  narts;	/* entries in arts */
	struct tax_range *ranges;	/* articles' lines, by first line; owned */
	size_t		  nranges;	/* entries in ranges */
	struct tax_mark	 *marks;	/* continuation lines in order; owned */
	size_t		  nmarks;	/* entries in marks */
	char		**labels;	/* page labels (source.page); owned */
	size_t		  nlabels;	/* entries in labels */
	const char	 *date;		/* most of its articles' date, or NULL; borrowed */
};

/* What the analysis knows about one article (taxo.art[a->idx]). */
struct tax_art {
	struct tax_group  *region;	/* deepest region node, or NULL */
	struct tax_group  *org;		/* organization, or NULL */
	struct tax_group **authors;	/* parallel to a->authors (NULL: none); owned array */
	struct tax_group **tags;	/* parallel to a->tags (NULL: excluded); owned array */
	struct tax_group **topics;	/* shown, tags first; owned array */
	size_t		   ntopics;	/* entries in topics */
	struct tax_group  *month;	/* or NULL when undated */
	struct tax_source *src;		/* its source page, or NULL */
	size_t		   src_pos;	/* index in src->arts */
	size_t		   line0;	/* first line on src, 0 if unknown */
	struct article	 **related;	/* related.c: most similar first; owned array */
	double		  *relscore;	/* parallel to related; owned */
	size_t		   nrelated;	/* entries in related */
};

struct taxo {
	struct tax_group **groups[TAX_NKINDS];	/* by kind, by slug (months newest first); owned */
	size_t		   ngroups[TAX_NKINDS];	/* entries in groups */
	struct tax_group **roots;	/* top-level regions by slug; owned array */
	size_t		   nroots;	/* entries in roots */
	struct tax_source *srcs;	/* source pages by file name; owned */
	size_t		   nsrcs;	/* entries in srcs */
	struct tax_art	  *art;		/* by article idx; owned */
	size_t		   narts;	/* entries in art */
	struct terms	  *terms;	/* terms.c's result; owned */
};

struct taxo	*tax_build(const struct build *);	/* tax_free; never fails */
void		 tax_cleanup(void);	/* at exit */
void		 tax_free(struct taxo *);
void		 tax_dump(const struct taxo *, const struct build *, struct buf *);
struct article	*tax_line_owner(const struct tax_source *, size_t); /* or NULL */
const char	*tax_line(const struct tax_source *, size_t, size_t *); /* borrowed */

/* ---- related.c: similar articles through an inverted term index ---- */

#define REL_MAX	5	/* related articles per article */

void	 rel_compute(struct taxo *, struct article *const *, size_t, int);

/* ---- browse.c: the pages of regions, topics, orgs, reporters, pages, months ---- */

void	 browse_article(const struct build *, const struct article *,
	    struct val *);		/* adds links to ctx_article's map */
void	 browse_jsonld(const struct build *, const struct article *,
	    struct val *);		/* ... and, past the key, JSON-LD */
void	 browse_home(const struct build *, struct val *); /* adds to home's */
int	 browse_render(struct build *);	/* every browse page; 0/-1 */

/* ---- feed.c: feed.xml, sitemap.xml, robots.txt, JSON-LD ---- */

int	 feed_write(struct build *);	/* 0/-1 */
char	*feed_jsonld(const struct build *, const struct article *,
	    const char *summary);	/* NewsArticle JSON; caller frees */

/* ---- linkcheck.c: every internal link resolves, every #fragment too ---- */

/*
 * Check the .html files files[0..n) below dir (shown as shown in
 * messages) on up to jobs threads.  Returns the number of broken links
 * (each reported as shown/file:line: error: broken link '...').
 */
struct lc_links;	/* the links memo: what each published page links to */
size_t	 lc_check(const char *dir, const char *shown, char *const *, size_t,
	    int jobs, const unsigned char *trusted,
	    const struct lc_links *old, struct buf *memo);
uint32_t lc_link_hash(const char *);	/* a file's hash in the memo */
struct lc_links *lc_links_parse(const char *, size_t);	/* borrows; NULL: bad */
struct lc_links *lc_links_read(const char *);	/* NULL: none or unusable */
int	 lc_links_write(const char *, struct buf *);	/* consumes; 0 / -1 */
int	 lc_links_to(const struct lc_links *, const char *, const uint32_t *,
	    size_t);		/* 1 links to one of them, 0 not, -1 unknown */
size_t	 lc_links_count(const struct lc_links *);
void	 lc_links_free(struct lc_links *);
int	 lc_ids_kept(const char *, const char *, char *const *, size_t, int);
int	 lc_check_tree(const char *dir);	/* walks dir; 0, or -1 when broken */

/* ---- import.c: page dumps -> articles (folio import) ---- */

struct imp_opts {
	const char	*outdir;	/* -o, default content/articles */
	const char	*report;	/* --report FILE (YAML), or NULL */
	int		 force;		/* --force: overwrite edited articles */
	int		 dump;		/* --dump: print the plan, write nothing */
};

int	 imp_run(const struct imp_opts *, char **, int); /* exit status */

struct imp_plan;	/* one page split into articles; opaque, import.c */

/*
 * Split one page (text, len bytes; path names it in messages) into
 * articles, in memory, without I/O.  Returns 0 and sets *out (free with
 * imp_plan_free), or -1 after printing path: error: why.
 */
int	 imp_parse(const char *, const char *, size_t, struct imp_plan **);
void	 imp_dump(const struct imp_plan *, struct buf *); /* the --dump plan */
void	 imp_plan_free(struct imp_plan *);

/* gazetteer.c: province -> prefecture -> county names (for region) */
struct gaz_region {
	const char	*prov;		/* "山东省"; static, or NULL */
	const char	*city;		/* "济宁市"; static, or NULL */
	const char	*county;	/* "汶上县"; static, or NULL */
};

size_t	 gaz_chain(const char *, size_t, struct gaz_region *); /* bytes read */
int	 gaz_is_province(const char *, size_t);	/* 1 if a province starts s */

#endif /* FOLIO_H */
