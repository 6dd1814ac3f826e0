/* The shared vocabulary: error table, CRC-32, little-endian helpers. */
#include <string.h>

#include "harness.h"
#include "tandem/crc32.h"
#include "tandem/div64.h"
#include "tandem/journal_types.h"
#include "tandem/le.h"
#include "tandem/store.h"

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

/* Each layer's errors sit in its range of err.h (a new code in the wrong range is a collision waiting). */
static void every_error_sits_in_its_layers_range(void)
{
    static const struct {
        const char *prefix;
        int lo, hi;
    } ranges[] = {{"TDM_E_NAND_", 20, 39}, {"TDM_E_SIM_", 20, 39}, {"TDM_E_STORE_", 40, 59},
                  {"TDM_E_PKG_", 60, 89},  {"TDM_E_FETCH_", 90, 109}, {"TDM_E_BOOT_", 110, 129},
                  {"TDM_E_HOST_", 130, 149}, {"TDM_E_DELTA_", 150, 169}};
    static const struct {
        const char *name;
        int num;
    } codes[] = {
#define CODE_(name, num, msg) {#name, num},
        TDM_ERROR_TABLE(CODE_)
#undef CODE_
    };
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        int placed = 0;
        for (unsigned r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
            if (strncmp(codes[i].name, ranges[r].prefix, strlen(ranges[r].prefix)) == 0) {
                placed = 1;
                TDM_CHECK_MSG(codes[i].num >= ranges[r].lo && codes[i].num <= ranges[r].hi, "%s = %d",
                              codes[i].name, codes[i].num);
            }
        }
        int pkg = strncmp(codes[i].name, "TDM_E_PKG_", 10) == 0;
        TDM_CHECK_MSG(tdm_err_is_pkg(-codes[i].num) == pkg, "tdm_err_is_pkg(%s)", codes[i].name);
        if (!placed) {
            TDM_CHECK_MSG(codes[i].num >= 1 && codes[i].num <= 19, "%s = %d is generic", codes[i].name,
                          codes[i].num);
        }
    }
}

/* The journal's record types: one registry (journal_types.h), no two alike, callers below the store's own. */
static void every_journal_record_type_is_unique_and_in_its_range(void)
{
    static const struct {
        const char *name, *owner;
        unsigned num;
    } types[] = {
#define JT_(name, num, owner, what) {#name, owner, num},
        TDM_JOURNAL_TYPE_TABLE(JT_)
#undef JT_
    };
    unsigned n = sizeof types / sizeof types[0];
    TDM_CHECK(n >= 5);
    for (unsigned i = 0; i < n; i++) {
        int store_own = strcmp(types[i].owner, "store") == 0;
        TDM_CHECK_MSG(types[i].num != 0 && (store_own ? types[i].num > TDM_STORE_TYPE_USER_MAX
                                                      : types[i].num <= TDM_STORE_TYPE_USER_MAX),
                      "%s = 0x%04x", types[i].name, types[i].num);
        for (unsigned k = i + 1; k < n; k++) {
            TDM_CHECK_MSG(types[i].num != types[k].num, "%s and %s", types[i].name, types[k].name);
        }
    }
    /* the store numbers slot records by slot: one registered type per slot */
    TDM_CHECK(TDM_JT_STORE_SLOT_B == TDM_JT_STORE_SLOT_A + TDM_STORE_SLOTS - 1);
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

/* tdm_div64 (the device code's 64-bit division without libgcc's) gives the quotient of n / d: edges, then
 * seeded operands of every width (on the Cortex-M33 image the reference is libgcc's own division). */
static void div64_gives_the_quotient_of_the_operator(void)
{
    static const uint64_t ns[] = {0, 1, 2, 0xFFFFFFFFull, 0x100000000ull, 24000000000ull, UINT64_MAX, UINT64_MAX - 1};
    static const uint32_t ds[] = {1, 2, 3, 5, 7, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu, 0xFFFFFFFFu};
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        for (unsigned k = 0; k < sizeof ds / sizeof ds[0]; k++) {
            TDM_CHECK_MSG(tdm_div64(ns[i], ds[k]) == ns[i] / ds[k], "n %llu d %lu", (unsigned long long)ns[i],
                          (unsigned long)ds[k]);
        }
    }
    uint64_t x = tdm_test_seed() * 0x9E3779B97F4A7C15ull + 1;
    for (unsigned i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        uint64_t n = x >> (x & 63);
        uint32_t d = (uint32_t)(x >> 32) >> ((x >> 6) & 31);
        d = d ? d : 1;
        TDM_CHECK_MSG(tdm_div64(n, d) == n / d, "n %llu d %lu", (unsigned long long)n, (unsigned long)d);
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"every error has a unique name and a message", every_error_has_a_unique_name_and_a_message},
        {"every error sits in its layer's range", every_error_sits_in_its_layers_range},
        {"every journal record type is unique and in its range", every_journal_record_type_is_unique_and_in_its_range},
        {"crc32 matches the IEEE check value", crc32_matches_the_ieee_check_value},
        {"little-endian fields round-trip", little_endian_fields_round_trip},
        {"div64 gives the quotient of n / d", div64_gives_the_quotient_of_the_operator},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
