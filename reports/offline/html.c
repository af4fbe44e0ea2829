// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report's driver: the directory, the files, and which record gets
 * a page.  What goes on the pages is in html_index.c and html_case.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/atomic_file.h"
#include "reports/offline/html.h"

/* A page to write: index.html when @r is NULL. */
struct page {
	char name[HTML_PAGE_NAME_LEN];
	int run;
	const struct rrecord *r;
};

static int write_page(const struct html_ctx *h, const struct page *p, char *err, size_t errlen)
{
	struct atomic_file *af;
	char *path;
	int ret;

	/* Not a fixed buffer: a long DIR must fail as too long, not be cut. */
	if (asprintf(&path, "%s/%s", h->dir, p->name) < 0) {
		output_error(err, errlen, h->dir, ENOMEM);
		return -1;
	}
	ret = atomic_file_open(path, &af, err, errlen);
	if (!ret) {
		if (p->r)
			html_case_page(af->f, h, p->run, p->r);
		else
			html_index(af->f, h);
		ret = atomic_file_commit(af, err, errlen);
	}
	free(path);
	return ret;
}

static int cmp_page(const void *a, const void *b)
{
	return strcmp(((const struct page *)a)->name, ((const struct page *)b)->name);
}

/*
 * The case pages: a page per case x revision of each run.  A case x
 * revision listed twice gets the page of its first record, the one every
 * link points at.  NULL (out of memory) or the pages, their number in @nr.
 */
static struct page *case_pages(const struct html_ctx *h, int *nr)
{
	struct page *pages;
	int run, i, total = 0;

	for (run = 0; run < h->nr_runs; run++)
		total += h->runs[run].nr;
	pages = calloc(total ? total : 1, sizeof(*pages));
	if (!pages)
		return NULL;
	*nr = 0;
	for (run = 0; run < h->nr_runs; run++) {
		const struct rrun *rr = &h->runs[run];

		for (i = 0; i < rr->nr; i++) {
			const struct rrecord *r = &rr->recs[i];
			struct page *p = &pages[*nr];

			if (results_find(rr, r->name, r->rev) != r)
				continue;
			html_case_file(h, run, r, p->name, sizeof(p->name));
			p->run = run;
			p->r = r;
			(*nr)++;
		}
	}
	return pages;
}

/*
 * Page names hash what they cannot show, and a hash can collide (a file
 * can be made to): two cases on one page would be one overwriting the
 * other.  0, or -1 naming both.
 */
static int check_unique(const struct html_ctx *h, struct page *pages, int nr, char *err,
			size_t errlen)
{
	int i;

	qsort(pages, nr, sizeof(*pages), cmp_page);
	for (i = 1; i < nr; i++) {
		const struct page *a = &pages[i - 1], *b = &pages[i];

		if (strcmp(a->name, b->name))
			continue;
		snprintf(err, errlen,
			 "%s/%s: the page of both \"%.80s.%.20s\" and \"%.80s.%.20s\" (their names "
			 "hash alike: rename one of the cases)",
			 h->dir, a->name, a->r->name, a->r->rev, b->r->name, b->r->rev);
		return -1;
	}
	return 0;
}

int html_report(const struct html_ctx *h, char *err, size_t errlen)
{
	struct page index = {.name = "index.html"}, *pages;
	struct stat st;
	int i, nr, ret = 0;

	if (mkdir(h->dir, 0755) && errno != EEXIST) {
		output_error(err, errlen, h->dir, errno);
		return -1;
	}
	if (stat(h->dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
			 "%s: not a directory (give -o a directory, or a name not yet taken)",
			 h->dir);
		return -1;
	}
	pages = case_pages(h, &nr);
	if (!pages) {
		output_error(err, errlen, h->dir, ENOMEM);
		return -1;
	}
	ret = check_unique(h, pages, nr, err, errlen);
	for (i = 0; !ret && i < nr; i++)
		ret = write_page(h, &pages[i], err, errlen);
	/* Last: an index exists only when every page it links to does. */
	if (!ret)
		ret = write_page(h, &index, err, errlen);
	free(pages);
	return ret;
}
