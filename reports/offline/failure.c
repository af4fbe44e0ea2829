// SPDX-License-Identifier: GPL-2.0
/*
 * Where a failure of a results file points, from its fields: the command or
 * exit it names by seq, and which key=value tokens its two sides differ in.
 */
#include <string.h>

#include "reports/offline/failure.h"

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

bool failure_token_differs(const char *tok, size_t toklen, const char *other, size_t otherlen,
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

static bool about_command(enum rfail_kind k)
{
	return k == RF_CMD_DIFFERS || k == RF_CMD_UNEXPECTED || k == RF_CMD_VIOLATION;
}

static bool about_exit(enum rfail_kind k)
{
	return k == RF_EXIT_DIFFERS || k == RF_EXIT_UNEXPECTED;
}

/*
 * A load the guest checked is a step of one vCPU; the read that served it
 * is the one the results give that vCPU and step, where they could tell.
 */
static bool about_load(const struct rfailure *f)
{
	return f->kind == RF_GUEST_VALUE && f->vcpu >= 0 && f->step >= 0;
}

int failure_tx(const struct rrecord *r, const struct rfailure *f)
{
	int i;

	if (about_load(f)) {
		for (i = 0; i < r->nr_tx; i++)
			if (r->tx[i].cmd == 0 && r->tx[i].vcpu == f->vcpu &&
			    r->tx[i].step == f->step)
				return i;
		return -1;
	}
	if (!about_command(f->kind) || f->seq < 0)
		return -1;
	for (i = 0; i < r->nr_tx; i++)
		if (r->tx[i].seq == f->seq)
			return i;
	return -1;
}

int failure_exit(const struct rrecord *r, const struct rfailure *f)
{
	int i;

	if (about_load(f)) {
		for (i = 0; i < r->nr_exits; i++)
			if (!strcmp(r->exits[i].op, "read") && r->exits[i].vcpu == f->vcpu &&
			    r->exits[i].step == f->step)
				return i;
		return -1;
	}
	if (!about_exit(f->kind) || f->seq < 0)
		return -1;
	for (i = 0; i < r->nr_exits; i++)
		if (r->exits[i].seq == f->seq)
			return i;
	return -1;
}

bool failure_is_load(const struct rfailure *f)
{
	return about_load(f);
}
