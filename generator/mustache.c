/*
 * mustache.c: the render stage's template engine.  Takes Mustache
 * sources (the spec, with inheritance and dynamic names) and compiles
 * each once into a flat list of ops; renders a named template against a
 * context stack of struct val into a buf.  Rendering runs on an explicit
 * frame stack, never writes to the set, and is safe from many threads.
 */
#include <stdlib.h>
#include <string.h>

#include "folio.h"

#define MAXCALLS	100		/* partial, parent and block expansions */
#define MAXFRAMES	100000		/* nested sections and calls, in all */
#define MAXSTEPS	((size_t)50 * 1000 * 1000) /* ops run by one render */
#define MAXOUT		((size_t)64 << 20)	/* bytes written by one render */

enum opk {
	OP_TEXT,	/* copy s */
	OP_LINE,	/* a template line starts: write the indentation */
	OP_VAR,		/* {{name}}: escaped value */
	OP_RAW,		/* {{{name}}}, {{&name}}: value as is */
	OP_SECTION,	/* {{#name}}: body per item, or once if truthy */
	OP_INVERTED,	/* {{^name}}: body once if falsy */
	OP_PARTIAL,	/* {{>name}} */
	OP_PARENT,	/* {{<name}}: body holds only OP_BLOCK arguments */
	OP_BLOCK	/* {{$name}}: body is the default content */
};

#define OPF_FIRST	1	/* OP_LINE opening a template or block body */
#define OPF_DYN		2	/* partial/parent name is looked up in data */
#define OPF_ALONE	4	/* partial/parent/block on a line of its own */

struct tmpl;

struct op {
	enum opk	 kind;	/* what to do */
	int		 flags;	/* OPF_* */
	struct slice	 s;	/* text or tag name; borrowed from tmpl src */
	struct slice	 ind;	/* indentation added (OPF_ALONE); borrowed */
	size_t		 end;	/* index just past this op's body */
	struct tmpl	*target; /* static partial/parent; set by check; borrowed */
	int		 line;	/* tag position in the source, for messages */
	int		 col;	/* its column */
};

struct tmpl {
	char		*name;	/* lookup name; owned */
	char		*path;	/* source path for messages; owned */
	char		*src;	/* copy of the source, ops point in; owned */
	size_t		 len;	/* bytes in src */
	struct op	*ops;	/* compiled template; owned */
	size_t		 nops;	/* entries in ops */
};

struct tmpl_set {
	struct tmpl	**t;	/* templates; owned, never moved once added */
	size_t		  n;	/* entries in t */
	size_t		  cap;	/* slots in t */
	int		  strict; /* unknown static partial is an error */
};

/* ---- compiling ---- */

/* A token: text between tags, or one tag. */
struct tok {
	int		 kind;	/* 0 text, 'n' {{x}}, or & # ^ / ! = > < $ */
	size_t		 a;	/* first byte (text: after trimming) */
	size_t		 b;	/* byte after the last */
	struct slice	 name;	/* tag name without '*'; borrowed */
	int		 dyn;	/* name was written *name */
	int		 alone;	/* 0, 1 standalone, 2 standalone keeping its \n */
	size_t		 ls;	/* alone: start of the tag's line */
	size_t		 wse;	/* alone: end of the whitespace before it */
	size_t		 nl;	/* alone: the line's newline (or end) */
	size_t		 eol;	/* alone: start of the next line */
	size_t		 match;	/* open tag: index of its close, and back */
	struct slice	 otag;	/* opening delimiter in force; borrowed */
	struct slice	 ctag;	/* closing delimiter in force; borrowed */
	int		 line;	/* position of the tag, for messages */
	int		 col;	/* its column */
};

enum mode {
	M_EMIT,		/* tokens become ops */
	M_ARGS,		/* inside {{<parent}}: only {{$block}} counts */
	M_SKIP		/* ignored entirely */
};

/* A section open while building ops. */
struct open {
	size_t		 op;	/* its op, or NOOP */
	enum mode	 mode;	/* how tokens inside are handled */
	int		 block;	/* opened by {{$name}} */
	struct slice	 ind;	/* indentation stripped from lines inside */
};

#define NOOP ((size_t)-1)

/* How much of a tag a message quotes. */
#define SHOW(n)	((int)((n) > 60 ? 60 : (n)))

struct comp {
	const char	*path;	/* for messages; borrowed */
	const char	*src;	/* source; borrowed */
	size_t		 len;	/* bytes in src */
	struct tok	*tk;	/* tokens; owned */
	size_t		 ntk;	/* entries in tk */
	size_t		 ctk;	/* slots in tk */
	struct op	*ops;	/* output; owned until handed over */
	size_t		 nops;	/* entries in ops */
	size_t		 cops;	/* slots in ops */
	struct open	*st;	/* open sections; owned */
	size_t		 nst;	/* entries in st */
	size_t		 cst;	/* slots in st */
	size_t		 pos;	/* line/col are known up to this offset */
	int		 line;	/* line at pos (1-based) */
	int		 col;	/* column at pos (1-based, in characters) */
};

static int
sleq(struct slice a, const char *p, size_t n)
{
	return a.len == n && memcmp(a.p, p, n) == 0;
}

static int
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of needle in hay, or -1: with an optional lead byte before it. */
static long
find(const char *hay, size_t n, int lead, struct slice needle)
{
	size_t	 i, k = lead ? 1 : 0;

	for (i = 0; i + k + needle.len <= n; i++) {
		if (lead && hay[i] != lead)
			continue;
		if (memcmp(hay + i + k, needle.p, needle.len) == 0)
			return (long)i;
	}
	return -1;
}

/* Line and column of offset off; offsets are asked for in order. */
static void
where(struct comp *c, size_t off, int *line, int *col)
{
	if (off < c->pos) {
		c->pos = 0;
		c->line = c->col = 1;
	}
	for (; c->pos < off; c->pos++) {
		if (c->src[c->pos] == '\n') {
			c->line++;
			c->col = 1;
		} else if (((unsigned char)c->src[c->pos] & 0xc0) != 0x80)
			c->col++;
	}
	*line = c->line;
	*col = c->col;
}

static struct tok *
addtok(struct comp *c, int kind, size_t a, size_t b)
{
	struct tok	*t;

	if (c->ntk == c->ctk) {
		c->ctk = c->ctk ? c->ctk * 2 : 64;
		c->tk = xreallocarray(c->tk, c->ctk, sizeof(*c->tk));
	}
	t = &c->tk[c->ntk++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->a = a;
	t->b = b;
	return t;
}

/* The name in a tag: trimmed, non-empty, no inner spaces. */
static int
tagname(struct comp *c, struct tok *t, size_t a, size_t b)
{
	size_t	 i;

	while (a < b && isws(c->src[a]))
		a++;
	while (b > a && isws(c->src[b - 1]))
		b--;
	if (a < b && c->src[a] == '*' &&
	    (t->kind == '>' || t->kind == '<' || t->kind == '/')) {
		t->dyn = 1;
		for (a++; a < b && isws(c->src[a]); a++)
			continue;
	}
	if (a == b) {
		diag_err(c->path, t->line, t->col, "empty tag name in "
		    "%.*s (write a name between the delimiters)",
		    SHOW(t->b - t->a), c->src + t->a);
		return -1;
	}
	for (i = a; i < b; i++)
		if (isws(c->src[i])) {
			diag_err(c->path, t->line, t->col, "tag name "
			    "\"%.*s\" contains a space (names are one word)",
			    SHOW(b - a), c->src + a);
			return -1;
		}
	t->name.p = c->src + a;
	t->name.len = b - a;
	return 0;
}

/* {{=OPEN CLOSE=}}: two words, no more. */
static int
delims(struct comp *c, const struct tok *t, size_t a, size_t b,
    struct slice *otag, struct slice *ctag)
{
	size_t	 m;

	while (a < b && isws(c->src[a]))
		a++;
	while (b > a && isws(c->src[b - 1]))
		b--;
	for (m = a; m < b && !isws(c->src[m]); m++)
		continue;
	otag->p = c->src + a;
	otag->len = m - a;
	while (m < b && isws(c->src[m]))
		m++;
	ctag->p = c->src + m;
	ctag->len = b - m;
	for (; m < b; m++)
		if (isws(c->src[m]))
			break;
	if (otag->len == 0 || ctag->len == 0 || m < b) {
		diag_err(c->path, t->line, t->col, "bad delimiter tag %.*s "
		    "(write %.*s=OPEN CLOSE=%.*s)", SHOW(t->b - t->a),
		    c->src + t->a, SHOW(t->otag.len), t->otag.p,
		    SHOW(t->ctag.len), t->ctag.p);
		return -1;
	}
	return 0;
}

/* Split the source into text and tag tokens. */
static int
lex(struct comp *c)
{
	static const char sigils[] = "#^/!=>&{<$";
	struct slice	 otag = { "{{", 2 }, ctag = { "}}", 2 }, no, nc;
	struct tok	*t;
	size_t		 pos = 0, p, q, e;
	long		 off;
	int		 sig, lead;

	while (pos < c->len) {
		if ((off = find(c->src + pos, c->len - pos, 0, otag)) < 0) {
			addtok(c, 0, pos, c->len);
			break;
		}
		p = pos + (size_t)off;
		if (p > pos)
			addtok(c, 0, pos, p);
		q = p + otag.len;
		sig = 'n';
		if (q < c->len && memchr(sigils, c->src[q], sizeof(sigils) - 1))
			sig = c->src[q++];
		lead = sig == '{' ? '}' : sig == '=' ? '=' : 0;
		t = addtok(c, sig == '{' ? '&' : sig, p, p);
		t->otag = otag;
		t->ctag = ctag;
		where(c, p, &t->line, &t->col);
		if ((off = find(c->src + q, c->len - q, lead, ctag)) < 0) {
			diag_err(c->path, t->line, t->col, "tag is not closed "
			    "(no %s%.*s after %.*s)", lead == '}' ? "}" :
			    lead == '=' ? "=" : "", SHOW(ctag.len), ctag.p,
			    SHOW(otag.len + (sig != 'n')), c->src + p);
			return -1;
		}
		e = q + (size_t)off;
		t->b = e + (lead ? 1 : 0) + ctag.len;
		if (sig == '=') {
			if (delims(c, t, q, e, &no, &nc) == -1)
				return -1;
			otag = no;
			ctag = nc;
		} else if (sig != '!' && tagname(c, t, q, e) == -1)
			return -1;
		pos = t->b;
	}
	return 0;
}

/* Pair every close tag with its open tag. */
static int
nest(struct comp *c)
{
	size_t	*stack, n = 0, i, o;
	int	 rc = -1;

	stack = xreallocarray(NULL, c->ntk + 1, sizeof(*stack));
	for (i = 0; i < c->ntk; i++) {
		struct tok *t = &c->tk[i];

		if (t->kind == '#' || t->kind == '^' || t->kind == '<' ||
		    t->kind == '$')
			stack[n++] = i;
		else if (t->kind == '/') {
			if (n == 0) {
				diag_err(c->path, t->line, t->col, "%.*s closes "
				    "nothing (no section of that name is open)",
				    SHOW(t->b - t->a), c->src + t->a);
				goto out;
			}
			o = stack[--n];
			if (!sleq(t->name, c->tk[o].name.p, c->tk[o].name.len)) {
				diag_err(c->path, t->line, t->col, "%.*s does "
				    "not match %.*s opened at line %d, column %d "
				    "(close that one first)", SHOW(t->b - t->a),
				    c->src + t->a, SHOW(c->tk[o].b - c->tk[o].a),
				    c->src + c->tk[o].a, c->tk[o].line,
				    c->tk[o].col);
				goto out;
			}
			c->tk[o].match = i;
			t->match = o;
		}
	}
	if (n > 0) {
		struct tok *t = &c->tk[stack[n - 1]];

		diag_err(c->path, t->line, t->col, "%.*s is never closed "
		    "(add %.*s/%.*s%.*s)", SHOW(t->b - t->a), c->src + t->a,
		    SHOW(t->otag.len), t->otag.p, SHOW(t->name.len), t->name.p,
		    SHOW(t->ctag.len), t->ctag.p);
		goto out;
	}
	rc = 0;
out:
	free(stack);
	return rc;
}

/* Only blanks between the line start and tag i: sets *ls. */
static int
before_ok(const struct comp *c, size_t i, size_t *ls)
{
	const struct tok *p;
	size_t		 k;

	if (i == 0) {
		*ls = 0;
		return 1;
	}
	p = &c->tk[i - 1];
	if (p->kind != 0)
		return 0;
	for (k = p->b; k > p->a; k--) {
		if (c->src[k - 1] == '\n') {
			*ls = k;
			return 1;
		}
		if (c->src[k - 1] != ' ' && c->src[k - 1] != '\t')
			return 0;
	}
	*ls = 0;
	return p->a == 0;
}

/* Only blanks between tag i and the end of its line: sets *nl, *eol. */
static int
after_ok(const struct comp *c, size_t i, size_t *nl, size_t *eol)
{
	const struct tok *n;
	size_t		 k;

	if (i + 1 == c->ntk) {
		*nl = *eol = c->tk[i].b;
		return 1;
	}
	n = &c->tk[i + 1];
	if (n->kind != 0)
		return 0;
	for (k = n->a; k < n->b; k++) {
		if (c->src[k] == '\n' || (c->src[k] == '\r' &&
		    k + 1 < n->b && c->src[k + 1] == '\n')) {
			*nl = k;
			*eol = k + (c->src[k] == '\r' ? 2 : 1);
			return 1;
		}
		if (c->src[k] != ' ' && c->src[k] != '\t')
			return 0;
	}
	*nl = *eol = n->b;
	return n->b == c->len;
}

/*
 * Two adjacent tags that may share a standalone line (inheritance):
 * {{<p}}{{$b}}, {{<p}}{{/p}}, {{/b}}{{/p}} (1) and {{$b}}{{/b}} (2,
 * which keeps its newline, so an empty block leaves an empty line).
 */
static int
pairable(const struct comp *c, size_t i)
{
	const struct tok *a = &c->tk[i], *b = &c->tk[i + 1];

	if (a->kind == 0 || b->kind == 0 || a->b != b->a)
		return 0;
	if (a->kind == '<' && b->kind == '$')
		return 1;
	if (a->kind == '<' && b->kind == '/' && b->match == i)
		return 1;
	if (a->kind == '$' && b->kind == '/' && b->match == i)
		return 2;
	if (a->kind == '/' && b->kind == '/' &&
	    c->tk[a->match].kind == '$' && c->tk[b->match].kind == '<')
		return 1;
	return 0;
}

static void
setalone(struct tok *t, int how, size_t ls, size_t wse, size_t nl,
    size_t eol)
{
	t->alone = how;
	t->ls = ls;
	t->wse = wse;
	t->nl = nl;
	t->eol = eol;
}

/*
 * Find the standalone tags, then trim the blanks before them and the
 * rest of their line (including the newline) from the text around.
 */
static void
standalone(struct comp *c)
{
	size_t	 i, ls, nl, eol;
	int	 how;

	for (i = 0; i < c->ntk; i++) {
		if (c->tk[i].kind == 0 || c->tk[i].kind == 'n' ||
		    c->tk[i].kind == '&')
			continue;
		if (i + 1 < c->ntk && (how = pairable(c, i)) != 0 &&
		    before_ok(c, i, &ls) && after_ok(c, i + 1, &nl, &eol)) {
			setalone(&c->tk[i], how, ls, c->tk[i].a, nl, eol);
			setalone(&c->tk[i + 1], how, ls, c->tk[i].a, nl, eol);
			i++;
		} else if (before_ok(c, i, &ls) && after_ok(c, i, &nl, &eol))
			setalone(&c->tk[i], 1, ls, c->tk[i].a, nl, eol);
	}
	for (i = 0; i < c->ntk; i++) {
		if (c->tk[i].alone == 0)
			continue;
		if (i > 0 && c->tk[i - 1].kind == 0)
			c->tk[i - 1].b = c->tk[i].ls;
		if (i + 1 < c->ntk && c->tk[i + 1].kind == 0)
			c->tk[i + 1].a = c->tk[i].alone == 2 ?
			    c->tk[i].nl : c->tk[i].eol;
	}
}

static struct op *
addop(struct comp *c, enum opk kind, const struct tok *t)
{
	struct op	*o;

	if (c->nops == c->cops) {
		c->cops = c->cops ? c->cops * 2 : 64;
		c->ops = xreallocarray(c->ops, c->cops, sizeof(*c->ops));
	}
	o = &c->ops[c->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->end = c->nops;
	if (t != NULL) {
		o->s = t->name;
		o->line = t->line;
		o->col = t->col;
		if (t->dyn)
			o->flags |= OPF_DYN;
	}
	return o;
}

static const struct open *
top(const struct comp *c)
{
	static const struct open root = { NOOP, M_EMIT, 0, { "", 0 } };

	return c->nst ? &c->st[c->nst - 1] : &root;
}

static void
push(struct comp *c, size_t op, enum mode m, int block, struct slice ind)
{
	if (c->nst == c->cst) {
		c->cst = c->cst ? c->cst * 2 : 16;
		c->st = xreallocarray(c->st, c->cst, sizeof(*c->st));
	}
	c->st[c->nst].op = op;
	c->st[c->nst].mode = m;
	c->st[c->nst].block = block;
	c->st[c->nst].ind = ind;
	c->nst++;
}

/* A line starts: OPF_FIRST if nothing came before in this body. */
static void
addline(struct comp *c)
{
	const struct open *o = top(c);
	struct op	*op;
	int		 first;

	first = c->nst == 0 ? c->nops == 0 :
	    o->block && c->nops == o->op + 1;
	op = addop(c, OP_LINE, NULL);
	if (first)
		op->flags |= OPF_FIRST;
}

/* At a line start in text: strip block indentation, mark the line. */
static void
linestart(struct comp *c, size_t *p, size_t b)
{
	struct slice	 ind = top(c)->ind;
	size_t		 k = 0;

	while (k < ind.len && *p + k < b && c->src[*p + k] == ind.p[k])
		k++;
	*p += k;
	if (*p == c->len)
		return;
	if (*p < b && (c->src[*p] == '\n' || (c->src[*p] == '\r' &&
	    *p + 1 < c->len && c->src[*p + 1] == '\n')))
		return;				/* empty lines stay empty */
	addline(c);
}

static void
text(struct comp *c, size_t a, size_t b)
{
	struct op	*o;
	const char	*nl;
	size_t		 e;

	if (a >= b)
		return;
	if (a == 0 || c->src[a - 1] == '\n')
		linestart(c, &a, b);
	while (a < b) {
		nl = memchr(c->src + a, '\n', b - a);
		e = nl ? (size_t)(nl - c->src) + 1 : b;
		o = addop(c, OP_TEXT, NULL);
		o->s.p = c->src + a;
		o->s.len = e - a;
		a = e;
		if (nl != NULL && a < b)
			linestart(c, &a, b);
	}
}

/* The part of ws not covered by the indentation already stripped. */
static struct slice
rel(struct slice ws, struct slice ind)
{
	size_t	 k = 0;

	while (k < ws.len && k < ind.len && ws.p[k] == ind.p[k])
		k++;
	ws.p += k;
	ws.len -= k;
	return ws;
}

static struct slice
wsbefore(const struct comp *c, const struct tok *t)
{
	struct slice	 s;

	s.p = c->src + t->ls;
	s.len = t->wse - t->ls;
	return s;
}

/*
 * A standalone block's own indentation: the blanks all its non-blank
 * lines share, or, when it has none, the blanks before its tag.
 */
static struct slice
blockind(const struct comp *c, size_t i)
{
	const struct tok *t = &c->tk[i], *e = &c->tk[t->match];
	struct slice	 best = { NULL, 0 };
	size_t		 p, ce, w, k;
	int		 found = 0;

	if (t->alone == 2)
		return wsbefore(c, t);
	ce = e->alone ? e->ls : e->a;
	for (p = t->eol; p < ce && (!found || best.len > 0); ) {
		for (w = 0; p + w < ce &&
		    (c->src[p + w] == ' ' || c->src[p + w] == '\t'); w++)
			continue;
		k = p + w;
		if (k < ce && c->src[k] != '\n' && !(c->src[k] == '\r' &&
		    k + 1 < ce && c->src[k + 1] == '\n')) {
			if (!found) {
				best.p = c->src + p;
				best.len = w;
				found = 1;
			} else {
				for (k = 0; k < best.len && k < w &&
				    best.p[k] == c->src[p + k]; k++)
					continue;
				best.len = k;
			}
		}
		while (p < ce && c->src[p] != '\n')
			p++;
		p++;
	}
	return found ? best : wsbefore(c, t);
}

/* Turn the tokens into ops. */
static void
build(struct comp *c)
{
	static const struct slice none = { "", 0 };
	struct tok	*t;
	const struct open *o;
	struct op	*op;
	struct slice	 ind;
	size_t		 i;
	enum mode	 m;

	for (i = 0; i < c->ntk; i++) {
		t = &c->tk[i];
		m = top(c)->mode;
		if (t->kind == '/') {
			o = &c->st[--c->nst];
			if (o->op != NOOP)
				c->ops[o->op].end = c->nops;
			continue;
		}
		if (m == M_SKIP || (m == M_ARGS && t->kind != '$')) {
			if (t->kind == '#' || t->kind == '^' ||
			    t->kind == '<' || t->kind == '$')
				push(c, NOOP, M_SKIP, 0, none);
			continue;
		}
		if (t->kind == 0) {
			text(c, t->a, t->b);
			continue;
		}
		if (m == M_EMIT && !t->alone &&
		    (t->a == 0 || c->src[t->a - 1] == '\n'))
			addline(c);
		switch (t->kind) {
		case 'n':
			addop(c, OP_VAR, t);
			break;
		case '&':
			addop(c, OP_RAW, t);
			break;
		case '#':
		case '^':
			addop(c, t->kind == '#' ? OP_SECTION : OP_INVERTED, t);
			push(c, c->nops - 1, M_EMIT, 0, top(c)->ind);
			break;
		case '>':
		case '<':
			op = addop(c, t->kind == '>' ? OP_PARTIAL : OP_PARENT, t);
			if (t->alone) {
				op->flags |= OPF_ALONE;
				op->ind = rel(wsbefore(c, t), top(c)->ind);
			}
			if (t->kind == '<')
				push(c, c->nops - 1, M_ARGS, 0, top(c)->ind);
			break;
		case '$':
			op = addop(c, OP_BLOCK, t);
			ind = top(c)->ind;
			if (t->alone) {
				ind = blockind(c, i);
				op->flags |= OPF_ALONE;
				op->ind = rel(ind, top(c)->ind);
			}
			push(c, c->nops - 1, M_EMIT, 1, ind);
			if (!t->alone)
				addline(c);
			break;
		default:			/* comments, delimiters */
			break;
		}
	}
}

/* Compile src into t->ops; -1 after a message. */
static int
compile(struct tmpl *t)
{
	struct comp	 c;
	int		 rc = -1;

	memset(&c, 0, sizeof(c));
	c.path = t->path;
	c.src = t->src;
	c.len = t->len;
	c.line = c.col = 1;
	if (lex(&c) == -1 || nest(&c) == -1)
		goto out;
	standalone(&c);
	build(&c);
	t->ops = c.ops;
	t->nops = c.nops;
	c.ops = NULL;
	rc = 0;
out:
	free(c.ops);
	free(c.tk);
	free(c.st);
	return rc;
}

/* ---- the set ---- */

static struct tmpl *
lookup_tmpl(const struct tmpl_set *set, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < set->n; i++)
		if (strlen(set->t[i]->name) == len &&
		    memcmp(set->t[i]->name, name, len) == 0)
			return set->t[i];
	return NULL;
}

static void
tmpl_free1(struct tmpl *t)
{
	if (t == NULL)
		return;
	free(t->ops);
	free(t->name);
	free(t->path);
	free(t->src);
	free(t);
}

struct tmpl_set *
tmpl_set_new(int strict)
{
	struct tmpl_set	*set;

	set = xcalloc(1, sizeof(*set));
	set->strict = strict;
	return set;
}

int
tmpl_add(struct tmpl_set *set, const char *name, const char *path,
    const char *src, size_t len)
{
	struct tmpl	*t;

	if (lookup_tmpl(set, name, strlen(name)) != NULL) {
		diag_err(path, 0, 0, "a template named \"%s\" is already "
		    "loaded (rename one of them)", name);
		return -1;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->path = xstrdup(path);
	t->src = xstrndup(src, len);
	t->len = len;
	if (compile(t) == -1) {
		tmpl_free1(t);
		return -1;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->t = xreallocarray(set->t, set->cap, sizeof(*set->t));
	}
	set->t[set->n++] = t;
	return 0;
}

int
tmpl_check(struct tmpl_set *set)
{
	struct tmpl	*t;
	struct op	*o;
	size_t		 i, k;
	int		 rc = 0;

	for (i = 0; i < set->n; i++) {
		t = set->t[i];
		for (k = 0; k < t->nops; k++) {
			o = &t->ops[k];
			if ((o->kind != OP_PARTIAL && o->kind != OP_PARENT) ||
			    (o->flags & OPF_DYN))
				continue;
			o->target = lookup_tmpl(set, o->s.p, o->s.len);
			if (o->target == NULL && set->strict) {
				diag_err(t->path, o->line, o->col, "unknown "
				    "%s \"%.*s\" (no template of that name)",
				    o->kind == OP_PARENT ? "parent" : "partial",
				    SHOW(o->s.len), o->s.p);
				rc = -1;
			}
		}
	}
	return rc;
}

int
tmpl_has(const struct tmpl_set *set, const char *name)
{
	return lookup_tmpl(set, name, strlen(name)) != NULL;
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tmpl_free1(set->t[i]);
	free(set->t);
	free(set);
}

/* ---- rendering ---- */

/* One body being run: a template, a section pass, a block. */
struct frame {
	const struct tmpl *t;	/* whose ops run; borrowed */
	size_t		 start;	/* first op of the body */
	size_t		 pc;	/* next op */
	size_t		 end;	/* one past the last op */
	const struct val *list;	/* section over a list, or NULL; borrowed */
	size_t		 item;	/* index in list of the item on the stack */
	size_t		 nctx;	/* context depth to restore on exit */
	size_t		 indlen; /* indentation length to restore */
	size_t		 nargs;	/* parent-argument depth to restore */
	int		 bol;	/* OPF_FIRST lines write their indentation */
	int		 call;	/* a partial, parent or block: counts to MAXCALLS */
};

/* A {{<parent}} being rendered: its body holds the block arguments. */
struct arg {
	const struct tmpl *t;	/* borrowed */
	size_t		 op;	/* index of the OP_PARENT */
};

struct render {
	const struct tmpl_set *set; /* borrowed */
	struct buf	*out;	/* borrowed */
	size_t		 out0;	/* out->len at the start */
	const struct val **ctx;	/* context stack, bottom first; owned array */
	size_t		 nctx;	/* entries in ctx */
	size_t		 cctx;	/* slots in ctx */
	struct frame	*fr;	/* frames; owned */
	size_t		 nfr;	/* entries in fr */
	size_t		 cfr;	/* slots in fr */
	struct arg	*args;	/* parents being rendered, outermost first; owned */
	size_t		 nargs;	/* entries in args */
	size_t		 cargs;	/* slots in args */
	struct buf	 ind;	/* current indentation; owned */
	size_t		 steps;	/* ops run so far */
	int		 calls;	/* partial/parent/block depth */
};

static void
ctx_push(struct render *r, const struct val *v)
{
	if (r->nctx == r->cctx) {
		r->cctx = r->cctx ? r->cctx * 2 : 16;
		r->ctx = xreallocarray(r->ctx, r->cctx, sizeof(*r->ctx));
	}
	r->ctx[r->nctx++] = v;
}

static const struct val *
mapget(const struct val *v, const char *key, size_t len)
{
	const char	*k;
	size_t		 i, j;

	if (v == NULL || v->type != V_MAP)
		return NULL;
	for (i = 0; i < v->n; i++) {
		k = v->keys[i];
		for (j = 0; j < len && k[j] != '\0' && k[j] == key[j]; j++)
			continue;
		if (j == len && k[j] == '\0')
			return v->kids[i];
	}
	return NULL;
}

/* Resolve a (dotted) name against the context stack; NULL on a miss. */
static const struct val *
resolve(const struct render *r, struct slice name)
{
	const struct val *v = NULL;
	const char	*p = name.p, *end = name.p + name.len, *dot;
	size_t		 i;

	if (name.len == 1 && name.p[0] == '.')
		return r->nctx ? r->ctx[r->nctx - 1] : NULL;
	dot = memchr(p, '.', name.len);
	if (dot == NULL)
		dot = end;
	for (i = r->nctx; i > 0 && v == NULL; i--)
		v = mapget(r->ctx[i - 1], p, (size_t)(dot - p));
	while (v != NULL && dot < end) {
		p = dot + 1;
		if ((dot = memchr(p, '.', (size_t)(end - p))) == NULL)
			dot = end;
		v = mapget(v, p, (size_t)(dot - p));
	}
	return v;
}

static void
put_val(struct buf *out, const struct val *v, int escape)
{
	const char	*s;
	size_t		 n;

	if (v == NULL)
		return;
	switch (v->type) {
	case V_STR:
	case V_NUM:
		s = v->s;
		n = v->slen;
		break;
	case V_BOOL:
		s = v->b ? "true" : "false";
		n = strlen(s);
		break;
	default:			/* null, lists and maps print nothing */
		return;
	}
	if (escape)
		esc_html(out, s, n);
	else
		buf_put(out, s, n);
}

static int
fail(const struct tmpl *t, const struct op *o, const char *what)
{
	diag_err(t->path, o->line, o->col, "%s", what);
	return -1;
}

/* Start a body; the caller then pushes context, indentation, args. */
static int
enter(struct render *r, const struct tmpl *t, size_t start, size_t end,
    int bol, int call, const struct tmpl *from, const struct op *o)
{
	struct frame	*f;

	if (r->nfr == MAXFRAMES)
		return fail(from, o, "sections and partials nest too deeply");
	if (call && r->calls == MAXCALLS) {
		diag_err(from->path, o->line, o->col, "partials, parents "
		    "and blocks nest more than %d deep (does a template or "
		    "block include itself?)", MAXCALLS);
		return -1;
	}
	if (r->nfr == r->cfr) {
		r->cfr = r->cfr ? r->cfr * 2 : 32;
		r->fr = xreallocarray(r->fr, r->cfr, sizeof(*r->fr));
	}
	f = &r->fr[r->nfr++];
	memset(f, 0, sizeof(*f));
	f->t = t;
	f->start = f->pc = start;
	f->end = end;
	f->nctx = r->nctx;
	f->indlen = r->ind.len;
	f->nargs = r->nargs;
	f->bol = bol;
	f->call = call;
	r->calls += call;
	return 0;
}

static void
leave(struct render *r)
{
	struct frame	*f = &r->fr[--r->nfr];

	r->nctx = f->nctx;
	buf_truncate(&r->ind, f->indlen);
	r->nargs = f->nargs;
	r->calls -= f->call;
}

/* The override for block name, outermost parent first; 0 if none. */
static int
override(const struct render *r, struct slice name,
    const struct tmpl **tp, size_t *kp)
{
	const struct tmpl *t;
	size_t		 i, k, end;

	for (i = 0; i < r->nargs; i++) {
		t = r->args[i].t;
		end = t->ops[r->args[i].op].end;
		for (k = r->args[i].op + 1; k < end; k = t->ops[k].end)
			if (t->ops[k].kind == OP_BLOCK &&
			    sleq(t->ops[k].s, name.p, name.len)) {
				*tp = t;
				*kp = k;
				return 1;
			}
	}
	return 0;
}

/* The template a partial or parent names, or NULL: renders as "". */
static const struct tmpl *
target(const struct render *r, const struct op *o)
{
	const struct val *v;

	if (o->target != NULL)
		return o->target;
	if (!(o->flags & OPF_DYN))
		return lookup_tmpl(r->set, o->s.p, o->s.len);
	v = resolve(r, o->s);
	if (v == NULL || (v->type != V_STR && v->type != V_NUM))
		return NULL;
	return lookup_tmpl(r->set, v->s, v->slen);
}

/* Run the op at f->pc; -1 after a message. */
static int
step(struct render *r, struct frame *f)
{
	const struct tmpl *t = f->t, *t2;
	const struct op	*o = &t->ops[f->pc];
	const struct val *v;
	size_t		 k, here = f->pc;
	int		 alone = (o->flags & OPF_ALONE) != 0, over;

	f->pc = o->end;			/* f is stale once enter() runs */
	switch (o->kind) {
	case OP_TEXT:
		buf_put(r->out, o->s.p, o->s.len);
		break;
	case OP_LINE:
		if (!(o->flags & OPF_FIRST) || f->bol)
			buf_put(r->out, r->ind.p, r->ind.len);
		break;
	case OP_VAR:
	case OP_RAW:
		put_val(r->out, resolve(r, o->s), o->kind == OP_VAR);
		break;
	case OP_SECTION:
		v = resolve(r, o->s);
		if (!val_truthy(v))
			break;
		if (enter(r, t, here + 1, o->end, 0, 0, t, o) == -1)
			return -1;
		if (v->type == V_LIST) {
			r->fr[r->nfr - 1].list = v;
			v = v->kids[0];
		}
		ctx_push(r, v);
		break;
	case OP_INVERTED:
		if (!val_truthy(resolve(r, o->s)) &&
		    enter(r, t, here + 1, o->end, 0, 0, t, o) == -1)
			return -1;
		break;
	case OP_PARTIAL:
	case OP_PARENT:
		if ((t2 = target(r, o)) == NULL)
			break;
		if (enter(r, t2, 0, t2->nops, alone, 1, t, o) == -1)
			return -1;
		buf_put(&r->ind, o->ind.p, o->ind.len);
		if (o->kind == OP_PARENT) {
			if (r->nargs == r->cargs) {
				r->cargs = r->cargs ? r->cargs * 2 : 8;
				r->args = xreallocarray(r->args, r->cargs,
				    sizeof(*r->args));
			}
			r->args[r->nargs].t = t;
			r->args[r->nargs++].op = here;
		}
		break;
	case OP_BLOCK:
		t2 = t;
		k = here;
		over = override(r, o->s, &t2, &k);	/* only these can recurse */
		if (enter(r, t2, k + 1, t2->ops[k].end, alone, over, t, o) == -1)
			return -1;
		buf_put(&r->ind, o->ind.p, o->ind.len);
		break;
	}
	return 0;
}

/* Run frames until none is left; -1 after a message. */
static int
run(struct render *r)
{
	struct frame	*f;

	while (r->nfr > 0) {
		f = &r->fr[r->nfr - 1];
		if (f->pc >= f->end) {
			if (f->list != NULL && ++f->item < f->list->n) {
				r->ctx[f->nctx] = f->list->kids[f->item];
				f->pc = f->start;
			} else
				leave(r);
			continue;
		}
		if (++r->steps > MAXSTEPS)
			return fail(f->t, &f->t->ops[f->pc], "template takes "
			    "too long to render (runaway recursion?)");
		if (r->out->len - r->out0 > MAXOUT)
			return fail(f->t, &f->t->ops[f->pc], "template output "
			    "exceeds 64 MB (runaway recursion?)");
		if (step(r, f) == -1)
			return -1;
	}
	return 0;
}

int
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct val *globals, const struct val *ctx, struct buf *out)
{
	struct render	 r;
	const struct tmpl *t;
	int		 rc = -1;

	if ((t = lookup_tmpl(set, name, strlen(name))) == NULL) {
		diag_err(NULL, 0, 0, "no template named \"%s\"", name);
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.set = set;
	r.out = out;
	r.out0 = out->len;
	buf_init(&r.ind);
	if (globals != NULL)
		ctx_push(&r, globals);
	if (ctx != NULL)
		ctx_push(&r, ctx);
	if (t->nops > 0 && enter(&r, t, 0, t->nops, 1, 0, t, NULL) == -1)
		goto out;
	if (run(&r) == -1) {
		buf_truncate(out, r.out0);
		goto out;
	}
	rc = 0;
out:
	free(r.ctx);
	free(r.fr);
	free(r.args);
	buf_free(&r.ind);
	return rc;
}
