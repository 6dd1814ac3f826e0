/* The factory's UICR image of the trusted keys: Intel HEX of the key table's words (include/tandem/otp_keys.h)
 * at UICR.OTP[0..] (0x00FF8100), which a programmer (nrfjprog --program, pyOCD, J-Link) writes once.
 * Owns: the HEX records. Never: a word outside OTP[0..63] (the counter's OTP[64..191] stays blank), a
 * blank word (0xFFFFFFFF: left unprogrammed, the KMU's mask). Host-only. */
#ifndef TANDEM_TOOLS_PROVISION_HEX_H
#define TANDEM_TOOLS_PROVISION_HEX_H

#include <stdint.h>
#include <stdio.h>

#include "tandem/otp_keys.h"

#define TDM_UICR_OTP_ADDR 0x00FF8100u

/* Write the HEX of `words` (the used ones, TDM_OTP_KEYS_WORDS at most) to `out`. Returns 0 or TDM_E_HOST_FILE. */
int tdm_provision_hex_write(FILE *out, const uint32_t words[TDM_OTP_KEYS_WORDS]);

#endif
