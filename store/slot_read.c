/* Slots, reading side: slot state from the journal at mount, finding an open slot's blocks by their
 * page tags, checked page loads, reads at any offset, relocating a block by whole-page copies.
 * Owns: the rule that a page is good only when its ECC, tag and data CRC agree. Never: returns data of
 * a page that failed any of them. */
#include <string.h>

#include "store_priv.h"

#define ST_SLOT_REC 44 /* slot record payload before the block map */

int tdm_store_x_page_load(struct tdm_store *s, unsigned slot, uint32_t gen, uint32_t lblock, uint32_t page,
                          uint32_t block, struct st_tag *tag)
{
    uint32_t row = st_row(s, block, page);
    struct st_tag t;
    if (s->cached_row != row || tag) {
        s->cached_row = UINT32_MAX;
        int r = tdm_store_x_read(s, row, 0, s->cfg.page_buf, s->page + ST_TAG_END);
        if (r == TDM_E_NAND_ECC) {
            return TDM_E_STORE_UNREADABLE;
        }
        if (r < 0) {
            return r;
        }
        if (!tdm_store_x_tag_get(s->cfg.page_buf + s->page, &t) || t.slot != slot || t.gen != gen ||
            t.lblock != lblock || t.page != page || t.used > s->page ||
            !tdm_store_x_tag_check(s, s->cfg.page_buf, s->cfg.page_buf + s->page)) {
            return TDM_E_STORE_UNREADABLE;
        }
        s->cached_row = row;
        if (tag) {
            *tag = t;
        }
    }
    return 0;
}

static int copy_full(struct tdm_store *s, unsigned slot, uint32_t lblock, uint32_t src, uint32_t dst, uint32_t npages)
{
    for (uint32_t p = 0; p < npages; p++) {
        struct st_tag t;
        int err = tdm_store_x_page_load(s, slot, s->slot[slot].gen, lblock, p, src, &t);
        if (err < 0) {
            return err;
        }
        s->cached_row = UINT32_MAX;
        t.copy++;
        tdm_store_x_tag_put(s, s->cfg.page_buf, s->cfg.page_buf + s->page, &t);
        err = tdm_nand_program(s->cfg.nand, st_row(s, dst, p), 0, s->cfg.page_buf, s->page + ST_TAG_END);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

int tdm_store_x_relocate(struct tdm_store *s, unsigned slot, uint32_t lblock, uint32_t src, uint32_t npages,
                         uint32_t *dst)
{
    uint8_t owner = (uint8_t)(TDM_STORE_OWN_A + slot);
    for (;;) {
        int err = tdm_store_x_alloc(s, owner, dst);
        if (err < 0) {
            return err;
        }
        err = copy_full(s, slot, lblock, src, *dst, npages);
        if (!tdm_store_x_is_fail(err)) {
            if (err < 0) {
                st_set_owner(s, *dst, TDM_STORE_FREE);
            }
            return err;
        }
        err = tdm_store_x_retire(s, *dst);
        if (err < 0) {
            return err;
        }
    }
}

/* Blocks of OPEN slots are not in any record: claim every free block whose first page is tagged with
 * the slot's generation (resume sorts out which copies are current). */
static int claim_open_blocks(struct tdm_store *s)
{
    for (uint32_t i = 0; i < s->count; i++) {
        uint32_t b = s->first + i;
        if (st_owner(s, b) != TDM_STORE_FREE) {
            continue;
        }
        int r = tdm_store_x_read(s, st_row(s, b, 0), s->page, s->work, ST_TAG_END);
        if (tdm_err_is_access(r)) {
            return r;
        }
        struct st_tag t;
        if (r < 0 || !tdm_store_x_tag_get(s->work, &t) || t.slot >= TDM_STORE_SLOTS) {
            continue;
        }
        const struct tdm_store_slot *sl = &s->slot[t.slot];
        if (sl->state == TDM_STORE_OPEN && sl->gen == t.gen && t.lblock < s->slot_blocks) {
            st_set_owner(s, b, (uint8_t)(TDM_STORE_OWN_A + t.slot));
        }
    }
    return 0;
}

int tdm_store_x_slots_load(struct tdm_store *s)
{
    int any_open = 0;
    for (unsigned k = 0; k < TDM_STORE_SLOTS; k++) {
        struct tdm_store_slot *sl = &s->slot[k];
        memset(sl, 0, sizeof *sl);
        uint8_t *p = NULL;
        int n = tdm_store_x_j_read(s, ST_T_SLOT + k, &p, NULL);
        if (n == TDM_E_NOT_FOUND) {
            continue;
        }
        if (n < 0) {
            return n;
        }
        if (n < ST_SLOT_REC || p[0] > TDM_STORE_COMMITTED || p[1] > s->slot_blocks ||
            (uint32_t)n < ST_SLOT_REC + 2u * p[1]) {
            return TDM_E_CORRUPT;
        }
        sl->state = p[0];
        sl->nblocks = p[1];
        sl->gen = tdm_get_le32(p + 4);
        sl->length = tdm_get_le32(p + 8);
        memcpy(sl->sha256, p + 12, TDM_SHA256_LEN);
        for (uint32_t i = 0; i < sl->nblocks; i++) {
            sl->map[i] = tdm_get_le16(p + ST_SLOT_REC + 2 * i);
            uint32_t b = sl->map[i];
            if (b < s->first || b - s->first >= s->count || st_owner(s, b) != TDM_STORE_FREE) {
                return TDM_E_CORRUPT;
            }
            st_set_owner(s, b, (uint8_t)(TDM_STORE_OWN_A + k));
        }
        any_open |= sl->state == TDM_STORE_OPEN;
    }
    uint8_t *p = NULL;
    int n = tdm_store_x_j_read(s, ST_T_ROLES, &p, NULL);
    if (n >= 12) {
        s->role[0] = p[0];
        s->role[1] = p[1];
        s->role_gen[0] = tdm_get_le32(p + 4);
        s->role_gen[1] = tdm_get_le32(p + 8);
    } else if (n != TDM_E_NOT_FOUND) {
        return n < 0 ? n : TDM_E_CORRUPT;
    }
    return any_open ? claim_open_blocks(s) : 0;
}

int tdm_store_slot_info(const struct tdm_store *s, unsigned slot, struct tdm_store_slot_info *info)
{
    if (!s || slot >= TDM_STORE_SLOTS || !info) {
        return TDM_E_INVAL;
    }
    const struct tdm_store_slot *sl = &s->slot[slot];
    memset(info, 0, sizeof *info);
    info->state = sl->state;
    info->gen = sl->gen;
    if (sl->state == TDM_STORE_COMMITTED) {
        info->length = sl->length;
        memcpy(info->sha256, sl->sha256, TDM_SHA256_LEN);
    } else if (sl->state == TDM_STORE_OPEN && s->wslot == slot) {
        info->length = s->wpage * s->page;
    }
    for (uint32_t i = 0; i < s->count; i++) {
        info->blocks += (s->blk[i] & ST_OWNER_MASK) == TDM_STORE_OWN_A + slot;
    }
    return 0;
}

int tdm_store_read(struct tdm_store *s, unsigned slot, uint32_t offset, void *buf, uint32_t len)
{
    if (!s || !s->mounted) {
        return TDM_E_STATE;
    }
    if (slot >= TDM_STORE_SLOTS || (len && !buf)) {
        return TDM_E_INVAL;
    }
    const struct tdm_store_slot *sl = &s->slot[slot];
    uint32_t limit;
    if (sl->state == TDM_STORE_COMMITTED) {
        limit = sl->length;
    } else if (sl->state == TDM_STORE_OPEN && s->wslot == slot) {
        limit = s->wpage * s->page;
    } else {
        return TDM_E_STORE_SLOT;
    }
    if (s->wslot != TDM_STORE_NONE && s->wfill > 0) {
        return TDM_E_STATE;
    }
    if (offset > limit || len > limit - offset) {
        return TDM_E_RANGE;
    }
    uint8_t *out = buf;
    while (len) {
        uint32_t pg = offset / s->page;
        uint32_t at = offset % s->page;
        uint32_t lb = pg >> s->ppb_shift;
        int err = tdm_store_x_page_load(s, slot, sl->gen, lb, pg & (s->ppb - 1), sl->map[lb], NULL);
        if (err < 0) {
            return err;
        }
        uint32_t n = s->page - at < len ? s->page - at : len;
        memcpy(out, s->cfg.page_buf + at, n);
        out += n;
        offset += n;
        len -= n;
    }
    return 0;
}
