/* The board's register sequences off silicon: SPIM4 (the SPI transfer port) against the register-level
 * fake with the simulated SPI-NAND chip on its bus, and the real SPI-NAND driver over both; the network
 * core's release (errata 161); the boot stages' write protection (SPU, ACL). */
#include <string.h>

#include "board_app.h"
#include "board_net.h"
#include "harness.h"
#include "nand_sim.h"
#include "nrf_fake.h"
#include "rng.h"
#include "spinand_sim.h"
#include "tandem/err.h"
#include "tandem/spinand.h"

#define SPIM 0x5000A000u

static struct tdm_sim_nand chip;
static struct tdm_sim_spinand sim;
static struct nrf_fake fake;
static struct tdm_board_spim4 spim;
static struct tdm_spi_ops spi;

static void open_bus(void)
{
    TDM_CHECK_OK(tdm_sim_nand_create(&chip, tdm_sim_part_find("W25N01GV"), 0, tdm_test_seed()));
    TDM_CHECK_OK(tdm_sim_spinand_create(&sim, &chip, tdm_test_seed()));
    TDM_CHECK_OK(tdm_sim_spinand_set_bus(&sim, TDM_SPIM4_HZ, 1));
    nrf_fake_init(&fake, tdm_sim_spinand_ops(&sim));
    tdm_board_spim4_init(&spim, TDM_NRF_APP_SPIM4_S, TDM_NRF_APP_P0_S, TDM_NRF_APP_CLOCK_S);
    spi = tdm_board_spim4_ops(&spim);
}

static void close_bus(void)
{
    tdm_sim_nand_destroy(&chip);
}

/* One transaction that only writes `n` bytes of `buf`. */
static void one_write(const void *buf, uint32_t n)
{
    TDM_CHECK_OK(spi.select(spi.ctx));
    TDM_CHECK_OK(spi.write(spi.ctx, buf, n, 1));
    TDM_CHECK_OK(spi.deselect(spi.ctx));
}

static void the_spinand_driver_runs_over_spim4(void)
{
    open_bus();
    struct tdm_clock_ops clock = tdm_sim_nand_clock(&chip);
    struct tdm_spinand drv;
    struct tdm_spinand_config cfg = {.spi = spi, .clock = &clock, .lines = 1};
    TDM_CHECK_OK(tdm_spinand_init(&drv, &cfg));
    TDM_CHECK(!strcmp(drv.part->name, "W25N01GV"));
    struct tdm_nand_ops nand = tdm_spinand_ops(&drv);
    uint64_t rng = tdm_test_seed() * 31 + 7;
    static uint8_t page[2048 + 24], back[2048 + 24];
    for (uint32_t row = 64; row < 64 + 8; row++) {
        tdm_rng_fill(&rng, page, sizeof page);
        TDM_CHECK_OK(nand.program(nand.ctx, row, 0, page, sizeof page));
        memset(back, 0, sizeof back);
        TDM_CHECK(nand.read(nand.ctx, row, 0, back, sizeof back) >= 0);
        TDM_CHECK_MSG(!memcmp(page, back, sizeof page), "row %u reads back different", row);
    }
    TDM_CHECK_OK(nand.erase(nand.ctx, 1));
    TDM_CHECK(nand.read(nand.ctx, 64, 0, back, 16) >= 0);
    TDM_CHECK(back[0] == 0xFF && back[15] == 0xFF);
    TDM_CHECK_MSG(fake.violations == 0, "%s", fake.last_violation);
    TDM_CHECK(sim.stats.proto_errors == 0 && fake.starts > 0);
    close_bus();
}

static void spim4_is_set_up_for_32_mhz_on_its_dedicated_pins(void)
{
    open_bus();
    TDM_CHECK(nrf_fake_reg(SPIM + 0x500u) == 7);
    TDM_CHECK(nrf_fake_reg(SPIM + 0x524u) == 0x14000000u);
    TDM_CHECK(nrf_fake_reg(SPIM + 0x508u) == 8 && nrf_fake_reg(SPIM + 0x50Cu) == 9 &&
              nrf_fake_reg(SPIM + 0x510u) == 10);
    TDM_CHECK(nrf_fake_reg(TDM_NRF_APP_CLOCK_S + 0x558u) == 0);      /* 128 MHz core */
    for (uint32_t pin = 8; pin <= 11; pin++) {
        TDM_CHECK(((nrf_fake_reg(TDM_NRF_APP_P0_S + 0x700u + 4u * pin) >> 8) & 0xFu) == 3); /* H0H1 */
    }
    TDM_CHECK(nrf_fake_reg(TDM_NRF_APP_P0_S + 0x504u) & (1u << 11)); /* CSN idles high */
    TDM_CHECK(spi.max_lines == 1 && spi.hz == 32000000u);
    /* the fake's own rule can fail: drop the drive strength and a transfer is a violation */
    nrf_fake_set_reg(TDM_NRF_APP_P0_S + 0x700u + 4u * 8, 1);
    uint8_t op = 0xFF;
    one_write(&op, 1);
    TDM_CHECK(fake.violations == 1);
    close_bus();
}

static void a_transmit_buffer_in_flash_goes_through_ram(void)
{
    open_bus();
    static uint8_t in_flash[100];
    uint64_t rng = tdm_test_seed();
    tdm_rng_fill(&rng, in_flash, sizeof in_flash);
    nrf_fake_in_flash(in_flash, sizeof in_flash);
    uint8_t op = 0x9F; /* any command: the bytes are what is checked */
    TDM_CHECK_OK(spi.select(spi.ctx));
    TDM_CHECK_OK(spi.write(spi.ctx, &op, 1, 1));
    uint32_t before = fake.mosi_n;
    TDM_CHECK_OK(spi.write(spi.ctx, in_flash, sizeof in_flash, 1));
    TDM_CHECK_OK(spi.deselect(spi.ctx));
    TDM_CHECK(fake.mosi_n - before == sizeof in_flash);
    TDM_CHECK(!memcmp(fake.mosi + before, in_flash, sizeof in_flash));
    TDM_CHECK_MSG(fake.violations == 0, "%s", fake.last_violation);
    close_bus();
}

static void a_receive_buffer_outside_ram_is_refused(void)
{
    open_bus();
    static uint8_t in_flash[16];
    nrf_fake_in_flash(in_flash, sizeof in_flash);
    uint64_t starts = fake.starts;
    TDM_CHECK_OK(spi.select(spi.ctx));
    TDM_CHECK_ERR(spi.read(spi.ctx, in_flash, sizeof in_flash, 1), TDM_E_INVAL);
    TDM_CHECK_OK(spi.deselect(spi.ctx));
    TDM_CHECK(fake.starts == starts && fake.violations == 0);
    close_bus();
}

static void a_transfer_that_never_ends_is_stopped(void)
{
    open_bus();
    fake.hang = 1;
    uint8_t b[4] = {0x0F, 0xC0, 0, 0};
    TDM_CHECK_OK(spi.select(spi.ctx));
    TDM_CHECK_ERR(spi.write(spi.ctx, b, 2, 1), TDM_E_IO);
    TDM_CHECK_OK(spi.deselect(spi.ctx));
    TDM_CHECK(fake.stops == 1);
    close_bus();
}

static void phases_need_a_select_and_one_line(void)
{
    open_bus();
    uint8_t b[2] = {0x0F, 0xC0};
    TDM_CHECK_ERR(spi.write(spi.ctx, b, 2, 1), TDM_E_STATE);
    TDM_CHECK_ERR(spi.deselect(spi.ctx), TDM_E_STATE);
    TDM_CHECK_OK(spi.select(spi.ctx));
    TDM_CHECK_ERR(spi.select(spi.ctx), TDM_E_STATE);
    TDM_CHECK_ERR(spi.write(spi.ctx, b, 2, 4), TDM_E_INVAL);
    TDM_CHECK_ERR(spi.read(spi.ctx, b, 2, 2), TDM_E_INVAL);
    TDM_CHECK_OK(spi.deselect(spi.ctx));
    TDM_CHECK(fake.starts == 0);
    close_bus();
}

static void a_long_transfer_is_split_at_maxcnt(void)
{
    open_bus();
    static uint8_t big[70000];
    uint64_t rng = tdm_test_seed() + 5;
    tdm_rng_fill(&rng, big, sizeof big);
    one_write(big, sizeof big);
    TDM_CHECK(fake.starts == 2 && fake.max_maxcnt == 0xFFFFu && fake.mosi_n == sizeof big);
    TDM_CHECK(!memcmp(fake.mosi, big, sizeof big));
    close_bus();
}

/* The errata-161 order: 0x50005618 = 1, release, >= 5 us, hold, >= 1 us, release, 0x50005618 = 0. */
static void the_network_core_is_released_with_the_errata_161_sequence(void)
{
    nrf_fake_init(&fake, (struct tdm_spi_ops){0});
    tdm_board_net_release(0x20070000u, 0x10000u);
    for (uint32_t r = 56; r < 64; r++) {
        TDM_CHECK_MSG(nrf_fake_reg(0x50003700u + 4u * r) == 6, "RAM region %u", r);
    }
    TDM_CHECK(nrf_fake_reg(0x50003700u + 4u * 55) == 0);
    int a = nrf_fake_find(&fake, 0, 0x50005618u, 1);
    int b = a < 0 ? -1 : nrf_fake_find(&fake, (uint32_t)a, 0x50005614u, 0);
    int c = b < 0 ? -1 : nrf_fake_find(&fake, (uint32_t)b, FAKE_DELAY_MARK, ~0u);
    int d = c < 0 ? -1 : nrf_fake_find(&fake, (uint32_t)c, 0x50005614u, 1);
    int e = d < 0 ? -1 : nrf_fake_find(&fake, (uint32_t)d, FAKE_DELAY_MARK, ~0u);
    int g = e < 0 ? -1 : nrf_fake_find(&fake, (uint32_t)e, 0x50005614u, 0);
    int h = g < 0 ? -1 : nrf_fake_find(&fake, (uint32_t)g, 0x50005618u, 0);
    TDM_CHECK_MSG(h >= 0, "sequence broken at %d %d %d %d %d %d %d", a, b, c, d, e, g, h);
    TDM_CHECK(fake.log[c].value >= 5 && fake.log[e].value >= 1);
    TDM_CHECK(nrf_fake_reg(0x50005614u) == 0 && nrf_fake_reg(0x50005618u) == 0);
    /* a revision the errata lists as unaffected: one plain release, the errata register untouched */
    nrf_fake_init(&fake, (struct tdm_spi_ops){0});
    nrf_fake_set_reg(0x00FF0134u, 0x03);
    tdm_board_net_release(0x20070000u, 0x10000u);
    TDM_CHECK(nrf_fake_find(&fake, 0, 0x50005618u, ~0u) < 0);
    int only = nrf_fake_find(&fake, 0, 0x50005614u, ~0u);
    TDM_CHECK(only >= 0 && fake.log[only].value == 0 && nrf_fake_find(&fake, (uint32_t)only + 1, 0x50005614u, ~0u) < 0);
}

static void both_boot_stages_are_write_protected(void)
{
    nrf_fake_init(&fake, (struct tdm_spi_ops){0});
    tdm_board_protect_app_flash(0x00000000u, 0x10000u);
    for (uint32_t r = 0; r < 4; r++) {
        uint32_t perm = nrf_fake_reg(0x50003600u + 4u * r);
        TDM_CHECK_MSG(perm == 0x115u, "region %u perm %#x: read + execute + secure + lock, no write", r, perm);
    }
    TDM_CHECK(nrf_fake_find(&fake, 0, 0x50003600u + 4u * 4, ~0u) < 0); /* the application slot stays writable */
    tdm_board_protect_net_flash(0x01000000u, 0x8000u);
    TDM_CHECK(nrf_fake_reg(0x41080800u) == 0x01000000u && nrf_fake_reg(0x41080804u) == 0x8000u);
    TDM_CHECK(nrf_fake_reg(0x41080808u) == 2u); /* write blocked, read allowed */
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"the SPI-NAND driver runs over SPIM4", the_spinand_driver_runs_over_spim4},
        {"SPIM4 is set up for 32 MHz on its dedicated pins", spim4_is_set_up_for_32_mhz_on_its_dedicated_pins},
        {"a transmit buffer in flash goes through RAM", a_transmit_buffer_in_flash_goes_through_ram},
        {"a receive buffer outside RAM is refused", a_receive_buffer_outside_ram_is_refused},
        {"a transfer that never ends is stopped", a_transfer_that_never_ends_is_stopped},
        {"phases need a select and one line", phases_need_a_select_and_one_line},
        {"a long transfer is split at MAXCNT", a_long_transfer_is_split_at_maxcnt},
        {"the network core is released with the errata-161 sequence",
         the_network_core_is_released_with_the_errata_161_sequence},
        {"both boot stages are write-protected", both_boot_stages_are_write_protected},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
