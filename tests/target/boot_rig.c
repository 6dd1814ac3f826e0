/* The device of the bootloader story on the target (boot_rig.h): wiring, one power-on of both cores.
 * Owns: the cores' RAM of the story (static) and the application's side. Never: install decisions. */
#include "boot_rig.h"

#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "boot_story_sets.h"
#include "firmware.h"
#include "tandem/err.h"
#include "tandem/spinand.h"

#define SPI_HZ 32000000u /* SPIM4 at 32 MHz on its dedicated pins, one data line: the board's bus */
#define W25N_PAGE_AND_TAGS (2048 + 64)

/* RAM of the code running on the two cores during one power-on: lost (scrubbed) at every power-on. */
static struct {
    struct tdm_boot boot;          /* the bootloader (application core) */
    struct tdm_netboot netboot;    /* the net-boot stage (network core) */
    struct tdm_spinand drv;        /* the SPI-NAND driver of the application core */
    struct tdm_nand_ops nand_ops;  /* its port */
    struct tdm_clock_ops clock;
    struct tdm_nand nand;          /* the application's (or the agent's) NAND layer and store */
    struct tdm_store store;
    uint8_t page[W25N_PAGE_AND_TAGS];
} ram;

/* The board's ECDSA verifier (crypto/p256.c), counted. */
static struct rig *counting;

static int counted_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                          const uint8_t sig[TDM_P256_SIG_LEN])
{
    int r = tdm_board_crypto().p256_verify(ctx, pub, hash, sig);
    counting->verifies++;
    counting->verified += r == 0;
    return r;
}

static struct tdm_crypto_ops boot_crypto(struct rig *r)
{
    struct tdm_crypto_ops c = tdm_board_crypto();
    counting = r;
    c.p256_verify = counted_verify;
    return c;
}

static int net_step(void *arg)
{
    return tdm_netboot_poll(arg);
}

/* The chip powers up locked with ECC as the part defaults: the driver is set up after every power-on. */
static int nand_up(struct rig *r)
{
    ram.clock = tdm_sim_device_clock(&r->dev);
    struct tdm_spinand_config cfg = {.spi = tdm_sim_spinand_ops(&r->chip), .clock = &ram.clock, .lines = 1,
                                     .blocks = r->dev.nand.geo.blocks};
    int err = tdm_spinand_init(&ram.drv, &cfg);
    ram.nand_ops = tdm_spinand_ops(&ram.drv);
    return err;
}

static struct tdm_store_config store_config(struct rig *r)
{
    struct tdm_store_config sc = {.nand = &ram.nand, .crypto = tdm_board_crypto(), .page_buf = ram.page,
                                  .first_block = r->dev.layout.store_first_block,
                                  .block_count = r->dev.layout.store_blocks};
    return sc;
}

static int mount(struct rig *r)
{
    int err = nand_up(r);
    err = err < 0 ? err : tdm_nand_init(&ram.nand, &ram.nand_ops);
    struct tdm_store_config sc = store_config(r);
    return err < 0 ? err : tdm_store_mount(&ram.store, &sc);
}

/* What sim/device.c does for a device directory, in memory: parts, layout, window, one power domain. */
static int build(struct tdm_sim_device *dev, uint64_t seed)
{
    memset(dev, 0, sizeof *dev);
    tdm_sim_domain_init(&dev->dom);
    tdm_sim_otp_init(&dev->otp, seed);
    dev->seed = seed;
    dev->rng = seed ^ 0xB007ull;
    dev->counter_slots = TDM_SIM_COUNTER_SLOTS;
    int err = tdm_sim_nand_create(&dev->nand, tdm_sim_part_find(BST_NAND_PART), 0, seed);
    if (err < 0) {
        return err;
    }
    const struct tdm_nand_geometry *g = &dev->nand.geo;
    tdm_layout_hw_nrf5340(&dev->hw, g->blocks, g->page_size * g->pages_per_block);
    tdm_layout_default(&dev->layout, &dev->hw);
    err = tdm_layout_check(&dev->layout, &dev->hw, &dev->layout_diag);
    err = err < 0 ? err : tdm_sim_flash_create(&dev->app, TDM_SIM_FLASH_APP, seed);
    err = err < 0 ? err : tdm_sim_flash_create(&dev->net, TDM_SIM_FLASH_NET, seed);
    dev->shared = malloc(dev->layout.shared.size);
    if (err < 0 || !dev->shared) {
        return err < 0 ? err : TDM_E_BUFFER;
    }
    /* No sync hook (sim/device.c's private catch-up): the network core runs while the application core
     * waits on IPC, a schedule in which it is slow, which silicon allows too. */
    dev->nand.dom = dev->app.dom = dev->net.dom = dev->otp.dom = &dev->dom;
    for (int c = 0; c < 2; c++) {
        dev->ends[c].dev = dev;
        dev->ends[c].core = (enum tdm_sim_core)c;
    }
    return tdm_sim_device_add_ram(dev, &ram, sizeof ram);
}

/* The chip's command level at power-up, on the board's bus. */
static int chip_up(struct rig *r)
{
    int err = tdm_sim_spinand_create(&r->chip, &r->dev.nand, r->dev.seed);
    return err < 0 ? err : tdm_sim_spinand_set_bus(&r->chip, SPI_HZ, 1);
}

int rig_open(struct rig *r, const uint8_t (*keys)[TDM_P256_PUBKEY_LEN], uint64_t seed)
{
    rig_close(r);
    memset(r, 0, sizeof *r);
    r->open = 1;
    r->keys = keys;
    int err = build(&r->dev, seed);
    err = err < 0 ? err : chip_up(r);
    if (err < 0) {
        return err;
    }
    tdm_sim_device_set_identify(&r->dev, tdm_sim_fw_identify, NULL);
    tdm_sim_device_power_cycle(&r->dev); /* plugged in: RAM and window hold garbage */
    err = nand_up(r);
    err = err < 0 ? err : tdm_nand_init(&ram.nand, &ram.nand_ops);
    struct tdm_store_config sc = store_config(r);
    return err < 0 ? err : tdm_store_format(&ram.store, &sc, true);
}

int rig_restore(struct rig *r, const struct tdm_sim_snapshot *snap)
{
    int err = tdm_sim_snapshot_restore(snap, &r->dev);
    err = err < 0 ? err : chip_up(r);
    tdm_sim_device_power_cycle(&r->dev);
    return err;
}

void rig_close(struct rig *r)
{
    if (!r->open) {
        return;
    }
    if (r->dev.nand.part) {
        tdm_sim_nand_destroy(&r->dev.nand);
    }
    tdm_sim_flash_destroy(&r->dev.app);
    tdm_sim_flash_destroy(&r->dev.net);
    free(r->dev.shared);
    r->dev.shared = NULL;
    r->open = 0;
}

int rig_stage(struct rig *r, const uint8_t *pkg, size_t len, uint32_t counter, const struct tdm_version *version)
{
    int err = mount(r);
    int slot = err < 0 ? err : tdm_store_free_slot(&ram.store);
    if (slot < 0) {
        return slot;
    }
    err = tdm_store_open(&ram.store, (unsigned)slot);
    err = err < 0 ? err : tdm_store_write(&ram.store, pkg, (uint32_t)len);
    err = err < 0 ? err : tdm_store_commit(&ram.store, (uint32_t)len, NULL);
    return err < 0 ? err : tdm_bootstate_request(&ram.store, (unsigned)slot, counter, version);
}

int rig_state(struct rig *r, struct tdm_bootstate *st)
{
    int err = mount(r);
    return err < 0 ? err : tdm_bootstate_load(&ram.store, st);
}

/* The application: start (the simulator checks both slots hold one set), behave, confirm a set on trial
 * once both cores are healthy. */
static int run_app(struct rig *r)
{
    int err = tdm_sim_device_app_start(&r->dev);
    if (err < 0) {
        return err;
    }
    r->app_op = r->dev.dom.ops;
    const struct tdm_layout *l = &r->dev.layout;
    const uint8_t *app = tdm_sim_flash_peek(&r->dev.app, l->app_slot.addr, l->app_slot.size);
    const uint8_t *net = tdm_sim_flash_peek(&r->dev.net, l->net_slot.addr, l->net_slot.size);
    if (tdm_sim_fw_behavior(app, l->app_slot.size) != TDM_SIM_HEALTHY ||
        tdm_sim_fw_behavior(net, l->net_slot.size) != TDM_SIM_HEALTHY) {
        r->app = RIG_APP_RESET; /* a fault with no handler locks the CPU up; a sick net core: same here */
        r->reset_reason = TDM_RESET_LOCKUP;
        return 0;
    }
    if (r->rep.outcome != TDM_BOOT_RUN_TRIAL) {
        r->app = RIG_APP_RUNNING;
        return 0;
    }
    struct tdm_counter_ops counter = tdm_sim_device_counter(&r->dev);
    err = mount(r);
    err = err < 0 ? err : tdm_bootstate_confirm(&ram.store, &counter);
    r->app = err < 0 ? RIG_APP_NONE : RIG_APP_CONFIRMED;
    return err;
}

/* Both cores from power-on to the application's part (inside the domain's unwind point). */
static int run_once(void *arg)
{
    struct rig *r = arg;
    memset(&r->rep, 0, sizeof r->rep);
    r->app = RIG_APP_NONE;
    r->app_op = 0;
    r->boot_op = r->dev.dom.ops;
    const struct tdm_layout *l = &r->dev.layout;
    struct tdm_netboot_config nc = {.flash = tdm_sim_device_net_flash(&r->dev),
                                    .ipc = tdm_sim_device_ipc(&r->dev, TDM_SIM_CORE_NET),
                                    .crypto = tdm_board_crypto(),
                                    .slot_addr = l->net_slot.addr,
                                    .slot_size = l->net_slot.size,
                                    .chunk = TDM_XFER_CHUNK_DEFAULT};
    int err = tdm_netboot_init(&ram.netboot, &nc);
    if (err < 0) {
        return err;
    }
    tdm_sim_device_set_step(&r->dev, TDM_SIM_CORE_NET, net_step, &ram.netboot);
    err = nand_up(r);
    if (err < 0) {
        return err;
    }
    struct tdm_boot_config bc = {.layout = *l,
                                 .app_flash = tdm_sim_device_app_flash(&r->dev),
                                 .ipc = tdm_sim_device_ipc(&r->dev, TDM_SIM_CORE_APP),
                                 .counter = tdm_sim_device_counter(&r->dev),
                                 .crypto = boot_crypto(r),
                                 .nand = &ram.nand_ops,
                                 .nand_page_buf = ram.page,
                                 .keys = r->keys,
                                 .nkeys = 1,
                                 .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .reset = tdm_sim_device_reset_reason(&r->dev)};
    err = tdm_boot_run(&ram.boot, &bc, &r->rep);
    return err < 0 ? err : run_app(r);
}

int rig_run_once(struct rig *r)
{
    return tdm_sim_domain_run(&r->dev.dom, run_once, r); /* a cut stops both cores where they stand */
}

int rig_run_until_stable(struct rig *r, unsigned max_boots, unsigned *boots)
{
    int err = TDM_E_STATE;
    for (*boots = 0; *boots < max_boots;) {
        ++*boots;
        err = rig_run_once(r);
        if (err == TDM_E_POWER) {
            tdm_sim_device_power_cycle(&r->dev);
        } else if (err >= 0 && r->app == RIG_APP_RESET) {
            tdm_sim_device_reset(&r->dev, r->reset_reason);
        } else {
            return err;
        }
        err = TDM_E_STATE;
    }
    return err;
}

int rig_bus_clean(const struct rig *r)
{
    const struct tdm_sim_spinand_stats *s = &r->chip.stats;
    return s->transactions > 0 && s->proto_errors == 0 && s->busy_ignored == 0 && s->wel_missing == 0 &&
           s->lock_refused == 0;
}

int rig_runs(const struct rig *r, const char *id)
{
    struct tdm_sim_image_id want = {.set_id_len = (uint32_t)strlen(id)};
    if (want.set_id_len > TDM_SIM_SET_ID_MAX) {
        return 0;
    }
    memcpy(want.set_id, id, want.set_id_len);
    return r->dev.running_valid && tdm_sim_same_set(&r->dev.running[0], &want) &&
           tdm_sim_same_set(&r->dev.running[1], &want);
}
