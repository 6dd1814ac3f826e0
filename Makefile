# tandem: the two commands of the README, and the ones around them.
# Every target installs what it needs first (scripts/setup.sh, idempotent).
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all setup build check demo bench campaign size clean fuzz

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

clean:
	rm -rf $(BUILD)

# libFuzzer, FUZZ_SECONDS per target: package and MCUboot parsers, store recovery, journal, net-boot stage
# (clang from scripts/setup.sh). Prints executions, exec/s and coverage per target and a total line
# (docs/TARGET.md). make check runs a 2 s round of each (ctest fuzz_round).
FUZZ_SECONDS ?= 60
fuzz: setup
	@bash fuzz/run.sh $(FUZZ_SECONDS) build-fuzz
