/* `tandem verify`: the device's checks on the host: a package through the streaming parser (fed in
 * chunks, like the fetch agent) and its components' targets against a device layout (the default one, or
 * --layout FILE: slot sizes and load addresses), or a single MCUboot image (hash and signature).
 * Owns: the command line of verify. Never: writes anything; exit 0 unless every check passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "device_cmds.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static void verify_usage(FILE *out)
{
    struct tdm_layout l;
    tdm_pkg_host_layout(&l);
    fprintf(out,
            "usage: tandem verify --key PUB.pem [options] FILE\n"
            "  FILE is a tandem package (.tdm) or a single MCUboot image. For a package every device check\n"
            "  runs: manifest signature, key, hardware id, anti-downgrade, sizes, load addresses, component\n"
            "  digests, MCUboot hashes and TLVs, dependencies, no trailing data.\n"
            "options:\n"
            "  --key PUB.pem          trusted public key (or the private key); may be given up to 4 times\n"
            "  --min-counter N        refuse a security counter below N (default 0)\n"
            "  --current-version V    refuse a set version below V (default 0.0.0)\n"
            "  --hw-id ID             device hardware id (default 0x%08x)\n"
            "  --bootloader-version V bootloader version of the device (default 255.255.65535)\n"
            "  --layout FILE          device layout (text form, as `tandem device create --layout`): slot sizes\n"
            "                         and load addresses (default: the nRF5340 default layout: app_slot 0x%08x\n"
            "                         0x%x, net_slot 0x%08x 0x%x)\n"
            "  --app-max N, --net-max N  slot limits (default: the layout's slot sizes)\n"
            "  --image-sigs MODE      inner MCUboot signatures: ignore | if-known (default) | require\n"
            "  --chunk N              feed the parser N bytes at a time (default 4096)\n"
            "exit codes: 0 every check passed, 1 refused (the error is named), 2 usage or I/O error\n",
            TDM_PKG_HW_ID_DEFAULT, l.app_slot.addr, l.app_slot.size, l.net_slot.addr, l.net_slot.size);
}

static int verify_image(const char *path, const uint8_t *buf, size_t len, const struct tdm_key *keys,
                        unsigned nkeys)
{
    struct tdm_crypto_ops o = tdm_host_crypto();
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN];
    uint8_t pubs[TDM_PKG_MAX_KEYS][TDM_P256_PUBKEY_LEN], ids[TDM_PKG_MAX_KEYS][TDM_SHA256_LEN];
    size_t ilen = len;
    int err = tdm_image_length(buf, len, &ilen);
    if (err == 0) {
        err = tdm_mcuboot_verify(&o, buf, (uint32_t)ilen, &img, hash);
    }
    if (err == 0) {
        for (unsigned k = 0; k < nkeys; k++) {
            memcpy(pubs[k], keys[k].pub, TDM_P256_PUBKEY_LEN);
            tdm_key_id(&keys[k], ids[k]);
        }
        err = tdm_mcuboot_check_sig(&o, &img, hash, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pubs,
                                    (const uint8_t(*)[TDM_SHA256_LEN])ids, nkeys);
    }
    if (err < 0) {
        fprintf(stderr, "tandem: verify: %s: %s: %s\n", path, tdm_errname(err), tdm_strerror(err));
        return 1;
    }
    char v[32];
    printf("%s: ok (MCUboot image %s, %zu bytes%s)\n", path, tdm_version_str(&img.hdr.version, v), ilen,
           ilen < len ? ", slot padding after it ignored" : "");
    return 0;
}

int tdm_cmd_verify(int argc, char **argv)
{
    struct tdm_key keys[TDM_PKG_MAX_KEYS];
    uint8_t pubs[TDM_PKG_MAX_KEYS][TDM_P256_PUBKEY_LEN];
    unsigned nkeys = 0;
    const char *file = NULL, *layout_file = NULL;
    uint32_t max[2] = {0, 0};
    struct tdm_layout layout;
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_pkg_config cfg;
    struct tdm_layout_diag diag;
    uint32_t chunk = 4096;
    tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pubs, 0);
    cfg.bootloader_version = (struct tdm_version){255, 255, 65535, 0xffffffffu};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            verify_usage(stdout);
            return 0;
        } else if (a[0] != '-' && !file) {
            file = a;
            continue;
        } else if (!v) {
            fprintf(stderr, "tandem: verify: unknown or incomplete option '%s' (try --help)\n", a);
            return 2;
        } else if (!strcmp(a, "--key")) {
            if (nkeys == TDM_PKG_MAX_KEYS) {
                fprintf(stderr, "tandem: verify: --key: at most %d keys\n", TDM_PKG_MAX_KEYS);
                return 2;
            }
            int err = tdm_key_load(&keys[nkeys], v);
            if (err < 0) {
                fprintf(stderr, "tandem: verify: --key: %s '%s'\n",
                        err == TDM_E_HOST_FILE ? "cannot read" : "not a P-256 key:", v);
                return 2;
            }
            memcpy(pubs[nkeys], keys[nkeys].pub, TDM_P256_PUBKEY_LEN);
            nkeys++;
        } else if (!strcmp(a, "--min-counter")) {
            bad = tdm_u32_parse(v, &cfg.min_counter);
        } else if (!strcmp(a, "--current-version")) {
            bad = tdm_version_parse(v, &cfg.current_version);
        } else if (!strcmp(a, "--bootloader-version")) {
            bad = tdm_version_parse(v, &cfg.bootloader_version);
        } else if (!strcmp(a, "--hw-id")) {
            bad = tdm_u32_parse(v, &cfg.hw_id);
        } else if (!strcmp(a, "--layout")) {
            layout_file = v;
        } else if (!strcmp(a, "--app-max") || !strcmp(a, "--net-max")) {
            bad = tdm_u32_parse(v, &max[a[2] == 'n']) < 0 || max[a[2] == 'n'] == 0 ? TDM_E_HOST_USAGE : 0;
        } else if (!strcmp(a, "--chunk")) {
            bad = tdm_u32_parse(v, &chunk) < 0 || chunk == 0 ? TDM_E_HOST_USAGE : 0;
        } else if (!strcmp(a, "--image-sigs")) {
            cfg.image_sig = !strcmp(v, "ignore")     ? TDM_PKG_IMAGE_SIG_IGNORE
                            : !strcmp(v, "if-known") ? TDM_PKG_IMAGE_SIG_IF_KNOWN
                            : !strcmp(v, "require")  ? TDM_PKG_IMAGE_SIG_REQUIRE
                                                     : (bad = TDM_E_HOST_USAGE, cfg.image_sig);
        } else {
            fprintf(stderr, "tandem: verify: unknown option '%s' (try --help)\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "tandem: verify: %s: bad value '%s'\n", a, v);
            return 2;
        }
        i++;
    }
    if (!file || nkeys == 0) {
        fprintf(stderr, "tandem: verify: %s is required (try --help)\n", !file ? "FILE" : "--key PUB.pem");
        return 2;
    }
    cfg.nkeys = nkeys;
    int lerr = layout_file ? tdm_pkg_layout_read(layout_file, &layout, &diag) : (tdm_pkg_host_layout(&layout), 0);
    if (lerr == TDM_E_HOST_FILE) {
        fprintf(stderr, "tandem: verify: --layout: no such file, unreadable or over 4 KB '%s'\n", layout_file);
        return 2;
    }
    if (lerr < 0) {
        return tdm_device_layout_fail("verify: --layout", layout_file, &diag);
    }
    cfg.comp_max[TDM_PKG_COMP_APP] = max[0] ? max[0] : layout.app_slot.size;
    cfg.comp_max[TDM_PKG_COMP_NET] = max[1] ? max[1] : layout.net_slot.size;
    uint8_t *buf;
    size_t len;
    if (tdm_file_read(file, &buf, &len) < 0) {
        fprintf(stderr, "tandem: verify: cannot read '%s'\n", file);
        return 2;
    }
    if (tdm_image_is_mcuboot(buf, len)) {
        int rc = verify_image(file, buf, len, keys, nkeys);
        free(buf);
        return rc;
    }
    static struct tdm_pkg_parser p;
    int err = tdm_pkg_parser_init(&p, &cfg);
    for (size_t off = 0; err == 0 && off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        err = tdm_pkg_feed(&p, buf + off, (uint32_t)n);
    }
    if (err == 0) {
        err = tdm_pkg_finish(&p);
    }
    if (err == 0) {
        err = tdm_pkg_check_targets(tdm_pkg_manifest(&p), layout.app_slot.addr, layout.net_slot.addr);
    }
    free(buf);
    if (err < 0) {
        fprintf(stderr, "tandem: verify: %s: %s: %s (at byte %lu)\n", file, tdm_errname(err), tdm_strerror(err),
                (unsigned long)tdm_pkg_offset(&p));
        return 1;
    }
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&p);
    char v[32];
    printf("%s: ok (set %s, counter %lu, %u components, %lu bytes)\n", file, tdm_version_str(&m->set_version, v),
           (unsigned long)m->sec_counter, m->count, (unsigned long)m->total_size);
    return 0;
}
