#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The program kselftest runs (iorfd-conform:iorfd-conform.sh in
# kselftest-list.txt; 'make install INSTALL_PATH=DIR' puts it there).
#
# It runs the whole catalogue against the running kernel's own
# KVM_SET_IOREGION (--target kernel), the known deviations of the RFC
# kernels counted as XFAIL (--expect expectations).  kselftest runs on the
# kernel under test, so a machine without a usable /dev/kvm, or a kernel
# without KVM_SET_IOREGION, has nothing to test: one SKIP line with the
# reason, and exit 4.  Never the reference target: our userspace model
# passing says nothing about this kernel.
#
# Its arguments (run_kselftest.sh takes them from
# KSELFTEST_IORFD_CONFORM_SH_ARGS) go to the suite after these and win over
# them: --filter GLOB picks cases; --allow-crash runs the cases marked
# crash_risk, which may crash or wedge this machine; --vm auto --vm-kernel
# BZIMAGE runs the suite in QEMU where this machine has no KVM.
#
# stdout is the suite's KTAP, which run_kselftest.sh nests under its own
# test line.  The exit code is kselftest's: 0 pass, 1 fail, 4 skip.  The
# suite's 2 (bad usage or case files), which kselftest would read as
# KSFT_XFAIL, and a death by a signal are failures here.

cd "$(dirname "$0")" || exit 1
rc=0
./iorfd-conform --target kernel --expect expectations "$@" || rc=$?
case $rc in
0 | 1 | 4) exit $rc ;;
2) echo "# iorfd-conform: bad usage or case files (exit 2; see above)" ;;
*) echo "# iorfd-conform: exit $rc" ;;
esac
exit 1
