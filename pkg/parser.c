/* Streaming package parser (include/tandem/pkg.h): fixed-size state, fed chunks of any size.
 * Owns: the order of checks while a package streams in, and when a byte counts as accepted. Never: accepts
 * a component byte before the manifest signature and policy passed, buffers a component's body (it is
 * hashed as it passes), allocates. */
#include <string.h>

#include "tandem/err.h"
#include "tandem/le.h"
#include "tandem/pkg.h"

enum {
    ST_HEAD = TDM_PKG_PH_HEADER,
    ST_MANIFEST = TDM_PKG_PH_MANIFEST,
    ST_SIG = TDM_PKG_PH_SIG,
    ST_COMP = TDM_PKG_PH_COMPONENTS,
    ST_DONE = TDM_PKG_PH_DONE,
};

/* Inspect mode records a failure in *slot and goes on; a device stops. */
static int note(struct tdm_pkg_parser *p, int err, int *slot)
{
    if (err < 0 && p->cfg.inspect) {
        if (*slot == 0) {
            *slot = err;
        }
        return 0;
    }
    return err;
}

int tdm_pkg_parser_init(struct tdm_pkg_parser *p, const struct tdm_pkg_config *cfg)
{
    memset(p, 0, sizeof *p);
    const struct tdm_crypto_ops *o = cfg->ops;
    if (!o || !o->sha256_start || !o->sha256_update || !o->sha256_finish || !o->p256_verify) {
        return p->err = TDM_E_CONFIG;
    }
    if (!cfg->keys || cfg->nkeys == 0 || cfg->nkeys > TDM_PKG_MAX_KEYS || cfg->image_sig > TDM_PKG_IMAGE_SIG_REQUIRE) {
        return p->err = TDM_E_CONFIG;
    }
    uint32_t allowed = 0;
    for (unsigned id = 1; id <= TDM_PKG_MAX_ID; id++) {
        allowed |= cfg->comp_max[id] ? 1u << id : 0;
    }
    if (allowed == 0 || cfg->comp_max[0] != 0 || (cfg->required & ~allowed)) {
        return p->err = TDM_E_CONFIG;
    }
    p->cfg = *cfg;
    for (unsigned k = 0; k < cfg->nkeys; k++) {
        int err = tdm_mcuboot_key_hash(o, cfg->keys[k], p->key_hash[k]);
        if (err < 0) {
            return p->err = err;
        }
    }
    p->m.key_index = -1;
    p->state = ST_HEAD;
    return 0;
}

static int check_head(struct tdm_pkg_parser *p)
{
    const uint8_t *h = p->head;
    if (memcmp(h, TDM_PKG_MAGIC, 4) != 0) {
        return TDM_E_PKG_MAGIC;
    }
    p->m.format_major = h[4];
    p->m.format_minor = h[5];
    if (h[4] != TDM_PKG_FORMAT_MAJOR) {
        return TDM_E_PKG_VERSION;
    }
    p->m.manifest_len = tdm_get_le32(h + 8);
    if (tdm_get_le16(h + 6) != TDM_PKG_HEADER_LEN || tdm_get_le16(h + 12) != TDM_PKG_SIG_BLOCK_LEN ||
        tdm_get_le16(h + 14) != 0 || p->m.manifest_len < 4) {
        return TDM_E_PKG_MALFORMED;
    }
    if (p->m.manifest_len > TDM_PKG_MANIFEST_MAX) {
        return TDM_E_PKG_TOO_BIG;
    }
    return 0;
}

/* Signature block complete: decode, verify, apply policy, lay out the components. */
static int check_manifest(struct tdm_pkg_parser *p)
{
    const struct tdm_crypto_ops *o = p->cfg.ops;
    struct tdm_pkg_manifest *m = &p->m;
    int err = tdm_pkg_manifest_decode(p->manifest_buf, m->manifest_len, m);
    if (err < 0) {
        return err;
    }
    uint64_t off = TDM_PKG_HEADER_LEN + (uint64_t)m->manifest_len + TDM_PKG_SIG_BLOCK_LEN;
    for (unsigned i = 0; i < m->count; i++) {
        m->comp[i].offset = (uint32_t)off;
        off += m->comp[i].size;
        if (off > UINT32_MAX) {
            return TDM_E_PKG_TOO_BIG;
        }
    }
    m->total_size = (uint32_t)off;

    m->sig_type = tdm_get_le16(p->sig);
    memcpy(m->key_id, p->sig + 4, TDM_SHA256_LEN);
    if (m->sig_type == 0) {
        err = TDM_E_PKG_UNSIGNED;
    } else if (m->sig_type != TDM_PKG_SIG_ECDSA_P256 || tdm_get_le16(p->sig + 2) != 0) {
        err = TDM_E_PKG_MALFORMED;
    } else {
        err = TDM_E_PKG_KEY;
        for (unsigned k = 0; k < p->cfg.nkeys; k++) {
            if (memcmp(p->key_hash[k], m->key_id, TDM_SHA256_LEN) == 0) {
                m->key_index = (int)k;
                err = 0;
            }
        }
    }
    if (err == 0) {
        struct tdm_sha256 h;
        uint8_t digest[TDM_SHA256_LEN];
        err = o->sha256_start(o->ctx, &h);
        if (err == 0) {
            err = o->sha256_update(o->ctx, &h, p->head, TDM_PKG_HEADER_LEN);
        }
        if (err == 0) {
            err = o->sha256_update(o->ctx, &h, p->manifest_buf, m->manifest_len);
        }
        if (err == 0) {
            err = o->sha256_finish(o->ctx, &h, digest);
        }
        if (err == 0) {
            err = o->p256_verify(o->ctx, p->cfg.keys[m->key_index], digest, p->sig + 36);
        }
        if (err == TDM_E_CRYPTO) {
            return err;
        }
    }
    err = note(p, err, &m->sig_err);
    if (err < 0) {
        return err;
    }
    return note(p, tdm_pkg_manifest_policy(m, &p->cfg), &m->policy_err);
}

/* Component c fully streamed: digests, MCUboot TLVs, inner signature. */
static int finish_component(struct tdm_pkg_parser *p, struct tdm_pkg_component *c)
{
    const struct tdm_crypto_ops *o = p->cfg.ops;
    uint8_t hash[TDM_SHA256_LEN], tlv_hash[TDM_SHA256_LEN];
    int err = o->sha256_finish(o->ctx, &p->h_img, hash);
    if (err < 0) {
        return err;
    }
    err = o->sha256_finish(o->ctx, &p->h_tlv, tlv_hash);
    if (err < 0) {
        return err;
    }
    struct tdm_mcuboot_image img;
    err = tdm_mcuboot_parse_tlvs(&p->ih, p->tlv, c->size - p->tlv_off, &img, 0, 0);
    if (err < 0) {
        return err;
    }
    if (!img.sha256) {
        return TDM_E_PKG_IMAGE;
    }
    if (memcmp(hash, c->hash, sizeof hash) != 0 || memcmp(tlv_hash, c->tlv_hash, sizeof tlv_hash) != 0 ||
        memcmp(hash, img.sha256, sizeof hash) != 0) {
        return TDM_E_PKG_DIGEST;
    }
    if (((c->flags & TDM_PKG_CF_SIGNED) != 0) != (img.sig != 0)) {
        return TDM_E_PKG_IMAGE;
    }
    c->has_sec_cnt = img.has_sec_cnt;
    c->sec_cnt = img.sec_cnt;
    err = 1; /* not checked */
    if (p->cfg.image_sig != TDM_PKG_IMAGE_SIG_IGNORE) {
        err = tdm_mcuboot_check_sig(o, &img, hash, p->cfg.keys, (const uint8_t(*)[TDM_SHA256_LEN])p->key_hash,
                                    p->cfg.nkeys);
    }
    if (err == TDM_E_CRYPTO) {
        return err;
    }
    c->image_sig_err = err;
    if (err < 0 && (p->cfg.image_sig == TDM_PKG_IMAGE_SIG_REQUIRE ||
                    (p->cfg.image_sig == TDM_PKG_IMAGE_SIG_IF_KNOWN && err != TDM_E_PKG_KEY &&
                     err != TDM_E_PKG_UNSIGNED))) {
        return err;
    }
    /* Dependencies name MCUboot image numbers: image n is component n + 1. */
    for (unsigned d = 0; d < img.dep_count; d++) {
        const struct tdm_pkg_component *dep = 0;
        for (unsigned i = 0; i < p->m.count; i++) {
            if (p->m.comp[i].id == img.deps[d].image_id + 1u) {
                dep = &p->m.comp[i];
            }
        }
        if (!dep || tdm_version_cmp(&dep->version, &img.deps[d].min_version) < 0) {
            return TDM_E_PKG_DEPENDENCY;
        }
    }
    c->done = 1;
    return 0;
}

/* The 32 MCUboot header bytes of component c are in p->imghdr. */
static int start_component(struct tdm_pkg_parser *p, const struct tdm_pkg_component *c)
{
    int err = tdm_mcuboot_parse_header(p->imghdr, &p->ih);
    if (err < 0) {
        return err;
    }
    uint64_t hashed = (uint64_t)p->ih.hdr_size + p->ih.img_size + p->ih.prot_size; /* no 32-bit wrap */
    if (hashed > c->size || c->size - hashed < 4) {
        return TDM_E_PKG_IMAGE;
    }
    p->tlv_off = (uint32_t)p->ih.hdr_size + p->ih.img_size;
    if (c->size - p->tlv_off > TDM_PKG_TLV_MAX) {
        return TDM_E_PKG_IMAGE;
    }
    if (p->ih.flags & (TDM_MCUBOOT_F_ENCRYPTED_AES128 | TDM_MCUBOOT_F_ENCRYPTED_AES256)) {
        return TDM_E_PKG_IMAGE; /* an encrypted image cannot be checked or installed as a plain copy */
    }
    if (tdm_version_cmp(&p->ih.version, &c->version) != 0) {
        return TDM_E_PKG_IMAGE;
    }
    return 0;
}

/* Accept n bytes of the current component at component offset p->sec (n never crosses 32, tlv_off or
 * hashed_len: the caller splits). */
static int component_bytes(struct tdm_pkg_parser *p, struct tdm_pkg_component *c, const uint8_t *d, uint32_t n)
{
    const struct tdm_crypto_ops *o = p->cfg.ops;
    uint32_t at = p->sec;
    int err;
    if (at < TDM_MCUBOOT_HDR_LEN) {
        memcpy(p->imghdr + at, d, n);
        if (at + n == TDM_MCUBOOT_HDR_LEN) {
            err = start_component(p, c);
            if (err < 0) {
                return err;
            }
            c->hdr_size = p->ih.hdr_size;
            c->hashed_len = (uint32_t)p->ih.hdr_size + p->ih.img_size + p->ih.prot_size;
        }
    }
    if (at >= TDM_MCUBOOT_HDR_LEN && at >= p->tlv_off) {
        memcpy(p->tlv + (at - p->tlv_off), d, n);
    }
    if (at < TDM_MCUBOOT_HDR_LEN || at < c->hashed_len) {
        err = o->sha256_update(o->ctx, &p->h_img, d, n);
    } else {
        err = o->sha256_update(o->ctx, &p->h_tlv, d, n);
    }
    return err;
}

/* Largest piece at component offset `at` that stays inside one region. */
static uint32_t piece(const struct tdm_pkg_parser *p, const struct tdm_pkg_component *c, uint32_t at)
{
    if (at < TDM_MCUBOOT_HDR_LEN) {
        return TDM_MCUBOOT_HDR_LEN - at;
    }
    if (at < p->tlv_off) {
        return p->tlv_off - at;
    }
    if (at < c->hashed_len) {
        return c->hashed_len - at;
    }
    return c->size - at;
}

static int begin_hashes(struct tdm_pkg_parser *p)
{
    const struct tdm_crypto_ops *o = p->cfg.ops;
    int err = o->sha256_start(o->ctx, &p->h_img);
    if (err < 0) {
        return err;
    }
    return o->sha256_start(o->ctx, &p->h_tlv);
}

/* Feed into the header sections (fixed header, manifest, signature block). */
static int section_bytes(struct tdm_pkg_parser *p, const uint8_t *d, uint32_t n)
{
    uint8_t *dst = p->state == ST_HEAD ? p->head : p->state == ST_MANIFEST ? p->manifest_buf : p->sig;
    memcpy(dst + p->sec, d, n);
    return 0;
}

uint32_t tdm_pkg_need(const struct tdm_pkg_parser *p)
{
    switch (p->state) {
    case ST_HEAD:
        return TDM_PKG_HEADER_LEN - p->sec;
    case ST_MANIFEST:
        return p->m.manifest_len - p->sec;
    case ST_SIG:
        return TDM_PKG_SIG_BLOCK_LEN - p->sec;
    case ST_COMP:
        return p->m.total_size - p->off;
    default:
        return 0;
    }
}

/* The current section is complete: check it and move on. */
static int next_section(struct tdm_pkg_parser *p)
{
    int err = 0;
    p->sec = 0;
    if (p->state == ST_HEAD) {
        err = check_head(p);
        p->state = ST_MANIFEST;
    } else if (p->state == ST_MANIFEST) {
        p->state = ST_SIG;
    } else if (p->state == ST_SIG) {
        err = check_manifest(p);
        if (err == 0) {
            p->state = ST_COMP;
            p->comp = 0;
            err = begin_hashes(p);
        }
    } else {
        struct tdm_pkg_component *c = &p->m.comp[p->comp];
        err = note(p, finish_component(p, c), &c->err);
        p->comp++;
        if (err == 0 && p->comp < p->m.count) {
            err = begin_hashes(p);
        }
    }
    if (err == 0 && p->state == ST_COMP && p->comp >= p->m.count) {
        p->state = ST_DONE;
    }
    return err;
}

int tdm_pkg_feed(struct tdm_pkg_parser *p, const void *data, uint32_t len)
{
    const uint8_t *d = data;
    if (p->err) {
        return p->err;
    }
    while (len > 0) {
        if (p->state == ST_DONE) {
            return p->err = TDM_E_PKG_TRAILING;
        }
        uint32_t n;
        int err;
        if (p->state == ST_COMP) {
            struct tdm_pkg_component *c = &p->m.comp[p->comp];
            n = piece(p, c, p->sec);
            n = n < len ? n : len;
            err = component_bytes(p, c, d, n);
        } else {
            n = tdm_pkg_need(p);
            n = n < len ? n : len;
            err = section_bytes(p, d, n);
        }
        if (err < 0) {
            return p->err = err;
        }
        p->off += n;
        p->sec += n;
        d += n;
        len -= n;
        uint32_t end = p->state == ST_COMP ? p->m.comp[p->comp].size : p->sec + tdm_pkg_need(p);
        if (p->sec == end) {
            err = next_section(p);
            if (err < 0) {
                return p->err = err;
            }
        }
    }
    return 0;
}

const struct tdm_pkg_manifest *tdm_pkg_manifest(const struct tdm_pkg_parser *p)
{
    return (p->err == 0 && p->state >= ST_COMP) ? &p->m : 0;
}

uint32_t tdm_pkg_offset(const struct tdm_pkg_parser *p)
{
    return p->off;
}

int tdm_pkg_finish(struct tdm_pkg_parser *p)
{
    if (p->err) {
        return p->err;
    }
    if (p->state != ST_DONE) {
        return p->err = TDM_E_PKG_TRUNCATED;
    }
    return 0;
}
