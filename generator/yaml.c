/*
 * yaml.c: libyaml events -> struct val, for site.yaml, front matter and
 * test data.  Takes UTF-8 text, hands on a tree whose nodes remember
 * their line and column.  Strict: duplicate keys, aliases, non-scalar
 * keys and nesting deeper than MAXDEPTH are errors.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "folio.h"

#define MAXDEPTH 64

/* Resolve a plain scalar as YAML 1.2's core schema does. */
static struct val *
scalar(const yaml_event_t *ev)
{
	const char	*s = (const char *)ev->data.scalar.value;
	size_t		 n = ev->data.scalar.length, i = 0;
	int		 digits = 0;
	char		*end;
	double		 d;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    ev->data.scalar.tag != NULL)
		return val_strn(s, n);
	if (n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return val_new(V_NULL);
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)
		return val_bool(1);
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0)
		return val_bool(0);
	/* [-+]? digits [. digits] [e [-+] digits] */
	if (s[i] == '-' || s[i] == '+')
		i++;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return val_strn(s, n);
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (digits && i == n) {
		d = strtod(s, &end);
		if (end == s + n)
			return val_num(d);
	}
	return val_strn(s, n);
}

struct frame {
	struct val	*v;	/* the list or map being filled; owned by root */
	char		*key;	/* map key waiting for its value; owned */
	int		 kline;	/* that key's position */
	int		 kcol;
};

int
yaml_load(const char *path, const char *text, size_t len, int line0,
    struct val **out)
{
	yaml_parser_t	 p;
	yaml_event_t	 ev;
	struct frame	 st[MAXDEPTH];
	struct val	*root = NULL, *v;
	size_t		 bad;
	int		 depth = 0, done = 0, rc = -1, line, col, i;

	*out = NULL;
	if (!utf8_check(text, len, &bad)) {
		text_pos(text, bad, &line, &col);
		diag_err(path, line + line0, col, "invalid UTF-8 at byte offset %zu "
		    "(save the file as UTF-8)", bad);
		return -1;
	}
	memset(st, 0, sizeof(st));
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			diag_err(path, (int)p.problem_mark.line + 1 + line0,
			    (int)p.problem_mark.column + 1,
			    "YAML syntax: %s%s%s", p.problem ? p.problem : "error",
			    p.context ? " " : "", p.context ? p.context : "");
			goto out;
		}
		line = (int)ev.start_mark.line + 1 + line0;
		col = (int)ev.start_mark.column + 1;
		v = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = 1;
			break;
		case YAML_ALIAS_EVENT:
			diag_err(path, line, col,
			    "YAML aliases are not supported (write the value out)");
			yaml_event_delete(&ev);
			goto out;
		case YAML_SCALAR_EVENT:
			v = scalar(&ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			v = val_list();
			break;
		case YAML_MAPPING_START_EVENT:
			v = val_map();
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (v != NULL) {
			v->line = line;
			v->col = col;
			if (depth == 0) {
				if (root != NULL) {
					diag_err(path, line, col,
					    "more than one YAML document");
					val_free(v);
					yaml_event_delete(&ev);
					goto out;
				}
				root = v;
			} else if (st[depth - 1].v->type == V_LIST) {
				val_push(st[depth - 1].v, v);
			} else if (st[depth - 1].key == NULL) {
				if (v->type != V_STR && v->type != V_NUM &&
				    v->type != V_BOOL && v->type != V_NULL) {
					diag_err(path, line, col,
					    "a mapping key must be a plain "
					    "string");
					val_free(v);
					yaml_event_delete(&ev);
					goto out;
				}
				if (val_get(st[depth - 1].v,
				    v->s ? v->s : "") != NULL) {
					diag_err(path, line, col,
					    "duplicate key '%s' (remove one "
					    "of them)", v->s ? v->s : "");
					val_free(v);
					yaml_event_delete(&ev);
					goto out;
				}
				st[depth - 1].key = xstrdup(v->s ? v->s :
				    (v->type == V_BOOL ? (v->b ? "true" :
				    "false") : "null"));
				st[depth - 1].kline = line;
				st[depth - 1].kcol = col;
				val_free(v);
				v = NULL;
			} else {
				v->kline = st[depth - 1].kline;
				v->kcol = st[depth - 1].kcol;
				val_set(st[depth - 1].v, st[depth - 1].key, v);
				free(st[depth - 1].key);
				st[depth - 1].key = NULL;
			}
			if (v != NULL &&
			    (v->type == V_LIST || v->type == V_MAP)) {
				if (depth == MAXDEPTH) {
					diag_err(path, line, col,
					    "YAML nested deeper than %d levels",
					    MAXDEPTH);
					yaml_event_delete(&ev);
					goto out;
				}
				st[depth].v = v;
				st[depth].key = NULL;
				depth++;
			}
		}
		yaml_event_delete(&ev);
	}
	if (root == NULL)
		root = val_new(V_NULL);
	*out = root;
	root = NULL;
	rc = 0;
out:
	for (i = 0; i < MAXDEPTH; i++)
		free(st[i].key);
	val_free(root);
	yaml_parser_delete(&p);
	return rc;
}
