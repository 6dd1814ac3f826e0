/* The boot-state journal record and the transitions made outside the bootloader (include/tandem/bootstate.h).
 * Owns: the record format:
 *   0 format u8 (1) | 1 phase u8 | 2 step u8 | 3 last u8 | 4 inst_slot u8 | 5 cand_slot u8 | 6 nrejected u8
 *   7 trial_retries u8 (reserved 0 before it existed: an older record decodes as 0 retries) | 8 inst_gen u32 | 12 cand_gen u32 | 16 cand_counter u32 | 20 counter_due u32
 *   24 refused_err u32 | 28 cand_version (8) | 36 inst_version (8) | 44 cand_sha (32)
 *   76 rejected[4] (4 x 32) | 204 boot_major u8 | 205 boot_minor u8 (0.0 before it existed: unknown)
 *   = 206 bytes, padded with zeros to 212.
 * Never: advances the counter before the confirmation record is durable. */
#include "tandem/bootstate.h"

#include "tandem/err.h"
#include "tandem/le.h"

static void copy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        dst[i] = src[i];
    }
}

static int equal(const uint8_t *a, const uint8_t *b, uint32_t n)
{
    uint8_t d = 0;
    for (uint32_t i = 0; i < n; i++) {
        d |= (uint8_t)(a[i] ^ b[i]);
    }
    return d == 0;
}

void tdm_bootstate_encode(const struct tdm_bootstate *st, uint8_t out[TDM_BOOTSTATE_LEN])
{
    for (uint32_t i = 0; i < TDM_BOOTSTATE_LEN; i++) {
        out[i] = 0;
    }
    out[0] = TDM_BOOTSTATE_FORMAT;
    out[1] = st->phase;
    out[2] = st->step;
    out[3] = st->last;
    out[4] = st->inst_slot;
    out[5] = st->cand_slot;
    out[6] = st->nrejected;
    out[7] = st->trial_retries;
    tdm_put_le32(out + 8, st->inst_gen);
    tdm_put_le32(out + 12, st->cand_gen);
    tdm_put_le32(out + 16, st->cand_counter);
    tdm_put_le32(out + 20, st->counter_due);
    tdm_put_le32(out + 24, st->refused_err);
    tdm_version_put(out + 28, &st->cand_version);
    tdm_version_put(out + 36, &st->inst_version);
    copy(out + 44, st->cand_sha, TDM_SHA256_LEN);
    for (unsigned k = 0; k < TDM_BOOTSTATE_REJECTED_MAX; k++) {
        copy(out + 76 + 32 * k, st->rejected[k], TDM_SHA256_LEN);
    }
    out[204] = st->boot_major;
    out[205] = st->boot_minor;
}

static int slot_ok(uint8_t s)
{
    return s == TDM_STORE_SLOT_A || s == TDM_STORE_SLOT_B || s == TDM_STORE_NONE;
}

int tdm_bootstate_decode(const uint8_t *in, uint32_t len, struct tdm_bootstate *st)
{
    if (len != TDM_BOOTSTATE_LEN || in[0] != TDM_BOOTSTATE_FORMAT || in[1] > TDM_BS_REPAIR ||
        in[2] > TDM_BS_STEP_VERIFY || in[3] > TDM_BS_LAST_REFUSED || !slot_ok(in[4]) || !slot_ok(in[5]) ||
        in[6] > TDM_BOOTSTATE_REJECTED_MAX) {
        return TDM_E_CORRUPT;
    }
    st->phase = in[1];
    st->step = in[2];
    st->last = in[3];
    st->inst_slot = in[4];
    st->cand_slot = in[5];
    st->nrejected = in[6];
    st->trial_retries = in[7];
    st->inst_gen = tdm_get_le32(in + 8);
    st->cand_gen = tdm_get_le32(in + 12);
    st->cand_counter = tdm_get_le32(in + 16);
    st->counter_due = tdm_get_le32(in + 20);
    st->refused_err = tdm_get_le32(in + 24);
    tdm_version_get(in + 28, &st->cand_version);
    tdm_version_get(in + 36, &st->inst_version);
    copy(st->cand_sha, in + 44, TDM_SHA256_LEN);
    for (unsigned k = 0; k < TDM_BOOTSTATE_REJECTED_MAX; k++) {
        copy(st->rejected[k], in + 76 + 32 * k, TDM_SHA256_LEN);
    }
    st->boot_major = in[204];
    st->boot_minor = in[205];
    return 0;
}

int tdm_bootstate_load(struct tdm_store *s, struct tdm_bootstate *st)
{
    uint8_t buf[TDM_BOOTSTATE_LEN];
    int n = tdm_store_journal_latest(s, TDM_BOOTSTATE_TYPE, buf, sizeof buf, 0);
    if (n == TDM_E_NOT_FOUND) {
        struct tdm_bootstate fresh = {.phase = TDM_BS_IDLE, .inst_slot = TDM_STORE_NONE, .cand_slot = TDM_STORE_NONE};
        *st = fresh;
        return 0;
    }
    if (n < 0) {
        return n;
    }
    return tdm_bootstate_decode(buf, (uint32_t)n, st);
}

int tdm_bootstate_save(struct tdm_store *s, const struct tdm_bootstate *st)
{
    uint8_t buf[TDM_BOOTSTATE_LEN];
    tdm_bootstate_encode(st, buf);
    return tdm_store_journal_append(s, TDM_BOOTSTATE_TYPE, buf, sizeof buf);
}

int tdm_bootstate_is_rejected(const struct tdm_bootstate *st, const uint8_t sha[TDM_SHA256_LEN])
{
    for (unsigned k = 0; k < st->nrejected && k < TDM_BOOTSTATE_REJECTED_MAX; k++) {
        if (equal(st->rejected[k], sha, TDM_SHA256_LEN)) {
            return 1;
        }
    }
    return 0;
}

int tdm_bootstate_request(struct tdm_store *s, unsigned slot, uint32_t counter, const struct tdm_version *version)
{
    struct tdm_bootstate st;
    struct tdm_store_slot_info si;
    int err = tdm_bootstate_load(s, &st);
    err = err < 0 ? err : tdm_store_slot_info(s, slot, &si);
    if (err < 0) {
        return err;
    }
    if (st.phase != TDM_BS_IDLE && st.phase != TDM_BS_PENDING) {
        return TDM_E_STATE;
    }
    if (si.state != TDM_STORE_COMMITTED || slot == st.inst_slot) {
        return TDM_E_STORE_SLOT;
    }
    if (tdm_bootstate_is_rejected(&st, si.sha256)) {
        return TDM_E_BOOT_REJECTED;
    }
    st.phase = TDM_BS_PENDING;
    st.step = TDM_BS_STEP_CAPTURE;
    st.cand_slot = (uint8_t)slot;
    st.cand_gen = si.gen;
    copy(st.cand_sha, si.sha256, TDM_SHA256_LEN);
    st.cand_counter = counter;
    st.cand_version = *version;
    return tdm_bootstate_save(s, &st);
}

int tdm_bootstate_settle(struct tdm_store *s, const struct tdm_bootstate *st, const struct tdm_counter_ops *counter)
{
    unsigned inst, cand;
    tdm_store_roles(s, &inst, &cand);
    unsigned want_inst = st->inst_slot, want_cand = st->phase == TDM_BS_IDLE ? TDM_STORE_NONE : st->cand_slot;
    struct tdm_store_slot_info si;
    if (want_inst != TDM_STORE_NONE && (tdm_store_slot_info(s, want_inst, &si) < 0 || si.gen != st->inst_gen ||
                                        si.state != TDM_STORE_COMMITTED)) {
        want_inst = TDM_STORE_NONE;
    }
    if (want_cand != TDM_STORE_NONE && (tdm_store_slot_info(s, want_cand, &si) < 0 || si.gen != st->cand_gen ||
                                        si.state != TDM_STORE_COMMITTED)) {
        want_cand = TDM_STORE_NONE;
    }
    if (inst != want_inst || cand != want_cand) {
        int err = tdm_store_set_roles(s, want_inst, want_cand);
        if (err < 0) {
            return err;
        }
    }
    if (st->phase == TDM_BS_IDLE && counter) {
        uint32_t now = 0;
        int err = counter->get(counter->ctx, &now);
        if (err < 0) {
            return err;
        }
        if (st->counter_due > now) {
            return counter->advance(counter->ctx, st->counter_due);
        }
    }
    return 0;
}

int tdm_bootstate_confirm(struct tdm_store *s, const struct tdm_counter_ops *counter)
{
    struct tdm_bootstate st;
    int err = tdm_bootstate_load(s, &st);
    if (err < 0) {
        return err;
    }
    if (st.phase != TDM_BS_TRIAL) {
        return TDM_E_STATE;
    }
    st.phase = TDM_BS_IDLE;
    st.last = TDM_BS_LAST_CONFIRMED;
    st.inst_slot = st.cand_slot;
    st.inst_gen = st.cand_gen;
    st.inst_version = st.cand_version;
    st.counter_due = st.cand_counter > st.counter_due ? st.cand_counter : st.counter_due;
    st.cand_slot = TDM_STORE_NONE;
    st.cand_gen = 0;
    err = tdm_bootstate_save(s, &st);
    return err < 0 ? err : tdm_bootstate_settle(s, &st, counter);
}
