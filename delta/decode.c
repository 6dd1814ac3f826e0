/* The delta patch decoder of include/tandem/delta.h (format: docs/DELTA.md).
 * Owns: the push-driven step machine (header, range decoder start, add length, seek, extra length, add
 * bytes, extra bytes), the base cache and the output buffer. Never: allocates, reads the base outside
 * [0, base_len), emits past the header's output length, consumes a byte past the body (a step only runs
 * with TDM_DELTA_STEP_MAX bytes in hand or the whole body received). */
#include <string.h>

#include "delta_model.h"
#include "tandem/crc32.h"
#include "tandem/delta.h"
#include "tandem/err.h"
#include "tandem/le.h"

enum {
    ST_HDR = 0,
    ST_RC_START,
    ST_ADD_LEN,
    ST_SEEK,
    ST_EXTRA_LEN,
    ST_ADD,
    ST_EXTRA,
    ST_DONE,
};

#define RC_TOP (1u << 24)

int tdm_delta_header_parse(const uint8_t *buf, uint32_t len, struct tdm_delta_header *h)
{
    if (buf == NULL || h == NULL || len < TDM_DELTA_HDR_LEN) {
        return TDM_E_INVAL;
    }
    if (memcmp(buf, TDM_DELTA_MAGIC, 4) != 0) {
        return TDM_E_DELTA_MAGIC;
    }
    if (buf[4] != TDM_DELTA_VERSION) {
        return TDM_E_DELTA_VERSION;
    }
    if (buf[5] != 0 || tdm_get_le16(buf + 6) != TDM_DELTA_HDR_LEN ||
        tdm_get_le32(buf + 28) != tdm_crc32(0, buf, 28)) {
        return TDM_E_DELTA_CORRUPT;
    }
    h->base_len = tdm_get_le32(buf + 8);
    h->out_len = tdm_get_le32(buf + 12);
    h->out_crc = tdm_get_le32(buf + 16);
    h->base_crc = tdm_get_le32(buf + 20);
    h->body_len = tdm_get_le32(buf + 24);
    if (h->body_len < 5) {
        return TDM_E_DELTA_CORRUPT; /* the range coder's start alone takes 5 bytes */
    }
    return 0;
}

int tdm_delta_init(struct tdm_delta *d, const struct tdm_delta_config *cfg)
{
    if (d == NULL || cfg == NULL || cfg->read == NULL || cfg->write == NULL) {
        return TDM_E_INVAL;
    }
    memset(d, 0, sizeof *d);
    d->cfg = *cfg;
    d->state = ST_HDR;
    tdm_delta_models_init(&d->m);
    return 0;
}

/* ---- range decoder ---- */

static uint8_t rc_byte(struct tdm_delta *d)
{
    if (d->in_head == d->in_tail) {
        /* Only possible once the whole body is in: the patch asks for more than it has. */
        if (d->err == 0) {
            d->err = TDM_E_DELTA_CORRUPT;
        }
        return 0;
    }
    d->body_used++;
    return d->in[d->in_head++];
}

static unsigned rc_bit(struct tdm_delta *d, uint16_t *p)
{
    uint32_t bound = (d->range >> TDM_DELTA_PROB_BITS) * *p;
    unsigned bit;
    if (d->code < bound) {
        d->range = bound;
        *p = (uint16_t)(*p + ((TDM_DELTA_PROB_ONE - *p) >> TDM_DELTA_MOVE_BITS));
        bit = 0;
    } else {
        d->range -= bound;
        d->code -= bound;
        *p = (uint16_t)(*p - (*p >> TDM_DELTA_MOVE_BITS));
        bit = 1;
    }
    if (d->range < RC_TOP) {
        d->range <<= 8;
        d->code = (d->code << 8) | rc_byte(d);
    }
    return bit;
}

static unsigned rc_direct(struct tdm_delta *d)
{
    unsigned bit = 0;
    d->range >>= 1;
    if (d->code >= d->range) {
        d->code -= d->range;
        bit = 1;
    }
    if (d->range < RC_TOP) {
        d->range <<= 8;
        d->code = (d->code << 8) | rc_byte(d);
    }
    return bit;
}

/* A bit tree of `bits` levels, most significant bit first; probs[1 .. 2^bits - 1]. */
static uint32_t rc_tree(struct tdm_delta *d, uint16_t *probs, unsigned bits)
{
    uint32_t m = 1;
    for (unsigned i = 0; i < bits; i++) {
        m = (m << 1) | rc_bit(d, &probs[m]);
    }
    return m - (1u << bits);
}

/* A number of kind k (docs/DELTA.md "Numbers"). */
static uint32_t rc_number(struct tdm_delta *d, unsigned k)
{
    uint32_t nbits = rc_tree(d, d->m.num_len[k], 6);
    if (nbits > 32) {
        if (d->err == 0) {
            d->err = TDM_E_DELTA_CORRUPT;
        }
        return 0;
    }
    if (nbits < 2) {
        return nbits;
    }
    uint32_t below = nbits - 1;
    uint32_t modelled = below < 2 ? below : 2;
    uint32_t v = rc_tree(d, d->m.num_low[k][tdm_delta_low_ctx(nbits)], modelled);
    for (uint32_t i = modelled; i < below; i++) {
        v = (v << 1) | rc_direct(d);
    }
    return (1u << below) | v;
}

/* ---- output and base ---- */

static int out_flush(struct tdm_delta *d)
{
    if (d->out_have == 0) {
        return 0;
    }
    d->crc = tdm_crc32(d->crc, d->out, d->out_have);
    int err = d->cfg.write(d->cfg.write_ctx, d->out, d->out_have);
    d->out_have = 0;
    return err < 0 ? err : 0;
}

static int out_byte(struct tdm_delta *d, uint8_t b)
{
    d->out[d->out_have++] = b;
    d->prev = b;
    d->out_pos++;
    if (d->out_have == TDM_DELTA_OUT_BUF) {
        return out_flush(d);
    }
    return 0;
}

static int base_byte(struct tdm_delta *d, uint32_t pos, uint8_t *b)
{
    if (pos < d->base_off || pos - d->base_off >= d->base_have) {
        uint32_t n = d->cfg.base_len - pos;
        n = n < TDM_DELTA_BASE_BUF ? n : TDM_DELTA_BASE_BUF;
        d->base_have = 0;
        int err = d->cfg.read(d->cfg.read_ctx, pos, d->base, n);
        if (err < 0) {
            return err;
        }
        d->base_off = pos;
        d->base_have = n;
    }
    *b = d->base[pos - d->base_off];
    return 0;
}

/* ---- steps ---- */

/* The next add byte's difference: a zero while the zero run lasts; after it (when the add goes on) one
 * non-zero byte, then the next run's length. */
static uint8_t decode_diff(struct tdm_delta *d)
{
    if (d->zero_left == 0 && !d->nonzero) {
        uint32_t zrun = rc_number(d, TDM_DELTA_K_ZRUN);
        if (zrun > d->add_left) {
            d->err = d->err ? d->err : TDM_E_DELTA_CORRUPT;
            return 0;
        }
        d->adjacent = zrun == 0;
        d->zero_left = zrun;
        d->nonzero = zrun < d->add_left;
    }
    if (d->zero_left != 0) {
        d->zero_left--;
        return 0;
    }
    uint8_t diff;
    d->nonzero = 0;
    if (rc_bit(d, &d->m.rep[tdm_delta_rep_ctx(d->adjacent, d->out_pos)])) {
        diff = d->last_diff;
    } else {
        diff = (uint8_t)rc_tree(d, d->m.diff[tdm_delta_diff_ctx(d->out_pos)], 8);
    }
    d->last_diff = diff;
    return diff;
}

static int step_control(struct tdm_delta *d)
{
    uint32_t room = d->hdr.out_len - d->out_pos;
    switch (d->state) {
    case ST_RC_START:
        d->range = 0xFFFFFFFFu;
        if (rc_byte(d) != 0) {
            return TDM_E_DELTA_CORRUPT; /* the coder's first byte is always 0 */
        }
        for (int i = 0; i < 4; i++) {
            d->code = (d->code << 8) | rc_byte(d);
        }
        d->state = d->hdr.out_len == 0 ? ST_DONE : ST_ADD_LEN;
        return 0;
    case ST_ADD_LEN:
        d->add_left = rc_number(d, TDM_DELTA_K_ADD);
        if (d->add_left > room) {
            return TDM_E_DELTA_CORRUPT;
        }
        d->state = ST_SEEK;
        return 0;
    case ST_SEEK: {
        uint32_t mag = rc_number(d, TDM_DELTA_K_SEEK);
        int64_t pos = d->old_pos;
        if (mag != 0) {
            pos += rc_bit(d, &d->m.seek_sign) ? -(int64_t)mag : (int64_t)mag;
        }
        if (pos < 0 || pos > (int64_t)d->cfg.base_len || (int64_t)d->add_left > (int64_t)d->cfg.base_len - pos) {
            return TDM_E_DELTA_CORRUPT;
        }
        d->old_pos = pos;
        d->state = ST_EXTRA_LEN;
        return 0;
    }
    case ST_EXTRA_LEN:
        d->extra_left = rc_number(d, TDM_DELTA_K_EXTRA);
        if (d->extra_left > room - d->add_left || (d->extra_left == 0 && d->add_left == 0)) {
            return TDM_E_DELTA_CORRUPT;
        }
        d->state = d->add_left != 0 ? ST_ADD : ST_EXTRA;
        return 0;
    default:
        return TDM_E_STATE;
    }
}

/* One add or extra byte. */
static int step_byte(struct tdm_delta *d)
{
    int err;
    if (d->state == ST_ADD && d->zero_left > 1) {
        uint32_t pos = (uint32_t)d->old_pos;
        uint8_t b0;
        err = base_byte(d, pos, &b0);
        if (err < 0) {
            return err;
        }
        uint32_t n = d->zero_left;
        uint32_t c = d->base_have - (pos - d->base_off);
        n = n < c ? n : c;
        c = TDM_DELTA_OUT_BUF - d->out_have;
        n = n < c ? n : c;
        memcpy(d->out + d->out_have, d->base + (pos - d->base_off), n);
        d->out_have = (uint16_t)(d->out_have + n);
        d->out_pos += n;
        d->prev = d->out[d->out_have - 1];
        d->old_pos += n;
        d->zero_left -= n;
        d->add_left -= n;
        if (d->out_have == TDM_DELTA_OUT_BUF) {
            err = out_flush(d);
        }
        if (d->add_left == 0) {
            d->state = d->extra_left != 0 ? ST_EXTRA : ST_ADD_LEN;
        }
    } else if (d->state == ST_ADD) {
        uint8_t b;
        uint8_t diff = decode_diff(d);
        err = base_byte(d, (uint32_t)d->old_pos, &b);
        if (err < 0) {
            return err;
        }
        d->old_pos++;
        err = out_byte(d, (uint8_t)(b + diff));
        if (--d->add_left == 0) {
            d->state = d->extra_left != 0 ? ST_EXTRA : ST_ADD_LEN;
        }
    } else {
        uint8_t b = (uint8_t)rc_tree(d, d->m.lit[tdm_delta_lit_ctx(d->prev, d->out_pos)], 8);
        err = out_byte(d, b);
        if (--d->extra_left == 0) {
            d->state = ST_ADD_LEN;
        }
    }
    if (err == 0 && d->state == ST_ADD_LEN && d->out_pos == d->hdr.out_len) {
        d->state = ST_DONE;
        err = out_flush(d);
    }
    return err;
}

/* Run steps while a step's worth of input is in hand (or the body is complete). */
static int run(struct tdm_delta *d)
{
    for (;;) {
        uint32_t avail = (uint32_t)(d->in_tail - d->in_head);
        if (d->state == ST_DONE || (avail < TDM_DELTA_STEP_MAX && d->body_in < d->hdr.body_len)) {
            return 0;
        }
        int err = (d->state == ST_ADD || d->state == ST_EXTRA) ? step_byte(d) : step_control(d);
        if (err == 0 && d->err != 0) {
            err = d->err;
        }
        if (err < 0) {
            return err;
        }
    }
}

static int take_header(struct tdm_delta *d, const uint8_t **data, uint32_t *len)
{
    uint32_t n = TDM_DELTA_HDR_LEN - d->hdr_have;
    n = n < *len ? n : *len;
    memcpy(d->hdr_raw + d->hdr_have, *data, n);
    d->hdr_have = (uint8_t)(d->hdr_have + n);
    *data += n;
    *len -= n;
    if (d->hdr_have < TDM_DELTA_HDR_LEN) {
        return 0;
    }
    int err = tdm_delta_header_parse(d->hdr_raw, TDM_DELTA_HDR_LEN, &d->hdr);
    if (err < 0) {
        return err;
    }
    if (d->hdr.base_len != d->cfg.base_len) {
        return TDM_E_DELTA_BASE;
    }
    if (d->cfg.out_max != 0 && d->hdr.out_len > d->cfg.out_max) {
        return TDM_E_DELTA_TOO_BIG;
    }
    d->state = ST_RC_START;
    return 0;
}

/* The stream ended before its declared body: corrupt, not truncated (feed and finish say the same). */
static int ended_early(const struct tdm_delta *d)
{
    return d->state == ST_DONE && d->body_used != d->hdr.body_len;
}

int tdm_delta_feed(struct tdm_delta *d, const uint8_t *data, uint32_t len)
{
    if (d == NULL || (data == NULL && len != 0)) {
        return TDM_E_INVAL;
    }
    int err = d->err;
    if (err == 0 && d->state == ST_HDR) {
        err = take_header(d, &data, &len);
    }
    while (err == 0 && len > 0) {
        if (d->state == ST_HDR) {
            break;
        }
        if (ended_early(d)) {
            /* the stream ended before its body did, as tdm_delta_finish would say; said here because a full
             * window of bytes the decoder will never consume would otherwise loop for ever (fuzz_delta) */
            err = TDM_E_DELTA_CORRUPT;
            break;
        }
        if (d->body_in == d->hdr.body_len) {
            err = TDM_E_DELTA_TRAILING;
            break;
        }
        /* Compact the window, then take what fits of the rest of the body. */
        uint32_t avail = (uint32_t)(d->in_tail - d->in_head);
        memmove(d->in, d->in + d->in_head, avail);
        d->in_head = 0;
        d->in_tail = (uint16_t)avail;
        uint32_t n = TDM_DELTA_IN_BUF - avail;
        n = n < len ? n : len;
        n = n < d->hdr.body_len - d->body_in ? n : d->hdr.body_len - d->body_in;
        memcpy(d->in + avail, data, n);
        d->in_tail = (uint16_t)(d->in_tail + n);
        d->body_in += n;
        data += n;
        len -= n;
        err = run(d);
    }
    if (err == 0 && d->state != ST_HDR && d->body_in == d->hdr.body_len) {
        err = run(d);
    }
    d->err = err;
    return err;
}

int tdm_delta_finish(struct tdm_delta *d)
{
    if (d == NULL) {
        return TDM_E_INVAL;
    }
    if (d->err != 0) {
        return d->err;
    }
    if (!ended_early(d) && (d->state == ST_HDR || d->body_in < d->hdr.body_len)) {
        d->err = TDM_E_DELTA_TRUNCATED;
    } else if (d->state != ST_DONE || d->body_used != d->hdr.body_len || d->code != 0) {
        /* code != 0: the body does not end where the encoder's flush ends it (a changed last byte). */
        d->err = TDM_E_DELTA_CORRUPT;
    } else if (d->crc != d->hdr.out_crc) {
        d->err = TDM_E_DELTA_OUTPUT;
    }
    return d->err;
}

uint32_t tdm_delta_out_pos(const struct tdm_delta *d)
{
    return d->out_pos - d->out_have;
}

const struct tdm_delta_header *tdm_delta_header(const struct tdm_delta *d)
{
    return d->state == ST_HDR ? NULL : &d->hdr;
}
