/* SPDX-License-Identifier: GPL-2.0 */
/* The case files named on the command line: files as given, directories as their *.yaml. */
#ifndef IORFD_CASE_LIST_H
#define IORFD_CASE_LIST_H

struct case_list {
	char **paths;
	int nr;
};

/* 0, or -1 with a message on stderr (a path that does not exist, say). */
int case_list_collect(struct case_list *l, char *const *args, int nr_args);
void case_list_free(struct case_list *l);

#endif /* IORFD_CASE_LIST_H */
