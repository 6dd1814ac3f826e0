/* Fixture for the chip tests: a fresh simulated chip, its port and the driver handle, plus seeded
 * page data. Owns: nothing beyond one test's chip. */
#ifndef TANDEM_TESTS_CHIP_FIXTURE_H
#define TANDEM_TESTS_CHIP_FIXTURE_H

#include <string.h>

#include "harness.h"
#include "nand_sim.h"
#include "rng.h"
#include "tandem/nand.h"

struct chip_fixture {
    struct tdm_sim_nand chip;
    struct tdm_nand_ops ops;
    struct tdm_nand nand;
    uint64_t rng;
    uint8_t page[2048 + 128];
    uint8_t back[2048 + 128];
};

static inline void fixture_open(struct chip_fixture *f, const char *part, uint32_t bad)
{
    TDM_CHECK_OK(tdm_sim_nand_create(&f->chip, tdm_sim_part_find(part), bad, tdm_test_seed()));
    f->ops = tdm_sim_nand_ops(&f->chip);
    TDM_CHECK_OK(tdm_nand_init(&f->nand, &f->ops));
    f->rng = tdm_test_seed() * 7919u + 1;
}

static inline void fixture_random_page(struct chip_fixture *f)
{
    tdm_rng_fill(&f->rng, f->page, sizeof f->page);
}

static inline int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return 0;
        }
    }
    return 1;
}

#endif
