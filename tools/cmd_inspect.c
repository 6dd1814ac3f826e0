/* `tandem inspect`: what a package or a single MCUboot image contains and which checks pass.
 * Owns: the command line of inspect. Never: writes anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "inspect_print.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static void inspect_usage(FILE *out)
{
    fprintf(out, "usage: tandem inspect [--key PUB.pem] [--json] FILE\n"
                 "  FILE is a tandem package or a single MCUboot image (imgtool / nRF Connect SDK output).\n"
                 "  Shows header fields, versions, TLVs, hashes and which checks pass; with --key also the\n"
                 "  signatures. Policy is checked against the host defaults of `tandem verify`.\n"
                 "exit codes: 0 every check that ran passed, 1 a check failed or the file is neither,\n"
                 "            2 usage or I/O error\n");
}

int tdm_cmd_inspect(int argc, char **argv)
{
    const char *file = NULL, *keypath = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            inspect_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--key") && i + 1 < argc) {
            keypath = argv[++i];
        } else if (argv[i][0] != '-' && !file) {
            file = argv[i];
        } else {
            fprintf(stderr, "tandem: inspect: unknown or incomplete option '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    if (!file) {
        fprintf(stderr, "tandem: inspect: FILE is required (try --help)\n");
        return 2;
    }
    struct tdm_key key;
    if (keypath ? tdm_key_load(&key, keypath) : tdm_key_from_seed(&key, 0x7464u)) {
        fprintf(stderr, "tandem: inspect: --key: cannot load a P-256 key from '%s'\n", keypath);
        return 2;
    }
    uint8_t *buf;
    size_t len;
    if (tdm_file_read(file, &buf, &len) < 0) {
        fprintf(stderr, "tandem: inspect: cannot read '%s'\n", file);
        return 2;
    }
    int rc = 1;
    if (tdm_image_is_mcuboot(buf, len)) {
        size_t ilen = len;
        int err = tdm_image_length(buf, len, &ilen);
        tdm_print_image(stdout, buf, err == 0 ? ilen : len, keypath ? &key : NULL, json);
        struct tdm_crypto_ops o = tdm_host_crypto();
        struct tdm_mcuboot_image img;
        rc = err == 0 && tdm_mcuboot_verify(&o, buf, (uint32_t)ilen, &img, NULL) == 0 ? 0 : 1;
    } else if (len >= 4 && !memcmp(buf, TDM_PKG_MAGIC, 4)) {
        struct tdm_crypto_ops ops = tdm_host_crypto();
        struct tdm_pkg_config cfg;
        static struct tdm_pkg_parser p;
        uint8_t pub[1][TDM_P256_PUBKEY_LEN];
        memcpy(pub[0], key.pub, sizeof pub[0]);
        tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub, 1);
        cfg.bootloader_version = (struct tdm_version){255, 255, 65535, 0xffffffffu};
        cfg.inspect = 1;
        int err = tdm_pkg_verify_buf(&cfg, buf, len, &p);
        tdm_print_package(stdout, buf, len, &p, err, json, keypath != NULL);
        int bad = err < 0 || (keypath && p.m.sig_err) || p.m.policy_err;
        for (unsigned i = 0; i < p.m.count; i++) {
            bad |= p.m.comp[i].err != 0;
        }
        rc = bad ? 1 : 0;
    } else {
        fprintf(stderr, "tandem: inspect: '%s' is neither a tandem package nor an MCUboot image\n", file);
    }
    free(buf);
    return rc;
}
