/* 64-bit by 32-bit unsigned division for device code: the quotient floor(n / d), exactly what `n / d`
 * gives, without libgcc's generic 64-bit division (__aeabi_uldivmod, ~750 B of flash on the Cortex-M33,
 * which has no 64-bit divide). Cost: 64 shift-and-subtract steps; use it off the hot paths.
 * Precondition: d != 0 (the caller guards, as it would before `/`). */
#ifndef TANDEM_DIV64_H
#define TANDEM_DIV64_H

#include <stdint.h>

uint64_t tdm_div64(uint64_t n, uint32_t d);

#endif
