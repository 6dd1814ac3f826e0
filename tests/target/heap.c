/* The heap of a test image on QEMU's mps2-an505: newlib's malloc grows into the board's 16 MB PSRAM at
 * 0x80000000 (QEMU mps2-tz, AN505 memory map), not into the 512 KB that stand for the app core's RAM.
 * Owns: _sbrk for test images. Never: part of a device image (device code never allocates); the heap only
 * serves test fixtures, e.g. the simulated NAND chip of the store tests, which is the host's memory in
 * the host build too.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define PSRAM_BASE 0x80000000u
#define PSRAM_SIZE (16u * 1024u * 1024u)

void *_sbrk(ptrdiff_t incr);

void *_sbrk(ptrdiff_t incr)
{
    static uintptr_t brk = PSRAM_BASE;
    if (incr < 0 ? (uintptr_t)-incr > brk - PSRAM_BASE : (uintptr_t)incr > PSRAM_BASE + PSRAM_SIZE - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    uintptr_t old = brk;
    brk += (uintptr_t)incr;
    return (void *)old;
}
