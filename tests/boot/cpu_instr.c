/* Instructions per unit of the bootloader's CPU work on the emulated Cortex-M33, for the cost table of
 * sim/cpu_cost.c (tests/boot/cpu_figures.sh runs this image under QEMU mps2-an505 with -icount shift=0).
 *
 * Method (the one of tests/target/p256_instr.c on branch h-p256): with -icount shift=0 QEMU advances its
 * virtual clock by exactly 1 ns per executed guest instruction, and SysTick counts that clock. A loop of
 * known length (SUBS + BNE) calibrates instructions per tick; then each kind of work is timed over a
 * buffer large enough that the tick resolution (tens of instructions) is below 0.1 %:
 *   sha_byte   the board's software SHA-256 (board/common/sha256.c) per byte, 4 KB updates;
 *   sha_call   the fixed part of one update call (64-byte updates minus 64 x sha_byte), and of start +
 *              finish of one hash;
 *   crc_byte   tdm_crc32 (base/crc32.c) per byte;
 *   copy_byte  memcpy per byte between word-aligned 4 KB buffers (newlib);
 *   loop_byte  a byte loop as the device code writes its compares and small copies.
 * Owns: the measurement. Never: a verdict (the figures are printed for the table, not checked here).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "systick_count.h"
#include "tandem/crc32.h"

#define LEN 4096u
#define REPS 16u

static uint8_t src[LEN] __attribute__((aligned(4)));
static uint8_t dst[LEN] __attribute__((aligned(4)));
static double per_tick;

static uint32_t start(void)
{
    SYST_CVR = 0; /* reload: a whole 2^24-tick window */
    return SYST_CVR;
}

static double instr_since(uint32_t from)
{
    return (double)systick_elapsed(from) * per_tick;
}

static void byte_loop(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

int main(void)
{
    per_tick = systick_calibrate();
    if (per_tick == 0.0) {
        printf("cpu_instr: SysTick does not count (run under qemu -icount shift=0)\n");
        return 1;
    }
    for (uint32_t i = 0; i < LEN; i++) {
        src[i] = (uint8_t)(i * 131u + 7u);
    }
    struct tdm_crypto_ops c = tdm_board_crypto();
    struct tdm_sha256 h;
    uint8_t out[32];

    c.sha256_start(c.ctx, &h);
    uint32_t t0 = start();
    for (uint32_t r = 0; r < REPS; r++) {
        c.sha256_update(c.ctx, &h, src, LEN);
    }
    double sha_byte = instr_since(t0) / (REPS * LEN);
    t0 = start();
    for (uint32_t r = 0; r < REPS * (LEN / 64u); r++) {
        c.sha256_update(c.ctx, &h, src + 64, 64);
    }
    double sha_call = instr_since(t0) / (REPS * (LEN / 64u)) - 64.0 * sha_byte;
    t0 = start();
    for (uint32_t r = 0; r < REPS; r++) {
        c.sha256_start(c.ctx, &h);
        c.sha256_finish(c.ctx, &h, out);
    }
    double sha_hash = instr_since(t0) / REPS;
    uint32_t crc = 0;
    t0 = start();
    for (uint32_t r = 0; r < REPS; r++) {
        crc = tdm_crc32(crc, src, LEN);
    }
    double crc_byte = instr_since(t0) / (REPS * LEN);
    t0 = start();
    for (uint32_t r = 0; r < REPS; r++) {
        memcpy(dst, src, LEN);
        __asm__ volatile("" : : "r"(dst) : "memory");
    }
    double copy_byte = instr_since(t0) / (REPS * LEN);
    t0 = start();
    for (uint32_t r = 0; r < REPS; r++) {
        byte_loop(dst, src, LEN);
        __asm__ volatile("" : : "r"(dst) : "memory");
    }
    double loop_byte = instr_since(t0) / (REPS * LEN);
    printf("cpu_instr: %.3f instructions per tick (calibrated on a loop of 4 000 000 instructions); crc %08lx\n",
           per_tick, (unsigned long)crc);
    printf("sha_byte %.3f\nsha_call %.1f\nsha_hash %.1f\ncrc_byte %.3f\ncopy_byte %.3f\nloop_byte %.3f\n", sha_byte,
           sha_call, sha_hash, crc_byte, copy_byte, loop_byte);
    return 0;
}
