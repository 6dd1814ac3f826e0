/* The simulated nRF5340 device: application-core flash, network-core flash, the NAND chip, the shared
 * SRAM window, the IPC signals between the cores and the monotonic security counter, all on ONE power and
 * clock domain, persisted as a directory of files so a device survives between processes.
 *
 * Owns: the device directory, the wiring of the parts, what a power cut loses (both cores' RAM, the shared
 * window, pending IPC signals), and the "same package" invariant check at every application start.
 * Never: bootloader logic, package parsing (the package layer identifies images through a callback).
 *
 * Directory (docs/DEVICE.md): layout.txt, nand.bin, appflash.bin, netflash.bin, otp.txt, state.txt.
 * A struct tdm_sim_device must not move after create/open: the parts point at its domain and ports point
 * at it. Every run is deterministic: all randomness comes from the seed given at create (kept in state.txt).
 *
 * Which core reaches what (nRF5340): the app core gets app flash, NAND, the counter, its IPC end; the net
 * core gets net flash and its IPC end. The app core has no port to net flash, so it cannot write it.
 */
#ifndef TANDEM_SIM_DEVICE_H
#define TANDEM_SIM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "flash_sim.h"
#include "nand_sim.h"
#include "otp_sim.h"
#include "spinand_sim.h"
#include "tandem/clock_port.h"
#include "tandem/counter_port.h"
#include "tandem/flash_port.h"
#include "tandem/ipc_port.h"
#include "tandem/layout.h"
#include "tandem/nand_port.h"
#include "tandem/otp_counter.h"
#include "tandem/reset_port.h"

enum tdm_sim_core { TDM_SIM_CORE_APP = 0, TDM_SIM_CORE_NET = 1 };

#define TDM_SIM_SET_ID_MAX 32  /* bytes of a package (set) identity */
#define TDM_SIM_VERSION_MAX 32 /* chars of a printable image version, NUL included */
#define TDM_SIM_COUNTER_SLOTS TDM_OTP_COUNTER_SLOTS_NRF5340 /* default: the board's OTP region (128 slots) */
#define TDM_SIM_RAM_REGIONS 8     /* RAM regions of the cores' code a device can scrub (tdm_sim_device_add_ram) */

/* What the package layer says about the image installed in a slot. */
struct tdm_sim_image_id {
    uint8_t set_id[TDM_SIM_SET_ID_MAX]; /* identity of the package the image was installed from */
    uint32_t set_id_len;                /* 1..TDM_SIM_SET_ID_MAX */
    char version[TDM_SIM_VERSION_MAX];  /* e.g. "1.2.3+4", NUL-terminated; for status only */
};

/* Identify the image in the slot of `core` (slot = its bytes as they are in flash, slot_size long).
 * Returns 0 with *id filled, TDM_E_BOOT_NO_IMAGE when the slot holds no valid image, or another error.
 * Two images belong to the same package when their set ids are equal (same length, same bytes); the
 * package layer decides what the id is (e.g. the manifest digest, carried in each image's protected TLVs).
 */
typedef int (*tdm_sim_identify_fn)(void *arg, enum tdm_sim_core core, const uint8_t *slot, uint32_t slot_size,
                                   struct tdm_sim_image_id *id);

/* One step of a core's program, run by the simulator while the OTHER core waits on IPC (cooperative
 * scheduling, deterministic). Returns > 0 if it did something, 0 if it is idle, or a negative error. */
typedef int (*tdm_sim_step_fn)(void *arg);

struct tdm_sim_device_opts {
    const char *part;                 /* NAND part name; NULL = W25N01GV */
    uint32_t bad_blocks;              /* factory bad blocks of the chip */
    uint64_t seed;                    /* every random choice of the device derives from it */
    const struct tdm_layout *layout;  /* NULL = tdm_layout_default */
    uint32_t counter_slots;           /* 0 = TDM_SIM_COUNTER_SLOTS; at most TDM_OTP_COUNTER_SLOTS_NRF5340 */
    struct tdm_sim_faults nand_faults; /* the chip's seeded faults (kept in its file); zero = none */
    uint32_t nand_spi_hz; /* 0: the NAND port is the page-level chip's; else the device's: the SPI-NAND
                           * driver over the chip's SPI model at this clock, one line (not kept in the files) */
};

struct tdm_sim_ipc_end {
    struct tdm_sim_device *dev;
    enum tdm_sim_core core;
};

struct tdm_sim_device {
    char dir[1024];
    struct tdm_layout layout;
    struct tdm_layout_hw hw;
    struct tdm_layout_diag layout_diag; /* why open failed with TDM_E_BOOT_LAYOUT */
    struct tdm_sim_domain dom;          /* the one domain of all three flashes and the counter */
    struct tdm_sim_nand nand;
    uint32_t nand_spi_hz;                /* opts.nand_spi_hz */
    struct tdm_sim_spinand_port nand_spi; /* the driver and the SPI model in front of nand (nand_spi_hz) */
    struct tdm_sim_flash app, net;
    /* RAM: lost at every power cut */
    uint8_t *shared;      /* layout.shared.size bytes */
    uint32_t pending[2];  /* IPC channels pending AT core i (bit n = channel n) */
    uint64_t raised_ns[2]; /* when the sender raised the newest signal pending at core i (its time line) */
    bool in_wait[2];      /* core i is blocked in ipc wait (its step is not re-entered) */
    uint32_t resetreas;   /* app core RESETREAS (TDM_RESET_*): 0 after power-on, cumulative, write 1 to clear */
    struct tdm_sim_ipc_end ends[2];
    struct {
        void *at;
        size_t len;
    } ram[TDM_SIM_RAM_REGIONS]; /* the cores' own RAM structures, scrubbed with the window */
    unsigned nram;
    tdm_sim_step_fn step[2];
    void *step_arg[2];
    /* OTP: the UICR words and the security counter over them (counter/otp_counter.c, the board's code),
     * region [TDM_OTP_COUNTER_FIRST_NRF5340, + counter_slots). counter and counter_updates are a view
     * decoded from the words after every counter call, for status and tests; no port reads them. */
    struct tdm_sim_otp otp;
    struct tdm_otp_counter otp_counter;
    uint32_t counter, counter_updates, counter_slots;
    /* state.txt */
    uint64_t seed, rng;
    uint64_t power_ons;    /* power-on count (create = 0; open and power_cycle add one) */
    uint64_t app_starts;   /* application starts that passed the invariant */
    uint64_t mixed_starts; /* application starts with a mixed set: each one is a test failure */
    bool running_valid;
    struct tdm_sim_image_id running[2]; /* images at the last application start */
    tdm_sim_identify_fn identify;
    void *identify_arg;
};

/* Create `dir` (mkdir; it may exist but must not hold a device) with blank flashes, a fresh NAND chip,
 * counter 0, and the layout (checked against the hardware). The device is left open and saved.
 * Returns 0; TDM_E_STATE (a device is already there); TDM_E_BOOT_LAYOUT (dev->layout_diag says why);
 * TDM_E_SIM_PART; TDM_E_INVAL (too many bad blocks, counter_slots above 128); TDM_E_SIM_FILE (cannot write); TDM_E_BUFFER. */
int tdm_sim_device_create(struct tdm_sim_device *dev, const char *dir, const struct tdm_sim_device_opts *opts);

/* Open the device in `dir`: power on (RAM and window random, no signals pending).
 * Returns 0; TDM_E_SIM_FILE (missing or damaged file); TDM_E_BOOT_LAYOUT (layout_diag); TDM_E_BUFFER. */
int tdm_sim_device_open(struct tdm_sim_device *dev, const char *dir);

/* Write every file back (each replaced atomically). Returns 0 or TDM_E_SIM_FILE. */
int tdm_sim_device_save(const struct tdm_sim_device *dev);
void tdm_sim_device_close(struct tdm_sim_device *dev);

/* Ports, valid while the device is open. */
struct tdm_flash_ops tdm_sim_device_app_flash(struct tdm_sim_device *dev); /* app core only */
struct tdm_flash_ops tdm_sim_device_net_flash(struct tdm_sim_device *dev); /* net core only */
/* app core only; with nand_spi_hz the driver over the SPI model, initialized again by each call (the part
 * powers up locked: call it at every power-on, as the boot does) */
struct tdm_nand_ops tdm_sim_device_nand(struct tdm_sim_device *dev);
struct tdm_counter_ops tdm_sim_device_counter(struct tdm_sim_device *dev); /* app core only */
/* Decode dev->counter and dev->counter_updates from the OTP words (no clock, no power check). */
void tdm_sim_device_counter_view(struct tdm_sim_device *dev);
struct tdm_ipc_ops tdm_sim_device_ipc(struct tdm_sim_device *dev, enum tdm_sim_core core);
struct tdm_clock_ops tdm_sim_device_clock(struct tdm_sim_device *dev);
struct tdm_reset_ops tdm_sim_device_reset_reason(struct tdm_sim_device *dev); /* app core's RESETREAS */

/* Register the program step of `core` (NULL to remove). */
void tdm_sim_device_set_step(struct tdm_sim_device *dev, enum tdm_sim_core core, tdm_sim_step_fn fn, void *arg);

/* Power cuts: arm a cut at mutating op `at` of the device's domain (programs and erases of the NAND,
 * writes and erases of both internal flashes, counter updates all count; compare dev->dom.ops). */
void tdm_sim_device_cut_at(struct tdm_sim_device *dev, uint64_t at, enum tdm_sim_cut mode);

/* Register host memory that stands for RAM of the code running on the cores (the bootloader's and the
 * net-boot stage's state, the store struct, page buffers, the fetch agent): from then on every power-on,
 * reset and scrub fills it with seeded garbage, as silicon leaves RAM after a reset, so code that trusts
 * RAM across a reset fails instead of finding its old values there. The memory must stay valid while the
 * device is open. Returns 0, or TDM_E_BUFFER when TDM_SIM_RAM_REGIONS are registered. */
int tdm_sim_device_add_ram(struct tdm_sim_device *dev, void *ram, size_t len);

/* Fill the shared window and every registered RAM region with seeded garbage (from dev->rng). Power-on and
 * reset do it; call it after putting a device back into an earlier state (tdm_sim_snapshot_restore). */
void tdm_sim_device_scrub_ram(struct tdm_sim_device *dev);

/* Power off (if on) and on again: both cores' RAM and the shared window are lost (filled with seeded
 * random bytes: tdm_sim_device_scrub_ram), pending signals are cleared, flashes and the counter keep what
 * they hold. The caller restarts its boot code from scratch: everything it kept in RAM is gone. */
void tdm_sim_device_power_cycle(struct tdm_sim_device *dev);

/* A reset (watchdog, crash, or the application rebooting into the bootloader): both cores restart, RAM and
 * the shared window are lost, but the supply stays on, so a power cut armed for a later operation stays
 * armed (tdm_sim_device_power_cycle is a power cut and disarms it). `reasons` (TDM_RESET_*, e.g.
 * TDM_RESET_DOG0 for a watchdog) are added to RESETREAS, which a power cycle empties (nRF5340 PS, RESET). */
void tdm_sim_device_reset(struct tdm_sim_device *dev, uint32_t reasons);

/* The package layer's identify callback for the invariant check. */
void tdm_sim_device_set_identify(struct tdm_sim_device *dev, tdm_sim_identify_fn fn, void *arg);

/* Do both ids name the same package? (Equal, non-empty set ids.) */
bool tdm_sim_same_set(const struct tdm_sim_image_id *a, const struct tdm_sim_image_id *b);

/* The invariant, called by whoever simulates the bootloader each time it hands over to the application:
 * identify the images in the app slot and the net slot; both must exist and belong to the same package.
 * Returns 0 (recorded as running, app_starts + 1); TDM_E_BOOT_MIXED_SET (mixed_starts + 1: a test
 * failure wherever it happens); TDM_E_BOOT_NO_IMAGE (a slot holds no image); TDM_E_STATE (no identify
 * callback registered); or the callback's error. */
int tdm_sim_device_app_start(struct tdm_sim_device *dev);

#endif
