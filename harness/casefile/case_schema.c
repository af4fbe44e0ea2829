// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <string.h>

#include "casefile/case_schema.h"
#include "lib/errno_names.h"
#include "model/case.h"

/* Longest key name, with its NUL. */
#define CASE_KEY_LEN 32

/*
 * The schema.  Entries of one context are in the order of the enum the
 * loader keeps for them (enum step_op, enum host_action, the timeline's
 * actions), which tests/test_case_load.c checks.
 */
static const struct schema_entry schema[] = {
	{"case", "",
	 "case summary? requirements? revisions? crash_risk? timeout_ms? vmm_sigpipe? "
	 "matrix? channels? regions? vcpus host? expect?",
	 "the file: its name, what it shows, what it needs, and the parts below"},
	{"channel", "", "kind responder? reset? nonblock? script?",
	 "a channel, under channels: NAME"},
	{"script entry", "", "at reply? delay_ms? hold? stall? fault? bytes?",
	 "how the responder answers command #at of its channel"},
	{"region", "",
	 "channel space? gpa size user_data? posted? errno? flags? read_fd? read_fd_of? write_fd? register?",
	 "a region, under regions: NAME"},
	{"vcpu", "", "program", "a vCPU, under vcpus: a list of these"},

	{"step", "read", "op region|mmio|pio offset? size expect? keep_upper?",
	 "a load of 1-8 bytes (MMIO) or an in (PIO)"},
	{"step", "write", "op region|mmio|pio offset? size value",
	 "a store of 1-8 bytes (MMIO) or an out (PIO)"},
	{"step", "sync", "op", "a point where the guest waits for the host's timeline"},
	{"step", "host",
	 "op action region|mmio|pio? size? errno? channel? flags? pointer? count? at_least? "
	 "uncapped_errno?",
	 "the VMM acts at this point of the program (keys by action: host step)"},
	{"step", "outs", "op region|mmio|pio offset? size values",
	 "rep outs: one instruction, one port, 1-16 elements"},
	{"step", "ins", "op region|mmio|pio offset? size count expect?",
	 "rep ins: count elements from one port"},
	{"step", "add", "op region|mmio|pio offset? size value",
	 "add to memory: a read, then a write (MMIO)"},
	{"step", "xchg", "op region|mmio|pio offset? size value expect?",
	 "xchg with memory: a read, then a write (MMIO)"},
	{"step", "cmpxchg", "op region|mmio|pio offset? size value compare expect?",
	 "lock cmpxchg: a read, then a write if it equals compare (MMIO)"},
	{"step", "store16", "op region|mmio|pio offset? values",
	 "movdqu store: 16 bytes from two 8-byte values (MMIO)"},
	{"step", "load16", "op region|mmio|pio offset? expect?",
	 "movdqu load: 16 bytes, checked as two 8-byte values (MMIO)"},

	{"host step", "register", "op action region errno? pointer?",
	 "KVM_SET_IOREGION of a region marked register: later"},
	{"host step", "deassign", "op action region errno? flags?",
	 "the removal request of the case's revision"},
	{"host step", "ioeventfd", "op action mmio|pio size errno?",
	 "KVM_IOEVENTFD at an address, against regions"},
	{"host step", "close_fds", "op action channel", "the VMM closes its ends of a channel"},
	{"host step", "fill_bus", "op action region count at_least? errno? uncapped_errno?",
	 "copies of a region side by side until one fails"},
	{"host step", "device_write", "op action channel errno?",
	 "the device end writes one byte where it sends replies"},
	{"host step", "nonblock_read_fd", "op action channel",
	 "O_NONBLOCK on the VMM's read fd of a channel (the file KVM holds too)"},
	{"host step", "nonblock_write_fd", "op action channel",
	 "O_NONBLOCK on the VMM's write fd of a channel (the file KVM holds too)"},
	{"host step", "fail_allocations", "op action region",
	 "KVM_SET_IOREGION with each slab allocation failing in turn (needs fault injection)"},
	{"host step", "fill_write_fd", "op action channel",
	 "the VMM fills KVM's write fd of a channel until it takes no more (a stalled device)"},

	{"timeline", "wait_commands", "wait_commands",
	 "wait until a channel has seen count commands"},
	{"timeline", "wait_intr", "wait_intr",
	 "wait until a vCPU's KVM_RUN returned EINTR count times"},
	{"timeline", "signal", "signal", "SIGUSR1 to a vCPU's thread"},
	{"timeline", "release", "release", "a channel's held reply goes out"},
	{"timeline", "deassign", "deassign errno?", "remove a region while vCPUs run"},
	{"timeline", "sleep_ms", "sleep_ms", "wait 1-5000 ms"},
	{"timeline", "wait_exits", "wait_exits", "wait until count ordinary exits were seen"},
	{"timeline", "resume", "resume", "let a vCPU parked after EINTR run again"},
	{"timeline", "set_exit_reason", "set_exit_reason",
	 "write kvm_run.exit_reason of a parked vCPU"},
	{"wait_commands", "", "channel count?", "the value of wait_commands"},
	{"wait_intr", "", "vcpu? count?", "the value of wait_intr"},
	{"wait_exits", "", "count", "the value of wait_exits"},
	{"set_exit_reason", "", "vcpu? value", "the value of set_exit_reason"},

	{"expect", "", "outcome? transcript? exits? run_errors? order?", "what the run must show"},
	{"transcript channel", "any_order", "any_order",
	 "a channel's commands in any order (several vCPUs), instead of a list"},
	{"command", "", "cmd region size offset data? reply? id?",
	 "one expected command, in a channel's transcript"},
	{"exit", "", "op mmio|pio size data?", "one expected ordinary exit"},
	{"run error", "", "vcpu? errno", "one expected KVM_RUN error"},
	{"order rule", "", "first then", "expected commands that reach the device in this order"},

	{"device case", "",
	 "case summary? requirements? revisions? timeout_ms? matrix? regions exchanges",
	 "a device case (iorfd-conform device): the suite plays KVM against a device program"},
	{"device region", "", "user_data size posted?",
	 "a region the device serves, under regions: NAME; told apart by user_data"},
	{"exchange", "read",
	 "op region offset size expect? reserved? pipelined? split_at|cut_at? pause_ms? req?",
	 "a READ command as KVM sends it; its reply's low size bytes must be expect"},
	{"exchange", "write",
	 "op region offset size value reserved? repeat? one_write? pipelined? split_at|cut_at? "
	 "pause_ms? req?",
	 "a WRITE command (resp clear in a posted region); repeat: at offset + i*size, value + i"},
	{"exchange", "command", "op code region offset size resp data? reserved? pipelined? req?",
	 "a command with any code and resp bit, such as KVM never sends"},
	{"exchange", "quiet", "op ms req?", "nothing may arrive on the reply fd for ms"},
	{"exchange", "eof", "op close? within_ms?",
	 "the KVM side closes its command end (close: both, the reply end too); the device must "
	 "exit 0"},
};

#define NR_ENTRIES (sizeof(schema) / sizeof(schema[0]))

/* How a name reads in "is only for ...": a host step is several things. */
static const char *display(const struct schema_entry *e)
{
	if (!strcmp(e->context, "step") && !strcmp(e->name, "host"))
		return "host steps";
	return e->name;
}

const struct schema_entry *schema_find(const char *context, const char *name, int *index)
{
	size_t i;
	int n = 0;

	for (i = 0; i < NR_ENTRIES; i++) {
		if (strcmp(schema[i].context, context))
			continue;
		if (!strcmp(schema[i].name, name)) {
			if (index)
				*index = n;
			return &schema[i];
		}
		n++;
	}
	return NULL;
}

/* Appends to @buf, never past @len. */
static void add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * "a, b or c" out of the names of @context's entries that @take accepts,
 * as a case file writes them or (@people) as a message words them.
 */
static void join_names(const char *context, bool (*take)(const struct schema_entry *, const void *),
		       const void *arg, const char *last, bool people, char *buf, size_t len)
{
	const struct schema_entry *hits[NR_ENTRIES];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < NR_ENTRIES; i++)
		if (!strcmp(schema[i].context, context) && take(&schema[i], arg))
			hits[n++] = &schema[i];
	for (i = 0; i < n; i++)
		add(buf, len, "%s%s",
		    i == 0	 ? ""
		    : i + 1 == n ? last
				 : ", ",
		    people ? display(hits[i]) : hits[i]->name);
}

static bool any(const struct schema_entry *e, const void *arg)
{
	return true;
}

void schema_names(const char *context, char *buf, size_t len)
{
	join_names(context, any, NULL, " or ", false, buf, len);
}

/* Whether token list @keys mentions @key, as a key or in an a|b group. */
static bool mentions(const char *keys, const char *key)
{
	size_t klen = strlen(key);
	const char *p = keys;

	while (*p) {
		size_t n = strcspn(p, " |?");

		if (n == klen && !strncmp(p, key, klen))
			return true;
		p += n;
		p += strspn(p, " |?");
	}
	return false;
}

static bool takes_key(const struct schema_entry *e, const void *key)
{
	return mentions(e->keys, key);
}

/* How many entries of @context take @key. */
static int takers(const char *context, const char *key)
{
	size_t i;
	int n = 0;

	for (i = 0; i < NR_ENTRIES; i++)
		n += !strcmp(schema[i].context, context) && mentions(schema[i].keys, key);
	return n;
}

/* An entry with no key but the one that picks it (a sync has only its op). */
static bool selector_only(const struct schema_entry *e)
{
	return !strchr(e->keys, ' ');
}

#define MAX_ALTS 8

/* Splits token @tok ("key", "key?", "a|b|c" or "a|b|c?") into its keys. */
static size_t split_token(const char *tok, size_t toklen, char alts[][CASE_KEY_LEN], bool *optional)
{
	const char *p = tok, *end;
	size_t n = 0;

	*optional = tok[toklen - 1] == '?';
	end = tok + toklen - *optional;
	while (p < end && n < MAX_ALTS) {
		size_t k = strcspn(p, "|");

		if (p + k > end)
			k = end - p;
		snprintf(alts[n++], CASE_KEY_LEN, "%.*s", (int)k, p);
		p += k + 1;
	}
	return n;
}

/* The token's keys, present in @map, against what the token allows. */
static int check_token(const struct schema_entry *e, const char *tok, size_t toklen,
		       const struct ynode *map, const struct ynode **at, char *msg, size_t len)
{
	char alts[MAX_ALTS][CASE_KEY_LEN], list[256] = "";
	const struct ynode *first = NULL, *keyp;
	bool optional;
	size_t n = split_token(tok, toklen, alts, &optional), i;

	for (i = 0; i < n; i++)
		add(list, sizeof(list), "%s'%s'",
		    i == 0	 ? ""
		    : i + 1 == n ? " or "
				 : ", ",
		    alts[i]);
	for (i = 0; i < n; i++) {
		if (!ymap_find(map, alts[i], &keyp))
			continue;
		if (first) {
			*at = keyp;
			snprintf(msg, len, "give only one of %s", list);
			return -1;
		}
		first = keyp;
	}
	if (first || optional)
		return 0;
	*at = map;
	if (n == 1)
		snprintf(msg, len, "missing key '%s'", alts[0]);
	else
		snprintf(msg, len, "%s needs one of %s", e->name[0] ? e->name : e->context, list);
	return -1;
}

int schema_check(const char *context, const char *name, const struct ynode *map,
		 const struct ynode **at, char *msg, size_t len)
{
	const struct schema_entry *e = name ? schema_find(context, name, NULL) : NULL;
	const char *p;
	int i;

	for (i = 0; i < ymap_len(map); i++) {
		const struct ynode *key = ymap_key(map, i);
		char names[256];

		*at = key;
		if (!takers(context, key->str)) {
			snprintf(msg, len, "unknown key '%.64s'", key->str);
			return -1;
		}
		if (!e || mentions(e->keys, key->str))
			continue;
		/* "sync takes no 'mmio'" says more than a list of ten steps that do. */
		if (selector_only(e) && takers(context, key->str) > 1) {
			snprintf(msg, len, "%s takes no '%s'", display(e), key->str);
			return -1;
		}
		join_names(context, takes_key, key->str, " and ", true, names, sizeof(names));
		snprintf(msg, len, "'%s' is only for %s", key->str, names);
		return -1;
	}
	if (!e)
		return 0;
	for (p = e->keys; *p;) {
		size_t n = strcspn(p, " ");

		if (check_token(e, p, n, map, at, msg, len))
			return -1;
		p += n;
		p += strspn(p, " ");
	}
	return 0;
}

/* A token for people: "region | mmio | pio", "offset (optional)". */
static void print_keys(FILE *f, const char *keys)
{
	const char *p = keys;
	bool first = true;

	while (*p) {
		size_t n = strcspn(p, " ");
		bool optional = p[n - 1] == '?';
		size_t i;

		fputs(first ? "" : ", ", f);
		first = false;
		fputc('`', f);
		for (i = 0; i < n - optional; i++)
			fputs(p[i] == '|' ? "` \\| `" : (char[]){p[i], 0}, f);
		fputc('`', f);
		if (optional)
			fputc('?', f);
		p += n;
		p += strspn(p, " ");
	}
}

void schema_print_markdown(FILE *f)
{
	const char *context = NULL, *name;
	size_t i;
	int k;

	fprintf(f, "Keys: `key` is required, `key`? optional, `a` \\| `b` exactly one of them\n"
		   "(optional: at most one).\n");
	for (i = 0; i < NR_ENTRIES; i++) {
		const struct schema_entry *e = &schema[i];

		if (!context || strcmp(context, e->context)) {
			context = e->context;
			fprintf(f, "\n| %s | keys | what |\n|---|---|---|\n", context);
		}
		fprintf(f, "| %s | ", e->name[0] ? e->name : e->context);
		print_keys(f, e->keys);
		fprintf(f, " | %s |\n", e->what);
	}
	fprintf(f, "\nValues that name something: an `errno` is `0` or one of");
	for (k = 0; (name = errno_name_nth(k)); k++)
		fprintf(f, "%s `%s`", k ? "," : "", name);
	fprintf(f,
		";\na case, channel, region or label name is made of %s, at most %d characters.\n",
		SCHEMA_NAME_CHARS, CASE_NAME_MAX - 1);
}
