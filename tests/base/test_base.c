/* The shared vocabulary: error table, CRC-32, little-endian helpers. */
#include <string.h>

#include "harness.h"
#include "tandem/crc32.h"
#include "tandem/le.h"

static void every_error_has_a_unique_name_and_a_message(void)
{
    static const int codes[] = {
#define CODE_(name, num, msg) -(num),
        TDM_ERROR_TABLE(CODE_)
#undef CODE_
    };
    unsigned n = sizeof codes / sizeof codes[0];
    TDM_CHECK(n > 40);
    for (unsigned i = 0; i < n; i++) {
        TDM_CHECK(codes[i] < 0);
        TDM_CHECK(strncmp(tdm_errname(codes[i]), "TDM_E_", 6) == 0);
        TDM_CHECK(strcmp(tdm_strerror(codes[i]), "unknown error") != 0);
        for (unsigned k = i + 1; k < n; k++) {
            TDM_CHECK(codes[i] != codes[k]);
        }
    }
    TDM_CHECK(strcmp(tdm_errname(TDM_E_NAND_ECC), "TDM_E_NAND_ECC") == 0);
    TDM_CHECK(strcmp(tdm_strerror(-9999), "unknown error") == 0);
    TDM_CHECK(strcmp(tdm_strerror(0), "success") == 0);
}

static void crc32_matches_the_ieee_check_value(void)
{
    TDM_CHECK(tdm_crc32(0, "123456789", 9) == 0xCBF43926u);
    /* chaining equals one pass */
    TDM_CHECK(tdm_crc32(tdm_crc32(0, "12345", 5), "6789", 4) == 0xCBF43926u);
    TDM_CHECK(tdm_crc32(0, "", 0) == 0);
}

static void little_endian_fields_round_trip(void)
{
    uint8_t b[8];
    tdm_put_le32(b, 0x11223344u);
    TDM_CHECK(b[0] == 0x44 && b[3] == 0x11 && tdm_get_le32(b) == 0x11223344u);
    tdm_put_le64(b, 0x0102030405060708ull);
    TDM_CHECK(b[0] == 0x08 && b[7] == 0x01 && tdm_get_le64(b) == 0x0102030405060708ull);
    tdm_put_le16(b, 0xBEEF);
    TDM_CHECK(b[0] == 0xEF && tdm_get_le16(b) == 0xBEEF);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"every error has a unique name and a message", every_error_has_a_unique_name_and_a_message},
        {"crc32 matches the IEEE check value", crc32_matches_the_ieee_check_value},
        {"little-endian fields round-trip", little_endian_fields_round_trip},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
