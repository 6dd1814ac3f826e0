/* `tandem campaign`: the device power-cut campaign (sim/device_campaign.h) from the command line, so every
 * failure it prints can be replayed with one command.
 * Owns: option parsing and the totals line. Never: judges a run itself (sim/device_campaign.c does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_campaign.h"
#include "cli.h"
#include "commands.h"
#include "tandem/err.h"

static void campaign_usage(FILE *out)
{
    fprintf(out,
            "usage: tandem campaign [--scenario story|update|rollback] [--seed S]\n"
            "                       [--bad-blocks N] [--bitflip-ppm P] [--grown-bad-ppm P]\n"
            "                       [--stride K] [--doubles N] [--second-stride K]\n"
            "                       [--cut N --torn 0|1 [--second M --second-torn 0|1]]   (replay one run)\n"
            "Cuts power at every K-th mutating operation of every flash (NAND, app flash, net flash, OTP),\n"
            "before the operation and torn inside it, lets the device recover, and checks that it boots a\n"
            "consistent set (all old or all new), never mixed, never bricked; then cuts a second time at\n"
            "every K-th operation of the recovery of N sampled first cuts. Prints the totals and, for each\n"
            "failure, the command that replays it. Exit 0 when no run failed, 1 otherwise.\n");
}

static int opt_u64(const char *name, const char *v, uint64_t max, uint64_t *out)
{
    if (tdm_cli_number(v, 0, max, out) < 0) {
        tdm_cli_fail("campaign", "%s: not a number from 0 to %llu: '%s'", name, (unsigned long long)max, v);
        return -1;
    }
    return 0;
}

int tdm_cmd_campaign(int argc, char **argv)
{
    struct tdm_campaign_opts o = {.scenario = TDM_CAMPAIGN_STORY, .seed = 1, .first_stride = 1, .double_firsts = 0,
                                  .second_stride = 1, .only_torn = -1, .log = stdout};
    uint64_t v = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            campaign_usage(stdout);
            return 0;
        }
        if (!val) {
            return tdm_cli_fail("campaign", "unexpected argument '%s' (see --help)", a);
        }
        i++;
        if (!strcmp(a, "--scenario")) {
            if (!strcmp(val, "story")) {
                o.scenario = TDM_CAMPAIGN_STORY;
            } else if (!strcmp(val, "update")) {
                o.scenario = TDM_CAMPAIGN_UPDATE;
            } else if (!strcmp(val, "rollback")) {
                o.scenario = TDM_CAMPAIGN_ROLLBACK;
            } else {
                return tdm_cli_fail("campaign", "--scenario: one of story, update, rollback, not '%s'", val);
            }
            continue;
        }
        static const char *const names[] = {"--seed", "--bad-blocks", "--bitflip-ppm", "--grown-bad-ppm", "--stride",
                                            "--doubles", "--second-stride", "--cut", "--torn", "--second",
                                            "--second-torn"};
        static const uint64_t max[] = {UINT64_MAX, 20, 1000000, 1000000, 100000, 100000, 100000, UINT64_MAX, 1,
                                       UINT64_MAX, 1};
        unsigned k = 0;
        while (k < sizeof names / sizeof names[0] && strcmp(a, names[k])) {
            k++;
        }
        if (k == sizeof names / sizeof names[0]) {
            return tdm_cli_fail("campaign", "unknown option '%s' (see --help)", a);
        }
        if (opt_u64(a, val, max[k], &v) < 0) {
            return 2;
        }
        switch (k) {
        case 0: o.seed = v; break;
        case 1: o.bad_blocks = (uint32_t)v; break;
        case 2: o.bitflip_ppm = (uint32_t)v; break;
        case 3: o.grown_bad_ppm = (uint32_t)v; break;
        case 4: o.first_stride = v ? (uint32_t)v : 1; break;
        case 5: o.double_firsts = (uint32_t)v; break;
        case 6: o.second_stride = v ? (uint32_t)v : 1; break;
        case 7: o.only_cut = v; break;
        case 8: o.only_torn = (int)v; break;
        case 9: o.only_second = v; break;
        default: o.only_second_torn = (int)v; break;
        }
    }
    char replay[256];
    /* argv[-1] is the program itself (main passes argv + 1), so the replay line names this binary */
    snprintf(replay, sizeof replay, "%s campaign --bad-blocks %u --bitflip-ppm %u --grown-bad-ppm %u", argv[-1],
             o.bad_blocks, o.bitflip_ppm, o.grown_bad_ppm);
    o.replay = replay;
    struct tdm_campaign_result r;
    int err = tdm_campaign_run(&o, &r);
    if (err < 0) {
        return tdm_cli_fail("campaign", "could not set the device up: %s", tdm_strerror(err));
    }
    static const char *const sc[] = {"update", "rollback", "story"};
    printf("campaign %s: ops %llu cuts %llu torn %llu double %llu mixed_boots %llu bricked %llu failures %llu "
           "(ended new %llu, old %llu; NAND faults %llu; %.0f s)\n",
           sc[o.scenario], (unsigned long long)r.ops, (unsigned long long)r.cuts, (unsigned long long)r.torn,
           (unsigned long long)r.doubles, (unsigned long long)r.mixed_boots, (unsigned long long)r.bricked,
           (unsigned long long)r.failures, (unsigned long long)r.ended_new, (unsigned long long)r.ended_old,
           (unsigned long long)r.nand_faults, r.host_s);
    return r.failures ? 1 : 0;
}
