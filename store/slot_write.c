/* Slots, writing side: open, resume after a cut, streaming writes through the one page buffer,
 * moving pages off a block that fails, commit and clear.
 * Owns: the order "data pages, then the commit record". Never: programs a page of a block that was
 * being written when power failed (resume moves that block first), reports a padded or torn page as
 * durable, touches the blocks of the other slot. */
#include <string.h>

#include "store_priv.h"

#define ST_SLOT_REC 44

int tdm_store_x_slot_record(struct tdm_store *s, unsigned slot)
{
    const struct tdm_store_slot *sl = &s->slot[slot];
    uint8_t p[ST_SLOT_REC + 2 * TDM_STORE_MAX_SLOT_BLOCKS];
    memset(p, 0, ST_SLOT_REC);
    p[0] = sl->state;
    p[1] = sl->state == TDM_STORE_COMMITTED ? sl->nblocks : 0;
    tdm_put_le32(p + 4, sl->gen);
    tdm_put_le32(p + 8, sl->length);
    memcpy(p + 12, sl->sha256, TDM_SHA256_LEN);
    for (uint32_t i = 0; i < p[1]; i++) {
        tdm_put_le16(p + ST_SLOT_REC + 2 * i, sl->map[i]);
    }
    return tdm_store_x_j_append(s, ST_T_SLOT + slot, p, ST_SLOT_REC + 2u * p[1]);
}

/* Write a new state of `slot` (one journal record); RAM follows only when it is durable. */
static int set_state(struct tdm_store *s, unsigned slot, uint8_t state, uint32_t gen)
{
    struct tdm_store_slot old = s->slot[slot];
    struct tdm_store_slot *sl = &s->slot[slot];
    sl->state = state;
    sl->gen = gen;
    if (state != TDM_STORE_COMMITTED) {
        sl->length = 0;
        sl->nblocks = 0;
        memset(sl->sha256, 0, TDM_SHA256_LEN);
    }
    int err = tdm_store_x_slot_record(s, slot);
    if (err < 0) {
        *sl = old;
    }
    return err;
}

/* Validate a slot argument of open/clear, then confirm what mount could not prove (both write). */
static int check_slot(struct tdm_store *s, unsigned slot)
{
    if (!s || !s->mounted) {
        return TDM_E_STATE;
    }
    if (slot >= TDM_STORE_SLOTS) {
        return TDM_E_INVAL;
    }
    unsigned inst, cand;
    tdm_store_roles(s, &inst, &cand);
    return inst == slot ? TDM_E_STORE_SLOT : tdm_store_x_confirm(s);
}

int tdm_store_open(struct tdm_store *s, unsigned slot)
{
    int err = check_slot(s, slot);
    if (err < 0) {
        return err;
    }
    if (s->wslot != TDM_STORE_NONE && s->wslot != slot) {
        return TDM_E_STATE;
    }
    s->wslot = TDM_STORE_NONE;
    err = set_state(s, slot, TDM_STORE_OPEN, s->jseq + 1);
    if (err < 0) {
        return err;
    }
    tdm_store_x_release(s, (uint8_t)(TDM_STORE_OWN_A + slot));
    s->wslot = (uint8_t)slot;
    s->wpage = 0;
    s->wfill = 0;
    s->cached_row = UINT32_MAX;
    return s->cfg.crypto.sha256_start(s->cfg.crypto.ctx, &s->wsha);
}

int tdm_store_clear(struct tdm_store *s, unsigned slot)
{
    int err = check_slot(s, slot);
    if (err < 0) {
        return err;
    }
    err = set_state(s, slot, TDM_STORE_EMPTY, 0);
    if (err < 0) {
        return err;
    }
    tdm_store_x_release(s, (uint8_t)(TDM_STORE_OWN_A + slot));
    if (s->wslot == slot) {
        s->wslot = TDM_STORE_NONE;
    }
    return 0;
}

/* Find the best copy of each logical block: most leading good pages, then the higher copy number. */
static int survey(struct tdm_store *s, unsigned slot, uint16_t *bblk, uint16_t *bcnt, uint8_t *bcopy)
{
    const struct tdm_store_slot *sl = &s->slot[slot];
    for (uint32_t i = 0; i < s->count; i++) {
        uint32_t b = s->first + i;
        if (st_owner(s, b) != TDM_STORE_OWN_A + slot) {
            continue;
        }
        struct st_tag t0, t;
        int r = tdm_store_x_read(s, st_row(s, b, 0), s->page, s->work, ST_TAG_END);
        if (r < 0 && r != TDM_E_NAND_ECC) {
            return r;
        }
        if (r < 0 || !tdm_store_x_tag_get(s->work, &t0) || t0.lblock >= s->slot_blocks) {
            continue;
        }
        uint16_t n = 0;
        /* pages are programmed in order and a program that returned is complete: a good last page
         * means a full block (every page is checked again when the content is re-hashed) */
        r = tdm_store_x_page_load(s, slot, sl->gen, t0.lblock, s->ppb - 1, b, &t);
        if (r < 0 && r != TDM_E_STORE_UNREADABLE) {
            return r;
        }
        if (r == 0 && t.used == s->page) {
            n = (uint16_t)s->ppb;
        }
        for (uint32_t p = n; p < s->ppb; p++) {
            int err = tdm_store_x_page_load(s, slot, sl->gen, t0.lblock, p, b, &t);
            if (err == TDM_E_STORE_UNREADABLE || (err == 0 && t.used != s->page)) {
                break;
            }
            if (err < 0) {
                return err;
            }
            n++;
        }
        if (n == 0) {
            continue;
        }
        uint32_t lb = t0.lblock;
        if (bblk[lb] == UINT16_MAX || n > bcnt[lb] || (n == bcnt[lb] && (int8_t)(t0.copy - bcopy[lb]) > 0)) {
            bblk[lb] = (uint16_t)b;
            bcnt[lb] = n;
            bcopy[lb] = t0.copy;
        }
    }
    return 0;
}

/* Adopt the surveyed copies as the slot's block map: consecutive logical blocks from 0 up to the first
 * one that is missing or not full (that one included). Returns the pages found in order. */
static uint32_t adopt(struct tdm_store *s, unsigned slot, const uint16_t *bblk, const uint16_t *bcnt,
                      const uint8_t *bcopy)
{
    struct tdm_store_slot *sl = &s->slot[slot];
    uint8_t owner = (uint8_t)(TDM_STORE_OWN_A + slot);
    tdm_store_x_release(s, owner);
    uint32_t lb = 0, pages = 0;
    for (; lb < s->slot_blocks && bblk[lb] != UINT16_MAX; lb++) {
        sl->map[lb] = bblk[lb];
        st_set_owner(s, bblk[lb], owner);
        pages += bcnt[lb];
        if (bcnt[lb] < s->ppb) {
            lb++;
            break;
        }
    }
    sl->nblocks = (uint8_t)lb;
    s->wcopy = lb ? bcopy[lb - 1] : 0;
    return pages;
}

/* The last block holds the last page programmed before the stop, which may have been cut late and decay
 * later, even when the block is full; and the block that was open at the cut is never programmed again.
 * So it is moved: a whole-page copy reads each page while it still reads good and writes it with
 * completed programs. */
static int move_last(struct tdm_store *s, unsigned slot, uint32_t last_pages)
{
    struct tdm_store_slot *sl = &s->slot[slot];
    if (sl->nblocks == 0) {
        return 0;
    }
    uint32_t lb = sl->nblocks - 1u, old = sl->map[lb], nb = 0;
    int err = tdm_store_x_relocate(s, slot, lb, old, last_pages, &nb);
    if (err < 0) {
        return err;
    }
    st_set_owner(s, old, TDM_STORE_FREE);
    sl->map[lb] = (uint16_t)nb;
    s->wcopy++;
    return 0;
}

/* Hash the slot's pages [0, pages) again into the running SHA-256 (each page checked as it is loaded). */
static int rehash(struct tdm_store *s, unsigned slot, uint32_t pages)
{
    const struct tdm_store_slot *sl = &s->slot[slot];
    int err = s->cfg.crypto.sha256_start(s->cfg.crypto.ctx, &s->wsha);
    for (uint32_t p = 0; p < pages && err >= 0; p++) {
        err = tdm_store_x_page_load(s, slot, sl->gen, p >> s->ppb_shift, p & (s->ppb - 1),
                                    sl->map[p >> s->ppb_shift], NULL);
        if (err >= 0) {
            err = s->cfg.crypto.sha256_update(s->cfg.crypto.ctx, &s->wsha, s->cfg.page_buf, s->page);
        }
    }
    return err;
}

static int resume_allowed(const struct tdm_store *s, unsigned slot)
{
    if (!s || !s->mounted) {
        return TDM_E_STATE;
    }
    if (slot >= TDM_STORE_SLOTS) {
        return TDM_E_INVAL;
    }
    if (s->slot[slot].state != TDM_STORE_OPEN) {
        return TDM_E_STORE_SLOT;
    }
    return s->wslot != TDM_STORE_NONE && s->wslot != slot ? TDM_E_STATE : 0;
}

int tdm_store_resume(struct tdm_store *s, unsigned slot)
{
    int err = resume_allowed(s, slot);
    if (err < 0) {
        return err;
    }
    s->wslot = TDM_STORE_NONE;
    s->cached_row = UINT32_MAX;
    err = tdm_store_x_confirm(s);
    if (err < 0) {
        return err;
    }
    uint16_t bblk[TDM_STORE_MAX_SLOT_BLOCKS], bcnt[TDM_STORE_MAX_SLOT_BLOCKS];
    uint8_t bcopy[TDM_STORE_MAX_SLOT_BLOCKS];
    memset(bblk, 0xFF, sizeof bblk);
    memset(bcnt, 0, sizeof bcnt);
    memset(bcopy, 0, sizeof bcopy);
    err = survey(s, slot, bblk, bcnt, bcopy);
    if (err < 0) {
        return err;
    }
    uint32_t pages = adopt(s, slot, bblk, bcnt, bcopy);
    uint32_t nb = s->slot[slot].nblocks;
    err = move_last(s, slot, nb ? bcnt[nb - 1] : 0);
    err = err < 0 ? err : tdm_store_x_bbt_sync(s);
    err = err < 0 ? err : rehash(s, slot, pages);
    if (err < 0) {
        return err;
    }
    s->cached_row = UINT32_MAX;
    s->wslot = (uint8_t)slot;
    s->wpage = pages;
    s->wfill = 0;
    return (int)(pages * s->page);
}

/* Program page `pg` of logical block `lb` failed: move pages [0, pg) to a fresh block, retire the
 * failing one. A page is only ever written by ONE program (a second program of an ECC codeword
 * over-programs its parity), and the page buffer holds the pending page: so the pending page is parked
 * in a scratch block, the pages are copied whole through the page buffer, and the parked page comes
 * back. The parked page's tag names page pg in page 0 of its block, so no scan takes it for content. */
static int move_failed(struct tdm_store *s, uint32_t lb, uint32_t pg)
{
    struct tdm_store_slot *sl = &s->slot[s->wslot];
    uint8_t owner = (uint8_t)(TDM_STORE_OWN_A + s->wslot);
    uint32_t old = sl->map[lb], scratch = 0;
    int err = pg ? tdm_store_x_park(s, owner, &scratch) : 0;
    int parked = pg && err >= 0; /* a failed park holds no block (and the page is still in the buffer) */
    if (err >= 0) {
        uint32_t nb = 0;
        err = tdm_store_x_relocate(s, s->wslot, lb, old, pg, &nb);
        if (err >= 0) {
            sl->map[lb] = (uint16_t)nb;
            s->wcopy++;
            err = tdm_store_x_retire(s, old);
        }
    }
    s->cached_row = UINT32_MAX;
    if (parked) {
        int back = tdm_store_x_unpark(s, scratch);
        err = err < 0 ? err : back;
    }
    return err;
}

static int flush(struct tdm_store *s, uint32_t used)
{
    struct tdm_store_slot *sl = &s->slot[s->wslot];
    uint32_t lb = s->wpage >> s->ppb_shift;
    uint32_t pg = s->wpage & (s->ppb - 1);
    if (pg == 0) {
        uint32_t nb = 0;
        int err = tdm_store_x_alloc(s, (uint8_t)(TDM_STORE_OWN_A + s->wslot), &nb);
        if (err < 0) {
            return err;
        }
        sl->map[lb] = (uint16_t)nb;
        sl->nblocks = (uint8_t)(lb + 1);
        s->wcopy = 0;
    }
    for (;;) {
        struct st_tag t = {.slot = s->wslot, .copy = s->wcopy, .gen = sl->gen, .lblock = (uint8_t)lb,
                           .page = (uint8_t)pg, .used = (uint16_t)used};
        tdm_store_x_tag_put(s, s->cfg.page_buf, s->cfg.page_buf + s->page, &t);
        int err = tdm_nand_program(s->cfg.nand, st_row(s, sl->map[lb], pg), 0, s->cfg.page_buf,
                                   s->page + ST_TAG_END);
        if (tdm_store_x_is_fail(err)) {
            err = move_failed(s, lb, pg);
            if (err < 0) {
                return err;
            }
            continue;
        }
        if (err < 0) {
            return err;
        }
        s->wpage++;
        s->wfill = 0;
        return 0;
    }
}

int tdm_store_write(struct tdm_store *s, const void *data, uint32_t len)
{
    if (!s || !s->mounted || s->wslot == TDM_STORE_NONE) {
        return TDM_E_STATE;
    }
    if (len && !data) {
        return TDM_E_INVAL;
    }
    uint32_t cap = s->slot_blocks * s->ppb * s->page;
    uint32_t have = s->wpage * s->page + s->wfill;
    if (len > cap - have) {
        return TDM_E_STORE_FULL;
    }
    int err = s->cfg.crypto.sha256_update(s->cfg.crypto.ctx, &s->wsha, data, len);
    if (err < 0) {
        return err;
    }
    s->cached_row = UINT32_MAX;
    const uint8_t *in = data;
    while (len) {
        uint32_t n = s->page - s->wfill < len ? s->page - s->wfill : len;
        memcpy(s->cfg.page_buf + s->wfill, in, n);
        s->wfill += n;
        in += n;
        len -= n;
        if (s->wfill == s->page) {
            err = flush(s, s->page);
            if (err < 0) {
                return err;
            }
        }
    }
    return tdm_store_x_bbt_sync(s);
}

int tdm_store_commit(struct tdm_store *s, uint32_t expected_len, uint8_t sha_out[TDM_SHA256_LEN])
{
    if (!s || !s->mounted || s->wslot == TDM_STORE_NONE) {
        return TDM_E_STATE;
    }
    if (s->wpage * s->page + s->wfill != expected_len) {
        return TDM_E_STORE_LENGTH;
    }
    if (s->wfill) {
        s->cached_row = UINT32_MAX;
        uint32_t used = s->wfill;
        memset(s->cfg.page_buf + used, 0xFF, s->page - used);
        int err = flush(s, used);
        if (err < 0) {
            return err;
        }
    }
    unsigned slot = s->wslot;
    struct tdm_store_slot *sl = &s->slot[slot];
    uint8_t sha[TDM_SHA256_LEN];
    int err = s->cfg.crypto.sha256_finish(s->cfg.crypto.ctx, &s->wsha, sha);
    if (err < 0) {
        return err;
    }
    struct tdm_store_slot old = *sl;
    sl->state = TDM_STORE_COMMITTED;
    sl->length = expected_len;
    memcpy(sl->sha256, sha, TDM_SHA256_LEN);
    err = tdm_store_x_slot_record(s, slot);
    if (err < 0) {
        *sl = old;
        s->wslot = TDM_STORE_NONE; /* the hash is spent: resume to go on */
        return err;
    }
    s->wslot = TDM_STORE_NONE;
    if (sha_out) {
        memcpy(sha_out, sha, TDM_SHA256_LEN);
    }
    return tdm_store_x_bbt_sync(s);
}
