/* The rig of the transfer-protocol tests (tests/boot/test_xfer.c): the simulated nRF5340 with the net-boot
 * stage on the net core, an application-core IPC view with fault hooks (lost or damaged raises, spoiled
 * answers), and seeded images. Owns: nothing but helpers of that one test program. */
#ifndef TANDEM_TESTS_BOOT_XFER_RIG_H
#define TANDEM_TESTS_BOOT_XFER_RIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "harness.h"
#include "rng.h"
#include "tandem/crc32.h"
#include "tandem/host_crypto.h"
#include "tandem/xfer.h"

/* An IPC view of the app core with fault hooks: drop a raise, damage the data of a raise. */
struct faulty_ipc {
    struct tdm_ipc_ops inner;
    unsigned raises;
    unsigned drop_raise;   /* the raise with this number (1-based) is lost */
    unsigned damage_raise; /* the raise with this number flips a data byte; the next raise repairs it */
    uint8_t *damaged;
    unsigned waits;
    unsigned spoil_wait; /* the answer seen by this wait (1-based) is spoiled as spoil_how says */
    enum { SPOIL_CRC = 1, SPOIL_STALE_SEQ, SPOIL_VERSION, SPOIL_PAGE0, SPOIL_SMALL_CHUNK } spoil_how;
};

static int faulty_raise(void *ctx, uint32_t ch)
{
    struct faulty_ipc *f = ctx;
    f->raises++;
    if (f->damaged) {
        *f->damaged ^= 0x10;
        f->damaged = NULL;
    }
    if (f->raises == f->damage_raise) {
        f->damaged = f->inner.window + TDM_XFER_BUF_OFF + 100;
        *f->damaged ^= 0x10;
    }
    if (f->raises == f->drop_raise) {
        return 0;
    }
    return f->inner.raise(f->inner.ctx, ch);
}

static int faulty_take(void *ctx, uint32_t ch)
{
    struct faulty_ipc *f = ctx;
    return f->inner.take(f->inner.ctx, ch);
}

/* Spoil the answer in the window: a flipped CRC byte, or a well-formed answer with an old sequence number
 * or another HELLO (protocol version, page size, window chunk). */
static void spoil_answer(struct faulty_ipc *f)
{
    uint8_t *b = f->inner.window + TDM_XFER_RSP_OFF;
    struct tdm_xfer_msg m;
    if (f->spoil_how == SPOIL_CRC || tdm_xfer_decode(b, TDM_XFER_RSP_MAGIC, &m) < 0) {
        b[44] ^= 0x01;
        return;
    }
    m.seq -= f->spoil_how == SPOIL_STALE_SEQ;
    m.value += f->spoil_how == SPOIL_VERSION;
    m.aux = f->spoil_how == SPOIL_PAGE0 ? 0 : m.aux;
    m.aux2 = f->spoil_how == SPOIL_SMALL_CHUNK ? m.aux2 / 2 : m.aux2;
    tdm_xfer_encode(b, TDM_XFER_RSP_MAGIC, &m);
}

static int faulty_wait(void *ctx, uint32_t mask, uint64_t t)
{
    struct faulty_ipc *f = ctx;
    int ch = f->inner.wait(f->inner.ctx, mask, t);
    if (ch >= 0 && ++f->waits == f->spoil_wait) {
        spoil_answer(f);
    }
    return ch;
}

struct rig {
    char dir[64];
    struct tdm_sim_device dev;
    struct tdm_netboot nb;
    struct faulty_ipc fipc;
    struct tdm_ipc_ops app_ipc;
    struct tdm_xfer x;
    struct tdm_crypto_ops crypto;
};

static struct rig R;

static int net_step(void *arg)
{
    return tdm_netboot_poll(arg);
}

static void rig_boot_net(struct rig *r)
{
    struct tdm_netboot_config cfg = {
        .flash = tdm_sim_device_net_flash(&r->dev),
        .ipc = tdm_sim_device_ipc(&r->dev, TDM_SIM_CORE_NET),
        .crypto = r->crypto,
        .slot_addr = r->dev.layout.net_slot.addr,
        .slot_size = r->dev.layout.net_slot.size,
        .chunk = TDM_XFER_CHUNK_DEFAULT,
    };
    TDM_CHECK_OK(tdm_netboot_init(&r->nb, &cfg));
    tdm_sim_device_set_step(&r->dev, TDM_SIM_CORE_NET, net_step, &r->nb);
    r->fipc.inner = tdm_sim_device_ipc(&r->dev, TDM_SIM_CORE_APP);
    r->app_ipc = r->fipc.inner;
    r->app_ipc.ctx = &r->fipc;
    r->app_ipc.raise = faulty_raise;
    r->app_ipc.take = faulty_take;
    r->app_ipc.wait = faulty_wait;
}

static void rig_open(struct rig *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/tdm_xfer_%d", (int)getpid());
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", r->dir);
    TDM_CHECK(system(cmd) == 0);
    struct tdm_sim_device_opts o = {.part = "W25N-SMALL", .seed = tdm_test_seed()};
    TDM_CHECK_OK(tdm_sim_device_create(&r->dev, r->dir, &o));
    r->crypto = tdm_host_crypto();
    rig_boot_net(r);
    TDM_CHECK_OK(tdm_xfer_open(&r->x, &r->app_ipc, TDM_XFER_CHUNK_DEFAULT));
}

static void rig_close(struct rig *r)
{
    tdm_sim_device_close(&r->dev);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", r->dir);
    TDM_CHECK(system(cmd) == 0);
}

struct sending {
    struct rig *r;
    const uint8_t *img;
    uint32_t len;
};

static int send_chunks(void *arg)
{
    const struct sending *s = arg;
    struct rig *r = s->r;
    const uint8_t *img = s->img;
    uint32_t len = s->len, chunk = r->x.chunk, base = r->x.slot_addr;
    for (uint32_t off = 0, i = 0; off < len; off += chunk, i ^= 1) {
        uint32_t n = len - off < chunk ? len - off : chunk;
        memcpy(tdm_xfer_buffer(&r->x, i), img + off, n);
        int err = tdm_xfer_write_start(&r->x, i, base + off, n);
        if (err < 0) {
            return err;
        }
        err = tdm_xfer_finish(&r->x);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

/* Send `len` bytes to the start of the slot, double-buffered; returns the first error, or TDM_E_POWER when
 * a cut stopped both cores where they stood (the domain's unwind point). */
static int send_image(struct rig *r, const uint8_t *img, uint32_t len)
{
    struct sending s = {r, img, len};
    return tdm_sim_domain_run(&r->dev.dom, send_chunks, &s);
}

static uint8_t img[40000];

static void seeded_image(uint32_t salt)
{
    uint64_t s = tdm_test_seed() + salt;
    tdm_rng_fill(&s, img, sizeof img);
    memset(img + 9000, 0xFF, 3000); /* erased-looking words need no write */
}

#endif
