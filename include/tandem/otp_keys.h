/* The trusted package keys in UICR OTP: where the factory puts them and how the bootloader reads them.
 *
 * Owns: the key table's format in OTP words TDM_OTP_KEYS_FIRST .. + TDM_OTP_KEYS_WORDS (UICR.OTP[0..63];
 * the security counter owns OTP[64..191], include/tandem/otp_counter.h). Never: writes OTP (the factory's
 * programmer does, from `tandem provision`'s hex file), an encoding the KMU's write-once-per-halfword
 * rule could not program (every word is written once, whole).
 *
 * Format (version 1, words little-endian as the core reads them; docs/TARGET.md "Trusted keys"):
 *   word 0            0x4B4D4454 ("TDMK")
 *   word 1            n | (n ^ 0xFFFF) << 16, n = number of keys, 1..TDM_OTP_KEYS_MAX
 *   words 2 .. 2+16n  the keys' X || Y (64 bytes each, the uncompressed point without its 0x04), byte i of
 *                     the table in bits 8*(i % 4) of word 2 + i / 4
 *   word 2+16n        CRC-32 (tdm_crc32) of words 0 .. 1+16n as little-endian bytes
 *   the rest          0xFFFFFFFF (blank)
 * Whether a key is a point on the curve is checked where it is used (tdm_p256_verify refuses a bad key).
 */
#ifndef TANDEM_OTP_KEYS_H
#define TANDEM_OTP_KEYS_H

#include <stdint.h>

#include "tandem/crypto_port.h"
#include "tandem/otp_port.h"

#define TDM_OTP_KEYS_FIRST 0u
#define TDM_OTP_KEYS_WORDS 64u
#define TDM_OTP_KEYS_MAX 3u
#define TDM_OTP_KEYS_MAGIC 0x4B4D4454u

/* Encode n keys (each 0x04 || X || Y) into words[TDM_OTP_KEYS_WORDS] (blank words 0xFFFFFFFF). Returns
 * the number of words used, or TDM_E_INVAL (n = 0, n > TDM_OTP_KEYS_MAX, a key not starting with 0x04). */
int tdm_otp_keys_encode(const uint8_t (*keys)[TDM_P256_PUBKEY_LEN], unsigned n, uint32_t words[TDM_OTP_KEYS_WORDS]);

/* Read the table through the OTP port into keys[max] (0x04 || X || Y). Returns the number of keys (>= 1),
 * TDM_E_NOT_FOUND (word 0 blank: nothing provisioned), TDM_E_CORRUPT (bad magic, count or CRC: a torn or
 * altered table), TDM_E_BUFFER (more keys than max), or the port's error. Cost: up to 51 word reads. */
int tdm_otp_keys_read(const struct tdm_otp_ops *otp, uint8_t (*keys)[TDM_P256_PUBKEY_LEN], unsigned max);

#endif
