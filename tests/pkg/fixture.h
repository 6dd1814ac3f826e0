/* Test fixture for tests/pkg: seeded keys, images and packages built in-process (pkg/host/pkg_build.h).
 * Owns: nothing but helpers shared by the pkg test programs. */
#ifndef TANDEM_TESTS_PKG_FIXTURE_H
#define TANDEM_TESTS_PKG_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pkg_build.h"
#include "tandem/host_crypto.h"
#include "tandem/le.h"

struct fx {
    struct tdm_key key;
    uint8_t pub[1][TDM_P256_PUBKEY_LEN];
    struct tdm_crypto_ops ops;
    struct tdm_pkg_config cfg;
    uint8_t *app, *net, *pkg;
    size_t app_len, net_len, pkg_len;
};

static inline uint64_t fx_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Images of app_len / net_len random bytes (header size hdr), signed, counter 5, app depends on net;
 * packed as set 2.1.0+7. */
static inline void fx_build(struct fx *f, size_t app_len, size_t net_len, uint16_t hdr)
{
    uint64_t s = tdm_test_seed() * 2654435761u + 1;
    memset(f, 0, sizeof *f);
    TDM_CHECK_OK(tdm_key_from_seed(&f->key, tdm_test_seed()));
    memcpy(f->pub[0], f->key.pub, TDM_P256_PUBKEY_LEN);
    f->ops = tdm_host_crypto();
    tdm_pkg_host_config(&f->cfg, &f->ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])f->pub, 1);
    uint8_t *raw = malloc(app_len + net_len + 1);
    for (size_t i = 0; i < app_len + net_len; i++) {
        raw[i] = (uint8_t)fx_rand(&s);
    }
    struct tdm_image_params ip = {.version = {2, 1, 0, 7}, .hdr_size = hdr, .has_sec_cnt = 1, .sec_cnt = 5,
                                  .key = &f->key};
    TDM_CHECK_OK(tdm_image_wrap(raw + app_len, net_len, &ip, &f->net, &f->net_len));
    ip.dep_count = 1;
    ip.deps[0].image_id = 1;
    ip.deps[0].min_version = (struct tdm_version){2, 1, 0, 0};
    TDM_CHECK_OK(tdm_image_wrap(raw, app_len, &ip, &f->app, &f->app_len));
    free(raw);
    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .key = &f->key, .count = 2};
    struct tdm_layout l;
    tdm_pkg_host_layout(&l);
    pp.comp[0] = (struct tdm_pack_component){1, 0, l.app_slot.addr, f->app, f->app_len};
    pp.comp[1] = (struct tdm_pack_component){2, 1, l.net_slot.addr, f->net, f->net_len};
    int bad;
    TDM_CHECK_OK(tdm_pack(&pp, &f->pkg, &f->pkg_len, &bad));
}

static inline void fx_free(struct fx *f)
{
    free(f->app);
    free(f->net);
    free(f->pkg);
}

/* Offset of the first component byte of a package. */
static inline uint32_t fx_comp_off(const uint8_t *pkg)
{
    return TDM_PKG_HEADER_LEN + tdm_get_le32(pkg + 8) + TDM_PKG_SIG_BLOCK_LEN;
}

/* Re-sign header + manifest after a test edited them (a "validly signed" bad package). */
static inline void fx_resign(struct fx *f, uint8_t *pkg)
{
    uint32_t m = tdm_get_le32(pkg + 8);
    struct tdm_sha256 h;
    uint8_t d[TDM_SHA256_LEN];
    f->ops.sha256_start(0, &h);
    f->ops.sha256_update(0, &h, pkg, TDM_PKG_HEADER_LEN + m);
    f->ops.sha256_finish(0, &h, d);
    TDM_CHECK_OK(tdm_key_sign(&f->key, d, pkg + TDM_PKG_HEADER_LEN + m + 36));
}

/* Append a manifest TLV (type, len bytes of v) to the manifest and re-sign; returns a new buffer. */
static inline uint8_t *fx_add_tlv(struct fx *f, uint16_t type, const void *v, uint16_t len, size_t *out_len)
{
    uint32_t m = tdm_get_le32(f->pkg + 8);
    size_t at = TDM_PKG_HEADER_LEN + m;
    uint8_t *b = malloc(f->pkg_len + 4 + len);
    memcpy(b, f->pkg, at);
    tdm_put_le16(b + at, type);
    tdm_put_le16(b + at + 2, len);
    memcpy(b + at + 4, v, len);
    memcpy(b + at + 4 + len, f->pkg + at, f->pkg_len - at);
    tdm_put_le32(b + 8, m + 4 + len);
    *out_len = f->pkg_len + 4 + len;
    fx_resign(f, b);
    return b;
}

/* Verify a buffer with cfg, fed in one go. */
static inline int fx_verify(const struct tdm_pkg_config *cfg, const uint8_t *b, size_t n)
{
    static struct tdm_pkg_parser p;
    return tdm_pkg_verify_buf(cfg, b, n, &p);
}

/* Offset of component i's COMPONENT TLV value in a package built by fx_build (the two are the manifest's
 * last TLVs). */
static inline uint32_t fx_comp_tlv(const uint8_t *pkg, unsigned i)
{
    return TDM_PKG_HEADER_LEN + tdm_get_le32(pkg + 8) - (2 - i) * TDM_PKG_COMPONENT_LEN - (1 - i) * 4;
}

/* Start of component i's bytes in a package built by fx_build. */
static inline uint32_t fx_comp_start(const uint8_t *pkg, unsigned i)
{
    return fx_comp_off(pkg) + (i ? tdm_get_le32(pkg + fx_comp_tlv(pkg, 0) + 4) : 0);
}

/* Offset in the package of the value of the first TLV of `type` in component i's unprotected area. */
static inline uint32_t fx_image_tlv(const uint8_t *pkg, unsigned i, uint16_t type)
{
    const uint8_t *h = pkg + fx_comp_start(pkg, i);
    uint32_t p = tdm_get_le16(h + 8) + tdm_get_le32(h + 12) + tdm_get_le16(h + 10) + 4u;
    while (tdm_get_le16(h + p) != type) {
        p += 4u + tdm_get_le16(h + p + 2);
    }
    return fx_comp_start(pkg, i) + p + 4;
}

/* After a test edited component i's TLV area: its digest in the manifest again, and the manifest re-signed
 * (a validly signed package around an image whose own TLVs are wrong). */
static inline void fx_rehash_tlvs(struct fx *f, uint8_t *pkg, unsigned i)
{
    const uint8_t *h = pkg + fx_comp_start(pkg, i);
    uint32_t hashed = tdm_get_le16(h + 8) + tdm_get_le32(h + 12) + tdm_get_le16(h + 10);
    uint32_t v = fx_comp_tlv(pkg, i), size = tdm_get_le32(pkg + v + 4);
    struct tdm_sha256 sh;
    f->ops.sha256_start(0, &sh);
    f->ops.sha256_update(0, &sh, h + hashed, size - hashed);
    f->ops.sha256_finish(0, &sh, pkg + v + 52);
    fx_resign(f, pkg);
}

/* A crypto port that fails (TDM_E_CRYPTO, as a hardware backend may) at its call number fail_at (1-based,
 * every call of the four ops counted; 0 never fails) and otherwise forwards to the host crypto. */
struct fx_crypto_fault {
    struct tdm_crypto_ops real;
    unsigned calls, fail_at;
};
static struct fx_crypto_fault fx_cf;

static inline int fx_cf_fails(void)
{
    return ++fx_cf.calls == fx_cf.fail_at;
}
static inline int fx_cf_start(void *c, struct tdm_sha256 *h)
{
    return fx_cf_fails() ? TDM_E_CRYPTO : fx_cf.real.sha256_start(c, h);
}
static inline int fx_cf_update(void *c, struct tdm_sha256 *h, const void *d, size_t n)
{
    return fx_cf_fails() ? TDM_E_CRYPTO : fx_cf.real.sha256_update(c, h, d, n);
}
static inline int fx_cf_finish(void *c, struct tdm_sha256 *h, uint8_t out[TDM_SHA256_LEN])
{
    return fx_cf_fails() ? TDM_E_CRYPTO : fx_cf.real.sha256_finish(c, h, out);
}
static inline int fx_cf_verify(void *c, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                               const uint8_t sig[TDM_P256_SIG_LEN])
{
    return fx_cf_fails() ? TDM_E_CRYPTO : fx_cf.real.p256_verify(c, pub, hash, sig);
}
/* The failing port, armed to fail at call fail_at (counting restarts at 0). */
static inline struct tdm_crypto_ops fx_crypto_fault(unsigned fail_at)
{
    fx_cf.real = tdm_host_crypto();
    fx_cf.calls = 0;
    fx_cf.fail_at = fail_at;
    struct tdm_crypto_ops o = fx_cf.real;
    o.sha256_start = fx_cf_start;
    o.sha256_update = fx_cf_update;
    o.sha256_finish = fx_cf_finish;
    o.p256_verify = fx_cf_verify;
    return o;
}

#endif
