/* The security counter over OTP words: a thermometer of slots, each slot a value and its complement
 * (include/tandem/otp_counter.h has the encoding and why; docs/TARGET.md the nRF5340 region).
 *
 * Owns: reading the region, choosing the next slot, the one write of an advance and its read-back.
 * Never: writes a word that is not blank (the KMU's write-once rule), writes outside [first, first +
 * slots), counts a torn slot, lowers the value, keeps state between calls (OTP is the only truth).
 */
#include "tandem/otp_counter.h"

#include "tandem/err.h"

#define HALF 0xFFFFu
#define BLANK 0xFFFFFFFFu

uint32_t tdm_otp_counter_encode(uint32_t value)
{
    return (value & HALF) | ((value ^ HALF) & HALF) << 16;
}

enum tdm_otp_slot tdm_otp_counter_decode(uint32_t word, uint32_t *value)
{
    if (word == BLANK) {
        return TDM_OTP_SLOT_BLANK;
    }
    uint32_t lo = word & HALF, hi = word >> 16;
    if ((lo ^ hi) != HALF) {
        return TDM_OTP_SLOT_TORN; /* some position kept both 1s: a write that did not finish */
    }
    *value = lo;
    return TDM_OTP_SLOT_VALUE;
}

int tdm_otp_counter_init(struct tdm_otp_counter *c, struct tdm_otp_ops otp, uint32_t first, uint32_t slots)
{
    if (!otp.read || !otp.write || slots == 0 || first > otp.words || slots > otp.words - first) {
        return TDM_E_INVAL;
    }
    c->otp = otp;
    c->first = first;
    c->slots = slots;
    return 0;
}

/* The region as it is: the value and the next slot to write (slots when none is left). */
struct scan {
    uint32_t value, next;
};

static int scan(const struct tdm_otp_counter *c, struct scan *s)
{
    s->value = 0;
    s->next = 0;
    for (uint32_t i = 0; i < c->slots; i++) {
        uint32_t word = 0, v = 0;
        int err = c->otp.read(c->otp.ctx, c->first + i, &word);
        if (err < 0) {
            return err;
        }
        enum tdm_otp_slot kind = tdm_otp_counter_decode(word, &v);
        if (kind != TDM_OTP_SLOT_BLANK) {
            s->next = i + 1; /* slots go in order: never write below a used one */
        }
        if (kind == TDM_OTP_SLOT_VALUE && v > s->value) {
            s->value = v;
        }
    }
    return 0;
}

static int counter_get(void *ctx, uint32_t *value)
{
    struct scan s;
    int err = scan(ctx, &s);
    if (err < 0) {
        return err;
    }
    *value = s.value;
    return 0;
}

static int counter_advance(void *ctx, uint32_t value)
{
    const struct tdm_otp_counter *c = ctx;
    struct scan s;
    int err = scan(c, &s);
    if (err < 0) {
        return err;
    }
    if (value < s.value) {
        return TDM_E_BOOT_COUNTER;
    }
    if (value == s.value) {
        return 0;
    }
    if (value > TDM_OTP_COUNTER_MAX) {
        return TDM_E_BOOT_COUNTER_RANGE;
    }
    if (s.next >= c->slots) {
        return TDM_E_BOOT_COUNTER_FULL;
    }
    uint32_t word = tdm_otp_counter_encode(value), back = 0;
    err = c->otp.write(c->otp.ctx, c->first + s.next, word);
    if (err < 0) {
        return err;
    }
    err = c->otp.read(c->otp.ctx, c->first + s.next, &back);
    if (err < 0) {
        return err;
    }
    return back == word ? 0 : TDM_E_IO;
}

static int counter_slots_left(void *ctx)
{
    const struct tdm_otp_counter *c = ctx;
    struct scan s;
    int err = scan(c, &s);
    return err < 0 ? err : (int)(c->slots - s.next);
}

struct tdm_counter_ops tdm_otp_counter_ops(struct tdm_otp_counter *c)
{
    struct tdm_counter_ops ops = {.ctx = c, .get = counter_get, .advance = counter_advance,
                                  .slots_left = counter_slots_left};
    return ops;
}
