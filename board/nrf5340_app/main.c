/* The bootloader image of the nRF5340 application core: wires the board ports into the bootloader core,
 * runs tdm_boot_run once and starts the application (include/tandem/boot.h).
 *
 * Owns: the image's only static state (the bootloader's RAM, struct tdm_boot and the NAND page buffer),
 * the trusted key table, releasing the network core. Never: decides anything tdm_boot_run decides, starts
 * an application when tdm_boot_run failed, or retries a power cut other than by a reset.
 * Untested on silicon: the register writes follow the nRF5340 PS v1.3 and are the board bring-up's first check.
 */
#include <stdint.h>

#include "board_app.h"
#include "tandem/boot.h"
#include "tandem/err.h"
#include "tandem/layout.h"
#include "tandem/mcuboot.h"
#include "tandem/otp_counter.h"

#define APP_CORE_HZ 128000000u     /* HFCLK 128 MHz (PS: CLOCK.HFCLKCTRL default divides by 2: 64 MHz; */
                                   /* the clock then runs slow and timeouts get longer, never shorter) */
#define W25N_PAGE_AND_OOB (2048 + 64) /* the fitted part's page + spare bytes (store page buffer) */
#define NAND_BLOCKS 1024u
#define NAND_BLOCK_BYTES (64u * 2048u)
#define RESET_NETWORK_FORCEOFF 0x50005614u /* RESET (Secure) NETWORK.FORCEOFF: 0 releases the net core */
#define SPU_RAMREGION_PERM 0x50003700u     /* SPU RAMREGION[n].PERM, 8 KB regions of app RAM */
#define SPU_PERM_RW_NONSECURE 0x6u         /* READ | WRITE, SECATTR = 0: the net core may use it */

/* The package signing key (uncompressed P-256 point). Provisioning replaces these bytes in the image. */
static const uint8_t trusted_keys[1][TDM_P256_PUBKEY_LEN] = {{0x04}};

static struct tdm_boot boot;
static uint8_t nand_page[W25N_PAGE_AND_OOB];
static struct tdm_board_nvmc app_nvmc;
static struct tdm_board_clock clock;
static struct tdm_board_ipc ipc;
static struct tdm_otp_counter otp_counter;

/* Open the shared window to the network core and let it run its net-boot stage. */
static void release_net_core(const struct tdm_layout_region *window)
{
    for (uint32_t a = window->addr; a < window->addr + window->size; a += 8192u) {
        uint32_t region = (a - 0x20000000u) / 8192u;
        *tdm_board_reg(SPU_RAMREGION_PERM + 4u * region) = SPU_PERM_RW_NONSECURE;
    }
    *tdm_board_reg(RESET_NETWORK_FORCEOFF) = 0;
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
    app_nvmc.regs = TDM_NRF_APP_NVMC_S;
    app_nvmc.geo = (struct tdm_flash_geometry){.base = hw.app_flash_base, .size = hw.app_flash_size,
                                               .page_size = hw.app_page, .write_unit = 4, .max_writes = 2,
                                               .endurance = 10000};
    cfg.app_flash = tdm_board_nvmc_ops(&app_nvmc);
    tdm_board_clock_init(&clock, APP_CORE_HZ);
    ipc = (struct tdm_board_ipc){.regs = TDM_NRF_APP_IPC_S, .send_base = 0, .recv_base = 8, .clock = &clock};
    cfg.ipc = tdm_board_ipc_ops(&ipc, tdm_board_mem(cfg.layout.shared.addr), cfg.layout.shared.size);
    cfg.ipc.wait = tdm_board_ipc_wait;
    /* the region is within the 192 OTP words: init cannot fail */
    (void)tdm_otp_counter_init(&otp_counter, tdm_board_otp_ops(&app_nvmc), TDM_OTP_COUNTER_FIRST_NRF5340,
                               TDM_OTP_COUNTER_SLOTS_NRF5340);
    cfg.counter = tdm_otp_counter_ops(&otp_counter);
    cfg.crypto = tdm_board_crypto();
    static struct tdm_nand_ops nand_ops;
    nand_ops = tdm_board_nand_ops();
    cfg.nand = &nand_ops;
    cfg.nand_page_buf = nand_page;
    cfg.keys = trusted_keys;
    cfg.nkeys = 1;
    cfg.hw_id = TDM_PKG_HW_ID_DEFAULT;
    release_net_core(&cfg.layout.shared);

    struct tdm_boot_report rep;
    int err = tdm_boot_run(&boot, &cfg, &rep);
    if (err >= 0) {
        start_application(&cfg);
    }
    if (err == TDM_E_BOOT_NO_IMAGE) {
        for (;;) { /* nothing to run and nothing to install: wait for a debugger or a programmer */
            __asm__ volatile("wfi");
        }
    }
    /* A flash error: reset; the journal resumes the work where it stopped (a brown-out resets by itself). */
    tdm_board_system_reset();
}
