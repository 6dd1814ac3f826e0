/* The power-cut campaign, short form for ctest (the full one is bench_store): W25N-SMALL, small slots,
 * every 3rd operation cut before and torn, double cuts for a seeded sample; then the same with 20
 * factory bad blocks, grown bad blocks and bit flips; then the Micron and GigaDevice layouts; then each part
 * through the SPI-NAND driver and the SPI model. Replay one cut: --cut N --torn 0|1 [--second J]. */
#include <inttypes.h>
#include <stdlib.h>

#include "store_campaign.h"
#include "harness.h"

static uint64_t torn_kind[8];

static void run(struct campaign_cfg *c, const char *name)
{
    const char *cut = tdm_test_option("cut");
    if (cut) {
        c->only_cut = strtoull(cut, NULL, 0);
        c->only_torn = tdm_test_option("torn") ? atoi(tdm_test_option("torn")) : 0;
        c->only_second = tdm_test_option("second") ? strtoull(tdm_test_option("second"), NULL, 0) : 0;
    }
    struct campaign_result res;
    TDM_CHECK_OK(campaign_run(c, &res));
    printf("    %s: ops %" PRIu64 " cuts %" PRIu64 " torn %" PRIu64 " double %" PRIu64 " failures %" PRIu64
           " (scrubs %" PRIu64 ", grown bad %" PRIu64 ")\n",
           name, res.ops, res.cuts, res.torn, res.doubles, res.failures, res.scrubs, res.grown_bad);
    if (res.failures) {
        printf("    first failure: %s\n", res.first_failure);
        if (res.first_cut) {
            tdm_test_replay_extra("--cut %" PRIu64 " --torn %d --second %" PRIu64, res.first_cut, res.first_torn,
                                  res.first_second);
        }
    }
    for (int k = 0; k < 8; k++) {
        torn_kind[k] += res.torn_kind[k];
    }
    TDM_CHECK(res.cuts > 0);
    TDM_CHECK(!c->spi_hz || res.bus_transactions > res.ops); /* the SPI path really ran */
    TDM_CHECK(res.failures == 0);
}

static void clean_chip(void)
{
    struct campaign_cfg c = {.part = "W25N-SMALL", .seed = tdm_test_seed(), .slot_a_bytes = 150000,
                             .slot_b_bytes = 70000, .slot_capacity = 262144, .stride = 3, .double_sample = 6};
    run(&c, "clean chip");
}

static void harsh_chip(void)
{
    struct campaign_cfg c = {.part = "W25N-SMALL", .factory_bad = 20, .seed = tdm_test_seed(),
                             .slot_a_bytes = 150000, .slot_b_bytes = 70000, .slot_capacity = 262144,
                             .program_fail_ppm = 3000, .erase_fail_ppm = 20000, .bitflip_ppm = 3000,
                             .disturb_ppm = 300, .retention_ppm = 300, .stride = 3, .double_sample = 6};
    run(&c, "20 factory bad, grown bad, bit flips, disturb, retention");
}

/* The other two parts' spare layouts and ECC ranges (64-block variants), every fault kind; then the
 * distinct torn outcomes the runs of this program exercised (the chip picks them, seeded). */
static void other_parts(void)
{
    const char *parts[] = {"MT29F-SMALL", "GD5F-SMALL"};
    for (int i = 0; i < 2; i++) {
        struct campaign_cfg c = {.part = parts[i], .factory_bad = 10, .seed = tdm_test_seed(),
                                 .slot_a_bytes = 100000, .slot_b_bytes = 50000, .slot_capacity = 262144,
                                 .program_fail_ppm = 3000, .erase_fail_ppm = 20000, .bitflip_ppm = 3000,
                                 .disturb_ppm = 300, .retention_ppm = 300, .stride = 13, .double_sample = 2};
        run(&c, parts[i]);
    }
    int kinds = 0;
    for (int k = 0; k < 8; k++) {
        kinds += torn_kind[k] != 0;
    }
    printf("    distinct torn outcomes exercised: %d\n", kinds);
    TDM_CHECK(kinds >= 5);
}

/* The device's bus: the store over the SPI-NAND driver over the SPI model of each part's 64-block variant
 * at SPIM4's 32 MHz, one line, every fault kind; a shortened slice (bench_store runs it in full). */
static void spi_bus(void)
{
    const char *parts[] = {"W25N-SMALL", "MT29F-SMALL", "GD5F-SMALL"};
    for (int i = 0; i < 3; i++) {
        struct campaign_cfg c = {.part = parts[i], .spi_hz = 32000000, .factory_bad = 10, .seed = tdm_test_seed(),
                                 .slot_a_bytes = 100000, .slot_b_bytes = 50000, .slot_capacity = 262144,
                                 .program_fail_ppm = 3000, .erase_fail_ppm = 20000, .bitflip_ppm = 3000,
                                 .disturb_ppm = 300, .retention_ppm = 300, .stride = 17, .double_sample = 4};
        run(&c, parts[i]);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"power cut at every 3rd operation, clean chip", clean_chip},
        {"power cut at every 3rd operation, bad blocks and bit flips", harsh_chip},
        {"power cut at every 13th operation on the Micron and GigaDevice layouts, every torn outcome", other_parts},
        {"power cut at every 17th operation through the spi driver on each part, every fault kind", spi_bus},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
