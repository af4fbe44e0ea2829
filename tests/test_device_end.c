// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of a device program in the responder's place
 * (responders/device_end.c, harness/device/link.c), without a VM: this
 * test writes commands where KVM would and reads what comes back, while
 * the responder hands them to build/example-device or build/faulty-device.
 * What KVM gets back is checked as well as what the suite concludes: a
 * program that fails is a failure naming its rule, and KVM still gets the
 * register model's answer.  Also which channels a program may serve.
 */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "device/exchange.h"
#include "model/case.h"
#include "model/result.h"
#include "proto/wire.h"
#include "responders/device_end.h"
#include "responders/responder.h"

#define WAIT_MS 3000

static struct iorfd_case c;
static struct case_result res;
static char example[256], faulty[256];

static void load(const char *text)
{
	struct case_error err = {{0}};

	memset(&c, 0, sizeof(c));
	if (case_load_buf("t.yaml", text, strlen(text), IORFD_V3, 0, &c, &err))
		fail_msg("%s", err.msg);
}

#define ONE_CHANNEL(channel, region, step, transcript)                               \
	"case: t\n"                                                                  \
	"channels:\n"                                                                \
	"  dev: {kind: pipes" channel "}\n"                                          \
	"regions:\n"                                                                 \
	"  r: {channel: dev, gpa: 0x1000, size: 0x100, user_data: 0x42" region "}\n" \
	"vcpus: [{program: [" step "]}]\n"                                           \
	"expect:\n"                                                                  \
	"  transcript:\n"                                                            \
	"    dev: [" transcript "]\n"

#define A_WRITE "{cmd: write, region: r, size: 4, offset: 0x10, data: 0x1}"

/* KVM's ends of one channel: commands go into cmd[1], replies come out of rep[0]. */
struct kvm_side {
	int cmd[2], rep[2];
};

static void start(struct kvm_side *k, struct responder *r, const char *program, const char *fault,
		  int reply_timeout_ms)
{
	static char *argv[3];
	static struct dev_run_opts o;

	argv[0] = (char *)program;
	argv[1] = (char *)fault;
	argv[2] = NULL;
	o = (struct dev_run_opts){.argv = argv,
				  .chan = DEV_CHAN_PIPES,
				  .reply_timeout_ms = reply_timeout_ms,
				  .exit_timeout_ms = 1000,
				  .case_timeout_ms = 10000};
	if (access(program, X_OK))
		fail_msg("%s is not built (make unit builds it)", program);
	memset(&res, 0, sizeof(res));
	assert_int_equal(pipe2(k->cmd, O_CLOEXEC), 0);
	assert_int_equal(pipe2(k->rep, O_CLOEXEC), 0);
	assert_int_equal(responder_init(r, &c, 0, k->cmd[0], k->rep[1], &res), 0);
	close(k->cmd[0]);
	close(k->rep[1]);
	assert_int_equal(device_end_attach(r, &o), 0);
	assert_int_equal(responder_start(r), 0);
}

/* KVM's side ends: the responder sees end of file and judges the program's exit. */
static void finish(struct kvm_side *k, struct responder *r)
{
	close(k->cmd[1]);
	assert_int_equal(responder_stop(r, WAIT_MS), 0);
	close(k->rep[0]);
}

static void send(struct kvm_side *k, bool is_write, bool resp, uint64_t offset, uint64_t data)
{
	struct wire_cmd cmd;
	uint8_t raw[WIRE_MSG_SIZE];

	wire_make_cmd(&cmd, is_write, 4, resp, 0x42, offset, data);
	wire_encode_cmd(IORFD_V3, &cmd, raw);
	assert_int_equal(write(k->cmd[1], raw, sizeof(raw)), sizeof(raw));
}

/* The reply KVM gets, within WAIT_MS. */
static uint64_t reply(struct kvm_side *k)
{
	struct pollfd p = {.fd = k->rep[0], .events = POLLIN};
	uint8_t raw[WIRE_MSG_SIZE];
	uint64_t v = 0;
	int i;

	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	assert_int_equal(read(k->rep[0], raw, sizeof(raw)), sizeof(raw));
	for (i = 7; i >= 0; i--)
		v = v << 8 | raw[i];
	return v;
}

static void assert_one_failure(const char *req)
{
	assert_int_equal(res.verdict, VERDICT_FAIL);
	assert_int_equal(res.nr_failures, 1);
	assert_string_equal(res.failures[0].req, req);
	assert_true(res.failures[0].expected[0] && res.failures[0].observed[0]);
}

static void test_serves(void **state)
{
	char why[200];

	load(ONE_CHANNEL("", "", "{op: write, region: r, offset: 0x10, size: 4, value: 1}",
			 A_WRITE));
	assert_true(device_end_serves(&c, 0, why, sizeof(why)));
	load(ONE_CHANNEL(", script: [{at: 1, reply: 0x5}]", "",
			 "{op: write, region: r, offset: 0x10, size: 4, value: 1}", A_WRITE));
	assert_false(device_end_serves(&c, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "channel dev scripts its replies"));
	load(ONE_CHANNEL("", "", "{op: sync}", ""));
	assert_false(device_end_serves(&c, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "no command is expected on channel dev"));
	load(ONE_CHANNEL("", "",
			 "{op: write, region: r, offset: 0x10, size: 4, value: 1}, "
			 "{op: host, action: device_write, channel: dev}",
			 A_WRITE));
	assert_false(device_end_serves(&c, 0, why, sizeof(why)));
	assert_non_null(strstr(why, "writes on channel dev's device end"));
	/* A register reset and a sizeless region are the program's to serve (IORFD_RESET). */
	load(ONE_CHANNEL(", reset: 0x5", "", "{op: read, region: r, offset: 0x10, size: 4}",
			 "{cmd: read, region: r, size: 4, offset: 0x10, data: 0}"));
	assert_true(device_end_serves(&c, 0, why, sizeof(why)));
}

/* A good program: its answers reach KVM and the transcript; its clean exit passes. */
static void test_example_answers(void **state)
{
	struct responder r;
	struct kvm_side k;

	load(ONE_CHANNEL(", reset: 0x5", "", "{op: sync}", ""));
	start(&k, &r, example, NULL, 1000);
	send(&k, true, true, 0x10, 0x77);
	reply(&k);
	send(&k, false, true, 0x10, 0);
	assert_int_equal(reply(&k), 0x77);
	send(&k, false, true, 0x20, 0);
	assert_int_equal(reply(&k), 0x5); /* never written: IORFD_RESET */
	finish(&k, &r);
	assert_int_equal(res.nr_failures, 0);
	assert_int_equal(res.nr_tx, 3);
	assert_true(res.tx[1].replied);
	assert_int_equal(res.tx[1].reply, 0x77);
}

/* Posted writes handed to a worker: the read is stale (DEV-6); KVM gets the model's 3. */
static void test_stale_read(void **state)
{
	struct responder r;
	struct kvm_side k;

	load(ONE_CHANNEL("", ", posted: true", "{op: sync}", ""));
	start(&k, &r, faulty, "stale-posted", 1000);
	send(&k, true, false, 0x0, 1);
	send(&k, true, false, 0x0, 2);
	send(&k, true, false, 0x0, 3);
	send(&k, false, true, 0x0, 0);
	assert_int_equal(reply(&k), 3);
	finish(&k, &r);
	assert_one_failure("DEV-6");
	assert_non_null(strstr(res.failures[0].observed, "stale"));
}

/* No reply: DEV-1 after the reply timeout, and KVM is answered anyway. */
static void test_silent(void **state)
{
	struct responder r;
	struct kvm_side k;

	load(ONE_CHANNEL("", "", "{op: sync}", ""));
	start(&k, &r, faulty, "silent", 200);
	send(&k, false, true, 0x8, 0);
	assert_int_equal(reply(&k), 0);
	finish(&k, &r);
	assert_one_failure("DEV-1");
	assert_non_null(strstr(res.failures[0].expected, "cmd=READ size=4 off=0x8"));
}

/* A reply to a posted write: DEV-2, seen behind the next reply or before the next command. */
static void test_answers_posted(void **state)
{
	struct responder r;
	struct kvm_side k;

	load(ONE_CHANNEL("", ", posted: true", "{op: sync}", ""));
	start(&k, &r, faulty, "answer-posted", 1000);
	send(&k, true, false, 0x0, 9);
	usleep(100 * 1000);
	send(&k, false, true, 0x0, 0);
	assert_int_equal(reply(&k), 9);
	finish(&k, &r);
	assert_one_failure("DEV-2");
}

/* Its exit at end of file is judged: status 3 is DEV-10. */
static void test_exit_status(void **state)
{
	struct responder r;
	struct kvm_side k;

	load(ONE_CHANNEL("", "", "{op: sync}", ""));
	start(&k, &r, faulty, "exit3-on-eof", 1000);
	send(&k, false, true, 0x0, 0);
	reply(&k);
	finish(&k, &r);
	assert_one_failure("DEV-10");
	assert_non_null(strstr(res.failures[0].observed, "exit status 3"));
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serves),	       cmocka_unit_test(test_example_answers),
		cmocka_unit_test(test_stale_read),     cmocka_unit_test(test_silent),
		cmocka_unit_test(test_answers_posted), cmocka_unit_test(test_exit_status),
	};

	snprintf(example, sizeof(example), "%s/example-device", build);
	snprintf(faulty, sizeof(faulty), "%s/faulty-device", build);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
