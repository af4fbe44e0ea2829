// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML report's driver: the directory, the files, and which record gets
 * a page.  What goes on the pages is in html_index.c and html_case.c.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/offline/html.h"

static int write_page(const struct html_ctx *h, const char *name, int run, const struct rrecord *r,
		      char *err, size_t errlen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", h->dir, name);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (r)
		html_case_page(f, h, run, r);
	else
		html_index(f, h);
	if (ferror(f) | fclose(f)) {
		snprintf(err, errlen, "%s: write error", path);
		return -1;
	}
	return 0;
}

int html_report(const struct html_ctx *h, char *err, size_t errlen)
{
	char name[256];
	struct stat st;
	int run, i;

	if (mkdir(h->dir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", h->dir, strerror(errno));
		return -1;
	}
	if (stat(h->dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", h->dir);
		return -1;
	}
	if (write_page(h, "index.html", 0, NULL, err, errlen))
		return -1;
	for (run = 0; run < h->nr_runs; run++) {
		const struct rrun *rr = &h->runs[run];

		for (i = 0; i < rr->nr; i++) {
			const struct rrecord *r = &rr->recs[i];

			/* A case x revision listed twice gets the page of its first record,
			 * the one every link points at. */
			if (results_find(rr, r->name, r->rev) != r)
				continue;
			html_case_file(h, run, r, name, sizeof(name));
			if (write_page(h, name, run, r, err, errlen))
				return -1;
		}
	}
	return 0;
}
