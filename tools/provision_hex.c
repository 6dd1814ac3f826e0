/* Intel HEX of the key table (provision_hex.h): an extended linear address record (type 04) for 0x00FF,
 * data records (type 00) of up to 16 bytes for each run of programmed words, an end record (type 01).
 * Owns: the record format and checksums. Never: writes a blank word. */
#include "provision_hex.h"

#include "tandem/err.h"
#include "tandem/le.h"

static void record(FILE *out, uint16_t addr, uint8_t type, const uint8_t *data, unsigned n)
{
    unsigned sum = n + (addr >> 8) + (addr & 0xFFu) + type;
    fprintf(out, ":%02X%04X%02X", n, addr, type);
    for (unsigned i = 0; i < n; i++) {
        fprintf(out, "%02X", data[i]);
        sum += data[i];
    }
    fprintf(out, "%02X\n", (unsigned)(-sum & 0xFFu));
}

int tdm_provision_hex_write(FILE *out, const uint32_t words[TDM_OTP_KEYS_WORDS])
{
    const uint8_t upper[2] = {(uint8_t)(TDM_UICR_OTP_ADDR >> 24), (uint8_t)(TDM_UICR_OTP_ADDR >> 16)};
    record(out, 0, 4, upper, 2);
    for (uint32_t i = 0; i < TDM_OTP_KEYS_WORDS;) {
        if (words[i] == 0xFFFFFFFFu) {
            i++;
            continue;
        }
        uint8_t data[16];
        unsigned n = 0;
        uint32_t first = i;
        while (i < TDM_OTP_KEYS_WORDS && n < 16 && words[i] != 0xFFFFFFFFu) {
            tdm_put_le32(data + n, words[i++]);
            n += 4;
        }
        record(out, (uint16_t)(TDM_UICR_OTP_ADDR + 4u * first), 0, data, n);
    }
    record(out, 0, 1, 0, 0);
    return ferror(out) ? TDM_E_HOST_FILE : 0;
}
