/* The application core's reset-reason port and CPU clock switch (board/nrf5340_app/reset_clock.c) against
 * the register-level fake: RESET.RESETREAS (fields read, cleared by writing 1s, PS "RESET - Reset control")
 * and CLOCK.HFCLKCTRL (Div1 128 MHz, Div2 64 MHz after reset, PS "CLOCK - Clock control"). */
#include "board_app.h"
#include "harness.h"
#include "nrf_fake.h"

#define RESETREAS (TDM_NRF_APP_CLOCK_S + 0x400u)
#define HFCLKCTRL (TDM_NRF_APP_CLOCK_S + 0x558u)

static struct nrf_fake fake;

static void fresh(void)
{
    nrf_fake_init(&fake, (struct tdm_spi_ops){0});
}

static void the_reset_reason_is_the_registers_fields(void)
{
    fresh();
    struct tdm_reset_ops r = tdm_board_reset_ops();
    uint32_t got = 1;
    TDM_CHECK_OK(r.read(r.ctx, &got));
    TDM_CHECK_MSG(got == 0, "after a power-on the register is 0 (power-on reset), read %#x", got);
    nrf_fake_set_reg(RESETREAS, TDM_RESET_SREQ | TDM_RESET_DOG0 | (1u << 20)); /* bit 20 is reserved */
    TDM_CHECK_OK(r.read(r.ctx, &got));
    TDM_CHECK_MSG(got == (TDM_RESET_SREQ | TDM_RESET_DOG0), "read %#x", got);
    TDM_CHECK(nrf_fake_find(&fake, 0, RESETREAS, ~0u) < 0); /* reading writes nothing */
}

static void clearing_a_reason_leaves_the_others(void)
{
    fresh();
    struct tdm_reset_ops r = tdm_board_reset_ops();
    nrf_fake_set_reg(RESETREAS, TDM_RESET_SREQ | TDM_RESET_DOG0 | TDM_RESET_LOCKUP);
    TDM_CHECK_OK(r.clear(r.ctx, TDM_RESET_SREQ));
    uint32_t got = 0;
    TDM_CHECK_OK(r.read(r.ctx, &got));
    TDM_CHECK_MSG(got == (TDM_RESET_DOG0 | TDM_RESET_LOCKUP), "left %#x", got);
    TDM_CHECK_OK(r.clear(r.ctx, TDM_RESET_ALL | (1u << 20))); /* a reserved bit is never written */
    TDM_CHECK(nrf_fake_reg(RESETREAS) == 0);
    TDM_CHECK(fake.log[fake.log_n - 1].addr == RESETREAS && fake.log[fake.log_n - 1].value == TDM_RESET_ALL);
}

static void the_core_clock_switches_between_64_and_128_mhz(void)
{
    fresh();
    TDM_CHECK(nrf_fake_reg(HFCLKCTRL) == 1); /* reset value: Div2 */
    TDM_CHECK(tdm_board_set_core_mhz(0, 128) == 64);
    TDM_CHECK(nrf_fake_reg(HFCLKCTRL) == 0);
    TDM_CHECK(tdm_board_set_core_mhz(0, 128) == 128);
    TDM_CHECK(tdm_board_set_core_mhz(0, 64) == 128);
    TDM_CHECK(nrf_fake_reg(HFCLKCTRL) == 1);
    uint32_t n = fake.log_n;
    TDM_CHECK(tdm_board_set_core_mhz(0, 96) == 0); /* no such divider: nothing written */
    TDM_CHECK(fake.log_n == n && nrf_fake_reg(HFCLKCTRL) == 1);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"the reset reason is the register's fields", the_reset_reason_is_the_registers_fields},
        {"clearing a reason leaves the others", clearing_a_reason_leaves_the_others},
        {"the core clock switches between 64 and 128 MHz", the_core_clock_switches_between_64_and_128_mhz},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
