/* The store as a whole: configuration, format, mount, info, roles and maintenance (scrub).
 * Owns: the order of the steps of format and mount. Never: writes during mount (mount only reads, so a
 * cut during it changes nothing), erases a block holding a committed slot's only copy. */
#include <string.h>

#include "store_priv.h"

int tdm_store_x_init(struct tdm_store *s, const struct tdm_store_config *cfg)
{
    if (!s || !cfg || !cfg->nand || !cfg->page_buf || !cfg->crypto.sha256_start || !cfg->crypto.sha256_update ||
        !cfg->crypto.sha256_finish) {
        return TDM_E_INVAL;
    }
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    const struct tdm_nand_geometry *g = &cfg->nand->geo;
    s->page = g->page_size;
    s->oob = g->oob_size;
    s->ppb = g->pages_per_block;
    s->ppb_shift = cfg->nand->ppb_shift;
    s->sector = g->ecc_sector;
    if (s->sector > 512 || s->page % s->sector || g->tag_ecc < ST_TAG_LEN || s->ppb > 256 || s->ppb < 8) {
        return TDM_E_CONFIG;
    }
    if (cfg->block_count) {
        s->first = cfg->first_block;
        s->count = cfg->block_count;
    } else {
        s->count = g->blocks < TDM_STORE_DEFAULT_BLOCKS ? g->blocks : TDM_STORE_DEFAULT_BLOCKS;
        s->first = g->blocks - s->count;
    }
    if (s->count < 8 || s->count > TDM_STORE_MAX_BLOCKS || s->first >= g->blocks ||
        s->count > g->blocks - s->first) {
        return TDM_E_CONFIG;
    }
    uint32_t bytes = cfg->slot_bytes ? cfg->slot_bytes : TDM_STORE_DEFAULT_SLOT_BYTES;
    uint32_t block_bytes = s->page * s->ppb;
    s->slot_blocks = (bytes + block_bytes - 1) / block_bytes;
    if (s->slot_blocks == 0 || s->slot_blocks > TDM_STORE_MAX_SLOT_BLOCKS) {
        return TDM_E_CONFIG;
    }
    s->scrub_bits = cfg->scrub_bits ? cfg->scrub_bits : (g->ecc_bits <= 1 ? 1 : (g->ecc_bits * 3 + 3) / 4);
    s->wslot = TDM_STORE_NONE;
    s->cached_row = UINT32_MAX;
    s->role[0] = s->role[1] = TDM_STORE_NONE;
    return 0;
}

int tdm_store_x_read(struct tdm_store *s, uint32_t row, uint32_t col, void *buf, uint32_t len)
{
    int r = tdm_nand_read(s->cfg.nand, row, col, buf, len);
    if (r > 0 && (uint32_t)r >= s->scrub_bits) {
        tdm_store_x_note_scrub(s, row >> s->ppb_shift);
    }
    return r < 0 ? r : 0;
}

int tdm_store_x_confirm(struct tdm_store *s)
{
    uint8_t what = s->unconfirmed;
    if (!what) {
        return 0;
    }
    s->unconfirmed = 0; /* first, so the writes below do not come back here */
    int err = (what & ST_UNCONF_BBT) ? tdm_store_x_bbt_write(s, ST_BBT_READY) : 0;
    if (err >= 0 && (what & ST_UNCONF_JOURNAL)) {
        err = tdm_store_x_j_confirm(s);
    }
    if (err < 0) {
        s->unconfirmed = what;
    }
    return err;
}

int tdm_store_x_is_fail(int err)
{
    return err == TDM_E_NAND_PROGRAM || err == TDM_E_NAND_ERASE;
}

static void owners_from_bitmap(struct tdm_store *s, const uint8_t *bitmap)
{
    for (uint32_t i = 0; i < s->count; i++) {
        s->blk[i] = (bitmap[i / 8] >> (i % 8)) & 1 ? TDM_STORE_BAD : TDM_STORE_FREE;
    }
}

static uint32_t count_owner(const struct tdm_store *s, uint8_t owner)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->count; i++) {
        n += (s->blk[i] & ST_OWNER_MASK) == owner;
    }
    return n;
}

/* Erase every block that is not bad and not a bad-block table copy; pick the journal blocks. */
static int format_blocks(struct tdm_store *s)
{
    for (uint32_t i = 0; i < s->count; i++) {
        uint32_t b = s->first + i;
        uint8_t o = st_owner(s, b);
        if (o == TDM_STORE_BAD || b == s->bbt_blk[0] || b == s->bbt_blk[1]) {
            continue;
        }
        int erased = tdm_store_x_erase_or_retire(s, b);
        if (erased < 0) {
            return erased;
        }
        if (erased) {
            s->blk[i] = ST_FREE_ERASED;
        }
    }
    int k = 0;
    for (uint32_t i = 0; i < s->count && k < 2; i++) {
        if (s->blk[i] == ST_FREE_ERASED) {
            s->j_blk[k++] = (uint16_t)(s->first + i);
            s->blk[i] = TDM_STORE_SYSTEM;
        }
    }
    if (k < 2) {
        return TDM_E_STORE_NO_RESERVE;
    }
    return 0;
}

/* Check the config and look for the newest valid bad-block table: 1 found, 0 none, or an error. */
static int find_table(struct tdm_store *s, const struct tdm_store_config *cfg, uint8_t *bitmap, uint16_t *state)
{
    int err = tdm_store_x_init(s, cfg);
    return err < 0 ? err : tdm_store_x_bbt_find(s, bitmap, state);
}

int tdm_store_format(struct tdm_store *s, const struct tdm_store_config *cfg, bool force)
{
    uint8_t bitmap[TDM_STORE_MAX_BLOCKS / 8];
    uint16_t state = 0;
    int found = find_table(s, cfg, bitmap, &state);
    if (found < 0) {
        return found;
    }
    s->unconfirmed = 0; /* format writes a new table and journal: nothing older is acted on */
    if (found && state == ST_BBT_READY && !force) {
        return TDM_E_STORE_FORMATTED;
    }
    if (!found) {
        int err = tdm_nand_scan(s->cfg.nand, s->first, s->count, bitmap);
        if (err < 0) {
            return err;
        }
        s->bbt_seq = 0;
    }
    owners_from_bitmap(s, bitmap);
    if (s->count - count_owner(s, TDM_STORE_BAD) < 4 + 2 * s->slot_blocks + 1) {
        return TDM_E_STORE_NO_RESERVE;
    }
    /* the table goes to the first two good blocks; the same bad blocks give the same choice, so an
     * interrupted format finds its table where it left it */
    int k = 0;
    for (uint32_t i = 0; i < s->count && k < 2; i++) {
        if (s->blk[i] == TDM_STORE_FREE) {
            s->bbt_blk[k++] = (uint16_t)(s->first + i);
            s->blk[i] = TDM_STORE_SYSTEM;
        }
    }
    s->bbt_next[0] = s->bbt_next[1] = (uint16_t)s->ppb; /* "full": the first write erases each copy */
    s->j_blk[0] = s->j_blk[1] = s->bbt_blk[0]; /* placeholders until format_blocks picks them */
    int err = tdm_store_x_bbt_write(s, ST_BBT_FORMATTING);
    if (err < 0) {
        return err;
    }
    err = format_blocks(s);
    if (err < 0) {
        return err;
    }
    err = tdm_store_x_j_init(s);
    if (err < 0) {
        return err;
    }
    err = tdm_store_x_bbt_write(s, ST_BBT_READY);
    if (err < 0) {
        return err;
    }
    s->mounted = 1;
    return 0;
}

int tdm_store_mount(struct tdm_store *s, const struct tdm_store_config *cfg)
{
    uint8_t bitmap[TDM_STORE_MAX_BLOCKS / 8];
    uint16_t state = 0;
    int found = find_table(s, cfg, bitmap, &state);
    if (found < 0) {
        return found;
    }
    if (!found || state != ST_BBT_READY) {
        return TDM_E_STORE_UNFORMATTED;
    }
    owners_from_bitmap(s, bitmap);
    for (int k = 0; k < 2; k++) {
        if (st_owner(s, s->bbt_blk[k]) == TDM_STORE_BAD || st_owner(s, s->j_blk[k]) == TDM_STORE_BAD) {
            return TDM_E_CORRUPT;
        }
        st_set_owner(s, s->bbt_blk[k], TDM_STORE_SYSTEM);
        st_set_owner(s, s->j_blk[k], TDM_STORE_SYSTEM);
    }
    int err = tdm_store_x_j_scan(s);
    if (err < 0) {
        return err;
    }
    err = tdm_store_x_slots_load(s);
    if (err < 0) {
        return err;
    }
    s->mounted = 1;
    return 0;
}

int tdm_store_info(const struct tdm_store *s, struct tdm_store_info *info)
{
    if (!s || !info || !s->mounted) {
        return TDM_E_STATE;
    }
    memset(info, 0, sizeof *info);
    info->first_block = s->first;
    info->block_count = s->count;
    info->slot_blocks = s->slot_blocks;
    info->slot_capacity = s->slot_blocks * s->ppb * s->page;
    info->bad = count_owner(s, TDM_STORE_BAD);
    info->free = count_owner(s, TDM_STORE_FREE);
    info->system = count_owner(s, TDM_STORE_SYSTEM);
    for (int k = 0; k < 2; k++) {
        info->bbt_blocks[k] = s->bbt_blk[k];
        info->journal_blocks[k] = s->j_blk[k];
    }
    info->bbt_seq = s->bbt_seq;
    info->journal_seq = s->jseq;
    info->journal_active = s->j_blk[s->j_active];
    info->journal_next = s->j_next;
    unsigned inst, cand;
    tdm_store_roles(s, &inst, &cand);
    info->installed = (uint8_t)inst;
    info->candidate = (uint8_t)cand;
    for (unsigned k = 0; k < TDM_STORE_SLOTS; k++) {
        tdm_store_slot_info(s, k, &info->slot[k]);
    }
    return 0;
}

int tdm_store_block_owner(const struct tdm_store *s, uint32_t block)
{
    if (block < s->first || block - s->first >= s->count) {
        return TDM_E_RANGE;
    }
    return st_owner(s, block);
}

static int role_valid(const struct tdm_store *s, int which)
{
    uint8_t k = s->role[which];
    return k < TDM_STORE_SLOTS && s->slot[k].state == TDM_STORE_COMMITTED && s->slot[k].gen == s->role_gen[which];
}

void tdm_store_roles(const struct tdm_store *s, unsigned *installed, unsigned *candidate)
{
    *installed = role_valid(s, 0) ? s->role[0] : TDM_STORE_NONE;
    *candidate = role_valid(s, 1) ? s->role[1] : TDM_STORE_NONE;
}

int tdm_store_set_roles(struct tdm_store *s, unsigned installed, unsigned candidate)
{
    if (!s->mounted) {
        return TDM_E_STATE;
    }
    if ((installed != TDM_STORE_NONE && installed >= TDM_STORE_SLOTS) ||
        (candidate != TDM_STORE_NONE && candidate >= TDM_STORE_SLOTS) ||
        (installed != TDM_STORE_NONE && installed == candidate)) {
        return TDM_E_INVAL;
    }
    int err = tdm_store_x_confirm(s);
    if (err < 0) {
        return err;
    }
    unsigned r[2] = {installed, candidate};
    uint8_t p[12] = {0};
    for (int k = 0; k < 2; k++) {
        p[k] = (uint8_t)r[k];
        uint32_t gen = 0;
        if (r[k] != TDM_STORE_NONE) {
            if (s->slot[r[k]].state != TDM_STORE_COMMITTED) {
                return TDM_E_STORE_SLOT;
            }
            gen = s->slot[r[k]].gen;
        }
        tdm_put_le32(p + 4 + 4 * k, gen);
    }
    err = tdm_store_x_j_append(s, ST_T_ROLES, p, sizeof p);
    if (err < 0) {
        return err;
    }
    for (int k = 0; k < 2; k++) {
        s->role[k] = p[k];
        s->role_gen[k] = tdm_get_le32(p + 4 + 4 * k);
    }
    return 0;
}

int tdm_store_free_slot(const struct tdm_store *s)
{
    unsigned inst, cand;
    tdm_store_roles(s, &inst, &cand);
    if (inst != TDM_STORE_NONE) {
        return (int)(1 - inst);
    }
    if (cand != TDM_STORE_NONE) {
        return (int)(1 - cand);
    }
    return TDM_STORE_SLOT_A;
}
