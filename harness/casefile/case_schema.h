/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The case file schema, in one place: for each kind of map a case file has
 * (the case, a channel, a program step of each op, a host step of each
 * action, ...), the keys it takes.  The loader checks every map against it
 * before it reads a value, 'iorfd-conform lint --schema' prints it, and
 * docs/case-format.md embeds that print-out (tests/check-schema-doc.sh
 * holds them together).  What a value may be, and rules that tie one key's
 * value to another's, stay with the loader.
 *
 * An entry's keys are a space-separated list of tokens:
 *
 *   key       required
 *   key?      optional
 *   a|b|c     exactly one of them
 *   a|b|c?    at most one of them
 */
#ifndef IORFD_CASE_SCHEMA_H
#define IORFD_CASE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "casefile/yaml_tree.h"

/* What a name (a case, a channel, a region, a label) may be made of. */
#define SCHEMA_NAME_CHARS "A-Z a-z 0-9 _ -"

struct schema_entry {
	const char *context; /* "step", "host step", "timeline", ... */
	const char *name;    /* the op, action or key that picks the entry; "" for the only one */
	const char *keys;
	const char *what; /* one line for people */
};

/* The entry for @name in @context (NULL: none), and its index among the context's entries. */
const struct schema_entry *schema_find(const char *context, const char *name, int *index);

/* "read, write, sync ... or load16": the names of @context, for an error message. */
void schema_names(const char *context, char *buf, size_t len);

/*
 * Checks the keys of @map for @context's entry @name; @name NULL checks
 * only that every key is known in @context at all (before the key that
 * picks the entry has been read).  0, or -1 with the node to blame in *@at
 * and the message in @msg ("unknown key 'sise'", "'count' is only for
 * fill_bus", "missing key 'size'", "read needs one of 'region', 'mmio' or
 * 'pio'", ...).
 */
int schema_check(const char *context, const char *name, const struct ynode *map,
		 const struct ynode **at, char *msg, size_t len);

/*
 * The whole schema as Markdown: a table per context, then the vocabulary
 * of values the loader shares with other rooms (errno names, names).
 */
void schema_print_markdown(FILE *f);

#endif /* IORFD_CASE_SCHEMA_H */
