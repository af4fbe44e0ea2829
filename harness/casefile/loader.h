/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the case loader (case_load.c, load_program.c, load_expect.c):
 * the loader's state and the helpers every part of it reads values with.
 * Each reports through ld_fail(), which puts FILE:LINE:COL in front, so a
 * message always names the node a human has to change.  Not for other
 * rooms: they get a struct iorfd_case from case_load().
 */
#ifndef IORFD_LOADER_H
#define IORFD_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "casefile/yaml_tree.h"
#include "model/case.h"

#define PIO_SPACE_END 0x10000ull /* in/out take a 16-bit port */

#define CASE_MATRIX_KEYS   6
#define CASE_MATRIX_VALUES 16

/* The combination of a matrix: being loaded (case_load.c, apply_matrix()). */
struct matrix {
	int nr;
	const char *names[CASE_MATRIX_KEYS];
	const char *values[CASE_MATRIX_KEYS][CASE_MATRIX_VALUES];
	int nr_values[CASE_MATRIX_KEYS];
	int pick[CASE_MATRIX_KEYS]; /* this combination's value of each key */
	char suffix[CASE_NAME_MAX]; /* "-VALUE-VALUE", for the case's name */
};

struct loader {
	const char *file; /* as given, for messages */
	enum iorfd_rev rev;
	struct iorfd_case *c;
	struct case_error *err;
	struct matrix matrix;
};

/* Each is documented where it is defined (load_values.c, load_program.c, load_expect.c). */

/* Errors, nodes and keys */
__attribute__((format(printf, 3, 4))) int ld_fail(struct loader *l, const struct ynode *n,
						  const char *fmt, ...);
struct src_loc ld_loc_of(const struct loader *l, const struct ynode *n);
int ld_want_map(struct loader *l, const struct ynode *n);
int ld_check_schema(struct loader *l, const struct ynode *map, const char *context,
		    const char *name);
const struct ynode *ld_need_key(struct loader *l, const struct ynode *map, const char *key);

/* Values, after per-revision selection */
const struct ynode *ld_resolve(struct loader *l, const struct ynode *n, const char *what);
const struct ynode *ld_scalar(struct loader *l, const struct ynode *n, const char *what);
const struct ynode *ld_sequence(struct loader *l, const struct ynode *n);
int ld_get_u64(struct loader *l, const struct ynode *n, uint64_t *v, const struct ynode **at);
int ld_get_bool(struct loader *l, const struct ynode *n, bool *v);
int ld_get_enum(struct loader *l, const struct ynode *n, const char *const *names, const char *what,
		const char *list, int *idx);
int ld_get_kind(struct loader *l, const struct ynode *n, const char *context, const char *what,
		int *idx);
int ld_check_name(struct loader *l, const struct ynode *n);
int ld_get_region(struct loader *l, const struct ynode *n, int *idx, const struct ynode **at);
int ld_get_channel(struct loader *l, const struct ynode *n, int *idx);
int ld_get_errno(struct loader *l, const struct ynode *n, int *err);
uint64_t ld_size_mask(unsigned int size);
int ld_get_size(struct loader *l, const struct ynode *n, enum addr_space space, unsigned int *size);
int ld_get_value(struct loader *l, const struct ynode *n, unsigned int size, uint64_t *v);
int ld_check_access(struct loader *l, const struct ynode *at, enum addr_space space, uint64_t addr,
		    unsigned int size);
int ld_pick_one(struct loader *l, const struct ynode *map, const char *const *keys, const char *op,
		const char *list, int *which, const struct ynode **val);
int ld_fixed(struct loader *l, const struct ynode *n, const char *key);
int ld_get_int(struct loader *l, const struct ynode *n, const char *what, int min, int max,
	       int *out);
int ld_get_vcpu(struct loader *l, const struct ynode *n, int *out);
int ld_get_flags(struct loader *l, const struct ynode *n, uint32_t *flags);

/* The parts case_load.c hands on */
int ld_load_vcpus(struct loader *l, const struct ynode *root);
int ld_load_timeline(struct loader *l, const struct ynode *root);
int ld_load_expect(struct loader *l, const struct ynode *root);
/* A device case (load_device.c): keys first, then what follows the header. */
int ld_refuse_guest_keys(struct loader *l, const struct ynode *root);
int ld_load_device(struct loader *l, const struct ynode *root);

/*
 * The next region of the case, named @key, its map @map checked against
 * the schema's @schema entry: NULL after the error (a bad or repeated
 * name, too many regions, a map that breaks the schema).
 */
struct case_region *ld_new_region(struct loader *l, const struct ynode *key,
				  const struct ynode *map, const char *schema);

#endif /* IORFD_LOADER_H */
