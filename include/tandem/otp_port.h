/* The OTP word port: the one-time-programmable words of the nRF5340 UICR (UICR.OTP[0..191], 0x00FF8100,
 * 192 words between the OTP offset 0x100 and the key slots at 0x400; PS v1.3, UICR and KMU "OTP").
 *
 * Owns: the contract of one OTP word write, as the silicon enforces it. Never: an encoding (the security
 * counter's is in include/tandem/otp_counter.h), erase (only ERASEALL clears UICR: never in the field).
 *
 * The rules (PS v1.3, KMU "OTP"; NVMC "Writing to UICR"):
 *  - a write is one aligned 32-bit word; bits only go 1 -> 0 (the NVMC cannot write a 1);
 *  - write-once per HALFWORD: a halfword of the value that is not 0xFFFF may be written only when the
 *    halfword in OTP is still 0xFFFF; a halfword given as 0xFFFF is left as it is (a mask). So a halfword
 *    that holds any 0 bit can never be changed again, not even to clear more bits. The KMU ignores a
 *    write that breaks the rule (STATUS.BLOCKED); the simulator refuses it loudly.
 *  - only Secure code may write.
 *
 * Power loss: a write is durable only when write() returned 0. A cut during tWRITE leaves a partial
 * pattern: any subset of the bits meant to go 0 went 0 (the simulator tears writes that way).
 * Cost: one tWRITE (the NVMC's word write time) per write; reads are memory-mapped and free.
 */
#ifndef TANDEM_OTP_PORT_H
#define TANDEM_OTP_PORT_H

#include <stdint.h>

#define TDM_OTP_WORDS_NRF5340 192u /* UICR.OTP[n], n = 0..191 (PS v1.3, UICR register table) */

struct tdm_otp_ops {
    void *ctx;
    uint32_t words; /* OTP words the port reaches: indexes 0 .. words - 1 */

    /* Word `index` into *word. Returns 0; TDM_E_RANGE (index >= words); TDM_E_POWER (power off: a simulated port
     * outside an unwind point). */
    int (*read)(void *ctx, uint32_t index, uint32_t *word);

    /* Program word `index` with `word` under the rules above. Returns 0; TDM_E_RANGE;
     * TDM_E_BOOT_FLASH_RULE (a halfword already written, nothing changed); TDM_E_POWER (cut before the
     * write, or during it: torn; a simulated port outside an unwind point, otherwise the cut stops the
     * caller); TDM_E_IO (the word does not read back as written: blocked or failed). */
    int (*write)(void *ctx, uint32_t index, uint32_t word);
};

/* The KMU's rule for writing `word` over `old`: every halfword of `word` that is not 0xFFFF lands on a
 * halfword that is still 0xFFFF. Returns 1 when the write is allowed. */
static inline int tdm_otp_write_allowed(uint32_t old, uint32_t word)
{
    for (unsigned shift = 0; shift < 32; shift += 16) {
        if (((word >> shift) & 0xFFFFu) != 0xFFFFu && ((old >> shift) & 0xFFFFu) != 0xFFFFu) {
            return 0;
        }
    }
    return 1;
}

#endif
