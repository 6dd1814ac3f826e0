/* Blocks of the range: allocation (erase on demand, next-fit to spread wear), page tags in the spare
 * area, the sector-by-sector page copy used while the page buffer is busy, scrub notes.
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

void tdm_store_x_tag_put(uint8_t *spare, const struct st_tag *t)
{
    memset(spare, 0xFF, ST_TAG_OFF);
    uint8_t *p = spare + ST_TAG_OFF;
    tdm_put_le16(p, ST_TAG_MAGIC);
    p[2] = t->slot;
    p[3] = t->copy;
    tdm_put_le32(p + 4, t->gen);
    tdm_put_le16(p + 8, t->lblock);
    tdm_put_le16(p + 10, t->page);
    tdm_put_le16(p + 12, t->used);
    tdm_put_le16(p + 14, 0);
    tdm_put_le32(p + 16, t->data_crc);
    tdm_put_le32(p + 20, tdm_crc32(0, p, 20));
}

int tdm_store_x_tag_get(const uint8_t *spare, struct st_tag *t)
{
    const uint8_t *p = spare + ST_TAG_OFF;
    if (tdm_get_le16(p) != ST_TAG_MAGIC || tdm_get_le32(p + 20) != tdm_crc32(0, p, 20)) {
        return 0;
    }
    t->slot = p[2];
    t->copy = p[3];
    t->gen = tdm_get_le32(p + 4);
    t->lblock = tdm_get_le16(p + 8);
    t->page = tdm_get_le16(p + 10);
    t->used = tdm_get_le16(p + 12);
    t->data_crc = tdm_get_le32(p + 16);
    return 1;
}

/* Copy pages [0, npages) of src to dst one ECC sector at a time through the work buffer (partial
 * programs, <= nop per page), each source page checked against its CRC, the copy number raised. */
int tdm_store_x_copy_chunked(struct tdm_store *s, uint32_t src, uint32_t dst, uint32_t npages)
{
    uint32_t nsec = s->page / s->sector;
    for (uint32_t p = 0; p < npages; p++) {
        uint32_t crc = 0;
        for (uint32_t k = 0; k < nsec; k++) {
            int last = k + 1 == nsec;
            uint32_t n = s->sector + (last ? ST_TAG_END : 0);
            int r = tdm_store_x_read(s, st_row(s, src, p), k * s->sector, s->work, n);
            if (r == TDM_E_NAND_ECC) {
                return TDM_E_STORE_UNREADABLE;
            }
            if (r < 0) {
                return r;
            }
            crc = tdm_crc32(crc, s->work, s->sector);
            if (last) {
                struct st_tag t;
                if (!tdm_store_x_tag_get(s->work + s->sector, &t) || t.data_crc != crc || t.page != p) {
                    return TDM_E_STORE_UNREADABLE;
                }
                t.copy++;
                tdm_store_x_tag_put(s->work + s->sector, &t);
            }
            r = tdm_nand_program(s->cfg.nand, st_row(s, dst, p), k * s->sector, s->work, n);
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
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
