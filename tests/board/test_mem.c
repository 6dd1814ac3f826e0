/* The images' memcpy/memmove/memset/memcmp (board/common/mem.c) on the host, compiled under other names
 * (the host's C library keeps its own) and compared with the C library's on seeded lengths, offsets and
 * overlaps. */
#define memmove board_memmove
#define memcpy board_memcpy
#define memset board_memset
#define memcmp board_memcmp
#include "../../board/common/mem.c"
#undef memmove
#undef memcpy
#undef memset
#undef memcmp

#include <string.h>

#include "harness.h"

#define AREA 96

static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17; /* xorshift64 */
    return *x;
}

static void fill(uint8_t *a, uint8_t *b, uint64_t *x)
{
    for (unsigned i = 0; i < AREA; i++) {
        a[i] = b[i] = (uint8_t)next(x);
    }
}

/* Every routine on the same seeded area gives the C library's bytes and result, overlapping both ways. */
static void mem_routines_match_the_c_library(void)
{
    uint8_t mine[AREA], ref[AREA];
    uint64_t x = tdm_test_seed() * 0x9E3779B97F4A7C15ull + 1;
    for (unsigned round = 0; round < 20000; round++) {
        fill(mine, ref, &x);
        unsigned n = (unsigned)(next(&x) % (AREA / 2 + 1)), d = (unsigned)(next(&x) % (AREA - n + 1)),
                 s = (unsigned)(next(&x) % (AREA - n + 1));
        switch (round % 4) {
        case 0:
            TDM_CHECK(board_memmove(mine + d, mine + s, n) == mine + d);
            memmove(ref + d, ref + s, n);
            break;
        case 1:
            if (s < d + n && d < s + n) {
                continue; /* memcpy's ranges do not overlap */
            }
            TDM_CHECK(board_memcpy(mine + d, mine + s, n) == mine + d);
            memcpy(ref + d, ref + s, n);
            break;
        case 2: {
            int c = (int)(next(&x) & 0x1FF) - 0x100; /* memset takes the low byte of any int */
            TDM_CHECK(board_memset(mine + d, c, n) == mine + d);
            memset(ref + d, c, n);
            break;
        }
        default: {
            if (n) {
                mine[s + next(&x) % n] ^= (uint8_t)(next(&x) & 3); /* equal, or one byte off */
            }
            int got = board_memcmp(mine + d, mine + s, n), want = memcmp(mine + d, mine + s, n);
            TDM_CHECK_MSG((got > 0) == (want > 0) && (got < 0) == (want < 0), "round %u: %d vs %d", round, got, want);
            memcpy(ref, mine, AREA);
            break;
        }
        }
        TDM_CHECK_MSG(memcmp(mine, ref, AREA) == 0, "round %u: n %u dst %u src %u", round, n, d, s);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"mem routines match the C library", mem_routines_match_the_c_library},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
