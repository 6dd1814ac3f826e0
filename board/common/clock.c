/* Clock port over the Armv8-M DWT cycle counter (include/tandem/clock_port.h).
 *
 * Owns: enabling DWT.CYCCNT (DEMCR.TRCENA, DWT_CTRL.CYCCNTENA; Armv8-M ARM, D1.2) and extending it to 64
 * bits. Never: sleeps in low power (a busy wait is enough for the bootloader's short timeouts).
 */
#include <stdint.h>

#include "board.h"

#define DEMCR 0xE000EDFCu
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL 0xE0001000u
#define DWT_CYCCNT 0xE0001004u

static uint32_t cyccnt(void)
{
    return *tdm_board_reg(DWT_CYCCNT);
}

void tdm_board_clock_init(struct tdm_board_clock *c, uint32_t hz)
{
    *tdm_board_reg(DEMCR) |= DEMCR_TRCENA;
    *tdm_board_reg(DWT_CTRL) |= 1u;
    c->ns_q16 = (uint32_t)(65536000u / (hz / 1000000u)); /* ns per cycle, 16 fraction bits */
    c->last = cyccnt();
    c->cycles = 0;
}

uint64_t tdm_board_clock_now(struct tdm_board_clock *c)
{
    uint32_t now = cyccnt();
    c->cycles += (uint32_t)(now - c->last);
    c->last = now;
    /* cycles x ns per cycle without a 64-bit division (no libgcc division routine in the images) */
    return (c->cycles >> 16) * c->ns_q16 + (((c->cycles & 0xFFFFu) * c->ns_q16) >> 16);
}

static uint64_t clock_now(void *ctx)
{
    return tdm_board_clock_now(ctx);
}

static void clock_sleep(void *ctx, uint64_t ns)
{
    uint64_t start = tdm_board_clock_now(ctx);
    while (tdm_board_clock_now(ctx) - start < ns) {
    }
}

struct tdm_clock_ops tdm_board_clock_ops(struct tdm_board_clock *c)
{
    struct tdm_clock_ops ops = {.ctx = c, .now_ns = clock_now, .sleep_ns = clock_sleep};
    return ops;
}
