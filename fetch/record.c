/* The fetch agent's progress record (journal type TDM_FETCH_RECORD_TYPE, docs/FETCH.md "Agent").
 * Owns: its byte format, little-endian, format byte first. Never: writes anything but one journal record
 * per save, or accepts a record whose lengths or state do not add up (TDM_E_CORRUPT). */
#include <string.h>

#include "tandem/err.h"
#include "tandem/fetch.h"
#include "tandem/le.h"

#define HDR 20

static size_t bounded_len(const char *s, size_t cap)
{
    size_t n = 0;
    while (n < cap && s[n]) {
        n++;
    }
    return n;
}

int tdm_fetch_record_encode(const struct tdm_fetch_record *rec, uint8_t out[TDM_FETCH_RECORD_MAX])
{
    size_t vl = bounded_len(rec->validator, TDM_TRANSPORT_VALIDATOR_MAX);
    size_t ul = bounded_len(rec->url, TDM_FETCH_URL_MAX);
    if (vl >= TDM_TRANSPORT_VALIDATOR_MAX || ul >= TDM_FETCH_URL_MAX) {
        return TDM_E_INVAL;
    }
    out[0] = TDM_FETCH_RECORD_FORMAT;
    out[1] = rec->state;
    out[2] = rec->slot;
    out[3] = (uint8_t)vl;
    tdm_put_le32(out + 4, rec->gen);
    tdm_put_le32(out + 8, rec->total);
    tdm_put_le32(out + 12, (uint32_t)rec->err);
    tdm_put_le16(out + 16, (uint16_t)ul);
    out[18] = rec->flags;
    out[19] = 0;
    memcpy(out + HDR, rec->validator, vl);
    memcpy(out + HDR + vl, rec->url, ul);
    return (int)(HDR + vl + ul);
}

int tdm_fetch_record_decode(const uint8_t *in, uint32_t len, struct tdm_fetch_record *rec)
{
    if (len < HDR || in[0] != TDM_FETCH_RECORD_FORMAT) {
        return TDM_E_CORRUPT;
    }
    uint32_t vl = in[3], ul = tdm_get_le16(in + 16);
    if (in[1] < TDM_FETCH_ACTIVE || in[1] > TDM_FETCH_FAILED || in[2] >= TDM_STORE_SLOTS ||
        vl >= TDM_TRANSPORT_VALIDATOR_MAX || ul >= TDM_FETCH_URL_MAX || len != HDR + vl + ul ||
        (in[18] & ~TDM_FETCH_REC_DELTA) != 0) {
        return TDM_E_CORRUPT;
    }
    memset(rec, 0, sizeof *rec);
    rec->state = in[1];
    rec->slot = in[2];
    rec->gen = tdm_get_le32(in + 4);
    rec->total = tdm_get_le32(in + 8);
    rec->err = (int32_t)tdm_get_le32(in + 12);
    rec->flags = in[18];
    memcpy(rec->validator, in + HDR, vl);
    memcpy(rec->url, in + HDR + vl, ul);
    return 0;
}

int tdm_fetch_record_load(struct tdm_store *s, struct tdm_fetch_record *rec)
{
    uint8_t buf[TDM_FETCH_RECORD_MAX];
    int n = tdm_store_journal_latest(s, TDM_FETCH_RECORD_TYPE, buf, sizeof buf, NULL);
    if (n < 0) {
        return n == TDM_E_BUFFER ? TDM_E_CORRUPT : n;
    }
    return tdm_fetch_record_decode(buf, (uint32_t)n, rec);
}

int tdm_fetch_record_save(struct tdm_store *s, const struct tdm_fetch_record *rec)
{
    uint8_t buf[TDM_FETCH_RECORD_MAX];
    int n = tdm_fetch_record_encode(rec, buf);
    if (n < 0) {
        return n;
    }
    return tdm_store_journal_append(s, TDM_FETCH_RECORD_TYPE, buf, (uint32_t)n);
}
