/* The security counter over UICR OTP words (counter/otp_counter.c over sim/otp_sim.c), as a
 * specification: the slot code, every partial pattern of a slot write at every slot, power cuts at
 * every write (before and torn), the KMU's write-once-per-halfword rule, and the simulated device using
 * the same code. Replay one cut: --seed S --cut N --torn 0|1 (scenario "a cut at every counter write").
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "harness.h"
#include "otp_sim.h"
#include "rng.h"
#include "tandem/otp_counter.h"

#define SLOTS 8u   /* region of the exhaustive scenarios */
#define FIRST 100u /* anywhere in OTP: the code never assumes the board's region */

static struct tdm_sim_otp otp;
static struct tdm_otp_ops port;
static struct tdm_otp_counter ctr;
static struct tdm_counter_ops ops;

static void fresh(uint32_t first, uint32_t slots)
{
    tdm_sim_otp_init(&otp, tdm_test_seed());
    port = tdm_sim_otp_ops(&otp);
    TDM_CHECK_OK(tdm_otp_counter_init(&ctr, port, first, slots));
    ops = tdm_otp_counter_ops(&ctr);
}

static uint32_t value(void)
{
    uint32_t v = 0xDEAD;
    TDM_CHECK_OK(ops.get(ops.ctx, &v));
    return v;
}

/* Every word a write of a slot can leave: per bit position i, the pair (value bit i, complement bit i)
 * is (0,1) or (1,0) when written and (1,1) where the 1 -> 0 change did not happen: 3^16 words, every
 * value and every partial pattern of it. Only a complete write may decode to a value, and to its own. */
static void every_partial_pattern_of_every_value_decodes_as_torn(void)
{
    uint8_t digit[16] = {0};
    uint32_t word = 0xFFFF0000u; /* all digits 0: value bit 0, complement bit 1 -> value 0 */
    uint64_t cases = 0, values = 0, torn = 0, blank = 0;
    for (;;) {
        unsigned missing = 0;
        for (unsigned i = 0; i < 16; i++) {
            missing += digit[i] == 2;
        }
        uint32_t v = 0xDEAD;
        enum tdm_otp_slot kind = tdm_otp_counter_decode(word, &v);
        cases++;
        if (missing == 0) {
            TDM_CHECK_MSG(kind == TDM_OTP_SLOT_VALUE && tdm_otp_counter_encode(v) == word, "word %08x", word);
            values++;
        } else if (missing == 16) {
            TDM_CHECK_MSG(kind == TDM_OTP_SLOT_BLANK, "word %08x", word);
            blank++;
        } else {
            TDM_CHECK_MSG(kind == TDM_OTP_SLOT_TORN, "word %08x decodes to a value", word);
            torn++;
        }
        unsigned i = 0; /* next word: add one to the base-3 number, updating the changed pairs */
        while (i < 16 && digit[i] == 2) {
            digit[i] = 0;
            word = (word & ~(0x10001u << i)) | (0x10000u << i);
            i++;
        }
        if (i == 16) {
            break;
        }
        digit[i]++;
        word = digit[i] == 1 ? (word & ~(0x10001u << i)) | (1u << i) : word | (0x10001u << i);
    }
    TDM_CHECK(cases == 43046721u && values == 65536u && blank == 1u && torn == cases - values - blank);
}

/* The word a torn write of encode(v) leaves when only the 1 -> 0 changes selected by `done` happened:
 * bit j of done is the j-th 0 bit of the code, counted from bit 0. */
static uint32_t partial(uint32_t v, uint32_t done)
{
    uint32_t code = tdm_otp_counter_encode(v), word = 0xFFFFFFFFu;
    unsigned j = 0;
    for (unsigned b = 0; b < 32; b++) {
        if (!(code >> b & 1u)) {
            word &= (done >> j & 1u) ? ~(1u << b) : 0xFFFFFFFFu;
            j++;
        }
    }
    return word;
}

/* Slots 0 .. k-1 as an earlier life left them: complete advances, and every third slot torn (carrying a
 * larger value that must never count). Returns the last durable value. */
static uint32_t history(uint32_t k, uint64_t *rng)
{
    uint32_t old = 0;
    for (uint32_t j = 0; j < k; j++) {
        uint32_t v = old + 1 + tdm_rng_below(rng, 40);
        int torn = j % 3 == 2;
        uint32_t word = torn ? partial(v + 1000, 1u + tdm_rng_below(rng, 0xFFFEu)) : tdm_otp_counter_encode(v);
        TDM_CHECK_OK(port.write(port.ctx, FIRST + j, word));
        old = torn ? old : v;
    }
    return old;
}

/* One torn write of `v` at slot k (only the changes in `done` happened) over the saved history: the
 * value is the old one unless the write completed; the next advance works while a slot is left. */
static void torn_then_advance(const uint32_t *saved, uint32_t k, uint32_t old, uint32_t v, uint32_t done)
{
    memcpy(otp.words, saved, sizeof otp.words);
    TDM_CHECK_OK(port.write(port.ctx, FIRST + k, partial(v, done)));
    uint32_t now = value();
    int complete = done == 0xFFFFu;
    TDM_CHECK_MSG(now == (complete ? v : old), "slot %u value %u done %04x: reads %u, durable %u", k, v, done,
                  now, old);
    int spent = done != 0 && !complete; /* a torn word is never written again */
    int err = ops.advance(ops.ctx, v);
    if (k + 1 + (uint32_t)spent > SLOTS) {
        TDM_CHECK_MSG(err == TDM_E_BOOT_COUNTER_FULL && value() == old, "last slot torn (done %04x)", done);
        return;
    }
    TDM_CHECK_MSG(err == 0 && value() == v, "advance after a torn slot %u (done %04x): %s", k, done,
                  tdm_errname(err));
    TDM_CHECK(ops.slots_left(ops.ctx) == (int)(SLOTS - k - 1 - (uint32_t)spent));
}

static void every_partial_write_at_every_slot_reads_the_durable_value(void)
{
    uint64_t rng = tdm_test_seed();
    uint32_t saved[TDM_OTP_WORDS_NRF5340];
    for (uint32_t k = 0; k < SLOTS; k++) {
        fresh(FIRST, SLOTS);
        uint32_t old = history(k, &rng);
        memcpy(saved, otp.words, sizeof saved);
        uint32_t values[3] = {old + 1, TDM_OTP_COUNTER_MAX, old + 2 + tdm_rng_below(&rng, TDM_OTP_COUNTER_MAX - old - 2)};
        for (unsigned n = 0; n < 3; n++) {
            for (uint32_t done = 0; done <= 0xFFFFu; done++) {
                torn_then_advance(saved, k, old, values[n], done);
            }
        }
    }
}

/* Advance through values with a cut at operation `cut` (before it, or torn inside it); then power on and
 * finish the same advances. The value is never below the last durable advance, never other than it or
 * the value being written, and the final value is the last one. Returns 1 if the cut happened. */
static int cut_run(uint64_t cut, int torn, const uint32_t *vals, unsigned n)
{
    fresh(FIRST, SLOTS);
    tdm_sim_domain_cut_at(otp.dom, cut, torn ? TDM_SIM_CUT_TORN : TDM_SIM_CUT_BEFORE);
    uint32_t durable = 0;
    unsigned i = 0;
    int err = 0;
    for (; i < n; i++) {
        err = ops.advance(ops.ctx, vals[i]);
        if (err < 0) {
            break;
        }
        durable = vals[i];
    }
    if (i == n) {
        return 0;
    }
    TDM_CHECK_ERR(err, TDM_E_POWER);
    TDM_CHECK_ERR(ops.get(ops.ctx, &durable), TDM_E_POWER); /* no read without power */
    tdm_sim_domain_power_on(otp.dom);
    uint32_t now = value();
    TDM_CHECK_MSG(now == durable || now == vals[i], "after the cut: %u, durable %u, writing %u", now, durable,
                  vals[i]);
    for (; i < n; i++) {
        TDM_CHECK_OK(ops.advance(ops.ctx, vals[i]));
        TDM_CHECK(value() == vals[i]);
    }
    TDM_CHECK(ops.slots_left(ops.ctx) >= (int)(SLOTS - n - 1));
    return 1;
}

static void a_cut_at_every_counter_write_before_and_torn(void)
{
    uint64_t rng = tdm_test_seed();
    uint32_t vals[6];
    for (unsigned i = 0, v = 0; i < 6; i++) {
        v += 1 + tdm_rng_below(&rng, 9000);
        vals[i] = v;
    }
    const char *one = tdm_test_option("cut"), *t = tdm_test_option("torn");
    if (one) {
        TDM_CHECK(cut_run(strtoull(one, NULL, 0), t ? atoi(t) : 0, vals, 6));
        return;
    }
    unsigned cuts = 0;
    for (int torn = 0; torn < 2; torn++) {
        for (uint64_t cut = 1;; cut++) {
            tdm_test_replay_extra("--cut %llu --torn %d", (unsigned long long)cut, torn);
            if (!cut_run(cut, torn, vals, 6)) {
                break;
            }
            cuts++;
        }
    }
    TDM_CHECK(cuts == 12); /* one write per advance, each cut before and torn */
}

static void the_rules_of_the_counter_and_of_the_kmu(void)
{
    struct tdm_otp_counter c;
    struct tdm_otp_ops none = {0};
    fresh(FIRST, SLOTS);
    TDM_CHECK_ERR(tdm_otp_counter_init(&c, port, 0, 0), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_otp_counter_init(&c, port, 190, 3), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_otp_counter_init(&c, none, 0, 1), TDM_E_INVAL);
    TDM_CHECK_OK(tdm_otp_counter_init(&c, port, 0, TDM_OTP_WORDS_NRF5340));
    TDM_CHECK(value() == 0 && ops.slots_left(ops.ctx) == (int)SLOTS);
    TDM_CHECK_OK(ops.advance(ops.ctx, 0)); /* equal: nothing written */
    TDM_CHECK(otp.stats.writes == 0);
    TDM_CHECK_ERR(ops.advance(ops.ctx, TDM_OTP_COUNTER_MAX + 1), TDM_E_BOOT_COUNTER_RANGE);
    TDM_CHECK(otp.stats.writes == 0);
    TDM_CHECK_OK(ops.advance(ops.ctx, 7));
    TDM_CHECK(otp.words[FIRST] == tdm_otp_counter_encode(7) && otp.words[FIRST] == 0xFFF80007u);
    TDM_CHECK_ERR(ops.advance(ops.ctx, 6), TDM_E_BOOT_COUNTER);
    TDM_CHECK_OK(ops.advance(ops.ctx, 7));
    TDM_CHECK(otp.stats.writes == 1 && ops.slots_left(ops.ctx) == (int)SLOTS - 1);
    for (uint32_t v = 8; v < 8 + SLOTS - 1; v++) {
        TDM_CHECK_OK(ops.advance(ops.ctx, v));
    }
    TDM_CHECK_ERR(ops.advance(ops.ctx, 100), TDM_E_BOOT_COUNTER_FULL);
    TDM_CHECK(value() == 8 + SLOTS - 2 && ops.slots_left(ops.ctx) == 0);
    for (uint32_t i = 0; i < TDM_OTP_WORDS_NRF5340; i++) { /* never outside its region */
        TDM_CHECK(otp.words[i] == 0xFFFFFFFFu || (i >= FIRST && i < FIRST + SLOTS));
    }
    /* KMU: a halfword holding a 0 is written once; a 0xFFFF halfword of the value is a mask. */
    TDM_CHECK_OK(port.write(port.ctx, 0, 0xFFFF1234u));
    TDM_CHECK_ERR(port.write(port.ctx, 0, 0xFFFF1230u), TDM_E_BOOT_FLASH_RULE); /* more 0s: still refused */
    TDM_CHECK(otp.stats.blocked == 1 && otp.words[0] == 0xFFFF1234u);
    TDM_CHECK_OK(port.write(port.ctx, 0, 0xABCDFFFFu));
    TDM_CHECK(otp.words[0] == 0xABCD1234u);
    uint32_t w;
    TDM_CHECK_ERR(port.write(port.ctx, TDM_OTP_WORDS_NRF5340, 0), TDM_E_RANGE);
    TDM_CHECK_ERR(port.read(port.ctx, TDM_OTP_WORDS_NRF5340, &w), TDM_E_RANGE);
}

/* A write the silicon ignores (KMU STATUS.BLOCKED, no error on the bus) is caught by the read-back. */
static int ignore_write(void *ctx, uint32_t index, uint32_t word)
{
    (void)ctx;
    (void)index;
    (void)word;
    return 0;
}

static void a_write_the_kmu_ignored_is_an_io_error(void)
{
    fresh(FIRST, SLOTS);
    struct tdm_otp_ops deaf = port;
    deaf.write = ignore_write;
    struct tdm_otp_counter c;
    TDM_CHECK_OK(tdm_otp_counter_init(&c, deaf, FIRST, SLOTS));
    struct tdm_counter_ops o = tdm_otp_counter_ops(&c);
    TDM_CHECK_ERR(o.advance(o.ctx, 3), TDM_E_IO);
    TDM_CHECK(value() == 0);
}

/* The simulated device's counter port is this code over its OTP, in the board's region, and the words
 * survive save and open. */
static void the_device_counter_is_the_otp_counter(void)
{
    static struct tdm_sim_device dev, again;
    char dir[] = "/tmp/tdm_otp_XXXXXX", cmd[64];
    TDM_CHECK(mkdtemp(dir) != NULL);
    struct tdm_sim_device_opts o = {.part = "W25N-SMALL", .seed = tdm_test_seed(),
                                    .counter_slots = TDM_OTP_COUNTER_SLOTS_NRF5340 + 1};
    TDM_CHECK_ERR(tdm_sim_device_create(&dev, dir, &o), TDM_E_INVAL);
    o.counter_slots = 0;
    TDM_CHECK_OK(tdm_sim_device_create(&dev, dir, &o));
    struct tdm_counter_ops c = tdm_sim_device_counter(&dev);
    TDM_CHECK(c.slots_left(c.ctx) == (int)TDM_OTP_COUNTER_SLOTS_NRF5340);
    uint64_t ops_before = dev.dom.ops;
    TDM_CHECK_OK(c.advance(c.ctx, 5));
    TDM_CHECK(dev.dom.ops == ops_before + 1); /* one cut point of the device's domain */
    TDM_CHECK(dev.otp.words[TDM_OTP_COUNTER_FIRST_NRF5340] == tdm_otp_counter_encode(5));
    TDM_CHECK(dev.counter == 5 && dev.counter_updates == 1);
    TDM_CHECK_OK(tdm_sim_device_save(&dev));
    tdm_sim_device_close(&dev);
    TDM_CHECK_OK(tdm_sim_device_open(&again, dir));
    c = tdm_sim_device_counter(&again);
    uint32_t v = 0;
    TDM_CHECK_OK(c.get(c.ctx, &v));
    TDM_CHECK(v == 5 && again.counter == 5 && c.slots_left(c.ctx) == (int)TDM_OTP_COUNTER_SLOTS_NRF5340 - 1);
    tdm_sim_device_close(&again);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    TDM_CHECK(system(cmd) == 0);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"every partial pattern of every value decodes as torn", every_partial_pattern_of_every_value_decodes_as_torn},
        {"every partial write at every slot reads the durable value",
         every_partial_write_at_every_slot_reads_the_durable_value},
        {"a cut at every counter write, before and torn", a_cut_at_every_counter_write_before_and_torn},
        {"the rules of the counter and of the KMU", the_rules_of_the_counter_and_of_the_kmu},
        {"a write the KMU ignored is an IO error", a_write_the_kmu_ignored_is_an_io_error},
        {"the device counter is the OTP counter", the_device_counter_is_the_otp_counter},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
