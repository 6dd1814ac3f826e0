/* The simulated nRF5340 device, as a specification: one power domain for three flashes and the counter,
 * a cut loses both cores' RAM and the shared window, the counter only goes up, IPC reaches the peer,
 * the same-package invariant catches a mixed set, and a device survives between processes. */
#define _XOPEN_SOURCE 700 /* mkstemp, mkdtemp, fork */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device.h"
#include "harness.h"
#include "rng.h"
#include "tandem/le.h"

static struct tdm_sim_device dev;
static char dir[64];

static void fresh_with(uint32_t counter_slots, uint64_t seed)
{
    tdm_sim_device_close(&dev);
    if (dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        TDM_CHECK(system(cmd) == 0);
    }
    strcpy(dir, "/tmp/tdm_device_XXXXXX");
    TDM_CHECK(mkdtemp(dir) != NULL);
    struct tdm_sim_device_opts o = {.part = "W25N-SMALL", .bad_blocks = 2, .seed = seed,
                                    .counter_slots = counter_slots};
    TDM_CHECK_OK(tdm_sim_device_create(&dev, dir, &o));
}

static void fresh(void)
{
    fresh_with(0, tdm_test_seed());
}

static void create_refuses_an_existing_device(void)
{
    fresh();
    struct tdm_sim_device other;
    struct tdm_sim_device_opts o = {.part = "W25N-SMALL", .seed = 1};
    TDM_CHECK_ERR(tdm_sim_device_create(&other, dir, &o), TDM_E_STATE);
    o.part = "NO-SUCH-PART";
    TDM_CHECK_ERR(tdm_sim_device_create(&other, "/tmp/tdm_device_never_made", &o), TDM_E_SIM_PART);
    TDM_CHECK_ERR(tdm_sim_device_open(&other, "/tmp/tdm_device_never_made"), TDM_E_SIM_FILE);
}

/* Child process: open the device and check what the parent wrote; exit code 0 when all is there. */
static int child_checks(const uint8_t *app, const uint8_t *net)
{
    struct tdm_sim_device d2;
    if (tdm_sim_device_open(&d2, dir) < 0) {
        return 10;
    }
    uint8_t buf[256];
    struct tdm_flash_ops af = tdm_sim_device_app_flash(&d2), nf = tdm_sim_device_net_flash(&d2);
    struct tdm_counter_ops c = tdm_sim_device_counter(&d2);
    struct tdm_nand_ops n = tdm_sim_device_nand(&d2);
    uint32_t v = 0;
    int rc = 0;
    if (af.read(af.ctx, 0x10000, buf, 256) < 0 || memcmp(buf, app, 256)) {
        rc = 11;
    } else if (nf.read(nf.ctx, 0x01008000, buf, 256) < 0 || memcmp(buf, net, 256)) {
        rc = 12;
    } else if (c.get(c.ctx, &v) < 0 || v != 7 || c.slots_left(c.ctx) != TDM_SIM_COUNTER_SLOTS - 1) {
        rc = 13;
    } else if (n.read(n.ctx, 64 * 3, 0, buf, 256) < 0 || memcmp(buf, app, 256)) {
        rc = 14;
    } else if (d2.dom.ops != 4 || d2.dom.clock_ns == 0 || d2.layout.store_blocks != 64) {
        rc = 15;
    }
    tdm_sim_device_close(&d2);
    return rc;
}

static void device_survives_between_processes(void)
{
    fresh();
    uint8_t app[256], net[256];
    uint64_t rng = tdm_test_seed();
    tdm_rng_fill(&rng, app, sizeof app);
    tdm_rng_fill(&rng, net, sizeof net);
    struct tdm_flash_ops af = tdm_sim_device_app_flash(&dev), nf = tdm_sim_device_net_flash(&dev);
    struct tdm_counter_ops c = tdm_sim_device_counter(&dev);
    struct tdm_nand_ops n = tdm_sim_device_nand(&dev);
    TDM_CHECK_OK(af.write(af.ctx, 0x10000, app, sizeof app));
    TDM_CHECK_OK(nf.write(nf.ctx, 0x01008000, net, sizeof net));
    TDM_CHECK_OK(n.program(n.ctx, 64 * 3, 0, app, sizeof app));
    TDM_CHECK_OK(c.advance(c.ctx, 7));
    TDM_CHECK(dev.dom.ops == 4);
    TDM_CHECK_OK(tdm_sim_device_save(&dev));
    fflush(stdout);
    pid_t pid = fork();
    TDM_CHECK(pid >= 0);
    if (pid == 0) {
        _exit(child_checks(app, net));
    }
    int status = 0;
    TDM_CHECK(waitpid(pid, &status, 0) == pid);
    TDM_CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0) {
        tdm_test_replay_extra("(child check %d failed)", WEXITSTATUS(status));
    }
    TDM_CHECK(WEXITSTATUS(status) == 0);
    /* The op counter and the clock are the device's: 4 ops (app write, net write, NAND program, counter). */
    struct tdm_sim_device d2;
    TDM_CHECK_OK(tdm_sim_device_open(&d2, dir));
    TDM_CHECK(d2.dom.ops == 4 && d2.dom.clock_ns == dev.dom.clock_ns && d2.power_ons == dev.power_ons + 1);
    tdm_sim_device_close(&d2);
}

static void one_domain_counts_the_ops_of_every_flash(void)
{
    fresh();
    struct tdm_flash_ops af = tdm_sim_device_app_flash(&dev), nf = tdm_sim_device_net_flash(&dev);
    struct tdm_nand_ops n = tdm_sim_device_nand(&dev);
    uint8_t w[4] = {0};
    uint64_t t0 = dev.dom.clock_ns;
    /* Cut armed at the third op: app write (1), net erase (2), then the NAND erase (3) never happens. */
    tdm_sim_device_cut_at(&dev, dev.dom.ops + 3, TDM_SIM_CUT_BEFORE);
    TDM_CHECK_OK(af.write(af.ctx, 0x20000, w, 4));
    TDM_CHECK_OK(nf.erase(nf.ctx, 0x01010000));
    TDM_CHECK_ERR(n.erase(n.ctx, 5), TDM_E_POWER);
    TDM_CHECK(dev.dom.clock_ns - t0 == 43000ull + 87500000ull);
    /* Power is off for every part of the device. */
    uint8_t b[4];
    TDM_CHECK_ERR(af.read(af.ctx, 0, b, 4), TDM_E_POWER);
    TDM_CHECK_ERR(nf.read(nf.ctx, 0x01000000, b, 4), TDM_E_POWER);
    struct tdm_counter_ops c = tdm_sim_device_counter(&dev);
    uint32_t v;
    TDM_CHECK_ERR(c.get(c.ctx, &v), TDM_E_POWER);
    struct tdm_ipc_ops ipc = tdm_sim_device_ipc(&dev, TDM_SIM_CORE_APP);
    TDM_CHECK_ERR(ipc.raise(ipc.ctx, 0), TDM_E_POWER);
    tdm_sim_device_power_cycle(&dev);
    TDM_CHECK_OK(n.erase(n.ctx, 5));
    TDM_CHECK(dev.nand.stats.erases == 1 && dev.dom.cuts == 1);
}

static void cut_loses_the_shared_window_and_pending_signals(void)
{
    fresh();
    struct tdm_ipc_ops app = tdm_sim_device_ipc(&dev, TDM_SIM_CORE_APP);
    struct tdm_ipc_ops net = tdm_sim_device_ipc(&dev, TDM_SIM_CORE_NET);
    TDM_CHECK(app.window == net.window && app.window_size == 0x10000 && net.window_size == 0x10000);
    memset(app.window, 0x3C, app.window_size);
    TDM_CHECK(net.window[100] == 0x3C); /* both cores see the same bytes */
    TDM_CHECK_OK(app.raise(app.ctx, 4));
    tdm_sim_device_cut_at(&dev, dev.dom.ops + 1, TDM_SIM_CUT_TORN);
    struct tdm_flash_ops af = tdm_sim_device_app_flash(&dev);
    uint8_t w[4] = {0};
    TDM_CHECK_ERR(af.write(af.ctx, 0x30000, w, 4), TDM_E_POWER);
    tdm_sim_device_power_cycle(&dev);
    uint32_t same = 0;
    for (uint32_t i = 0; i < app.window_size; i++) {
        same += app.window[i] == 0x3C;
    }
    TDM_CHECK(same < app.window_size / 64); /* random now: ~1/256 of bytes match by chance */
    TDM_CHECK(net.take(net.ctx, 4) == 0);   /* the signal raised before the cut is gone */
}

/* The cores' RAM structures registered with the device (state structs, page buffers) hold seeded garbage
 * after every power cycle and every reset, different each time, the same for the same seed. */
static uint32_t still(const uint8_t *p, size_t n, uint8_t v)
{
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += p[i] == v;
    }
    return k;
}

static void reset_and_cut_fill_registered_ram_with_garbage(void)
{
    static uint8_t ram[2][4096], first[4096];
    for (int pass = 0; pass < 2; pass++) {
        fresh_with(0, 77);
        memset(ram[pass], 0x3C, sizeof ram[pass]);
        TDM_CHECK_OK(tdm_sim_device_add_ram(&dev, ram[pass], sizeof ram[pass]));
        tdm_sim_device_power_cycle(&dev);
        TDM_CHECK(still(ram[pass], sizeof ram[pass], 0x3C) < sizeof ram[pass] / 64); /* ~1/256 by chance */
        if (pass == 0) {
            memcpy(first, ram[0], sizeof first);
        } else {
            TDM_CHECK(!memcmp(first, ram[1], sizeof first)); /* same seed, same garbage: replayable */
        }
        memcpy(ram[pass], first, sizeof first);
        tdm_sim_device_reset(&dev, TDM_RESET_SREQ);
        uint32_t kept = 0;
        for (size_t i = 0; i < sizeof first; i++) {
            kept += ram[pass][i] == first[i];
        }
        TDM_CHECK(kept < sizeof first / 64); /* a reset loses RAM too, with new garbage */
    }
    for (int i = 1; i < TDM_SIM_RAM_REGIONS; i++) {
        TDM_CHECK_OK(tdm_sim_device_add_ram(&dev, first, sizeof first));
    }
    TDM_CHECK_ERR(tdm_sim_device_add_ram(&dev, first, sizeof first), TDM_E_BUFFER);
    fresh(); /* the registrations end with the device */
}

static void security_counter_only_goes_up(void)
{
    fresh_with(3, tdm_test_seed());
    struct tdm_counter_ops c = tdm_sim_device_counter(&dev);
    uint32_t v = 99;
    TDM_CHECK_OK(c.get(c.ctx, &v));
    TDM_CHECK(v == 0 && c.slots_left(c.ctx) == 3);
    TDM_CHECK_OK(c.advance(c.ctx, 5));
    TDM_CHECK_ERR(c.advance(c.ctx, 3), TDM_E_BOOT_COUNTER);
    TDM_CHECK_OK(c.get(c.ctx, &v));
    TDM_CHECK(v == 5);
    TDM_CHECK_OK(c.advance(c.ctx, 5)); /* same value: nothing to do, no slot used */
    TDM_CHECK(c.slots_left(c.ctx) == 2);
    TDM_CHECK_OK(c.advance(c.ctx, 6));
    TDM_CHECK_OK(c.advance(c.ctx, 9));
    TDM_CHECK_ERR(c.advance(c.ctx, 10), TDM_E_BOOT_COUNTER_FULL);
    TDM_CHECK_OK(c.get(c.ctx, &v));
    TDM_CHECK(v == 9 && c.slots_left(c.ctx) == 0);
}

static void torn_counter_update_leaves_old_or_new(void)
{
    /* Different device seeds: old or new, nothing else; a torn slot is spent unless no bit moved (OTP
     * bit patterns: tests/counter). */
    int saw_old = 0;
    for (int i = 0; i < 16; i++) {
        tdm_test_replay_extra("(device seed %llu)", (unsigned long long)(tdm_test_seed() * 1000 + (uint64_t)i));
        fresh_with(0, tdm_test_seed() * 1000 + (uint64_t)i);
        struct tdm_counter_ops c = tdm_sim_device_counter(&dev);
        TDM_CHECK_OK(c.advance(c.ctx, 2));
        tdm_sim_device_cut_at(&dev, dev.dom.ops + 1, TDM_SIM_CUT_TORN);
        TDM_CHECK_ERR(c.advance(c.ctx, 8), TDM_E_POWER);
        tdm_sim_device_power_cycle(&dev);
        uint32_t v;
        TDM_CHECK_OK(c.get(c.ctx, &v));
        TDM_CHECK(v == 2 || v == 8);
        saw_old += v == 2;
        int left = c.slots_left(c.ctx);
        TDM_CHECK(left == TDM_SIM_COUNTER_SLOTS - 2 || (left == TDM_SIM_COUNTER_SLOTS - 1 && v == 2));
        TDM_CHECK_OK(c.advance(c.ctx, 8));
        TDM_CHECK_OK(c.get(c.ctx, &v));
        TDM_CHECK(v == 8);
    }
    TDM_CHECK(saw_old > 0);
}

/* Net core program for the IPC scenario: answers channel 1 with channel 2 after copying the window. */
struct net_prog {
    struct tdm_ipc_ops ipc;
    int steps;
};

static int net_step(void *arg)
{
    struct net_prog *p = arg;
    p->steps++;
    int got = p->ipc.take(p->ipc.ctx, 1);
    if (got <= 0) {
        return got;
    }
    p->ipc.window[1] = (uint8_t)(p->ipc.window[0] + 1);
    return p->ipc.raise(p->ipc.ctx, 2) < 0 ? -1 : 1;
}

static void ipc_signal_reaches_the_peer_and_wait_runs_it(void)
{
    fresh();
    struct tdm_ipc_ops app = tdm_sim_device_ipc(&dev, TDM_SIM_CORE_APP);
    struct net_prog prog = {tdm_sim_device_ipc(&dev, TDM_SIM_CORE_NET), 0};
    TDM_CHECK_ERR(app.raise(app.ctx, TDM_IPC_CHANNELS), TDM_E_RANGE);
    TDM_CHECK_ERR(app.wait(app.ctx, 0, 1000), TDM_E_INVAL);
    /* A raise lands at the peer, not at the sender. */
    TDM_CHECK_OK(app.raise(app.ctx, 3));
    TDM_CHECK(app.take(app.ctx, 3) == 0);
    TDM_CHECK(prog.ipc.take(prog.ipc.ctx, 3) == 1 && prog.ipc.take(prog.ipc.ctx, 3) == 0);
    /* No net program: the wait times out on the simulated clock, exactly at the deadline. */
    uint64_t t0 = dev.dom.clock_ns;
    TDM_CHECK_ERR(app.wait(app.ctx, 1u << 2, 5000000), TDM_E_BOOT_TIMEOUT);
    TDM_CHECK(dev.dom.clock_ns - t0 == 5000000);
    /* With the net program registered, the wait runs it and gets its answer. */
    tdm_sim_device_set_step(&dev, TDM_SIM_CORE_NET, net_step, &prog);
    app.window[0] = 41;
    TDM_CHECK_OK(app.raise(app.ctx, 1));
    t0 = dev.dom.clock_ns;
    TDM_CHECK(app.wait(app.ctx, (1u << 2) | (1u << 9), 5000000) == 2);
    TDM_CHECK(app.window[1] == 42 && prog.steps == 1 && dev.dom.clock_ns - t0 < 5000000);
}

/* Identify for tests: the set id is the first 8 bytes of the slot; an erased start means no image. */
static int test_identify(void *arg, enum tdm_sim_core core, const uint8_t *slot, uint32_t size,
                         struct tdm_sim_image_id *id)
{
    (void)arg;
    (void)size;
    if (tdm_get_le32(slot) == 0xFFFFFFFFu) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    memcpy(id->set_id, slot, 8);
    id->set_id_len = 8;
    snprintf(id->version, sizeof id->version, "%s-%u", core == TDM_SIM_CORE_APP ? "app" : "net", slot[8]);
    return 0;
}

static void install(uint32_t addr, uint64_t set, uint8_t ver, int net)
{
    struct tdm_flash_ops f = net ? tdm_sim_device_net_flash(&dev) : tdm_sim_device_app_flash(&dev);
    uint8_t img[12];
    memset(img, 0xFF, sizeof img);
    tdm_put_le64(img, set);
    img[8] = ver;
    TDM_CHECK_OK(f.erase(f.ctx, addr));
    TDM_CHECK_OK(f.write(f.ctx, addr, img, sizeof img));
}

static void application_start_catches_a_mixed_set(void)
{
    fresh();
    TDM_CHECK_ERR(tdm_sim_device_app_start(&dev), TDM_E_STATE); /* nobody said how to identify images */
    tdm_sim_device_set_identify(&dev, test_identify, NULL);
    TDM_CHECK_ERR(tdm_sim_device_app_start(&dev), TDM_E_BOOT_NO_IMAGE);
    install(0x10000, 0xA1, 1, 0);
    install(0x01008000, 0xA1, 1, 1);
    TDM_CHECK_OK(tdm_sim_device_app_start(&dev));
    TDM_CHECK(dev.app_starts == 1 && dev.running_valid && !strcmp(dev.running[1].version, "net-1"));
    install(0x10000, 0xB2, 2, 0); /* new app, old net: mixed */
    TDM_CHECK_ERR(tdm_sim_device_app_start(&dev), TDM_E_BOOT_MIXED_SET);
    TDM_CHECK(dev.mixed_starts == 1 && dev.app_starts == 1 && !strcmp(dev.running[0].version, "app-1"));
    install(0x01008000, 0xB2, 2, 1);
    TDM_CHECK_OK(tdm_sim_device_app_start(&dev));
    /* What runs and the mixed count are part of the device's state on disk. */
    TDM_CHECK_OK(tdm_sim_device_save(&dev));
    struct tdm_sim_device d2;
    TDM_CHECK_OK(tdm_sim_device_open(&d2, dir));
    TDM_CHECK(d2.mixed_starts == 1 && d2.app_starts == 2 && d2.running_valid);
    TDM_CHECK(tdm_sim_same_set(&d2.running[0], &dev.running[1]) && !strcmp(d2.running[0].version, "app-2"));
    tdm_sim_device_close(&d2);
}

static void runs_are_deterministic(void)
{
    uint8_t snap[2][4096];
    for (int run = 0; run < 2; run++) {
        fresh();
        struct tdm_flash_ops af = tdm_sim_device_app_flash(&dev);
        uint8_t zero[4096] = {0};
        TDM_CHECK_OK(af.write(af.ctx, 0x40000, zero, sizeof zero));
        tdm_sim_device_cut_at(&dev, dev.dom.ops + 1, TDM_SIM_CUT_TORN);
        TDM_CHECK_ERR(af.erase(af.ctx, 0x40000), TDM_E_POWER);
        memcpy(snap[run], tdm_sim_flash_peek(&dev.app, 0x40000, 4096), 4096);
    }
    TDM_CHECK(memcmp(snap[0], snap[1], 4096) == 0);
}

static void open_names_a_broken_layout_file(void)
{
    fresh();
    tdm_sim_device_close(&dev);
    char path[128];
    snprintf(path, sizeof path, "%s/layout.txt", dir);
    FILE *f = fopen(path, "w");
    TDM_CHECK(f != NULL);
    fputs("bootloader = 0 0x10000\napp_slot = 0xF000 0xE8000\nnetboot = 0x01000000 0x8000\n"
          "net_slot = 0x01008000 0x38000\nstore = 0 64\nshared = 0x20070000 0x10000\n",
          f);
    fclose(f);
    TDM_CHECK_ERR(tdm_sim_device_open(&dev, dir), TDM_E_BOOT_LAYOUT);
    TDM_CHECK(dev.layout_diag.problem == TDM_LAYOUT_OVERLAP && !strcmp(dev.layout_diag.key, "app_slot"));
    f = fopen(path, "w");
    TDM_CHECK(f != NULL);
    fputs("bootloader = 0 0x10000\nbogus\n", f);
    fclose(f);
    TDM_CHECK_ERR(tdm_sim_device_open(&dev, dir), TDM_E_BOOT_LAYOUT);
    TDM_CHECK(dev.layout_diag.problem == TDM_LAYOUT_SYNTAX && dev.layout_diag.line == 2);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"create refuses an existing device", create_refuses_an_existing_device},
        {"device survives between processes", device_survives_between_processes},
        {"one domain counts the ops of every flash", one_domain_counts_the_ops_of_every_flash},
        {"cut loses the shared window and pending signals", cut_loses_the_shared_window_and_pending_signals},
        {"reset and cut fill registered RAM with garbage", reset_and_cut_fill_registered_ram_with_garbage},
        {"security counter only goes up", security_counter_only_goes_up},
        {"torn counter update leaves old or new", torn_counter_update_leaves_old_or_new},
        {"ipc signal reaches the peer and wait runs it", ipc_signal_reaches_the_peer_and_wait_runs_it},
        {"application start catches a mixed set", application_start_catches_a_mixed_set},
        {"runs are deterministic", runs_are_deterministic},
        {"open names a broken layout file", open_names_a_broken_layout_file},
    };
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    tdm_sim_device_close(&dev);
    if (dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        rc |= system(cmd) != 0;
    }
    return rc;
}
