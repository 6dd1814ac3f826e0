/* `tandem wrap`: a raw binary into a signed MCUboot image, laid out as imgtool writes it (what the nRF
 * Connect SDK produces with --header-size 0x200 --pad-header).
 * Owns: the command line of wrap. Never: writes the output unless the image re-verifies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static void wrap_usage(FILE *out)
{
    fprintf(out, "usage: tandem wrap [--key KEY.pem] --version V [options] RAW.bin -o IMAGE.bin\n"
                 "  Wraps a raw binary into an MCUboot image: header (padded to --header-size), body, protected\n"
                 "  TLVs (SEC_CNT, DEPENDENCY), unprotected TLVs (SHA256, KEYHASH, ECDSA_SIG). Without --key\n"
                 "  the image carries only its SHA256 TLV.\n"
                 "options:\n"
                 "  --header-size N     header size (default 0x200; 32 = imgtool's default, no padding)\n"
                 "  --counter N         add a SEC_CNT TLV\n"
                 "  --dep IMG:V         add a DEPENDENCY TLV on MCUboot image IMG (0 app, 1 net) >= V\n"
                 "  --load-addr A       ih_load_addr (default 0)\n"
                 "  --pubkey            embed the full public key (PUBKEY TLV) instead of KEYHASH\n"
                 "  --pad-sig           pad the signature to 72 bytes (imgtool before 1.5)\n"
                 "exit codes: 0 written, 1 refused, 2 usage or I/O error\n");
}

int tdm_cmd_wrap(int argc, char **argv)
{
    struct tdm_image_params ip;
    struct tdm_key key;
    const char *in = NULL, *outp = NULL, *ver = NULL;
    uint32_t hdr = TDM_MCUBOOT_NCS_HDR_SIZE;
    memset(&ip, 0, sizeof ip);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            wrap_usage(stdout);
            return 0;
        } else if (!strcmp(a, "--pubkey")) {
            ip.pubkey_tlv = 1;
            continue;
        } else if (!strcmp(a, "--pad-sig")) {
            ip.pad_sig = 1;
            continue;
        } else if (a[0] != '-' && !in) {
            in = a;
            continue;
        } else if (!v) {
            fprintf(stderr, "tandem: wrap: unknown or incomplete option '%s' (try --help)\n", a);
            return 2;
        } else if (!strcmp(a, "--key")) {
            if (tdm_key_load(&key, v) < 0 || !key.has_priv) {
                fprintf(stderr, "tandem: wrap: --key: '%s' is missing or not a P-256 private key\n", v);
                return 2;
            }
            ip.key = &key;
        } else if (!strcmp(a, "--version")) {
            ver = v;
            bad = tdm_version_parse(v, &ip.version);
        } else if (!strcmp(a, "--header-size")) {
            bad = tdm_u32_parse(v, &hdr) < 0 || hdr < 32 || hdr > 0xffff ? TDM_E_HOST_USAGE : 0;
        } else if (!strcmp(a, "--counter")) {
            ip.has_sec_cnt = 1;
            bad = tdm_u32_parse(v, &ip.sec_cnt);
        } else if (!strcmp(a, "--load-addr")) {
            bad = tdm_u32_parse(v, &ip.load_addr);
        } else if (!strcmp(a, "--dep")) {
            const char *colon = strchr(v, ':');
            bad = !colon || (v[0] != '0' && v[0] != '1') || colon != v + 1 || ip.dep_count == TDM_MCUBOOT_MAX_DEPS
                      ? TDM_E_HOST_USAGE
                      : tdm_version_parse(colon + 1, &ip.deps[ip.dep_count].min_version);
            if (!bad) {
                ip.deps[ip.dep_count++].image_id = (uint8_t)(v[0] - '0');
            }
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            outp = v;
        } else {
            fprintf(stderr, "tandem: wrap: unknown option '%s' (try --help)\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "tandem: wrap: %s: bad value '%s'\n", a, v);
            return 2;
        }
        i++;
    }
    if (!in || !outp || !ver) {
        fprintf(stderr, "tandem: wrap: %s is required (try --help)\n", !in ? "RAW.bin" : !ver ? "--version" : "-o");
        return 2;
    }
    ip.hdr_size = (uint16_t)hdr;
    uint8_t *raw, *img = NULL;
    size_t len, ilen = 0;
    if (tdm_file_read(in, &raw, &len) < 0) {
        fprintf(stderr, "tandem: wrap: no such file or unreadable '%s'\n", in);
        return 2;
    }
    int err = tdm_image_wrap(raw, len, &ip, &img, &ilen);
    free(raw);
    struct tdm_crypto_ops o = tdm_host_crypto();
    struct tdm_mcuboot_image mi;
    if (err == 0) {
        err = tdm_mcuboot_verify(&o, img, (uint32_t)ilen, &mi, NULL);
    }
    int rc = 0;
    if (err < 0) {
        fprintf(stderr, "tandem: wrap: %s: %s\n", tdm_errname(err), tdm_strerror(err));
        rc = 1;
    } else if (tdm_file_write(outp, img, ilen) < 0) {
        fprintf(stderr, "tandem: wrap: -o: cannot write '%s'\n", outp);
        rc = 2;
    } else {
        printf("%s: MCUboot image, %zu bytes (header 0x%x, body %zu, TLVs %zu)\n", outp, ilen, hdr, len,
               ilen - hdr - len);
    }
    free(img);
    return rc;
}
