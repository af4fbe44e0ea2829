/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dispatch benchmark (iorfd-conform bench): what one guest access costs
 * when it leaves the guest as an ordinary exit, when KVM consumes it as an
 * ioeventfd, and when an ioregionfd implementation turns it into a command
 * for a device thread.  Numbers come from this command only.
 */
#ifndef IORFD_BENCH_H
#define IORFD_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guests/bench_prog.h"
#include "targets/target.h"

enum bench_how {
	BENCH_NULL,	 /* no access: the guest's rdtsc pair alone */
	BENCH_PLAIN,	 /* ordinary KVM_EXIT_MMIO / KVM_EXIT_IO, completed by this program */
	BENCH_IOEVENTFD, /* KVM_IOEVENTFD: KVM signals an eventfd, no exit */
	BENCH_IOREGION,	 /* a region of the target under test */
};

/* The device end of an ioregion row. */
enum bench_dev {
	DEV_FAST,  /* blocking read, write the reply when resp is set */
	DEV_POLL,  /* the same after poll() on the fd and a stop eventfd */
	DEV_SUITE, /* the suite's own responder (responders/responder.c) */
	DEV_SPIN,  /* poll mode: non-blocking reads in a busy loop, then block when idle */
};

/* Where a row's per-access samples come from. */
enum bench_src {
	SRC_VMM,    /* host clock at each exit in the VMM loop: exit-to-exit interval */
	SRC_DEVICE, /* host clock at each command the device thread reads: the interval */
	SRC_GUEST,  /* guest TSC over each batch of accesses, divided by the batch */
};

struct bench_stats {
	double min, median, p99, max, mean; /* ns */
};

struct bench_row {
	/* what to run */
	char name[64];
	enum bench_how how;
	enum bench_op op;
	bool posted;
	bool no_reader; /* IOEVENTFD: nobody waits on the eventfd */
	enum bench_dev dev;
	const struct target_ops *target; /* BENCH_IOREGION */
	enum iorfd_rev rev;		 /* BENCH_IOREGION */
	int floor;			 /* index of the plain-exit row to compare with, or -1 */
	enum bench_src src;
	unsigned int batch; /* SRC_GUEST: accesses per sample */

	/* what came out */
	bool ran;
	char error[200];
	uint64_t n;
	double *ns; /* per-access time, sorted; n entries */
	struct bench_stats st;
	double wall_ns;	    /* host CLOCK_MONOTONIC over the timed loop */
	double loop_ns;	    /* guest TSC over the timed loop */
	uint64_t seen;	    /* SRC_VMM, SRC_DEVICE: accesses the host timed, warm-up included */
	uint64_t fallbacks; /* IOREGION: accesses that came back as ordinary exits */
	uint64_t cmds;	    /* IOREGION: commands the device end read */
	uint64_t efd_wakeups, efd_total; /* IOEVENTFD: host reads, and the counts they got */
};

struct bench_cfg {
	uint64_t iterations, warmup;
	unsigned int tsc_khz; /* 0 until the first row asks KVM */
	int dev_cpu;	      /* device and eventfd threads' CPU; -1: the scheduler's choice */
};

/* Binds the calling thread to @cpu; nothing when @cpu < 0. */
void bench_pin(int cpu);

bool bench_is_read(enum bench_op op);
/* "exit", "device", "guest/64": how @r was timed, for tables and plots. */
const char *bench_src_name(const struct bench_row *r, char *buf, size_t len);
bool bench_is_pio(enum bench_op op);

/*
 * Runs @row in a VM of its own; fills its results or row->error.  0 or -1.
 * The first row also fills cfg->tsc_khz.
 */
int bench_run_row(struct bench_cfg *cfg, struct bench_row *row);

/* Host-only costs of the pieces the reference dispatcher is made of. */
struct bench_micro {
	const char *name;
	double ns; /* per operation, best of a few runs */
};

/* Fills up to @max entries, operation counts scaled by @iterations; returns how many. */
int bench_micro_run(struct bench_micro *m, int max, long iterations);
/* The same for what the suite's runner pays per case around its phases. */
int bench_micro_case(struct bench_micro *m, int max, long iterations);

/* iorfd-conform bench ARGS: @argv is what follows "bench".  An exit code. */
int cmd_bench(int argc, char **argv);

/* Writes the latency histograms of the rows that ran; 0 or -errno. */
int bench_svg_write(const char *path, const struct bench_row *rows, int nr);

#endif /* IORFD_BENCH_H */
