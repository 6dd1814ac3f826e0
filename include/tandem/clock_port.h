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

/* CPU work device code reports, for a clock that does not run by itself (the simulator charges it to the
 * core that did it, at costs measured on the Cortex-M33: sim/cpu_cost.c). A board leaves `spend` NULL:
 * its clock runs by itself. Only work the port does not see is reported this way (CRC-32 in the code);
 * hashing and signature checks are charged by the crypto port, copies out of NAND and flash by those ports. */
enum tdm_cpu_work {
    TDM_CPU_CRC32_BYTES = 0, /* bytes run through tdm_crc32 */
    TDM_CPU_COPY_BYTES = 1,  /* bytes copied or compared by a byte loop */
    TDM_CPU_DELTA_OUT_BYTES = 2, /* output bytes of the delta patch decoder (delta/decode.c) */
};

struct tdm_cpu_ops {
    void *ctx;
    void (*spend)(void *ctx, enum tdm_cpu_work work, uint32_t n); /* may be NULL */
    /* Run the calling core at `mhz` from now on; returns the clock it ran at before, or 0 when the core
     * cannot (the clock is left as it was). Called before any flash or NAND work, or between two such
     * operations, never during one. May be NULL (the clock stays as at reset). */
    uint32_t (*set_mhz)(void *ctx, uint32_t mhz);
};

static inline void tdm_cpu_spend(const struct tdm_cpu_ops *c, enum tdm_cpu_work work, uint32_t n)
{
    if (c->spend) {
        c->spend(c->ctx, work, n);
    }
}

#endif
