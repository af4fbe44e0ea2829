// SPDX-License-Identifier: GPL-2.0
/*
 * Layout runs twice: once without output to learn the height (and the
 * width the diff lines need), then for real.  Every drawing helper takes
 * a pen whose FILE is NULL in the first pass.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/offline/markup.h"
#include "reports/offline/seq_lanes.h"
#include "reports/offline/svg_seq.h"

#define FONT	  11
#define CW	  6.6 /* advance of one character at FONT px monospace */
#define HEAD	  44  /* lane heads */
#define STEP	  22  /* an arrow with a one-line label */
#define STEP2	  34  /* an arrow with a two-line label */
#define DIFF_LINE 16
#define MAX_DIFF  170 /* characters of a diff line drawn; the failure section has all */

#define C_INK	 "#1d2330"
#define C_GREY	 "#6b7380"
#define C_RED	 "#c62828"
#define C_POSTED "#6a3d9a"
#define C_GREEN	 "#0b5d0b"

struct pen {
	FILE *f; /* NULL: measure only */
	int y;
	int width; /* the widest thing drawn so far */
	const struct seq_lanes *ln;
	int disp; /* the dispatcher's lane */
};

int seq_marks_init(struct seq_marks *m, const struct rrecord *r)
{
	int i, k;

	m->tx_fail = calloc(r->nr_tx ? r->nr_tx : 1, sizeof(int));
	m->exit_fail = calloc(r->nr_exits ? r->nr_exits : 1, sizeof(int));
	if (!m->tx_fail || !m->exit_fail) {
		seq_marks_free(m);
		return -1;
	}
	for (i = 0; i < r->nr_tx; i++)
		m->tx_fail[i] = -1;
	for (i = 0; i < r->nr_exits; i++)
		m->exit_fail[i] = -1;
	for (i = 0; i < r->nr_failures; i++) {
		k = failure_tx(r, &r->failures[i]);
		if (k >= 0 && m->tx_fail[k] < 0)
			m->tx_fail[k] = i;
		k = failure_exit(r, &r->failures[i]);
		if (k >= 0 && m->exit_fail[k] < 0)
			m->exit_fail[k] = i;
	}
	return 0;
}

void seq_marks_free(struct seq_marks *m)
{
	free(m->tx_fail);
	free(m->exit_fail);
	memset(m, 0, sizeof(*m));
}

static void widen(struct pen *p, int x)
{
	if (x > p->width)
		p->width = x;
}

/* Text of at most @max characters; the whole of it as a tooltip when cut. */
static void text(struct pen *p, int x, int y, const char *s, size_t max, const char *fill,
		 const char *extra)
{
	size_t n = mu_prefix(s, max), w = mu_width(s);

	widen(p, x + (int)((w < max ? w : max) * CW) + 10);
	if (!p->f)
		return;
	fprintf(p->f, "<text x=\"%d\" y=\"%d\" fill=\"%s\"%s>", x, y, fill, extra ? extra : "");
	mu_text_n(p->f, s, n);
	if (s[n]) {
		fputs("\u2026<title>", p->f);
		mu_text(p->f, s);
		fputs("</title>", p->f);
	}
	fputs("</text>\n", p->f);
}

static void arrow(struct pen *p, int x1, int x2, int y, const char *color, bool dashed)
{
	const char *marker = !strcmp(color, C_RED) ? "r" : !strcmp(color, C_POSTED) ? "p" : "a";
	int end = x2 > x1 ? x2 - 2 : x2 + 2;

	if (!p->f)
		return;
	fprintf(p->f,
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		"stroke-width=\"1.4\"%s marker-end=\"url(#seq-%s)\"/>\n",
		x1, y, end, y, color, dashed ? " stroke-dasharray=\"5 3\"" : "", marker);
}

/* An arrow with one or two label lines above it. */
static void message(struct pen *p, int x1, int x2, const char *l1, const char *l2,
		    const char *color, bool dashed)
{
	int left = x1 < x2 ? x1 : x2, room = abs(x2 - x1) - 14;
	size_t max = room > 0 ? (size_t)(room / CW) : 8;

	p->y += l2 ? STEP2 : STEP;
	if (l2) {
		text(p, left + 8, p->y - 17, l1, max, color, NULL);
		text(p, left + 8, p->y - 5, l2, max, C_GREY, NULL);
	} else {
		text(p, left + 8, p->y - 5, l1, max, color, NULL);
	}
	arrow(p, x1, x2, p->y, color, dashed);
}

/* A note box on a lane. */
static void note(struct pen *p, int x, const char *s, const char *color)
{
	int w = (int)(mu_width(s) * CW) + 12;

	p->y += STEP;
	widen(p, x - w / 2 + w + 10);
	if (p->f) {
		fprintf(p->f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"17\" rx=\"3\" fill=\"#fff\" "
			"stroke=\"%s\"/>\n",
			x - w / 2, p->y - 14, w, color);
	}
	text(p, x - w / 2 + 6, p->y - 2, s, 200, color, NULL);
}

/* "expected: ..." / "observed: ..." with the differing key=value tokens in bold. */
static void diff_line(struct pen *p, const char *label, const char *line, int len,
		      const char *other, int olen, bool expected)
{
	int i = 0, x = 30;

	p->y += DIFF_LINE;
	if (len > MAX_DIFF)
		len = MAX_DIFF;
	widen(p, x + (int)((strlen(label) + len) * CW) + 10);
	if (!p->f)
		return;
	fprintf(p->f, "<text x=\"%d\" y=\"%d\" fill=\"%s\" xml:space=\"preserve\">", x, p->y - 4,
		expected ? C_GREEN : C_RED);
	mu_text(p->f, label);
	while (i < len) {
		int tok = i, n;

		while (i < len && line[i] != ' ')
			i++;
		n = i - tok;
		if (n && other &&
		    failure_token_differs(line + tok, n, other, olen > 0 ? olen : 0, expected)) {
			fputs("<tspan font-weight=\"bold\" text-decoration=\"underline\">", p->f);
			mu_text_n(p->f, line + tok, n);
			fputs("</tspan>", p->f);
		} else {
			mu_text_n(p->f, line + tok, n);
		}
		for (; i < len && line[i] == ' '; i++)
			fputc(' ', p->f);
	}
	fputs("</text>\n", p->f);
}

/* The headline (the page shows the case line elsewhere) and the two sides of the diff. */
static void fail_text(struct pen *p, const struct rfailure *f)
{
	int elen = f->expected ? (int)strlen(f->expected) : 0;
	int olen = f->observed ? (int)strlen(f->observed) : 0;
	size_t n = strcspn(f->headline, "\n");
	char head[200];

	snprintf(head, sizeof(head), "\u2717 %.*s", (int)(n < 150 ? n : 150), f->headline);
	p->y += DIFF_LINE;
	text(p, 30, p->y - 4, head, 160, C_RED, " font-weight=\"bold\"");
	if (f->expected)
		diff_line(p, "expected: ", f->expected, elen, f->observed, olen, true);
	if (f->observed)
		diff_line(p, "observed: ", f->observed, olen, f->expected, elen, false);
	p->y += 6;
}

static void cmd_labels(const struct rtx *t, char *l1, char *l2, size_t len)
{
	if (t->cmd == 1)
		snprintf(l1, len, "WRITE %u B off=%s data=%s", t->size, t->offset, t->data);
	else if (t->cmd == 0)
		snprintf(l1, len, "READ %u B off=%s", t->size, t->offset);
	else
		snprintf(l1, len, "%s", t->decoded);
	if (t->bytes != 32)
		snprintf(l2, len, "torn: %d of 32 bytes", t->bytes);
	else
		snprintf(l2, len, "resp=%d user_data=%s", t->resp, t->user_data);
}

/* "step 2: " where the results know the step of the vCPU's program, else "". */
static void step_prefix(long long step, char *buf, size_t len)
{
	if (step >= 0)
		snprintf(buf, len, "step %lld: ", step);
	else
		buf[0] = '\0';
}

/* The access as its vCPU made it: "step 2: read 4 B at bar+0x8". */
static void access_label(const struct rtx *t, char *l, size_t len)
{
	const char *op = t->cmd == 1 ? "write" : "read";
	char step[32];

	step_prefix(t->step, step, sizeof(step));
	if (t->region)
		snprintf(l, len, "%s%s %u B at %s+%s", step, op, t->size, t->region, t->offset);
	else
		snprintf(l, len, "%s%s %u B at region +%s", step, op, t->size, t->offset);
}

/*
 * What the guest loaded, when a failure says it and it is not @answer (the
 * reply or the VMM's answer): the completion then shows it, not @answer.
 * Values compare as numbers: the two writers spell zero "0" and "0x0".
 */
static const char *loaded_instead(const struct rfailure *load, const char *answer)
{
	if (!load || !load->observed || !load->observed[0])
		return NULL;
	if (strtoull(load->observed, NULL, 0) == strtoull(answer, NULL, 0))
		return NULL;
	return load->observed;
}

static void draw_tx(struct pen *p, const struct rtx *t, const struct rfailure *load)
{
	int g = seq_lane_vcpu(p->ln, t->vcpu), lane = seq_lane_chan(p->ln, t->channel);
	bool posted = !t->resp, write = t->cmd == 1;
	const char *color = posted ? C_POSTED : C_INK, *loaded;
	char l1[200], l2[200], acc[200];

	access_label(t, acc, sizeof(acc));
	message(p, g, p->disp, acc, NULL, C_INK, false);
	cmd_labels(t, l1, l2, sizeof(l1));
	if (posted) {
		char pl[220];

		snprintf(pl, sizeof(pl), "[POSTED] %s", l1);
		message(p, p->disp, lane, pl, l2, color, false);
		message(p, p->disp, g, "continues: posted, no reply awaited", NULL, C_POSTED, true);
		return;
	}
	message(p, p->disp, lane, l1, l2, color, false);
	if (!t->replied) {
		note(p, lane, "no reply", C_RED);
		return;
	}
	snprintf(l1, sizeof(l1), "reply data=%s", t->reply);
	message(p, lane, p->disp, l1, NULL, C_GREY, true);
	loaded = write ? NULL : loaded_instead(load, t->reply);
	if (write) {
		message(p, p->disp, g, "write done", NULL, C_GREY, true);
	} else if (loaded) {
		snprintf(l1, sizeof(l1), "loaded %s, not the reply %s", loaded, t->reply);
		message(p, p->disp, g, l1, NULL, C_RED, true);
	} else {
		snprintf(l1, sizeof(l1), "read returns %s", t->reply);
		message(p, p->disp, g, l1, NULL, C_GREY, true);
	}
}

static void draw_exit(struct pen *p, const struct rexit *e, const struct rfailure *load)
{
	bool pio = !strcmp(e->space, "pio"), write = !strcmp(e->op, "write");
	int g = seq_lane_vcpu(p->ln, e->vcpu);
	const char *loaded = write ? NULL : loaded_instead(load, e->data);
	char l[200], step[32];

	step_prefix(e->step, step, sizeof(step));
	snprintf(l, sizeof(l), "%s%s %s %s %u B%s%s", step, pio ? "PIO" : "MMIO",
		 pio ? (write ? "out" : "in") : e->op, e->addr, e->size, write ? " = " : "",
		 write ? e->data : "");
	message(p, g, p->disp, l, NULL, C_INK, false);
	note(p, p->disp,
	     pio ? "no region: KVM_EXIT_IO to the VMM" : "no region: KVM_EXIT_MMIO to the VMM",
	     C_GREY);
	if (write)
		snprintf(l, sizeof(l), "%s done", pio ? "out" : "write");
	else if (loaded)
		snprintf(l, sizeof(l), "loaded %s, not the VMM's answer %s", loaded, e->data);
	else
		snprintf(l, sizeof(l), "VMM answers %s", e->data);
	message(p, p->disp, g, l, NULL, loaded ? C_RED : C_GREY, true);
}

static void violations(struct pen *p, const struct rtx *t)
{
	char l[300];
	int i;

	for (i = 0; i < t->nr_viol; i++) {
		snprintf(l, sizeof(l), "\u2717 violates %s: %s", t->viol[i].req, t->viol[i].msg);
		p->y += DIFF_LINE;
		text(p, 30, p->y - 4, l, 160, C_RED, NULL);
	}
}

/* One command or exit, inside a highlight when a failure is about it. */
static void event(struct pen *p, const struct rrecord *r, const struct seq_marks *m, bool is_tx,
		  int idx)
{
	int fail = is_tx ? m->tx_fail[idx] : m->exit_fail[idx];
	const struct rfailure *fl = fail >= 0 ? &r->failures[fail] : NULL;
	bool hl = fl || (is_tx && r->tx[idx].nr_viol);
	FILE *out = p->f;
	int top = p->y + 2, h;

	/* A group per event, so that a reader (or a test) can find it by its seq. */
	if (out)
		fprintf(out, "<g class=\"ev\" data-seq=\"%lld\">\n",
			is_tx ? r->tx[idx].seq : r->exits[idx].seq);
	if (hl && out) {
		/* Measure first: the highlight goes under the arrows. */
		struct pen probe = *p;

		probe.f = NULL;
		event(&probe, r, m, is_tx, idx);
		h = probe.y - p->y - 4;
		fprintf(out,
			"<rect class=\"fail-hl\" x=\"6\" y=\"%d\" width=\"%d\" "
			"height=\"%d\" rx=\"4\" fill=\"#fdecea\" stroke=\"%s\" "
			"stroke-width=\"1.2\"/>\n",
			top, p->width - 12, h, C_RED);
	}
	if (hl)
		p->y += 6;
	if (fl && !failure_is_load(fl))
		fl = NULL; /* only a load's failure changes a completion */
	if (is_tx) {
		draw_tx(p, &r->tx[idx], fl);
		/* A failure about this command already says what it violates. */
		if (fail < 0)
			violations(p, &r->tx[idx]);
	} else {
		draw_exit(p, &r->exits[idx], fl);
	}
	if (fail >= 0)
		fail_text(p, &r->failures[fail]);
	p->y += hl ? 10 : 4;
	if (out)
		fputs("</g>\n", out);
}

/* What the case expected and never saw: dashed, after everything that was seen. */
static void missing(struct pen *p, const struct rrecord *r, const struct seq_marks *m)
{
	int i;

	for (i = 0; i < r->nr_failures; i++) {
		const struct rfailure *f = &r->failures[i];
		int top = p->y + 4, x2;
		struct pen probe;

		if (f->kind != RF_CMD_MISSING && f->kind != RF_EXIT_MISSING)
			continue;
		x2 = f->kind == RF_CMD_MISSING ? seq_lane_chan(p->ln, f->channel ? f->channel : "")
					       : p->disp;
		if (p->f) {
			probe = *p;
			probe.f = NULL;
			message(&probe, p->disp, x2, "", NULL, C_RED, true);
			fail_text(&probe, f);
			fprintf(p->f,
				"<rect class=\"fail-hl\" x=\"6\" y=\"%d\" width=\"%d\" "
				"height=\"%d\" rx=\"4\" fill=\"#fdecea\" stroke=\"%s\" "
				"stroke-dasharray=\"4 3\"/>\n",
				top, p->width - 12, probe.y - p->y + 4, C_RED);
		}
		if (f->kind == RF_CMD_MISSING)
			message(p, p->disp, x2, "expected command, never sent", NULL, C_RED, true);
		else
			/* An expected exit names no vCPU. */
			message(p, seq_lane_vcpu(p->ln, -1), p->disp,
				"expected ordinary exit, never seen", NULL, C_RED, true);
		fail_text(p, f);
		p->y += 10;
	}
}

struct ev {
	long long seq;
	int idx; /* >= 0: r->tx[idx]; < 0: r->exits[-idx - 1] */
};

static int by_seq(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->idx - y->idx;
}

/* A lane's dashed line and its head; @kind and @vcpu let a reader tell the lanes apart. */
static void lane(struct pen *p, int x, int height, const char *kind, int vcpu, const char *name)
{
	fprintf(p->f, "<line class=\"lane\" data-lane=\"%s\"", kind);
	if (vcpu >= 0)
		fprintf(p->f, " data-vcpu=\"%d\"", vcpu);
	fprintf(p->f,
		" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#b8bfcc\" "
		"stroke-dasharray=\"3 4\"/>\n",
		x, HEAD - 8, x, height - 6);
	fprintf(p->f,
		"<rect x=\"%d\" y=\"8\" width=\"%d\" height=\"26\" rx=\"4\" "
		"fill=\"#eef2f8\" stroke=\"#8a94a6\"/>\n",
		x - SEQ_HEAD_W / 2, SEQ_HEAD_W);
	text(p, x - SEQ_HEAD_W / 2 + 8, 25, name, 24, C_INK, " font-weight=\"bold\"");
}

static void lanes(struct pen *p, int height)
{
	const struct seq_lanes *ln = p->ln;
	char name[80];
	int i;

	for (i = 0; i < ln->nr_vcpus; i++) {
		int v = ln->vcpus[i];

		if (v < 0)
			snprintf(name, sizeof(name), "vCPU ? (not known)");
		else
			snprintf(name, sizeof(name), "vCPU%d (guest)", v);
		lane(p, seq_lane_vcpu(ln, v), height, v < 0 ? "vcpu-unknown" : "vcpu", v, name);
	}
	lane(p, p->disp, height, "dispatcher", -1, "dispatcher (KVM)");
	for (i = 0; i < ln->nr_chans; i++) {
		snprintf(name, sizeof(name), "responder: %.60s", ln->chans[i]);
		lane(p, seq_lane_chan(ln, ln->chans[i]), height, "responder", -1, name);
	}
}

static void draw_all(struct pen *p, const struct rrecord *r, const struct seq_marks *m,
		     const struct ev *evs, int n)
{
	int i;

	p->y = HEAD;
	for (i = 0; i < n; i++)
		event(p, r, m, evs[i].idx >= 0, evs[i].idx >= 0 ? evs[i].idx : -evs[i].idx - 1);
	missing(p, r, m);
}

void svg_seq(FILE *f, const struct rrecord *r, const struct seq_marks *m)
{
	struct seq_lanes ln;
	struct pen p = {.f = NULL, .ln = &ln};
	struct ev *evs = calloc(r->nr_tx + r->nr_exits + 1, sizeof(*evs));
	int i, n = 0, height;

	if (!evs || seq_lanes_init(&ln, r)) {
		free(evs);
		return;
	}
	for (i = 0; i < r->nr_tx; i++)
		evs[n++] = (struct ev){r->tx[i].seq, i};
	for (i = 0; i < r->nr_exits; i++)
		evs[n++] = (struct ev){r->exits[i].seq, -i - 1};
	qsort(evs, n, sizeof(*evs), by_seq);
	if (n > SVG_SEQ_MAX_EVENTS)
		n = SVG_SEQ_MAX_EVENTS;

	/* Pass 1: height, and the width: every lane's head, then what labels need. */
	p.disp = seq_lane_disp(&ln);
	p.width = seq_lanes_right(&ln) + 15;
	draw_all(&p, r, m, evs, n);
	height = p.y + 16;

	/* Pass 2. */
	p.f = f;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"ui-monospace,'DejaVu Sans Mono',monospace\" "
		"font-size=\"%d\" role=\"img\" "
		"aria-label=\"wire transcript as a sequence diagram\">\n",
		p.width, height, p.width, height, FONT);
	fputs("<defs>", f);
	fprintf(f,
		"<marker id=\"seq-a\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
		"orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0L8,4L0,8z\" "
		"fill=\"%s\"/></marker>",
		C_INK);
	fprintf(f,
		"<marker id=\"seq-r\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
		"orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0L8,4L0,8z\" "
		"fill=\"%s\"/></marker>",
		C_RED);
	fprintf(f,
		"<marker id=\"seq-p\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
		"orient=\"auto\" markerUnits=\"userSpaceOnUse\"><path d=\"M0,0L8,4L0,8z\" "
		"fill=\"%s\"/></marker>",
		C_POSTED);
	fputs("</defs>\n", f);
	lanes(&p, height);
	draw_all(&p, r, m, evs, n);
	fputs("</svg>\n", f);
	seq_lanes_free(&ln);
	free(evs);
}
