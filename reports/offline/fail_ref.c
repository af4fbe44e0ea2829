// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "reports/offline/fail_ref.h"

/* Reads a decimal number at *p, advancing; -1 if there is none or it is absurd. */
static int number(const char **p)
{
	int v = 0, digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 9) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits ? v : -1;
}

static bool skip(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n))
		return false;
	*p += n;
	return true;
}

/* The text after @label on the message's line that starts with it. */
static const char *line_after(const char *msg, const char *label, int *len)
{
	const char *p = strstr(msg, label);

	if (!p)
		return NULL;
	p += strlen(label);
	*len = (int)strcspn(p, "\n");
	return p;
}

static void copy_word(char *dst, size_t size, const char *src, const char *stop)
{
	size_t n = strcspn(src, stop);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "channel NAME..." at the start of the message or after a "FILE:L:C: " prefix. */
static const char *channel_part(const char *msg)
{
	const char *p = msg;

	if (!strncmp(p, "channel ", 8))
		return p + 8;
	p = strstr(p, ": channel ");
	return p ? p + 10 : NULL;
}

static void parse_channel(const char *p, struct fref *fr)
{
	const char *raw;
	int n, m;

	copy_word(fr->channel, sizeof(fr->channel), p, ",: \n");
	p += strcspn(p, ",: \n");
	if (skip(&p, ", command #")) {
		n = number(&p);
		if (n > 0 && skip(&p, " differs")) {
			fr->kind = FREF_CMD_DIFFERS;
			fr->index = n;
		}
		return;
	}
	if (!skip(&p, ": "))
		return;
	if (skip(&p, "expected ")) {
		n = number(&p);
		if (n < 0 || !skip(&p, " commands, observed "))
			return;
		m = number(&p);
		if (m < 0)
			return;
		if (skip(&p, "; first missing")) {
			fr->kind = FREF_CMD_MISSING;
			fr->index = m + 1;
		} else if (skip(&p, "; first unexpected")) {
			fr->kind = FREF_CMD_UNEXPECTED;
			fr->index = n + 1;
		}
		return;
	}
	raw = strstr(p, "\n  raw: ");
	if (raw) {
		copy_word(fr->raw, sizeof(fr->raw), raw + 8, "\n");
		fr->kind = FREF_CMD_VIOLATION;
		return;
	}
	raw = strstr(p, "(raw ");
	if (skip(&p, "a command of ") && raw) {
		copy_word(fr->raw, sizeof(fr->raw), raw + 5, ")\n");
		fr->kind = FREF_CMD_VIOLATION;
	}
}

static void parse_exit(const char *msg, struct fref *fr)
{
	const char *p = strstr(msg, "ordinary exit #");
	int n, m;

	if (p) {
		p += 15;
		n = number(&p);
		if (n > 0 && skip(&p, " differs")) {
			fr->kind = FREF_EXIT_DIFFERS;
			fr->index = n;
		}
		return;
	}
	p = strstr(msg, "expected ");
	if (!p)
		return;
	p += 9;
	n = number(&p);
	if (n < 0 || !skip(&p, " ordinary exits, observed "))
		return;
	m = number(&p);
	if (m < 0)
		return;
	if (skip(&p, "; first missing")) {
		fr->kind = FREF_EXIT_MISSING;
		fr->index = m + 1;
	} else if (skip(&p, "; first unexpected")) {
		fr->kind = FREF_EXIT_UNEXPECTED;
		fr->index = n + 1;
	}
}

void fref_parse(const char *msg, struct fref *fr)
{
	const char *ch;

	memset(fr, 0, sizeof(*fr));
	fr->expected = line_after(msg, "\n  expected: ", &fr->expected_len);
	fr->observed = line_after(msg, "\n  observed: ", &fr->observed_len);
	ch = channel_part(msg);
	if (ch)
		parse_channel(ch, fr);
	else
		parse_exit(msg, fr);
}

/* The value of @key= among the space-separated tokens of @line, or NULL. */
static const char *value_of(const char *key, size_t klen, const char *line, size_t len,
			    size_t *vlen)
{
	const char *p = line, *end = line + len;

	while (p < end) {
		const char *tok = p, *sp = memchr(p, ' ', end - p);
		size_t tlen = sp ? (size_t)(sp - p) : (size_t)(end - p);

		p = tok + tlen + 1;
		if (tlen > klen && tok[klen] == '=' && !memcmp(tok, key, klen)) {
			*vlen = tlen - klen - 1;
			return tok + klen + 1;
		}
	}
	return NULL;
}

bool fref_token_differs(const char *tok, size_t toklen, const char *other, size_t otherlen,
			bool absent_differs)
{
	const char *eq = memchr(tok, '=', toklen), *v;
	size_t klen, vlen;

	if (!eq || eq == tok)
		return false;
	klen = eq - tok;
	v = value_of(tok, klen, other, otherlen, &vlen);
	if (!v)
		return absent_differs;
	return vlen != toklen - klen - 1 || memcmp(v, eq + 1, vlen);
}

int fref_find_tx(const struct rrecord *r, const struct fref *fr)
{
	int i, n, found = -1, *order;

	if (fr->kind == FREF_CMD_VIOLATION) {
		for (i = 0; i < r->nr_tx; i++)
			if (!strcmp(r->tx[i].channel, fr->channel) &&
			    !strcmp(r->tx[i].raw, fr->raw))
				return i;
		return -1;
	}
	if ((fr->kind != FREF_CMD_DIFFERS && fr->kind != FREF_CMD_UNEXPECTED) || fr->index < 1)
		return -1;
	/* The harness numbers a channel's commands in the order of their seq. */
	order = rrecord_tx_order(r, fr->channel, &n);
	if (!order)
		return -1;
	if (fr->index <= n)
		found = order[fr->index - 1];
	free(order);
	return found;
}

int fref_find_exit(const struct rrecord *r, const struct fref *fr)
{
	/* The harness numbers exits in the order it recorded them, as the JSON lists them. */
	if ((fr->kind != FREF_EXIT_DIFFERS && fr->kind != FREF_EXIT_UNEXPECTED) || fr->index < 1 ||
	    fr->index > r->nr_exits)
		return -1;
	return fr->index - 1;
}
