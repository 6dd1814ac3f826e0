/* The simulated nRF5340 device (sim/device.h): create, open, save, close, power cycles.
 * Owns: the device directory and the wiring of its parts onto one domain. Never: bootloader logic, or a
 * half-created device reported as created. */
#define _POSIX_C_SOURCE 200809L /* mkdir, stat */

#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device_priv.h"
#include "rng.h"
#include "tandem/err.h"

static void hw_from_chip(struct tdm_sim_device *dev)
{
    const struct tdm_nand_geometry *g = &dev->nand.geo;
    tdm_layout_hw_nrf5340(&dev->hw, g->blocks, g->page_size * g->pages_per_block);
}

static void wire(struct tdm_sim_device *dev)
{
    dev->nand.dom = &dev->dom;
    dev->otp.dom = &dev->dom;
    dev->app.dom = &dev->dom;
    dev->net.dom = &dev->dom;
    dev->dom.sync = tdm_sim_device_x_catch_up;
    dev->dom.sync_arg = dev;
    for (int c = 0; c < 2; c++) {
        dev->ends[c].dev = dev;
        dev->ends[c].core = (enum tdm_sim_core)c;
    }
}

int tdm_sim_device_add_ram(struct tdm_sim_device *dev, void *ram, size_t len)
{
    if (dev->nram == TDM_SIM_RAM_REGIONS) {
        return TDM_E_BUFFER;
    }
    dev->ram[dev->nram].at = ram;
    dev->ram[dev->nram].len = len;
    dev->nram++;
    return 0;
}

void tdm_sim_device_scrub_ram(struct tdm_sim_device *dev)
{
    tdm_rng_fill(&dev->rng, dev->shared, dev->layout.shared.size);
    for (unsigned i = 0; i < dev->nram; i++) {
        tdm_rng_fill(&dev->rng, dev->ram[i].at, dev->ram[i].len);
    }
}

void tdm_sim_device_x_power_on(struct tdm_sim_device *dev)
{
    tdm_sim_device_scrub_ram(dev);
    dev->pending[0] = dev->pending[1] = 0;
    dev->in_wait[0] = dev->in_wait[1] = false;
    tdm_sim_domain_power_on(&dev->dom);
    dev->power_ons++;
}

void tdm_sim_device_power_cycle(struct tdm_sim_device *dev)
{
    tdm_sim_domain_cut_now(&dev->dom);
    tdm_sim_device_x_power_on(dev);
    dev->resetreas = 0; /* power-on reset: the register starts empty */
}

void tdm_sim_device_reset(struct tdm_sim_device *dev, uint32_t reasons)
{
    dev->resetreas |= reasons & TDM_RESET_ALL;
    uint64_t at = dev->dom.cut_at;
    enum tdm_sim_cut mode = dev->dom.cut_mode;
    int powered = dev->dom.powered;
    tdm_sim_device_x_power_on(dev);
    dev->dom.powered = powered;
    dev->dom.cut_at = at;
    dev->dom.cut_mode = mode;
}

void tdm_sim_device_cut_at(struct tdm_sim_device *dev, uint64_t at, enum tdm_sim_cut mode)
{
    tdm_sim_domain_cut_at(&dev->dom, at, mode);
}

void tdm_sim_device_set_step(struct tdm_sim_device *dev, enum tdm_sim_core core, tdm_sim_step_fn fn, void *arg)
{
    dev->step[core] = fn;
    dev->step_arg[core] = arg;
}

void tdm_sim_device_set_identify(struct tdm_sim_device *dev, tdm_sim_identify_fn fn, void *arg)
{
    dev->identify = fn;
    dev->identify_arg = arg;
}

static int alloc_shared(struct tdm_sim_device *dev)
{
    dev->shared = malloc(dev->layout.shared.size);
    return dev->shared ? 0 : TDM_E_BUFFER;
}

static int set_dir(struct tdm_sim_device *dev, const char *dir)
{
    memset(dev, 0, sizeof *dev);
    if (strlen(dir) >= sizeof dev->dir) {
        return TDM_E_SIM_FILE;
    }
    strcpy(dev->dir, dir);
    tdm_sim_domain_init(&dev->dom);
    tdm_sim_otp_init(&dev->otp, 0);
    return 0;
}

int tdm_sim_device_create(struct tdm_sim_device *dev, const char *dir, const struct tdm_sim_device_opts *opts)
{
    int err = set_dir(dev, dir);
    if (err < 0) {
        return err;
    }
    char path[1100];
    struct stat st;
    if ((err = tdm_sim_device_x_path(dev, "state.txt", path, sizeof path)) < 0) {
        return err;
    }
    if (stat(path, &st) == 0) {
        return TDM_E_STATE;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        return TDM_E_SIM_FILE;
    }
    const struct tdm_sim_part *part = tdm_sim_part_find(opts->part ? opts->part : "W25N01GV");
    if (!part) {
        return TDM_E_SIM_PART;
    }
    dev->seed = opts->seed;
    dev->rng = opts->seed ^ 0xDE71CEull;
    dev->counter_slots = opts->counter_slots ? opts->counter_slots : TDM_SIM_COUNTER_SLOTS;
    dev->otp.rng ^= opts->seed;
    if (dev->counter_slots > TDM_OTP_COUNTER_SLOTS_NRF5340) {
        return TDM_E_INVAL;
    }
    if ((err = tdm_sim_nand_create(&dev->nand, part, opts->bad_blocks, opts->seed)) < 0) {
        return err;
    }
    dev->nand.faults = opts->nand_faults;
    dev->nand_spi_hz = opts->nand_spi_hz;
    hw_from_chip(dev);
    if (opts->layout) {
        dev->layout = *opts->layout;
    } else {
        tdm_layout_default(&dev->layout, &dev->hw);
    }
    err = tdm_layout_check(&dev->layout, &dev->hw, &dev->layout_diag);
    if (err >= 0) {
        err = tdm_sim_flash_create(&dev->app, TDM_SIM_FLASH_APP, opts->seed);
    }
    if (err >= 0) {
        err = tdm_sim_flash_create(&dev->net, TDM_SIM_FLASH_NET, opts->seed);
    }
    if (err >= 0) {
        err = alloc_shared(dev);
    }
    if (err < 0) {
        tdm_sim_device_close(dev);
        return err;
    }
    wire(dev);
    tdm_rng_fill(&dev->rng, dev->shared, dev->layout.shared.size);
    err = tdm_sim_device_save(dev);
    if (err < 0) {
        tdm_sim_device_close(dev);
    }
    return err;
}

static int load_layout(struct tdm_sim_device *dev)
{
    char path[1100], text[4096];
    int n = tdm_sim_device_x_path(dev, "layout.txt", path, sizeof path);
    if (n < 0 || (n = tdm_sim_device_x_read_text(path, text, sizeof text)) < 0) {
        return TDM_E_SIM_FILE;
    }
    int err = tdm_layout_parse(text, (uint32_t)n, &dev->layout, &dev->layout_diag);
    return err < 0 ? err : tdm_layout_check(&dev->layout, &dev->hw, &dev->layout_diag);
}

int tdm_sim_device_open(struct tdm_sim_device *dev, const char *dir)
{
    int err = set_dir(dev, dir);
    if (err < 0) {
        return err;
    }
    char path[1100];
    if ((err = tdm_sim_device_x_state_read(dev)) < 0 || (err = tdm_sim_device_x_otp_read(dev)) < 0 ||
        (err = tdm_sim_device_x_path(dev, "nand.bin", path, sizeof path)) < 0) {
        return err;
    }
    if ((err = tdm_sim_nand_load(&dev->nand, path)) < 0) {
        return err;
    }
    hw_from_chip(dev);
    err = load_layout(dev);
    if (err >= 0 && (err = tdm_sim_device_x_path(dev, "appflash.bin", path, sizeof path)) >= 0) {
        err = tdm_sim_flash_load(&dev->app, TDM_SIM_FLASH_APP, path);
    }
    if (err >= 0 && (err = tdm_sim_device_x_path(dev, "netflash.bin", path, sizeof path)) >= 0) {
        err = tdm_sim_flash_load(&dev->net, TDM_SIM_FLASH_NET, path);
    }
    if (err >= 0) {
        err = alloc_shared(dev);
    }
    if (err < 0) {
        tdm_sim_device_close(dev);
        return err;
    }
    wire(dev);
    tdm_sim_device_x_power_on(dev);
    return 0;
}

int tdm_sim_device_save(const struct tdm_sim_device *dev)
{
    char path[1100], text[600];
    int err = tdm_layout_format(&dev->layout, text, sizeof text);
    if (err >= 0 && (err = tdm_sim_device_x_path(dev, "layout.txt", path, sizeof path)) >= 0) {
        err = tdm_sim_device_x_write_text(path, text);
    }
    if (err >= 0 && (err = tdm_sim_device_x_path(dev, "appflash.bin", path, sizeof path)) >= 0) {
        err = tdm_sim_flash_save(&dev->app, path);
    }
    if (err >= 0 && (err = tdm_sim_device_x_path(dev, "netflash.bin", path, sizeof path)) >= 0) {
        err = tdm_sim_flash_save(&dev->net, path);
    }
    if (err >= 0 && (err = tdm_sim_device_x_path(dev, "nand.bin", path, sizeof path)) >= 0) {
        err = tdm_sim_nand_save(&dev->nand, path);
    }
    if (err >= 0) {
        err = tdm_sim_device_x_otp_write(dev);
    }
    if (err >= 0) {
        err = tdm_sim_device_x_state_write(dev); /* last: a directory without state.txt is no device */
    }
    return err < 0 ? TDM_E_SIM_FILE : 0;
}

void tdm_sim_device_close(struct tdm_sim_device *dev)
{
    if (dev->nand.part) {
        tdm_sim_nand_destroy(&dev->nand);
        dev->nand.part = NULL;
    }
    tdm_sim_flash_destroy(&dev->app);
    tdm_sim_flash_destroy(&dev->net);
    free(dev->shared);
    dev->shared = NULL;
}
