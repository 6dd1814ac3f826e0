/* Blocks of the range: allocation (erase on demand, next-fit to spread wear), page tags in the spare
 * area, parking a page in a scratch block, scrub notes.
 * Owns: which free block is taken next. Never: hands out a block that is bad, a system block or part of
 * a slot, or programs a block it has not erased in this session. */
#include <string.h>

#include "store_priv.h"

int tdm_store_x_erase_or_retire(struct tdm_store *s, uint32_t block)
{
    int err = tdm_nand_erase(s->cfg.nand, block);
    if (tdm_store_x_is_fail(err)) {
        err = tdm_store_x_retire(s, block);
        return err < 0 ? err : 0;
    }
    return err < 0 ? err : 1;
}

int tdm_store_x_replace(struct tdm_store *s, uint32_t old, uint32_t *block)
{
    int err = tdm_store_x_retire(s, old);
    return err < 0 ? err : tdm_store_x_alloc(s, TDM_STORE_SYSTEM, block);
}

int tdm_store_x_alloc(struct tdm_store *s, uint8_t owner, uint32_t *block)
{
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t i = 0; i < s->count; i++) {
            uint32_t idx = (s->cursor + i) % s->count;
            uint8_t v = s->blk[idx];
            if ((v & ST_OWNER_MASK) != TDM_STORE_FREE || (pass == 0 && !(v & ST_ERASED_FLAG))) {
                continue;
            }
            uint32_t b = s->first + idx;
            if (!(v & ST_ERASED_FLAG)) {
                int erased = tdm_store_x_erase_or_retire(s, b);
                if (erased <= 0) {
                    if (erased < 0) {
                        return erased;
                    }
                    continue;
                }
            }
            s->blk[idx] = owner;
            s->cursor = idx + 1;
            *block = b;
            return 0;
        }
    }
    return TDM_E_STORE_NO_RESERVE;
}

void tdm_store_x_release(struct tdm_store *s, uint8_t owner)
{
    for (uint32_t i = 0; i < s->count; i++) {
        if ((s->blk[i] & ST_OWNER_MASK) == owner) {
            s->blk[i] = TDM_STORE_FREE;
        }
    }
}

static uint32_t tag_crc(const struct tdm_store *s, const uint8_t *data, const uint8_t *spare)
{
    return tdm_crc32(tdm_crc32(0, data, s->page), spare, ST_TAG_CRC);
}

void tdm_store_x_tag_put(const struct tdm_store *s, const uint8_t *data, uint8_t *p, const struct st_tag *t)
{
    p[0] = t->slot;
    p[1] = t->copy;
    tdm_put_le32(p + 2, t->gen);
    p[6] = t->lblock;
    p[7] = t->page;
    tdm_put_le16(p + 8, t->used);
    tdm_put_le16(p + 10, ST_TAG_MAGIC);
    tdm_put_le32(p + ST_TAG_CRC, tag_crc(s, data, p));
}

int tdm_store_x_tag_get(const uint8_t *p, struct st_tag *t)
{
    if (tdm_get_le16(p + 10) != ST_TAG_MAGIC) {
        return 0;
    }
    t->slot = p[0];
    t->copy = p[1];
    t->gen = tdm_get_le32(p + 2);
    t->lblock = p[6];
    t->page = p[7];
    t->used = tdm_get_le16(p + 8);
    return 1;
}

int tdm_store_x_tag_check(const struct tdm_store *s, const uint8_t *data, const uint8_t *spare)
{
    return tdm_get_le32(spare + ST_TAG_CRC) == tag_crc(s, data, spare);
}

/* Park the page in the page buffer (data and tag) in page 0 of a scratch block taken from the free list. */
int tdm_store_x_park(struct tdm_store *s, uint8_t owner, uint32_t *scratch)
{
    for (;;) {
        int err = tdm_store_x_alloc(s, owner, scratch);
        if (err < 0) {
            return err;
        }
        err = tdm_nand_program(s->cfg.nand, st_row(s, *scratch, 0), 0, s->cfg.page_buf, s->page + ST_TAG_END);
        if (!tdm_store_x_is_fail(err)) {
            return err;
        }
        err = tdm_store_x_retire(s, *scratch);
        if (err < 0) {
            return err;
        }
    }
}

/* Load the parked page back into the page buffer (checked against its CRC); the scratch block is free. */
int tdm_store_x_unpark(struct tdm_store *s, uint32_t scratch)
{
    int r = tdm_store_x_read(s, st_row(s, scratch, 0), 0, s->cfg.page_buf, s->page + ST_TAG_END);
    st_set_owner(s, scratch, TDM_STORE_FREE);
    if (r == TDM_E_NAND_ECC || (r >= 0 && !tdm_store_x_tag_check(s, s->cfg.page_buf, s->cfg.page_buf + s->page))) {
        return TDM_E_STORE_UNREADABLE;
    }
    return r < 0 ? r : 0;
}

void tdm_store_x_note_scrub(struct tdm_store *s, uint32_t block)
{
    if (block < s->first || block - s->first >= s->count) {
        return;
    }
    uint8_t o = st_owner(s, block);
    if (o == TDM_STORE_SYSTEM) {
        if (block == s->j_blk[0] || block == s->j_blk[1]) {
            s->j_scrub = 1;
        } else {
            s->bbt_dirty = 1;
        }
        return;
    }
    if (o != TDM_STORE_OWN_A && o != TDM_STORE_OWN_B) {
        return;
    }
    for (uint32_t i = 0; i < s->nscrub; i++) {
        if (s->scrub[i] == block) {
            return;
        }
    }
    if (s->nscrub < TDM_STORE_SCRUB_MAX) {
        s->scrub[s->nscrub++] = (uint16_t)block;
    }
}
