/* Writes the seed corpora of the store, journal and net-boot fuzz targets (fuzz/corpus/{store,journal,
 * netboot}/). Host-only; build and run: fuzz/run.sh --seeds. Deterministic (the store of store_fx.h).
 * Owns: those seeds. Never: part of any test or device build. */
#include <stdio.h>

#include "store_fx.h"
#include "tandem/crc32.h"
#include "tandem/le.h"
#include "tandem/xfer.h"

static void put(const char *dir, const char *name, const uint8_t *b, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "make_target_seeds: cannot write %s\n", path);
        exit(2);
    }
}

static void store_seeds(const char *dir)
{
    static const char *names[] = {"xor", "ecc", "erase"};
    put(dir, "intact", (const uint8_t *)"", 0);
    for (unsigned op = 0; op < 3; op++) {
        for (unsigned b = 0; b < SFX_BLOCKS; b++) {
            /* op 1: XOR byte 10 of page 0; op 2: that page unreadable; op 3: whole block erased */
            uint8_t rec[7] = {(uint8_t)(op + 1), (uint8_t)b, 0, 10, 0, 1, 0x40};
            char name[32];
            snprintf(name, sizeof name, "%s_block%u", names[op], b);
            put(dir, name, rec, op == 0 ? 7 : 6);
        }
    }
    uint8_t tail[7] = {0, 0, 1, 0, 8, 1, 0x00}; /* overwrite a spare byte of page 1 of every block */
    for (unsigned b = 0; b < SFX_BLOCKS; b++) {
        tail[1] = (uint8_t)b;
        char name[32];
        snprintf(name, sizeof name, "spare_block%u", b);
        put(dir, name, tail, sizeof tail);
    }
}

static void journal_seeds(const char *dir)
{
    static struct sfx f;
    sfx_build(&f);
    struct tdm_store_info info;
    if (tdm_store_info(&f.st, &info) < 0) {
        exit(2);
    }
    uint32_t pb = sfx_page_bytes(&f);
    for (unsigned which = 0; which < 2; which++) {
        uint32_t block = info.journal_blocks[which];
        uint32_t pages = block == info.journal_active ? info.journal_next : 2;
        pages = pages < 8 ? pages : 8;
        uint8_t *buf = malloc(1 + (size_t)pages * pb);
        buf[0] = (uint8_t)which;
        for (uint32_t p = 0; p < pages; p++) {
            memcpy(buf + 1 + (size_t)p * pb, sfx_raw_page(&f, block, p), pb);
        }
        char name[32];
        snprintf(name, sizeof name, "journal_block%u", which);
        put(dir, name, buf, 1 + (size_t)pages * pb);
        free(buf);
    }
    sfx_free(&f);
}

/* One net-boot step: flags, the command block, the buffer bytes. */
static size_t step(uint8_t *out, uint8_t flags, const struct tdm_xfer_msg *m, const uint8_t *buf, uint16_t n)
{
    out[0] = flags;
    tdm_xfer_encode(out + 1, TDM_XFER_CMD_MAGIC, m);
    tdm_put_le16(out + 1 + TDM_XFER_BLOCK_LEN, n);
    memcpy(out + 3 + TDM_XFER_BLOCK_LEN, buf, n);
    return 3 + TDM_XFER_BLOCK_LEN + (size_t)n;
}

static void netboot_seeds(const char *dir)
{
    static uint8_t page[2048], out[16384];
    for (unsigned i = 0; i < sizeof page; i++) {
        page[i] = (uint8_t)(i * 13u);
    }
    const uint32_t slot = 0x01002000u;
    struct tdm_xfer_msg hello = {.seq = 1, .cmd = TDM_XFER_HELLO};
    struct tdm_xfer_msg wr = {.seq = 2, .cmd = TDM_XFER_WRITE, .addr = slot, .len = 2048,
                              .value = tdm_crc32(0, page, sizeof page)};
    struct tdm_xfer_msg rd = {.seq = 3, .cmd = TDM_XFER_READ, .buf = 1, .addr = slot, .len = 2048};
    struct tdm_xfer_msg hs = {.seq = 4, .cmd = TDM_XFER_HASH, .addr = slot, .len = 4096};
    struct tdm_xfer_msg bt = {.seq = 5, .cmd = TDM_XFER_BOOT};
    size_t n = step(out, 0, &hello, page, 0);
    put(dir, "hello", out, n);
    n += step(out + n, 0, &wr, page, sizeof page);
    put(dir, "hello_write", out, n);
    n += step(out + n, 0, &wr, page, sizeof page); /* the same sequence again: answered, not redone */
    n += step(out + n, 0, &rd, page, 0);
    n += step(out + n, 0, &hs, page, 0);
    n += step(out + n, 0, &bt, page, 0);
    put(dir, "session", out, n);
    struct tdm_xfer_msg bad = wr;
    bad.seq = 9;
    bad.value ^= 1; /* data CRC wrong: must not be programmed */
    n = step(out, 0, &bad, page, sizeof page);
    put(dir, "write_bad_crc", out, n);
    bad.value ^= 1;
    bad.addr = 0x01000000u; /* below the slot: the stage itself */
    n = step(out, 3, &bad, page, sizeof page);
    put(dir, "write_outside", out, n);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "fuzz/corpus";
    char d[512];
    snprintf(d, sizeof d, "%s/store", root);
    store_seeds(d);
    snprintf(d, sizeof d, "%s/journal", root);
    journal_seeds(d);
    snprintf(d, sizeof d, "%s/netboot", root);
    netboot_seeds(d);
    return 0;
}
