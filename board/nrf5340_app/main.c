/* The bootloader image of the nRF5340 application core: wires the board ports into the bootloader core,
 * runs tdm_boot_run once and starts the application (include/tandem/boot.h).
 *
 * Owns: the image's only static state (the bootloader's RAM, struct tdm_boot, the SPI-NAND driver and the
 * NAND page buffer, the trusted keys read from UICR OTP) and the order of the start: write-protect the
 * bootloader's flash, clock 128 MHz and SPIM4, the NAND, the keys, the network core, then tdm_boot_run.
 * Never: decides anything tdm_boot_run decides, starts an application when tdm_boot_run failed, runs
 * without a provisioned key table (it waits for the factory instead), or retries a power cut other than
 * by a reset. Untested on silicon: the register writes follow the nRF5340 PS v1.3 (docs/TARGET.md says
 * which ones only a board confirms).
 */
#include <stdint.h>

#include "board_app.h"
#include "mmio.h"
#include "tandem/boot.h"
#include "tandem/err.h"
#include "tandem/layout.h"
#include "tandem/mcuboot.h"
#include "tandem/otp_counter.h"
#include "tandem/otp_keys.h"
#include "tandem/spinand.h"

#define APP_CORE_HZ 128000000u     /* HFCLK 128 MHz: tdm_board_spim4_init sets CLOCK.HFCLKCTRL = Div1 */
#define W25N_PAGE_AND_OOB (2048 + 64) /* the fitted part's page + spare bytes (store page buffer) */
#define NAND_BLOCKS 1024u
#define NAND_BLOCK_BYTES (64u * 2048u)

/* The package signing keys, read from UICR.OTP[0..63] (include/tandem/otp_keys.h; `tandem provision`). */
static uint8_t trusted_keys[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];

static struct tdm_boot boot;
static uint8_t nand_page[W25N_PAGE_AND_OOB];
static struct tdm_board_nvmc app_nvmc;
static struct tdm_board_clock clock;
static struct tdm_board_ipc ipc;
static struct tdm_otp_counter otp_counter;
static struct tdm_board_spim4 spim;
static struct tdm_spinand spinand;
static struct tdm_nand_ops nand_ops;
static struct tdm_clock_ops clock_ops;

/* Nothing may run (no key, or nothing bootable): sleep until a debugger or a programmer comes. */
static void wait_for_factory(void)
{
    for (;;) {
        tdm_board_wfi();
    }
}

/* The SPI-NAND driver over SPIM4; NULL when no known chip answers (the bootloader then boots the
 * installed set unchanged: architecture invariant 6). */
static const struct tdm_nand_ops *open_nand(void)
{
    tdm_board_spim4_init(&spim, TDM_NRF_APP_SPIM4_S, TDM_NRF_APP_P0_S, TDM_NRF_APP_CLOCK_S);
    struct tdm_spinand_config sc = {.spi = tdm_board_spim4_ops(&spim), .clock = &clock_ops, .lines = 1};
    if (tdm_spinand_init(&spinand, &sc) < 0) {
        return 0;
    }
    nand_ops = tdm_spinand_ops(&spinand);
    return &nand_ops;
}

/* The application's vector table follows its MCUboot header in the slot. */
static void start_application(const struct tdm_boot_config *cfg)
{
    uint8_t b[TDM_MCUBOOT_HDR_LEN];
    struct tdm_mcuboot_header hdr;
    if (cfg->app_flash.read(cfg->app_flash.ctx, cfg->layout.app_slot.addr, b, sizeof b) < 0 ||
        tdm_mcuboot_parse_header(b, &hdr) < 0) {
        return; /* tdm_boot_run verified the slot: only a failing flash gets here */
    }
    tdm_board_start_image(cfg->layout.app_slot.addr + hdr.hdr_size);
}

void tdm_board_main(void)
{
    static struct tdm_boot_config cfg;
    struct tdm_layout_hw hw;
    tdm_layout_hw_nrf5340(&hw, NAND_BLOCKS, NAND_BLOCK_BYTES);
    tdm_layout_default(&cfg.layout, &hw);
    tdm_board_protect_app_flash(cfg.layout.bootloader.addr, cfg.layout.bootloader.size);
    app_nvmc.regs = TDM_NRF_APP_NVMC_S;
    app_nvmc.geo = (struct tdm_flash_geometry){.base = hw.app_flash_base, .size = hw.app_flash_size,
                                               .page_size = hw.app_page, .write_unit = 4, .max_writes = 2,
                                               .endurance = 10000};
    cfg.app_flash = tdm_board_nvmc_ops(&app_nvmc);
    tdm_board_clock_init(&clock, APP_CORE_HZ);
    clock_ops = tdm_board_clock_ops(&clock);
    ipc = (struct tdm_board_ipc){.regs = TDM_NRF_APP_IPC_S, .send_base = 0, .recv_base = 8, .clock = &clock};
    cfg.ipc = tdm_board_ipc_ops(&ipc, tdm_board_mem(cfg.layout.shared.addr), cfg.layout.shared.size);
    cfg.ipc.wait = tdm_board_ipc_wait;
    /* the region is within the 192 OTP words: init cannot fail */
    (void)tdm_otp_counter_init(&otp_counter, tdm_board_otp_ops(&app_nvmc), TDM_OTP_COUNTER_FIRST_NRF5340,
                               TDM_OTP_COUNTER_SLOTS_NRF5340);
    cfg.counter = tdm_otp_counter_ops(&otp_counter);
    cfg.crypto = tdm_board_crypto();
    cfg.cpu.set_mhz = tdm_board_set_core_mhz; /* reset_clock.c */
    cfg.reset = tdm_board_reset_ops();
    cfg.run_mhz = 128; /* the bootloader's hashing at 128 MHz (docs/BOOT.md "The bootloader's clock") */
    cfg.nand = open_nand();
    cfg.nand_page_buf = nand_page;
    struct tdm_otp_ops otp = tdm_board_otp_ops(&app_nvmc);
    int nkeys = tdm_otp_keys_read(&otp, trusted_keys, TDM_OTP_KEYS_MAX);
    if (nkeys <= 0) {
        wait_for_factory(); /* no key table, or a torn or altered one: nothing can be verified */
    }
    cfg.keys = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])trusted_keys;
    cfg.nkeys = (unsigned)nkeys;
    cfg.hw_id = TDM_PKG_HW_ID_DEFAULT;
    tdm_board_net_release(cfg.layout.shared.addr, cfg.layout.shared.size);

    struct tdm_boot_report rep;
    int err = tdm_boot_run(&boot, &cfg, &rep);
    if (err >= 0) {
        (void)tdm_board_set_core_mhz(0, 64); /* the application starts at the clock of a reset (SPIM4 init raised it) */
        start_application(&cfg);
    }
    if (err == TDM_E_BOOT_NO_IMAGE) {
        wait_for_factory(); /* nothing to run and nothing to install */
    }
    /* A flash error: reset; the journal resumes the work where it stopped (a brown-out resets by itself). */
    tdm_board_system_reset();
}
