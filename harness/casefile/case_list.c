// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casefile/case_list.h"
#include "lib/printable.h"

static int add(struct case_list *l, const char *path)
{
	char **p = realloc(l->paths, (l->nr + 1) * sizeof(*p));

	if (!p)
		return -1;
	l->paths = p;
	l->paths[l->nr] = strdup(path);
	return l->paths[l->nr++] ? 0 : -1;
}

static int yaml_only(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

static int add_dir(struct case_list *l, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, yaml_only, alphasort), i, err = 0;
	size_t dl = strlen(dir);
	char shown[PATH_MAX];

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", printable_copy(shown, sizeof(shown), dir),
			strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/",
			 ents[i]->d_name);
		if (!err)
			err = add(l, path);
		free(ents[i]);
	}
	free(ents);
	return err;
}

int case_list_collect(struct case_list *l, char *const *args, int nr_args)
{
	int i;

	l->paths = NULL;
	l->nr = 0;
	for (i = 0; i < nr_args; i++) {
		struct stat st;
		char shown[PATH_MAX];

		if (stat(args[i], &st)) {
			fprintf(stderr, "%s: %s\n", printable_copy(shown, sizeof(shown), args[i]),
				strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode) ? add_dir(l, args[i]) : add(l, args[i]))
			goto fail;
	}
	return 0;
fail:
	case_list_free(l);
	return -1;
}

void case_list_free(struct case_list *l)
{
	int i;

	for (i = 0; i < l->nr; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
	l->nr = 0;
}
