/* The delta patch encoder of delta_build.h: the range coder and the models that mirror delta/decode.c
 * bit for bit (contexts from delta/delta_model.h), the patch header, and the in-memory apply helper.
 * Owns: writing patches. Never: decides instructions (delta_match.c) or decodes (delta/decode.c). */
#include <stdlib.h>
#include <string.h>

#include "delta_build.h"
#include "delta_model.h"
#include "tandem/crc32.h"
#include "tandem/delta.h"
#include "tandem/err.h"
#include "tandem/le.h"

struct rc_enc {
    uint64_t low;
    uint32_t range;
    uint8_t cache;
    uint64_t pending; /* bytes held back for a carry: the cache byte and 0xFF bytes after it */
    uint8_t *buf;
    size_t len, cap;
    int oom;
};

static void enc_put(struct rc_enc *e, uint8_t b)
{
    if (e->len == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4096;
        uint8_t *nb = realloc(e->buf, cap);
        if (nb == NULL) {
            e->oom = 1;
            return;
        }
        e->buf = nb;
        e->cap = cap;
    }
    e->buf[e->len++] = b;
}

static void enc_shift(struct rc_enc *e)
{
    if ((uint32_t)e->low < 0xFF000000u || (e->low >> 32) != 0) {
        uint8_t carry = (uint8_t)(e->low >> 32);
        uint8_t b = e->cache;
        do {
            enc_put(e, (uint8_t)(b + carry));
            b = 0xFF;
        } while (--e->pending != 0);
        e->cache = (uint8_t)(e->low >> 24);
    }
    e->pending++;
    e->low = (e->low & 0x00FFFFFFu) << 8;
}

static void enc_bit(struct rc_enc *e, uint16_t *p, unsigned bit)
{
    uint32_t bound = (e->range >> TDM_DELTA_PROB_BITS) * *p;
    if (!bit) {
        e->range = bound;
        *p = (uint16_t)(*p + ((TDM_DELTA_PROB_ONE - *p) >> TDM_DELTA_MOVE_BITS));
    } else {
        e->low += bound;
        e->range -= bound;
        *p = (uint16_t)(*p - (*p >> TDM_DELTA_MOVE_BITS));
    }
    while (e->range < (1u << 24)) {
        e->range <<= 8;
        enc_shift(e);
    }
}

static void enc_direct(struct rc_enc *e, unsigned bit)
{
    e->range >>= 1;
    if (bit) {
        e->low += e->range;
    }
    while (e->range < (1u << 24)) {
        e->range <<= 8;
        enc_shift(e);
    }
}

static void enc_tree(struct rc_enc *e, uint16_t *probs, unsigned bits, uint32_t v)
{
    uint32_t m = 1;
    for (unsigned i = bits; i-- > 0;) {
        unsigned bit = (v >> i) & 1u;
        enc_bit(e, &probs[m], bit);
        m = (m << 1) | bit;
    }
}

static void enc_number(struct rc_enc *e, struct tdm_delta_models *m, unsigned k, uint32_t v)
{
    uint32_t nbits = 0;
    while (nbits < 32 && (v >> nbits) != 0) {
        nbits++;
    }
    enc_tree(e, m->num_len[k], 6, nbits);
    if (nbits < 2) {
        return;
    }
    uint32_t below = nbits - 1;
    uint32_t modelled = below < 2 ? below : 2;
    uint32_t rest = below - modelled;
    enc_tree(e, m->num_low[k][tdm_delta_low_ctx(nbits)], modelled, (v >> rest) & ((1u << modelled) - 1u));
    for (uint32_t i = rest; i-- > 0;) {
        enc_direct(e, (v >> i) & 1u);
    }
}

/* Coder state that mirrors the decoder's. */
struct enc_state {
    struct rc_enc rc;
    struct tdm_delta_models m;
    uint8_t last_diff, prev;
    uint32_t out_pos;
};

static void enc_nonzero(struct enc_state *s, uint8_t diff, uint8_t adjacent)
{
    unsigned rep = diff == s->last_diff;
    enc_bit(&s->rc, &s->m.rep[tdm_delta_rep_ctx(adjacent, s->out_pos)], rep);
    if (!rep) {
        enc_tree(&s->rc, s->m.diff[tdm_delta_diff_ctx(s->out_pos)], 8, diff);
    }
    s->last_diff = diff;
}

/* The add bytes of one instruction: zero runs, each followed by one non-zero difference while bytes
 * remain. */
static void enc_add(struct enc_state *s, const uint8_t *base, const uint8_t *nw, uint32_t add)
{
    uint32_t k = 0;
    while (k < add) {
        uint32_t run = 0;
        while (k + run < add && nw[s->out_pos + run] == base[k + run]) {
            run++;
        }
        enc_number(&s->rc, &s->m, TDM_DELTA_K_ZRUN, run);
        s->out_pos += run;
        k += run;
        if (k < add) {
            enc_nonzero(s, (uint8_t)(nw[s->out_pos] - base[k]), run == 0);
            s->out_pos++;
            k++;
        }
    }
    if (add != 0) {
        s->prev = nw[s->out_pos - 1];
    }
}

static void enc_op(struct enc_state *s, const struct tdm_delta_op *op, const uint8_t *base, int64_t *old,
                   const uint8_t *nw)
{
    enc_number(&s->rc, &s->m, TDM_DELTA_K_ADD, op->add);
    uint64_t mag = op->seek < 0 ? (uint64_t)-op->seek : (uint64_t)op->seek;
    enc_number(&s->rc, &s->m, TDM_DELTA_K_SEEK, (uint32_t)mag);
    if (mag != 0) {
        enc_bit(&s->rc, &s->m.seek_sign, op->seek < 0);
    }
    enc_number(&s->rc, &s->m, TDM_DELTA_K_EXTRA, op->extra);
    *old += op->seek;
    enc_add(s, base + *old, nw, op->add);
    *old += op->add;
    for (uint32_t k = 0; k < op->extra; k++) {
        uint8_t b = nw[s->out_pos];
        enc_tree(&s->rc, s->m.lit[tdm_delta_lit_ctx(s->prev, s->out_pos)], 8, b);
        s->prev = b;
        s->out_pos++;
    }
}

int tdm_delta_encode(const uint8_t *base, size_t base_len, const uint8_t *nw, size_t new_len, uint8_t **patch,
                     size_t *patch_len)
{
    if (patch == NULL || patch_len == NULL || base_len > 0xFFFFFFFFu || new_len > 0xFFFFFFFFu) {
        return TDM_E_INVAL;
    }
    struct tdm_delta_op *ops = NULL;
    size_t nops = 0;
    int err = tdm_delta_match(base, base_len, nw, new_len, &ops, &nops);
    if (err < 0) {
        return err;
    }
    struct enc_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        free(ops);
        return TDM_E_INVAL;
    }
    s->rc.range = 0xFFFFFFFFu;
    s->rc.pending = 1;
    tdm_delta_models_init(&s->m);
    int64_t old = 0;
    for (size_t i = 0; i < nops; i++) {
        enc_op(s, &ops[i], base, &old, nw);
    }
    for (int i = 0; i < 5; i++) {
        enc_shift(&s->rc);
    }
    free(ops);
    uint8_t *out = s->rc.oom ? NULL : malloc(TDM_DELTA_HDR_LEN + s->rc.len);
    if (out == NULL) {
        free(s->rc.buf);
        free(s);
        return TDM_E_INVAL;
    }
    memcpy(out, TDM_DELTA_MAGIC, 4);
    out[4] = TDM_DELTA_VERSION;
    out[5] = 0;
    tdm_put_le16(out + 6, TDM_DELTA_HDR_LEN);
    tdm_put_le32(out + 8, (uint32_t)base_len);
    tdm_put_le32(out + 12, (uint32_t)new_len);
    tdm_put_le32(out + 16, tdm_crc32(0, nw, new_len));
    tdm_put_le32(out + 20, tdm_crc32(0, base, base_len));
    tdm_put_le32(out + 24, (uint32_t)s->rc.len);
    tdm_put_le32(out + 28, tdm_crc32(0, out, 28));
    memcpy(out + TDM_DELTA_HDR_LEN, s->rc.buf, s->rc.len);
    *patch = out;
    *patch_len = TDM_DELTA_HDR_LEN + s->rc.len;
    free(s->rc.buf);
    free(s);
    return 0;
}

/* ---- in-memory apply through the device decoder ---- */

int tdm_delta_mem_read(void *ctx, uint32_t off, uint8_t *buf, uint32_t len)
{
    const struct tdm_delta_mem *io = ctx;
    memcpy(buf, io->base + off, len);
    return 0;
}

int tdm_delta_mem_write(void *ctx, const uint8_t *buf, uint32_t len)
{
    struct tdm_delta_mem *io = ctx;
    if (len > io->out_len - io->out_pos) {
        return TDM_E_RANGE;
    }
    memcpy(io->out + io->out_pos, buf, len);
    io->out_pos += len;
    return 0;
}

int tdm_delta_apply_buf(const uint8_t *base, size_t base_len, const uint8_t *patch, size_t patch_len,
                        size_t chunk, uint8_t **out, size_t *out_len)
{
    struct tdm_delta_header h;
    int err = tdm_delta_header_parse(patch, (uint32_t)patch_len, &h);
    if (err < 0) {
        return patch_len < TDM_DELTA_HDR_LEN ? TDM_E_DELTA_TRUNCATED : err;
    }
    struct tdm_delta_mem io = {base, malloc(h.out_len ? h.out_len : 1), h.out_len, 0};
    struct tdm_delta *d = malloc(sizeof *d);
    struct tdm_delta_config cfg = {tdm_delta_mem_read, &io, tdm_delta_mem_write, &io, (uint32_t)base_len, 0};
    err = (io.out == NULL || d == NULL) ? TDM_E_INVAL : tdm_delta_init(d, &cfg);
    size_t step = chunk ? chunk : patch_len;
    for (size_t off = 0; err == 0 && off < patch_len; off += step) {
        size_t n = patch_len - off < step ? patch_len - off : step;
        err = tdm_delta_feed(d, patch + off, (uint32_t)n);
    }
    if (err == 0) {
        err = tdm_delta_finish(d);
    }
    free(d);
    if (err < 0) {
        free(io.out);
        return err;
    }
    *out = io.out;
    *out_len = io.out_len;
    return 0;
}
