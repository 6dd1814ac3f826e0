/* Instructions of the delta patch decoder (delta/decode.c) on the emulated Cortex-M33, per output byte and
 * per patch byte, for the cost table of sim/cpu_cost.c (tests/target/delta_figures.sh writes the patches
 * and runs this image under QEMU mps2-an505 with -icount shift=0).
 *
 * Method (tests/target/p256_instr.c's): with -icount shift=0 QEMU advances its virtual clock by 1 ns per
 * executed instruction and SysTick counts that clock; a loop of known length calibrates instructions per
 * tick. argv[1] is a directory holding pairs N.base / N.patch (N = 0, 1, ... until one is missing), read
 * through semihosting into the heap (PSRAM, tests/target/heap.c). Each patch is decoded as the fetch
 * agent decodes it: tdm_delta_init, tdm_delta_feed in 512-byte pieces (TDM_FETCH_DELTA_IN), the base
 * read by a callback that copies out of memory (the agent copies out of its base page), the output taken
 * by a callback that keeps nothing; tdm_delta_finish must return 0 (the output's CRC-32 is the patch's),
 * else the run fails. Timed: init to finish. Prints one line per pair and `pair N OUT IN INSTR` lines.
 * Owns: the measurement. Never: a figure of its own (delta_figures.sh turns the lines into the cost).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "systick_count.h"
#include "tandem/delta.h"
#include "tandem/err.h"

#define FEED 512u /* TDM_FETCH_DELTA_IN: what the fetch agent hands the decoder per transport read */

static struct tdm_delta dec;

struct blob {
    uint8_t *buf;
    uint32_t len;
};

static int load(const char *dir, unsigned n, const char *ext, struct blob *b)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%u.%s", dir, n, ext);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    b->buf = malloc(len > 0 ? (size_t)len : 1u);
    int ok = b->buf != NULL && len > 0 && fread(b->buf, 1, (size_t)len, f) == (size_t)len;
    fclose(f);
    b->len = (uint32_t)len;
    return ok ? 0 : -1;
}

static int base_read(void *ctx, uint32_t off, uint8_t *buf, uint32_t len)
{
    const struct blob *base = ctx;
    memcpy(buf, base->buf + off, len);
    return 0;
}

static int out_drop(void *ctx, const uint8_t *buf, uint32_t len)
{
    (void)ctx;
    __asm__ volatile("" : : "r"(buf), "r"(len) : "memory");
    return 0;
}

/* Ticks to decode `patch` against `base`, or a negative error. */
static long decode_ticks(const struct blob *base, const struct blob *patch, uint32_t *out_len)
{
    struct tdm_delta_config cfg = {.read = base_read, .read_ctx = (void *)base, .write = out_drop,
                                   .base_len = base->len};
    SYST_CVR = 0; /* reload: a whole 2^24-tick window (about 800 M instructions) */
    uint32_t t0 = SYST_CVR;
    int err = tdm_delta_init(&dec, &cfg);
    for (uint32_t at = 0; err == 0 && at < patch->len; at += FEED) {
        err = tdm_delta_feed(&dec, patch->buf + at, patch->len - at < FEED ? patch->len - at : FEED);
    }
    err = err < 0 ? err : tdm_delta_finish(&dec);
    uint32_t t = systick_elapsed(t0);
    if (err < 0) {
        return err;
    }
    *out_len = tdm_delta_header(&dec)->out_len;
    return (long)t;
}

int main(int argc, char **argv)
{
    double per_tick = systick_calibrate();
    if (per_tick == 0.0) {
        printf("delta_instr: SysTick does not count (run under qemu -icount shift=0)\n");
        return 1;
    }
    if (argc < 2) {
        printf("delta_instr: usage: delta_instr.elf DIR (DIR/N.base, DIR/N.patch)\n");
        return 1;
    }
    unsigned n = 0;
    for (;; n++) {
        struct blob base = {0}, patch = {0};
        if (load(argv[1], n, "base", &base) < 0 || load(argv[1], n, "patch", &patch) < 0) {
            free(base.buf);
            free(patch.buf);
            break;
        }
        uint32_t out_len = 0;
        long ticks = decode_ticks(&base, &patch, &out_len);
        if (ticks < 0) {
            printf("delta_instr: pair %u does not decode: %s\n", n, tdm_errname((int)ticks));
            return 1;
        }
        double instr = (double)ticks * per_tick;
        printf("delta_instr: pair %u: %lu output bytes from %lu patch bytes: %.0f instructions, %.3f per output "
               "byte, %.1f per patch byte\n", n, (unsigned long)out_len, (unsigned long)patch.len, instr,
               instr / out_len, instr / patch.len);
        printf("pair %u %lu %lu %.0f\n", n, (unsigned long)out_len, (unsigned long)patch.len, instr);
        free(base.buf);
        free(patch.buf);
    }
    printf("delta_instr: %.3f instructions per tick; %u pairs\n", per_tick, n);
    return n > 0 ? 0 : 1;
}
