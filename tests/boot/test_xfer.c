/* The transfer protocol between the application core and the net-boot stage, as a specification:
 * chunks through the shared window, digests, lost signals, damaged data, repeats, the slot fence and
 * power cuts. Runs on the simulated nRF5340 (sim/device.h) with the net-boot stage as the net core. */
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

static int faulty_wait(void *ctx, uint32_t mask, uint64_t t)
{
    struct faulty_ipc *f = ctx;
    return f->inner.wait(f->inner.ctx, mask, t);
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

static void hello_tells_the_slot_and_the_page_size(void)
{
    rig_open(&R);
    TDM_CHECK(R.x.slot_addr == R.dev.layout.net_slot.addr && R.x.slot_size == R.dev.layout.net_slot.size);
    TDM_CHECK(R.x.page_size == 2048);
    TDM_CHECK(tdm_xfer_window_need(R.x.chunk) <= R.dev.layout.shared.size);
    rig_close(&R);
}

static void an_image_sent_in_chunks_lands_byte_exact(void)
{
    rig_open(&R);
    seeded_image(1);
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    const uint8_t *flash = tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, sizeof img);
    TDM_CHECK(flash && memcmp(flash, img, sizeof img) == 0);
    /* the short last chunk was padded to a whole page with 0xFF */
    const uint8_t *tail = tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr + sizeof img, 40960 - sizeof img);
    for (uint32_t i = 0; i < 40960 - sizeof img; i++) {
        TDM_CHECK(tail[i] == 0xFF);
    }
    TDM_CHECK(R.nb.pages_erased == 20 && R.nb.pages_written == 20);
    rig_close(&R);
}

static void pages_that_already_match_are_not_erased_again(void)
{
    rig_open(&R);
    seeded_image(2);
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    uint64_t erases = R.dev.net.stats.erases;
    img[30000] ^= 1; /* one page differs */
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    TDM_CHECK(R.dev.net.stats.erases == erases + 1);
    TDM_CHECK(R.nb.pages_skipped == 19);
    rig_close(&R);
}

static void read_and_hash_report_what_is_in_flash(void)
{
    rig_open(&R);
    seeded_image(3);
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    TDM_CHECK_OK(tdm_xfer_read(&R.x, 0, R.x.slot_addr + 4096, 4096));
    TDM_CHECK(memcmp(tdm_xfer_buffer(&R.x, 0), img + 4096, 4096) == 0);
    uint8_t want[32], got[32];
    struct tdm_sha256 h;
    TDM_CHECK_OK(R.crypto.sha256_start(0, &h));
    TDM_CHECK_OK(R.crypto.sha256_update(0, &h, img, 33333));
    TDM_CHECK_OK(R.crypto.sha256_finish(0, &h, want));
    TDM_CHECK_OK(tdm_xfer_hash(&R.x, R.x.slot_addr, 33333, got));
    TDM_CHECK(memcmp(want, got, 32) == 0);
    /* in two halves: nothing else may be sent meanwhile, and finish collects only a HASH */
    TDM_CHECK_ERR(tdm_xfer_hash_finish(&R.x, got), TDM_E_STATE);
    TDM_CHECK_OK(tdm_xfer_hash_start(&R.x, R.x.slot_addr, 33333));
    TDM_CHECK_ERR(tdm_xfer_hash_start(&R.x, R.x.slot_addr, 4096), TDM_E_STATE);
    memset(got, 0, sizeof got);
    TDM_CHECK_OK(tdm_xfer_hash_finish(&R.x, got));
    TDM_CHECK(memcmp(want, got, 32) == 0);
    TDM_CHECK_OK(tdm_xfer_write_start(&R.x, 0, R.x.slot_addr, 4096));
    TDM_CHECK_ERR(tdm_xfer_hash_finish(&R.x, got), TDM_E_STATE);
    TDM_CHECK_OK(tdm_xfer_finish(&R.x));
    rig_close(&R);
}

static void the_net_boot_stage_never_writes_outside_the_slot(void)
{
    rig_open(&R);
    /* the client refuses first... */
    TDM_CHECK_ERR(tdm_xfer_write_start(&R.x, 0, R.dev.layout.netboot.addr, 2048), TDM_E_RANGE);
    /* ...and a hand-made command aimed at the stage itself is refused by the server */
    uint8_t *w = R.fipc.inner.window;
    memset(w + TDM_XFER_BUF_OFF, 0, 2048);
    struct tdm_xfer_msg m = {.seq = 999, .cmd = TDM_XFER_WRITE, .buf = 0, .addr = R.dev.layout.netboot.addr,
                             .len = 2048, .value = tdm_crc32(0, w + TDM_XFER_BUF_OFF, 2048)};
    tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    struct tdm_xfer_msg r;
    TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == 999 && r.status == TDM_E_BOOT_PROTO);
    TDM_CHECK(R.dev.net.stats.erases == 0 && R.dev.net.stats.writes == 0);
    /* an unknown command is refused, a damaged block is ignored: neither is executed */
    m.seq = 1000;
    m.cmd = 77;
    tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == 1000 && r.status == TDM_E_BOOT_PROTO);
    m.seq = 1001;
    m.cmd = TDM_XFER_WRITE;
    m.addr = R.x.slot_addr;
    tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    w[TDM_XFER_CMD_OFF + 17] ^= 0x01; /* address changed after the CRC was computed */
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == 1000); /* no new response was written */
    TDM_CHECK(R.dev.net.stats.erases == 0 && R.dev.net.stats.writes == 0);
    rig_close(&R);
}

static void a_lost_signal_is_retried_and_the_chunk_written_once(void)
{
    rig_open(&R);
    seeded_image(4);
    R.fipc.drop_raise = R.fipc.raises + 1;
    TDM_CHECK_OK(send_image(&R, img, 4096));
    TDM_CHECK(R.x.stats.timeouts == 1 && R.x.stats.retries == 1);
    TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, 4096), img, 4096) == 0);
    TDM_CHECK(R.nb.pages_erased == 2);
    rig_close(&R);
}

static void data_damaged_in_the_window_is_caught_and_sent_again(void)
{
    rig_open(&R);
    seeded_image(5);
    R.fipc.damage_raise = R.fipc.raises + 1;
    TDM_CHECK_OK(send_image(&R, img, 4096));
    TDM_CHECK(R.x.stats.retries == 1);
    TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, 4096), img, 4096) == 0);
    rig_close(&R);
}

static void a_repeated_command_is_answered_but_not_redone(void)
{
    rig_open(&R);
    seeded_image(6);
    TDM_CHECK_OK(send_image(&R, img, 2048));
    uint64_t writes = R.dev.net.stats.writes, erases = R.dev.net.stats.erases;
    /* the same block again (same sequence number), as after a lost response */
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    TDM_CHECK(R.dev.net.stats.writes == writes && R.dev.net.stats.erases == erases);
    struct tdm_xfer_msg r;
    TDM_CHECK_OK(tdm_xfer_decode(R.fipc.inner.window + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == R.x.seq && r.status == 0);
    rig_close(&R);
}

static void no_net_boot_stage_means_a_timeout_not_a_hang(void)
{
    rig_open(&R);
    tdm_sim_device_set_step(&R.dev, TDM_SIM_CORE_NET, NULL, NULL);
    uint64_t t0 = R.dev.dom.clock_ns;
    TDM_CHECK_ERR(tdm_xfer_open(&R.x, &R.app_ipc, TDM_XFER_CHUNK_DEFAULT), TDM_E_BOOT_TIMEOUT);
    TDM_CHECK(R.dev.dom.clock_ns > t0); /* simulated time passed: 4 attempts, each with its timeout */
    rig_close(&R);
}

static void a_cut_while_the_net_core_programs_is_repaired_by_sending_again(void)
{
    rig_open(&R);
    seeded_image(7);
    uint64_t ops0 = R.dev.dom.ops;
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    uint64_t total = R.dev.dom.ops - ops0;
    TDM_CHECK(total > 20);
    for (uint64_t n = 1; n <= total; n += 7) {
        tdm_test_replay_extra("(cut at op %llu, torn)", (unsigned long long)n);
        seeded_image(7 + (uint32_t)n);
        tdm_sim_device_cut_at(&R.dev, R.dev.dom.ops + n, TDM_SIM_CUT_TORN);
        TDM_CHECK_ERR(send_image(&R, img, sizeof img), TDM_E_POWER);
        TDM_CHECK(R.dev.dom.seen_cuts == 0); /* both cores stopped where they stood: no port said TDM_E_POWER */
        tdm_sim_device_power_cycle(&R.dev); /* both cores restart; the window is random */
        rig_boot_net(&R);
        TDM_CHECK_OK(tdm_xfer_open(&R.x, &R.app_ipc, TDM_XFER_CHUNK_DEFAULT));
        TDM_CHECK_OK(send_image(&R, img, sizeof img));
        TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, sizeof img), img, sizeof img) == 0);
    }
    rig_close(&R);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"hello tells the slot and the page size", hello_tells_the_slot_and_the_page_size},
        {"an image sent in chunks lands byte-exact", an_image_sent_in_chunks_lands_byte_exact},
        {"pages that already match are not erased again", pages_that_already_match_are_not_erased_again},
        {"read and hash report what is in flash", read_and_hash_report_what_is_in_flash},
        {"the net-boot stage never writes outside the slot", the_net_boot_stage_never_writes_outside_the_slot},
        {"a lost signal is retried and the chunk written once", a_lost_signal_is_retried_and_the_chunk_written_once},
        {"data damaged in the window is caught and sent again", data_damaged_in_the_window_is_caught_and_sent_again},
        {"a repeated command is answered but not redone", a_repeated_command_is_answered_but_not_redone},
        {"no net-boot stage means a timeout, not a hang", no_net_boot_stage_means_a_timeout_not_a_hang},
        {"a cut while the net core programs is repaired by sending again",
         a_cut_while_the_net_core_programs_is_repaired_by_sending_again},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
