/* `tandem device status --device DIR [--json]`: what the simulated device holds and runs: each core's
 * running version, the NAND store (package slots, boot state, download progress), the image in each slot
 * and the bootloader's state (tools/device_boot_status.c), the slots, the security counter, the clock
 * and the flash wear.
 * Owns: printing the device's state. Never: changes the device (nothing is saved).
 * Exit code 1 when the device ever started a mixed set (the all-old-or-all-new invariant failed). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device_cmds.h"
#include "tandem/err.h"

#define CMD "device status"

/* The set id as text when it is printable (synthetic firmware: "v2"), else as hex. */
static const char *readable(char *out, const struct tdm_sim_image_id *id)
{
    int text = id->set_id_len > 0;
    for (uint32_t i = 0; i < id->set_id_len; i++) {
        text = text && id->set_id[i] > 0x20 && id->set_id[i] < 0x7F;
    }
    if (!text) {
        return NULL;
    }
    memcpy(out, id->set_id, id->set_id_len);
    out[id->set_id_len] = 0;
    return out;
}

static void hex(char *out, const struct tdm_sim_image_id *id)
{
    for (uint32_t i = 0; i < id->set_id_len; i++) {
        snprintf(out + 2 * i, 3, "%02x", id->set_id[i]);
    }
    out[2 * id->set_id_len] = 0;
}

/* Pages erased over the flash's life: the sum of its per-page erase counts (kept in its file). */
static unsigned long long pages_erased(const struct tdm_sim_flash *f)
{
    unsigned long long n = 0;
    for (uint32_t p = 0; p < f->geo.size / f->geo.page_size; p++) {
        n += f->erase_count[p];
    }
    return n;
}

/* The clock and the NAND counts as the device was saved: status reads the store to describe it, and
 * those reads (in memory only, never saved) must not show up in what it reports. */
struct at_open {
    uint64_t clock_ns;
    struct tdm_sim_stats nand;
};

/* "stats": the NAND chip's operation counts (kept in nand.bin) and the internal flashes' page erases,
 * cumulative since create, so a caller takes differences around a phase (scripts/demo.sh). */
static void print_stats_json(const struct tdm_sim_device *d, const struct at_open *o)
{
    const struct tdm_sim_stats *s = &o->nand;
    printf("\"stats\":{\"nand\":{\"pages_read\":%llu,\"pages_programmed\":%llu,\"blocks_erased\":%llu,"
           "\"read_bytes\":%llu,\"program_bytes\":%llu,\"ecc_corrected\":%llu,\"time_ns\":%llu},"
           "\"app_flash\":{\"pages_erased\":%llu},\"net_flash\":{\"pages_erased\":%llu}},",
           (unsigned long long)s->reads, (unsigned long long)s->programs, (unsigned long long)s->erases,
           (unsigned long long)s->read_bytes, (unsigned long long)s->program_bytes,
           (unsigned long long)s->ecc_corrected, (unsigned long long)s->time_ns, pages_erased(&d->app),
           pages_erased(&d->net));
}

static void print_json(struct tdm_sim_device *d, uint32_t counter, int slots_left, const struct at_open *o)
{
    const struct tdm_layout *l = &d->layout;
    char set[2][2 * TDM_SIM_SET_ID_MAX + 1] = {"", ""};
    for (int c = 0; c < 2 && d->running_valid; c++) {
        hex(set[c], &d->running[c]);
    }
    printf("{\"device\":\"%s\",\"nand_part\":\"%s\",", d->dir, d->nand.part->name);
    if (d->running_valid) {
        printf("\"running\":{\"app\":{\"version\":\"%s\",\"set\":\"%s\"},\"net\":{\"version\":\"%s\",\"set\":\"%s\"}},",
               d->running[0].version, set[0], d->running[1].version, set[1]);
    } else {
        printf("\"running\":null,");
    }
    tdm_device_boot_json(d);
    printf("\"journal\":");
    tdm_device_store_json(d);
    printf(",\"slots\":{\"bootloader\":[%u,%u],\"app_slot\":[%u,%u],\"netboot\":[%u,%u],"
           "\"net_slot\":[%u,%u],\"store\":{\"first_block\":%u,\"blocks\":%u},\"shared\":[%u,%u]},",
           l->bootloader.addr, l->bootloader.size, l->app_slot.addr, l->app_slot.size, l->netboot.addr,
           l->netboot.size, l->net_slot.addr, l->net_slot.size, l->store_first_block, l->store_blocks,
           l->shared.addr, l->shared.size);
    print_stats_json(d, o);
    printf("\"counter\":{\"value\":%u,\"slots_left\":%d},\"app_starts\":%llu,\"mixed_starts\":%llu,"
           "\"power_ons\":%llu,\"cuts\":%llu,\"ops\":%llu,\"clock_ns\":%llu,"
           "\"wear\":{\"app_max_erases\":%u,\"net_max_erases\":%u}}\n",
           counter, slots_left, (unsigned long long)d->app_starts, (unsigned long long)d->mixed_starts,
           (unsigned long long)d->power_ons, (unsigned long long)d->dom.cuts, (unsigned long long)d->dom.ops,
           (unsigned long long)o->clock_ns, tdm_sim_flash_max_erases(&d->app),
           tdm_sim_flash_max_erases(&d->net));
}

static void print_text(struct tdm_sim_device *d, uint32_t counter, int slots_left, const struct at_open *o)
{
    const struct tdm_layout *l = &d->layout;
    printf("device        %s (nRF5340, NAND %s)\n", d->dir, d->nand.part->name);
    if (d->running_valid) {
        char set[2][2 * TDM_SIM_SET_ID_MAX + 1];
        hex(set[0], &d->running[0]);
        hex(set[1], &d->running[1]);
        char txt[2][TDM_SIM_SET_ID_MAX + 1];
        printf("app core      running %s (set %s)\n", d->running[0].version,
               readable(txt[0], &d->running[0]) ? txt[0] : set[0]);
        printf("net core      running %s (set %s)\n", d->running[1].version,
               readable(txt[1], &d->running[1]) ? txt[1] : set[1]);
    } else {
        printf("app core      no application started yet\nnet core      no network image started yet\n");
    }
    tdm_device_store_text(d);
    tdm_device_boot_text(d);
    printf("slots         bootloader 0x%08X+%u, app 0x%08X+%u, netboot 0x%08X+%u, net 0x%08X+%u\n",
           l->bootloader.addr, l->bootloader.size, l->app_slot.addr, l->app_slot.size, l->netboot.addr,
           l->netboot.size, l->net_slot.addr, l->net_slot.size);
    printf("store         NAND blocks %u..%u; shared window 0x%08X+%u\n", l->store_first_block,
           l->store_first_block + l->store_blocks - 1, l->shared.addr, l->shared.size);
    printf("counter       %u (%d updates left)\n", counter, slots_left);
    printf("starts        %llu application starts, %llu with a MIXED set%s\n", (unsigned long long)d->app_starts,
           (unsigned long long)d->mixed_starts, d->mixed_starts ? " (invariant violated)" : "");
    printf("power         %llu power-ons, %llu cuts, %llu flash ops, %.3f s simulated\n",
           (unsigned long long)d->power_ons, (unsigned long long)d->dom.cuts, (unsigned long long)d->dom.ops,
           o->clock_ns / 1e9);
    printf("wear          app flash page erased at most %u times, net flash %u (of 10000)\n",
           tdm_sim_flash_max_erases(&d->app), tdm_sim_flash_max_erases(&d->net));
}

int tdm_device_status(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--device") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device status --help)", argv[i]);
        }
    }
    if (!dir) {
        return tdm_cli_fail(CMD, "missing --device DIR");
    }
    static struct tdm_sim_device dev;
    if (tdm_device_open_cli(CMD, dir, &dev)) {
        return 2;
    }
    const struct at_open at = {.clock_ns = dev.dom.clock_ns, .nand = dev.nand.stats};
    struct tdm_counter_ops c = tdm_sim_device_counter(&dev);
    uint32_t counter = 0;
    int left = c.slots_left(c.ctx);
    int err = c.get(c.ctx, &counter);
    if (err < 0 || left < 0) {
        tdm_sim_device_close(&dev);
        return tdm_cli_fail(CMD, "cannot read the security counter: %s", tdm_strerror(err < 0 ? err : left));
    }
    /* Opening counted a power-on in memory; status does not save, so the device on disk is unchanged. */
    dev.power_ons--;
    if (json) {
        print_json(&dev, counter, left, &at);
    } else {
        print_text(&dev, counter, left, &at);
    }
    int rc = dev.mixed_starts ? 1 : 0;
    tdm_sim_device_close(&dev);
    return rc;
}
