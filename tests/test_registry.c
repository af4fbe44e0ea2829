// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the requirement registry (harness/casefile/registry.c).
 *
 * The real docs/requirements.yaml must load and say what the suite relies
 * on, and every ID the cases in cases/ cite must be in it.  Each class of
 * error in a registry file has one table entry: a small file and the exact
 * "FILE:LINE:COL: message" the loader must produce.  The lint helpers are
 * checked on hand-made cases, output byte for byte.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/case.h"
#include "casefile/registry.h"

#define REAL_REGISTRY "docs/requirements.yaml"
#define ALL	      IORFD_ALL_REVS
#define V1	      (1u << IORFD_V1)
#define V2	      (1u << IORFD_V2)
#define V3	      (1u << IORFD_V3)

static char tmp_dir[64];
static char tmp_path[128];

static void write_tmp(const char *text)
{
	FILE *f = fopen(tmp_path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void load_ok(const char *path, struct registry *reg)
{
	char err[512];

	if (registry_load(path, reg, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(err, "");
}

/* ---- the real registry ---------------------------------------------------- */

static void assert_req(const struct registry *reg, const char *id, enum req_level level,
		       unsigned int revs)
{
	const struct requirement *r = registry_find(reg, id);

	if (!r)
		fail_msg("%s is not in " REAL_REGISTRY, id);
	assert_string_equal(r->id, id);
	assert_int_equal(r->level, level);
	assert_int_equal(r->revisions, revs);
}

static void test_real_registry(void **state)
{
	struct registry reg;

	load_ok(REAL_REGISTRY, &reg);
	assert_true(reg.nr > 80);
	assert_string_equal(reg.file, REAL_REGISTRY);

	assert_req(&reg, "WIRE-1", REQ_MUST, ALL);
	assert_req(&reg, "WIRE-6", REQ_MUST, V3);
	assert_req(&reg, "WIRE-7", REQ_UNSPECIFIED, ALL);
	assert_req(&reg, "FIELD-5", REQ_MUST, ALL);
	assert_req(&reg, "REG-V1-2", REQ_MUST, V1 | V2);
	assert_req(&reg, "REG-V3-5", REQ_MUST, V3);
	assert_req(&reg, "ORD-2", REQ_MUST, V2 | V3);
	assert_req(&reg, "ORD-4", REQ_UNSPECIFIED, V1);
	assert_req(&reg, "FLUSH-2", REQ_UNSPECIFIED, ALL);
	assert_req(&reg, "ERR-0", REQ_MUST, ALL);
	assert_req(&reg, "ERR-8", REQ_UNSPECIFIED, ALL);
	assert_req(&reg, "ERR-14", REQ_UNSPECIFIED, V3);
	assert_req(&reg, "ERR-16", REQ_MUST, V1);
	assert_req(&reg, "LIFE-2B", REQ_UNSPECIFIED, ALL);
	assert_req(&reg, "BUG-B1", REQ_MUST, ALL);
	assert_req(&reg, "BUG-B21", REQ_SHOULD, V1);
	assert_string_equal(registry_find(&reg, "BUG-B1")->bug, "B1");
	assert_null(registry_find(&reg, "WIRE-1")->bug);
	assert_null(registry_find(&reg, "LIFE-2b"));
	assert_null(registry_find(&reg, "XYZ-9"));
	registry_free(&reg);
	assert_int_equal(reg.nr, 0);
	assert_null(reg.reqs);
}

/* Every clause family of the spec notes has its entries, by number. */
static void test_real_registry_families(void **state)
{
	static const struct {
		const char *prefix;
		int first, last;
	} fam[] = {
		{"WIRE", 1, 9},	  {"FIELD", 1, 5},     {"REG", 1, 10}, {"REG-V1", 1, 3},
		{"REG-V3", 1, 6}, {"DISPATCH", 1, 10}, {"POST", 1, 6}, {"ORD", 1, 5},
		{"FLUSH", 1, 4},  {"ERR", 0, 16},      {"LIFE", 1, 6}, {"BUG-B", 1, 26},
	};
	struct registry reg;
	char id[REQ_ID_MAX];
	size_t i;
	int n;

	load_ok(REAL_REGISTRY, &reg);
	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		for (n = fam[i].first; n <= fam[i].last; n++) {
			snprintf(id, sizeof(id), "%s%s%d", fam[i].prefix,
				 strcmp(fam[i].prefix, "BUG-B") ? "-" : "", n);
			if (!registry_find(&reg, id))
				fail_msg("%s is missing", id);
		}
	}
	registry_free(&reg);
}

/* The check lint makes, here too, so 'make unit' catches a stray ID. */
static void test_cases_cite_known_ids(void **state)
{
	struct iorfd_case *c = malloc(sizeof(*c));
	struct case_error err;
	struct registry reg;
	enum iorfd_rev rev;
	glob_t g;
	size_t i;
	int j;

	assert_non_null(c);
	load_ok(REAL_REGISTRY, &reg);
	assert_int_equal(glob("cases/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc > 0);
	for (i = 0; i < g.gl_pathc; i++) {
		int v, nr_variants = 1;

		for (v = 0; v < nr_variants; v++)
			for_each_rev(rev) {
				if (case_load_variant(g.gl_pathv[i], rev, v, c, &err))
					fail_msg("%s", err.msg);
				nr_variants = c->nr_variants;
				for (j = 0; j < c->nr_reqs; j++) {
					if (!registry_find(&reg, c->reqs[j]))
						fail_msg("%s:%d:%d: unknown requirement '%s'",
							 c->file, c->req_loc[j].line,
							 c->req_loc[j].col, c->reqs[j]);
				}
			}
	}
	globfree(&g);
	registry_free(&reg);
	free(c);
}

/* ---- a small registry, field by field --------------------------------------- */

#define ENTRY(id, level, revs) "  - id: " id "\n    level: " level "\n    revisions: " revs "\n"
#define BODY		       "    text: A rule.\n    source: RFC v3 1/5\n"

/* Four entries, one of each level and shape; WIRE-1 is at line 3. */
static const char small_text[] =
	"# comment\n"
	"requirements:\n"
	"  - id: WIRE-1\n"
	"    level: MUST\n"
	"    revisions: [v1, v2, v3]\n"
	"    text: A rule.\n"
	"    source: RFC v3 1/5\n"
	"    notes: >-\n"
	"      Folded\n"
	"      note.\n"
	"  - {id: WIRE-2, level: SHOULD, revisions: [v3], text: t, source: s}\n"
	"  - id: REG-V3-5\n"
	"    level: UNSPECIFIED\n"
	"    revisions: [v3, v1]\n"
	"    text: t\n"
	"    source: s\n"
	"  - id: BUG-B7\n"
	"    level: MUST\n"
	"    revisions: [v3]\n"
	"    text: t\n"
	"    source: s\n"
	"    bug: B7\n";

static void test_small_registry(void **state)
{
	struct registry reg;
	const struct requirement *r;

	write_tmp(small_text);
	load_ok(tmp_path, &reg);
	assert_int_equal(reg.nr, 4);

	r = &reg.reqs[0];
	assert_string_equal(r->id, "WIRE-1");
	assert_int_equal(r->level, REQ_MUST);
	assert_int_equal(r->revisions, ALL);
	assert_string_equal(r->text, "A rule.");
	assert_string_equal(r->source, "RFC v3 1/5");
	assert_string_equal(r->notes, "Folded note.");
	assert_null(r->bug);
	assert_int_equal(r->line, 3);
	assert_int_equal(r->col, 9);

	r = registry_find(&reg, "REG-V3-5");
	assert_ptr_equal(r, &reg.reqs[2]);
	assert_int_equal(r->level, REQ_UNSPECIFIED);
	assert_int_equal(r->revisions, V1 | V3);
	assert_null(r->notes);
	assert_int_equal(reg.reqs[1].level, REQ_SHOULD);
	assert_string_equal(reg.reqs[3].bug, "B7");

	assert_string_equal(req_level_name(REQ_MUST), "MUST");
	assert_string_equal(req_level_name(REQ_SHOULD), "SHOULD");
	assert_string_equal(req_level_name(REQ_UNSPECIFIED), "UNSPECIFIED");
	registry_free(&reg);
}

static void test_id_syntax(void **state)
{
	assert_true(registry_id_ok("WIRE-1"));
	assert_true(registry_id_ok("REG-V3-5"));
	assert_true(registry_id_ok("LIFE-2B"));
	assert_true(registry_id_ok("DISPATCH-10"));
	assert_true(registry_id_ok("ABCDEFGHIJKL-12")); /* 15 characters */
	assert_false(registry_id_ok("ABCDEFGHIJKL-123"));
	assert_false(registry_id_ok("LIFE-2b"));
	assert_false(registry_id_ok("WIRE"));
	assert_false(registry_id_ok("WIRE-"));
	assert_false(registry_id_ok("-1"));
	assert_false(registry_id_ok("WIRE--1"));
	assert_false(registry_id_ok("wire-1"));
	assert_false(registry_id_ok(""));
}

/* ---- errors ------------------------------------------------------------------ */

struct err_case {
	const char *name;
	const char *text;
	const char *msg; /* after "FILE:" */
};

#define HEAD "requirements:\n"
#define OK1  ENTRY("WIRE-1", "MUST", "[v1]") BODY

static const struct err_case err_cases[] = {
	{"empty file", "# nothing\n", "1:1: no requirements in the file"},
	{"root not a mapping", "- id: WIRE-1\n", "1:1: expected a mapping, found a sequence"},
	{"unknown top-level key", HEAD OK1 "extra: 1\n", "7:1: unknown key 'extra'"},
	{"missing requirements", "{}\n", "1:1: missing key 'requirements'"},
	{"requirements not a sequence", "requirements: {id: WIRE-1}\n",
	 "1:15: 'requirements' must be a sequence, found a mapping"},
	{"entry not a mapping", HEAD "  - WIRE-1\n", "2:5: expected a mapping, found a scalar"},
	{"unknown key", HEAD OK1 "    sev: high\n", "7:5: unknown key 'sev'"},
	{"missing id", HEAD "  - level: MUST\n    revisions: [v1]\n" BODY, "2:5: missing key 'id'"},
	{"missing level", HEAD "  - id: WIRE-1\n    revisions: [v1]\n" BODY,
	 "2:5: missing key 'level'"},
	{"missing revisions", HEAD "  - id: WIRE-1\n    level: MUST\n" BODY,
	 "2:5: missing key 'revisions'"},
	{"missing text", HEAD ENTRY("WIRE-1", "MUST", "[v1]") "    source: x\n",
	 "2:5: missing key 'text'"},
	{"missing source", HEAD ENTRY("WIRE-1", "MUST", "[v1]") "    text: x\n",
	 "2:5: missing key 'source'"},
	{"duplicate id", HEAD OK1 ENTRY("WIRE-1", "SHOULD", "[v2]") BODY,
	 "7:9: duplicate requirement 'WIRE-1' (first at line 2)"},
	{"bad id", HEAD ENTRY("wire-1", "MUST", "[v1]") BODY,
	 "2:9: bad requirement ID 'wire-1' (like WIRE-1)"},
	{"lower-case suffix", HEAD ENTRY("LIFE-2b", "MUST", "[v1]") BODY,
	 "2:9: bad requirement ID 'LIFE-2b' (like WIRE-1)"},
	{"id too long", HEAD ENTRY("DISPATCHING-1234", "MUST", "[v1]") BODY,
	 "2:9: requirement ID 'DISPATCHING-1234' is longer than 15 characters"},
	{"id not a scalar", HEAD ENTRY("[WIRE-1]", "MUST", "[v1]") BODY,
	 "2:9: 'id' must be a string, found a sequence"},
	{"bad level", HEAD ENTRY("WIRE-1", "MAY", "[v1]") BODY,
	 "3:12: unknown level 'MAY' (expected MUST, SHOULD or UNSPECIFIED)"},
	{"lower-case level", HEAD ENTRY("WIRE-1", "must", "[v1]") BODY,
	 "3:12: unknown level 'must' (expected MUST, SHOULD or UNSPECIFIED)"},
	{"bad revision", HEAD ENTRY("WIRE-1", "MUST", "[v1, v4]") BODY,
	 "4:21: unknown revision 'v4' (expected v1, v2 or v3)"},
	{"revision twice", HEAD ENTRY("WIRE-1", "MUST", "[v3, v3]") BODY,
	 "4:21: revision v3 listed twice"},
	{"no revisions", HEAD ENTRY("WIRE-1", "MUST", "[]") BODY,
	 "4:16: revisions must name at least one revision"},
	{"revisions scalar", HEAD ENTRY("WIRE-1", "MUST", "v1") BODY,
	 "4:16: 'revisions' must be a sequence, found a scalar"},
	{"revision not a scalar", HEAD ENTRY("WIRE-1", "MUST", "[[v1]]") BODY,
	 "4:17: expected a revision (v1, v2 or v3), found a sequence"},
	{"empty text", HEAD ENTRY("WIRE-1", "MUST", "[v1]") "    text: ''\n    source: x\n",
	 "5:11: 'text' is empty"},
	{"null source", HEAD ENTRY("WIRE-1", "MUST", "[v1]") "    text: x\n    source:\n",
	 "6:12: 'source' must be a string, found an empty value"},
	{"notes not a string", HEAD OK1 "    notes: [a]\n",
	 "7:12: 'notes' must be a string, found a sequence"},
	{"bad bug", HEAD OK1 "    bug: 7\n", "7:10: bad bug reference '7' (like B7)"},
	{"bug with leading zero", HEAD OK1 "    bug: B07\n",
	 "7:10: bad bug reference 'B07' (like B7)"},
	{"bug id without bug", HEAD ENTRY("BUG-B3", "MUST", "[v2]") BODY, "2:5: missing key 'bug'"},
	{"bug id mismatch", HEAD ENTRY("BUG-B3", "MUST", "[v2]") BODY "    bug: B4\n",
	 "7:10: bug 'B4' does not match requirement BUG-B3"},
	{"duplicate key", HEAD OK1 "    level: SHOULD\n",
	 "7:5: duplicate key 'level' (first at line 3)"},
	{"yaml syntax", HEAD "  - id: [WIRE-1\n",
	 "3:1: did not find expected ',' or ']' (while parsing a flow sequence at line 2)"},
};

static void test_error(void **state)
{
	const struct err_case *e = *state;
	struct registry reg;
	char err[512], want[640];

	write_tmp(e->text);
	snprintf(want, sizeof(want), "%s:%s", tmp_path, e->msg);
	assert_int_equal(registry_load(tmp_path, &reg, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	/* A failed load leaves nothing behind. */
	assert_int_equal(reg.nr, 0);
	assert_null(reg.reqs);
	assert_null(reg.file);
	registry_free(&reg);
}

static void test_missing_file(void **state)
{
	struct registry reg;
	char err[256];

	assert_int_equal(registry_load("tests/data/no-such.yaml", &reg, err, sizeof(err)), -1);
	assert_string_equal(err, "tests/data/no-such.yaml: No such file or directory");
	registry_free(&reg);
}

/* A message that does not fit is cut, not overrun. */
static void test_short_error_buffer(void **state)
{
	struct registry reg;
	char err[8];

	write_tmp(HEAD ENTRY("WIRE-1", "MAY", "[v1]") BODY);
	assert_int_equal(registry_load(tmp_path, &reg, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_memory_equal(err, tmp_path, sizeof(err) - 1);
	registry_free(&reg);
}

/* ---- lint helpers -------------------------------------------------------------- */

/* A case loaded at @rev that runs @revisions and cites @ids at line 7. */
static void fake_case(struct iorfd_case *c, enum iorfd_rev rev, unsigned int revisions,
		      const char *const *ids)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->file, "cases/x.yaml");
	c->rev = rev;
	c->revisions = revisions;
	for (; *ids; ids++, c->nr_reqs++) {
		strcpy(c->req_buf[c->nr_reqs], *ids);
		c->reqs[c->nr_reqs] = c->req_buf[c->nr_reqs];
		c->req_loc[c->nr_reqs] = (struct src_loc){c->file, 7, 16 + 10 * c->nr_reqs};
	}
}

/* What registry_cite_report prints for @rc, as a malloc()ed string. */
static char *cite_report(const struct req_cites *rc, int *unknown)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	*unknown = registry_cite_report(rc, "cases/x.yaml", f);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void test_cite(void **state)
{
	static const char *const ids[] = {"WIRE-1", "REG-V3-5", "XYZ-9", NULL};
	struct iorfd_case *c = malloc(sizeof(*c));
	struct req_cites *rc = calloc(1, sizeof(*rc));
	bool cited[4] = {false};
	struct registry reg;
	enum iorfd_rev rev;
	int unknown;
	char *out;

	assert_non_null(c);
	assert_non_null(rc);
	write_tmp(small_text);
	load_ok(tmp_path, &reg);
	/* Runs v2 and v3; loaded at all three, as lint does. */
	for_each_rev(rev) {
		fake_case(c, rev, V2 | V3, ids);
		registry_cite(&reg, c, rc, cited);
	}
	assert_int_equal(rc->nr, 3);
	assert_true(cited[0]);
	assert_false(cited[1]);
	assert_true(cited[2]);
	assert_false(cited[3]);
	out = cite_report(rc, &unknown);
	assert_int_equal(unknown, 1);
	/* REG-V3-5 here is [v3, v1]: v1 is not run, so only v2 is out of place. */
	assert_string_equal(out, "cases/x.yaml:7:26: warning: requirement 'REG-V3-5' applies to "
				 "v1, v3 only, but the case also runs v2\n"
				 "cases/x.yaml:7:36: unknown requirement 'XYZ-9'\n");
	free(out);
	registry_free(&reg);
	free(rc);
	free(c);
}

/* A revision the case does not run is neither coverage nor a warning. */
static void test_cite_outside_revisions(void **state)
{
	static const char *const ids[] = {"WIRE-2", NULL};
	struct iorfd_case *c = malloc(sizeof(*c));
	struct req_cites *rc = calloc(1, sizeof(*rc));
	bool cited[4] = {false};
	struct registry reg;
	int unknown;
	char *out;

	assert_non_null(c);
	assert_non_null(rc);
	write_tmp(small_text);
	load_ok(tmp_path, &reg);
	fake_case(c, IORFD_V1, V3, ids);
	registry_cite(&reg, c, rc, cited);
	assert_false(cited[1]);
	fake_case(c, IORFD_V3, V3, ids);
	registry_cite(&reg, c, rc, cited);
	assert_true(cited[1]);
	out = cite_report(rc, &unknown);
	assert_int_equal(unknown, 0);
	assert_string_equal(out, "");
	free(out);
	registry_free(&reg);
	free(rc);
	free(c);
}

/* What registry_report() prints for @cited. */
static char *report_text(const struct registry *reg, const bool *cited)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	registry_report(reg, cited, REQ_END_KERNEL | REQ_END_DEVICE, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void test_report(void **state)
{
	bool cited[4] = {true, false, false, false};
	struct registry reg;
	char *out;

	write_tmp(small_text);
	load_ok(tmp_path, &reg);
	out = report_text(&reg, cited);
	assert_string_equal(out, "lint: 4 requirements, 1 cited by a case; MUST without a case: "
				 "BUG-B7\n"
				 "lint: cited/total by group: WIRE 1/2 REG 0/1 BUG 0/1\n");
	free(out);
	cited[3] = true;
	out = report_text(&reg, cited);
	assert_string_equal(out, "lint: 4 requirements, 2 cited by a case; MUST without a case: "
				 "none\n"
				 "lint: cited/total by group: WIRE 1/2 REG 0/1 BUG 1/1\n");
	free(out);
	registry_free(&reg);
}

/* A MUST no case here can show is named apart from the ones that merely lack a case. */
static void test_report_untestable(void **state)
{
	static const char text[] =
		"requirements:\n"
		"  - {id: REG-1, level: MUST, revisions: [v1], text: t, source: s}\n"
		"  - {id: REG-2, level: MUST, revisions: [v1], text: t, source: s,\n"
		"     untestable: needs another architecture}\n";
	bool cited[2] = {false, false};
	struct registry reg;
	char *out;

	write_tmp(text);
	load_ok(tmp_path, &reg);
	assert_string_equal(reg.reqs[1].untestable, "needs another architecture");
	assert_null(reg.reqs[0].untestable);
	out = report_text(&reg, cited);
	assert_string_equal(out, "lint: 2 requirements, 0 cited by a case; MUST without a case: "
				 "REG-1\n"
				 "lint: REG-2 not testable here: needs another architecture\n"
				 "lint: cited/total by group: REG 0/2\n");
	free(out);
	registry_free(&reg);
}

/* ---- setup ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	strcpy(tmp_dir, "/tmp/test_registry.XXXXXX");
	if (!mkdtemp(tmp_dir))
		return -1;
	snprintf(tmp_path, sizeof(tmp_path), "%s/requirements.yaml", tmp_dir);
	return 0;
}

static int group_teardown(void **state)
{
	unlink(tmp_path);
	rmdir(tmp_dir);
	return 0;
}

#define NR_ERR_CASES (sizeof(err_cases) / sizeof(err_cases[0]))

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_real_registry),
		cmocka_unit_test(test_real_registry_families),
		cmocka_unit_test(test_cases_cite_known_ids),
		cmocka_unit_test(test_small_registry),
		cmocka_unit_test(test_id_syntax),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_short_error_buffer),
		cmocka_unit_test(test_cite),
		cmocka_unit_test(test_cite_outside_revisions),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_untestable),
	};
	static struct CMUnitTest tests[sizeof(fixed) / sizeof(fixed[0]) + NR_ERR_CASES];
	size_t i, n = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	/* One test per error class, named after it. */
	for (i = 0; i < NR_ERR_CASES; i++) {
		tests[n++] = (struct CMUnitTest){
			.name = err_cases[i].name,
			.test_func = test_error,
			.initial_state = (void *)&err_cases[i],
		};
	}
	return _cmocka_run_group_tests("registry", tests, n, group_setup, group_teardown);
}
