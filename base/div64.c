/* 64-by-32 unsigned division of include/tandem/div64.h. Owns: the one long division of the device code.
 * Never: a `/` or `%` on a 64-bit operand (that is what it replaces); a result other than n / d's. */
#include "tandem/div64.h"

uint64_t tdm_div64(uint64_t n, uint32_t d)
{
    uint64_t q = 0, r = 0; /* r < 2 * d: it needs 33 bits */
    for (unsigned i = 64; i-- > 0;) {
        r = (r << 1) | ((n >> i) & 1u);
        if (r >= d) {
            r -= d;
            q |= 1ull << i;
        }
    }
    return q;
}
