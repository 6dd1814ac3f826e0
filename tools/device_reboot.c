/* `tandem device reboot --device DIR [...]`: power the simulated device on once (or until it is stable):
 * the net-boot stage, the bootloader with the package key the device trusts, then the scripted
 * application (sim/power_on.h), one line per step, install progress per core, the simulated time.
 * Owns: option parsing, the power-on loop of --until-stable (its own, not tdm_sim_run_until_stable, so
 * that every power-on is reported), the progress display (a bar on a terminal, plain lines otherwise).
 * Never: install decisions (the bootloader's), hides a broken invariant (exit 1).
 * Exit: 0 a consistent set booted (or the power cut asked for happened); 1 mixed set, no bootable image,
 * not stable within --max-boots; 2 usage, I/O, a device error. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "device_cmds.h"
#include "power_on.h"
#include "pkg_build.h"
#include "tandem/err.h"

#define CMD "device reboot"

struct opts {
    const char *dir, *key;
    int until_stable, torn, cut_after_start, nand_missing;
    uint64_t cut_at, max_boots;
};

struct progress {
    int tty, bar_open; /* bar_open: a bar line waits for its newline */
    unsigned last_pct[2];
    int seen[2];                      /* a line was printed for this core in this power-on */
    const struct tdm_sim_device *dev; /* its clock stamps the plain lines (scripts/demo.sh's timeline) */
};

enum step { BOOTED = 0, CUT = 1, RESET = 2, FAILED = 3 };

static void on_progress(void *arg, int core, uint32_t done, uint32_t total)
{
    struct progress *p = arg;
    unsigned pct = total ? (unsigned)((uint64_t)done * 100u / total) : 100u;
    const char *name = core ? "net" : "app";
    if (p->tty) {
        char bar[31];
        for (unsigned i = 0; i < 30; i++) {
            bar[i] = i < pct * 30u / 100u ? '#' : '-';
        }
        bar[30] = 0;
        printf("\r  writing %s image [%s] %3u%% %u/%u bytes", name, bar, pct, done, total);
        p->bar_open = done < total;
        if (!p->bar_open) {
            printf("\n");
        }
    } else if (!p->seen[core & 1] || pct / 25u != p->last_pct[core & 1] / 25u ||
               (done >= total && p->last_pct[core & 1] != 100u)) {
        printf("  writing %s image: %u%% (%u of %u bytes) at %.3f s\n", name, pct, done, total,
               p->dev->dom.clock_ns / 1e9);
        p->seen[core & 1] = 1;
    }
    p->last_pct[core & 1] = pct;
    fflush(stdout);
}

static int parse(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_boots = 8;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--device") && has) {
            o->dir = argv[++i];
        } else if (!strcmp(a, "--key") && has) {
            o->key = argv[++i];
        } else if (!strcmp(a, "--until-stable")) {
            o->until_stable = 1;
        } else if (!strcmp(a, "--max-boots") && has) {
            if (tdm_cli_number(argv[++i], 1, 1000, &o->max_boots) < 0) {
                return tdm_cli_fail(CMD, "--max-boots: not a number from 1 to 1000: '%s'", argv[i]);
            }
        } else if (!strcmp(a, "--cut-at") && has) {
            if (tdm_cli_number(argv[++i], 1, UINT32_MAX, &o->cut_at) < 0) {
                return tdm_cli_fail(CMD, "--cut-at: not an operation number from 1: '%s'", argv[i]);
            }
        } else if (!strcmp(a, "--torn")) {
            o->torn = 1;
        } else if (!strcmp(a, "--cut-after-start")) {
            o->cut_after_start = 1;
        } else if (!strcmp(a, "--nand-missing")) {
            o->nand_missing = 1;
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device reboot --help)", a);
        }
    }
    if (!o->dir) {
        return tdm_cli_fail(CMD, "missing --device DIR");
    }
    if (o->torn && !o->cut_at) {
        return tdm_cli_fail(CMD, "--torn needs --cut-at N");
    }
    return 0;
}

static void print_boot(const struct tdm_sim_run *run, const char *pfx)
{
    const struct tdm_boot_report *r = &run->rep;
    const struct tdm_bootstate *st = &run->boot.st;
    char v[32];
    printf("%sbootloader: ", pfx);
    switch (r->outcome) {
    case TDM_BOOT_RUN_INSTALLED:
        printf("nothing to install: the installed set boots");
        break;
    case TDM_BOOT_RUN_TRIAL:
        printf("installed set %s on both cores%s: it runs on trial", tdm_version_str(&st->cand_version, v),
               r->captured ? " (the running set was captured into NAND first)" : "");
        break;
    case TDM_BOOT_RUN_ROLLED_BACK:
        printf("the set on trial was never confirmed: rejected, set %s restored on both cores",
               tdm_version_str(&st->inst_version, v));
        break;
    case TDM_BOOT_RUN_REFUSED:
        printf("refused the pending package (%s): the installed set boots", tdm_strerror(r->refused_err));
        break;
    case TDM_BOOT_RUN_NO_NAND:
        printf("no NAND (%s): the images in internal flash boot as they are", tdm_strerror(r->nand_err));
        break;
    }
    printf("; app pages written %u, skipped %u; net pages sent %u; %.3f s\n", r->app_pages_written,
           r->app_pages_skipped, r->net_pages_sent, run->boot_ns / 1e9);
}

static void print_app_running(const struct tdm_sim_device *dev, const char *pfx)
{
    if (dev->running_valid) {
        printf("%srunning: app %s (set %.*s), net %s (set %.*s)\n", pfx, dev->running[0].version,
               (int)dev->running[0].set_id_len, (const char *)dev->running[0].set_id, dev->running[1].version,
               (int)dev->running[1].set_id_len, (const char *)dev->running[1].set_id);
    }
}

static void print_app(const struct tdm_sim_device *dev, const struct tdm_sim_run *run, const char *pfx)
{
    const struct tdm_layout *l = &dev->layout;
    enum tdm_sim_behavior ab = tdm_sim_fw_behavior(tdm_sim_flash_peek(&dev->app, l->app_slot.addr, l->app_slot.size),
                                                   l->app_slot.size);
    printf("%sapplication: ", pfx);
    switch (run->app) {
    case TDM_SIM_APP_NONE:
        printf("not started");
        break;
    case TDM_SIM_APP_RUNNING:
        printf("running, healthy (nothing on trial)");
        break;
    case TDM_SIM_APP_CONFIRMED:
        printf("both cores healthy: set confirmed, security counter %u", dev->counter);
        break;
    case TDM_SIM_APP_RESET:
        printf("%s: reset before confirming (the next power-on rolls back)",
               ab == TDM_SIM_CRASH  ? "crashed"
               : ab == TDM_SIM_HANG ? "hung, the watchdog fired"
                                    : "the network core failed its health check");
        break;
    case TDM_SIM_APP_UNCONFIRMED:
        if (run->rep.outcome == TDM_BOOT_RUN_NO_NAND) {
            printf("running, healthy; the NAND does not answer, so nothing can be confirmed");
        } else {
            printf("healthy on trial, but the confirmation could not be recorded (%s)", tdm_strerror(run->app_err));
        }
        break;
    }
    printf("; %.3f s\n", run->app_ns / 1e9);
    if (run->app != TDM_SIM_APP_NONE) {
        print_app_running(dev, pfx);
    }
}

/* One power-on and its report; *rc is the exit code when FAILED. */
static enum step power_on(struct tdm_sim_device *dev, struct tdm_sim_run_config *cfg, struct tdm_sim_run *run,
                          const char *pfx, int *rc)
{
    uint64_t ops0 = dev->dom.ops, starts0 = dev->app_starts;
    struct progress *prog = cfg->progress_arg;
    int err = tdm_sim_run_once(dev, cfg, run);
    if (prog->bar_open) {
        printf("\n");
        prog->bar_open = 0;
    }
    if (err == TDM_E_POWER && dev->app_starts > starts0) {
        print_boot(run, pfx);
        printf("%sapplication: started, then the power failed before its health check (nothing confirmed)\n", pfx);
        print_app_running(dev, pfx);
    }
    if (err == TDM_E_POWER) {
        printf("%spower cut after %llu flash operations of this power-on: the device is off (the next power-on "
               "recovers)\n",
               pfx, (unsigned long long)(dev->dom.ops - ops0));
        return CUT;
    }
    if (err == TDM_E_BOOT_MIXED_SET || err == TDM_E_BOOT_NO_IMAGE) {
        if (err == TDM_E_BOOT_MIXED_SET) {
            print_boot(run, pfx);
        }
        tdm_cli_fail(CMD, "%s: %s%s", dev->dir, tdm_strerror(err),
                     err == TDM_E_BOOT_MIXED_SET ? " (the all-old-or-all-new invariant failed)"
                                                 : " (tandem device provision first?)");
        *rc = 1;
        return FAILED;
    }
    if (err < 0) {
        *rc = tdm_cli_fail(CMD, "%s: the power-on failed: %s", dev->dir, tdm_strerror(err));
        return FAILED;
    }
    print_boot(run, pfx);
    print_app(dev, run, pfx);
    return run->app == TDM_SIM_APP_RESET ? RESET : BOOTED;
}

static int reboot(struct tdm_sim_device *dev, const struct opts *o, const struct tdm_key *key)
{
    static struct tdm_sim_run run;
    struct progress prog = {.tty = isatty(STDOUT_FILENO), .dev = dev};
    struct tdm_sim_run_config cfg = {
        .keys = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key->pub,
        .nkeys = 1,
        .hw_id = TDM_PKG_HW_ID_DEFAULT,
        .progress = on_progress,
        .progress_arg = &prog,
        .nand_missing = o->nand_missing,
        .cut_after_start = o->cut_after_start,
    };
    uint64_t t0 = dev->dom.clock_ns, cut_at = o->cut_at ? dev->dom.ops + o->cut_at : 0;
    if (cut_at) {
        tdm_sim_device_cut_at(dev, cut_at, o->torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
    }
    int rc = 0, cut_seen = 0;
    enum step step = RESET;
    unsigned boots = 0;
    while ((step == CUT || step == RESET) && boots < (o->until_stable ? o->max_boots : 1)) {
        char pfx[32] = "";
        if (o->until_stable) {
            snprintf(pfx, sizeof pfx, "power-on %u: ", boots + 1);
        }
        if (boots > 0 && step == RESET) {
            tdm_sim_device_reset(dev, run.reset_reason); /* RESETREAS says why: the trial failed */
        } else if (boots > 0) {
            tdm_sim_device_power_cycle(dev);
        }
        prog.last_pct[0] = prog.last_pct[1] = 0;
        prog.seen[0] = prog.seen[1] = 0;
        step = power_on(dev, &cfg, &run, pfx, &rc);
        cfg.cut_after_start = 0; /* the cut happens once; the power-ons after it run through */
        cut_seen |= step == CUT;
        boots++;
    }
    if (cut_at && !cut_seen) {
        printf("the cut at operation %llu was not reached\n", (unsigned long long)o->cut_at);
    }
    if (tdm_sim_device_save(dev) < 0) {
        return tdm_cli_fail(CMD, "cannot write the device back to '%s'", dev->dir);
    }
    if (step == FAILED) {
        return rc;
    }
    printf("%u power-on%s, %.3f s simulated (device clock %.3f s)\n", boots, boots == 1 ? "" : "s",
           (dev->dom.clock_ns - t0) / 1e9, dev->dom.clock_ns / 1e9);
    if (o->until_stable && step != BOOTED) {
        tdm_cli_fail(CMD, "%s: not stable after %u power-ons (--max-boots)", dev->dir, boots);
        return 1;
    }
    return 0;
}

int tdm_device_reboot(int argc, char **argv)
{
    struct opts o;
    if (parse(argc, argv, &o)) {
        return 2;
    }
    static struct tdm_sim_device dev;
    if (tdm_device_open_cli(CMD, o.dir, &dev)) {
        return 2;
    }
    struct tdm_key key;
    if (tdm_device_trusted_key(CMD, o.dir, o.key, &key)) {
        tdm_sim_device_close(&dev);
        return 2;
    }
    int rc = reboot(&dev, &o, &key);
    tdm_sim_device_close(&dev);
    return rc;
}
