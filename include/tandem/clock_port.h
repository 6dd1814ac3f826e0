/* The clock port: monotonic time for device code (timeouts, rates, progress ETA).
 * On the simulator it is the simulated clock driven by datasheet timings; on a board, a timer.
 * Owns: the contract. Never: a global clock (state is behind ctx). */
#ifndef TANDEM_CLOCK_PORT_H
#define TANDEM_CLOCK_PORT_H

#include <stdint.h>

struct tdm_clock_ops {
    void *ctx;
    /* Nanoseconds since an arbitrary origin; never goes backwards. Cannot fail. */
    uint64_t (*now_ns)(void *ctx);
    /* Wait (or, on the simulator, advance simulated time) by ns. Cannot fail. May be NULL: busy-wait on now_ns. */
    void (*sleep_ns)(void *ctx, uint64_t ns);
};

#endif
