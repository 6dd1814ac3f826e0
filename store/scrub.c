/* Maintenance at a safe moment: relocating blocks whose reads showed corrected bit flips at or above
 * the threshold (scrub), refreshing the journal or the table when their block was the one.
 * Owns: when a scrubbed copy takes over (a new commit record with the new block map). Never: frees the
 * old block before that record is durable, or runs while a slot is being written. */
#include "store_priv.h"

static int scrub_block(struct tdm_store *s, uint32_t b)
{
    uint8_t owner = st_owner(s, b);
    if (owner != TDM_STORE_OWN_A && owner != TDM_STORE_OWN_B) {
        return 0;
    }
    unsigned slot = owner - TDM_STORE_OWN_A;
    struct tdm_store_slot *sl = &s->slot[slot];
    if (sl->state != TDM_STORE_COMMITTED) {
        return 0; /* an open slot's blocks are moved by resume */
    }
    uint32_t lb = 0;
    while (lb < sl->nblocks && sl->map[lb] != b) {
        lb++;
    }
    if (lb == sl->nblocks) {
        return 0;
    }
    uint32_t pages = (sl->length + s->page - 1) / s->page - lb * s->ppb;
    pages = pages < s->ppb ? pages : s->ppb;
    uint32_t nb = 0;
    int err = tdm_store_x_relocate(s, slot, lb, b, pages, &nb);
    if (err < 0) {
        return err;
    }
    sl->map[lb] = (uint16_t)nb;
    err = tdm_store_x_slot_record(s, slot);
    if (err < 0) {
        sl->map[lb] = (uint16_t)b;
        st_set_owner(s, nb, TDM_STORE_FREE);
        return err;
    }
    st_set_owner(s, b, TDM_STORE_FREE);
    return 1;
}

int tdm_store_maintain(struct tdm_store *s)
{
    if (!s || !s->mounted) {
        return TDM_E_STATE;
    }
    if (s->wslot != TDM_STORE_NONE) {
        return 0;
    }
    int done = 0;
    int err = tdm_store_x_confirm(s);
    err = err < 0 ? err : tdm_store_x_bbt_sync(s);
    if (err >= 0 && s->j_scrub) {
        err = tdm_store_x_j_compact(s);
    }
    while (err >= 0 && s->nscrub) {
        uint32_t b = s->scrub[--s->nscrub];
        err = scrub_block(s, b);
        done += err > 0;
    }
    if (err < 0) {
        return err;
    }
    err = tdm_store_x_bbt_sync(s);
    return err < 0 ? err : done;
}
