// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-in for iorfd-conform, used only by tests/vm/test-vm-run.sh to test
 * the VM runner without the real suite.  Built with gcc -static at test time;
 * never installed or committed as a binary.
 *
 * It accepts the suite's command line, ignores what it does not know, prints
 * a little KTAP and, with --json FILE, writes a results file whose bytes
 * depend only on the arguments.  The test runs the same binary on the host to
 * get the reference bytes, so "came back byte-identical" needs no second
 * description of the format.
 *
 * Behaviour switches (all optional):
 *   --standin-exit N    exit with N (default 0)
 *   --standin-hang      sleep forever after printing the KTAP header
 *   --standin-reboot    reboot the machine abruptly (no sync, no markers)
 *   --standin-oops      log a fake "Oops:" line through /dev/kmsg (before the
 *                       switches that do not return)
 *   --standin-oops-late leave a process behind that logs the fake "Oops:" once
 *                       the guest's init has begun sending the results, after
 *                       the suite's end
 *   --standin-kmsg-checked  print the suite's "# kernel log checked around
 *                       every case" line, which vm-run.sh trusts
 *   --standin-segv      die of SIGSEGV
 *   --standin-forge     write a results frame with a wrong checksum to the
 *                       guest's data port (before init's real one, or
 *                       alone with --standin-reboot)
 *   --standin-token S   mixed into the results file
 *
 * It also prints, as KTAP diagnostics, its working directory, IORFD_RUN_NOTE,
 * and for every argument that does not start with "-" whether a file of
 * that name can be read from there: what --cwd and --file promise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Enough data to need several thousand base64 lines on the serial link, with
 * every byte value present, so that a lossy or CR/LF-mangling channel shows.
 */
#define PAYLOAD_BYTES (48 * 1024)

static int write_json(const char *path, const char *token, int code)
{
	unsigned int x = 2166136261u;
	FILE *f;
	size_t i;

	for (i = 0; token[i]; i++)
		x = (x ^ (unsigned char)token[i]) * 16777619u;

	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "standin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "{\"standin\": true, \"token\": \"%s\", \"exit\": %d,\n", token, code);
	fputs(" \"noise\": \"", f);
	for (i = 0; i < PAYLOAD_BYTES; i++) {
		x = x * 1103515245u + 12345u;
		/* JSON-safe hex digits, with a CR and tab now and then */
		if (i % 997 == 0)
			fputs("\\r\\t", f);
		fputc("0123456789abcdef"[(x >> 16) & 15], f);
	}
	/* no trailing newline on purpose: the transport must not add one */
	fputs("\"}", f);
	return fclose(f);
}

static void fake_oops(void)
{
	static const char msg[] = "<1>Oops: 0000 [#1] standin fake oops\n";
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd < 0 || write(fd, msg, sizeof(msg) - 1) < 0)
		perror("standin: /dev/kmsg");
	if (fd >= 0)
		close(fd);
}

/*
 * A child that outlives the suite and logs the oops once init writes
 * /out/dmesg.txt, its first step in sending the results: after the suite-end
 * marker on the console.  It lets go of stdout and stderr first, so init
 * need not wait for it to finish copying the suite's output.
 */
static void oops_late(void)
{
	const struct timespec tick = {.tv_nsec = 1000000};
	struct stat st;
	int i;

	fflush(NULL);
	if (fork() != 0)
		return;
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	for (i = 0; i < 60000 && stat("/out/dmesg.txt", &st); i++)
		nanosleep(&tick, NULL);
	fake_oops();
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *json = NULL, *token = "none";
	int code = 0, hang = 0, do_reboot = 0, oops = 0, forge = 0, segv = 0;
	int late = 0, checked = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--standin-exit") && i + 1 < argc)
			code = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--standin-token") && i + 1 < argc)
			token = argv[++i];
		else if (!strcmp(argv[i], "--standin-hang"))
			hang = 1;
		else if (!strcmp(argv[i], "--standin-reboot"))
			do_reboot = 1;
		else if (!strcmp(argv[i], "--standin-oops"))
			oops = 1;
		else if (!strcmp(argv[i], "--standin-forge"))
			forge = 1;
		else if (!strcmp(argv[i], "--standin-segv"))
			segv = 1;
		else if (!strcmp(argv[i], "--standin-oops-late"))
			late = 1;
		else if (!strcmp(argv[i], "--standin-kmsg-checked"))
			checked = 1;
	}

	printf("KTAP version 1\n1..2\n");
	if (checked)
		printf("# kernel log checked around every case (/dev/kmsg)\n");
	/* looks like a crash report but is ours: the runner must not count it */
	printf("# standin: BUG: Oops: Kernel panic (suite text, not a kernel message)\n");
	printf("ok 1 standin.args argc=%d\n", argc);
	{
		char cwd[512];
		const char *note = getenv("IORFD_RUN_NOTE");

		printf("# standin: cwd=%s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		printf("# standin: note=%s\n", note ? note : "(none)");
		for (i = 1; i < argc; i++)
			if (argv[i][0] != '-' && (i == 1 || argv[i - 1][0] != '-'))
				printf("# standin: file %s %s\n", argv[i],
				       access(argv[i], R_OK) ? "missing" : "readable");
	}
	fflush(stdout);

	if (forge) {
		/* "AAAA" is 3 zero bytes: right size, wrong sha256 */
		static const char frame[] =
			"IORFD-VM-DATA BEGIN version=1 status=done exit=0 elapsed=0 reason=none\n"
			"AAAA\n"
			"IORFD-VM-DATA END size=3 sha256=0000\n";
		int fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY);

		if (fd < 0 || write(fd, frame, sizeof(frame) - 1) < 0)
			perror("standin: /dev/ttyS1");
		if (fd >= 0)
			close(fd);
	}
	if (oops)
		fake_oops();
	if (late)
		oops_late();
	if (segv)
		raise(SIGSEGV);
	if (hang)
		for (;;)
			pause();
	if (do_reboot) {
		reboot(RB_AUTOBOOT);
		perror("standin: reboot");
		return 3;
	}
	if (json && write_json(json, token, code))
		return 3;

	printf("%sok 2 standin.exit code=%d\n", code ? "not " : "", code);
	return code;
}
