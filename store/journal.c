/* The state journal: append-only records (magic, sequence, type, payload, CRC), at most one per page,
 * in one of two blocks; when the active block is full, the latest record of every type is copied to the
 * other block, then a snapshot-end record makes that block the active one.
 * Owns: record format, the index of the latest record per type, compaction. Never: erases the block
 * that holds the only copy of a type's latest record (the active block is erased only after another
 * block holds a complete snapshot), or programs a page that may have been cut (after a mount, appends
 * start two pages past the last programmed one). */
#include <string.h>

#include "store_priv.h"

static int erased(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

/* Validate the record in s->work; fills seq/type/len. */
static int valid(const struct tdm_store *s, uint32_t *seq, uint16_t *type, uint16_t *len)
{
    const uint8_t *w = s->work;
    uint16_t n = tdm_get_le16(w + 10);
    if (tdm_get_le32(w) != ST_JREC_MAGIC || n > TDM_STORE_JOURNAL_MAX_PAYLOAD ||
        tdm_get_le32(w + ST_JREC_HDR + n) != tdm_crc32(0, w, ST_JREC_HDR + n)) {
        return 0;
    }
    *seq = tdm_get_le32(w + 4);
    *type = tdm_get_le16(w + 8);
    *len = n;
    return *seq != 0;
}

static int load(struct tdm_store *s, uint32_t block, uint32_t page)
{
    return tdm_store_x_read(s, st_row(s, block, page), 0, s->work, ST_JREC_AREA);
}

static int put(struct tdm_store *s, uint32_t block, uint32_t page, uint32_t type, uint32_t seq, const void *payload,
               uint32_t len)
{
    uint8_t *w = s->work;
    if (len) {
        memmove(w + ST_JREC_HDR, payload, len);
    }
    tdm_put_le32(w, ST_JREC_MAGIC);
    tdm_put_le32(w + 4, seq);
    tdm_put_le16(w + 8, (uint16_t)type);
    tdm_put_le16(w + 10, (uint16_t)len);
    tdm_put_le32(w + 12, 0);
    tdm_put_le32(w + ST_JREC_HDR + len, tdm_crc32(0, w, ST_JREC_HDR + len));
    return tdm_nand_program(s->cfg.nand, st_row(s, block, page), 0, w, ST_JREC_HDR + len + 4);
}

static struct tdm_store_latest *find(struct tdm_store *s, uint32_t type)
{
    for (uint32_t i = 0; i < s->nlatest; i++) {
        if (s->latest[i].type == type) {
            return &s->latest[i];
        }
    }
    return NULL;
}

static void index_put(struct tdm_store *s, uint16_t type, uint8_t where, uint32_t page, uint32_t seq)
{
    struct tdm_store_latest *e = find(s, type);
    if (!e) {
        if (s->nlatest == TDM_STORE_JOURNAL_TYPES) {
            return; /* cannot happen: appends refuse a new type when the index is full */
        }
        e = &s->latest[s->nlatest++];
        e->type = type;
        e->seq = 0;
    }
    if (seq >= e->seq) {
        e->where = where;
        e->page = (uint8_t)page;
        e->seq = seq;
    }
}

int tdm_store_x_j_scan(struct tdm_store *s)
{
    uint32_t snap[2] = {0, 0};
    int last[2] = {-1, -1};
    s->jseq = 0;
    s->nlatest = 0;
    for (int w = 0; w < 2; w++) {
        for (uint32_t p = 0; p < s->ppb; p++) {
            int r = load(s, s->j_blk[w], p);
            if (tdm_err_is_access(r)) {
                return r;
            }
            if (r == 0 && erased(s->work, ST_JREC_AREA)) {
                continue;
            }
            last[w] = (int)p;
            uint32_t seq;
            uint16_t type, len;
            if (r == 0 && valid(s, &seq, &type, &len)) {
                s->jseq = seq > s->jseq ? seq : s->jseq;
                if (type == ST_T_SNAP && seq > snap[w]) {
                    snap[w] = seq;
                }
            }
        }
    }
    if (!snap[0] && !snap[1]) {
        return TDM_E_STORE_JOURNAL;
    }
    uint8_t a = snap[1] > snap[0];
    int lastv = -1, after_erased = 0;
    for (uint32_t p = 0; p < s->ppb; p++) {
        int r = load(s, s->j_blk[a], p);
        if (tdm_err_is_access(r)) {
            return r;
        }
        uint32_t seq;
        uint16_t type, len;
        if (lastv >= 0 && p == (uint32_t)lastv + 1) {
            after_erased = r == 0 && erased(s->work, ST_JREC_AREA);
        }
        if (r == 0 && valid(s, &seq, &type, &len)) {
            lastv = (int)p;
            after_erased = 1; /* until the next page shows otherwise */
            if (type != ST_T_SNAP) {
                index_put(s, type, a, p, seq);
            }
        }
    }
    /* The last record with nothing programmed right after it may have been cut late and decay: it is
     * copied before the first write of this session (docs/STORE.md "Confirmation"). */
    s->unconfirmed = (uint8_t)((s->unconfirmed & ~ST_UNCONF_JOURNAL) | (after_erased ? ST_UNCONF_JOURNAL : 0));
    s->j_last = (uint16_t)lastv;
    s->j_active = a;
    s->j_next = (uint16_t)(last[a] + 2);
    return 0;
}

int tdm_store_x_j_init(struct tdm_store *s)
{
    s->jseq = 0;
    s->nlatest = 0;
    s->j_active = 0;
    s->j_next = s->ppb; /* "full": the first append makes a snapshot in a freshly erased block */
    return tdm_store_x_j_compact(s);
}

/* Retire journal block `w` and put a fresh block in its place; record the layout. */
static int replace(struct tdm_store *s, int w)
{
    uint32_t nb = 0;
    int err = tdm_store_x_replace(s, s->j_blk[w], &nb);
    if (err < 0) {
        return err;
    }
    s->j_blk[w] = (uint16_t)nb;
    return tdm_store_x_bbt_sync(s);
}

/* Copy the index, oldest first, to block b from page 0. Returns pages written or an error. */
static int copy_index(struct tdm_store *s, uint32_t b)
{
    uint32_t last = 0;
    for (uint32_t n = 0; n < s->nlatest; n++) {
        struct tdm_store_latest *e = NULL;
        for (uint32_t i = 0; i < s->nlatest; i++) {
            if (s->latest[i].seq > last && (!e || s->latest[i].seq < e->seq)) {
                e = &s->latest[i];
            }
        }
        if (!e) {
            return TDM_E_CORRUPT; /* two entries with one sequence number: the index contradicts itself */
        }
        int r = load(s, s->j_blk[e->where], e->page);
        uint32_t seq;
        uint16_t type, len;
        if (r < 0) {
            return tdm_err_is_access(r) ? r : TDM_E_CORRUPT;
        }
        if (!valid(s, &seq, &type, &len) || seq != e->seq || type != e->type) {
            return TDM_E_CORRUPT;
        }
        r = tdm_nand_program(s->cfg.nand, st_row(s, b, n), 0, s->work, ST_JREC_HDR + len + 4u);
        if (r < 0) {
            return r;
        }
        last = e->seq;
    }
    return (int)s->nlatest;
}

int tdm_store_x_j_compact(struct tdm_store *s)
{
    s->unconfirmed &= (uint8_t)~ST_UNCONF_JOURNAL; /* the snapshot copies every latest record */
    uint8_t t = (uint8_t)(1 - s->j_active);
    for (uint32_t attempt = 0; attempt < s->count; attempt++) {
        uint32_t b = s->j_blk[t];
        int err = tdm_nand_erase(s->cfg.nand, b);
        int n = err < 0 ? err : copy_index(s, b);
        if (n >= 0) {
            err = put(s, b, (uint32_t)n, ST_T_SNAP, s->jseq + 1, NULL, 0);
        } else {
            err = n;
        }
        if (tdm_store_x_is_fail(err)) {
            err = replace(s, t);
            if (err < 0) {
                return err;
            }
            continue;
        }
        if (err < 0) {
            return err;
        }
        s->jseq++;
        for (uint32_t i = 0; i < s->nlatest; i++) {
            uint32_t rank = 0;
            for (uint32_t k = 0; k < s->nlatest; k++) {
                rank += s->latest[k].seq < s->latest[i].seq;
            }
            s->latest[i].where = t;
            s->latest[i].page = (uint8_t)rank;
        }
        s->j_active = t;
        s->j_next = (uint16_t)(n + 1);
        s->j_scrub = 0;
        return 0;
    }
    return TDM_E_STORE_NO_RESERVE;
}

/* Program a record at the journal's head (the next page of the active block). A program failure means the
 * active block is failing: its failed page is never programmed again (the head moves past the block, even
 * when the move fails too), everything moves to the other block (a snapshot of the index) and the failing
 * block is replaced. Returns 0 (written), 1 (moved instead, the record not written) or an error. */
static int put_head(struct tdm_store *s, uint32_t type, const void *payload, uint32_t len)
{
    uint32_t seq = s->jseq + 1;
    int err = put(s, s->j_blk[s->j_active], s->j_next, type, seq, payload, len);
    if (tdm_store_x_is_fail(err)) {
        int old = s->j_active;
        s->j_next = (uint16_t)s->ppb;
        err = tdm_store_x_j_compact(s);
        err = err < 0 ? err : replace(s, old);
        return err < 0 ? err : 1;
    }
    if (err < 0) {
        return err;
    }
    s->jseq = seq;
    if (type != ST_T_SNAP) {
        index_put(s, (uint16_t)type, s->j_active, s->j_next, seq);
    }
    s->j_next++;
    return 0;
}

int tdm_store_x_j_append(struct tdm_store *s, uint32_t type, const void *payload, uint32_t len)
{
    if (len > TDM_STORE_JOURNAL_MAX_PAYLOAD || (len && !payload)) {
        return TDM_E_INVAL;
    }
    if (type != ST_T_SNAP && !find(s, type) && s->nlatest == TDM_STORE_JOURNAL_TYPES) {
        return TDM_E_STORE_FULL;
    }
    for (uint32_t attempt = 0; attempt < s->count; attempt++) {
        int err = 0;
        if (s->j_next >= s->ppb) {
            err = tdm_store_x_j_compact(s);
            if (err < 0) {
                return err;
            }
        }
        err = put_head(s, type, payload, len);
        if (err != 1) {
            return err;
        }
    }
    return TDM_E_STORE_NO_RESERVE;
}

int tdm_store_x_j_confirm(struct tdm_store *s)
{
    if (s->j_next >= s->ppb) {
        return tdm_store_x_j_compact(s); /* the snapshot copies it anyway */
    }
    int r = load(s, s->j_blk[s->j_active], s->j_last);
    uint32_t seq;
    uint16_t type, len;
    if (r < 0 || !valid(s, &seq, &type, &len)) {
        /* it decayed since mount: it never confirmed, the state in RAM still holds it; a snapshot
         * writes the state out */
        return tdm_err_is_access(r) ? r : tdm_store_x_j_compact(s);
    }
    /* put() rebuilds the record in s->work from the payload already there; on a failing block the snapshot
     * carries the record (it is in the index) */
    int err = put_head(s, type, s->work + ST_JREC_HDR, len);
    return err < 0 ? err : 0;
}

int tdm_store_x_j_read(struct tdm_store *s, uint32_t type, uint8_t **payload, uint32_t *seq)
{
    struct tdm_store_latest *e = find(s, type);
    if (!e) {
        return TDM_E_NOT_FOUND;
    }
    int r = load(s, s->j_blk[e->where], e->page);
    if (r < 0) {
        return tdm_err_is_access(r) ? r : TDM_E_CORRUPT;
    }
    uint32_t sq;
    uint16_t ty, len;
    if (!valid(s, &sq, &ty, &len) || sq != e->seq || ty != type) {
        return TDM_E_CORRUPT;
    }
    *payload = s->work + ST_JREC_HDR;
    if (seq) {
        *seq = sq;
    }
    return len;
}

int tdm_store_journal_append(struct tdm_store *s, uint32_t type, const void *payload, uint32_t len)
{
    if (!s || !s->mounted) {
        return TDM_E_STATE;
    }
    if (type == 0 || type > TDM_STORE_TYPE_USER_MAX) {
        return TDM_E_INVAL;
    }
    uint32_t user = 0;
    for (uint32_t i = 0; i < s->nlatest; i++) {
        user += s->latest[i].type <= TDM_STORE_TYPE_USER_MAX;
    }
    if (!find(s, type) && user >= TDM_STORE_JOURNAL_TYPES - 3) {
        return TDM_E_STORE_FULL; /* the store's own three types always have room */
    }
    int err = tdm_store_x_confirm(s);
    return err < 0 ? err : tdm_store_x_j_append(s, type, payload, len);
}

int tdm_store_journal_latest(struct tdm_store *s, uint32_t type, void *buf, uint32_t cap, uint32_t *seq)
{
    if (!s || !s->mounted) {
        return TDM_E_STATE;
    }
    uint8_t *p = NULL;
    int n = tdm_store_x_j_read(s, type, &p, seq);
    if (n < 0) {
        return n;
    }
    if ((uint32_t)n > cap) {
        return TDM_E_BUFFER;
    }
    memcpy(buf, p, (size_t)n);
    return n;
}
