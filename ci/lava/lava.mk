# SPDX-License-Identifier: GPL-2.0
#
# The suite in LAVA (ci/lava/README.md).  Included by the top Makefile,
# which defines BUILD and the iorfd-conform-static target.
#
#   make lava-ramdisk   $(LAVA_RAMDISK): busybox, the static suite, cases/
#                       and expectations/, ci/lava/init as /init: the
#                       ramdisk ci/lava/job-qemu.yaml boots
#   make check-lava     tests/test-lava.sh: the KTAP converter against
#                       known outputs (always), then, where lava-dispatcher
#                       is installed, LAVA's schemas and a real lava-run of
#                       ci/lava/job-qemu.yaml on a fixture kernel in QEMU

LAVA_RAMDISK ?= $(BUILD)/lava/ramdisk.cpio.gz

.PHONY: lava-ramdisk check-lava

lava-ramdisk: iorfd-conform-static
	@mkdir -p $(dir $(LAVA_RAMDISK))
	harness/vm/mkinitramfs.sh --init ci/lava/init $(LAVA_RAMDISK) iorfd-conform-static \
		cases expectations
	@echo "lava-ramdisk: $(LAVA_RAMDISK)"

check-lava: lava-ramdisk
	LAVA_RAMDISK=$(LAVA_RAMDISK) tests/test-lava.sh
