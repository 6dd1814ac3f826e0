/* The NAND image store: two package slots, a bad-block table and a state journal in a range of blocks of
 * an SPI NAND chip (format on NAND: docs/STORE.md).
 *
 * Owns: which block holds what inside its range; slot contents, commit records, roles, journal records.
 * Never: touches a block outside its range, erases a block that holds the only copy of a committed slot
 * or of the latest journal record of a type, reports as durable or committed what is not, allocates.
 *
 * RAM (static, caller-owned): sizeof(struct tdm_store) = 1 840 bytes on Cortex-M33 (arm-none-eabi-gcc):
 * block table 256 B, two slot states 2 x 172 B, journal index 192 B, work buffer 768 B, SHA-256 state
 * 128 B, counters and the copied config 152 B; plus the page buffer the caller passes in the config:
 * page_size + oob_size bytes (2 112 on the W25N01GV). Total 3 952 bytes. Stack: < 512 bytes (the
 * largest frame is tdm_store_resume's survey of an open slot, 320 B of tables).
 *
 * Power loss. Every call may be cut at any NAND operation. After a cut the caller powers on and calls
 * tdm_store_mount() again; mount only reads (it never writes), so it can itself be cut and redone.
 * What is durable: a journal record once tdm_store_journal_append() (or set_roles, open, commit,
 * clear) returned 0; a slot's content once tdm_store_commit() returned 0; while a slot is being
 * written, whole pages (tdm_store_resume() says how many bytes). A record or page whose call did not
 * return is either absent or complete, never half there: a torn page fails its CRC and never existed.
 *
 * Errors: an access failure of the NAND port (tdm_err_is_access; after a power cut on a port that returns
 * TDM_E_POWER, the state in RAM is stale: mount again); TDM_E_STORE_* (err.h) and the generic ones named
 * per call. On silicon, and in the simulator under the power-cut runner (sim/cutrun.h), a cut simply stops
 * the code where it stands.
 */
#ifndef TANDEM_STORE_H
#define TANDEM_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "tandem/crypto_port.h"
#include "tandem/nand.h"

#define TDM_STORE_MAX_BLOCKS 256      /* blocks in a store range */
#define TDM_STORE_MAX_SLOT_BLOCKS 64  /* blocks per slot (8 MiB with 128 KiB blocks) */
#define TDM_STORE_JOURNAL_TYPES 24    /* distinct record types the journal keeps (store's own 3 included) */
#define TDM_STORE_JOURNAL_MAX_PAYLOAD 480 /* bytes of payload per journal record */
#define TDM_STORE_WORK_SIZE 768       /* work buffer: one ECC sector (<= 512) + the spare bytes */
#define TDM_STORE_SCRUB_MAX 4         /* blocks remembered for scrubbing between maintain calls */
#define TDM_STORE_DEFAULT_BLOCKS 64   /* default range: the last 64 blocks of the chip */
/* Default slot capacity: 1 MiB application + 256 KiB network image + 8 KiB manifest and headers. */
#define TDM_STORE_DEFAULT_SLOT_BYTES (1024u * 1024u + 256u * 1024u + 8192u)

#define TDM_STORE_SLOTS 2
#define TDM_STORE_SLOT_A 0
#define TDM_STORE_SLOT_B 1
#define TDM_STORE_NONE 0xFF /* no slot (roles), no slot being written */

/* Journal record types: the caller's types are 1 .. TDM_STORE_TYPE_USER_MAX; the store keeps its own
 * (slot state, roles, snapshot end) above. */
#define TDM_STORE_TYPE_USER_MAX 0xFEFFu

enum tdm_store_slot_state {
    TDM_STORE_EMPTY = 0,     /* nothing (cleared, or never written) */
    TDM_STORE_OPEN = 1,      /* being written: durable pages survive a cut; not committed */
    TDM_STORE_COMMITTED = 2, /* commit record written: length and SHA-256 are final */
};

struct tdm_store_config {
    const struct tdm_nand *nand;  /* initialised driver handle; outlives the store */
    struct tdm_crypto_ops crypto; /* SHA-256 of slot contents */
    uint8_t *page_buf;            /* page_size + oob_size bytes, caller-owned, used only by the store */
    uint32_t first_block;         /* range [first_block, first_block + block_count) */
    uint32_t block_count;         /* 0 = default: the last min(64, blocks) blocks of the chip */
    uint32_t slot_bytes;          /* capacity of each slot; 0 = TDM_STORE_DEFAULT_SLOT_BYTES */
    uint32_t scrub_bits;          /* corrected bits in a read that trigger relocation; 0 = default:
                                     1 when the part corrects 1 bit, else 3/4 of its ECC strength */
};

struct tdm_store_slot_info {
    uint8_t state;   /* enum tdm_store_slot_state */
    uint32_t gen;    /* generation: identifies this content (the open); 0 when EMPTY */
    uint32_t length; /* COMMITTED: content bytes; OPEN: durable bytes once resumed (else 0) */
    uint8_t sha256[TDM_SHA256_LEN]; /* COMMITTED: SHA-256 of the content */
    uint32_t blocks; /* blocks holding the content */
};

/* Owner of each block of the range (tdm_store_block_owner). */
enum tdm_store_owner {
    TDM_STORE_FREE = 0,
    TDM_STORE_BAD = 1,
    TDM_STORE_SYSTEM = 2, /* bad-block table or journal */
    TDM_STORE_OWN_A = 3,
    TDM_STORE_OWN_B = 4,
};

struct tdm_store_info {
    uint32_t first_block, block_count, slot_blocks, slot_capacity;
    uint32_t bad, free, system;
    uint32_t bbt_blocks[2], journal_blocks[2];
    uint32_t bbt_seq;        /* sequence of the bad-block table in force */
    uint32_t journal_seq;    /* sequence of the newest journal record (the head) */
    uint32_t journal_active; /* block receiving appends */
    uint32_t journal_next;   /* next page in it */
    uint8_t installed, candidate; /* slots, or TDM_STORE_NONE */
    struct tdm_store_slot_info slot[TDM_STORE_SLOTS];
};

struct tdm_store_slot {
    uint8_t state, nblocks;
    uint32_t gen, length;
    uint8_t sha256[TDM_SHA256_LEN];
    uint16_t map[TDM_STORE_MAX_SLOT_BLOCKS]; /* logical block -> absolute block */
};

struct tdm_store_latest { /* latest record of one type */
    uint16_t type;
    uint8_t where; /* journal block index 0/1 */
    uint8_t page;
    uint32_t seq;
};

struct tdm_store {
    struct tdm_store_config cfg;
    uint32_t page, oob, ppb, ppb_shift, sector; /* geometry copied from the nand handle */
    uint32_t first, count, slot_blocks, scrub_bits;
    uint32_t bbt_seq, jseq;
    uint16_t bbt_blk[2], j_blk[2];
    uint16_t bbt_next[2], j_next; /* next free page of each table copy, of the active journal block */
    uint16_t j_last;              /* page of the last record of the active block found at mount */
    uint8_t j_active;
    uint8_t nlatest, bbt_dirty, j_scrub, nscrub;
    uint8_t mounted;
    uint8_t unconfirmed; /* records found at mount whose program may have been cut: confirmed before any write */
    uint8_t role[2];     /* installed, candidate, as recorded (validated by gen on query) */
    uint32_t role_gen[2];
    uint8_t wslot;       /* slot being written, or TDM_STORE_NONE */
    uint8_t wcopy;       /* copy number of the block being written (raised by each move) */
    uint32_t wpage;      /* pages of the slot programmed (durable) */
    uint32_t wfill;      /* bytes waiting in page_buf */
    uint32_t cached_row; /* row whose verified data is in page_buf, or UINT32_MAX */
    uint32_t cursor;     /* next-fit allocation cursor (spreads wear) */
    uint16_t scrub[TDM_STORE_SCRUB_MAX];
    uint8_t blk[TDM_STORE_MAX_BLOCKS]; /* per block of the range: owner | TDM_STORE_ERASED_FLAG */
    struct tdm_store_slot slot[TDM_STORE_SLOTS];
    struct tdm_store_latest latest[TDM_STORE_JOURNAL_TYPES]; /* where the newest record of each type is */
    struct tdm_sha256 wsha;
    uint8_t work[TDM_STORE_WORK_SIZE];
};
#define TDM_STORE_RAM 2048 /* sizeof bound, 32- or 64-bit (1 840 B on the Cortex-M33) */
_Static_assert(sizeof(struct tdm_store) <= TDM_STORE_RAM, "struct tdm_store grew past its RAM bound");

/* ---- whole store ---- */

/* Create the store in the range. A first format reads every block's factory bad-block mark before it
 * erases anything and records the bad ones in the bad-block table; it then erases the good blocks and
 * writes the journal and the table (last: until it is written, the range is not a store).
 * A range holding a store is refused with TDM_E_STORE_FORMATTED unless `force` (then all contents are
 * lost; the known bad blocks are kept). An interrupted format is simply run again. Leaves the store
 * mounted. Errors: TDM_E_CONFIG (range, slot size or geometry unusable), TDM_E_STORE_NO_RESERVE (not
 * enough good blocks for 4 system blocks + two slots + 1 spare), port errors. Cost: one read per block,
 * one erase per good block, 3 page programs per copy. */
int tdm_store_format(struct tdm_store *s, const struct tdm_store_config *cfg, bool force);

/* Find the store in the range and rebuild the state in RAM: the newest valid bad-block table, the
 * journal (latest valid record of each type), slot states and roles. Reads only. Safe after any cut,
 * and may itself be cut and run again. Errors: TDM_E_STORE_UNFORMATTED (no table, or an unfinished
 * format), TDM_E_STORE_JOURNAL (no complete journal block), TDM_E_CORRUPT (records contradict), port.
 * Cost: about 5 page reads per block of the range. */
int tdm_store_mount(struct tdm_store *s, const struct tdm_store_config *cfg);

int tdm_store_info(const struct tdm_store *s, struct tdm_store_info *info);
/* Owner of absolute block `block` (enum tdm_store_owner), or TDM_E_RANGE outside the range. */
int tdm_store_block_owner(const struct tdm_store *s, uint32_t block);

/* Relocate blocks whose reads reported corrected bit flips at or above the threshold (scrub), and
 * refresh the journal or the table when it was their block. A safe moment: refused (returns 0, does
 * nothing) while a slot is open for writing. Returns the number of blocks relocated or an error; a cut
 * leaves the old copy in force (the new one is written before a new commit record points to it). */
int tdm_store_maintain(struct tdm_store *s);

/* ---- slots (fetch agent) ---- */

/* Slot info (state, gen, length, SHA-256, blocks). TDM_E_INVAL for a slot other than 0/1. */
int tdm_store_slot_info(const struct tdm_store *s, unsigned slot, struct tdm_store_slot_info *info);

/* The slot an update may be written to: the one that is not installed (if neither is, the one that is
 * not the candidate, else A). Never fails on a mounted store. */
int tdm_store_free_slot(const struct tdm_store *s);

/* Open `slot` for a fresh write: one journal record makes the slot OPEN with a new generation (its old
 * content, committed or not, is gone from that point). Refused for the installed slot or while another
 * slot is being written (TDM_E_STORE_SLOT, TDM_E_STATE). Blocks are erased as they are needed. */
int tdm_store_open(struct tdm_store *s, unsigned slot);

/* Reopen an OPEN slot after a reboot (or a failed write): finds its durable pages, moves the last,
 * partly written block to a fresh block (a page written just before a cut is never written again),
 * re-hashes the durable content, and makes the slot the one being written.
 * Returns the durable byte count (a multiple of the page size; the download resumes there), or
 * TDM_E_STORE_SLOT (not OPEN), TDM_E_STORE_NO_RESERVE, TDM_E_STORE_UNREADABLE, port errors. */
int tdm_store_resume(struct tdm_store *s, unsigned slot);

/* Append `len` bytes (any size) to the slot being written. Data passes through the page buffer; a full
 * page is programmed (durable) at once. A program failure retires the block and moves its pages to a
 * spare block transparently. Errors: TDM_E_STATE (no slot open), TDM_E_STORE_FULL (capacity; nothing
 * written), TDM_E_STORE_NO_RESERVE (no spare block; committed content untouched), port errors. */
int tdm_store_write(struct tdm_store *s, const void *data, uint32_t len);

/* Commit the slot being written: its length must be `expected_len` (else TDM_E_STORE_LENGTH, slot
 * stays open); programs the last partial page (padded with 0xFF), then the commit record (length,
 * SHA-256, block map) in the journal: the point where the content becomes COMMITTED. The digest is
 * copied to sha_out when not NULL. */
int tdm_store_commit(struct tdm_store *s, uint32_t expected_len, uint8_t sha_out[TDM_SHA256_LEN]);

/* Forget a slot's content (one journal record; its blocks become free). Refused for the installed slot
 * (TDM_E_STORE_SLOT). Abandons a write in progress on that slot. */
int tdm_store_clear(struct tdm_store *s, unsigned slot);

/* Read `len` bytes at `offset` of a COMMITTED slot (or the durable part of the slot being written).
 * Every page is checked against its CRC: an uncorrectable or inconsistent page is
 * TDM_E_STORE_UNREADABLE, never wrong data. TDM_E_RANGE past the end; TDM_E_STATE while the slot
 * being written has unflushed bytes (the page buffer is busy). */
int tdm_store_read(struct tdm_store *s, unsigned slot, uint32_t offset, void *buf, uint32_t len);

/* ---- roles (bootloader) ---- */

/* Record both roles in one journal record: `installed` and `candidate` are slots or TDM_STORE_NONE;
 * each named slot must be COMMITTED (TDM_E_STORE_SLOT) and they must differ (TDM_E_INVAL). A role is
 * tied to the slot's generation: reopening or clearing the slot ends the role. */
int tdm_store_set_roles(struct tdm_store *s, unsigned installed, unsigned candidate);
/* Current roles (TDM_STORE_NONE when not set or no longer valid). */
void tdm_store_roles(const struct tdm_store *s, unsigned *installed, unsigned *candidate);

/* ---- journal (fetch agent progress, bootloader install state) ---- */

/* Append a record of `type` (1 .. TDM_STORE_TYPE_USER_MAX) with `len` <= TDM_STORE_JOURNAL_MAX_PAYLOAD
 * bytes of payload, opaque to the store. Durable when it returns 0 (returns 0, not the sequence).
 * At most TDM_STORE_JOURNAL_TYPES - 3 distinct user types (TDM_E_STORE_FULL beyond). */
int tdm_store_journal_append(struct tdm_store *s, uint32_t type, const void *payload, uint32_t len);

/* Copy the payload of the latest record of `type` to buf (cap bytes); *seq (if not NULL) gets its
 * sequence number. Returns the payload length, TDM_E_NOT_FOUND, TDM_E_BUFFER, TDM_E_CORRUPT. */
int tdm_store_journal_latest(struct tdm_store *s, uint32_t type, void *buf, uint32_t cap, uint32_t *seq);

#endif
