/* The application core's reset-reason port (include/tandem/reset_port.h) and the speed switch of its CPU
 * clock port (include/tandem/clock_port.h, set_mhz), both in the CLOCK / POWER / RESET block of the
 * nRF5340 (PS v1.3, Secure alias 0x50005000).
 *
 * Owns: the register accesses of RESET.RESETREAS (offset 0x400, "RESET - Reset control": a field is cleared
 * by writing 1 to it) and CLOCK.HFCLKCTRL (offset 0x558, "CLOCK - Clock control": HCLK of the application
 * core, Div1 = 128 MHz, Div2 = 64 MHz, the reset value). Never: policy (what a reason means for a trial is
 * the bootloader's, docs/BOOT.md), a write to a field the caller did not name, state.
 * Confirmed here against the register-level fake (tests/board/test_reset_clock.c); on silicon only by a board.
 */
#include "board_app.h"
#include "mmio.h"

#define RESET_RESETREAS 0x400u
#define CLOCK_HFCLKCTRL 0x558u

uint32_t tdm_board_set_core_mhz(void *ctx, uint32_t mhz)
{
    (void)ctx;
    if (mhz != 64 && mhz != 128) {
        return 0;
    }
    uint32_t before = (tdm_mmio_read(TDM_NRF_APP_CLOCK_S + CLOCK_HFCLKCTRL) & 1u) ? 64 : 128;
    tdm_mmio_write(TDM_NRF_APP_CLOCK_S + CLOCK_HFCLKCTRL, mhz == 128 ? 0 : 1);
    return before;
}

static int reset_read(void *ctx, uint32_t *reasons)
{
    (void)ctx;
    *reasons = tdm_mmio_read(TDM_NRF_APP_CLOCK_S + RESET_RESETREAS) & TDM_RESET_ALL;
    return 0;
}

static int reset_clear(void *ctx, uint32_t reasons)
{
    (void)ctx;
    tdm_mmio_write(TDM_NRF_APP_CLOCK_S + RESET_RESETREAS, reasons & TDM_RESET_ALL);
    return 0;
}

struct tdm_reset_ops tdm_board_reset_ops(void)
{
    return (struct tdm_reset_ops){.read = reset_read, .clear = reset_clear};
}
