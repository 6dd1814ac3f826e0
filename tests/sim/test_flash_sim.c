/* The simulated nRF5340 internal flash, as a specification: every NVMC rule, the timings, power cuts
 * before and inside a write or an erase, wear, persistence. */
#define _XOPEN_SOURCE 700 /* mkstemp, mkdtemp, fork */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flash_sim.h"
#include "harness.h"
#include "rng.h"
#include "tandem/le.h"

#define APP_PAGE 4096u

static struct tdm_sim_flash flash;
static struct tdm_flash_ops ops;

static void fresh(enum tdm_sim_flash_kind kind)
{
    tdm_sim_flash_destroy(&flash);
    TDM_CHECK_OK(tdm_sim_flash_create(&flash, kind, tdm_test_seed()));
    ops = tdm_sim_flash_ops(&flash);
}

static uint32_t word_at(uint32_t addr)
{
    uint8_t b[4];
    TDM_CHECK_OK(ops.read(ops.ctx, addr, b, 4));
    return tdm_get_le32(b);
}

static int all_ff(uint32_t addr, uint32_t len)
{
    const uint8_t *p = tdm_sim_flash_peek(&flash, addr, len);
    for (uint32_t i = 0; p && i < len; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return p != NULL;
}

static void geometry_of_both_cores(void)
{
    struct tdm_flash_geometry g;
    fresh(TDM_SIM_FLASH_APP);
    TDM_CHECK_OK(ops.geometry(ops.ctx, &g));
    TDM_CHECK(g.base == 0 && g.size == 1024u * 1024u && g.page_size == 4096 && g.write_unit == 4);
    TDM_CHECK(g.max_writes == 2 && g.endurance == 10000);
    fresh(TDM_SIM_FLASH_NET);
    TDM_CHECK_OK(ops.geometry(ops.ctx, &g));
    TDM_CHECK(g.base == 0x01000000u && g.size == 256u * 1024u && g.page_size == 2048);
    TDM_CHECK(all_ff(g.base, g.size));
    /* Net flash is addressed as the net core sees it: address 0 is not in it. */
    uint8_t b[4];
    TDM_CHECK_ERR(ops.read(ops.ctx, 0, b, 4), TDM_E_RANGE);
    TDM_CHECK_ERR(ops.read(ops.ctx, 0x01040000u - 2, b, 4), TDM_E_RANGE);
}

static void write_then_read_back(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t data[APP_PAGE], back[APP_PAGE];
    uint64_t rng = tdm_test_seed();
    tdm_rng_fill(&rng, data, sizeof data);
    TDM_CHECK_OK(ops.write(ops.ctx, 0x3000, data, sizeof data));
    TDM_CHECK_OK(ops.read(ops.ctx, 0x3000, back, sizeof back));
    TDM_CHECK(memcmp(data, back, sizeof data) == 0);
    TDM_CHECK(all_ff(0x2000, APP_PAGE) && all_ff(0x4000, APP_PAGE));
    TDM_CHECK(flash.stats.writes == 1 && flash.stats.words_written == APP_PAGE / 4);
}

static void unaligned_write_is_refused(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t data[8] = {0};
    TDM_CHECK_ERR(ops.write(ops.ctx, 0x1002, data, 4), TDM_E_BOOT_FLASH_RULE);
    TDM_CHECK_ERR(ops.write(ops.ctx, 0x1000, data, 6), TDM_E_BOOT_FLASH_RULE);
    TDM_CHECK(all_ff(0x1000, 16));
    TDM_CHECK(flash.stats.rule_violations == 2 && flash.stats.writes == 0 && flash.dom->ops == 0);
}

static void write_needing_a_zero_to_become_one_is_refused(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t a[8], b[8];
    tdm_put_le32(a, 0x0F0F0F0Fu);
    tdm_put_le32(a + 4, 0xFFFFFFFFu);
    TDM_CHECK_OK(ops.write(ops.ctx, 0x100, a, 8));
    /* Second word would be fine, the first needs 0 -> 1: the whole write is refused, nothing changes. */
    tdm_put_le32(b, 0xF0F0F0F0u);
    tdm_put_le32(b + 4, 0x00000000u);
    TDM_CHECK_ERR(ops.write(ops.ctx, 0x100, b, 8), TDM_E_BOOT_FLASH_RULE);
    TDM_CHECK(word_at(0x100) == 0x0F0F0F0Fu && word_at(0x104) == 0xFFFFFFFFu);
}

static void a_word_is_written_at_most_twice_between_erases(void)
{
    fresh(TDM_SIM_FLASH_NET);
    uint32_t addr = 0x01000800u;
    uint8_t w[4];
    tdm_put_le32(w, 0xFFFF0000u);
    TDM_CHECK_OK(ops.write(ops.ctx, addr, w, 4));
    tdm_put_le32(w, 0xFF000000u); /* clears more bits: allowed as the second write (nWRITE = 2) */
    TDM_CHECK_OK(ops.write(ops.ctx, addr, w, 4));
    TDM_CHECK(word_at(addr) == 0xFF000000u);
    tdm_put_le32(w, 0x00000000u);
    TDM_CHECK_ERR(ops.write(ops.ctx, addr, w, 4), TDM_E_BOOT_FLASH_RULE);
    /* Writing all ones counts as a write too. */
    tdm_put_le32(w, 0xFFFFFFFFu);
    TDM_CHECK_OK(ops.write(ops.ctx, addr + 4, w, 4));
    TDM_CHECK_OK(ops.write(ops.ctx, addr + 4, w, 4));
    TDM_CHECK_ERR(ops.write(ops.ctx, addr + 4, w, 4), TDM_E_BOOT_FLASH_RULE);
    /* After an erase of its page the word takes two writes again. */
    TDM_CHECK_OK(ops.erase(ops.ctx, 0x01000800u));
    tdm_put_le32(w, 0x12345678u);
    TDM_CHECK_OK(ops.write(ops.ctx, addr, w, 4));
    TDM_CHECK(word_at(addr) == 0x12345678u);
}

static void erase_works_on_whole_pages_only(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t zero[16] = {0};
    TDM_CHECK_OK(ops.write(ops.ctx, 0x5000, zero, 16));
    TDM_CHECK_OK(ops.write(ops.ctx, 0x6000, zero, 16));
    TDM_CHECK_ERR(ops.erase(ops.ctx, 0x5004), TDM_E_BOOT_FLASH_RULE);
    TDM_CHECK_ERR(ops.erase(ops.ctx, 0x100000), TDM_E_RANGE);
    TDM_CHECK(!all_ff(0x5000, 16));
    TDM_CHECK_OK(ops.erase(ops.ctx, 0x5000));
    TDM_CHECK(all_ff(0x5000, APP_PAGE) && !all_ff(0x6000, 16));
    TDM_CHECK(flash.erase_count[5] == 1 && flash.erase_count[6] == 0);
}

static void out_of_range_is_refused(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t b[8] = {0};
    TDM_CHECK_ERR(ops.write(ops.ctx, 0x100000 - 4, b, 8), TDM_E_RANGE);
    TDM_CHECK_ERR(ops.read(ops.ctx, 0xFFFFFFFCu, b, 8), TDM_E_RANGE);
    TDM_CHECK_OK(ops.read(ops.ctx, 0x100000 - 8, b, 8));
}

static void timings_follow_the_product_specification(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t data[APP_PAGE];
    memset(data, 0x5A, sizeof data);
    uint64_t t0 = flash.dom->clock_ns;
    TDM_CHECK_OK(ops.erase(ops.ctx, 0x8000));
    TDM_CHECK(flash.dom->clock_ns - t0 == 87500000ull); /* tERASEPAGE 87.5 ms */
    t0 = flash.dom->clock_ns;
    TDM_CHECK_OK(ops.write(ops.ctx, 0x8000, data, sizeof data));
    TDM_CHECK(flash.dom->clock_ns - t0 == 1024ull * 43000ull); /* tWRITE 43 us x 1024 words */
    TDM_CHECK(flash.stats.time_ns == 87500000ull + 1024ull * 43000ull);
}

static void cut_before_a_write_changes_nothing(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t data[64] = {0};
    tdm_sim_domain_cut_at(flash.dom, flash.dom->ops + 1, TDM_SIM_CUT_BEFORE);
    TDM_CHECK_ERR(ops.write(ops.ctx, 0x1000, data, sizeof data), TDM_E_POWER);
    TDM_CHECK(all_ff(0x1000, 64));
    uint8_t b[4];
    TDM_CHECK_ERR(ops.read(ops.ctx, 0x1000, b, 4), TDM_E_POWER);
    TDM_CHECK_ERR(ops.erase(ops.ctx, 0x1000), TDM_E_POWER);
    tdm_sim_domain_power_on(flash.dom);
    TDM_CHECK_OK(ops.write(ops.ctx, 0x1000, data, sizeof data));
    TDM_CHECK(!all_ff(0x1000, 4));
}

static void torn_write_leaves_some_bits_of_one_word(void)
{
    /* Many seeds: the torn word falls at different places; each time the words before it are complete,
     * the torn word holds a subset of its 1 -> 0 bits and the words after it are untouched. */
    for (uint64_t s = 0; s < 32; s++) {
        tdm_test_replay_extra("(inner seed %llu)", (unsigned long long)s);
        tdm_sim_flash_destroy(&flash);
        TDM_CHECK_OK(tdm_sim_flash_create(&flash, TDM_SIM_FLASH_APP, tdm_test_seed() * 131 + s));
        ops = tdm_sim_flash_ops(&flash);
        uint8_t data[256];
        uint64_t rng = tdm_test_seed() + s;
        tdm_rng_fill(&rng, data, sizeof data);
        tdm_sim_domain_cut_at(flash.dom, 1, TDM_SIM_CUT_TORN);
        TDM_CHECK_ERR(ops.write(ops.ctx, 0x2000, data, sizeof data), TDM_E_POWER);
        const uint8_t *p = tdm_sim_flash_peek(&flash, 0x2000, sizeof data);
        uint32_t i = 0;
        while (i < 64 && tdm_get_le32(p + 4 * i) == tdm_get_le32(data + 4 * i)) {
            i++;
        }
        if (i < 64) {
            uint32_t torn = tdm_get_le32(p + 4 * i), want = tdm_get_le32(data + 4 * i);
            TDM_CHECK((want & ~torn) == 0); /* nothing the write keeps at 1 went to 0 */
            for (uint32_t j = i + 1; j < 64; j++) {
                TDM_CHECK(tdm_get_le32(p + 4 * j) == 0xFFFFFFFFu);
            }
        }
        TDM_CHECK(flash.stats.torn_writes == 1 && !tdm_sim_domain_powered(flash.dom));
    }
}

static void torn_erase_leaves_the_page_partly_erased(void)
{
    fresh(TDM_SIM_FLASH_APP);
    uint8_t zero[APP_PAGE];
    memset(zero, 0, sizeof zero);
    TDM_CHECK_OK(ops.write(ops.ctx, 0x7000, zero, sizeof zero));
    TDM_CHECK_OK(ops.write(ops.ctx, 0x8000, zero, sizeof zero));
    tdm_sim_domain_cut_at(flash.dom, flash.dom->ops + 1, TDM_SIM_CUT_TORN);
    TDM_CHECK_ERR(ops.erase(ops.ctx, 0x7000), TDM_E_POWER);
    const uint8_t *p = tdm_sim_flash_peek(&flash, 0x7000, APP_PAGE);
    uint32_t erased = 0, random = 0;
    for (uint32_t i = 0; i < APP_PAGE / 4; i++) {
        uint32_t w = tdm_get_le32(p + 4 * i);
        erased += w == 0xFFFFFFFFu;
        random += w != 0xFFFFFFFFu && w != 0;
    }
    TDM_CHECK(erased > 0 && erased < APP_PAGE / 4 && random > 0);
    TDM_CHECK(memcmp(tdm_sim_flash_peek(&flash, 0x8000, APP_PAGE), zero, APP_PAGE) == 0); /* neighbour */
    TDM_CHECK(flash.erase_count[7] == 1 && flash.stats.torn_erases == 1);
    /* Only a full erase makes the page writable again. */
    tdm_sim_domain_power_on(flash.dom);
    TDM_CHECK_OK(ops.erase(ops.ctx, 0x7000));
    TDM_CHECK(all_ff(0x7000, APP_PAGE));
}

static void erase_counts_and_endurance(void)
{
    fresh(TDM_SIM_FLASH_NET);
    for (int i = 0; i < 10001; i++) {
        TDM_CHECK_OK(ops.erase(ops.ctx, 0x01001000u));
    }
    TDM_CHECK(tdm_sim_flash_max_erases(&flash) == 10001);
    TDM_CHECK(flash.stats.over_endurance == 1);
    TDM_CHECK(flash.erase_count[2] == 10001 && flash.erase_count[1] == 0);
}

static void save_and_load_keep_the_physical_state(void)
{
    fresh(TDM_SIM_FLASH_NET);
    uint8_t data[2048];
    uint64_t rng = tdm_test_seed();
    tdm_rng_fill(&rng, data, sizeof data);
    TDM_CHECK_OK(ops.erase(ops.ctx, 0x01002000u));
    TDM_CHECK_OK(ops.write(ops.ctx, 0x01002000u, data, sizeof data));
    char path[] = "/tmp/tdm_flash_XXXXXX";
    int fd = mkstemp(path);
    TDM_CHECK(fd >= 0);
    close(fd);
    TDM_CHECK_OK(tdm_sim_flash_save(&flash, path));
    struct tdm_sim_flash back;
    TDM_CHECK_ERR(tdm_sim_flash_load(&back, TDM_SIM_FLASH_APP, path), TDM_E_SIM_FILE); /* wrong kind */
    TDM_CHECK_OK(tdm_sim_flash_load(&back, TDM_SIM_FLASH_NET, path));
    remove(path);
    TDM_CHECK(memcmp(back.mem, flash.mem, flash.geo.size) == 0);
    TDM_CHECK(back.erase_count[4] == 1 && back.rng == flash.rng);
    /* The write counts came back too: a third write of a written word is still refused. */
    struct tdm_flash_ops bops = tdm_sim_flash_ops(&back);
    uint8_t z[4] = {0};
    TDM_CHECK_OK(bops.write(bops.ctx, 0x01002000u, z, 4));
    TDM_CHECK_ERR(bops.write(bops.ctx, 0x01002000u, z, 4), TDM_E_BOOT_FLASH_RULE);
    tdm_sim_flash_destroy(&back);
    TDM_CHECK_ERR(tdm_sim_flash_load(&back, TDM_SIM_FLASH_NET, "/nonexistent/flash.bin"), TDM_E_SIM_FILE);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"geometry of both cores", geometry_of_both_cores},
        {"write then read back", write_then_read_back},
        {"unaligned write is refused", unaligned_write_is_refused},
        {"write needing a zero to become one is refused", write_needing_a_zero_to_become_one_is_refused},
        {"a word is written at most twice between erases", a_word_is_written_at_most_twice_between_erases},
        {"erase works on whole pages only", erase_works_on_whole_pages_only},
        {"out of range is refused", out_of_range_is_refused},
        {"timings follow the product specification", timings_follow_the_product_specification},
        {"cut before a write changes nothing", cut_before_a_write_changes_nothing},
        {"torn write leaves some bits of one word", torn_write_leaves_some_bits_of_one_word},
        {"torn erase leaves the page partly erased", torn_erase_leaves_the_page_partly_erased},
        {"erase counts and endurance", erase_counts_and_endurance},
        {"save and load keep the physical state", save_and_load_keep_the_physical_state},
    };
    int rc = tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
    tdm_sim_flash_destroy(&flash);
    return rc;
}
