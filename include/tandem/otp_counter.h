/* The security counter over OTP words (counter/otp_counter.c): implements include/tandem/counter_port.h
 * over the OTP word port (include/tandem/otp_port.h), the same code on the board and in the simulator.
 *
 * Owns: the encoding of the counter in its OTP region (docs/TARGET.md, "The OTP security counter").
 * Never: writes outside its region, writes a slot that is not blank, lets a torn slot count.
 *
 * Why slots and not a bit thermometer: the KMU lets each OTP halfword be written once, so a word already
 * touched can never have more bits cleared. Each advance therefore takes the next blank word (a slot),
 * slots are used strictly in order (a thermometer of slots), and the slot carries the value:
 *   slot word = value (bits 15..0) | (value ^ 0xFFFF) << 16        (value 0 .. TDM_OTP_COUNTER_MAX)
 * Every bit position has exactly one 0 between the two halves, so any partial pattern of the write
 * (a strict subset of its 0 bits) has a position with two 1s and is recognised as torn; a torn slot
 * does not count. The value is the largest value of any complete slot (0 when none):
 *  - never below the last durable advance (that slot stays complete), never above the value asked for;
 *  - after a cut in advance() it is the old value or the new one, nothing else;
 *  - the next advance takes the slot after the torn one (a torn word is spent, never rewritten).
 * A blank word (0xFFFFFFFF: a cut before any bit moved) is not spent: the next advance writes it.
 *
 * RAM: the struct (16 bytes + the port). Cost: get/slots_left read every slot word of the region;
 * advance reads them, writes one word (one tWRITE) and reads it back.
 */
#ifndef TANDEM_OTP_COUNTER_H
#define TANDEM_OTP_COUNTER_H

#include <stdint.h>

#include "tandem/counter_port.h"
#include "tandem/otp_port.h"

#define TDM_OTP_COUNTER_MAX 0xFFFFu /* largest value a slot holds; advance() above it: COUNTER_RANGE */

/* The region tandem's nRF5340 images use (docs/TARGET.md): UICR.OTP[64..191], 128 advances; OTP[0..63]
 * is left to the factory (provisioned keys). The simulator uses the same region. */
#define TDM_OTP_COUNTER_FIRST_NRF5340 64u
#define TDM_OTP_COUNTER_SLOTS_NRF5340 128u

struct tdm_otp_counter {
    struct tdm_otp_ops otp;
    uint32_t first; /* first OTP word of the region */
    uint32_t slots; /* words in the region: the number of advances in the device's life */
};

/* Check and set the region [first, first + slots) of `otp`. Returns 0; TDM_E_INVAL (a missing op, no
 * slot, or the region beyond otp.words). */
int tdm_otp_counter_init(struct tdm_otp_counter *c, struct tdm_otp_ops otp, uint32_t first, uint32_t slots);

/* The counter port: ops.ctx = c. Besides the port's errors, advance() returns TDM_E_BOOT_COUNTER_RANGE
 * for a value above TDM_OTP_COUNTER_MAX (nothing written), and passes up the OTP port's errors. */
struct tdm_counter_ops tdm_otp_counter_ops(struct tdm_otp_counter *c);

/* The slot encoding, exposed for tests and tools. */
enum tdm_otp_slot { TDM_OTP_SLOT_BLANK = 0, TDM_OTP_SLOT_VALUE = 1, TDM_OTP_SLOT_TORN = 2 };
uint32_t tdm_otp_counter_encode(uint32_t value); /* value <= TDM_OTP_COUNTER_MAX */
/* What a slot word holds; *value is set for TDM_OTP_SLOT_VALUE only. */
enum tdm_otp_slot tdm_otp_counter_decode(uint32_t word, uint32_t *value);

#endif
