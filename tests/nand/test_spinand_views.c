/* One chip, two views: the device's (the SPI-NAND driver over the command-level model, built by
 * tdm_sim_spinand_port) and the page-level port every older campaign uses. On every part they must
 * agree: the same tag area, the same bytes, the same ECC reports, and a power cut through the driver
 * must land at the same program or erase of the chip, with the same torn outcome, as at the page level. */
#include <string.h>

#include "harness.h"
#include "nand_sim.h"
#include "rng.h"
#include "spinand_sim.h"

static const char *const parts[] = {"W25N01GV", "MT29F1G01ABAFD", "GD5F1GQ4UA", "W25N-SMALL", "MT29F-SMALL",
                                    "GD5F-SMALL"};
#define NPARTS (sizeof parts / sizeof parts[0])
#define SPIM4_HZ 32000000u

struct views {
    struct tdm_sim_nand chip;
    struct tdm_sim_spinand_port spi;
    struct tdm_nand_ops drv;  /* the driver's port */
    struct tdm_nand_ops page; /* the page-level port */
};

static struct views V, W;

static void open_views(struct views *v, const char *part, uint32_t hz, uint32_t lines)
{
    TDM_CHECK_OK(tdm_sim_nand_create(&v->chip, tdm_sim_part_find(part), 0, tdm_test_seed()));
    TDM_CHECK_OK(tdm_sim_spinand_port(&v->spi, &v->chip, hz, lines, tdm_test_seed(), &v->drv));
    v->page = tdm_sim_nand_ops(&v->chip);
}

/* Driver table vs page model: tag size, protected bytes, every tag byte's spare offset, the marker, ECC. */
static void the_driver_tag_area_is_the_page_model_tag_area_on_every_part(void)
{
    for (unsigned i = 0; i < NPARTS; i++) {
        open_views(&V, parts[i], SPIM4_HZ, 1);
        const struct tdm_spinand_part *dp = V.spi.drv.part;
        struct tdm_nand_geometry g;
        TDM_CHECK_OK(V.drv.geometry(V.drv.ctx, &g));
        TDM_CHECK_MSG(g.tag_size == V.chip.geo.tag_size && g.tag_ecc == V.chip.geo.tag_ecc,
                      "%s: driver tag %u (%u protected), page model %u (%u protected)", parts[i], g.tag_size,
                      g.tag_ecc, V.chip.geo.tag_size, V.chip.geo.tag_ecc);
        TDM_CHECK(g.blocks == V.chip.geo.blocks && g.page_size == V.chip.geo.page_size);
        uint32_t t = 0;
        for (unsigned k = 0; k < dp->n_spans; k++) {
            for (uint32_t j = 0; j < dp->tag[k].len; j++, t++) {
                uint32_t at = dp->tag[k].off + j;
                TDM_CHECK_MSG(t < V.chip.geo.tag_size && V.chip.tag_raw[t] == at,
                              "%s: tag byte %u at spare %u in the driver, %u in the page model", parts[i], t, at,
                              V.chip.tag_raw[t]);
            }
        }
        TDM_CHECK(V.chip.raw_kind[dp->bbm] == TDM_SIM_SPARE_MARKER);
        /* ECC: every code the chip reports decodes, in the driver, to the page model's range bound */
        const struct tdm_sim_spinand_part *sp = V.spi.sim.part;
        for (unsigned r = 0; r < 4; r++) {
            uint8_t upto = sp->ecc[r].upto;
            if (r > 0 && upto == 0) {
                break;
            }
            TDM_CHECK_MSG(dp->ecc_bits[sp->ecc[r].code] == upto, "%s: code %u", parts[i], sp->ecc[r].code);
            TDM_CHECK(r == 0 || V.chip.part->ecc_ranges[r - 1] == upto);
        }
        TDM_CHECK(dp->ecc_bits[sp->ecc_uncorrectable] == TDM_SPINAND_ECC_UNCORRECTABLE);
        tdm_sim_nand_destroy(&V.chip);
    }
}

/* Program through `from`, read through `to`: data and tag come back identical, ECC clean. */
static void cross(struct views *v, const struct tdm_nand_ops *from, const struct tdm_nand_ops *to, uint32_t row,
                  uint64_t *rng)
{
    static uint8_t page[4096 + 256], back[4096 + 256];
    uint32_t n = v->chip.geo.page_size + v->chip.geo.tag_size;
    tdm_rng_fill(rng, page, n);
    TDM_CHECK_OK(from->program(from->ctx, row, 0, page, n));
    memset(back, 0, n);
    TDM_CHECK_MSG(to->read(to->ctx, row, 0, back, n) == 0, "%s row %u", v->chip.part->name, row);
    TDM_CHECK_MSG(memcmp(back, page, n) == 0, "%s row %u differs", v->chip.part->name, row);
    uint32_t tag_at = v->chip.geo.page_size;
    TDM_CHECK(to->read(to->ctx, row, tag_at + 1, back, v->chip.geo.tag_size - 1) == 0);
    TDM_CHECK(memcmp(back, page + tag_at + 1, v->chip.geo.tag_size - 1) == 0);
}

static void a_tag_written_through_one_view_reads_back_through_the_other(void)
{
    uint64_t rng = tdm_test_seed() * 131 + 5;
    for (unsigned i = 0; i < NPARTS; i++) {
        for (uint32_t lines = 1; lines <= 4; lines += 3) {
            open_views(&V, parts[i], lines == 1 ? SPIM4_HZ : 96000000u, lines);
            for (uint32_t pg = 0; pg < 3; pg++) {
                cross(&V, &V.drv, &V.page, 64 + 2 * pg, &rng);
                cross(&V, &V.page, &V.drv, 64 + 2 * pg + 1, &rng);
            }
            TDM_CHECK(V.chip.stats.rule_violations == 0 && V.spi.sim.stats.proto_errors == 0);
            tdm_sim_nand_destroy(&V.chip);
        }
    }
}

/* The same script on a view: erase, programs with tags, an erase, a program; stops at the first error. */
static int script(struct views *v, const struct tdm_nand_ops *ops, int *step)
{
    static uint8_t page[4096 + 256];
    uint64_t rng = tdm_test_seed() * 17 + 1;
    uint32_t n = v->chip.geo.page_size + v->chip.geo.tag_size;
    int err = ops->erase(ops->ctx, 2);
    for (*step = 1; err == 0 && *step <= 5; ++*step) {
        tdm_rng_fill(&rng, page, n);
        err = ops->program(ops->ctx, 2 * 64 + (uint32_t)*step - 1, 0, page, n);
    }
    if (err == 0) {
        err = ops->erase(ops->ctx, 2);
    }
    if (err == 0) {
        err = ops->program(ops->ctx, 2 * 64, 0, page, n);
    }
    return err;
}

/* Both chips' arrays and hidden page state are identical, and read identically through both views. */
static void same_chip(const char *part, unsigned cut, int torn)
{
    uint32_t ppb = V.chip.geo.pages_per_block, span = V.chip.geo.page_size + V.chip.geo.oob_size;
    const uint8_t *a = V.chip.block_data[2], *b = W.chip.block_data[2];
    TDM_CHECK_MSG((!a && !b) || (a && b && memcmp(a, b, (size_t)ppb * span) == 0),
                  "%s cut %u torn %d: the raw arrays differ", part, cut, torn);
    TDM_CHECK(memcmp(V.chip.health + 2 * ppb, W.chip.health + 2 * ppb, ppb * sizeof *V.chip.health) == 0);
    TDM_CHECK(memcmp(V.chip.page_flags + 2 * ppb, W.chip.page_flags + 2 * ppb, ppb) == 0);
    TDM_CHECK(memcmp(V.chip.stats.torn, W.chip.stats.torn, sizeof V.chip.stats.torn) == 0);
    static uint8_t x[4096 + 256], y[4096 + 256];
    uint32_t n = V.chip.geo.page_size + V.chip.geo.tag_size;
    for (uint32_t pg = 0; pg < 6; pg++) {
        int rx = V.drv.read(V.drv.ctx, 2 * ppb + pg, 0, x, n);
        int ry = W.page.read(W.page.ctx, 2 * ppb + pg, 0, y, n);
        TDM_CHECK_MSG(rx == ry && (rx == TDM_E_NAND_ECC || memcmp(x, y, n) == 0),
                      "%s cut %u torn %d page %u: driver %d, page level %d", part, cut, torn, pg, rx, ry);
    }
}

static void a_power_cut_through_the_driver_lands_at_the_chip_operation_as_at_the_page_level(void)
{
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned cut = 1; cut <= 8; cut++) {
            for (int torn = 0; torn < 2; torn++) {
                open_views(&V, parts[i], SPIM4_HZ, 1); /* V: through the driver */
                open_views(&W, parts[i], SPIM4_HZ, 1); /* W: the page-level port, same seed */
                enum tdm_sim_cut mode = torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE;
                tdm_sim_domain_cut_at(V.chip.dom, cut, mode);
                tdm_sim_domain_cut_at(W.chip.dom, cut, mode);
                int sv = 0, sw = 0;
                int ev = script(&V, &V.drv, &sv), ew = script(&W, &W.page, &sw);
                TDM_CHECK_MSG(ev == ew && sv == sw && V.chip.dom->ops == W.chip.dom->ops,
                              "%s cut %u torn %d: driver %d at step %d, page level %d at step %d", parts[i], cut,
                              torn, ev, sv, ew, sw);
                TDM_CHECK(ev == TDM_E_POWER);
                uint8_t b[16];
                TDM_CHECK_ERR(V.drv.read(V.drv.ctx, 0, 0, b, sizeof b), TDM_E_POWER); /* no power */
                tdm_sim_domain_power_on(V.chip.dom);
                tdm_sim_domain_power_on(W.chip.dom);
                /* powered up locked: a program through the driver fails until the boot inits it again */
                TDM_CHECK_ERR(V.drv.erase(V.drv.ctx, 5), TDM_E_NAND_ERASE);
                TDM_CHECK_OK(tdm_sim_spinand_port_boot(&V.spi));
                same_chip(parts[i], cut, torn);
                tdm_sim_nand_destroy(&V.chip);
                tdm_sim_nand_destroy(&W.chip);
            }
        }
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"the driver tag area is the page model tag area on every part",
         the_driver_tag_area_is_the_page_model_tag_area_on_every_part},
        {"a tag written through one view reads back through the other",
         a_tag_written_through_one_view_reads_back_through_the_other},
        {"a power cut through the driver lands at the chip operation as at the page level",
         a_power_cut_through_the_driver_lands_at_the_chip_operation_as_at_the_page_level},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
