/* Test fixture of the fetch agent: a simulated NAND chip with a formatted store, a security counter, the
 * agent's config, and packages built in-process (pkg/host/pkg_build.h) and served by the rig's nginx.
 * Owns: helpers shared by tests/fetch/agent_*.c and bench/bench_fetch_agent.c. Never: starts the rig. */
#ifndef TANDEM_TESTS_FETCH_AGENT_FIXTURE_H
#define TANDEM_TESTS_FETCH_AGENT_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "nand_sim.h"
#include "spinand_sim.h"
#include "pkg_build.h"
#include "rig.h"
#include "tandem/err.h"
#include "tandem/fetch.h"
#include "tandem/host_crypto.h"
#include "tandem/le.h"
#include "tandem/nand.h"
#include "tandem/store.h"

#define AFX_APP_MAX 0xE8000u /* the default layout's app_slot (include/tandem/layout.h) */
#define AFX_NET_MAX 0x38000u /* ... and net_slot */
#define AFX_APP_ADDR 0x00010000u /* the default layout's app_slot and net_slot addresses */
#define AFX_NET_ADDR 0x01008000u

struct afx_dev {
    struct tdm_sim_nand chip;
    int have_chip;
    uint32_t spi_hz;                 /* 0: the chip's page-level port; else the device's bus: the SPI-NAND
                                      * driver over the chip's SPI command model at this clock, one line */
    struct tdm_sim_spinand_port spi; /* spi_hz: the driver and the SPI model in front of chip */
    struct tdm_nand nand;
    struct tdm_nand_ops nand_ops;
    struct tdm_store store;
    struct tdm_store_config scfg;
    uint8_t page[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    uint32_t counter;
    struct tdm_fetch agent;
};

struct afx_pkg {
    uint8_t *buf;
    size_t len;
};

static int afx_counter_get(void *ctx, uint32_t *v)
{
    *v = *(const uint32_t *)ctx;
    return 0;
}

/* Mount the store after a (simulated) power-on. */
static inline int afx_mount(struct afx_dev *d)
{
    tdm_sim_domain_power_on(d->chip.dom);
    int err = tdm_nand_init(&d->nand, &d->nand_ops);
    return err < 0 ? err : tdm_store_mount(&d->store, &d->scfg);
}

/* A fresh chip of `part` with a formatted store of default slot size (the chip's last 64 blocks). */
static inline int afx_device_new_on(struct afx_dev *d, const char *part, uint64_t seed)
{
    if (d->have_chip) {
        tdm_sim_nand_destroy(&d->chip);
    }
    d->have_chip = 0;
    int err = tdm_sim_nand_create(&d->chip, tdm_sim_part_find(part), 0, seed);
    if (err < 0) {
        return err;
    }
    d->have_chip = 1;
    if (d->spi_hz) {
        err = tdm_sim_spinand_port(&d->spi, &d->chip, d->spi_hz, 1, seed, &d->nand_ops);
    } else {
        d->nand_ops = tdm_sim_nand_ops(&d->chip);
    }
    err = err < 0 ? err : tdm_nand_init(&d->nand, &d->nand_ops);
    if (err < 0) {
        return err;
    }
    memset(&d->scfg, 0, sizeof d->scfg);
    d->scfg.nand = &d->nand;
    d->scfg.crypto = tdm_host_crypto();
    d->scfg.page_buf = d->page;
    d->counter = 0;
    return tdm_store_format(&d->store, &d->scfg, false);
}

/* A fresh W25N-SMALL chip (64 blocks) with a formatted store of default slot size. */
static inline int afx_device_new(struct afx_dev *d, uint64_t seed)
{
    return afx_device_new_on(d, "W25N-SMALL", seed);
}

/* The agent's config for device d with trusted key `pub` and transport t (clock: the chip's simulated
 * clock, so backoff waits cost no wall time). */
static inline void afx_config(struct afx_dev *d, struct tdm_fetch_config *c, const struct tdm_transport_ops *t,
                              const uint8_t (*pub)[TDM_P256_PUBKEY_LEN])
{
    memset(c, 0, sizeof *c);
    c->transport = *t;
    c->clock = tdm_sim_nand_clock(&d->chip);
    c->crypto = tdm_host_crypto();
    c->counter.ctx = &d->counter;
    c->counter.get = afx_counter_get;
    c->keys = pub;
    c->nkeys = 1;
    c->hw_id = TDM_PKG_HW_ID_DEFAULT;
    c->app_max = AFX_APP_MAX;
    c->net_max = AFX_NET_MAX;
    c->app_addr = AFX_APP_ADDR;
    c->net_addr = AFX_NET_ADDR;
    c->backoff_min_ms = 100;
    c->backoff_max_ms = 800;
}

static inline uint64_t afx_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A package of two unsigned MCUboot images (app_len and net_len raw bytes from `salt`), set version
 * 2.1.0+counter, security counter `counter`, hardware id `hw_id`, MIN_BOOTLOADER `min_boot`, signed by `key`. Sizes are
 * deterministic: the same lengths always give the same package size. Returns 0 or an error. */
static inline int afx_build_min(struct afx_pkg *p, const struct tdm_key *key, size_t app_len, size_t net_len,
                                uint32_t counter, uint32_t hw_id, uint64_t salt, struct tdm_version min_boot)
{
    uint64_t s = salt * 2654435761u + 77;
    uint8_t *raw = malloc(app_len + net_len + 1);
    uint8_t *app = NULL, *net = NULL;
    for (size_t i = 0; i < app_len + net_len; i++) {
        raw[i] = (uint8_t)afx_rand(&s);
    }
    struct tdm_image_params ip = {.version = {2, 1, 0, counter}, .has_sec_cnt = 1, .sec_cnt = counter};
    size_t al = 0, nl = 0;
    int err = tdm_image_wrap(raw, app_len, &ip, &app, &al);
    err = err < 0 ? err : tdm_image_wrap(raw + app_len, net_len, &ip, &net, &nl);
    free(raw);
    struct tdm_pack_params pp = {.set_version = {2, 1, 0, counter}, .counter = counter, .hw_id = hw_id,
                                 .key = key, .count = 2, .min_bootloader = min_boot};
    pp.comp[0] = (struct tdm_pack_component){TDM_PKG_COMP_APP, 0, AFX_APP_ADDR, app, al};
    pp.comp[1] = (struct tdm_pack_component){TDM_PKG_COMP_NET, 1, AFX_NET_ADDR, net, nl};
    int bad;
    err = err < 0 ? err : tdm_pack(&pp, &p->buf, &p->len, &bad);
    free(app);
    free(net);
    return err;
}

/* The same, needing no particular bootloader (MIN_BOOTLOADER 0.0). */
static inline int afx_build(struct afx_pkg *p, const struct tdm_key *key, size_t app_len, size_t net_len,
                            uint32_t counter, uint32_t hw_id, uint64_t salt)
{
    return afx_build_min(p, key, app_len, net_len, counter, hw_id, salt, (struct tdm_version){0, 0, 0, 0});
}

/* A package whose size is an exact multiple of `page` bytes (app length adjusted). */
static inline int afx_build_aligned(struct afx_pkg *p, const struct tdm_key *key, size_t app_len, size_t net_len,
                                    uint32_t page, uint64_t salt)
{
    int err = afx_build(p, key, app_len, net_len, 5, TDM_PKG_HW_ID_DEFAULT, salt);
    if (err < 0) {
        return err;
    }
    size_t extra = (page - p->len % page) % page;
    free(p->buf);
    err = afx_build(p, key, app_len + extra, net_len, 5, TDM_PKG_HW_ID_DEFAULT, salt);
    return err < 0 ? err : (p->len % page ? TDM_E_STATE : 0);
}

/* A progress callback (arg: struct afx_replace) that replaces www/NAME on the rig's server with `next`
 * at the first wait before a retry: a file changed between two attempts. done: 1 replaced, -1 failed. */
struct afx_replace {
    const struct tdm_rig *rig;
    const char *name;
    const struct afx_pkg *next;
    time_t mtime;
    int done;
};

static inline void afx_replace_on_wait(void *arg, const struct tdm_fetch_progress *p)
{
    struct afx_replace *r = arg;
    if (p->phase == TDM_FETCH_PH_WAIT && !r->done) {
        r->done = tdm_rig_put(r->rig, r->name, r->next->buf, r->next->len, r->mtime) == 0 ? 1 : -1;
    }
}

/* Does the committed slot hold exactly `p`? Reads it back page by page. */
static inline int afx_slot_equals(struct afx_dev *d, unsigned slot, const struct afx_pkg *p)
{
    struct tdm_store_slot_info si;
    if (tdm_store_slot_info(&d->store, slot, &si) < 0 || si.state != TDM_STORE_COMMITTED || si.length != p->len) {
        return 0;
    }
    static uint8_t buf[4096];
    for (size_t o = 0; o < p->len; o += sizeof buf) {
        uint32_t n = (uint32_t)(p->len - o < sizeof buf ? p->len - o : sizeof buf);
        if (tdm_store_read(&d->store, slot, (uint32_t)o, buf, n) < 0 || memcmp(buf, p->buf + o, n)) {
            return 0;
        }
    }
    return 1;
}

#endif
