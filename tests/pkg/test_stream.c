/* The streaming parser as the fetch agent and the bootloader use it: any chunking gives the same result,
 * the manifest is known (and a bad one refused) before the first component byte, the reader check gives
 * each component's place in the package, restart is init + feed from 0. */
#include "fixture.h"

static void whole_package_verifies(void)
{
    struct fx f;
    fx_build(&f, 3000, 1500, 0x200);
    static struct tdm_pkg_parser p;
    TDM_CHECK_OK(tdm_pkg_verify_buf(&f.cfg, f.pkg, f.pkg_len, &p));
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&p);
    TDM_CHECK(m && m->count == 2 && m->sec_counter == 5 && m->total_size == f.pkg_len);
    TDM_CHECK(m->set_version.major == 2 && m->set_version.minor == 1 && m->set_version.build == 7);
    TDM_CHECK(m->comp[0].id == 1 && m->comp[0].size == f.app_len && m->comp[1].size == f.net_len);
    TDM_CHECK(memcmp(f.pkg + m->comp[0].offset, f.app, f.app_len) == 0); /* byte-exact MCUboot image */
    TDM_CHECK(memcmp(f.pkg + m->comp[1].offset, f.net, f.net_len) == 0);
    TDM_CHECK(m->comp[0].hdr_size == 0x200 && m->comp[0].has_sec_cnt && m->comp[0].sec_cnt == 5);
    TDM_CHECK(m->comp[0].image_sig_err == 0 && m->comp[1].image_sig_err == 0);
    TDM_CHECK(sizeof p <= TDM_PKG_PARSER_RAM);
    fx_free(&f);
}

static void one_byte_at_a_time_same_as_whole(void)
{
    struct fx f;
    fx_build(&f, 700, 300, 32);
    static struct tdm_pkg_parser a, b;
    TDM_CHECK_OK(tdm_pkg_verify_buf(&f.cfg, f.pkg, f.pkg_len, &a));
    TDM_CHECK_OK(tdm_pkg_parser_init(&b, &f.cfg));
    for (size_t i = 0; i < f.pkg_len; i++) {
        TDM_CHECK_OK(tdm_pkg_feed(&b, f.pkg + i, 1));
    }
    TDM_CHECK_OK(tdm_pkg_finish(&b));
    TDM_CHECK(memcmp(&a.m, &b.m, sizeof a.m) == 0);
    fx_free(&f);
}

static void random_chunks_same_as_whole(void)
{
    struct fx f;
    fx_build(&f, 5000, 2000, 0x200);
    uint64_t s = tdm_test_seed() | 1;
    static struct tdm_pkg_parser a, b;
    TDM_CHECK_OK(tdm_pkg_verify_buf(&f.cfg, f.pkg, f.pkg_len, &a));
    for (int round = 0; round < 20; round++) {
        TDM_CHECK_OK(tdm_pkg_parser_init(&b, &f.cfg));
        for (size_t off = 0; off < f.pkg_len;) {
            size_t n = 1 + fx_rand(&s) % (round < 10 ? 17 : 3000);
            n = n > f.pkg_len - off ? f.pkg_len - off : n;
            TDM_CHECK_OK(tdm_pkg_feed(&b, f.pkg + off, (uint32_t)n));
            TDM_CHECK_OK(tdm_pkg_feed(&b, f.pkg, 0));
            off += n;
        }
        TDM_CHECK_OK(tdm_pkg_finish(&b));
        TDM_CHECK(memcmp(&a.m, &b.m, sizeof a.m) == 0);
    }
    fx_free(&f);
}

static void manifest_known_before_first_component_byte(void)
{
    struct fx f;
    fx_build(&f, 2000, 1000, 0x200);
    static struct tdm_pkg_parser p;
    uint32_t c0 = fx_comp_off(f.pkg);
    TDM_CHECK_OK(tdm_pkg_parser_init(&p, &f.cfg));
    TDM_CHECK(tdm_pkg_need(&p) == TDM_PKG_HEADER_LEN);
    TDM_CHECK_OK(tdm_pkg_feed(&p, f.pkg, c0 - 1));
    TDM_CHECK(tdm_pkg_manifest(&p) == NULL);
    TDM_CHECK_OK(tdm_pkg_feed(&p, f.pkg + c0 - 1, 1));
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&p);
    TDM_CHECK(m && m->total_size == f.pkg_len && m->comp[0].offset == c0);
    TDM_CHECK(tdm_pkg_need(&p) == f.pkg_len - c0 && tdm_pkg_offset(&p) == c0);
    TDM_CHECK_ERR(tdm_pkg_finish(&p), TDM_E_PKG_TRUNCATED);
    fx_free(&f);
}

/* A manifest-level failure is reported no later than the feed that completes the signature block, even
 * when that feed also carries component bytes: none of them is accepted. */
static void bad_manifest_refused_before_component_bytes(void)
{
    struct fx f;
    fx_build(&f, 2000, 1000, 0x200);
    uint32_t c0 = fx_comp_off(f.pkg);
    struct {
        const char *what;
        int err;
    } cases[] = {{"wrong key", TDM_E_PKG_KEY},        {"counter below minimum", TDM_E_PKG_DOWNGRADE},
                 {"other hardware", TDM_E_PKG_HW_ID}, {"app larger than its slot", TDM_E_PKG_TOO_BIG},
                 {"package larger than the store slot", TDM_E_PKG_TOO_BIG},
                 {"needs a newer bootloader", TDM_E_PKG_BOOTLOADER}};
    struct tdm_key other;
    TDM_CHECK_OK(tdm_key_from_seed(&other, tdm_test_seed() + 1000));
    uint8_t opub[1][65];
    memcpy(opub[0], other.pub, 65);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tdm_pkg_config cfg = f.cfg;
        if (i == 0) {
            cfg.keys = (const uint8_t(*)[65])opub;
        } else if (i == 1) {
            cfg.min_counter = 6;
        } else if (i == 2) {
            cfg.hw_id = 0x1234;
        } else if (i == 3) {
            cfg.comp_max[TDM_PKG_COMP_APP] = (uint32_t)f.app_len - 1;
        } else if (i == 4) {
            cfg.max_package = (uint32_t)f.pkg_len - 1;
        } else {
            cfg.bootloader_version = (struct tdm_version){0, 0, 0, 0};
            /* the fixture packs min_bootloader 0.0.0: raise it in the manifest and re-sign */
        }
        uint8_t *b = malloc(f.pkg_len);
        memcpy(b, f.pkg, f.pkg_len);
        if (i == 5) {
            b[TDM_PKG_HEADER_LEN + 12 + 8 + 8 + 4] = 1; /* MIN_BOOTLOADER value major (4th TLV) */
            struct fx g = f;
            fx_resign(&g, b);
        }
        tdm_test_replay_extra("--what '%s'", cases[i].what);
        static struct tdm_pkg_parser p;
        TDM_CHECK_OK(tdm_pkg_parser_init(&p, &cfg));
        TDM_CHECK_ERR(tdm_pkg_feed(&p, b, c0 + 100), cases[i].err);
        TDM_CHECK(tdm_pkg_offset(&p) <= c0 && tdm_pkg_manifest(&p) == NULL);
        TDM_CHECK_ERR(tdm_pkg_feed(&p, b + c0 + 100, 1), cases[i].err); /* sticky */
        free(b);
    }
    fx_free(&f);
}

struct mem {
    const uint8_t *b;
    size_t n;
    uint32_t reads, max_end;
};

static int mem_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct mem *m = ctx;
    if (off + (size_t)len > m->n) {
        return TDM_E_RANGE;
    }
    memcpy(buf, m->b + off, len);
    m->reads++;
    m->max_end = off + len > m->max_end ? off + len : m->max_end;
    return 0;
}

static void reader_check_for_the_bootloader(void)
{
    struct fx f;
    fx_build(&f, 4000, 2500, 0x200);
    /* the stored package sits in a slot with erased bytes after it */
    uint8_t *slot = malloc(f.pkg_len + 4096);
    memcpy(slot, f.pkg, f.pkg_len);
    memset(slot + f.pkg_len, 0xff, 4096);
    static const uint32_t bufs[] = {1, 7, 64, 2048};
    for (size_t i = 0; i < 4; i++) {
        struct mem m = {slot, f.pkg_len + 4096, 0, 0};
        uint8_t buf[2048];
        static struct tdm_pkg_parser p;
        tdm_test_replay_extra("--buf %u", bufs[i]);
        TDM_CHECK_OK(tdm_pkg_check(&p, &f.cfg, mem_read, &m, buf, bufs[i]));
        TDM_CHECK(m.max_end == f.pkg_len); /* reads stop at the package end */
        const struct tdm_pkg_manifest *man = tdm_pkg_manifest(&p);
        TDM_CHECK(man && man->comp[1].offset + man->comp[1].size == f.pkg_len);
        TDM_CHECK(memcmp(slot + man->comp[1].offset, f.net, f.net_len) == 0 && man->comp[1].hdr_size == 0x200);
    }
    slot[f.pkg_len - 1] ^= 0x40;
    struct mem m = {slot, f.pkg_len, 0, 0};
    uint8_t buf[512];
    static struct tdm_pkg_parser p;
    TDM_CHECK_ERR(tdm_pkg_check(&p, &f.cfg, mem_read, &m, buf, sizeof buf), TDM_E_PKG_DIGEST);
    free(slot);
    fx_free(&f);
}

/* The crypto port of a device can fail (a hardware hash engine busy or faulted): whichever call fails, the
 * check stops with TDM_E_CRYPTO, never a verdict on the package (never "bad signature", never accepted).
 * Inner signatures required, so the image signature check runs too. */
static void crypto_port_failing_at_every_call(void)
{
    struct fx f;
    fx_build(&f, 1500, 700, 32);
    struct mem m = {f.pkg, f.pkg_len, 0, 0};
    uint8_t buf[512];
    static struct tdm_pkg_parser p;
    struct tdm_pkg_config c = f.cfg;
    c.image_sig = TDM_PKG_IMAGE_SIG_REQUIRE;
    static struct tdm_crypto_ops fault;
    fault = fx_crypto_fault(0);
    c.ops = &fault;
    TDM_CHECK_OK(tdm_pkg_check(&p, &c, mem_read, &m, buf, sizeof buf));
    unsigned calls = fx_cf.calls;
    TDM_CHECK(calls > 10);
    for (unsigned k = 1; k <= calls; k++) {
        tdm_test_replay_extra("--fail-at %u", k);
        fault = fx_crypto_fault(k);
        m.reads = 0;
        TDM_CHECK_ERR(tdm_pkg_check(&p, &c, mem_read, &m, buf, sizeof buf), TDM_E_CRYPTO);
        TDM_CHECK(tdm_pkg_finish(&p) == TDM_E_CRYPTO); /* the error stays */
    }
    fx_free(&f);
}

static void restart_from_offset_zero(void)
{
    struct fx f;
    fx_build(&f, 3000, 1000, 0x200);
    static struct tdm_pkg_parser p;
    TDM_CHECK_OK(tdm_pkg_parser_init(&p, &f.cfg));
    TDM_CHECK_OK(tdm_pkg_feed(&p, f.pkg, (uint32_t)f.pkg_len / 2));
    /* power cut: the agent re-inits and re-hashes what it already stored, then goes on */
    TDM_CHECK_OK(tdm_pkg_parser_init(&p, &f.cfg));
    TDM_CHECK_OK(tdm_pkg_feed(&p, f.pkg, (uint32_t)f.pkg_len / 2));
    TDM_CHECK_OK(tdm_pkg_feed(&p, f.pkg + f.pkg_len / 2, (uint32_t)(f.pkg_len - f.pkg_len / 2)));
    TDM_CHECK_OK(tdm_pkg_finish(&p));
    fx_free(&f);
}

static void config_checked_at_init(void)
{
    struct fx f;
    fx_build(&f, 100, 100, 32);
    static struct tdm_pkg_parser p;
    struct tdm_pkg_config c = f.cfg;
    c.nkeys = 0;
    TDM_CHECK_ERR(tdm_pkg_parser_init(&p, &c), TDM_E_CONFIG);
    c = f.cfg;
    c.required |= 1u << 5; /* required but not allowed */
    TDM_CHECK_ERR(tdm_pkg_parser_init(&p, &c), TDM_E_CONFIG);
    TDM_CHECK_ERR(tdm_pkg_feed(&p, f.pkg, 4), TDM_E_CONFIG);
    TDM_CHECK_ERR(tdm_pkg_finish(&p), TDM_E_CONFIG); /* the first error stays */
    static const char *what[] = {"no p256_verify", "keys NULL", "too many keys", "image_sig out of range",
                                 "component id 0 allowed", "no component allowed"};
    for (unsigned i = 0; i < sizeof what / sizeof what[0]; i++) {
        c = f.cfg;
        struct tdm_crypto_ops o = f.ops;
        if (i == 0) {
            o.p256_verify = 0;
            c.ops = &o;
        }
        c.keys = i == 1 ? 0 : c.keys;
        c.nkeys = i == 2 ? TDM_PKG_MAX_KEYS + 1 : c.nkeys;
        c.image_sig = i == 3 ? TDM_PKG_IMAGE_SIG_REQUIRE + 1 : c.image_sig;
        c.comp_max[0] = i == 4 ? 100 : 0;
        if (i == 5) {
            memset(c.comp_max, 0, sizeof c.comp_max);
            c.required = 0;
        }
        tdm_test_replay_extra("--what '%s'", what[i]);
        TDM_CHECK_ERR(tdm_pkg_parser_init(&p, &c), TDM_E_CONFIG);
    }
    fx_free(&f);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"whole package verifies", whole_package_verifies},
        {"one byte at a time gives the same result as the whole file", one_byte_at_a_time_same_as_whole},
        {"random chunk sizes give the same result", random_chunks_same_as_whole},
        {"manifest known before the first component byte", manifest_known_before_first_component_byte},
        {"bad manifest refused before any component byte", bad_manifest_refused_before_component_bytes},
        {"reader check for the bootloader", reader_check_for_the_bootloader},
        {"restart from offset zero", restart_from_offset_zero},
        {"configuration checked at init", config_checked_at_init},
        {"crypto port failing at every call is named, never a verdict", crypto_port_failing_at_every_call},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
