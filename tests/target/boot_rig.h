/* The device of the bootloader story on the target (tests/target/boot_story_target.c): the simulated
 * nRF5340 of sim/device.h, built in memory (no device directory: the test image has no file system of
 * its own), with the bootloader's real ports where the brief asks for them:
 *  - NAND: nand/spinand.c (the device's SPI-NAND driver) over the chip's SPI command level
 *    (sim/spinand_sim.c) in front of the page-level chip (sim/nand_sim.c), on the bus the board drives
 *    (one line, 32 MHz): the same chip model as the host campaigns, linked into the image;
 *  - internal flash of both cores: sim/flash_sim.c (RAM-backed, the NVMC rules: word writes, two writes
 *    per word, 1 -> 0 only, page erase);
 *  - security counter: counter/otp_counter.c (the board's) over sim/otp_sim.c (UICR OTP words in RAM with
 *    the KMU's write-once-per-halfword rule);
 *  - crypto: the board's port (board/common/sha256.c: software SHA-256, crypto/p256.c ECDSA verify);
 *  - the network core: its net-boot stage (netboot/netboot.c) served through the xfer protocol in the
 *    shared window, run in the same image as the host simulator runs it: a cooperative step of the other
 *    core whenever the application core waits on IPC (sim/device_ports.c).
 * All of them share the device's power domain: a cut armed at a mutating operation (NAND program or
 * erase, flash write or erase, OTP write) stops both cores where they stand (rig_run_once returns
 * TDM_E_POWER from the domain's unwind point, sim/domain.h; rig_stage's port calls return it), and
 * tdm_sim_device_power_cycle brings the device back with both cores' RAM lost.
 * The simulator's models allocate from the test image's heap (PSRAM, tests/target/heap.c); the cores'
 * own state (struct tdm_boot, the net-boot stage, the driver, the page buffer) is static, in the 512 KB
 * that stand for the application core's RAM, and is scrubbed at every power-on and reset.
 *
 * Owns: wiring and one power-on of both cores with the application's side (start, health, confirm).
 * Never: install decisions (boot/ makes them), or state of the cores kept across a power-on.
 */
#ifndef TANDEM_TESTS_BOOT_RIG_H
#define TANDEM_TESTS_BOOT_RIG_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "snapshot.h"
#include "spinand_sim.h"
#include "tandem/boot.h"

/* What the application did after the bootloader handed over. */
enum rig_app {
    RIG_APP_NONE = 0,      /* never started */
    RIG_APP_RUNNING = 1,   /* healthy, nothing on trial */
    RIG_APP_CONFIRMED = 2, /* healthy on trial: confirmed the set */
    RIG_APP_RESET = 3,     /* crashed on trial or off it: the device resets (rig.reset_reason) */
};

struct rig {
    struct tdm_sim_device dev;   /* flashes, OTP, window, IPC, RESETREAS, the chip's array (dev.nand) */
    struct tdm_sim_spinand chip; /* the chip's SPI command level in front of dev.nand */
    const uint8_t (*keys)[TDM_P256_PUBKEY_LEN];
    struct tdm_boot_report rep;  /* of the last bootloader run */
    enum rig_app app;
    uint32_t reset_reason;       /* RIG_APP_RESET: TDM_RESET_* */
    uint64_t boot_op;            /* dev.dom.ops when the last bootloader run started */
    uint64_t app_op;             /* dev.dom.ops when the application started (0: it did not) */
    uint64_t verifies, verified; /* the bootloader's ECDSA verifications, and those that passed */
    int open;
};

/* A blank device (erased flashes, counter 0, a fresh chip of BST_NAND_PART) with a formatted store,
 * trusting `keys` (one key). Closes r first if it is open. Returns 0 or an error. */
int rig_open(struct rig *r, const uint8_t (*keys)[TDM_P256_PUBKEY_LEN], uint64_t seed);
void rig_close(struct rig *r);

/* Put the device back into a snapshot's state (sim/snapshot.h), then power it on: the chip's command
 * level starts from its power-up registers, both cores' RAM is garbage. Returns 0 or an error. */
int rig_restore(struct rig *r, const struct tdm_sim_snapshot *snap);

/* What the fetch agent does after a verified download: write the package into the free slot through the
 * driver, commit it, ask for it (PENDING). Returns 0 or an error (TDM_E_POWER when a cut is armed). */
int rig_stage(struct rig *r, const uint8_t *pkg, size_t len, uint32_t counter, const struct tdm_version *version);

/* One power-on: the net-boot stage comes up, the bootloader runs, then the application (its behaviour is
 * the marker of the image in the app slot: sim/firmware.h). Returns 0 (r->rep, r->app say what happened),
 * TDM_E_POWER (a cut: tdm_sim_device_power_cycle, then run again), TDM_E_BOOT_MIXED_SET (the invariant
 * broke), or another error. */
int rig_run_once(struct rig *r);

/* Power-ons until the application runs without asking for a reset, at most max_boots: a power cut
 * power-cycles the device, an application reset resets it. *boots counts the power-ons. */
int rig_run_until_stable(struct rig *r, unsigned max_boots, unsigned *boots);

/* Both cores run set `id` (the invariant checker identified both images at the last start). */
int rig_runs(const struct rig *r, const char *id);

/* The chip saw SPI transactions since the last power-up of its command level, and no misuse of the bus
 * (protocol errors, commands while busy or without write enable, programs or erases of a locked block). */
int rig_bus_clean(const struct rig *r);

/* The boot state as the store holds it now (mounted through the driver). Returns 0 or an error. */
int rig_state(struct rig *r, struct tdm_bootstate *st);

#endif
