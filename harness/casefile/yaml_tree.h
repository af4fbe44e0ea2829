/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A YAML document as a plain tree of scalars, sequences and mappings,
 * built from libyaml's event stream.
 *
 * It exists so the case loader can look keys up in any order and point at
 * any node, while the checks that do not depend on the schema happen once,
 * here: duplicate keys, non-scalar keys, nesting depth, node count.  Anchors,
 * aliases, tags and second documents are rejected rather than supported:
 * case files do not need them, and each is a way for a hostile input to
 * make the tree larger or stranger than the text.
 */
#ifndef IORFD_YAML_TREE_H
#define IORFD_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#define YTREE_MAX_DEPTH	   64
#define YTREE_MAX_NODES	   (1 << 17)
#define YTREE_MAX_MAP_KEYS 256

enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_type type;
	int line;   /* 1-based */
	int col;    /* 1-based */
	bool plain; /* scalar: written without quotes (so "~" can mean null) */
	char *str;  /* scalar: NUL-terminated; never contains a NUL itself */
	/* Sequence: the items.  Mapping: key, value, key, value, ... */
	struct ynode **kids;
	int nr_kids;
	int cap_kids;
};

struct ydoc {
	struct ynode *root;   /* NULL when the input holds no document */
	struct ynode **nodes; /* every node, in creation order, for freeing */
	int nr_nodes;
	int cap_nodes;
};

struct yerror {
	int line; /* 1-based */
	int col;  /* 1-based */
	char msg[256];
};

/*
 * Parses @len bytes at @buf into @doc.  Returns 0, or -1 with @err filled
 * (and @doc empty).  Either way ytree_free(@doc) is safe afterwards.
 */
int ytree_parse(const char *buf, size_t len, struct ydoc *doc, struct yerror *err);
void ytree_free(struct ydoc *doc);

/* Number of key/value pairs in a mapping. */
static inline int ymap_len(const struct ynode *map)
{
	return map->nr_kids / 2;
}

static inline const struct ynode *ymap_key(const struct ynode *map, int i)
{
	return map->kids[2 * i];
}

static inline const struct ynode *ymap_val(const struct ynode *map, int i)
{
	return map->kids[2 * i + 1];
}

/* The value under @key, or NULL; @keyp (if given) gets the key node. */
const struct ynode *ymap_find(const struct ynode *map, const char *key, const struct ynode **keyp);

/* A plain empty scalar, "~" or "null": what YAML means by no value. */
bool ynode_is_null(const struct ynode *n);

/* The first key of @map not in @allowed (NULL-terminated), or NULL: for "unknown key" errors. */
const struct ynode *ymap_unknown_key(const struct ynode *map, const char *const *allowed);

/* "a scalar", "a sequence", "a mapping" or "an empty value", for messages. */
const char *ynode_kind(const struct ynode *n);

#endif /* IORFD_YAML_TREE_H */
