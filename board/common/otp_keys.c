/* The trusted key table in UICR OTP (include/tandem/otp_keys.h): encoded by `tandem provision` on the
 * host, read by the bootloader at every start. Portable C, built into both.
 *
 * Owns: the table's word layout and its checks. Never: writes OTP, trusts a table whose CRC fails (a torn
 * factory write or an altered word gives no keys, and the bootloader then installs nothing).
 */
#include "tandem/otp_keys.h"

#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/le.h"

#define KEY_XY 64u /* X || Y */

static uint32_t crc_words(const uint32_t *w, uint32_t n)
{
    uint32_t crc = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t b[4];
        tdm_put_le32(b, w[i]);
        crc = tdm_crc32(crc, b, 4);
    }
    return crc;
}

int tdm_otp_keys_encode(const uint8_t (*keys)[TDM_P256_PUBKEY_LEN], unsigned n, uint32_t words[TDM_OTP_KEYS_WORDS])
{
    if (n == 0 || n > TDM_OTP_KEYS_MAX) {
        return TDM_E_INVAL;
    }
    for (uint32_t i = 0; i < TDM_OTP_KEYS_WORDS; i++) {
        words[i] = 0xFFFFFFFFu;
    }
    words[0] = TDM_OTP_KEYS_MAGIC;
    words[1] = n | (n ^ 0xFFFFu) << 16;
    for (unsigned k = 0; k < n; k++) {
        if (keys[k][0] != 0x04) {
            return TDM_E_INVAL;
        }
        for (uint32_t w = 0; w < KEY_XY / 4; w++) {
            words[2 + 16 * k + w] = tdm_get_le32(&keys[k][1 + 4 * w]);
        }
    }
    uint32_t body = 2 + 16 * n;
    words[body] = crc_words(words, body);
    return (int)body + 1;
}

int tdm_otp_keys_read(const struct tdm_otp_ops *otp, uint8_t (*keys)[TDM_P256_PUBKEY_LEN], unsigned max)
{
    uint32_t w[TDM_OTP_KEYS_WORDS];
    int err = otp->read(otp->ctx, TDM_OTP_KEYS_FIRST, &w[0]);
    if (err == 0) {
        err = otp->read(otp->ctx, TDM_OTP_KEYS_FIRST + 1, &w[1]);
    }
    if (err < 0) {
        return err;
    }
    if (w[0] == 0xFFFFFFFFu) {
        return TDM_E_NOT_FOUND;
    }
    uint32_t n = w[1] & 0xFFFFu;
    if (w[0] != TDM_OTP_KEYS_MAGIC || (w[1] >> 16) != (n ^ 0xFFFFu) || n == 0 || n > TDM_OTP_KEYS_MAX) {
        return TDM_E_CORRUPT;
    }
    uint32_t body = 2 + 16 * n;
    for (uint32_t i = 2; i <= body && err == 0; i++) {
        err = otp->read(otp->ctx, TDM_OTP_KEYS_FIRST + i, &w[i]);
    }
    if (err < 0) {
        return err;
    }
    if (w[body] != crc_words(w, body)) {
        return TDM_E_CORRUPT;
    }
    if (n > max) {
        return TDM_E_BUFFER;
    }
    for (uint32_t k = 0; k < n; k++) {
        keys[k][0] = 0x04;
        for (uint32_t i = 0; i < KEY_XY / 4; i++) {
            tdm_put_le32(&keys[k][1 + 4 * i], w[2 + 16 * k + i]);
        }
    }
    return (int)n;
}
