# tandem: the two commands of the README, and the ones around them.
# Every target installs what it needs first (scripts/setup.sh, idempotent).
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all setup build check demo bench campaign size clean fuzz firmware coverage

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# The suite, then the same suite under ASan+UBSan ($(BUILD)-asan), then static analysis of device code.
check: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	@bash scripts/sanitize.sh $(BUILD)-asan
	@bash scripts/analyze.sh

demo: build
	@bash scripts/demo.sh $(BUILD)

bench: build
	@bench/run $(BUILD)

campaign: build
	@bash scripts/campaign.sh $(BUILD)

# Cortex-M33 cross build (device layers, the two board images, QEMU test images: $(BUILD)-m33/) and its
# size/stack report (docs/TARGET.md).
size: setup
	@bash scripts/size.sh --build $(BUILD)-m33

# The firmware a team flashes: bootloader.elf (application core) and netboot.elf (network core), cross-built
# for the Cortex-M33 into $(BUILD)-firmware/board/, with their sizes.
firmware: setup
	@cmake -S . -B $(BUILD)-firmware -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DTDM_HOST=OFF >/dev/null
	@cmake --build $(BUILD)-firmware -j$(JOBS) --target bootloader netboot
	@arm-none-eabi-size $(BUILD)-firmware/board/bootloader.elf $(BUILD)-firmware/board/netboot.elf

# Branch coverage of the device code by the host suite (gcc --coverage + lcov; $(BUILD)-cov/coverage/).
coverage: setup
	@bash scripts/coverage.sh $(BUILD)-cov

clean:
	rm -rf $(BUILD)

# libFuzzer, FUZZ_SECONDS per target: package and MCUboot parsers, store recovery, journal, net-boot stage
# (clang from scripts/setup.sh). Prints executions, exec/s and coverage per target and a total line
# (docs/TARGET.md). make check runs a 2 s round of each (ctest fuzz_round).
FUZZ_SECONDS ?= 60
fuzz: setup
	@bash fuzz/run.sh $(FUZZ_SECONDS) build-fuzz
