/* Bad input, each refused with a named error and nothing accepted after it: truncation at every length,
 * every single byte flipped, wrong key, unsigned, downgrade, too big, duplicate / missing component, bad
 * magic, trailing data, a component that is not an MCUboot image, unknown critical fields, dependencies. */
#include <stdio.h>

#include "fixture.h"

static void truncated_at_every_length(void)
{
    struct fx f;
    fx_build(&f, 64, 48, 32);
    static struct tdm_pkg_parser p;
    for (size_t n = 0; n < f.pkg_len; n++) {
        tdm_test_replay_extra("--cut %zu", n);
        TDM_CHECK_OK(tdm_pkg_parser_init(&p, &f.cfg));
        int err = tdm_pkg_feed(&p, f.pkg, (uint32_t)n);
        if (err == 0) {
            err = tdm_pkg_finish(&p);
        }
        TDM_CHECK(err == TDM_E_PKG_TRUNCATED);
    }
    fx_free(&f);
}

/* Every byte of a small package flipped in turn (all 8 bits): each flip must be refused. There is no
 * ignored byte in the format: header, manifest and the note are signed, the signature block is checked
 * field by field, MCUboot header padding and ih_pad1 are inside the image hash, the unprotected TLV area
 * is covered by the manifest's TLV digest. */
static void every_byte_flipped(void)
{
    struct fx f;
    fx_build(&f, 64, 48, 32);
    uint8_t *b = malloc(f.pkg_len);
    int counts[200] = {0};
    for (size_t i = 0; i < f.pkg_len; i++) {
        memcpy(b, f.pkg, f.pkg_len);
        b[i] ^= 0xff;
        tdm_test_replay_extra("--flip %zu", i);
        int err = fx_verify(&f.cfg, b, f.pkg_len);
        TDM_CHECK(err < 0);
        counts[-err < 200 ? -err : 0]++;
    }
    printf("    %zu flips refused:", f.pkg_len);
    for (int e = 1; e < 200; e++) {
        if (counts[e]) {
            printf(" %s=%d", tdm_errname(-e), counts[e]);
        }
    }
    printf("\n");
    free(b);
    fx_free(&f);
}

/* The nRF Connect SDK header padding (0x20..0x1ff) is hashed by MCUboot: flipping it is caught. */
static void header_padding_flips_caught(void)
{
    struct fx f;
    fx_build(&f, 64, 48, 0x200);
    uint8_t *b = malloc(f.pkg_len);
    uint32_t c0 = fx_comp_off(f.pkg);
    for (uint32_t i = 32; i < 0x200; i += 7) {
        memcpy(b, f.pkg, f.pkg_len);
        b[c0 + i] ^= 0x01;
        tdm_test_replay_extra("--flip %u", c0 + i);
        TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len), TDM_E_PKG_DIGEST);
    }
    free(b);
    fx_free(&f);
}

static void wrong_key_unsigned_magic_trailing(void)
{
    struct fx f;
    fx_build(&f, 200, 100, 32);
    struct tdm_key other;
    TDM_CHECK_OK(tdm_key_from_seed(&other, tdm_test_seed() + 7));
    uint8_t opub[1][65];
    memcpy(opub[0], other.pub, 65);
    struct tdm_pkg_config c = f.cfg;
    c.keys = (const uint8_t(*)[65])opub;
    TDM_CHECK_ERR(fx_verify(&c, f.pkg, f.pkg_len), TDM_E_PKG_KEY);

    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .count = 2};
    pp.comp[0] = (struct tdm_pack_component){1, 0, 0, f.app, f.app_len};
    pp.comp[1] = (struct tdm_pack_component){2, 1, 0, f.net, f.net_len};
    uint8_t *u;
    size_t un;
    int bad;
    TDM_CHECK_OK(tdm_pack(&pp, &u, &un, &bad)); /* no key: signature type 0 */
    TDM_CHECK_ERR(fx_verify(&f.cfg, u, un), TDM_E_PKG_UNSIGNED);
    /* signed by another key that claims our key id */
    pp.key = &other;
    free(u);
    TDM_CHECK_OK(tdm_pack(&pp, &u, &un, &bad));
    uint32_t m = tdm_get_le32(u + 8);
    tdm_key_id(&f.key, u + TDM_PKG_HEADER_LEN + m + 4);
    TDM_CHECK_ERR(fx_verify(&f.cfg, u, un), TDM_E_PKG_SIG);
    free(u);

    uint8_t *b = malloc(f.pkg_len + 1);
    memcpy(b, f.pkg, f.pkg_len);
    b[0] = 'X';
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len), TDM_E_PKG_MAGIC);
    memcpy(b, f.pkg, f.pkg_len);
    b[4] = 2;
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len), TDM_E_PKG_VERSION);
    memcpy(b, f.pkg, f.pkg_len);
    b[f.pkg_len] = 0;
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len + 1), TDM_E_PKG_TRAILING);
    free(b);
    fx_free(&f);
}

static void policy_refusals(void)
{
    struct fx f;
    fx_build(&f, 200, 100, 32);
    struct tdm_pkg_config c = f.cfg;
    c.min_counter = 6;
    TDM_CHECK_ERR(fx_verify(&c, f.pkg, f.pkg_len), TDM_E_PKG_DOWNGRADE);
    c = f.cfg;
    c.current_version = (struct tdm_version){2, 1, 1, 0};
    TDM_CHECK_ERR(fx_verify(&c, f.pkg, f.pkg_len), TDM_E_PKG_DOWNGRADE);
    c.current_version = (struct tdm_version){2, 1, 0, 7}; /* same set again (reinstall): allowed */
    TDM_CHECK_OK(fx_verify(&c, f.pkg, f.pkg_len));
    c = f.cfg;
    c.comp_max[TDM_PKG_COMP_NET] = (uint32_t)f.net_len - 1;
    TDM_CHECK_ERR(fx_verify(&c, f.pkg, f.pkg_len), TDM_E_PKG_TOO_BIG);
    c = f.cfg;
    c.comp_max[TDM_PKG_COMP_NET] = 0;
    c.required = 1u << TDM_PKG_COMP_APP;
    TDM_CHECK_ERR(fx_verify(&c, f.pkg, f.pkg_len), TDM_E_PKG_COMPONENT);
    c = f.cfg;
    c.image_sig = TDM_PKG_IMAGE_SIG_REQUIRE;
    TDM_CHECK_OK(fx_verify(&c, f.pkg, f.pkg_len));
    fx_free(&f);
}

static void duplicate_missing_and_not_mcuboot(void)
{
    struct fx f;
    fx_build(&f, 200, 100, 32);
    uint8_t *b = malloc(f.pkg_len);
    uint32_t m = tdm_get_le32(f.pkg + 8);
    /* the second COMPONENT TLV is the last one of the manifest: its id byte */
    uint32_t id2 = TDM_PKG_HEADER_LEN + m - TDM_PKG_COMPONENT_LEN;
    memcpy(b, f.pkg, f.pkg_len);
    TDM_CHECK(b[id2] == TDM_PKG_COMP_NET);
    b[id2] = TDM_PKG_COMP_APP;
    fx_resign(&f, b);
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len), TDM_E_PKG_DUPLICATE);

    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .key = &f.key, .count = 1};
    pp.comp[0] = (struct tdm_pack_component){1, 0, 0, f.app, f.app_len};
    uint8_t *u;
    size_t un;
    int bad;
    TDM_CHECK_OK(tdm_pack(&pp, &u, &un, &bad));
    TDM_CHECK_ERR(fx_verify(&f.cfg, u, un), TDM_E_PKG_MISSING);
    free(u);

    /* a validly signed manifest whose second component is not an MCUboot image */
    memcpy(b, f.pkg, f.pkg_len);
    b[fx_comp_off(b) + f.app_len] ^= 0x55;
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len), TDM_E_PKG_IMAGE);
    /* pack itself refuses a non-image */
    pp.comp[0].image = f.app + 1;
    pp.comp[0].len = f.app_len - 1;
    TDM_CHECK_ERR(tdm_pack(&pp, &u, &un, &bad), TDM_E_PKG_IMAGE);
    TDM_CHECK(bad == 0);
    free(b);
    fx_free(&f);
}

static void unknown_fields_critical_or_optional(void)
{
    struct fx f;
    fx_build(&f, 100, 100, 32);
    size_t n;
    uint8_t *b = fx_add_tlv(&f, 0x0042, "xyz", 3, &n);
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, n), TDM_E_PKG_CRITICAL);
    free(b);
    b = fx_add_tlv(&f, 0x8042, "xyz", 3, &n);
    TDM_CHECK_OK(fx_verify(&f.cfg, b, n));
    free(b);
    b = fx_add_tlv(&f, TDM_PKG_T_SEC_COUNTER, "\x09\0\0\0", 4, &n); /* a repeated field */
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, n), TDM_E_PKG_MALFORMED);
    free(b);
    fx_free(&f);
}

static void dependency_not_satisfied(void)
{
    struct fx f;
    fx_build(&f, 100, 100, 32);
    uint8_t raw[100] = {0}, *app;
    size_t an;
    struct tdm_image_params ip = {.version = {2, 1, 0, 7}, .hdr_size = 32, .key = &f.key, .dep_count = 1};
    ip.deps[0] = (struct tdm_mcuboot_dep){1, {3, 0, 0, 0}}; /* needs net >= 3.0.0, the set has 2.1.0 */
    TDM_CHECK_OK(tdm_image_wrap(raw, sizeof raw, &ip, &app, &an));
    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .key = &f.key, .count = 2};
    pp.comp[0] = (struct tdm_pack_component){1, 0, 0, app, an};
    pp.comp[1] = (struct tdm_pack_component){2, 1, 0, f.net, f.net_len};
    uint8_t *u;
    size_t un;
    int bad;
    TDM_CHECK_OK(tdm_pack(&pp, &u, &un, &bad));
    TDM_CHECK_ERR(fx_verify(&f.cfg, u, un), TDM_E_PKG_DEPENDENCY);
    free(u);
    free(app);
    ip.deps[0] = (struct tdm_mcuboot_dep){5, {0, 0, 0, 0}}; /* needs image 5 (component 6): not in the set */
    TDM_CHECK_OK(tdm_image_wrap(raw, sizeof raw, &ip, &app, &an));
    pp.comp[0].image = app;
    pp.comp[0].len = an;
    TDM_CHECK_OK(tdm_pack(&pp, &u, &un, &bad));
    TDM_CHECK_ERR(fx_verify(&f.cfg, u, un), TDM_E_PKG_DEPENDENCY);
    free(u);
    free(app);
    fx_free(&f);
}

/* Validly signed manifests (a signer's tool gone wrong) that disagree with the images they announce: the
 * SIGNED flag, a size that leaves no TLV info, a TLV area larger than a device holds, sizes whose sum
 * wraps 32 bits. Each is named before a byte of the component is accepted. */
static void signed_manifest_disagrees_with_its_images(void)
{
    struct fx f;
    fx_build(&f, 300, 200, 32);
    uint8_t *b = malloc(f.pkg_len);
    uint32_t net = fx_comp_tlv(f.pkg, 1);
    TDM_CHECK(f.pkg[fx_comp_tlv(f.pkg, 0)] == TDM_PKG_COMP_APP && f.pkg[net] == TDM_PKG_COMP_NET);
    uint32_t hashed = 32u + tdm_get_le32(f.net + 12) + tdm_get_le16(f.net + 10);
    static const struct {
        const char *what;
        unsigned comp, field; /* 2: flags u16, 4: size u32 */
        int32_t delta_from_hashed;
        int early; /* named at the component's 32-byte MCUboot header, before its body */
    } cases[] = {
        {"SIGNED flag cleared on a signed image", 0, 2, 0, 0},
        {"size leaves 2 bytes after the hashed range", 1, 4, 2, 1},
        {"TLV area larger than TDM_PKG_TLV_MAX", 1, 4, TDM_PKG_TLV_MAX + 1, 1},
    };
    static struct tdm_pkg_parser p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, f.pkg, f.pkg_len);
        uint32_t v = fx_comp_tlv(b, cases[i].comp) + cases[i].field;
        if (cases[i].field == 2) {
            tdm_put_le16(b + v, 0);
        } else {
            tdm_put_le32(b + v, hashed + (uint32_t)cases[i].delta_from_hashed);
        }
        fx_resign(&f, b);
        tdm_test_replay_extra("--what '%s'", cases[i].what);
        TDM_CHECK_ERR(tdm_pkg_verify_buf(&f.cfg, b, f.pkg_len, &p), TDM_E_PKG_IMAGE);
        uint32_t start = fx_comp_off(b) + (cases[i].comp ? (uint32_t)f.app_len : 0);
        TDM_CHECK(!cases[i].early || tdm_pkg_offset(&p) <= start + TDM_MCUBOOT_HDR_LEN);
    }
    uint8_t huge[TDM_PKG_COMPONENT_LEN] = {3, 0};
    tdm_put_le32(huge + 4, UINT32_MAX - 64);
    size_t n;
    uint8_t *h = fx_add_tlv(&f, TDM_PKG_T_COMPONENT, huge, sizeof huge, &n);
    TDM_CHECK_ERR(fx_verify(&f.cfg, h, n), TDM_E_PKG_TOO_BIG);
    free(h);
    memcpy(b, f.pkg, f.pkg_len);
    tdm_put_le32(b + 8, 3); /* a manifest too short for one TLV header: named by the fixed header */
    TDM_CHECK_ERR(tdm_pkg_verify_buf(&f.cfg, b, f.pkg_len, &p), TDM_E_PKG_MALFORMED);
    TDM_CHECK(tdm_pkg_offset(&p) == TDM_PKG_HEADER_LEN);
    free(b);
    fx_free(&f);
}

static void put_tlv(uint8_t *m, uint32_t *n, uint16_t type, const void *v, uint16_t len)
{
    tdm_put_le16(m + *n, type);
    tdm_put_le16(m + *n + 2, len);
    memcpy(m + *n + 4, v, len);
    *n += 4u + len;
}

/* Manifest decoding alone: more components than a device holds, none at all, a note longer than the
 * device keeps (cut, not refused: it is optional), and the components' targets against the layout. */
static void manifest_counts_note_and_targets(void)
{
    uint8_t m[1024], v8[8] = {2, 1}, v4[4] = {5}, comp[TDM_PKG_COMPONENT_LEN] = {0};
    uint32_t n = 0;
    put_tlv(m, &n, TDM_PKG_T_SET_VERSION, v8, 8);
    put_tlv(m, &n, TDM_PKG_T_SEC_COUNTER, v4, 4);
    put_tlv(m, &n, TDM_PKG_T_HW_ID, v4, 4);
    put_tlv(m, &n, TDM_PKG_T_MIN_BOOTLOADER, v8, 8);
    struct tdm_pkg_manifest man;
    TDM_CHECK_ERR(tdm_pkg_manifest_decode(m, n, &man), TDM_E_PKG_MISSING); /* no component */
    char note[100];
    memset(note, 'a' + (int)(tdm_test_seed() % 26), sizeof note);
    put_tlv(m, &n, TDM_PKG_T_NOTE, note, sizeof note);
    tdm_put_le32(comp + 4, 100);
    for (uint8_t id = 1; id <= TDM_PKG_MAX_COMPONENTS; id++) {
        comp[0] = id;
        put_tlv(m, &n, TDM_PKG_T_COMPONENT, comp, sizeof comp);
    }
    TDM_CHECK_OK(tdm_pkg_manifest_decode(m, n, &man));
    TDM_CHECK(man.count == TDM_PKG_MAX_COMPONENTS && man.note_len == sizeof man.note && man.note[0] == note[0]);
    struct tdm_pkg_manifest third = man;
    third.comp[0] = man.comp[2];
    third.count = 1;
    TDM_CHECK_ERR(tdm_pkg_check_targets(&third, 0x10000, 0x1000000), TDM_E_PKG_COMPONENT); /* id 3 */
    man.count = 2;
    man.comp[0].load_addr = 0x10000;
    man.comp[1] = man.comp[0];
    man.comp[1].id = TDM_PKG_COMP_NET;
    TDM_CHECK_ERR(tdm_pkg_check_targets(&man, 0x10000, 0x1000000), TDM_E_PKG_MALFORMED); /* net in slot 0 */
    man.comp[1].slot = 1;
    TDM_CHECK_ERR(tdm_pkg_check_targets(&man, 0x10000, 0x1000000), TDM_E_PKG_LOAD_ADDR);
    man.comp[1].load_addr = 0x1000000;
    TDM_CHECK_OK(tdm_pkg_check_targets(&man, 0x10000, 0x1000000));
    comp[0] = TDM_PKG_MAX_COMPONENTS + 1;
    put_tlv(m, &n, TDM_PKG_T_COMPONENT, comp, sizeof comp);
    TDM_CHECK_ERR(tdm_pkg_manifest_decode(m, n, &man), TDM_E_PKG_MALFORMED); /* one too many */
}

/* The image's own SHA256 TLV and its inner signature, wrong under a manifest that signs them as they are:
 * the SHA256 TLV must match the body (TDM_E_PKG_DIGEST); a known key's bad inner signature is refused when
 * inner signatures are checked (IF_KNOWN, REQUIRE) and ignored when they are not (IGNORE). */
static void signed_manifest_over_wrong_image_tlvs(void)
{
    struct fx f;
    fx_build(&f, 400, 300, 32);
    uint8_t *b = malloc(f.pkg_len);
    unsigned comp = (unsigned)(tdm_test_seed() % 2);
    tdm_test_replay_extra("(component %u)", comp);
    memcpy(b, f.pkg, f.pkg_len);
    b[fx_image_tlv(b, comp, TDM_MCUBOOT_TLV_SHA256) + 5] ^= 0x08;
    fx_rehash_tlvs(&f, b, comp);
    TDM_CHECK_ERR(fx_verify(&f.cfg, b, f.pkg_len), TDM_E_PKG_DIGEST);
    memcpy(b, f.pkg, f.pkg_len);
    uint32_t sig = fx_image_tlv(b, comp, TDM_MCUBOOT_TLV_ECDSA_SIG);
    b[sig + 1 + b[sig + 1]] ^= 0x01; /* the last byte of the DER SEQUENCE: s, still well-formed */
    fx_rehash_tlvs(&f, b, comp);
    static const struct {
        uint8_t image_sig;
        int err;
    } modes[] = {{TDM_PKG_IMAGE_SIG_IGNORE, 0}, {TDM_PKG_IMAGE_SIG_IF_KNOWN, TDM_E_PKG_SIG},
                 {TDM_PKG_IMAGE_SIG_REQUIRE, TDM_E_PKG_SIG}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        struct tdm_pkg_config c = f.cfg;
        c.image_sig = modes[i].image_sig;
        tdm_test_replay_extra("(component %u, image_sig %u)", comp, modes[i].image_sig);
        TDM_CHECK_ERR(fx_verify(&c, b, f.pkg_len), modes[i].err);
    }
    free(b);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"truncated at every length", truncated_at_every_length},
        {"every single byte flipped", every_byte_flipped},
        {"MCUboot header padding flips caught", header_padding_flips_caught},
        {"wrong key, unsigned, forged key id, bad magic, trailing data", wrong_key_unsigned_magic_trailing},
        {"downgrade, too big, unknown component", policy_refusals},
        {"duplicate, missing, not an MCUboot image", duplicate_missing_and_not_mcuboot},
        {"unknown fields: critical refused, optional skipped", unknown_fields_critical_or_optional},
        {"dependency not satisfied", dependency_not_satisfied},
        {"signed manifest disagrees with its images", signed_manifest_disagrees_with_its_images},
        {"manifest: component count, note, targets", manifest_counts_note_and_targets},
        {"signed manifest over wrong image TLVs", signed_manifest_over_wrong_image_tlvs},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
