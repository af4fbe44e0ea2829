/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader for the results files (reports/live/json.h) that the
 * report commands turn into JUnit, HTML and verdict diffs.
 *
 * Its input may come from anywhere (a CI artifact, a file edited by hand,
 * a fuzzer), so everything is bounded: input size, nesting depth (the only
 * recursion) and the number of values.  Strings come out as valid UTF-8:
 * escapes are decoded and a byte that is not part of a valid UTF-8 sequence
 * becomes U+FFFD, so writers of XML and HTML never see broken text.
 *
 * A document owns all its memory; jr_free() releases it at once.
 */
#ifndef IORFD_JSON_READ_H
#define IORFD_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

#define JR_MAX_DEPTH  64
#define JR_MAX_BYTES  (32u << 20)
#define JR_MAX_VALUES (4u << 20)

enum jr_type {
	JR_NULL,
	JR_BOOL,
	JR_NUMBER,
	JR_STRING,
	JR_ARRAY,
	JR_OBJECT,
};

struct jr_member;

struct jr_value {
	enum jr_type type;
	unsigned int n; /* string: bytes; array/object: members */
	union {
		bool b;
		double num;
		const char *str; /* NUL-terminated (a \u0000 inside ends it early for C) */
		const struct jr_value *items;
		const struct jr_member *members;
	};
};

struct jr_member {
	const char *key;
	struct jr_value val;
};

struct jr_block;

struct jr_doc {
	struct jr_value root;
	struct jr_block *blocks; /* the arena everything above lives in */
	unsigned int nr_values;
};

/*
 * Parses @len bytes at @text.  Returns 0, or -1 with "LINE:COL: message" in
 * @err (lines and columns 1-based, columns in bytes); jr_free() is safe
 * either way.
 */
int jr_parse(const char *text, size_t len, struct jr_doc *doc, char *err, size_t errlen);

/* The same for a file; messages are "PATH:LINE:COL: message" or "PATH: ...". */
int jr_parse_file(const char *path, struct jr_doc *doc, char *err, size_t errlen);

void jr_free(struct jr_doc *doc);

/* The first member @key of object @obj, or NULL (also when @obj is no object). */
const struct jr_value *jr_get(const struct jr_value *obj, const char *key);

/* Member @key if it is a string, else @def. */
const char *jr_get_str(const struct jr_value *obj, const char *key, const char *def);

/* Member @key if it is a number, else @def. */
double jr_get_num(const struct jr_value *obj, const char *key, double def);

/* Member @key if it is an array, else NULL. */
const struct jr_value *jr_get_arr(const struct jr_value *obj, const char *key);

/* Member @key if it is true or false, else @def. */
bool jr_get_bool(const struct jr_value *obj, const char *key, bool def);

/*
 * Length of the valid UTF-8 sequence at @p (1..4), or 0 when the bytes there
 * (at most @avail of them) are not one: overlong, surrogate, cut short.
 */
int jr_utf8_seq(const unsigned char *p, size_t avail);

#endif /* IORFD_JSON_READ_H */
