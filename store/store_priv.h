/* Internals shared by the store's files (include/tandem/store.h is the contract).
 * Owns: on-NAND constants (docs/STORE.md), the helpers one file offers another. Never: anything a
 * user of the store may call. */
#ifndef TANDEM_STORE_PRIV_H
#define TANDEM_STORE_PRIV_H

#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/journal_types.h"
#include "tandem/le.h"
#include "tandem/store.h"

#define ST_ERASED_FLAG 0x80 /* blk[]: known erased since it was last erased in this session */
#define ST_FREE_ERASED ST_ERASED_FLAG /* blk[]: free (TDM_STORE_FREE is 0) and known erased */
#define ST_OWNER_MASK 0x07

/* bad-block table record (docs/STORE.md "Bad-block table") */
#define ST_BBT_MAGIC 0x54424254u /* "TBBT" */
#define ST_BBT_VERSION 2 /* 2: the 16-byte page tag in the port's tag area (docs/STORE.md) */
#define ST_BBT_FORMATTING 1
#define ST_BBT_READY 2
#define ST_BBT_HDR 28
#define ST_BBT_MAX (ST_BBT_HDR + TDM_STORE_MAX_BLOCKS / 8 + 4)

/* journal record */
#define ST_JREC_MAGIC 0x4E524A54u /* "TJRN" */
#define ST_JREC_HDR 16
#define ST_JREC_AREA 512 /* a record never extends past this column of its page */
#define ST_T_SNAP TDM_JT_STORE_SNAP
#define ST_T_SLOT TDM_JT_STORE_SLOT_A /* + slot */
#define ST_T_ROLES 0xFF10u

/* slot page tag: the first bytes of the port's tag area, all of them ECC-protected (docs/STORE.md) */
#define ST_TAG_LEN 16
#define ST_TAG_END ST_TAG_LEN /* bytes of the tag area the store programs (and reads) */
#define ST_TAG_CRC 12         /* the CRC covers the page data and tag bytes 0..11 */
#define ST_TAG_MAGIC 0x5354u

struct st_tag {
    uint8_t slot, copy;
    uint32_t gen;
    uint8_t lblock, page;
    uint16_t used; /* content bytes in the page: page_size, or less in the padded last page */
};

static inline uint32_t st_row(const struct tdm_store *s, uint32_t block, uint32_t page)
{
    return (block << s->ppb_shift) | page;
}
static inline uint8_t st_owner(const struct tdm_store *s, uint32_t block)
{
    return (uint8_t)(s->blk[block - s->first] & ST_OWNER_MASK);
}
static inline void st_set_owner(struct tdm_store *s, uint32_t block, uint8_t owner)
{
    s->blk[block - s->first] = owner;
}

/* s->unconfirmed: what mount could not prove complete (docs/STORE.md "Confirmation") */
#define ST_UNCONF_BBT 0x01     /* the newest table record is not in both copies */
#define ST_UNCONF_JOURNAL 0x02 /* the last record of the active block has no record right after it */

/* store.c */
/* Before the first write of a session: re-write what mount could not prove complete. */
int tdm_store_x_confirm(struct tdm_store *s);
int tdm_store_x_init(struct tdm_store *s, const struct tdm_store_config *cfg);
int tdm_store_x_read(struct tdm_store *s, uint32_t row, uint32_t col, void *buf, uint32_t len);
int tdm_store_x_is_fail(int err);

/* bbt.c */
int tdm_store_x_bbt_find(struct tdm_store *s, uint8_t *bitmap, uint16_t *state);
int tdm_store_x_bbt_write(struct tdm_store *s, uint16_t state);
int tdm_store_x_bbt_sync(struct tdm_store *s);
int tdm_store_x_retire(struct tdm_store *s, uint32_t block);

/* journal.c */
int tdm_store_x_j_scan(struct tdm_store *s);
int tdm_store_x_j_init(struct tdm_store *s);
int tdm_store_x_j_append(struct tdm_store *s, uint32_t type, const void *payload, uint32_t len);
int tdm_store_x_j_compact(struct tdm_store *s);
int tdm_store_x_j_read(struct tdm_store *s, uint32_t type, uint8_t **payload, uint32_t *seq);
/* Copy the last record of the active block (or compact) so it no longer stands alone. */
int tdm_store_x_j_confirm(struct tdm_store *s);

/* blocks.c */
int tdm_store_x_alloc(struct tdm_store *s, uint8_t owner, uint32_t *block);
/* Erase `block`; on erase-fail status retire it. Returns 1 erased, 0 retired, or an error. */
int tdm_store_x_erase_or_retire(struct tdm_store *s, uint32_t block);
/* Retire system block `old` and allocate (erased) a system block in its place. */
int tdm_store_x_replace(struct tdm_store *s, uint32_t old, uint32_t *block);
void tdm_store_x_release(struct tdm_store *s, uint8_t owner);
/* Write tag `t` to `spare` with the CRC of `data` (s->page bytes) and the tag. */
void tdm_store_x_tag_put(const struct tdm_store *s, const uint8_t *data, uint8_t *spare, const struct st_tag *t);
/* Decode the tag fields (magic checked, CRC not: tdm_store_x_tag_check). Returns 1 or 0. */
int tdm_store_x_tag_get(const uint8_t *spare, struct st_tag *t);
int tdm_store_x_tag_check(const struct tdm_store *s, const uint8_t *data, const uint8_t *spare);
void tdm_store_x_note_scrub(struct tdm_store *s, uint32_t block);
/* Program the page buffer (data + tag) into page 0 of a scratch block taken for `owner`; read it back
 * (CRC checked) and free the scratch block. Whole-page programs only. */
int tdm_store_x_park(struct tdm_store *s, uint8_t owner, uint32_t *scratch);
int tdm_store_x_unpark(struct tdm_store *s, uint32_t scratch);

/* slot_write.c / slot_read.c */
int tdm_store_x_slot_record(struct tdm_store *s, unsigned slot);
int tdm_store_x_slots_load(struct tdm_store *s);
int tdm_store_x_page_load(struct tdm_store *s, unsigned slot, uint32_t gen, uint32_t lblock, uint32_t page,
                          uint32_t block, struct st_tag *tag);
/* The one relocation: copy pages [0, npages) of logical block `lblock` of `slot` from block `src` into a
 * fresh block of the slot (each page read, checked and written whole, its tag's copy number + 1); a
 * destination whose program or erase fails is retired and the next one tried. On success *dst is the
 * copy, owned by the slot; on any error no new block stays owned (`src` is left as it was). */
int tdm_store_x_relocate(struct tdm_store *s, unsigned slot, uint32_t lblock, uint32_t src, uint32_t npages,
                         uint32_t *dst);

#endif
