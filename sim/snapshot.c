/* Snapshots of a simulated device (sim/snapshot.h). Owns: the deep copies. Never: the directory. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "tandem/err.h"

static void *dup_bytes(const void *src, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n) {
        memcpy(d, src, n);
    }
    return d;
}

int tdm_sim_snapshot_take(struct tdm_sim_snapshot *s, const struct tdm_sim_device *dev)
{
    memset(s, 0, sizeof *s);
    s->dev = *dev;
    int ok = tdm_sim_nand_snapshot_take(&s->nand, &dev->nand) == 0;
    const struct tdm_sim_flash *f[2] = {&dev->app, &dev->net};
    for (int i = 0; ok && i < 2; i++) {
        uint32_t psz = f[i]->geo.page_size;
        s->flash_mem[i] = dup_bytes(f[i]->mem, f[i]->geo.size);
        s->flash_writes[i] = dup_bytes(f[i]->word_writes, f[i]->geo.size / 4);
        s->flash_erases[i] = dup_bytes(f[i]->erase_count, f[i]->geo.size / psz * sizeof(uint32_t));
        ok = s->flash_mem[i] && s->flash_writes[i] && s->flash_erases[i];
    }
    if (!ok) {
        tdm_sim_snapshot_free(s);
        return TDM_E_BUFFER;
    }
    return 0;
}

int tdm_sim_snapshot_restore(const struct tdm_sim_snapshot *s, struct tdm_sim_device *dev)
{
    int err = tdm_sim_nand_snapshot_restore(&s->nand, &dev->nand);
    if (err < 0) {
        return err;
    }
    struct tdm_sim_flash *f[2] = {&dev->app, &dev->net};
    const struct tdm_sim_flash *sf[2] = {&s->dev.app, &s->dev.net};
    for (int i = 0; i < 2; i++) {
        memcpy(f[i]->mem, s->flash_mem[i], f[i]->geo.size);
        memcpy(f[i]->word_writes, s->flash_writes[i], f[i]->geo.size / 4);
        memcpy(f[i]->erase_count, s->flash_erases[i], f[i]->geo.size / f[i]->geo.page_size * sizeof(uint32_t));
        f[i]->stats = sf[i]->stats;
        f[i]->rng = sf[i]->rng;
    }
    dev->dom = s->dev.dom;
    memcpy(dev->pending, s->dev.pending, sizeof dev->pending);
    memset(dev->in_wait, 0, sizeof dev->in_wait);
    memcpy(dev->otp.words, s->dev.otp.words, sizeof dev->otp.words);
    dev->otp.rng = s->dev.otp.rng;
    dev->otp.stats = s->dev.otp.stats;
    dev->counter_slots = s->dev.counter_slots;
    tdm_sim_device_counter_view(dev);
    dev->rng = s->dev.rng;
    dev->power_ons = s->dev.power_ons;
    dev->app_starts = s->dev.app_starts;
    dev->mixed_starts = s->dev.mixed_starts;
    dev->running_valid = s->dev.running_valid;
    memcpy(dev->running, s->dev.running, sizeof dev->running);
    return 0;
}

void tdm_sim_snapshot_free(struct tdm_sim_snapshot *s)
{
    tdm_sim_nand_snapshot_free(&s->nand);
    for (int i = 0; i < 2; i++) {
        free(s->flash_mem[i]);
        free(s->flash_writes[i]);
        free(s->flash_erases[i]);
    }
    memset(s, 0, sizeof *s);
}
