/* The net-boot stage image of the nRF5340 network core: wires the network core's flash, its IPC and the
 * software SHA-256 into the net-boot server and serves the transfer protocol (include/tandem/xfer.h) until
 * the application core says BOOT; then starts the network image.
 *
 * Owns: the stage's only static state (struct tdm_netboot), write-protecting its own partition first (ACL,
 * acl.c), sleeping with the anomaly-168 NOPs (board.h). Never: writes outside the network slot (the
 * server refuses it, the ACL blocks the stage's partition), starts the network image before BOOT, links
 * ECDSA (the stage only hashes: tdm_board_sha256), uses a DSP instruction (built +nodsp: the network
 * core's Cortex-M33 has neither DSP nor FPU). Untested on silicon: the register writes follow the PS v1.3.
 */
#include <stdint.h>

#include "board_net.h"
#include "tandem/err.h"
#include "tandem/layout.h"
#include "tandem/mcuboot.h"
#include "tandem/xfer.h"

static struct tdm_netboot nb;
static struct tdm_board_nvmc net_nvmc;
static struct tdm_board_ipc ipc;

/* The network image's vector table follows its MCUboot header in the slot. */
static void start_network_image(const struct tdm_netboot_config *cfg)
{
    uint8_t b[TDM_MCUBOOT_HDR_LEN];
    struct tdm_mcuboot_header hdr;
    if (cfg->flash.read(cfg->flash.ctx, cfg->slot_addr, b, sizeof b) < 0 || tdm_mcuboot_parse_header(b, &hdr) < 0) {
        return;
    }
    if (hdr.hdr_size < cfg->slot_size) {
        tdm_board_start_image(cfg->slot_addr + hdr.hdr_size);
    }
}

void tdm_board_main(void)
{
    static struct tdm_netboot_config cfg;
    struct tdm_layout_hw hw;
    struct tdm_layout layout;
    tdm_layout_hw_nrf5340(&hw, 1024u, 64u * 2048u); /* the NAND figures do not matter to this core */
    tdm_layout_default(&layout, &hw);
    tdm_board_protect_net_flash(layout.netboot.addr, layout.netboot.size);
    net_nvmc.regs = TDM_NRF_NET_NVMC;
    net_nvmc.geo = (struct tdm_flash_geometry){.base = hw.net_flash_base, .size = hw.net_flash_size,
                                               .page_size = hw.net_page, .write_unit = 4, .max_writes = 2,
                                               .endurance = 10000};
    cfg.flash = tdm_board_nvmc_ops(&net_nvmc);
    /* No timeouts on this side (it only polls): no clock, no wait(). */
    ipc = (struct tdm_board_ipc){.regs = TDM_NRF_NET_IPC, .send_base = 8, .recv_base = 0, .clock = 0};
    cfg.ipc = tdm_board_ipc_ops(&ipc, tdm_board_mem(layout.shared.addr), layout.shared.size);
    cfg.crypto = tdm_board_sha256();
    cfg.slot_addr = layout.net_slot.addr;
    cfg.slot_size = layout.net_slot.size;
    cfg.chunk = TDM_XFER_CHUNK_DEFAULT;
    if (tdm_netboot_init(&nb, &cfg) < 0) {
        tdm_board_system_reset();
    }
    while (!nb.booted) {
        int err = tdm_netboot_poll(&nb);
        if (err < 0) {
            tdm_board_system_reset();
        }
        if (err == 0) {
            tdm_board_wfe(); /* an IPC event wakes the core */
        }
    }
    start_network_image(&cfg);
    tdm_board_system_reset();
}
