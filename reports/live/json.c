// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "reports/live/json.h"
#include "reports/live/tx_source.h"

/* Records are separated by commas: remember whether one was written. */
static bool json_first;

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void hex(FILE *f, unsigned long long v)
{
	fprintf(f, "\"0x%llx\"", v);
}

void json_begin(FILE *f, const struct json_run *run)
{
	char started[32];
	struct utsname u;
	struct tm tm;
	time_t now;
	int i;

	if (uname(&u))
		u.release[0] = u.nodename[0] = '\0';
	fprintf(f, "{\n\"format\": \"iorfd-conform-results-1\",\n\"suite_version\": ");
	json_str(f, run->version);
	fprintf(f, ",\n\"kernel\": ");
	json_str(f, u.release);
	fprintf(f, ",\n\"target\": ");
	json_str(f, run->target);
	/* JUnit wants both; Ant's schema allows no time zone, so the time is UTC, said here. */
	now = time(NULL);
	if (!gmtime_r(&now, &tm) || !strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%S", &tm))
		started[0] = '\0';
	fprintf(f, ",\n\"device\": ");
	if (run->device)
		json_str(f, run->device);
	else
		fputs("null", f);
	fprintf(f, ",\n\"started\": ");
	json_str(f, started);
	fprintf(f, ",\n\"hostname\": ");
	json_str(f, u.nodename[0] ? u.nodename : "localhost");
	fprintf(f, ",\n\"probe\": {\"present\": %s, \"revision\": ",
		run->probe->present ? "true" : "false");
	if (run->probe->rev_known)
		json_str(f, rev_name(run->probe->rev));
	else
		fputs("null", f);
	fprintf(f, ", \"how\": ");
	json_str(f, run->probe->how);
	fprintf(f, "},\n\"environment\": ");
	if (run->note)
		json_str(f, run->note);
	else
		fputs("null", f);
	fprintf(f, ",\n\"cases_hash\": \"%016llx\",\n\"command_line\": [", run->cases_hash);
	for (i = 0; i < run->argc; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, run->argv[i]);
	}
	fprintf(f, "],\n\"results\": [\n");
	json_first = true;
}

static void record_head(FILE *f, const char *name, const char *file, enum iorfd_rev rev)
{
	char group[CASE_NAME_MAX];

	/* Reports group cases by the name's prefix before its first '-'. */
	snprintf(group, sizeof(group), "%.*s", case_group_len(name), name);
	fputs(json_first ? "" : ",\n", f);
	json_first = false;
	fprintf(f, "{\"case\": ");
	json_str(f, name);
	fprintf(f, ", \"revision\": ");
	json_str(f, rev_name(rev));
	fprintf(f, ", \"file\": ");
	json_str(f, file);
	fprintf(f, ", \"group\": ");
	json_str(f, group);
}

static void violations(FILE *f, const struct tx_entry *t)
{
	int i;

	fprintf(f, ", \"violations\": [");
	for (i = 0; i < t->nr_viol && i < TX_MAX_VIOLATIONS; i++) {
		fprintf(f, "%s{\"requirement\": ", i ? ", " : "");
		json_str(f, t->viol[i].req);
		fprintf(f, ", \"message\": ");
		json_str(f, t->viol[i].msg);
		fputc('}', f);
	}
	fputc(']', f);
}

/* A number, or null when it is negative: not known. */
static void num_or_null(FILE *f, const char *key, long long v)
{
	if (v < 0)
		fprintf(f, ", \"%s\": null", key);
	else
		fprintf(f, ", \"%s\": %lld", key, v);
}

static void transcript(FILE *f, const struct iorfd_case *c, const struct case_result *r,
		       const struct tx_source *src)
{
	int n = r->nr_tx < RESULT_MAX_TX ? r->nr_tx : RESULT_MAX_TX, i;

	fprintf(f, ",\n \"transcript\": [");
	for (i = 0; i < n; i++) {
		const struct tx_entry *t = &r->tx[i];
		char raw[128], dec[256];
		struct wire_cmd cmd;

		wire_decode_cmd(c->rev, t->raw, &cmd);
		wire_format_raw(raw, sizeof(raw), t->raw);
		wire_format_cmd(dec, sizeof(dec), &cmd);
		fprintf(f, "%s\n  {\"seq\": %llu, \"channel\": ", i ? "," : "",
			(unsigned long long)t->seq);
		json_str(f, c->channels[t->channel].name);
		/* Where it came from (reports/live/tx_source.h): null where unknown. */
		fprintf(f, ", \"region\": ");
		if (src[i].region >= 0)
			json_str(f, c->regions[src[i].region].name);
		else
			fputs("null", f);
		num_or_null(f, "vcpu", src[i].vcpu);
		num_or_null(f, "step", src[i].step);
		fprintf(f, ", \"bytes\": %d, \"raw\": ", t->len);
		json_str(f, raw);
		fprintf(f, ", \"decoded\": ");
		json_str(f, dec);
		fprintf(f, ", \"cmd\": %u, \"size\": %u, \"resp\": %d, \"user_data\": ", cmd.cmd,
			wire_size_bytes(cmd.size_code), cmd.resp);
		hex(f, cmd.user_data);
		fprintf(f, ", \"offset\": ");
		hex(f, cmd.offset);
		fprintf(f, ", \"data\": ");
		hex(f, cmd.data);
		fprintf(f, ", \"replied\": %s", t->replied ? "true" : "false");
		if (t->replied) {
			fprintf(f, ", \"reply\": ");
			hex(f, t->reply);
		}
		violations(f, t);
		fputc('}', f);
	}
	fputc(']', f);
}

static void exits(FILE *f, const struct case_result *r, const long long *step)
{
	int n = r->nr_exits < RESULT_MAX_EXITS ? r->nr_exits : RESULT_MAX_EXITS, i;

	fprintf(f, ",\n \"exits\": [");
	for (i = 0; i < n; i++) {
		const struct exit_entry *e = &r->exits[i];

		fprintf(f,
			"%s\n  {\"seq\": %llu, \"vcpu\": %d, \"space\": \"%s\", \"op\": \"%s\", \"addr\": ",
			i ? "," : "", (unsigned long long)e->seq, e->vcpu, space_name(e->space),
			e->write ? "write" : "read");
		hex(f, e->addr);
		fprintf(f, ", \"size\": %u, \"data\": ", e->size);
		hex(f, e->data);
		num_or_null(f, "step", step[i]);
		fputc('}', f);
	}
	fputc(']', f);
}

/* A string field, or null when empty. */
static void str_or_null(FILE *f, const char *key, const char *s)
{
	fprintf(f, ", \"%s\": ", key);
	if (s && s[0])
		json_str(f, s);
	else
		fputs("null", f);
}

/*
 * A failure's fields, for the reports made from this file, and "message",
 * the text KTAP showed, for people and older readers.
 */
static void json_failure(FILE *f, const struct failure *fl, int i)
{
	char text[FAIL_TEXT_MAX];

	failure_text(fl, text, sizeof(text));
	fprintf(f, "%s{\"kind\": \"%s\"", i ? ",\n  " : "", fail_kind_name(fl->kind));
	str_or_null(f, "requirement", fl->req);
	str_or_null(f, "file", fl->file);
	if (fl->file[0])
		fprintf(f, ", \"line\": %d, \"col\": %d", fl->line, fl->col);
	str_or_null(f, "channel", fl->channel);
	if (fl->index)
		fprintf(f, ", \"index\": %d", fl->index);
	if (fl->seq)
		fprintf(f, ", \"seq\": %llu", (unsigned long long)fl->seq - 1);
	if (fl->vcpu)
		fprintf(f, ", \"vcpu\": %d", fl->vcpu - 1);
	if (fl->vcpu && fl->step)
		fprintf(f, ", \"step\": %llu", (unsigned long long)fl->step - 1);
	str_or_null(f, "headline", fl->headline);
	str_or_null(f, "expected", fl->expected);
	str_or_null(f, "observed", fl->observed);
	str_or_null(f, "detail", fl->detail);
	fprintf(f, ", \"message\": ");
	json_str(f, text);
	fputc('}', f);
}

void json_case(FILE *f, const struct iorfd_case *c, const struct case_result *r)
{
	int n = r->nr_failures < RESULT_MAX_FAILURES ? r->nr_failures : RESULT_MAX_FAILURES, i;
	struct tx_source src[RESULT_MAX_TX];
	long long exit_step[RESULT_MAX_EXITS];

	record_head(f, c->name, c->file, c->rev);
	fprintf(f, ", \"line\": %d, \"summary\": ", c->loc.line);
	json_str(f, c->summary);
	fprintf(f, ",\n \"requirements\": [");
	for (i = 0; i < c->nr_reqs; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, c->reqs[i]);
	}
	fprintf(f,
		"], \"verdict\": \"%s\", \"usec\": {\"setup\": %llu, \"run\": %llu, \"check\": %llu}",
		verdict_name(r->verdict), (unsigned long long)r->usec_setup,
		(unsigned long long)r->usec_run, (unsigned long long)r->usec_check);
	fprintf(f, ", \"duration\": %.6f",
		(double)(r->usec_setup + r->usec_run + r->usec_check) / 1e6);
	if (r->verdict == VERDICT_SKIP || r->verdict == VERDICT_XFAIL ||
	    r->verdict == VERDICT_XPASS) {
		fprintf(f, ", \"reason\": ");
		json_str(f, r->verdict == VERDICT_SKIP ? r->skip_reason : r->xfail_reason);
	}
	fprintf(f, ",\n \"failures\": [");
	for (i = 0; i < n; i++)
		json_failure(f, &r->failures[i], i);
	fprintf(f, "], \"notes\": [");
	for (i = 0; i < r->nr_notes && i < RESULT_MAX_NOTES; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, r->notes[i]);
	}
	fprintf(f, "], \"failures_total\": %d, \"seed\": \"0x%llx\"", r->nr_failures,
		(unsigned long long)r->seed);
	fprintf(f, ",\n \"vcpus\": [");
	for (i = 0; i < c->nr_vcpus; i++)
		fprintf(f, "%s{\"done\": %s, \"step\": %lld}", i ? ", " : "",
			r->vcpu[i].done ? "true" : "false", (long long)r->vcpu[i].step);
	fputc(']', f);
	tx_sources(c, r, src, exit_step);
	transcript(f, c, r, src);
	exits(f, r, exit_step);
	fputc('}', f);
}

void json_skip(FILE *f, const char *name, const char *file, enum iorfd_rev rev, const char *reason)
{
	record_head(f, name, file, rev);
	/* Not run, so no seed was drawn for it. */
	fprintf(f, ", \"verdict\": \"skip\", \"duration\": 0, \"seed\": null, \"reason\": ");
	json_str(f, reason);
	fputc('}', f);
}

void json_end(FILE *f, const char *interrupted)
{
	fprintf(f, "\n],\n\"interrupted\": ");
	if (interrupted)
		json_str(f, interrupted);
	else
		fputs("null", f);
	fprintf(f, "\n}\n");
}
