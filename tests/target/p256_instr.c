/* Instructions per ECDSA P-256 verification on the emulated Cortex-M33, for bench/run's p256.verify_instr
 * (tests/target/p256_figures.sh runs this image under QEMU with -icount shift=0).
 *
 * Method: with -icount shift=0, QEMU advances its virtual clock by exactly 1 ns per executed guest
 * instruction, and SysTick (Armv8-M SYST_*, processor clock) counts that virtual clock. The image first
 * calibrates instructions per SysTick tick with a loop of known length (two instructions per pass:
 * SUBS + BNE), then times tdm_p256_verify alone over every valid Wycheproof vector (full verifications;
 * the invalid ones mostly stop early) and prints the median, mean and maximum in instructions.
 * Resolution: one tick (tens of instructions). Not a cycle count: the M33 takes more cycles than
 * instructions (loads, taken branches).
 * Owns: the measurement. Never: a verdict of its own (the Wycheproof run still checks every answer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "systick_count.h"
#include "tandem/p256.h"
#include "wycheproof.h"


static uint32_t ticks[256];
static unsigned nticks;

static int timed_verify(const uint8_t *pub, const uint8_t *hash, const uint8_t *sig)
{
    SYST_CVR = 0; /* reload: a whole 2^24-tick window per call */
    uint32_t t0 = SYST_CVR;
    int rc = tdm_p256_verify(pub, hash, sig);
    uint32_t t = systick_elapsed(t0);
    if (rc == 0 && nticks < sizeof ticks / sizeof ticks[0]) {
        ticks[nticks++] = t;
    }
    return rc;
}

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    double per_tick = systick_calibrate();
    if (per_tick == 0.0) {
        printf("p256_instr: SysTick does not count (run under qemu -icount shift=0)\n");
        return 1;
    }
    unsigned accepted = 0;
    unsigned failures = wyc_run_all(timed_verify, &accepted);
    if (failures != 0 || nticks == 0) {
        printf("p256_instr: %u Wycheproof failures, %u timed verifications\n", failures, nticks);
        return 1;
    }
    qsort(ticks, nticks, sizeof ticks[0], by_value);
    double sum = 0;
    for (unsigned i = 0; i < nticks; i++) {
        sum += ticks[i];
    }
    printf("p256_instr: %.3f instructions per tick (calibrated on a loop of 4 000 000 instructions)\n", per_tick);
    printf("p256_instr: %u valid vectors verified: median %.0f, mean %.0f, max %.0f instructions\n", nticks,
           ticks[nticks / 2] * per_tick, sum / nticks * per_tick, ticks[nticks - 1] * per_tick);
    printf("verify_instr %.0f\n", ticks[nticks / 2] * per_tick);
    return 0;
}
