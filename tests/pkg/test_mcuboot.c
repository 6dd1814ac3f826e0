/* MCUboot image format: images as the nRF Connect SDK and imgtool lay them out, the image hash, the
 * signature and key hash, the protected TLVs, and malformed images refused with TDM_E_PKG_IMAGE. */
#include "fixture.h"

static struct tdm_crypto_ops ops;

static void sha(const uint8_t *d, size_t n, uint8_t out[32])
{
    struct tdm_sha256 h;
    ops.sha256_start(0, &h);
    ops.sha256_update(0, &h, d, n);
    ops.sha256_finish(0, &h, out);
}

/* An image written byte by byte here (not by tdm_image_wrap): 32-byte header, 16-byte body, a protected
 * SEC_CNT, SHA256 TLV in the old uint8 type + pad form. */
static void hand_built_image_parses(void)
{
    ops = tdm_host_crypto();
    uint8_t b[32 + 16 + 12 + 4 + 36] = {0x3d, 0xb8, 0xf3, 0x96, 0, 0, 0, 0, 32, 0, 12, 0, 16, 0, 0, 0,
                                        0,    0,    0,    0,    1, 2, 3, 0, 9, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    for (int i = 0; i < 16; i++) {
        b[32 + i] = (uint8_t)(i * 7);
    }
    const uint8_t prot[12] = {0x08, 0x69, 12, 0, 0x50, 0, 4, 0, 42, 0, 0, 0};
    memcpy(b + 48, prot, 12);
    const uint8_t info[8] = {0x07, 0x69, 40, 0, 0x10, 0x00, 32, 0};
    memcpy(b + 60, info, 8);
    sha(b, 60, b + 68);
    struct tdm_mcuboot_image img;
    uint8_t h[32];
    TDM_CHECK_OK(tdm_mcuboot_verify(&ops, b, sizeof b, &img, h));
    TDM_CHECK(img.hdr.hdr_size == 32 && img.hdr.img_size == 16 && img.hdr.prot_size == 12);
    TDM_CHECK(img.hdr.version.major == 1 && img.hdr.version.minor == 2 && img.hdr.version.revision == 3);
    TDM_CHECK(img.hdr.version.build == 9);
    TDM_CHECK(img.has_sec_cnt && img.sec_cnt == 42 && img.tlv_count == 2);
    TDM_CHECK(img.hashed_len == 60 && img.total_len == sizeof b && memcmp(h, b + 68, 32) == 0);
    TDM_CHECK_ERR(tdm_mcuboot_check_sig(&ops, &img, h, NULL, NULL, 0), TDM_E_PKG_UNSIGNED);
    b[64] = 0x30; /* the SHA256 TLV becomes an unknown type: no image hash at all */
    TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, sizeof b, &img, h), TDM_E_PKG_IMAGE);
    b[64] = 0x10;
    TDM_CHECK_OK(tdm_mcuboot_verify(&ops, b, sizeof b, &img, h));
    /* a signature TLV without a key hash or key, and a known key's signature that is not DER */
    struct tdm_mcuboot_image lone = img;
    uint8_t der[8] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01}, id[1][32], pub[1][65] = {{4}};
    lone.sig = der;
    lone.sig_len = sizeof der;
    TDM_CHECK_ERR(tdm_mcuboot_check_sig(&ops, &lone, h, NULL, NULL, 0), TDM_E_PKG_UNSIGNED);
    memset(id[0], 0x5a, 32);
    lone.keyhash = id[0];
    der[1] = 0x07; /* SEQUENCE longer than the TLV */
    TDM_CHECK_ERR(tdm_mcuboot_check_sig(&ops, &lone, h, (const uint8_t(*)[65])pub, (const uint8_t(*)[32])id, 1),
                  TDM_E_PKG_IMAGE);
    b[40] ^= 1; /* body byte: hash no longer matches */
    TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, sizeof b, &img, h), TDM_E_PKG_DIGEST);
    b[40] ^= 1;
    b[30] ^= 1; /* ih_pad1 is hashed too */
    TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, sizeof b, &img, h), TDM_E_PKG_DIGEST);
}

static void check_signed(const uint8_t *img_bytes, size_t n, const struct tdm_key *k, int pubkey)
{
    struct tdm_mcuboot_image img;
    uint8_t h[32], id[1][32], pub[1][65];
    TDM_CHECK_OK(tdm_mcuboot_verify(&ops, img_bytes, (uint32_t)n, &img, h));
    TDM_CHECK(img.sig && (pubkey ? img.pubkey != NULL : img.keyhash != NULL));
    tdm_key_id(k, id[0]);
    memcpy(pub[0], k->pub, 65);
    TDM_CHECK_OK(tdm_mcuboot_check_sig(&ops, &img, h, (const uint8_t(*)[65])pub, (const uint8_t(*)[32])id, 1));
    /* the hash is over header (with its padding), body and protected TLVs: recompute independently */
    uint8_t h2[32];
    sha(img_bytes, img.hashed_len, h2);
    TDM_CHECK(memcmp(h, h2, 32) == 0 && memcmp(h, img.sha256, 32) == 0);
    struct tdm_key other;
    TDM_CHECK_OK(tdm_key_from_seed(&other, tdm_test_seed() + 99));
    uint8_t oid[1][32], opub[1][65];
    tdm_key_id(&other, oid[0]);
    memcpy(opub[0], other.pub, 65);
    TDM_CHECK_ERR(tdm_mcuboot_check_sig(&ops, &img, h, (const uint8_t(*)[65])opub, (const uint8_t(*)[32])oid, 1),
                  TDM_E_PKG_KEY);
    h[0] ^= 1;
    TDM_CHECK_ERR(tdm_mcuboot_check_sig(&ops, &img, h, (const uint8_t(*)[65])pub, (const uint8_t(*)[32])id, 1),
                  TDM_E_PKG_SIG);
}

static void ncs_image_header_0x200_padded(void)
{
    ops = tdm_host_crypto();
    struct tdm_key k;
    TDM_CHECK_OK(tdm_key_from_seed(&k, tdm_test_seed()));
    uint8_t raw[1000], *img;
    size_t n;
    for (size_t i = 0; i < sizeof raw; i++) {
        raw[i] = (uint8_t)(i * 31 + tdm_test_seed());
    }
    struct tdm_image_params ip = {.version = {1, 4, 2, 77}, .hdr_size = 0x200, .has_sec_cnt = 1, .sec_cnt = 3,
                                  .key = &k, .dep_count = 1};
    ip.deps[0] = (struct tdm_mcuboot_dep){1, {1, 0, 0, 0}};
    TDM_CHECK_OK(tdm_image_wrap(raw, sizeof raw, &ip, &img, &n));
    TDM_CHECK(tdm_get_le16(img + 8) == 0x200 && memcmp(img + 0x200, raw, sizeof raw) == 0);
    for (int i = 32; i < 0x200; i++) {
        TDM_CHECK(img[i] == 0); /* --pad-header: zeros up to the header size */
    }
    check_signed(img, n, &k, 0);
    struct tdm_mcuboot_image mi;
    TDM_CHECK_OK(tdm_mcuboot_verify(&ops, img, (uint32_t)n, &mi, NULL));
    TDM_CHECK(mi.sec_cnt == 3 && mi.dep_count == 1 && mi.deps[0].image_id == 1 && mi.deps[0].min_version.major == 1);
    TDM_CHECK(mi.hdr.version.build == 77);
    free(img);
}

static void imgtool_default_header_pubkey_padded_sig(void)
{
    ops = tdm_host_crypto();
    struct tdm_key k;
    TDM_CHECK_OK(tdm_key_from_seed(&k, tdm_test_seed() + 5));
    uint8_t raw[77] = {1, 2, 3}, *img;
    size_t n;
    struct tdm_image_params ip = {.version = {0, 9, 0, 0}, .hdr_size = 32, .key = &k, .pubkey_tlv = 1, .pad_sig = 1};
    TDM_CHECK_OK(tdm_image_wrap(raw, sizeof raw, &ip, &img, &n));
    TDM_CHECK(tdm_get_le16(img + 10) == 0); /* no protected area */
    check_signed(img, n, &k, 1);
    free(img);
}

static void der_signature_forms(void)
{
    uint8_t raw[64];
    /* r with the high bit set carries a leading zero; s is short (its leading zero bytes dropped) */
    uint8_t der[72] = {0x30, 0x44, 0x02, 0x21, 0x00, 0x80};
    memset(der + 6, 0x11, 31);
    der[37] = 0x02;
    der[38] = 0x1f;
    memset(der + 39, 0x22, 31);
    TDM_CHECK_OK(tdm_mcuboot_sig_raw(der, 70, raw));
    TDM_CHECK(raw[0] == 0x80 && raw[1] == 0x11 && raw[32] == 0 && raw[33] == 0x22);
    TDM_CHECK_OK(tdm_mcuboot_sig_raw(der, 72, raw)); /* zero padding after the SEQUENCE */
    der[71] = 1;
    TDM_CHECK_ERR(tdm_mcuboot_sig_raw(der, 72, raw), TDM_E_PKG_IMAGE);
    der[71] = 0;
    static const struct {
        const char *what;
        uint8_t off, val, len;
    } bad[] = {
        {"a negative integer", 4, 0x80, 70},  {"33 bytes without a zero first", 4, 0x01, 70},
        {"not a SEQUENCE", 0, 0x31, 70},      {"long-form length", 1, 0x81, 70},
        {"SEQUENCE longer than the TLV", 1, 0x45, 70}, {"r not an INTEGER", 2, 0x03, 70},
        {"r of length 0", 3, 0x00, 70},       {"r of 34 bytes", 3, 0x22, 70},
        {"s past the SEQUENCE", 38, 0x20, 70}, {"s not an INTEGER", 37, 0x04, 70},
        {"SEQUENCE longer than r and s", 1, 0x46, 72}, {"shorter than 8 bytes", 0, 0x30, 7},
        {"no room for s", 1, 0x23, 70},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t d[72];
        memcpy(d, der, sizeof d);
        d[bad[i].off] = bad[i].val;
        tdm_test_replay_extra("--what '%s'", bad[i].what);
        TDM_CHECK_ERR(tdm_mcuboot_sig_raw(d, bad[i].len, raw), TDM_E_PKG_IMAGE);
    }
}

static void malformed_images_refused(void)
{
    ops = tdm_host_crypto();
    struct tdm_key k;
    TDM_CHECK_OK(tdm_key_from_seed(&k, tdm_test_seed()));
    uint8_t raw[64] = {0}, *img;
    size_t n;
    struct tdm_image_params ip = {.version = {1, 0, 0, 0}, .hdr_size = 32, .has_sec_cnt = 1, .key = &k};
    TDM_CHECK_OK(tdm_image_wrap(raw, sizeof raw, &ip, &img, &n));
    struct tdm_mcuboot_image mi;
    uint8_t *b = malloc(n + 1);
    struct {
        const char *what;
        size_t off;
        uint8_t val;
        int err;
    } cases[] = {
        {"magic", 0, 0x3c, TDM_E_PKG_IMAGE},
        {"header size below 32", 8, 16, TDM_E_PKG_IMAGE},
        {"protected size disagrees with its info", 10, 16, TDM_E_PKG_IMAGE},
        {"protected info magic", 32 + 64, 0x07, TDM_E_PKG_IMAGE},
        {"unprotected info magic", 32 + 64 + 12, 0x08, TDM_E_PKG_IMAGE},
        {"SEC_CNT length", 32 + 64 + 6, 5, TDM_E_PKG_IMAGE},
        {"SHA256 TLV turned into a SEC_CNT in the unprotected area", 32 + 64 + 16, 0x50, TDM_E_PKG_IMAGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, img, n);
        b[cases[i].off] = cases[i].val;
        tdm_test_replay_extra("--what '%s'", cases[i].what);
        TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, (uint32_t)n, &mi, NULL), cases[i].err);
    }
    memcpy(b, img, n);
    TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, (uint32_t)n - 1, &mi, NULL), TDM_E_PKG_TRUNCATED);
    b[n] = 0xff;
    TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, (uint32_t)n + 1, &mi, NULL), TDM_E_PKG_TRAILING);
    size_t il = 0;
    TDM_CHECK_OK(tdm_image_length(b, n + 1, &il)); /* slot padding after an image is found and cut */
    TDM_CHECK(il == n);
    free(b);
    free(img);
}

/* An imgtool-style image (PUBKEY TLV) checked through a crypto port that fails at call k, for every k:
 * always TDM_E_CRYPTO, never a digest or signature verdict. */
static void crypto_port_failing_in_image_check(void)
{
    struct tdm_key k;
    TDM_CHECK_OK(tdm_key_from_seed(&k, tdm_test_seed() + 3));
    uint8_t raw[90], *img, h[32], id[1][32], pub[1][65];
    for (size_t i = 0; i < sizeof raw; i++) {
        raw[i] = (uint8_t)(i * 13 + tdm_test_seed());
    }
    size_t n;
    struct tdm_image_params ip = {.version = {1, 0, 0, 0}, .hdr_size = 32, .key = &k, .pubkey_tlv = 1};
    TDM_CHECK_OK(tdm_image_wrap(raw, sizeof raw, &ip, &img, &n));
    tdm_key_id(&k, id[0]);
    memcpy(pub[0], k.pub, 65);
    struct tdm_mcuboot_image mi;
    ops = fx_crypto_fault(0);
    TDM_CHECK_OK(tdm_mcuboot_verify(&ops, img, (uint32_t)n, &mi, h));
    TDM_CHECK_OK(tdm_mcuboot_check_sig(&ops, &mi, h, (const uint8_t(*)[65])pub, (const uint8_t(*)[32])id, 1));
    unsigned calls = fx_cf.calls;
    TDM_CHECK(calls == 7); /* verify: start, update, finish; signature: start, update, finish, p256 */
    for (unsigned at = 1; at <= calls; at++) {
        tdm_test_replay_extra("--fail-at %u", at);
        ops = fx_crypto_fault(at);
        int err = tdm_mcuboot_verify(&ops, img, (uint32_t)n, &mi, h);
        if (at > 3) {
            TDM_CHECK_OK(err);
            err = tdm_mcuboot_check_sig(&ops, &mi, h, (const uint8_t(*)[65])pub, (const uint8_t(*)[32])id, 1);
        }
        TDM_CHECK_ERR(err, TDM_E_CRYPTO);
    }
    free(img);
}

static void tlv(uint8_t *a, uint32_t *n, uint16_t type, uint16_t len, uint8_t fill)
{
    tdm_put_le16(a + *n, type);
    tdm_put_le16(a + *n + 2, len);
    memset(a + *n + 4, fill, len);
    *n += 4u + len;
}

/* One TLV area set: a protected area (prot_n bytes of TLVs after its info) and an unprotected one. */
static int parse_areas(const uint8_t *prot, uint32_t prot_n, const uint8_t *unprot, uint32_t unprot_n)
{
    static uint8_t buf[1024];
    uint32_t n = 0;
    if (prot_n) {
        tdm_put_le16(buf, TDM_MCUBOOT_TLV_PROT_MAGIC);
        tdm_put_le16(buf + 2, (uint16_t)(prot_n + 4));
        memcpy(buf + 4, prot, prot_n);
        n = prot_n + 4;
    }
    tdm_put_le16(buf + n, TDM_MCUBOOT_TLV_INFO_MAGIC);
    tdm_put_le16(buf + n + 2, (uint16_t)(unprot_n + 4));
    memcpy(buf + n + 4, unprot, unprot_n);
    struct tdm_mcuboot_header hdr = {.hdr_size = 32, .img_size = 64, .prot_size = (uint16_t)(prot_n ? prot_n + 4 : 0)};
    struct tdm_mcuboot_image img;
    return tdm_mcuboot_parse_tlvs(&hdr, buf, n + unprot_n + 4, &img, 0, 0);
}

/* Each rule of the TLV areas (docs/FORMAT.md, "MCUboot images"), broken once in an otherwise valid pair of
 * areas: TDM_E_PKG_IMAGE. The valid pair parses. */
static void every_tlv_rule_refuses_its_breach(void)
{
    enum { P = 1, U = 0 };
    static const struct {
        const char *what;
        uint8_t area;  /* P: the breaking TLV goes in the protected area */
        uint8_t alone; /* 1: in areas that hold nothing else (a length rule), 0: added to the valid pair */
        uint16_t type, len;
    } cases[] = {
        {"SHA256 protected", P, 0, TDM_MCUBOOT_TLV_SHA256, 32},
        {"SHA256 of 31 bytes", U, 1, TDM_MCUBOOT_TLV_SHA256, 31},
        {"second SHA256", U, 0, TDM_MCUBOOT_TLV_SHA256, 32},
        {"second KEYHASH", U, 0, TDM_MCUBOOT_TLV_KEYHASH, 32},
        {"KEYHASH protected", P, 0, TDM_MCUBOOT_TLV_KEYHASH, 32},
        {"PUBKEY protected", P, 0, TDM_MCUBOOT_TLV_PUBKEY, 91},
        {"second PUBKEY", U, 0, TDM_MCUBOOT_TLV_PUBKEY, 91},
        {"signature protected", P, 0, TDM_MCUBOOT_TLV_ECDSA_SIG, 72},
        {"second signature", U, 0, TDM_MCUBOOT_TLV_ECDSA_SIG, 72},
        {"signature of 7 bytes", U, 1, TDM_MCUBOOT_TLV_ECDSA_SIG, 7},
        {"SEC_CNT unprotected", U, 0, TDM_MCUBOOT_TLV_SEC_CNT, 4},
        {"SEC_CNT of 8 bytes", P, 1, TDM_MCUBOOT_TLV_SEC_CNT, 8},
        {"second SEC_CNT", P, 0, TDM_MCUBOOT_TLV_SEC_CNT, 4},
        {"DEPENDENCY unprotected", U, 0, TDM_MCUBOOT_TLV_DEPENDENCY, 12},
        {"DEPENDENCY of 8 bytes", P, 1, TDM_MCUBOOT_TLV_DEPENDENCY, 8},
        {"a fifth DEPENDENCY", P, 0, TDM_MCUBOOT_TLV_DEPENDENCY, 12},
    };
    uint8_t prot[400], unprot[400];
    uint32_t pn = 0, un = 0;
    tlv(prot, &pn, TDM_MCUBOOT_TLV_SEC_CNT, 4, (uint8_t)tdm_test_seed());
    for (int d = 0; d < TDM_MCUBOOT_MAX_DEPS; d++) {
        tlv(prot, &pn, TDM_MCUBOOT_TLV_DEPENDENCY, 12, (uint8_t)d);
    }
    tlv(unprot, &un, TDM_MCUBOOT_TLV_SHA256, 32, 0x5a);
    tlv(unprot, &un, TDM_MCUBOOT_TLV_KEYHASH, 32, 0x11);
    tlv(unprot, &un, TDM_MCUBOOT_TLV_PUBKEY, 91, 0x22);
    tlv(unprot, &un, TDM_MCUBOOT_TLV_ECDSA_SIG, 72, 0x33);
    TDM_CHECK_OK(parse_areas(prot, pn, unprot, un));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t p2[520], u2[520];
        uint32_t pn2 = cases[i].alone ? 0 : pn, un2 = cases[i].alone ? 0 : un;
        memcpy(p2, prot, pn);
        memcpy(u2, unprot, un);
        tlv(cases[i].area == P ? p2 : u2, cases[i].area == P ? &pn2 : &un2, cases[i].type, cases[i].len, 1);
        tdm_test_replay_extra("--what '%s'", cases[i].what);
        TDM_CHECK_ERR(parse_areas(p2, pn2, u2, un2), TDM_E_PKG_IMAGE);
    }
    /* an area whose last TLV runs past its end, or leaves 1..3 bytes that cannot hold a TLV header */
    unprot[un] = 0;
    TDM_CHECK_ERR(parse_areas(prot, pn, unprot, un + 2), TDM_E_PKG_IMAGE);
    tdm_put_le16(unprot + 2, 40); /* SHA256 claims 40 bytes: runs into the next TLV (still in the area) */
    TDM_CHECK_ERR(parse_areas(prot, pn, unprot, un), TDM_E_PKG_IMAGE);
    struct tdm_mcuboot_header hdr = {.hdr_size = 32, .img_size = 64, .prot_size = 0};
    struct tdm_mcuboot_image img;
    uint8_t big[8] = {0x07, 0x69, 0xff, 0xff};
    TDM_CHECK_ERR(tdm_mcuboot_parse_tlvs(&hdr, big, 0x10000, &img, 0, 0), TDM_E_PKG_IMAGE); /* > 64 KiB */
    TDM_CHECK_ERR(tdm_mcuboot_parse_tlvs(&hdr, big, 3, &img, 0, 0), TDM_E_PKG_IMAGE);      /* no room for info */
}

/* Header and length rules checked before any TLV: sizes that wrap 32 bits, a protected area too small for
 * its own info, an unprotected info whose total is below 4 or wraps. */
static void header_length_rules(void)
{
    uint8_t b[32] = {0x3d, 0xb8, 0xf3, 0x96, 0, 0, 0, 0, 32, 0, 0, 0, 16, 0, 0, 0};
    struct tdm_mcuboot_header hdr;
    TDM_CHECK_OK(tdm_mcuboot_parse_header(b, &hdr));
    tdm_put_le32(b + 12, UINT32_MAX - 31); /* header + body wraps */
    TDM_CHECK_ERR(tdm_mcuboot_parse_header(b, &hdr), TDM_E_PKG_IMAGE);
    tdm_put_le32(b + 12, 16);
    for (uint16_t ps = 1; ps < 4; ps++) {
        tdm_put_le16(b + 10, ps);
        tdm_test_replay_extra("--prot-size %u", ps);
        TDM_CHECK_ERR(tdm_mcuboot_parse_header(b, &hdr), TDM_E_PKG_IMAGE);
    }
    tdm_put_le16(b + 10, 0);
    TDM_CHECK_OK(tdm_mcuboot_parse_header(b, &hdr));
    uint8_t info[4] = {0x07, 0x69, 3, 0};
    uint32_t total = 0;
    TDM_CHECK_ERR(tdm_mcuboot_total_len(&hdr, info, &total), TDM_E_PKG_IMAGE);
    info[2] = 4;
    TDM_CHECK_OK(tdm_mcuboot_total_len(&hdr, info, &total));
    TDM_CHECK(total == 32 + 16 + 4);
    hdr.img_size = UINT32_MAX - 32 - 2;
    TDM_CHECK_ERR(tdm_mcuboot_total_len(&hdr, info, &total), TDM_E_PKG_IMAGE);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"hand-built image parses", hand_built_image_parses},
        {"nRF Connect SDK image: header 0x200 padded, signed, SEC_CNT, dependency", ncs_image_header_0x200_padded},
        {"imgtool default: 32-byte header, PUBKEY TLV, padded signature", imgtool_default_header_pubkey_padded_sig},
        {"DER signature forms", der_signature_forms},
        {"malformed images refused", malformed_images_refused},
        {"crypto port failing in the image check is named, never a verdict", crypto_port_failing_in_image_check},
        {"every TLV rule refuses its breach", every_tlv_rule_refuses_its_breach},
        {"header and length rules", header_length_rules},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
