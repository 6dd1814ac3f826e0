/* Power loss during a delta update, on the power-cut runner (sim/cutrun.h): a device with 4.1.0 installed
 * (committed in slot A, boot state IDLE) on the runner's part fetches the delta to 4.1.1 from the in-memory
 * transport; a cut at every NAND operation of that fetch (before it and torn), then power-on with the
 * agent's RAM and the delta workspace scrubbed, mount and run again: the new set committed bit-exact,
 * verified (tdm_pkg_check) and PENDING, at most the patch fetched twice per cut; second cuts inside the
 * resume for a seeded sample. The W25N-SMALL in make check every 9th operation, the other parts on a wider
 * stride; every operation with --full (bench_delta). The firmware corpus is the build's
 * (TDM_FIRMWARE_DIR, or the environment's TDM_FIRMWARE_DIR).
 * Replay one run: --case NAME --part PART --seed S --cut N --torn T [--second M]. */
#include <stdio.h>
#include <stdlib.h>

#include "agent_delta_fixture.h"

static const char *const w25n[] = {"W25N-SMALL", NULL};
static const char *const others[] = {"MT29F-SMALL", "GD5F-SMALL", "W25N01GV", "MT29F1G01ABAFD", "GD5F1GQ4UA", NULL};

int main(int argc, char **argv)
{
    static struct adx_rig rig;
    static struct adx_pair p;
    const char *fw = getenv("TDM_FIRMWARE_DIR");
    fw = fw ? fw : TDM_FIRMWARE_DIR;
    if (adx_pair_make(&p, fw, ADX_CUT_FROM, ADX_CUT_TO) < 0 || adx_setup(&rig, &p, &p.delta, 1) < 0) {
        fprintf(stderr, "agent_delta_cut: cannot build the campaign's pair from %s\n", fw);
        return 2;
    }
    static struct afx_cut_case k[2];
    adx_cut_case(&k[0], &rig, &p);
    k[1] = k[0];
    struct tdm_cutrun_case c[2] = {
        afx_cut_case_of(ADX_CUT_CASE, &k[0], w25n),
        afx_cut_case_of(ADX_CUT_CASE " (Micron, GigaDevice, 1024 blocks)", &k[1], others),
    };
    c[0].slice = (struct tdm_cutrun_plan){.stride = 9, .seconds = 2, .second_stride = 3};
    c[1].slice = (struct tdm_cutrun_plan){.stride = 41, .seconds = 1, .second_stride = 7};
    c[1].full.seconds = 5;
    int rc = tdm_cutrun_main(argc, argv, c, 2);
    for (int i = 0; i < 2; i++) {
        if (k[i].checked) {
            printf("      %s: %llu runs checked, %llu resumed from durable rebuilt bytes, at most %llu patch "
                   "bytes fetched twice after one cut\n", c[i].name, (unsigned long long)k[i].checked,
                   (unsigned long long)k[i].resumed_runs, (unsigned long long)k[i].refetch_max);
        }
    }
    /* cuts past the start of the rebuild resume from durable output, not from byte 0 */
    if (k[0].checked > 4 && k[0].resumed_runs == 0) {
        printf("FAIL  no cut resumed from durable rebuilt bytes\n");
        rc = 1;
    }
    if (rig.dev.have_chip) {
        tdm_sim_nand_destroy(&rig.dev.chip);
    }
    adx_pair_free(&p);
    return rc;
}
