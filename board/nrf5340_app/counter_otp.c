/* The security-counter port of the application core: OTP words of the UICR, as a stub for the board.
 *
 * Owns: the contract (include/tandem/counter_port.h). Never: invents a counter value: every call answers
 * TDM_E_UNSUPPORTED, so the bootloader refuses to install (it cannot check anti-downgrade) and keeps
 * booting the installed set. A board fills it in with one OTP word per update (UICR.OTP, PS v1.3).
 */
#include "board_app.h"
#include "tandem/err.h"

static int counter_get(void *ctx, uint32_t *value)
{
    (void)ctx;
    (void)value;
    return TDM_E_UNSUPPORTED;
}

static int counter_advance(void *ctx, uint32_t value)
{
    (void)ctx;
    (void)value;
    return TDM_E_UNSUPPORTED;
}

static int counter_slots_left(void *ctx)
{
    (void)ctx;
    return TDM_E_UNSUPPORTED;
}

struct tdm_counter_ops tdm_board_counter_ops(void)
{
    struct tdm_counter_ops ops = {.ctx = 0, .get = counter_get, .advance = counter_advance,
                                  .slots_left = counter_slots_left};
    return ops;
}
