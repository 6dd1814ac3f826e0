/* Seeded pseudo-random numbers for the simulator and the tests (splitmix64): same seed, same run.
 * Owns: determinism. Never: reads the time or any other entropy. */
#ifndef TANDEM_SIM_RNG_H
#define TANDEM_SIM_RNG_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t tdm_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) for n > 0 (modulo bias is negligible for the n we use). */
static inline uint32_t tdm_rng_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(tdm_rng_next(state) % n);
}

static inline void tdm_rng_fill(uint64_t *state, void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(tdm_rng_next(state) >> 56);
    }
}

#endif
