/* The bootloader core (application core): installs the application image and the network image of a
 * staged package as ONE transaction, boots the new set on trial, and restores BOTH previous images when
 * the trial fails. docs/BOOT.md describes the states and why each step is safe to cut.
 *
 * Owns: the decision of what runs next; the boot-state journal record (include/tandem/bootstate.h);
 * the order of the install steps. Never: boots a set it has not verified, boots a mixed set (an install
 * or a rollback always completes before anything boots), installs a package that fails verification or
 * was rejected before, advances the security counter (confirmation does, bootstate.h), or erases an
 * internal-flash page whose contents already match (one erase per page written, at most one more for the
 * page a power cut interrupted).
 *
 * RAM: struct tdm_boot is 9 096 bytes on the Cortex-M33 (the store 1 840, the package parser ~2.6 KB, a
 * 4 KB copy buffer, the transfer client and the boot state), plus the NAND page buffer the config names
 * (2 112 bytes on a W25N01GV): the bootloader image's .bss is 11 456 bytes in all (docs/TARGET.md).
 * Worst-case stack 3 760 bytes from reset, 2 048 of them the budget of one ECDSA verification.
 */
#ifndef TANDEM_BOOT_H
#define TANDEM_BOOT_H

#include <stdint.h>

#include "tandem/bootstate.h"
#include "tandem/counter_port.h"
#include "tandem/crypto_port.h"
#include "tandem/flash_port.h"
#include "tandem/ipc_port.h"
#include "tandem/layout.h"
#include "tandem/nand.h"
#include "tandem/pkg.h"
#include "tandem/reset_port.h"
#include "tandem/store.h"
#include "tandem/xfer.h"

#define TDM_BOOT_COPY_BUF 4096 /* one app-flash page; also a multiple of the net page (2 KB) */
#define TDM_BOOT_VERSION_MAJOR 1
#define TDM_BOOT_VERSION_MINOR 0
#define TDM_BOOT_IMAGES_TYPE 0x0101u /* journal record: digests internal flash must match (docs/BOOT.md) */
#define TDM_BOOT_TRIAL_RETRIES 3 /* default: power losses a trial may suffer before it counts as failed */

/* Progress of the install, for a progress bar: core 0 app, 1 net; done/total in bytes. May be NULL. */
typedef void (*tdm_boot_progress_fn)(void *arg, int core, uint32_t done, uint32_t total);

struct tdm_boot_config {
    struct tdm_layout layout;
    struct tdm_flash_ops app_flash;    /* the application core's flash */
    struct tdm_ipc_ops ipc;            /* the application core's view of the window */
    struct tdm_counter_ops counter;    /* the security counter (OTP) */
    struct tdm_crypto_ops crypto;
    const struct tdm_nand_ops *nand;   /* NULL = no NAND fitted */
    uint8_t *nand_page_buf;            /* page + oob bytes for the store */
    const uint8_t (*keys)[TDM_P256_PUBKEY_LEN]; /* trusted package keys */
    unsigned nkeys;
    uint32_t hw_id;                    /* this device's hardware id */
    uint32_t xfer_chunk;               /* 0 = TDM_XFER_CHUNK_DEFAULT */
    tdm_boot_progress_fn progress;
    void *progress_arg;
    /* Why the core reset (RESETREAS). read NULL = unknown: every reset during a trial is a failure. */
    struct tdm_reset_ops reset;
    uint8_t trial_retries;    /* power-on / pin resets a trial survives, 0 = TDM_BOOT_TRIAL_RETRIES */
    uint8_t skip_boot_verify; /* 1 = hand over without checking the installed set (default 0: check) */
    struct tdm_cpu_ops cpu;   /* CPU work reported to a simulated clock (spend NULL on a board) */
    /* The CPU clock the bootloader runs at (cpu.set_mhz), restored before tdm_boot_run returns: on the
     * nRF5340 application core 128 (its hashing and copies take half the time of the reset clock, 64);
     * 0 = stay at the reset clock. */
    uint32_t run_mhz;
};

/* What the bootloader decided, and why. */
enum tdm_boot_outcome {
    TDM_BOOT_RUN_INSTALLED = 0, /* nothing to do: the installed set runs */
    TDM_BOOT_RUN_TRIAL = 1,     /* a new set was installed and runs on trial */
    TDM_BOOT_RUN_ROLLED_BACK = 2, /* the trial failed: the previous set was restored and runs */
    TDM_BOOT_RUN_REFUSED = 3,   /* the pending package failed verification: the installed set runs */
    TDM_BOOT_RUN_NO_NAND = 4,   /* NAND missing or unreadable: the installed set runs as it is */
};

struct tdm_boot_report {
    enum tdm_boot_outcome outcome;
    int refused_err;              /* why a pending package was refused (TDM_BOOT_RUN_REFUSED) */
    int nand_err;                 /* why the NAND was not usable (TDM_BOOT_RUN_NO_NAND) */
    uint32_t app_pages_erased, app_pages_written, app_pages_skipped;
    uint32_t net_pages_sent;
    uint32_t captured;            /* 1 when the running set was captured into NAND first */
    uint32_t reset_reasons;       /* RESETREAS as this run found it (then cleared) */
    uint8_t trial_retry;          /* > 0: this run restarted a trial after a power loss (the count) */
    uint8_t verified;             /* 1: the set handed over was checked against its recorded digests */
    uint8_t repaired;             /* 1: that check failed and the set was restored from NAND first */
    uint64_t started_ns, finished_ns; /* on the clock of the caller's choice (0 if none) */
};

struct tdm_boot {
    struct tdm_boot_config cfg;
    struct tdm_nand nand;
    struct tdm_store store;
    struct tdm_pkg_parser parser;
    struct tdm_xfer xfer;
    struct tdm_bootstate st;
    struct tdm_boot_report rep;
    uint8_t have_store, xfer_open;
    uint8_t reasons_known; /* rep.reset_reasons was read from the reset port */
    uint8_t buf[TDM_BOOT_COPY_BUF];
};
#define TDM_BOOT_RAM 10240 /* sizeof bound, 32- or 64-bit (9 096 B on the Cortex-M33) */
_Static_assert(sizeof(struct tdm_boot) <= TDM_BOOT_RAM, "struct tdm_boot grew past its RAM bound");

/* Run the bootloader once, from power-on to the decision. Everything it keeps is in NAND (journal) and
 * internal flash; a power cut at any operation followed by another call continues the same transaction.
 * It reads and clears RESETREAS first (cfg.reset): on TRIAL, a power-on, brown-out or pin reset restarts
 * the trial (at most cfg.trial_retries times), any other reset rolls back. Before it hands over a set it
 * did not just install, it checks both images against the images record unless cfg.skip_boot_verify
 * (docs/BOOT.md, "Verify at boot"): a mismatch is reinstalled from NAND first (rep.repaired).
 * On 0, the caller starts the application (and the network image: the net-boot stage has been told to
 * boot it) and *rep says what happened. A power cut stops it where it stands (no error: on silicon the
 * supply is gone; the simulator unwinds, sim/domain.h); the next power-on calls it again and the state
 * record resumes the work. Errors: TDM_E_BOOT_NO_IMAGE (no valid image in internal flash and nothing to install: the device cannot boot),
 * TDM_E_CONFIG. */
int tdm_boot_run(struct tdm_boot *b, const struct tdm_boot_config *cfg, struct tdm_boot_report *rep);

#endif
