// SPDX-License-Identifier: GPL-2.0
/*
 * Latency histograms of the benchmark rows as one SVG: a panel per row on a
 * shared logarithmic time axis, so that rows a hundred times apart still
 * show their shape, with the median (solid) and p99 (dashed) marked.  Each
 * panel's bars are scaled to its own tallest bin: the shape matters, and
 * every row has the same number of samples anyway.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"

#define SVG_W	  960
#define SVG_LEFT  40
#define SVG_RIGHT 20
#define SVG_TOP	  40
#define PANEL_H	  46
#define PANEL_GAP 22
#define AXIS_H	  40
#define SVG_BINS  120
#define PLOT_W	  (SVG_W - SVG_LEFT - SVG_RIGHT)

/*
 * log10 of ns, whole half decades.  The axis ends at the largest p99: a
 * few outliers of milliseconds would otherwise squeeze every histogram into
 * a sliver.  Samples past the end count in the last bin.
 */
struct axis {
	double lo, hi;
};

static double x_of(const struct axis *a, double ns)
{
	double l = log10(ns > 1 ? ns : 1);

	if (l < a->lo)
		l = a->lo;
	if (l > a->hi)
		l = a->hi;
	return SVG_LEFT + (l - a->lo) / (a->hi - a->lo) * PLOT_W;
}

static const char *colour(const struct bench_row *r)
{
	switch (r->how) {
	case BENCH_NULL:
		return "#999999";
	case BENCH_PLAIN:
		return "#3b6fb6";
	case BENCH_IOEVENTFD:
		return "#3a9a4a";
	case BENCH_IOREGION:
		break;
	}
	return r->target == &target_kernel ? "#8a4fb0" : "#d9822b";
}

/* Row names are ours, but & < > would still break the file. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
}

static void panel(FILE *f, const struct axis *a, const struct bench_row *r, int y)
{
	unsigned int bins[SVG_BINS] = {0}, top = 1;
	char src[16];
	double bw = (double)PLOT_W / SVG_BINS;
	uint64_t i;
	int b;

	for (i = 0; i < r->n; i++) {
		b = (int)((x_of(a, r->ns[i]) - SVG_LEFT) / bw);
		bins[b < SVG_BINS ? b : SVG_BINS - 1]++;
	}
	for (b = 0; b < SVG_BINS; b++)
		top = bins[b] > top ? bins[b] : top;

	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"l\">", SVG_LEFT, y - 4);
	put_text(f, r->name);
	fprintf(f, " (timed: %s)", bench_src_name(r, src, sizeof(src)));
	fprintf(f,
		"</text>\n<text x=\"%d\" y=\"%d\" class=\"l\" text-anchor=\"end\">"
		"median %.2f us, p99 %.2f us, max %.1f us</text>\n",
		SVG_W - SVG_RIGHT, y - 4, r->st.median / 1000, r->st.p99 / 1000, r->st.max / 1000);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"p\"/>\n", SVG_LEFT,
		y, PLOT_W, PANEL_H);
	for (b = 0; b < SVG_BINS; b++) {
		double h = (double)bins[b] / top * PANEL_H;

		if (!bins[b])
			continue;
		if (h < 1)
			h = 1; /* a lone sample must stay visible */
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" ",
			SVG_LEFT + b * bw, y + PANEL_H - h, bw, h);
		fprintf(f, "fill=\"%s\"/>\n", colour(r));
	}
	fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"med\"/>\n",
		x_of(a, r->st.median), x_of(a, r->st.median), y, y + PANEL_H);
	fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"p99\"/>\n",
		x_of(a, r->st.p99), x_of(a, r->st.p99), y, y + PANEL_H);
}

static void time_label(char *buf, size_t len, double ns)
{
	if (ns >= 1e6)
		snprintf(buf, len, "%g ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%g us", ns / 1e3);
	else
		snprintf(buf, len, "%g ns", ns);
}

/* Grid lines at 1, 2 and 5 of each decade, labelled. */
static void time_axis(FILE *f, const struct axis *a, int y0, int y1)
{
	static const int step[] = {1, 2, 5};
	char label[32];
	int d, k;

	for (d = (int)a->lo; d <= (int)ceil(a->hi); d++) {
		for (k = 0; k < 3; k++) {
			double ns = step[k] * pow(10, d);
			double x;

			if (log10(ns) < a->lo - 1e-9 || log10(ns) > a->hi + 1e-9)
				continue;
			x = x_of(a, ns);
			time_label(label, sizeof(label), ns);
			fprintf(f,
				"<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"g\"/>\n",
				x, x, y0, y1);
			fprintf(f,
				"<text x=\"%.1f\" y=\"%d\" class=\"l\" text-anchor=\"middle\">%s"
				"</text>\n",
				x, y1 + 16, label);
		}
	}
}

int bench_svg_write(const char *path, const struct bench_row *rows, int nr)
{
	struct axis a = {.lo = 9, .hi = 0};
	int i, shown = 0, y, h;
	FILE *f;

	for (i = 0; i < nr; i++) {
		if (!rows[i].ran)
			continue;
		shown++;
		a.lo = fmin(a.lo, floor(2 * log10(fmax(rows[i].st.min, 1))) / 2);
		a.hi = fmax(a.hi, ceil(2 * log10(fmax(rows[i].st.p99, 1)) + 0.01) / 2);
	}
	if (a.hi <= a.lo)
		a.hi = a.lo + 1;
	h = SVG_TOP + shown * (PANEL_H + PANEL_GAP) + AXIS_H;

	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n",
		SVG_W, h, SVG_W, h);
	fprintf(f, "<style>.l{font:11px sans-serif;fill:#222}.t{font:bold 13px sans-serif}"
		   ".p{fill:#f6f6f6;stroke:#ccc}.g{stroke:#ddd}"
		   ".med{stroke:#000;stroke-width:1.5}.p99{stroke:#c00;stroke-dasharray:4 3}"
		   "</style>\n");
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f,
		"<text x=\"%d\" y=\"20\" class=\"t\">iorfd-conform bench: time per access, "
		"log scale (black: median, red dashed: p99; slower samples in the last bin)"
		"</text>\n",
		SVG_LEFT);
	time_axis(f, &a, SVG_TOP - 8, h - AXIS_H + 4);
	y = SVG_TOP + PANEL_GAP - 8;
	for (i = 0; i < nr; i++) {
		if (!rows[i].ran)
			continue;
		panel(f, &a, &rows[i], y);
		y += PANEL_H + PANEL_GAP;
	}
	fprintf(f, "</svg>\n");
	return fclose(f) ? -errno : 0;
}
