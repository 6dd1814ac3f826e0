/* The security-counter port: a monotonic counter in one-time-programmable memory (anti-downgrade).
 * On the nRF5340 it lives in OTP words of the UICR: each update programs a fresh slot, so the number of
 * updates in a device's life is bounded (`slots`), and the value can never go down.
 *
 * Owns: the contract of the counter. Never: policy (when to advance it is the bootloader's decision:
 * only when a set is confirmed), globals.
 *
 * Power loss: an update is durable only when advance() has returned 0. An interrupted update leaves the
 * old or the new value (never anything else) and may use up a slot.
 * Cost: one OTP word write (tWRITE) per update; reads are free.
 */
#ifndef TANDEM_COUNTER_PORT_H
#define TANDEM_COUNTER_PORT_H

#include <stdint.h>

struct tdm_counter_ops {
    void *ctx;

    /* Current value into *value (0 on a fresh device). Returns 0 (a simulated port outside an unwind point: TDM_E_POWER
     * after a cut; on silicon and under the runner a cut stops the caller). */
    int (*get)(void *ctx, uint32_t *value);

    /* Raise the counter to `value`. value == current: nothing happens, returns 0 (no slot used).
     * Returns 0; TDM_E_BOOT_COUNTER when value < current (nothing changes); TDM_E_BOOT_COUNTER_FULL when
     * every slot is used. A cut before or during the update stops the caller (a simulated port outside an
     * unwind point returns TDM_E_POWER). */
    int (*advance)(void *ctx, uint32_t value);

    /* Updates left (slots not yet programmed). Returns >= 0 (TDM_E_POWER as for get). */
    int (*slots_left)(void *ctx);
};

#endif
