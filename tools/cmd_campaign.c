/* `tandem campaign`: the device power-cut campaign's cases (sim/device_campaign.h) on the power-cut runner
 * (sim/cutrun.h), from the command line, so every failure it prints can be replayed with one command.
 * Owns: the usage text and the totals lines. Never: judges a run itself (the cases do), or options of its
 * own beyond the runner's (one replay syntax for every campaign). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "device_campaign.h"

static void campaign_usage(FILE *out)
{
    fprintf(out,
            "usage: tandem campaign [--case NAME] [--part PART] [--seed S] [--full] [--list]\n"
            "                       [--cut N --torn 0|1 [--second M]]   (replay one run)\n"
            "Runs the device power-cut cases (update, rollback, the whole story from fetch to rollback, with and\n"
            "without NAND faults): the story is cut at every mutating operation of every flash (NAND, app flash,\n"
            "net flash, OTP), before the operation and torn inside it (--full; else make check's stride), the\n"
            "device recovers, and it must boot a consistent set (all old or all new), never mixed, never\n"
            "bricked; a seeded sample of first cuts is cut again inside the recovery (second cut M: operation\n"
            "(M + 1) / 2 of the recovery, before it when M is odd, torn when even). Prints one line per case and\n"
            "part and, for each failure, the command that replays it. Exit 0 when no run failed, 1 otherwise.\n");
}

int tdm_cmd_campaign(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            campaign_usage(stdout);
            return 0;
        }
    }
    static struct tdm_cutrun_case c[TDM_DEVICE_CASES];
    static struct tdm_device_case dc[TDM_DEVICE_CASES];
    unsigned n = tdm_device_cases(c, dc, TDM_DEVICE_CASES);
    /* argv[-1] is the program itself (main passes argv + 1): the replay line names "<tandem> campaign" */
    char self[512];
    snprintf(self, sizeof self, "%s campaign", argv[-1]);
    char *saved = argv[0];
    argv[0] = self;
    int rc = tdm_cutrun_main(argc, argv, c, n);
    argv[0] = saved;
    uint64_t mixed = 0, bricked = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct tdm_campaign_result *t = &dc[i].tot;
        mixed += t->mixed_boots;
        bricked += t->bricked;
        if (t->ended_new + t->ended_old) {
            printf("      %s: ended new %llu, old %llu; trial cuts %llu; healthy rejected %llu; NAND faults %llu\n",
                   c[i].name, (unsigned long long)t->ended_new, (unsigned long long)t->ended_old,
                   (unsigned long long)t->trial_cuts, (unsigned long long)t->healthy_rejected,
                   (unsigned long long)t->nand_faults);
        }
    }
    printf("campaign devices: mixed_boots %llu bricked %llu\n", (unsigned long long)mixed, (unsigned long long)bricked);
    tdm_device_cases_free(dc, n);
    return rc == 2 ? tdm_cli_fail("campaign", "bad arguments (see --help)") : rc;
}
