/* `tandem provision`: the trusted package keys for a real nRF5340, as the UICR HEX a factory programmer
 * writes (UICR.OTP[0..63], include/tandem/otp_keys.h); the bootloader reads them at every start.
 * Owns: the command line. Never: touches a device or the simulator (`tandem device provision` does that). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "pkg_build.h"
#include "provision_hex.h"
#include "tandem/err.h"

static void provision_usage(FILE *out)
{
    fprintf(out, "usage: tandem provision --key PUB.pem [--key PUB2.pem ...] -o uicr.hex\n"
                 "  Writes the key table (up to 3 P-256 public keys, or the public half of a private key) as\n"
                 "  Intel HEX at UICR.OTP[0..] (0x00FF8100), for the factory programmer. OTP[64..191] (the\n"
                 "  security counter) is not in the file. Each OTP word can be written once: program it once.\n"
                 "exit codes: 0 written, 2 usage or I/O error\n");
}

int tdm_cmd_provision(int argc, char **argv)
{
    const char *keys[TDM_OTP_KEYS_MAX + 1], *out = NULL;
    unsigned n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            provision_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--key") && i + 1 < argc && n <= TDM_OTP_KEYS_MAX) {
            keys[n++] = argv[++i];
        } else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc) {
            out = argv[++i];
        } else {
            fprintf(stderr, "tandem: provision: unknown or incomplete option '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    if (n == 0 || n > TDM_OTP_KEYS_MAX || !out) {
        fprintf(stderr, "tandem: provision: 1 to %u --key and -o are required (try --help)\n", TDM_OTP_KEYS_MAX);
        return 2;
    }
    uint8_t pub[TDM_OTP_KEYS_MAX][TDM_P256_PUBKEY_LEN];
    for (unsigned k = 0; k < n; k++) {
        struct tdm_key key;
        if (tdm_key_load(&key, keys[k]) < 0) {
            fprintf(stderr, "tandem: provision: '%s' is not a readable P-256 key\n", keys[k]);
            return 2;
        }
        memcpy(pub[k], key.pub, sizeof pub[k]);
    }
    uint32_t words[TDM_OTP_KEYS_WORDS];
    int used = tdm_otp_keys_encode((const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub, n, words);
    FILE *f = used < 0 ? NULL : fopen(out, "w");
    if (!f) {
        fprintf(stderr, "tandem: provision: cannot write '%s'\n", out);
        return 2;
    }
    int err = tdm_provision_hex_write(f, words);
    if (fclose(f) != 0 || err < 0) {
        fprintf(stderr, "tandem: provision: cannot write '%s'\n", out);
        return 2;
    }
    printf("%s: %u key(s), %d OTP words at 0x%08X\n", out, n, used, TDM_UICR_OTP_ADDR);
    return 0;
}
