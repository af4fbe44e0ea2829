// SPDX-License-Identifier: GPL-2.0
/*
 * iorfd-conform bench: per-access latency and throughput of a guest access
 * handled each way this suite knows, next to the plain exits that are the
 * floor on this host, all measured in the same run.
 *
 *   iorfd-conform bench [--iterations N] [--warmup N] [--out DIR]
 *                       [--target reference|kernel|auto] [--revision v1|v2|v3]
 *
 * Prints a table (also DIR/bench.txt), writes DIR/bench.tsv and the latency
 * histograms DIR/bench.svg.  Exit: 0 every row ran, 1 a row failed, 2 bad
 * usage, 4 the kernel target was asked for and is absent.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench.h"
#include "lib/num_arg.h"

#define BENCH_MAX_ROWS	   32
#define BENCH_MAX_MICRO	   16
#define DEFAULT_ITERATIONS 20000
#define DEFAULT_WARMUP	   1000
#define MAX_ITERATIONS	   2000000
#define DEFAULT_OUT	   "build/bench"
/* Accesses per guest TSC read where the guest times: an rdtsc may trap. */
#define GUEST_BATCH 64

struct bench_opts {
	struct bench_cfg cfg;
	const char *out;
	const char *target;
	enum iorfd_rev rev;
	const char *pin;
	int vcpu_cpu;
	char load[2][16];
};

struct row_list {
	struct bench_row rows[BENCH_MAX_ROWS];
	int nr;
};

static void bench_usage(FILE *f)
{
	fprintf(f,
		"usage: iorfd-conform bench [options]\n"
		"\n"
		"  --iterations N                  timed accesses per row (default %d)\n"
		"  --warmup N                      untimed accesses before them (default %d)\n"
		"  --out DIR                       bench.txt, bench.tsv, bench.svg (default %s)\n"
		"  --target reference|kernel|auto  ioregionfd rows for this target (default auto:\n"
		"                                  the reference, and the kernel when it has one)\n"
		"  --revision v1|v2|v3             protocol the reference speaks (default v3)\n"
		"  --pin none|same|split           vCPU and device threads: where the scheduler\n"
		"                                  puts them, both on CPU 0, or CPU 0 and CPU 1\n"
		"                                  (default none)\n",
		DEFAULT_ITERATIONS, DEFAULT_WARMUP, DEFAULT_OUT);
}

static int pin_cpus(struct bench_opts *o)
{
	o->vcpu_cpu = o->cfg.dev_cpu = -1;
	if (!strcmp(o->pin, "none"))
		return 0;
	o->vcpu_cpu = o->cfg.dev_cpu = 0;
	if (!strcmp(o->pin, "same"))
		return 0;
	o->cfg.dev_cpu = 1;
	return strcmp(o->pin, "split") || sysconf(_SC_NPROCESSORS_ONLN) < 2 ? -1 : 0;
}

static int parse_bench_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
		{"iterations", required_argument, NULL, 'n'},
		{"warmup", required_argument, NULL, 'w'},
		{"out", required_argument, NULL, 'o'},
		{"target", required_argument, NULL, 't'},
		{"revision", required_argument, NULL, 'r'},
		{"pin", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	char **args = calloc(argc + 2, sizeof(*args));
	int c, ret = -1;

	if (!args)
		return -1;
	memset(o, 0, sizeof(*o));
	o->cfg.iterations = DEFAULT_ITERATIONS;
	o->cfg.warmup = DEFAULT_WARMUP;
	o->out = DEFAULT_OUT;
	o->target = "auto";
	o->rev = IORFD_V3;
	o->pin = "none";
	/* getopt wants a program name first; main() handed us what follows "bench". */
	args[0] = "iorfd-conform bench";
	memcpy(args + 1, argv, argc * sizeof(*args));
	optind = 0;
	while ((c = getopt_long(argc + 1, args, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (num_arg("bench: --iterations", optarg, GUEST_BATCH, MAX_ITERATIONS,
				    &o->cfg.iterations))
				goto out;
			break;
		case 'w':
			if (num_arg("bench: --warmup", optarg, 0, MAX_ITERATIONS, &o->cfg.warmup))
				goto out;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 't':
			o->target = optarg;
			break;
		case 'r':
			if (rev_parse(optarg, &o->rev)) {
				fprintf(stderr, "bench: --revision: '%s' is not v1, v2 or v3\n",
					optarg);
				goto out;
			}
			break;
		case 'p':
			o->pin = optarg;
			break;
		case 'h':
			bench_usage(stdout);
			exit(0);
		default:
			bench_usage(stderr);
			goto out;
		}
	}
	if (optind != argc + 1)
		fprintf(stderr, "bench: unexpected argument '%s'\n", args[optind]);
	else if (strcmp(o->target, "auto") && strcmp(o->target, "reference") &&
		 strcmp(o->target, "kernel"))
		fprintf(stderr, "bench: --target: '%s' is not reference, kernel or auto\n",
			o->target);
	else if (pin_cpus(o))
		fprintf(stderr,
			"bench: --pin: '%s' is not none, same or split (split needs 2 CPUs)\n",
			o->pin);
	else
		ret = 0;
out:
	free(args);
	return ret;
}

static int add_row(struct row_list *l, enum bench_how how, enum bench_op op, int floor,
		   enum bench_src src, const char *name)
{
	struct bench_row *r = &l->rows[l->nr];

	memset(r, 0, sizeof(*r));
	r->how = how;
	r->op = op;
	r->floor = floor;
	r->src = src;
	r->batch = how == BENCH_NULL ? 1 : GUEST_BATCH;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return l->nr++;
}

static int add_ioregion(struct row_list *l, const struct target_ops *t, enum iorfd_rev rev,
			enum bench_op op, bool posted, enum bench_dev dev, int floor,
			const char *name)
{
	/*
	 * A posted write does not wait for the device, so the device's reads
	 * may come in bursts: what the vCPU pays is timed by the guest.
	 */
	bool guest = dev == DEV_SUITE || posted;
	int i = add_row(l, BENCH_IOREGION, op, floor, guest ? SRC_GUEST : SRC_DEVICE, "");
	struct bench_row *r = &l->rows[i];

	snprintf(r->name, sizeof(r->name), "%s %s: %s", t->name, rev_name(rev), name);
	r->target = t;
	r->rev = rev;
	r->posted = posted;
	r->dev = dev;
	return i;
}

/*
 * The floors first: every other row is compared with one of them.  Rows the
 * host cannot time access by access are compared with a floor timed the
 * same way, by the guest.
 */
static void build_rows(struct row_list *l, const struct target_ops *const *targets,
		       const enum iorfd_rev *revs, int nr_targets)
{
	int mw, mr, po, pi, gmw, gmr, gpo, i;

	add_row(l, BENCH_NULL, BOP_NONE, -1, SRC_GUEST, "guest rdtsc alone, no access");
	mw = add_row(l, BENCH_PLAIN, BOP_MMIO_WRITE, -1, SRC_VMM, "MMIO write, KVM_EXIT_MMIO");
	mr = add_row(l, BENCH_PLAIN, BOP_MMIO_READ, -1, SRC_VMM, "MMIO read, KVM_EXIT_MMIO");
	po = add_row(l, BENCH_PLAIN, BOP_PIO_OUT, -1, SRC_VMM, "PIO out, KVM_EXIT_IO");
	pi = add_row(l, BENCH_PLAIN, BOP_PIO_IN, -1, SRC_VMM, "PIO in, KVM_EXIT_IO");
	gmw = add_row(l, BENCH_PLAIN, BOP_MMIO_WRITE, -1, SRC_GUEST, "MMIO write, KVM_EXIT_MMIO");
	gmr = add_row(l, BENCH_PLAIN, BOP_MMIO_READ, -1, SRC_GUEST, "MMIO read, KVM_EXIT_MMIO");
	gpo = add_row(l, BENCH_PLAIN, BOP_PIO_OUT, -1, SRC_GUEST, "PIO out, KVM_EXIT_IO");
	add_row(l, BENCH_IOEVENTFD, BOP_MMIO_WRITE, gmw, SRC_GUEST, "MMIO write, ioeventfd");
	add_row(l, BENCH_IOEVENTFD, BOP_PIO_OUT, gpo, SRC_GUEST, "PIO out, ioeventfd");
	/* The same with nobody reading the eventfd: KVM's part alone, no wake-up. */
	i = add_row(l, BENCH_IOEVENTFD, BOP_MMIO_WRITE, gmw, SRC_GUEST,
		    "MMIO write, ioeventfd, no reader");
	l->rows[i].no_reader = true;
	for (i = 0; i < nr_targets; i++) {
		const struct target_ops *t = targets[i];
		enum iorfd_rev rev = revs[i];

		add_ioregion(l, t, rev, BOP_MMIO_WRITE, true, DEV_FAST, gmw, "MMIO posted write");
		add_ioregion(l, t, rev, BOP_MMIO_WRITE, false, DEV_FAST, mw, "MMIO write");
		add_ioregion(l, t, rev, BOP_MMIO_READ, false, DEV_FAST, mr, "MMIO read");
		add_ioregion(l, t, rev, BOP_PIO_OUT, true, DEV_FAST, gpo, "PIO posted out");
		add_ioregion(l, t, rev, BOP_PIO_OUT, false, DEV_FAST, po, "PIO out");
		add_ioregion(l, t, rev, BOP_PIO_IN, false, DEV_FAST, pi, "PIO in");
		/*
		 * A device that never sleeps while commands keep coming: the
		 * posted write no longer pays for waking it on another CPU.
		 */
		add_ioregion(l, t, rev, BOP_MMIO_WRITE, true, DEV_SPIN, gmw,
			     "MMIO posted write, polling device");
		add_ioregion(l, t, rev, BOP_PIO_OUT, true, DEV_SPIN, gpo,
			     "PIO posted out, polling device");
		add_ioregion(l, t, rev, BOP_MMIO_READ, false, DEV_SPIN, mr,
			     "MMIO read, polling device");
		/* What the suite's own kind of device end adds, against the same target. */
		add_ioregion(l, t, rev, BOP_MMIO_READ, false, DEV_POLL, mr,
			     "MMIO read, poll() device");
		add_ioregion(l, t, rev, BOP_MMIO_READ, false, DEV_SUITE, gmr,
			     "MMIO read, suite responder");
		add_ioregion(l, t, rev, BOP_MMIO_WRITE, false, DEV_SUITE, gmw,
			     "MMIO write, suite responder");
	}
}

/*
 * Which ioregionfd implementations get rows.  4 when the kernel one was
 * asked for by name and is not there, else 0.
 */
static int pick_targets(const struct bench_opts *o, const struct target_ops **t,
			enum iorfd_rev *revs, int *nr, char *note, size_t len)
{
	struct target_probe kp = {0};

	*nr = 0;
	if (strcmp(o->target, "kernel")) {
		t[*nr] = &target_reference;
		revs[(*nr)++] = o->rev;
	}
	if (!strcmp(o->target, "reference")) {
		snprintf(note, len, "kernel target not requested (--target reference)");
		return 0;
	}
	target_kernel.probe(&kp);
	if (!kp.present) {
		snprintf(note, len, "kernel target absent: %s", kp.how);
		return strcmp(o->target, "kernel") ? 0 : 4;
	}
	snprintf(note, len, "kernel target: %s", kp.how);
	t[*nr] = &target_kernel;
	revs[(*nr)++] = kp.rev_known ? kp.rev : IORFD_V3;
	return 0;
}

static int mkdir_p(const char *path)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) && errno != EEXIST ? -errno : 0;
}

static double us(double ns)
{
	return ns / 1000.0;
}

static void row_notes(const struct bench_opts *o, const struct bench_row *r, char *buf, size_t len)
{
	uint64_t accesses = o->cfg.warmup + o->cfg.iterations;
	size_t n = 0;

	buf[0] = '\0';
	if (r->error[0])
		n += snprintf(buf + n, len - n, "ERROR: %s ", r->error);
	if (r->fallbacks)
		n += snprintf(buf + n, len - n, "%llu fell back to the VMM: INVALID ",
			      (unsigned long long)r->fallbacks);
	if (r->how == BENCH_IOREGION && r->cmds != accesses && n < len)
		n += snprintf(buf + n, len - n, "device saw %llu commands for %llu accesses ",
			      (unsigned long long)r->cmds, (unsigned long long)accesses);
	if (r->how == BENCH_IOEVENTFD && !r->no_reader && n < len)
		n += snprintf(buf + n, len - n, "host: %llu eventfd reads, count %llu/%llu ",
			      (unsigned long long)r->efd_wakeups, (unsigned long long)r->efd_total,
			      (unsigned long long)accesses);
	/* The TSC and the host clock should agree; say so when they do not. */
	if (r->ran && r->wall_ns > 0 && n < len &&
	    (r->loop_ns / r->wall_ns < 0.9 || r->loop_ns / r->wall_ns > 1.1))
		snprintf(buf + n, len - n, "guest TSC/host clock over the loop: %.2f",
			 r->loop_ns / r->wall_ns);
}

static const char *pin_words(const struct bench_opts *o)
{
	if (o->vcpu_cpu < 0)
		return "placed by the scheduler (--pin none)";
	if (o->vcpu_cpu == o->cfg.dev_cpu)
		return "vCPU and device threads on CPU 0 (--pin same)";
	return "vCPU thread on CPU 0, device threads on CPU 1 (--pin split)";
}

/* Other work on the host shows in the tails: say how busy it was. */
static void read_load(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");

	snprintf(buf, len, "?");
	if (f && fscanf(f, "%15s", buf) != 1)
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
}

static void print_header(FILE *f, const struct bench_opts *o, const char *note)
{
	fprintf(f,
		"# iorfd-conform bench: %llu timed 4-byte accesses per row after %llu untimed, "
		"one vCPU, back to back, a VM per row\n",
		(unsigned long long)o->cfg.iterations, (unsigned long long)o->cfg.warmup);
	fprintf(f,
		"# per-access time (us) is the interval from one access to the next, as timed "
		"where it is seen:\n"
		"#   exit    host CLOCK_MONOTONIC at each KVM_RUN return in the VMM loop\n"
		"#   device  host CLOCK_MONOTONIC at each command the device thread reads\n"
		"#   guest/B guest TSC (%u kHz) read every B accesses, divided by B: "
		"min/median/p99 of batch means;\n"
		"#           the TSC read costs what the first row says, once per batch\n",
		o->cfg.tsc_khz);
	fprintf(f, "# kacc/s: timed accesses / host time from re-entry after the start ucall to "
		   "the done ucall\n");
	fprintf(f, "# x floor, +us: median against the median of the plain exit on the same bus, "
		   "same direction, timed the same way, this run\n");
	fprintf(f, "# ioeventfd rows: the host thread's eventfd reads are counted, not timed "
		   "(they coalesce)\n");
	fprintf(f, "# ioregion rows: one AF_UNIX stream socketpair; device end a thread of this "
		   "program: blocking read, reply when resp is set\n"
		   "#   (poll(): poll() on the fd and a stop eventfd first; suite responder: "
		   "responders/responder.c, validation included;\n"
		   "#   polling device: non-blocking reads in a loop, blocking only after 200 us "
		   "without a command)\n"
		   "# the reference checks the read fd without sleeping for up to 50 us before it "
		   "blocks for a reply\n");
	fprintf(f, "# threads: %s; load average before/after: %s / %s\n", pin_words(o), o->load[0],
		o->load[1]);
	fprintf(f, "# %s\n", note);
}

const char *bench_src_name(const struct bench_row *r, char *buf, size_t len)
{
	switch (r->src) {
	case SRC_VMM:
		return "exit";
	case SRC_DEVICE:
		return "device";
	case SRC_GUEST:
		break;
	}
	snprintf(buf, len, "guest/%u", r->batch);
	return buf;
}

static void print_table(FILE *f, const struct bench_opts *o, const struct row_list *l)
{
	char notes[320], src[16];
	int i;

	fprintf(f, "%-42s %-8s %8s %8s %8s %8s %7s %7s %8s  %s\n", "row", "timed", "min", "median",
		"p99", "mean", "kacc/s", "x floor", "+us", "notes");
	for (i = 0; i < l->nr; i++) {
		const struct bench_row *r = &l->rows[i];
		const struct bench_row *fl = r->floor >= 0 ? &l->rows[r->floor] : NULL;
		bool plain = r->how == BENCH_PLAIN;

		row_notes(o, r, notes, sizeof(notes));
		fprintf(f, "%-42s %-8s ", r->name, bench_src_name(r, src, sizeof(src)));
		if (!r->ran) {
			fprintf(f, "%8s %8s %8s %8s %7s %7s %8s  %s\n", "-", "-", "-", "-", "-",
				"-", "-", notes);
			continue;
		}
		fprintf(f, "%8.2f %8.2f %8.2f %8.2f %7.1f ", us(r->st.min), us(r->st.median),
			us(r->st.p99), us(r->st.mean), o->cfg.iterations / r->wall_ns * 1e6);
		if (fl && fl->ran)
			fprintf(f, "%7.2f %+8.2f", r->st.median / fl->st.median,
				us(r->st.median - fl->st.median));
		else
			fprintf(f, "%7s %8s", fl ? "?" : plain ? "floor" : "", "");
		fprintf(f, "  %s\n", notes);
	}
}

static void print_micro(FILE *f, const struct bench_micro *m, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (m[i].ns < 0)
			fprintf(f, "#   %-56s failed\n", m[i].name);
		else
			fprintf(f, "#   %-56s %9.3f us\n", m[i].name, us(m[i].ns));
	}
}

static int write_tsv(const char *path, const struct row_list *l)
{
	FILE *f = fopen(path, "w");
	char src[16];
	int i;

	if (!f)
		return -errno;
	fprintf(f, "row\ttimed\tn\tmin_ns\tmedian_ns\tp99_ns\tmax_ns\tmean_ns\twall_ns"
		   "\tguest_loop_ns\tfloor\tratio_median\tfallbacks\tcommands\teventfd_reads"
		   "\teventfd_count\terror\n");
	for (i = 0; i < l->nr; i++) {
		const struct bench_row *r = &l->rows[i];
		const struct bench_row *fl = r->floor >= 0 ? &l->rows[r->floor] : NULL;

		fprintf(f,
			"%s\t%s\t%llu\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%s\t%.3f"
			"\t%llu\t%llu\t%llu\t%llu\t%s\n",
			r->name, bench_src_name(r, src, sizeof(src)), (unsigned long long)r->n,
			r->st.min, r->st.median, r->st.p99, r->st.max, r->st.mean, r->wall_ns,
			r->loop_ns, fl ? fl->name : "",
			fl && fl->ran && r->ran ? r->st.median / fl->st.median : 0.0,
			(unsigned long long)r->fallbacks, (unsigned long long)r->cmds,
			(unsigned long long)r->efd_wakeups, (unsigned long long)r->efd_total,
			r->error);
	}
	return fclose(f) ? -errno : 0;
}

static void emit(FILE *out, FILE *copy, const struct bench_opts *o, const char *note,
		 const struct row_list *l, const struct bench_micro *m, int nr_micro, int nr_case)
{
	FILE *fs[2] = {out, copy};
	int i;

	for (i = 0; i < 2; i++) {
		if (!fs[i])
			continue;
		print_header(fs[i], o, note);
		print_table(fs[i], o, l);
		fprintf(fs[i],
			"# host-only pieces of the reference dispatcher (no VM; best of 3):\n");
		print_micro(fs[i], m, nr_micro);
		fprintf(fs[i], "# per-case costs of the suite's runner outside a case's phases "
			       "(best of 3):\n");
		print_micro(fs[i], m + nr_micro, nr_case);
	}
}

int cmd_bench(int argc, char **argv)
{
	const struct target_ops *targets[2];
	struct bench_micro micro[BENCH_MAX_MICRO];
	enum iorfd_rev revs[2];
	struct bench_opts o;
	struct row_list *l;
	char note[400], path[4200];
	bool tty = isatty(STDERR_FILENO); /* progress only for people */
	cpu_set_t saved;
	FILE *txt;
	int i, nr_targets, nr_micro, nr_case, failed = 0, code, err;

	if (parse_bench_opts(argc, argv, &o))
		return 2;
	code = pick_targets(&o, targets, revs, &nr_targets, note, sizeof(note));
	if (code) {
		fprintf(stderr, "bench: %s\n", note);
		return code;
	}
	err = mkdir_p(o.out);
	if (err) {
		fprintf(stderr, "bench: --out %s: %s\n", o.out, strerror(-err));
		return 2;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return 1;
	build_rows(l, targets, revs, nr_targets);
	read_load(o.load[0], sizeof(o.load[0]));
	if (o.vcpu_cpu >= 0)
		pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved);
	bench_pin(o.vcpu_cpu);
	for (i = 0; i < l->nr; i++) {
		if (tty)
			fprintf(stderr, "bench: %-44s\r", l->rows[i].name);
		if (bench_run_row(&o.cfg, &l->rows[i])) {
			fprintf(stderr, "bench: %s: %s\n", l->rows[i].name,
				l->rows[i].error[0] ? l->rows[i].error : "failed");
			failed++;
		} else if (l->rows[i].fallbacks) {
			failed++; /* it measured something else than its name says */
		}
	}
	if (tty)
		fprintf(stderr, "%60s\r", "");
	if (o.vcpu_cpu >= 0)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	read_load(o.load[1], sizeof(o.load[1]));
	nr_micro = bench_micro_run(micro, BENCH_MAX_MICRO, (long)o.cfg.iterations);
	nr_case = bench_micro_case(micro + nr_micro, BENCH_MAX_MICRO - nr_micro,
				   (long)o.cfg.iterations);

	snprintf(path, sizeof(path), "%s/bench.txt", o.out);
	txt = fopen(path, "w");
	emit(stdout, txt, &o, note, l, micro, nr_micro, nr_case);
	if (txt)
		fclose(txt);
	snprintf(path, sizeof(path), "%s/bench.tsv", o.out);
	err = write_tsv(path, l);
	if (!err) {
		snprintf(path, sizeof(path), "%s/bench.svg", o.out);
		err = bench_svg_write(path, l->rows, l->nr);
	}
	if (err) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(-err));
		failed++;
	} else {
		printf("# wrote %s/bench.txt, bench.tsv, bench.svg\n", o.out);
	}
	for (i = 0; i < l->nr; i++)
		free(l->rows[i].ns);
	free(l);
	return failed ? 1 : 0;
}
