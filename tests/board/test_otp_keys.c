/* The trusted keys in UICR OTP, from the factory to the bootloader: `tandem provision`'s HEX (written here
 * by the same function, or read from --hex FILE made by the tool itself) programmed word by word into the
 * simulated OTP under the KMU's rule, then read by the bootloader's code (tdm_otp_keys_read). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "otp_sim.h"
#include "pkg_build.h"
#include "provision_hex.h"
#include "tandem/crc32.h"
#include "tandem/err.h"

static uint8_t keys[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];

static void make_keys(unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        struct tdm_key key;
        TDM_CHECK_OK(tdm_key_from_seed(&key, tdm_test_seed() * 10 + k));
        memcpy(keys[k], key.pub, sizeof keys[k]);
    }
}

static unsigned hexval(const char *s, unsigned n)
{
    char b[9] = {0};
    memcpy(b, s, n);
    return (unsigned)strtoul(b, 0, 16);
}

/* Program every data record of the HEX file into OTP through the port (the factory programmer's job);
 * a record outside OTP[0..63] or a bad checksum fails the test. Returns the words written. */
static unsigned program_hex(const char *path, struct tdm_otp_ops *otp, unsigned stop_after)
{
    FILE *f = fopen(path, "r");
    TDM_CHECK_MSG(f != 0, "cannot read %s", path);
    char line[128];
    unsigned upper = 0, written = 0, ended = 0;
    while (fgets(line, sizeof line, f)) {
        TDM_CHECK(line[0] == ':');
        unsigned n = hexval(line + 1, 2), addr = hexval(line + 3, 4), type = hexval(line + 7, 2), sum = 0;
        for (unsigned i = 0; i < 5 + n; i++) {
            sum += hexval(line + 1 + 2 * i, 2);
        }
        TDM_CHECK_MSG((sum & 0xFF) == 0, "checksum of '%s'", line);
        if (type == 4) {
            upper = hexval(line + 9, 4);
        } else if (type == 1) {
            ended = 1;
        } else if (type == 0) {
            uint32_t a = (upper << 16) | addr;
            TDM_CHECK_MSG(a >= TDM_UICR_OTP_ADDR && a + n <= TDM_UICR_OTP_ADDR + 4 * TDM_OTP_KEYS_WORDS && n % 4 == 0,
                          "record at %#x outside OTP[0..63]", a);
            for (unsigned w = 0; w < n / 4 && written < stop_after; w++, written++) {
                uint32_t v = 0;
                for (unsigned b = 0; b < 4; b++) {
                    v |= (uint32_t)hexval(line + 9 + 2 * (4 * w + b), 2) << (8 * b);
                }
                TDM_CHECK_OK(otp->write(otp->ctx, (a - TDM_UICR_OTP_ADDR) / 4 + w, v));
            }
        }
    }
    fclose(f);
    TDM_CHECK(ended);
    return written;
}

static const char *hex_for(unsigned n, char *path)
{
    const char *given = tdm_test_option("hex");
    if (given) {
        return given;
    }
    uint32_t words[TDM_OTP_KEYS_WORDS];
    TDM_CHECK(tdm_otp_keys_encode((const uint8_t(*)[TDM_P256_PUBKEY_LEN])keys, n, words) == (int)(3 + 16 * n));
    snprintf(path, 64, "otp_keys_%u.hex", n);
    FILE *f = fopen(path, "w");
    TDM_CHECK(f != 0);
    TDM_CHECK_OK(tdm_provision_hex_write(f, words));
    fclose(f);
    return path;
}

static void keys_round_trip_from_the_hex_to_the_bootloader(void)
{
    for (unsigned n = 1; n <= TDM_OTP_KEYS_MAX; n++) {
        make_keys(n);
        if (tdm_test_option("pub")) { /* the tool's file: its key is the one in --pub */
            struct tdm_key key;
            TDM_CHECK_OK(tdm_key_load(&key, tdm_test_option("pub")));
            memcpy(keys[0], key.pub, sizeof keys[0]);
        }
        char path[64];
        const char *hex = hex_for(n, path);
        struct tdm_sim_otp o;
        tdm_sim_otp_init(&o, tdm_test_seed());
        struct tdm_otp_ops otp = tdm_sim_otp_ops(&o);
        unsigned w = program_hex(hex, &otp, ~0u);
        TDM_CHECK(w == 3 + 16 * n && o.stats.blocked == 0);
        for (unsigned i = TDM_OTP_KEYS_WORDS; i < TDM_OTP_WORDS_NRF5340; i++) {
            TDM_CHECK_MSG(o.words[i] == 0xFFFFFFFFu, "counter word %u touched", i);
        }
        uint8_t got[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];
        TDM_CHECK(tdm_otp_keys_read(&otp, got, TDM_OTP_KEYS_MAX) == (int)n);
        TDM_CHECK(!memcmp(got, keys, n * sizeof got[0]));
        TDM_CHECK_ERR(tdm_otp_keys_read(&otp, got, n - 1), n > 1 ? TDM_E_BUFFER : TDM_E_BUFFER);
        if (tdm_test_option("hex")) {
            break; /* the tool's file holds one table */
        }
    }
}

static void a_blank_otp_has_no_keys(void)
{
    struct tdm_sim_otp o;
    tdm_sim_otp_init(&o, 1);
    struct tdm_otp_ops otp = tdm_sim_otp_ops(&o);
    uint8_t got[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];
    TDM_CHECK_ERR(tdm_otp_keys_read(&otp, got, TDM_OTP_KEYS_MAX), TDM_E_NOT_FOUND);
}

/* A factory write stopped after any number of words, and any one bit of the table cleared afterwards
 * (all the OTP allows), gives no keys: never a key nobody provisioned. */
static void a_partial_or_altered_table_gives_no_keys(void)
{
    make_keys(2);
    char path[64];
    const char *hex = hex_for(2, path);
    unsigned total = 3 + 16 * 2;
    uint8_t got[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];
    for (unsigned stop = 0; stop < total; stop++) {
        struct tdm_sim_otp o;
        tdm_sim_otp_init(&o, stop);
        struct tdm_otp_ops otp = tdm_sim_otp_ops(&o);
        TDM_CHECK(program_hex(hex, &otp, stop) == stop);
        int r = tdm_otp_keys_read(&otp, got, TDM_OTP_KEYS_MAX);
        TDM_CHECK_MSG(r == (stop == 0 ? TDM_E_NOT_FOUND : TDM_E_CORRUPT), "stopped after %u words: %d", stop, r);
    }
    for (unsigned word = 0; word < total; word++) {
        for (unsigned bit = 0; bit < 32; bit++) {
            struct tdm_sim_otp o;
            tdm_sim_otp_init(&o, word);
            struct tdm_otp_ops otp = tdm_sim_otp_ops(&o);
            (void)program_hex(hex, &otp, ~0u);
            if (!(o.words[word] >> bit & 1u)) {
                continue;
            }
            o.words[word] &= ~(1u << bit);
            int r = tdm_otp_keys_read(&otp, got, TDM_OTP_KEYS_MAX);
            TDM_CHECK_MSG(r == TDM_E_CORRUPT || r == TDM_E_NOT_FOUND, "word %u bit %u cleared: %d", word, bit, r);
        }
    }
}

/* A table whose count is 0 or above the maximum is refused even with a matching complement and CRC (the
 * reader never reads past OTP[63] into the counter's words, or past its buffer). */
static void a_count_outside_one_to_three_is_refused(void)
{
    for (uint32_t n = 0; n <= 5; n += 4) {
        uint32_t w[TDM_OTP_KEYS_WORDS + 24];
        memset(w, 0xFF, sizeof w);
        w[0] = TDM_OTP_KEYS_MAGIC;
        w[1] = n | (n ^ 0xFFFFu) << 16;
        uint32_t body = 2 + 16 * n, crc = 0;
        for (uint32_t i = 0; i < body; i++) {
            uint8_t b[4] = {(uint8_t)w[i], (uint8_t)(w[i] >> 8), (uint8_t)(w[i] >> 16), (uint8_t)(w[i] >> 24)};
            crc = tdm_crc32(crc, b, 4);
        }
        w[body] = crc;
        struct tdm_sim_otp o;
        tdm_sim_otp_init(&o, n);
        struct tdm_otp_ops otp = tdm_sim_otp_ops(&o);
        for (uint32_t i = 0; i <= body; i++) {
            TDM_CHECK_OK(otp.write(otp.ctx, i, w[i]));
        }
        uint8_t got[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];
        TDM_CHECK_MSG(tdm_otp_keys_read(&otp, got, TDM_OTP_KEYS_MAX) == TDM_E_CORRUPT, "count %u", n);
    }
}

static void a_key_table_needs_one_to_three_uncompressed_keys(void)
{
    uint32_t words[TDM_OTP_KEYS_WORDS];
    make_keys(1);
    TDM_CHECK_ERR(tdm_otp_keys_encode((const uint8_t(*)[TDM_P256_PUBKEY_LEN])keys, 0, words), TDM_E_INVAL);
    TDM_CHECK_ERR(tdm_otp_keys_encode((const uint8_t(*)[TDM_P256_PUBKEY_LEN])keys, 4, words), TDM_E_INVAL);
    keys[0][0] = 0x02;
    TDM_CHECK_ERR(tdm_otp_keys_encode((const uint8_t(*)[TDM_P256_PUBKEY_LEN])keys, 1, words), TDM_E_INVAL);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"keys round trip from the hex to the bootloader", keys_round_trip_from_the_hex_to_the_bootloader},
        {"a blank OTP has no keys", a_blank_otp_has_no_keys},
        {"a partial or altered table gives no keys", a_partial_or_altered_table_gives_no_keys},
        {"a count outside one to three is refused", a_count_outside_one_to_three_is_refused},
        {"a key table needs one to three uncompressed keys", a_key_table_needs_one_to_three_uncompressed_keys},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
