/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite's own files, named by their path in the repository: "cases/",
 * "expectations", "docs/requirements.yaml", "harness/vm/vm-run.sh".
 *
 * A binary finds them beside itself, through /proc/self/exe (so a symlink
 * to the binary does not matter): the top of the repository for
 * ./iorfd-conform, the collection directory for the binary of a kselftest
 * install ('make install'), which keeps the repository's layout for what it
 * carries.  The VM scripts are also looked for in the source tree the
 * binary was built from (IORFD_SRCDIR), for the sanitizer and coverage
 * builds under build/, which run in VMs too.
 */
#ifndef IORFD_DATA_PATH_H
#define IORFD_DATA_PATH_H

#include <stddef.h>

/* @rel beside this binary, into @buf; -1 when it is not there. */
int data_beside(const char *rel, char *buf, size_t len);

/* @rel beside this binary or else in its source tree, into @buf; -1 when neither has it. */
int data_path(const char *rel, char *buf, size_t len);

/*
 * An input named relative to the working directory (a default such as
 * "cases/", or --expect's value): @path itself when it is absolute or
 * exists here, as it always did, else the copy beside this binary when
 * there is one (data_beside()), else @path again, so that the error about
 * it names what was asked for.  Returns @path or @buf.
 */
const char *data_find(const char *path, char *buf, size_t len);

#endif /* IORFD_DATA_PATH_H */
