/* Running the simulated device (sim/power_on.h): one power-on of both cores, the application's side,
 * provisioning and staging. Owns: the sequence of a power-on. Never: install decisions. */
#include "power_on.h"

#include <string.h>

#include "tandem/err.h"
#include "tandem/host_crypto.h"

#define WATCHDOG_NS 2000000000ull
#define HEALTH_NS 200000000ull
#define VERIFY_MEMO 8

/* Host speed only: a P-256 verification costs ~5 ms of host CPU and a campaign repeats the same few
 * (key, hash, signature) triples thousands of times. Same inputs, same answer: remember the last few.
 * Simulated time is not affected (the bootloader's verifications are charged by sim/cpu_cost.c). */
struct verify_memo {
    uint8_t in[TDM_P256_PUBKEY_LEN + TDM_SHA256_LEN + TDM_P256_SIG_LEN];
    int result;
    int used;
};
static struct verify_memo memo[VERIFY_MEMO];
static unsigned memo_next;

static int memo_p256_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                            const uint8_t sig[TDM_P256_SIG_LEN])
{
    uint8_t in[sizeof memo[0].in];
    memcpy(in, pub, TDM_P256_PUBKEY_LEN);
    memcpy(in + TDM_P256_PUBKEY_LEN, hash, TDM_SHA256_LEN);
    memcpy(in + TDM_P256_PUBKEY_LEN + TDM_SHA256_LEN, sig, TDM_P256_SIG_LEN);
    for (unsigned i = 0; i < VERIFY_MEMO; i++) {
        if (memo[i].used && memcmp(memo[i].in, in, sizeof in) == 0) {
            return memo[i].result;
        }
    }
    struct tdm_crypto_ops real = tdm_host_crypto();
    int r = real.p256_verify(ctx, pub, hash, sig);
    if (r != TDM_E_CRYPTO) {
        struct verify_memo *m = &memo[memo_next++ % VERIFY_MEMO];
        memcpy(m->in, in, sizeof in);
        m->result = r;
        m->used = 1;
    }
    return r;
}

struct tdm_crypto_ops tdm_sim_crypto(void)
{
    struct tdm_crypto_ops ops = tdm_host_crypto();
    ops.p256_verify = memo_p256_verify;
    return ops;
}

static int net_step(void *arg)
{
    return tdm_netboot_poll(arg);
}

/* An absent NAND: every call fails as a chip that does not answer. */
static int gone_geometry(void *ctx, struct tdm_nand_geometry *g)
{
    (void)ctx;
    (void)g;
    return TDM_E_IO;
}

int tdm_sim_store_mount(struct tdm_sim_device *dev, struct tdm_nand *nand, struct tdm_nand_ops *ops,
                        struct tdm_store *store, uint8_t *page_buf)
{
    *ops = tdm_sim_device_nand(dev);
    int err = tdm_nand_init(nand, ops);
    if (err < 0) {
        return err;
    }
    struct tdm_store_config sc = {
        .nand = nand,
        .crypto = tdm_host_crypto(),
        .page_buf = page_buf,
        .first_block = dev->layout.store_first_block,
        .block_count = dev->layout.store_blocks,
    };
    return tdm_store_mount(store, &sc);
}

static int start_netboot(struct tdm_sim_device *dev, struct tdm_sim_run *run)
{
    struct tdm_netboot_config nc = {
        .flash = tdm_sim_cpu_flash(&run->cpu_flash[1], &dev->dom, tdm_sim_device_net_flash(dev)),
        .ipc = tdm_sim_device_ipc(dev, TDM_SIM_CORE_NET),
        .crypto = tdm_sim_cpu_crypto(&run->cpu_crypto[1], &dev->dom, tdm_host_crypto()),
        .cpu = tdm_sim_cpu_ops(&dev->dom),
        .slot_addr = dev->layout.net_slot.addr,
        .slot_size = dev->layout.net_slot.size,
        .chunk = TDM_XFER_CHUNK_DEFAULT,
    };
    int err = tdm_netboot_init(&run->netboot, &nc);
    if (err < 0) {
        return err;
    }
    tdm_sim_device_set_step(dev, TDM_SIM_CORE_NET, net_step, &run->netboot);
    return 0;
}

/* The application: start (invariant), behave, and on trial check both cores and confirm. */
static int run_app(struct tdm_sim_device *dev, const struct tdm_sim_run_config *cfg, struct tdm_sim_run *run)
{
    int err = tdm_sim_device_app_start(dev);
    if (err < 0) {
        return err;
    }
    run->app_start_op = dev->dom.ops;
    if (cfg->cut_after_start) {
        tdm_sim_domain_cut_now(&dev->dom);
        return TDM_E_POWER;
    }
    if (cfg->reset_after_start) {
        run->app = TDM_SIM_APP_RESET;
        run->reset_reason = cfg->reset_after_start;
        return 0;
    }
    const uint8_t *app = tdm_sim_flash_peek(&dev->app, dev->layout.app_slot.addr, dev->layout.app_slot.size);
    const uint8_t *net = tdm_sim_flash_peek(&dev->net, dev->layout.net_slot.addr, dev->layout.net_slot.size);
    enum tdm_sim_behavior ab = tdm_sim_fw_behavior(app, dev->layout.app_slot.size);
    enum tdm_sim_behavior nbh = tdm_sim_fw_behavior(net, dev->layout.net_slot.size);
    if (ab == TDM_SIM_CRASH) {
        run->app = TDM_SIM_APP_RESET; /* a fault with no handler to take it locks the CPU up */
        run->reset_reason = TDM_RESET_LOCKUP;
        return 0;
    }
    if (ab == TDM_SIM_HANG) {
        tdm_sim_domain_advance(&dev->dom, cfg->watchdog_ns ? cfg->watchdog_ns : WATCHDOG_NS);
        run->app = TDM_SIM_APP_RESET;
        run->reset_reason = TDM_RESET_DOG0;
        return 0;
    }
    tdm_sim_domain_advance(&dev->dom, cfg->health_ns ? cfg->health_ns : HEALTH_NS);
    int trial = run->rep.outcome == TDM_BOOT_RUN_TRIAL || run->rep.outcome == TDM_BOOT_RUN_NO_NAND;
    if (!trial) {
        run->app = TDM_SIM_APP_RUNNING;
        return 0;
    }
    if (nbh == TDM_SIM_NETFAIL) {
        run->app = TDM_SIM_APP_RESET; /* the network core is not healthy: never confirm, reset */
        run->reset_reason = TDM_RESET_SREQ;
        return 0;
    }
    if (run->rep.outcome == TDM_BOOT_RUN_NO_NAND) {
        run->app = TDM_SIM_APP_UNCONFIRMED;
        return 0;
    }
    err = tdm_sim_store_mount(dev, &run->app_nand, &run->nand_ops, &run->app_store, run->page_buf);
    struct tdm_counter_ops counter = tdm_sim_device_counter(dev);
    if (cfg->confirm_cut) {
        tdm_sim_device_cut_at(dev, dev->dom.ops + cfg->confirm_cut,
                              cfg->confirm_cut_torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
    }
    err = err < 0 ? err : tdm_bootstate_confirm(&run->app_store, &counter);
    if (err == TDM_E_POWER) {
        return err;
    }
    run->app_err = err;
    run->app = err < 0 ? TDM_SIM_APP_UNCONFIRMED : TDM_SIM_APP_CONFIRMED;
    return 0;
}

static int reset_read_fails(void *ctx, uint32_t *reasons)
{
    (void)ctx;
    (void)reasons;
    return TDM_E_IO;
}

struct once {
    struct tdm_sim_device *dev;
    const struct tdm_sim_run_config *cfg;
    struct tdm_sim_run *run;
};

/* Both cores from power-on to the application's part (tdm_sim_run_once, inside the domain's unwind point). */
static int run_once(void *arg)
{
    const struct once *o = arg;
    struct tdm_sim_device *dev = o->dev;
    const struct tdm_sim_run_config *cfg = o->cfg;
    struct tdm_sim_run *run = o->run;
    memset(&run->rep, 0, sizeof run->rep);
    run->app = TDM_SIM_APP_NONE;
    run->app_err = 0;
    run->reset_reason = 0;
    run->app_start_op = 0;
    tdm_sim_device_set_identify(dev, tdm_sim_fw_identify, NULL);
    int err = start_netboot(dev, run);
    if (err < 0) {
        return err;
    }
    struct tdm_nand_ops nand = tdm_sim_device_nand(dev);
    if (cfg->nand_missing) {
        nand.geometry = gone_geometry;
    }
    dev->dom.mhz[TDM_SIM_CORE_APP] = cfg->app_mhz ? cfg->app_mhz : TDM_SIM_MHZ_DEFAULT;
    dev->dom.mhz[TDM_SIM_CORE_NET] = TDM_SIM_MHZ_DEFAULT;
    run->nand_ops = tdm_sim_cpu_nand(&run->cpu_nand, &dev->dom, nand);
    struct tdm_boot_config bc = {
        .app_flash = tdm_sim_cpu_flash(&run->cpu_flash[0], &dev->dom, tdm_sim_device_app_flash(dev)),
        .ipc = tdm_sim_device_ipc(dev, TDM_SIM_CORE_APP),
        .counter = tdm_sim_device_counter(dev),
        .crypto = tdm_sim_cpu_crypto(&run->cpu_crypto[0], &dev->dom, tdm_sim_crypto()),
        .cpu = tdm_sim_cpu_ops(&dev->dom),
        .nand = &run->nand_ops,
        .nand_page_buf = run->page_buf,
        .keys = cfg->keys,
        .nkeys = cfg->nkeys,
        .hw_id = cfg->hw_id,
        .progress = cfg->progress,
        .progress_arg = cfg->progress_arg,
        .reset = tdm_sim_device_reset_reason(dev),
        .trial_retries = cfg->trial_retries,
        .run_mhz = cfg->boot_mhz,
        .skip_boot_verify = cfg->skip_boot_verify,
    };
    bc.layout = dev->layout;
    if (cfg->reset_read_fails) {
        bc.reset.read = reset_read_fails;
    }
    uint64_t t0 = dev->dom.clock_ns;
    err = tdm_boot_run(&run->boot, &bc, &run->rep);
    run->boot_ns = dev->dom.clock_ns - t0;
    if (err < 0) {
        return err;
    }
    t0 = dev->dom.clock_ns;
    err = run_app(dev, cfg, run);
    run->app_ns = dev->dom.clock_ns - t0;
    return err;
}

int tdm_sim_run_once(struct tdm_sim_device *dev, const struct tdm_sim_run_config *cfg, struct tdm_sim_run *run)
{
    struct once o = {dev, cfg, run};
    return tdm_sim_domain_run(&dev->dom, run_once, &o); /* a cut stops both cores where they stand */
}

int tdm_sim_run_until_stable(struct tdm_sim_device *dev, const struct tdm_sim_run_config *cfg,
                             struct tdm_sim_run *run, unsigned max_boots, unsigned *boots)
{
    unsigned n = 0;
    int err = TDM_E_STATE;
    while (n < max_boots) {
        n++;
        err = tdm_sim_run_once(dev, cfg, run);
        if (err == TDM_E_POWER) {
            tdm_sim_device_power_cycle(dev);
            err = TDM_E_STATE;
            continue;
        }
        if (err >= 0 && run->app == TDM_SIM_APP_RESET) {
            tdm_sim_device_reset(dev, run->reset_reason);
            err = TDM_E_STATE;
            continue;
        }
        break;
    }
    if (boots) {
        *boots = n;
    }
    return err;
}

static int program_image(const struct tdm_flash_ops *f, uint32_t addr, uint32_t slot_size, const uint8_t *img,
                         size_t len)
{
    struct tdm_flash_geometry g;
    int err = f->geometry(f->ctx, &g);
    if (err < 0) {
        return err;
    }
    if (len > slot_size) {
        return TDM_E_PKG_TOO_BIG;
    }
    static uint8_t page[4096];
    for (uint32_t off = 0; off < len; off += g.page_size) {
        size_t n = len - off < g.page_size ? len - off : g.page_size;
        memset(page, 0xFF, g.page_size);
        memcpy(page, img + off, n);
        err = f->erase(f->ctx, addr + off);
        err = err < 0 ? err : f->write(f->ctx, addr + off, page, g.page_size);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

int tdm_sim_provision(struct tdm_sim_device *dev, const uint8_t *app, size_t app_len, const uint8_t *net,
                      size_t net_len)
{
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops = tdm_sim_device_nand(dev);
    int err = tdm_nand_init(&nand, &ops);
    struct tdm_store_config sc = {
        .nand = &nand,
        .crypto = tdm_host_crypto(),
        .page_buf = page_buf,
        .first_block = dev->layout.store_first_block,
        .block_count = dev->layout.store_blocks,
    };
    err = err < 0 ? err : tdm_store_format(&store, &sc, true);
    struct tdm_flash_ops af = tdm_sim_device_app_flash(dev), nf = tdm_sim_device_net_flash(dev);
    err = err < 0 ? err : program_image(&af, dev->layout.app_slot.addr, dev->layout.app_slot.size, app, app_len);
    err = err < 0 ? err : program_image(&nf, dev->layout.net_slot.addr, dev->layout.net_slot.size, net, net_len);
    return err;
}

int tdm_sim_stage(struct tdm_sim_device *dev, const uint8_t *pkg, size_t len, uint32_t counter,
                  const struct tdm_version *version)
{
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand nand;
    struct tdm_nand_ops ops;
    int err = tdm_sim_store_mount(dev, &nand, &ops, &store, page_buf);
    int slot = err < 0 ? err : tdm_store_free_slot(&store);
    if (slot < 0) {
        return slot;
    }
    err = tdm_store_open(&store, (unsigned)slot);
    err = err < 0 ? err : tdm_store_write(&store, pkg, (uint32_t)len);
    err = err < 0 ? err : tdm_store_commit(&store, (uint32_t)len, NULL);
    err = err < 0 ? err : tdm_bootstate_request(&store, (unsigned)slot, counter, version);
    return err;
}
