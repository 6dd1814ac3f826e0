/* `tandem inspect`: what a package or a single MCUboot image contains and which checks pass.
 * Owns: the command line of inspect. Never: writes anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "delta_build.h"
#include "inspect_print.h"
#include "tandem/delta.h"
#include "tandem/err.h"
#include "tandem/le.h"
#include "tandem/host_crypto.h"

static void inspect_usage(FILE *out)
{
    fprintf(out, "usage: tandem inspect [--key PUB.pem] [--json] FILE\n"
                 "  FILE is a tandem package, a delta package (tandem pack --base: shows its base, the patch\n"
                 "  sizes and the package it rebuilds) or a single MCUboot image (imgtool / nRF Connect SDK output).\n"
                 "  Shows header fields, versions, TLVs, hashes and which checks pass; with --key also the\n"
                 "  signatures. Policy is checked against the host defaults of `tandem verify`.\n"
                 "exit codes: 0 every check that ran passed, 1 a check failed or the file is neither,\n"
                 "            2 usage or I/O error\n");
}

/* A delta package: base identity, entries, and the set the rebuilt package carries. Returns the exit code. */
static int inspect_delta(const uint8_t *buf, size_t len)
{
    struct tdm_delta_pkg_info info;
    int err = tdm_delta_pkg_info(buf, len, &info);
    if (err < 0) {
        printf("delta package: %s: %s\n", tdm_errname(err), tdm_strerror(err));
        return 1;
    }
    char hex[65], v[32];
    printf("delta package: %zu bytes\n", len);
    printf("  base: package of %u bytes, SHA-256 %s\n", info.base_len, tdm_hex(info.base_sha, 32, hex));
    printf("  rebuilds: package of %u bytes (prefix %u bytes carried verbatim)\n", info.full_len, info.prefix_len);
    struct tdm_pkg_manifest m;
    const uint8_t *pre = buf + TDM_DELTA_PKG_HDR_LEN;
    if (info.prefix_len >= 16 && tdm_pkg_manifest_decode(pre + 16, tdm_get_le32(pre + 8) < info.prefix_len - 16
                                                                        ? tdm_get_le32(pre + 8) : 0, &m) == 0) {
        printf("  set %s, counter %lu, %u components\n", tdm_version_str(&m.set_version, v),
               (unsigned long)m.sec_counter, m.count);
    }
    for (unsigned i = 0; i < info.count; i++) {
        printf("  component %u: %u bytes, %s %u bytes\n", i + 1, info.comp_len[i],
               info.kind[i] == TDM_DELTA_ENTRY_PATCH ? "patch" : "whole", info.entry_len[i]);
    }
    return 0;
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
    if (tdm_delta_pkg_is(buf, (uint32_t)len)) {
        rc = inspect_delta(buf, len);
    } else if (tdm_image_is_mcuboot(buf, len)) {
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
