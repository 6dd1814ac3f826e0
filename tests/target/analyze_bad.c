/* Seeded defects for scripts/analyze.sh: each analyser must report something here, or its configuration
 * is broken. Never built, never linked; not device code. */
#include <stddef.h>
#include <stdint.h>

int tdm_analyze_bad_bounds(const uint8_t *p);
int tdm_analyze_bad_uninit(size_t n);
int tdm_analyze_bad_null(int x);

int tdm_analyze_bad_bounds(const uint8_t *p)
{
    uint8_t buf[8];
    for (size_t i = 0; i <= 8; i++) {
        buf[i] = p[i]; /* writes buf[8]: out of bounds */
    }
    return buf[0];
}

int tdm_analyze_bad_uninit(size_t n)
{
    int sum;
    if (n > 3) {
        sum = 1;
    }
    return sum; /* uninitialised when n <= 3 */
}

int tdm_analyze_bad_null(int x)
{
    int *q = NULL;
    if (x > 0) {
        return 0;
    }
    return *q; /* null dereference */
}
