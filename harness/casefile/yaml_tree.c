// SPDX-License-Identifier: GPL-2.0
/*
 * Builds a struct ydoc from libyaml events.
 *
 * The builder never recurses: open collections live on a fixed stack of
 * YTREE_MAX_DEPTH entries, and every node is also kept in one flat array so
 * that freeing is a loop.  Input is expected to be hostile (the loader is
 * fuzzed), so each way of growing the tree has a cap and a message.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "casefile/yaml_tree.h"
#include "lib/printable.h"

struct builder {
	struct ydoc *doc;
	struct yerror *err;
	struct ynode *stack[YTREE_MAX_DEPTH];
	int depth;
	int nr_docs;
};

__attribute__((format(printf, 4, 5))) static int set_err(struct yerror *err, int line, int col,
							 const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	printable_inplace(err->msg, sizeof(err->msg));
	return -1;
}

/* libyaml counts from 0; editors, and our messages, count from 1. */
#define MARK_LINE(m) ((int)(m).line + 1)
#define MARK_COL(m)  ((int)(m).column + 1)

/* @arr grown to hold @need elements; NULL (with @arr untouched) when out of memory. */
static void *grow(void *arr, int *cap, int need, size_t elem)
{
	int ncap = *cap ? *cap * 2 : 8;
	void *p;

	if (need <= *cap)
		return arr;
	while (ncap < need)
		ncap *= 2;
	p = realloc(arr, (size_t)ncap * elem);
	if (p)
		*cap = ncap;
	return p;
}

static struct ynode *new_node(struct builder *b, enum ynode_type type, yaml_mark_t mark)
{
	struct ydoc *doc = b->doc;
	struct ynode **nodes, *n;

	if (doc->nr_nodes >= YTREE_MAX_NODES) {
		set_err(b->err, MARK_LINE(mark), MARK_COL(mark), "too many nodes (max %d)",
			YTREE_MAX_NODES);
		return NULL;
	}
	nodes = grow(doc->nodes, &doc->cap_nodes, doc->nr_nodes + 1, sizeof(*nodes));
	if (!nodes)
		goto oom;
	doc->nodes = nodes;
	n = calloc(1, sizeof(*n));
	if (!n)
		goto oom;
	n->type = type;
	n->line = MARK_LINE(mark);
	n->col = MARK_COL(mark);
	doc->nodes[doc->nr_nodes++] = n;
	return n;
oom:
	set_err(b->err, MARK_LINE(mark), MARK_COL(mark), "out of memory");
	return NULL;
}

/* A new key in @map: it must be a scalar, and not one the mapping already has. */
static int check_key(struct builder *b, const struct ynode *map, const struct ynode *key)
{
	int i;

	if (key->type != YNODE_SCALAR)
		return set_err(b->err, key->line, key->col,
			       "mapping keys must be scalars, found %s", ynode_kind(key));
	if (ymap_len(map) >= YTREE_MAX_MAP_KEYS)
		return set_err(b->err, key->line, key->col, "too many keys in one mapping (max %d)",
			       YTREE_MAX_MAP_KEYS);
	for (i = 0; i < ymap_len(map); i++) {
		const struct ynode *old = ymap_key(map, i);

		if (!strcmp(old->str, key->str))
			return set_err(b->err, key->line, key->col,
				       "duplicate key '%.64s' (first at line %d)", key->str,
				       old->line);
	}
	return 0;
}

/* Hangs a finished (scalar) or just opened (collection) node on its parent. */
static int attach(struct builder *b, struct ynode *n)
{
	struct ynode *parent, **kids;

	if (!b->depth) {
		b->doc->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == YNODE_MAP && !(parent->nr_kids % 2) && check_key(b, parent, n))
		return -1;
	kids = grow(parent->kids, &parent->cap_kids, parent->nr_kids + 1, sizeof(*kids));
	if (!kids)
		return set_err(b->err, n->line, n->col, "out of memory");
	parent->kids = kids;
	parent->kids[parent->nr_kids++] = n;
	return 0;
}

/* Anchors and tags would each need support nothing in a case file uses. */
static int check_props(struct builder *b, const yaml_char_t *anchor, const yaml_char_t *tag,
		       yaml_mark_t mark)
{
	if (anchor)
		return set_err(b->err, MARK_LINE(mark), MARK_COL(mark),
			       "anchors and aliases are not supported");
	if (tag)
		return set_err(b->err, MARK_LINE(mark), MARK_COL(mark), "tags are not supported");
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *val = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ynode *n;

	if (check_props(b, ev->data.scalar.anchor, ev->data.scalar.tag, ev->start_mark))
		return -1;
	/* "\0" in a quoted scalar would silently cut every later string use short. */
	if (memchr(val, '\0', len))
		return set_err(b->err, MARK_LINE(ev->start_mark), MARK_COL(ev->start_mark),
			       "scalar contains a NUL character");
	n = new_node(b, YNODE_SCALAR, ev->start_mark);
	if (!n)
		return -1;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->str = malloc(len + 1);
	if (!n->str)
		return set_err(b->err, n->line, n->col, "out of memory");
	memcpy(n->str, val, len);
	n->str[len] = '\0';
	return attach(b, n);
}

static int on_start(struct builder *b, const yaml_event_t *ev, enum ynode_type type)
{
	const yaml_char_t *anchor, *tag;
	struct ynode *n;

	if (type == YNODE_MAP) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	} else {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	}
	if (check_props(b, anchor, tag, ev->start_mark))
		return -1;
	if (b->depth >= YTREE_MAX_DEPTH)
		return set_err(b->err, MARK_LINE(ev->start_mark), MARK_COL(ev->start_mark),
			       "nested too deeply (max %d levels)", YTREE_MAX_DEPTH);
	n = new_node(b, type, ev->start_mark);
	if (!n || attach(b, n))
		return -1;
	b->stack[b->depth++] = n;
	return 0;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->nr_docs++)
			return set_err(b->err, MARK_LINE(ev->start_mark), MARK_COL(ev->start_mark),
				       "only one document per file");
		return 0;
	case YAML_ALIAS_EVENT:
		return set_err(b->err, MARK_LINE(ev->start_mark), MARK_COL(ev->start_mark),
			       "anchors and aliases are not supported");
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, YNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, YNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		/* libyaml only emits an end for a start it emitted. */
		if (b->depth)
			b->depth--;
		return 0;
	default:
		return 0;
	}
}

/*
 * A reader error (bad UTF-8, control character) carries a byte offset, not
 * a mark; count the lines up to it ourselves.
 */
static void offset_to_pos(const char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t i, bol = 0;
	int l = 1;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			bol = i + 1;
		}
	}
	*line = l;
	*col = (int)(off - bol) + 1;
}

static int parser_err(const yaml_parser_t *p, const char *buf, size_t len, struct yerror *err)
{
	const char *problem = p->problem ? p->problem : "unknown error";
	int line, col;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return set_err(err, MARK_LINE(p->mark), MARK_COL(p->mark), "out of memory");
	case YAML_READER_ERROR:
		offset_to_pos(buf, len, p->problem_offset, &line, &col);
		return set_err(err, line, col, "%s", problem);
	default:
		line = MARK_LINE(p->problem_mark);
		col = MARK_COL(p->problem_mark);
		if (p->context)
			return set_err(err, line, col, "%s (%s at line %d)", problem, p->context,
				       MARK_LINE(p->context_mark));
		return set_err(err, line, col, "%s", problem);
	}
}

/*
 * libyaml reads UTF-16 only after a byte-order mark; without one, the NUL
 * halves of ASCII characters come out as "control characters are not
 * allowed" at a column that means nothing.  A NUL among the first bytes of
 * a text file says UTF-16 (or binary): refuse it for what it is.
 */
static bool utf16_without_bom(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;

	if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff)))
		return false;
	return memchr(buf, '\0', len < 64 ? len : 64) != NULL;
}

int ytree_parse(const char *buf, size_t len, struct ydoc *doc, struct yerror *err)
{
	struct builder b = {.doc = doc, .err = err};
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int ret = -1;

	memset(doc, 0, sizeof(*doc));
	memset(err, 0, sizeof(*err));
	if (utf16_without_bom(buf, len))
		return set_err(
			err, 1, 1,
			"UTF-16 text without a byte-order mark (NUL bytes): lines and columns "
			"cannot be told (save the file as UTF-8: iconv -f UTF-16 -t UTF-8)");
	if (!yaml_parser_initialize(&parser))
		return set_err(err, 1, 1, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		int r;

		if (!yaml_parser_parse(&parser, &ev)) {
			parser_err(&parser, buf, len, err);
			goto out;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		r = on_event(&b, &ev);
		yaml_event_delete(&ev);
		if (r)
			goto out;
	}
	ret = 0;
out:
	yaml_parser_delete(&parser);
	if (ret)
		ytree_free(doc);
	return ret;
}

void ytree_free(struct ydoc *doc)
{
	int i;

	for (i = 0; i < doc->nr_nodes; i++) {
		free(doc->nodes[i]->str);
		free(doc->nodes[i]->kids);
		free(doc->nodes[i]);
	}
	free(doc->nodes);
	memset(doc, 0, sizeof(*doc));
}

const struct ynode *ymap_find(const struct ynode *map, const char *key, const struct ynode **keyp)
{
	int i;

	for (i = 0; i < ymap_len(map); i++) {
		if (!strcmp(ymap_key(map, i)->str, key)) {
			if (keyp)
				*keyp = ymap_key(map, i);
			return ymap_val(map, i);
		}
	}
	return NULL;
}

bool ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	size_t i;

	if (n->type != YNODE_SCALAR || !n->plain)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		if (!strcmp(n->str, nulls[i]))
			return true;
	}
	return false;
}

const char *ynode_kind(const struct ynode *n)
{
	switch (n->type) {
	case YNODE_SEQ:
		return "a sequence";
	case YNODE_MAP:
		return "a mapping";
	default:
		return ynode_is_null(n) ? "an empty value" : "a scalar";
	}
}

const struct ynode *ymap_unknown_key(const struct ynode *map, const char *const *allowed)
{
	const char *const *a;
	int i;

	for (i = 0; i < ymap_len(map); i++) {
		const struct ynode *key = ymap_key(map, i);

		for (a = allowed; *a && strcmp(*a, key->str); a++)
			;
		if (!*a)
			return key;
	}
	return NULL;
}
