/* The C library's memory routines for the two images (memcpy, memmove, memset, memcmp), as byte loops:
 * newlib-nano's are unrolled for speed (~750 B on the application core); these are ~100 B. The images copy
 * little (page buffers, hash state), so speed is not what they lack.
 * Owns: the images' mem* symbols (linked before the C library, whose copies are then not pulled in).
 * Never: calls a mem* routine but memcpy's call of memmove (board/CMakeLists.txt compiles this file with
 * -fno-builtin and -fno-tree-loop-distribute-patterns so gcc turns neither that call nor a loop into a call
 * to the routine itself, and without -flto so that calls gcc emits late, after link-time optimisation,
 * still find these definitions; tests/board/image_rules.sh checks the images for a routine calling itself);
 * the host (tests/board/test_mem.c compiles it under other names and compares it with the C library). */
#include <stddef.h>
#include <stdint.h>

void *memmove(void *dst, const void *src, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((uintptr_t)d < (uintptr_t)s) {
        for (size_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    return memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) {
        d[n] = (unsigned char)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] - y[i];
        }
    }
    return 0;
}
