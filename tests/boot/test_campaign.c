/* The power-cut campaign of the bootloader, shortened for make check (the full one runs in bench/run and
 * make campaign): an update (install -> trial -> confirm) and a rollback (install -> trial -> crash ->
 * restore) cut at every operation of every flash, before and torn; second cuts during the recovery of a
 * seeded sample of first cuts; and the same with factory bad blocks, grown bad blocks and bit flips.
 * Replay one run: --scenario update|rollback --cut N --torn 0|1 [--second M --second-torn 0|1]. */
#include <stdlib.h>
#include <string.h>

#include "device_campaign.h"
#include "harness.h"

static char replay[512];
static const char *argv0;
static const char *spi_part; /* set: that part, through the SPI-NAND driver over its SPI model at 32 MHz */

static void campaign(const char *name, enum tdm_campaign_scenario sc, uint32_t bad, uint32_t flips, uint32_t grown,
                     uint32_t stride1, uint32_t firsts, uint32_t stride2)
{
    snprintf(replay, sizeof replay, "%s --case '%s'", argv0, name);
    struct tdm_campaign_opts o = {.scenario = sc, .seed = tdm_test_seed(), .bad_blocks = bad, .bitflip_ppm = flips,
                                  .grown_bad_ppm = grown, .first_stride = stride1, .double_firsts = firsts,
                                  .second_stride = stride2, .only_torn = -1, .replay = replay, .log = stdout,
                                  .part = spi_part, .nand_spi_hz = spi_part ? 32000000 : 0};
    const char *cut = tdm_test_option("cut"), *scn = tdm_test_option("scenario");
    static const char *names[] = {"update", "rollback", "story"};
    if (scn && strcmp(scn, names[sc]) != 0) {
        return; /* replaying the other scenario */
    }
    if (cut) {
        const char *t = tdm_test_option("torn"), *s2 = tdm_test_option("second"), *t2 = tdm_test_option("second-torn");
        o.only_cut = strtoull(cut, NULL, 0);
        o.only_torn = t ? atoi(t) : 0;
        o.only_second = s2 ? strtoull(s2, NULL, 0) : 0;
        o.only_second_torn = t2 ? atoi(t2) : 0;
    }
    struct tdm_campaign_result r;
    TDM_CHECK_OK(tdm_campaign_run(&o, &r));
    printf("    %s: ops %llu cuts %llu torn %llu double %llu mixed_boots %llu bricked %llu failures %llu "
           "(ended new %llu, old %llu; trial cuts %llu, healthy rejected %llu; NAND faults %llu; %.1f s)\n",
           names[sc], (unsigned long long)r.ops, (unsigned long long)r.cuts,
           (unsigned long long)r.torn, (unsigned long long)r.doubles, (unsigned long long)r.mixed_boots,
           (unsigned long long)r.bricked, (unsigned long long)r.failures, (unsigned long long)r.ended_new,
           (unsigned long long)r.ended_old, (unsigned long long)r.trial_cuts, (unsigned long long)r.healthy_rejected,
           (unsigned long long)r.nand_faults, r.host_s);
    TDM_CHECK(r.failures == 0 && r.mixed_boots == 0 && r.bricked == 0);
    if (!cut) {
        TDM_CHECK(r.ops > 50 && r.cuts == 2 * ((r.ops + stride1 - 1) / stride1) && r.torn * 2 == r.cuts);
        TDM_CHECK(firsts == 0 || r.doubles > 0);
        TDM_CHECK((flips == 0 && grown == 0) || r.nand_faults > 0); /* the faults really happened */
        /* cuts landed on both sides of the confirmation: some runs keep the old set, some end on the new */
        TDM_CHECK(sc == TDM_CAMPAIGN_ROLLBACK ? r.ended_old > 0 : r.ended_new > 0);
        /* a healthy set is never rejected for a power cut, even one during its trial or confirmation */
        TDM_CHECK(r.healthy_rejected == 0);
        TDM_CHECK(!spi_part || r.bus_transactions > r.ops); /* the SPI path really ran */
        TDM_CHECK(sc != TDM_CAMPAIGN_UPDATE || r.trial_cuts >= 4);
    }
}

static void a_cut_at_any_operation_of_an_update_leaves_all_old_or_all_new(void)
{
    campaign("a cut at any operation of an update leaves all old or all new", TDM_CAMPAIGN_UPDATE, 0, 0, 0, 1, 4, 5);
}

static void a_cut_at_any_operation_of_a_rollback_leaves_the_old_set(void)
{
    campaign("a cut at any operation of a rollback leaves the old set", TDM_CAMPAIGN_ROLLBACK, 0, 0, 0, 1, 4, 5);
}

static void the_same_with_bad_blocks_grown_bad_blocks_and_bit_flips(void)
{
    campaign("the same with bad blocks, grown bad blocks and bit flips", TDM_CAMPAIGN_UPDATE, 20, 10000, 2000, 1, 2, 9);
}

static void a_cut_anywhere_in_the_whole_story_from_fetch_to_rollback_is_survived(void)
{
    /* every 7th operation here; every operation in bench/run and make campaign */
    campaign("a cut anywhere in the whole story, from fetch to rollback, is survived", TDM_CAMPAIGN_STORY, 0, 0, 0, 7,
             1, 17);
}

/* The device's NAND bus (issue 14): the bootloader and the store over the SPI-NAND driver over the SPI model
 * of the Micron part (its 128-byte spare, 60 protected tag bytes); bench/run does every part. */
static void an_update_through_the_spi_driver_leaves_all_old_or_all_new(void)
{
    spi_part = "MT29F-SMALL";
    campaign("an update through the spi driver leaves all old or all new", TDM_CAMPAIGN_UPDATE, 10, 10000, 2000, 1, 2,
             9);
    spi_part = NULL;
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    static const struct tdm_scenario s[] = {
        {"a cut at any operation of an update leaves all old or all new",
         a_cut_at_any_operation_of_an_update_leaves_all_old_or_all_new},
        {"a cut at any operation of a rollback leaves the old set", a_cut_at_any_operation_of_a_rollback_leaves_the_old_set},
        {"the same with bad blocks, grown bad blocks and bit flips", the_same_with_bad_blocks_grown_bad_blocks_and_bit_flips},
        {"a cut anywhere in the whole story, from fetch to rollback, is survived",
         a_cut_anywhere_in_the_whole_story_from_fetch_to_rollback_is_survived},
        {"an update through the spi driver leaves all old or all new",
         an_update_through_the_spi_driver_leaves_all_old_or_all_new},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
