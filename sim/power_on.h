/* Running the simulated device: one power-on is the net-boot stage coming up on the network core, the
 * bootloader (boot/) deciding on the application core, then the application starting: the simulator
 * checks "all old or all new" and plays the images' scripted behaviour (sim/firmware.h); a healthy
 * application on trial confirms the set after both cores reported healthy. Host-only.
 *
 * Owns: the order of a power-on and the application's side (health check, tdm_bootstate_confirm). Never:
 * install logic (the bootloader's) or keeping anything in RAM across power-ons (each run starts over).
 */
#ifndef TANDEM_SIM_DEVRUN_H
#define TANDEM_SIM_DEVRUN_H

#include <stddef.h>

#include "cpu_cost.h"
#include "device.h"
#include "firmware.h"
#include "tandem/boot.h"

struct tdm_sim_run_config {
    const uint8_t (*keys)[TDM_P256_PUBKEY_LEN];
    unsigned nkeys;
    uint32_t hw_id;
    uint64_t watchdog_ns;   /* a hung application is reset after this (0 = 2 s) */
    uint64_t health_ns;     /* the application's health check takes this long (0 = 200 ms) */
    tdm_boot_progress_fn progress;
    void *progress_arg;
    int nand_missing;       /* simulate a NAND that does not answer */
    int cut_after_start;    /* power fails right after the application started (before any health check) */
    uint32_t reset_after_start; /* TDM_RESET_* bits: the device resets right after the application started */
    uint32_t confirm_cut;   /* > 0: power fails at the confirm_cut-th operation of the confirmation ... */
    int confirm_cut_torn;   /* ... torn inside it (else before it) */
    uint8_t trial_retries;  /* the bootloader's config (0 = its default) */
    uint8_t skip_boot_verify;
    uint8_t reset_read_fails; /* the bootloader's RESETREAS read returns TDM_E_IO (a faulty reset port) */
    uint32_t app_mhz;       /* application core clock at reset: 64 (0) or 128 MHz; the network core runs at 64 */
    uint32_t boot_mhz;      /* the bootloader's run_mhz (0: it stays at the reset clock) */
};

enum tdm_sim_app {
    TDM_SIM_APP_NONE = 0,      /* never started (cut or error before) */
    TDM_SIM_APP_RUNNING = 1,   /* healthy, nothing on trial */
    TDM_SIM_APP_CONFIRMED = 2, /* healthy on trial: confirmed */
    TDM_SIM_APP_RESET = 3,     /* crashed, hung (watchdog) or unhealthy on trial: the device resets */
    TDM_SIM_APP_UNCONFIRMED = 4, /* healthy on trial but the confirmation could not be recorded (no NAND) */
};

/* RAM of both cores for one power-on (lost at every power cycle: register it with tdm_sim_device_add_ram
 * and every power-on and reset fills it with garbage). */
struct tdm_sim_run {
    struct tdm_boot boot;
    struct tdm_netboot netboot;
    struct tdm_nand app_nand;
    struct tdm_store app_store;
    uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand_ops nand_ops;
    struct tdm_boot_report rep;
    enum tdm_sim_app app;
    int app_err;
    uint32_t reset_reason;    /* TDM_SIM_APP_RESET: why (TDM_RESET_*: lock-up, watchdog, soft reset) */
    uint64_t app_start_op;    /* dev->dom.ops when the application started (0: it did not) */
    uint64_t boot_ns, app_ns; /* simulated time of the bootloader run and of the application's part */
    /* the ports of both cores' code, with their CPU work charged to the core (sim/cpu_cost.h) */
    struct tdm_sim_cpu_port cpu_crypto[2], cpu_flash[2], cpu_nand;
};

/* One power-on. Returns 0 (rep and app say what happened), TDM_E_POWER (a cut stopped both cores where
 * they stood, inside tdm_sim_domain_run: call tdm_sim_device_power_cycle and run again; under a runner the
 * cut unwinds to the runner instead), TDM_E_BOOT_MIXED_SET (the invariant broke: a failure),
 * TDM_E_BOOT_NO_IMAGE (nothing bootable), or another error. */
int tdm_sim_run_once(struct tdm_sim_device *dev, const struct tdm_sim_run_config *cfg, struct tdm_sim_run *run);

/* Power-ons until the application runs without asking for a reset, at most max_boots; a power cut
 * power-cycles the device, an application reset resets it (run->reset_reason), and it goes on. *boots (may be NULL) counts the power-ons. */
int tdm_sim_run_until_stable(struct tdm_sim_device *dev, const struct tdm_sim_run_config *cfg,
                             struct tdm_sim_run *run, unsigned max_boots, unsigned *boots);

/* Factory provisioning: format the NAND store (forced) and program the two MCUboot images straight into
 * the app and net slots. Returns 0 or an error. */
int tdm_sim_provision(struct tdm_sim_device *dev, const uint8_t *app, size_t app_len, const uint8_t *net,
                      size_t net_len);

/* What the fetch agent does after a download, without the network: write the package into the free slot,
 * commit it and request it (PENDING). counter/version are the package's. Returns 0 or an error. */
int tdm_sim_stage(struct tdm_sim_device *dev, const uint8_t *pkg, size_t len, uint32_t counter,
                  const struct tdm_version *version);

/* The crypto port the simulated device uses: mbedTLS, with P-256 verifications memoised (host speed only:
 * the same inputs give the same answer; simulated time is not affected). */
struct tdm_crypto_ops tdm_sim_crypto(void);

/* Mount the device's store with host RAM (tools and tests). Returns 0 or an error. */
int tdm_sim_store_mount(struct tdm_sim_device *dev, struct tdm_nand *nand, struct tdm_nand_ops *ops,
                        struct tdm_store *store, uint8_t *page_buf);

#endif
