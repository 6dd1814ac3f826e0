/* The bad-block table: two copies, each an append-only block of records (sequence + CRC); the newest
 * valid record of either copy is the table in force. It also records the layout (which blocks hold
 * the table and the journal), so mount needs nothing else to start.
 * Owns: finding, writing and moving the table; retiring blocks. Never: writes both copies at once (a
 * cut leaves at most one copy in transition), or erases a copy while the other is being written. */
#include <string.h>

#include "store_priv.h"

static uint32_t bitmap_bytes(const struct tdm_store *s)
{
    return (s->count + 7) / 8;
}

static uint32_t record_len(const struct tdm_store *s)
{
    return ST_BBT_HDR + bitmap_bytes(s) + 4;
}

static int in_range(const struct tdm_store *s, uint32_t b)
{
    return b >= s->first && b - s->first < s->count;
}

/* Decode the record in s->work if valid for this range: returns its sequence (>0), or 0. */
static uint32_t decode(const struct tdm_store *s, uint16_t *state)
{
    const uint8_t *w = s->work;
    if (tdm_get_le32(w) != ST_BBT_MAGIC || tdm_get_le16(w + 4) != ST_BBT_VERSION ||
        tdm_get_le32(w + 12) != s->first || tdm_get_le16(w + 16) != s->count) {
        return 0;
    }
    uint32_t n = ST_BBT_HDR + bitmap_bytes(s);
    if (tdm_get_le32(w + n) != tdm_crc32(0, w, n)) {
        return 0;
    }
    uint16_t slot_blocks = tdm_get_le16(w + 18);
    if (slot_blocks == 0 || slot_blocks > TDM_STORE_MAX_SLOT_BLOCKS) {
        return 0;
    }
    for (int k = 0; k < 4; k++) {
        if (!in_range(s, tdm_get_le16(w + 20 + 2 * k))) {
            return 0;
        }
    }
    *state = tdm_get_le16(w + 6);
    return tdm_get_le32(w + 8);
}

static int page_erased(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

/* Next page to write in a table copy: two past the last page that is not erased (the page after a
 * record may have been cut while being programmed and still read as erased: it is never used). A copy
 * that reads all erased is erased again before its first record: its last erase may have been cut late
 * (cells read 0xFF but hold no margin, and what is programmed there would decay). */
static int next_page(struct tdm_store *s, uint32_t block, uint16_t *next)
{
    int last = -1;
    for (uint32_t p = 0; p < s->ppb; p++) {
        int r = tdm_store_x_read(s, st_row(s, block, p), 0, s->work, record_len(s));
        if (tdm_err_is_access(r)) {
            return r;
        }
        if (r < 0 || !page_erased(s->work, record_len(s))) {
            last = (int)p;
        }
    }
    *next = (uint16_t)(last < 0 ? s->ppb : (uint32_t)last + 2);
    return 0;
}

/* Look at every page of `block`; keep the newest valid record in *best and the outputs; *newest = the
 * highest sequence in this block. */
static int scan_block(struct tdm_store *s, uint32_t block, uint32_t *best, uint8_t *bitmap, uint16_t *state,
                      uint32_t *newest)
{
    for (uint32_t p = 0; p < s->ppb; p++) {
        int r = tdm_store_x_read(s, st_row(s, block, p), 0, s->work, record_len(s));
        if (tdm_err_is_access(r)) {
            return r;
        }
        uint16_t st = 0;
        uint32_t seq = r < 0 ? 0 : decode(s, &st);
        *newest = seq > *newest ? seq : *newest;
        if (seq > *best) {
            *best = seq;
            *state = st;
            memcpy(bitmap, s->work + ST_BBT_HDR, bitmap_bytes(s));
            s->slot_blocks = tdm_get_le16(s->work + 18);
            s->bbt_blk[0] = tdm_get_le16(s->work + 20);
            s->bbt_blk[1] = tdm_get_le16(s->work + 22);
            s->j_blk[0] = tdm_get_le16(s->work + 24);
            s->j_blk[1] = tdm_get_le16(s->work + 26);
        }
    }
    return 0;
}

int tdm_store_x_bbt_find(struct tdm_store *s, uint8_t *bitmap, uint16_t *state)
{
    uint32_t best = 0;
    /* candidates: blocks whose first page starts with a table record ... */
    for (uint32_t i = 0; i < s->count; i++) {
        uint32_t b = s->first + i;
        int r = tdm_store_x_read(s, st_row(s, b, 0), 0, s->work, 4);
        if (tdm_err_is_access(r)) {
            return r;
        }
        if (r < 0 || tdm_get_le32(s->work) != ST_BBT_MAGIC) {
            continue;
        }
        uint32_t newest = 0;
        r = scan_block(s, b, &best, bitmap, state, &newest);
        if (r < 0) {
            return r;
        }
    }
    if (!best) {
        return 0;
    }
    /* ... and the copies the newest record names (a copy whose first page was cut is found here) */
    uint32_t newest[2] = {0, 0};
    for (int round = 0; round < 3; round++) {
        uint32_t before = best;
        for (int k = 0; k < 2; k++) {
            newest[k] = 0;
            int r = scan_block(s, s->bbt_blk[k], &best, bitmap, state, &newest[k]);
            if (r < 0) {
                return r;
            }
        }
        if (best == before) {
            break;
        }
    }
    /* a record in one copy only may have been cut late: it is re-written before anything acts on it */
    s->unconfirmed = (uint8_t)((s->unconfirmed & ~ST_UNCONF_BBT) |
                               (newest[0] == best && newest[1] == best ? 0 : ST_UNCONF_BBT));
    s->bbt_seq = best;
    for (int k = 0; k < 2; k++) {
        int err = next_page(s, s->bbt_blk[k], &s->bbt_next[k]);
        if (err < 0) {
            return err;
        }
    }
    return 1;
}

static void encode(struct tdm_store *s, uint16_t state)
{
    uint8_t *w = s->work;
    memset(w, 0, record_len(s));
    tdm_put_le32(w, ST_BBT_MAGIC);
    tdm_put_le16(w + 4, ST_BBT_VERSION);
    tdm_put_le16(w + 6, state);
    tdm_put_le32(w + 8, s->bbt_seq);
    tdm_put_le32(w + 12, s->first);
    tdm_put_le16(w + 16, (uint16_t)s->count);
    tdm_put_le16(w + 18, (uint16_t)s->slot_blocks);
    tdm_put_le16(w + 20, s->bbt_blk[0]);
    tdm_put_le16(w + 22, s->bbt_blk[1]);
    tdm_put_le16(w + 24, s->j_blk[0]);
    tdm_put_le16(w + 26, s->j_blk[1]);
    for (uint32_t i = 0; i < s->count; i++) {
        if ((s->blk[i] & ST_OWNER_MASK) == TDM_STORE_BAD) {
            w[ST_BBT_HDR + i / 8] |= (uint8_t)(1u << (i % 8));
        }
    }
    uint32_t n = ST_BBT_HDR + bitmap_bytes(s);
    tdm_put_le32(w + n, tdm_crc32(0, w, n));
}

/* Copy k failed: retire its block and take a fresh one (erased by the allocator). */
static int replace(struct tdm_store *s, int k)
{
    uint32_t nb = 0;
    int err = tdm_store_x_replace(s, s->bbt_blk[k], &nb);
    if (err < 0) {
        return err;
    }
    s->bbt_blk[k] = (uint16_t)nb;
    s->bbt_next[k] = 0;
    return 0;
}

int tdm_store_x_bbt_write(struct tdm_store *s, uint16_t state)
{
    for (uint32_t attempt = 0; attempt < s->count; attempt++) {
        s->bbt_seq++;
        encode(s, state);
        int failed = 0;
        for (int k = 0; k < 2 && !failed; k++) {
            uint32_t b = s->bbt_blk[k];
            int err = 0;
            if (s->bbt_next[k] >= s->ppb) {
                err = tdm_nand_erase(s->cfg.nand, b);
                if (err == 0) {
                    s->bbt_next[k] = 0;
                }
            }
            if (err == 0) {
                err = tdm_nand_program(s->cfg.nand, st_row(s, b, s->bbt_next[k]), 0, s->work, record_len(s));
            }
            if (tdm_store_x_is_fail(err)) {
                err = replace(s, k);
                if (err < 0) {
                    return err;
                }
                failed = 1;
                continue;
            }
            if (err < 0) {
                return err;
            }
            s->bbt_next[k]++;
        }
        if (!failed) {
            s->bbt_dirty = 0;
            return 0;
        }
    }
    return TDM_E_STORE_NO_RESERVE;
}

int tdm_store_x_bbt_sync(struct tdm_store *s)
{
    return s->bbt_dirty ? tdm_store_x_bbt_write(s, ST_BBT_READY) : 0;
}

int tdm_store_x_retire(struct tdm_store *s, uint32_t block)
{
    st_set_owner(s, block, TDM_STORE_BAD);
    s->bbt_dirty = 1;
    if (s->cached_row != UINT32_MAX && (s->cached_row >> s->ppb_shift) == block) {
        s->cached_row = UINT32_MAX;
    }
    return tdm_nand_mark_bad(s->cfg.nand, block); /* 0, or an access failure */
}
