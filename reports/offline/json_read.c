// SPDX-License-Identifier: GPL-2.0
/*
 * Recursive descent over RFC 8259 JSON.  Recursion happens only for arrays
 * and objects and stops at JR_MAX_DEPTH, so a hostile file cannot exhaust
 * the stack.  Members of the array or object being parsed collect on one
 * scratch stack shared by all levels (inner levels pop theirs before the
 * outer level adds its next), and are copied to the arena once complete:
 * no per-value malloc, and freeing a document is freeing its blocks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/file_read.h"
#include "reports/offline/json_read.h"

#define BLOCK_MIN (64u << 10)
#define NUM_MAX	  400 /* longest number text accepted; a double needs far less */

struct jr_block {
	struct jr_block *next;
	size_t used, size;
	max_align_t data[];
};

struct parser {
	const char *start, *end, *p;
	struct jr_doc *doc;
	struct jr_value *vals; /* scratch: elements of open arrays */
	size_t nr_vals, cap_vals;
	struct jr_member *mems; /* scratch: members of open objects */
	size_t nr_mems, cap_mems;
	char *sbuf; /* scratch: the string being decoded */
	size_t sbuf_len, sbuf_cap;
	char *err;
	size_t errlen;
	bool failed;
};

/* Reports only the first problem: later ones are consequences of it. */
static __attribute__((format(printf, 3, 4))) int fail(struct parser *ps, const char *at,
						      const char *fmt, ...)
{
	int line = 1, col = 1;
	const char *q;
	size_t used;
	va_list ap;

	if (ps->failed)
		return -1;
	ps->failed = true;
	for (q = ps->start; q < at && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if ((*q & 0xc0) != 0x80) {
			col++; /* a column is a character: UTF-8 continuation bytes add none */
		}
	}
	if (!ps->errlen)
		return -1;
	snprintf(ps->err, ps->errlen, "%d:%d: ", line, col);
	used = strlen(ps->err);
	va_start(ap, fmt);
	vsnprintf(ps->err + used, ps->errlen - used, fmt, ap);
	va_end(ap);
	return -1;
}

static void *arena(struct parser *ps, size_t size)
{
	struct jr_block *b = ps->doc->blocks;
	size_t need = (size + 15) & ~(size_t)15;
	void *mem;

	if (!b || b->size - b->used < need) {
		size_t bytes = need > BLOCK_MIN ? need : BLOCK_MIN;

		b = malloc(sizeof(*b) + bytes);
		if (!b)
			return NULL;
		b->size = bytes;
		b->used = 0;
		b->next = ps->doc->blocks;
		ps->doc->blocks = b;
	}
	mem = (char *)b->data + b->used;
	b->used += need;
	return mem;
}

/* Grows a scratch stack to hold one more element of @size bytes. */
static int reserve(void **stack, size_t *cap, size_t nr, size_t size)
{
	size_t ncap;
	void *n;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	n = realloc(*stack, ncap * size);
	if (!n)
		return -1;
	*stack = n;
	*cap = ncap;
	return 0;
}

int jr_utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned int c = p[0], cp, min;
	int n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < (size_t)n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int sbuf_put(struct parser *ps, const char *bytes, size_t n)
{
	if (ps->sbuf_len + n + 1 > ps->sbuf_cap) {
		size_t ncap = ps->sbuf_cap ? ps->sbuf_cap : 256;
		char *nb;

		while (ncap < ps->sbuf_len + n + 1)
			ncap *= 2;
		nb = realloc(ps->sbuf, ncap);
		if (!nb)
			return fail(ps, ps->p, "out of memory decoding a string");
		ps->sbuf = nb;
		ps->sbuf_cap = ncap;
	}
	memcpy(ps->sbuf + ps->sbuf_len, bytes, n);
	ps->sbuf_len += n;
	return 0;
}

static int put_codepoint(struct parser *ps, unsigned int cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		return sbuf_put(ps, u, 1);
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return sbuf_put(ps, u, 2);
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return sbuf_put(ps, u, 3);
	}
	u[0] = (char)(0xf0 | cp >> 18);
	u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return sbuf_put(ps, u, 4);
}

/* Four hex digits after "\u" at @q; -1 if they are not there. */
static long hex4(const struct parser *ps, const char *q)
{
	long v = 0;
	int i;

	if (ps->end - q < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = q[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * A control character other than newline and tab (C0, DEL, C1), as the
 * JSON escape that named it rather than the character itself: the strings
 * read here end up on a terminal (report --diff), where an escape sequence
 * from a hostile results file would set the window title or clear the
 * screen.  HTML and JUnit escape on their own; this keeps the text honest.
 */
static bool terminal_control(unsigned int cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f);
}

static int put_visible(struct parser *ps, unsigned int cp)
{
	char text[8];

	if (!terminal_control(cp))
		return put_codepoint(ps, cp);
	snprintf(text, sizeof(text), "\\u%04x", cp);
	return sbuf_put(ps, text, 6);
}

/* After the backslash of "\uXXXX": a code point, pairing surrogates. */
static int unicode_escape(struct parser *ps)
{
	long hi = hex4(ps, ps->p + 1), lo;

	if (hi < 0)
		return fail(ps, ps->p - 1, "\\u needs four hex digits");
	ps->p += 5;
	if (hi >= 0xd800 && hi <= 0xdbff && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
	    ps->p[1] == 'u') {
		lo = hex4(ps, ps->p + 2);
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			ps->p += 6;
			return put_codepoint(ps, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
		}
	}
	/* A lone surrogate has no UTF-8 form. */
	if (hi >= 0xd800 && hi <= 0xdfff)
		hi = 0xfffd;
	return put_visible(ps, (unsigned int)hi);
}

static int escape(struct parser *ps)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;

	ps->p++; /* the backslash */
	if (ps->p >= ps->end)
		return fail(ps, ps->p - 1, "string ends inside an escape");
	if (*ps->p == 'u')
		return unicode_escape(ps);
	k = *ps->p ? strchr(from, *ps->p) : NULL;
	if (!k)
		return fail(ps, ps->p - 1, "unknown escape '\\%c'",
			    *ps->p > 0x20 && *ps->p < 0x7f ? *ps->p : '?');
	ps->p++;
	return put_visible(ps, (unsigned char)to[k - from]);
}

static int parse_string(struct parser *ps, const char **out, unsigned int *len)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const char *open = ps->p;
	char *s;

	ps->p++;
	ps->sbuf_len = 0;
	for (;;) {
		const char *run = ps->p;
		unsigned char c;
		int n;

		/* Copy plain ASCII in one go: most of a results file is that. */
		while (ps->p < ps->end && (unsigned char)*ps->p >= 0x20 &&
		       (unsigned char)*ps->p < 0x7f && *ps->p != '"' && *ps->p != '\\')
			ps->p++;
		if (ps->p > run && sbuf_put(ps, run, ps->p - run))
			return -1;
		if (ps->p >= ps->end)
			return fail(ps, open, "unterminated string");
		c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c == '\\') {
			if (escape(ps))
				return -1;
			continue;
		}
		if (c < 0x20)
			return fail(ps, ps->p,
				    "control character 0x%02x in a string (must be escaped)", c);
		n = jr_utf8_seq((const unsigned char *)ps->p, ps->end - ps->p);
		if (c == 0x7f || (n == 2 && c == 0xc2 && (unsigned char)ps->p[1] <= 0x9f)) {
			/* DEL and the C1 controls, written raw */
			if (put_visible(ps, n == 2 ? (unsigned char)ps->p[1] : c))
				return -1;
			ps->p += n ? n : 1;
		} else if (n) {
			if (sbuf_put(ps, ps->p, n))
				return -1;
			ps->p += n;
		} else {
			if (sbuf_put(ps, replacement, 3))
				return -1;
			ps->p++;
		}
	}
	ps->p++; /* the closing quote */
	s = arena(ps, ps->sbuf_len + 1);
	if (!s)
		return fail(ps, open, "out of memory");
	if (ps->sbuf_len) /* "" leaves the scratch buffer unallocated */
		memcpy(s, ps->sbuf, ps->sbuf_len);
	s[ps->sbuf_len] = '\0';
	*out = s;
	*len = (unsigned int)ps->sbuf_len;
	return 0;
}

static bool is_digit(const struct parser *ps)
{
	return ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9';
}

static int parse_number(struct parser *ps, struct jr_value *v)
{
	const char *s = ps->p;
	char buf[NUM_MAX + 1];

	if (*ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0') {
		ps->p++;
	} else if (is_digit(ps)) {
		while (is_digit(ps))
			ps->p++;
	} else {
		return fail(ps, s, "'-' must be followed by a digit");
	}
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (!is_digit(ps))
			return fail(ps, ps->p, "a digit must follow the decimal point");
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (!is_digit(ps))
			return fail(ps, ps->p, "a digit must follow the exponent mark");
		while (is_digit(ps))
			ps->p++;
	}
	if (ps->p - s > NUM_MAX)
		return fail(ps, s, "number longer than %d characters", NUM_MAX);
	memcpy(buf, s, ps->p - s);
	buf[ps->p - s] = '\0';
	v->type = JR_NUMBER;
	v->num = strtod(buf, NULL); /* the grammar was checked above; inf on overflow */
	return 0;
}

static int literal(struct parser *ps, struct jr_value *v)
{
	static const struct {
		const char *word;
		enum jr_type type;
		bool b;
	} lit[] = {{"true", JR_BOOL, true}, {"false", JR_BOOL, false}, {"null", JR_NULL, false}};
	size_t i, n;

	for (i = 0; i < sizeof(lit) / sizeof(lit[0]); i++) {
		n = strlen(lit[i].word);
		if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, lit[i].word, n)) {
			ps->p += n;
			v->type = lit[i].type;
			v->b = lit[i].b;
			return 0;
		}
	}
	if (*ps->p > 0x20 && *ps->p < 0x7f)
		return fail(ps, ps->p, "unexpected '%c', expected a value", *ps->p);
	return fail(ps, ps->p, "unexpected byte 0x%02x, expected a value", (unsigned char)*ps->p);
}

static int parse_value(struct parser *ps, struct jr_value *v, int depth);

static int parse_array(struct parser *ps, struct jr_value *v, int depth)
{
	size_t base = ps->nr_vals, n;
	const char *open = ps->p;
	struct jr_value *items;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		goto done;
	}
	for (;;) {
		struct jr_value item;

		if (parse_value(ps, &item, depth + 1))
			return -1;
		if (reserve((void **)&ps->vals, &ps->cap_vals, ps->nr_vals, sizeof(item)))
			return fail(ps, ps->p, "out of memory");
		ps->vals[ps->nr_vals++] = item;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, open, "array not closed");
		if (*ps->p == ']') {
			ps->p++;
			break;
		}
		if (*ps->p != ',')
			return fail(ps, ps->p,
				    "expected ',' or ']' in the array opened at offset %zu",
				    (size_t)(open - ps->start));
		ps->p++;
	}
done:
	n = ps->nr_vals - base;
	items = n ? arena(ps, n * sizeof(*items)) : NULL;
	if (n && !items)
		return fail(ps, open, "out of memory");
	if (n)
		memcpy(items, ps->vals + base, n * sizeof(*items));
	ps->nr_vals = base;
	v->type = JR_ARRAY;
	v->n = (unsigned int)n;
	v->items = items;
	return 0;
}

static int parse_object(struct parser *ps, struct jr_value *v, int depth)
{
	size_t base = ps->nr_mems, n;
	const char *open = ps->p;
	struct jr_member *mems;

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		goto done;
	}
	for (;;) {
		struct jr_member m;
		unsigned int klen;

		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			return fail(ps, ps->p, "expected a member name in quotes");
		if (parse_string(ps, &m.key, &klen))
			return -1;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':')
			return fail(ps, ps->p, "expected ':' after the member name \"%.40s\"",
				    m.key);
		ps->p++;
		if (parse_value(ps, &m.val, depth + 1))
			return -1;
		if (reserve((void **)&ps->mems, &ps->cap_mems, ps->nr_mems, sizeof(m)))
			return fail(ps, ps->p, "out of memory");
		ps->mems[ps->nr_mems++] = m;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return fail(ps, open, "object not closed");
		if (*ps->p == '}') {
			ps->p++;
			break;
		}
		if (*ps->p != ',')
			return fail(ps, ps->p,
				    "expected ',' or '}' in the object opened at offset %zu",
				    (size_t)(open - ps->start));
		ps->p++;
	}
done:
	n = ps->nr_mems - base;
	mems = n ? arena(ps, n * sizeof(*mems)) : NULL;
	if (n && !mems)
		return fail(ps, open, "out of memory");
	if (n)
		memcpy(mems, ps->mems + base, n * sizeof(*mems));
	ps->nr_mems = base;
	v->type = JR_OBJECT;
	v->n = (unsigned int)n;
	v->members = mems;
	return 0;
}

static int parse_value(struct parser *ps, struct jr_value *v, int depth)
{
	memset(v, 0, sizeof(*v));
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, ps->p, "input ends where a value was expected");
	if (++ps->doc->nr_values > JR_MAX_VALUES)
		return fail(ps, ps->p, "more than %u values", JR_MAX_VALUES);
	switch (*ps->p) {
	case '[':
	case '{':
		if (depth >= JR_MAX_DEPTH)
			return fail(ps, ps->p, "nested deeper than %d levels", JR_MAX_DEPTH);
		return *ps->p == '[' ? parse_array(ps, v, depth) : parse_object(ps, v, depth);
	case '"':
		v->type = JR_STRING;
		return parse_string(ps, &v->str, &v->n);
	case '-':
	case '0' ... '9':
		return parse_number(ps, v);
	default:
		return literal(ps, v);
	}
}

int jr_parse(const char *text, size_t len, struct jr_doc *doc, char *err, size_t errlen)
{
	struct parser ps = {.start = text, .end = text + len, .p = text, .doc = doc};
	int ret;

	memset(doc, 0, sizeof(*doc));
	ps.err = err;
	ps.errlen = errlen;
	if (errlen)
		err[0] = '\0';
	if (len > JR_MAX_BYTES) {
		snprintf(err, errlen, "1:1: input of %zu bytes, more than the limit of %u", len,
			 JR_MAX_BYTES);
		return -1;
	}
	/* A byte order mark is not JSON, but editors add one; it says nothing. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ps.p += 3;
	ret = parse_value(&ps, &doc->root, 0);
	if (!ret) {
		skip_ws(&ps);
		if (ps.p < ps.end)
			ret = fail(&ps, ps.p, "more text after the JSON value");
	}
	free(ps.vals);
	free(ps.mems);
	free(ps.sbuf);
	if (ret) {
		jr_free(doc);
		return -1;
	}
	return 0;
}

int jr_parse_file(const char *path, struct jr_doc *doc, char *err, size_t errlen)
{
	char msg[256];
	size_t len;
	char *text;

	memset(doc, 0, sizeof(*doc));
	text = read_text_file(path, JR_MAX_BYTES, &len, err, errlen);
	if (!text)
		return -1;
	if (jr_parse(text, len, doc, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s:%s", path, msg);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

void jr_free(struct jr_doc *doc)
{
	struct jr_block *b = doc->blocks, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	memset(doc, 0, sizeof(*doc));
}

const struct jr_value *jr_get(const struct jr_value *obj, const char *key)
{
	unsigned int i;

	if (!obj || obj->type != JR_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->members[i].key, key))
			return &obj->members[i].val;
	return NULL;
}

const char *jr_get_str(const struct jr_value *obj, const char *key, const char *def)
{
	const struct jr_value *v = jr_get(obj, key);

	return v && v->type == JR_STRING ? v->str : def;
}

double jr_get_num(const struct jr_value *obj, const char *key, double def)
{
	const struct jr_value *v = jr_get(obj, key);

	return v && v->type == JR_NUMBER ? v->num : def;
}

const struct jr_value *jr_get_arr(const struct jr_value *obj, const char *key)
{
	const struct jr_value *v = jr_get(obj, key);

	return v && v->type == JR_ARRAY ? v : NULL;
}

bool jr_get_bool(const struct jr_value *obj, const char *key, bool def)
{
	const struct jr_value *v = jr_get(obj, key);

	return v && v->type == JR_BOOL ? v->b : def;
}
