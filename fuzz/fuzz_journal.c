/* libFuzzer target: the journal parser and the boot-state record decoder.
 * The input's first byte picks a journal block of the store of store_fx.h (0 or 1) and a page to start
 * at; the rest replaces that block's pages (data + spare, page after page), so every record the mount
 * scans, indexes and compacts can be any bytes. Then the store is mounted and used (store_fx.h checks).
 * The same bytes also go to tdm_bootstate_decode: a state it accepts must survive encode -> decode ->
 * encode unchanged (the decoder accepts what the encoder writes and loses no field).
 * Owns: the target. */
#include "store_fx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_round_trip(const uint8_t *d, size_t n)
{
    struct tdm_bootstate st;
    if (n > TDM_BOOTSTATE_LEN + 8 || tdm_bootstate_decode(d, (uint32_t)n, &st) < 0) {
        return;
    }
    uint8_t once[TDM_BOOTSTATE_LEN], twice[TDM_BOOTSTATE_LEN];
    struct tdm_bootstate back;
    tdm_bootstate_encode(&st, once);
    if (tdm_bootstate_decode(once, sizeof once, &back) < 0) {
        abort(); /* the decoder refuses what the encoder writes */
    }
    tdm_bootstate_encode(&back, twice);
    if (memcmp(once, twice, sizeof once) != 0) {
        abort(); /* a field was lost or changed on the way */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    decode_round_trip(data + 1, size - 1);
    static struct sfx f;
    sfx_fresh(&f);
    struct tdm_store_info info;
    if (tdm_store_info(&f.st, &info) < 0) {
        abort();
    }
    uint32_t block = info.journal_blocks[data[0] & 1], pb = sfx_page_bytes(&f), ppb = f.chip.geo.pages_per_block;
    uint32_t page = (data[0] >> 1) % ppb;
    for (size_t off = 1; off < size && page < ppb; off += pb, page++) {
        size_t n = size - off < pb ? size - off : pb;
        uint8_t *p = sfx_raw_page(&f, block, page);
        memcpy(p, data + off, n);
        f.chip.page_flags[block * ppb + page] = 0;
    }
    sfx_exercise(&f);
    return 0;
}
