// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/offline/json_read_results.h"

/* Arrays of a run, freed together. */
struct rmem {
	struct rmem *next;
	max_align_t data[];
};

static void *rmem_alloc(struct rrun *run, size_t n, size_t size)
{
	struct rmem *m;

	if (n && size > (SIZE_MAX - sizeof(*m)) / n)
		return NULL;
	m = calloc(1, sizeof(*m) + n * size);
	if (!m)
		return NULL;
	m->next = run->mem;
	run->mem = m;
	return m->data;
}

/* A JSON number as an integer; out-of-range values (the file is untrusted) are clamped. */
static long long clamp_ll(double d, long long lo, long long hi)
{
	if (isnan(d))
		return 0;
	if (d <= (double)lo)
		return lo;
	if (d >= (double)hi)
		return hi;
	return (long long)d;
}

static int get_int(const struct jr_value *o, const char *key, int def)
{
	return (int)clamp_ll(jr_get_num(o, key, def), INT_MIN, INT_MAX);
}

const char *rverdict_name(enum rverdict v)
{
	static const char *const names[] = {"pass",    "fail",	"error", "skip",
					    "timeout", "xfail", "xpass", "unknown"};

	return (unsigned int)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

bool rverdict_bad(enum rverdict v)
{
	return v == RV_FAIL || v == RV_ERROR || v == RV_TIMEOUT || v == RV_UNKNOWN;
}

static enum rverdict parse_verdict(const char *s)
{
	int v;

	for (v = RV_PASS; v < RV_UNKNOWN; v++)
		if (!strcmp(s, rverdict_name(v)))
			return v;
	return RV_UNKNOWN;
}

static __attribute__((format(printf, 4, 5))) int bad(const struct rrun *run, char *err,
						     size_t errlen, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	snprintf(err, errlen, "%s: ", run->path);
	used = strlen(err);
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
	return -1;
}

/* The strings of array @a; non-strings become "". */
static const char **strings(struct rrun *run, const struct jr_value *a, int *nr)
{
	const char **out;
	unsigned int i;

	*nr = 0;
	if (!a || !a->n)
		return NULL;
	out = rmem_alloc(run, a->n, sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < a->n; i++)
		out[i] = a->items[i].type == JR_STRING ? a->items[i].str : "";
	*nr = (int)a->n;
	return out;
}

/* A count or index that may be null or absent: -1 then, and for anything negative. */
static long long get_index(const struct jr_value *o, const char *key, long long def)
{
	const struct jr_value *v = jr_get(o, key);

	if (!v)
		return def;
	if (v->type != JR_NUMBER)
		return -1;
	return clamp_ll(v->num, -1, INT_MAX);
}

/*
 * A command's vCPU.  A file from before it was written: in a case with
 * one vCPU every command is that vCPU's; otherwise not known.
 */
static int tx_vcpu(const struct rrecord *r, const struct jr_value *t)
{
	return (int)get_index(t, "vcpu", r->nr_vcpus == 1 ? 0 : -1);
}

static int read_tx(struct rrun *run, struct rrecord *r, const struct jr_value *a)
{
	struct rtx *tx;
	unsigned int i, j;

	if (!a || !a->n)
		return 0;
	tx = rmem_alloc(run, a->n, sizeof(*tx));
	if (!tx)
		return -1;
	for (i = 0; i < a->n; i++) {
		const struct jr_value *t = &a->items[i], *vs = jr_get_arr(t, "violations");
		struct rviolation *viol;

		tx[i].seq = clamp_ll(jr_get_num(t, "seq", i), 0, LLONG_MAX / 2);
		tx[i].channel = jr_get_str(t, "channel", "?");
		tx[i].region = jr_get_str(t, "region", NULL);
		tx[i].vcpu = tx_vcpu(r, t);
		tx[i].step = get_index(t, "step", -1);
		tx[i].bytes = get_int(t, "bytes", 32);
		tx[i].raw = jr_get_str(t, "raw", "");
		tx[i].decoded = jr_get_str(t, "decoded", "");
		tx[i].cmd = get_int(t, "cmd", -1);
		tx[i].size = (unsigned int)clamp_ll(jr_get_num(t, "size", 0), 0, 1 << 20);
		tx[i].resp = get_int(t, "resp", 1);
		tx[i].user_data = jr_get_str(t, "user_data", "");
		tx[i].offset = jr_get_str(t, "offset", "");
		tx[i].data = jr_get_str(t, "data", "");
		tx[i].replied = jr_get_bool(t, "replied", false);
		tx[i].reply = jr_get_str(t, "reply", "");
		if (!vs || !vs->n)
			continue;
		viol = rmem_alloc(run, vs->n, sizeof(*viol));
		if (!viol)
			return -1;
		for (j = 0; j < vs->n; j++) {
			viol[j].req = jr_get_str(&vs->items[j], "requirement", "");
			viol[j].msg = jr_get_str(&vs->items[j], "message", "");
		}
		tx[i].viol = viol;
		tx[i].nr_viol = (int)vs->n;
	}
	r->tx = tx;
	r->nr_tx = (int)a->n;
	return 0;
}

static int read_exits(struct rrun *run, struct rrecord *r, const struct jr_value *a)
{
	struct rexit *ex;
	unsigned int i;

	if (!a || !a->n)
		return 0;
	ex = rmem_alloc(run, a->n, sizeof(*ex));
	if (!ex)
		return -1;
	for (i = 0; i < a->n; i++) {
		const struct jr_value *e = &a->items[i];

		ex[i].seq = clamp_ll(jr_get_num(e, "seq", i), 0, LLONG_MAX / 2);
		ex[i].vcpu = get_int(e, "vcpu", 0);
		ex[i].space = jr_get_str(e, "space", "?");
		ex[i].op = jr_get_str(e, "op", "?");
		ex[i].addr = jr_get_str(e, "addr", "");
		ex[i].data = jr_get_str(e, "data", "");
		ex[i].size = (unsigned int)clamp_ll(jr_get_num(e, "size", 0), 0, 1 << 20);
		ex[i].step = get_index(e, "step", -1);
	}
	r->exits = ex;
	r->nr_exits = (int)a->n;
	return 0;
}

/* The kind names harness/model/result.c writes; the reports act on these. */
static enum rfail_kind rfail_kind_parse(const char *s)
{
	static const struct {
		const char *name;
		enum rfail_kind kind;
	} kinds[] = {
		{"cmd-differs", RF_CMD_DIFFERS},	 {"cmd-missing", RF_CMD_MISSING},
		{"cmd-unexpected", RF_CMD_UNEXPECTED},	 {"cmd-violation", RF_CMD_VIOLATION},
		{"exit-differs", RF_EXIT_DIFFERS},	 {"exit-missing", RF_EXIT_MISSING},
		{"exit-unexpected", RF_EXIT_UNEXPECTED}, {"guest-value", RF_GUEST_VALUE},
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(s, kinds[i].name))
			return kinds[i].kind;
	return RF_OTHER;
}

static int read_failures(struct rrun *run, struct rrecord *r, const struct jr_value *a)
{
	struct rfailure *f;
	unsigned int i;

	if (!a || !a->n)
		return 0;
	f = rmem_alloc(run, a->n, sizeof(*f));
	if (!f)
		return -1;
	for (i = 0; i < a->n; i++) {
		const struct jr_value *o = &a->items[i];

		f[i].kind_name = jr_get_str(o, "kind", "other");
		f[i].kind = rfail_kind_parse(f[i].kind_name);
		f[i].req = jr_get_str(o, "requirement", NULL);
		f[i].file = jr_get_str(o, "file", NULL);
		f[i].line = get_int(o, "line", 0);
		f[i].col = get_int(o, "col", 0);
		f[i].channel = jr_get_str(o, "channel", NULL);
		f[i].index = get_int(o, "index", 0);
		f[i].seq = clamp_ll(jr_get_num(o, "seq", -1), -1, LLONG_MAX);
		f[i].vcpu = (int)get_index(o, "vcpu", -1);
		f[i].step = f[i].vcpu >= 0 ? get_index(o, "step", -1) : -1;
		f[i].msg = jr_get_str(o, "message", "");
		/* A file from before failures had fields: its message is its headline. */
		f[i].headline = jr_get_str(o, "headline", f[i].msg);
		f[i].expected = jr_get_str(o, "expected", NULL);
		f[i].observed = jr_get_str(o, "observed", NULL);
		f[i].detail = jr_get_str(o, "detail", NULL);
	}
	r->failures = f;
	r->nr_failures = (int)a->n;
	return 0;
}

static int read_vcpus(struct rrun *run, struct rrecord *r, const struct jr_value *a)
{
	struct rvcpu *v;
	unsigned int i;

	if (!a || !a->n)
		return 0;
	v = rmem_alloc(run, a->n, sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < a->n; i++) {
		v[i].done = jr_get_bool(&a->items[i], "done", false);
		v[i].step = clamp_ll(jr_get_num(&a->items[i], "step", -1), -1, LLONG_MAX / 2);
	}
	r->vcpus = v;
	r->nr_vcpus = (int)a->n;
	return 0;
}

/* Files written before "group" existed: the name's prefix before its first '-'. */
static const char *group_of(struct rrun *run, const char *name)
{
	size_t n = strcspn(name, "-");
	char *g = rmem_alloc(run, n + 1, 1);

	if (!g)
		return "";
	memcpy(g, name, n);
	return g;
}

static double duration_of(const struct jr_value *o)
{
	const struct jr_value *u = jr_get(o, "usec");
	double d = jr_get_num(o, "duration", -1);

	if (d < 0 || isnan(d))
		d = (jr_get_num(u, "setup", 0) + jr_get_num(u, "run", 0) +
		     jr_get_num(u, "check", 0)) /
		    1e6;
	return isfinite(d) && d >= 0 && d < 1e9 ? d : 0;
}

static int read_record(struct rrun *run, struct rrecord *r, const struct jr_value *o, int idx,
		       char *err, size_t errlen)
{
	const char *v;

	if (o->type != JR_OBJECT)
		return bad(run, err, errlen, "results[%d] is not an object", idx);
	r->name = jr_get_str(o, "case", NULL);
	r->rev = jr_get_str(o, "revision", NULL);
	v = jr_get_str(o, "verdict", NULL);
	if (!r->name || !r->name[0] || !r->rev || !v)
		return bad(run, err, errlen,
			   "results[%d] lacks a \"case\", \"revision\" or \"verdict\" string", idx);
	r->verdict_str = v;
	r->verdict = parse_verdict(v);
	r->file = jr_get_str(o, "file", "");
	r->group = jr_get_str(o, "group", NULL);
	if (!r->group || !r->group[0])
		r->group = group_of(run, r->name);
	r->summary = jr_get_str(o, "summary", "");
	r->reason = jr_get_str(o, "reason", "");
	r->seed = jr_get_str(o, "seed", "");
	r->line = get_int(o, "line", 0);
	r->duration = duration_of(o);
	r->failures_total = get_int(o, "failures_total", 0);
	r->reqs = strings(run, jr_get_arr(o, "requirements"), &r->nr_reqs);
	/* vCPUs first: a command's vCPU may follow from their number. */
	if (read_vcpus(run, r, jr_get_arr(o, "vcpus")) ||
	    read_failures(run, r, jr_get_arr(o, "failures")) ||
	    read_tx(run, r, jr_get_arr(o, "transcript")) ||
	    read_exits(run, r, jr_get_arr(o, "exits")))
		return bad(run, err, errlen, "results[%d]: out of memory", idx);
	if (r->failures_total < r->nr_failures)
		r->failures_total = r->nr_failures;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct rrecord *x = *(const struct rrecord *const *)a;
	const struct rrecord *y = *(const struct rrecord *const *)b;
	int c = strcmp(x->name, y->name);

	if (!c)
		c = strcmp(x->rev, y->rev);
	/* Records are one array: their addresses are their file order. */
	return c ? c : (x > y) - (x < y);
}

static int index_records(struct rrun *run, char *err, size_t errlen)
{
	int i;

	if (!run->nr)
		return 0;
	run->by_key = rmem_alloc(run, run->nr, sizeof(*run->by_key));
	if (!run->by_key)
		return bad(run, err, errlen, "out of memory for the index of %d records", run->nr);
	for (i = 0; i < run->nr; i++)
		run->by_key[i] = &run->recs[i];
	qsort(run->by_key, run->nr, sizeof(*run->by_key), cmp_key);
	return 0;
}

const struct rrecord *results_find(const struct rrun *run, const char *name, const char *rev)
{
	int lo = 0, hi = run->nr;

	/* The lowest position whose key is not below (name, rev). */
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(run->by_key[mid]->name, name);

		if (!c)
			c = strcmp(run->by_key[mid]->rev, rev);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < run->nr && !strcmp(run->by_key[lo]->name, name) &&
	    !strcmp(run->by_key[lo]->rev, rev))
		return run->by_key[lo];
	return NULL;
}

int results_load(const char *path, struct rrun *run, char *err, size_t errlen)
{
	const struct jr_value *root, *res, *probe;
	const char *format;
	unsigned int i;

	memset(run, 0, sizeof(*run));
	run->path = path;
	if (jr_parse_file(path, &run->doc, err, errlen))
		return -1;
	root = &run->doc.root;
	if (root->type != JR_OBJECT)
		return bad(run, err, errlen, "not a results file: the top level is no object");
	format = jr_get_str(root, "format", "");
	if (strcmp(format, RESULTS_FORMAT))
		return bad(run, err, errlen, "format is \"%.60s\", this reader knows \"%s\"",
			   format, RESULTS_FORMAT);
	res = jr_get_arr(root, "results");
	if (!res)
		return bad(run, err, errlen, "no \"results\" array");
	probe = jr_get(root, "probe");
	run->suite_version = jr_get_str(root, "suite_version", "");
	run->kernel = jr_get_str(root, "kernel", "");
	run->target = jr_get_str(root, "target", "");
	run->device = jr_get_str(root, "device", "");
	run->probe_rev = jr_get_str(probe, "revision", "");
	run->probe_how = jr_get_str(probe, "how", "");
	run->cases_hash = jr_get_str(root, "cases_hash", "");
	run->started = jr_get_str(root, "started", "");
	run->hostname = jr_get_str(root, "hostname", "");
	run->interrupted = jr_get_str(root, "interrupted", "");
	run->argv = strings(run, jr_get_arr(root, "command_line"), &run->argc);
	run->recs = res->n ? rmem_alloc(run, res->n, sizeof(*run->recs)) : NULL;
	if (res->n && !run->recs)
		return bad(run, err, errlen, "out of memory for %u records", res->n);
	for (i = 0; i < res->n; i++) {
		if (read_record(run, &run->recs[i], &res->items[i], (int)i, err, errlen))
			return -1;
		run->nr++;
	}
	return index_records(run, err, errlen);
}

void results_free(struct rrun *run)
{
	struct rmem *m = run->mem, *next;

	for (; m; m = next) {
		next = m->next;
		free(m);
	}
	jr_free(&run->doc);
	memset(run, 0, sizeof(*run));
}

void results_label(const struct rrun *run, char *buf, size_t len)
{
	/* A device program is what such a run tests; the target only carried its commands. */
	if (run->device[0] && !strcmp(run->target, "device"))
		snprintf(buf, len, "device %s", run->device);
	else if (run->device[0])
		snprintf(buf, len, "device %s via %s%s%s", run->device, run->target,
			 run->kernel[0] ? " " : "", run->kernel);
	else
		snprintf(buf, len, "%s%s%s%s%s", run->target[0] ? run->target : "?",
			 run->kernel[0] ? " " : "", run->kernel, run->probe_rev[0] ? ", " : "",
			 run->probe_rev);
}

struct by_seq {
	long long seq;
	int idx;
};

static int cmp_seq(const void *a, const void *b)
{
	const struct by_seq *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->idx - y->idx;
}

int *rrecord_tx_order(const struct rrecord *r, const char *channel, int *n)
{
	struct by_seq *o = calloc(r->nr_tx + 1, sizeof(*o));
	int *idx = calloc(r->nr_tx + 1, sizeof(*idx));
	int i;

	*n = 0;
	if (!o || !idx) {
		free(o);
		free(idx);
		return NULL;
	}
	for (i = 0; i < r->nr_tx; i++) {
		if (channel && strcmp(r->tx[i].channel, channel))
			continue;
		o[*n].seq = r->tx[i].seq;
		o[*n].idx = i;
		(*n)++;
	}
	qsort(o, *n, sizeof(*o), cmp_seq);
	for (i = 0; i < *n; i++)
		idx[i] = o[i].idx;
	free(o);
	return idx;
}
