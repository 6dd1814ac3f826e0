/* Writes the seed corpus of the pkg and mcuboot fuzz targets (fuzz/corpus/) and prints the public key
 * they trust. Host-only; build: fuzz/run.sh --seeds. Keys are derived from seed 1 (tdm_key_from_seed), so
 * the corpus is reproducible. The targets check signatures with the fuzz port (fuzz_crypto.h): every
 * signed seed is made with the real tools and then sealed, its ECDSA signature replaced by the marker,
 * except the ecdsa_* seeds, which keep a real signature the fuzz port refuses.
 * Owns: the seeds. Never: part of any test or device build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_crypto.h"
#include "fuzz_key.h"
#include "pkg_build.h"
#include "tandem/le.h"

static void put(const char *dir, const char *name, const uint8_t *b, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (tdm_file_write(path, b, n) < 0) {
        fprintf(stderr, "make_seeds: cannot write %s\n", path);
        exit(2);
    }
}

/* Replace the DER signature of an MCUboot image by the marker's DER (70 bytes) and imgtool's zero
 * padding; the image's SHA256 TLV does not cover the signature, so the image stays intact. */
static void seal_image(uint8_t *img, size_t n)
{
    struct tdm_crypto_ops ops = tdm_fuzz_crypto();
    struct tdm_mcuboot_image im;
    uint8_t hash[TDM_SHA256_LEN];
    const uint8_t *marker = (const uint8_t *)TDM_FUZZ_SIG_MARKER;
    if (tdm_mcuboot_verify(&ops, img, (uint32_t)n, &im, hash) < 0 || !im.sig || im.sig_len < 70) {
        fprintf(stderr, "make_seeds: cannot seal an image\n");
        exit(2);
    }
    uint8_t *der = img + (im.sig - img);
    memset(der, 0, im.sig_len);
    der[0] = 0x30;
    der[1] = 68;
    der[2] = der[36] = 0x02;
    der[3] = der[37] = 32;
    memcpy(der + 4, marker, 32);
    memcpy(der + 38, marker + 32, 32);
}

/* Replace the package signature (raw r||s after type and key id in the signature block at
 * 16 + manifest_len, docs/FORMAT.md) by the marker, then check that the fuzz port accepts the package. */
static void seal_package(uint8_t *pkg, size_t n)
{
    memcpy(pkg + TDM_PKG_HEADER_LEN + tdm_get_le32(pkg + 8) + 36, TDM_FUZZ_SIG_MARKER, TDM_P256_SIG_LEN);
    struct tdm_crypto_ops ops = tdm_fuzz_crypto();
    struct tdm_pkg_config cfg;
    static struct tdm_pkg_parser p;
    tdm_pkg_host_config(&cfg, &ops, tdm_fuzz_key, 1);
    cfg.image_sig = TDM_PKG_IMAGE_SIG_REQUIRE;
    int err = tdm_pkg_verify_buf(&cfg, pkg, n, &p);
    if (err < 0) {
        fprintf(stderr, "make_seeds: the sealed package does not verify: %d\n", err);
        exit(2);
    }
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "fuzz/corpus";
    char dpkg[512], dimg[512];
    snprintf(dpkg, sizeof dpkg, "%s/pkg", root);
    snprintf(dimg, sizeof dimg, "%s/mcuboot", root);
    struct tdm_key k;
    if (tdm_key_from_seed(&k, 1) < 0) {
        return 2;
    }
    uint8_t raw[96];
    for (size_t i = 0; i < sizeof raw; i++) {
        raw[i] = (uint8_t)(i * 13);
    }
    uint8_t *app, *net, *img32, *pkg;
    size_t an, nn, in, pn;
    struct tdm_image_params ip = {.version = {2, 1, 0, 7}, .hdr_size = 64, .has_sec_cnt = 1, .sec_cnt = 5, .key = &k};
    if (tdm_image_wrap(raw, 40, &ip, &net, &nn) < 0) {
        return 2;
    }
    ip.dep_count = 1;
    ip.deps[0] = (struct tdm_mcuboot_dep){1, {2, 0, 0, 0}};
    if (tdm_image_wrap(raw, sizeof raw, &ip, &app, &an) < 0) {
        return 2;
    }
    struct tdm_image_params ip2 = {.version = {1, 0, 0, 0}, .hdr_size = 32, .key = &k, .pubkey_tlv = 1, .pad_sig = 1};
    if (tdm_image_wrap(raw, 16, &ip2, &img32, &in) < 0) {
        return 2;
    }
    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .key = &k, .note = "seed", .count = 2};
    pp.comp[0] = (struct tdm_pack_component){1, 0, 0x00010000u, app, an}; /* parser seeds: any address */
    pp.comp[1] = (struct tdm_pack_component){2, 1, 0x01004000u, net, nn};
    int bad;
    if (tdm_pack(&pp, &pkg, &pn, &bad) < 0) {
        return 2;
    }
    put(dpkg, "ecdsa_signed.tdm", pkg, pn); /* real signatures: the fuzz port refuses them */
    put(dimg, "ecdsa_signed.img", app, an);
    free(pkg);
    seal_image(app, an);
    seal_image(net, nn);
    seal_image(img32, in);
    if (tdm_pack(&pp, &pkg, &pn, &bad) < 0) {
        return 2;
    }
    seal_package(pkg, pn);
    put(dpkg, "valid.tdm", pkg, pn);
    put(dpkg, "truncated.tdm", pkg, pn / 2);
    pp.key = NULL;
    free(pkg);
    if (tdm_pack(&pp, &pkg, &pn, &bad) < 0) {
        return 2;
    }
    put(dpkg, "unsigned.tdm", pkg, pn);
    put(dimg, "ncs_style.img", app, an);
    put(dimg, "imgtool_pubkey.img", img32, in);
    put(dimg, "net.img", net, nn);
    char hx[131];
    printf("trusted key: %s\n", tdm_hex(k.pub, sizeof k.pub, hx));
    return 0;
}
