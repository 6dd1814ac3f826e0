/* Host-only writers: a raw binary wrapped into an MCUboot image (imgtool's layout) and images packed into
 * a signed tandem package (docs/FORMAT.md). Checks go through pkg/ (pkg/host/pkg_build.h).
 * Owns: producing both formats. Never: a second reader (packing re-verifies each image with
 * tdm_mcuboot_verify and the result with the device's streaming parser). */
#include <stdlib.h>
#include <string.h>

#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/le.h"

static size_t put_tlv(uint8_t *p, uint16_t type, const void *v, uint16_t len)
{
    tdm_put_le16(p, type);
    tdm_put_le16(p + 2, len);
    memcpy(p + 4, v, len);
    return 4u + len;
}

static int sha256(const uint8_t *d, size_t n, uint8_t out[TDM_SHA256_LEN])
{
    struct tdm_crypto_ops o = tdm_host_crypto();
    struct tdm_sha256 h;
    int err = o.sha256_start(o.ctx, &h);
    if (err == 0) {
        err = o.sha256_update(o.ctx, &h, d, n);
    }
    if (err == 0) {
        err = o.sha256_finish(o.ctx, &h, out);
    }
    return err;
}

int tdm_image_is_mcuboot(const uint8_t *buf, size_t len)
{
    return len >= TDM_MCUBOOT_HDR_LEN && tdm_get_le32(buf) == TDM_MCUBOOT_MAGIC;
}

int tdm_image_length(const uint8_t *buf, size_t len, size_t *img_len)
{
    struct tdm_mcuboot_header h;
    if (len < TDM_MCUBOOT_HDR_LEN) {
        return TDM_E_PKG_TRUNCATED;
    }
    int err = tdm_mcuboot_parse_header(buf, &h);
    if (err < 0) {
        return err;
    }
    size_t hashed = (size_t)h.hdr_size + h.img_size + h.prot_size;
    if (len < hashed + 4) {
        return TDM_E_PKG_TRUNCATED;
    }
    uint32_t total;
    err = tdm_mcuboot_total_len(&h, buf + hashed, &total);
    if (err < 0) {
        return err;
    }
    if (total > len) {
        return TDM_E_PKG_TRUNCATED;
    }
    *img_len = total;
    return 0;
}

int tdm_image_wrap(const uint8_t *raw, size_t len, const struct tdm_image_params *ip, uint8_t **out,
                   size_t *out_len)
{
    uint16_t hdr_size = ip->hdr_size ? ip->hdr_size : TDM_MCUBOOT_NCS_HDR_SIZE;
    if (hdr_size < TDM_MCUBOOT_HDR_LEN || len > UINT32_MAX / 2 || ip->dep_count > TDM_MCUBOOT_MAX_DEPS) {
        return TDM_E_INVAL;
    }
    size_t prot = 0;
    if (ip->has_sec_cnt || ip->dep_count) {
        prot = 4 + (ip->has_sec_cnt ? 8 : 0) + 16 * (size_t)ip->dep_count;
    }
    size_t cap = hdr_size + len + prot + 4 + 36 + 4 + TDM_SPKI_P256_LEN + 4 + 72;
    uint8_t *b = calloc(1, cap);
    if (!b) {
        return TDM_E_INVAL;
    }
    tdm_put_le32(b, TDM_MCUBOOT_MAGIC);
    tdm_put_le32(b + 4, ip->load_addr);
    tdm_put_le16(b + 8, hdr_size);
    tdm_put_le16(b + 10, (uint16_t)prot);
    tdm_put_le32(b + 12, (uint32_t)len);
    tdm_put_le32(b + 16, ip->flags);
    tdm_version_put(b + 20, &ip->version);
    tdm_put_le32(b + 28, 0xffffffffu); /* ih_pad1: imgtool writes the erased value */
    memcpy(b + hdr_size, raw, len);
    size_t p = hdr_size + len;
    if (prot) {
        tdm_put_le16(b + p, TDM_MCUBOOT_TLV_PROT_MAGIC);
        tdm_put_le16(b + p + 2, (uint16_t)prot);
        p += 4;
        if (ip->has_sec_cnt) {
            uint8_t v[4];
            tdm_put_le32(v, ip->sec_cnt);
            p += put_tlv(b + p, TDM_MCUBOOT_TLV_SEC_CNT, v, 4);
        }
        for (unsigned i = 0; i < ip->dep_count; i++) {
            uint8_t v[12] = {ip->deps[i].image_id};
            tdm_version_put(v + 4, &ip->deps[i].min_version);
            p += put_tlv(b + p, TDM_MCUBOOT_TLV_DEPENDENCY, v, 12);
        }
    }
    uint8_t hash[TDM_SHA256_LEN];
    int err = sha256(b, p, hash);
    size_t info = p;
    p += 4;
    p += put_tlv(b + p, TDM_MCUBOOT_TLV_SHA256, hash, TDM_SHA256_LEN);
    if (err == 0 && ip->key) {
        if (ip->pubkey_tlv) {
            static const uint8_t prefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                             0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                             0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
            uint8_t spki[TDM_SPKI_P256_LEN];
            memcpy(spki, prefix, sizeof prefix);
            memcpy(spki + sizeof prefix, ip->key->pub, TDM_P256_PUBKEY_LEN);
            p += put_tlv(b + p, TDM_MCUBOOT_TLV_PUBKEY, spki, sizeof spki);
        } else {
            uint8_t id[TDM_SHA256_LEN];
            tdm_key_id(ip->key, id);
            p += put_tlv(b + p, TDM_MCUBOOT_TLV_KEYHASH, id, sizeof id);
        }
        uint8_t der[72] = {0};
        int n = tdm_key_sign_der(ip->key, hash, der);
        if (n < 0) {
            err = n;
        } else {
            p += put_tlv(b + p, TDM_MCUBOOT_TLV_ECDSA_SIG, der, (uint16_t)(ip->pad_sig ? 72 : n));
        }
    }
    tdm_put_le16(b + info, TDM_MCUBOOT_TLV_INFO_MAGIC);
    tdm_put_le16(b + info + 2, (uint16_t)(p - info));
    if (err < 0) {
        free(b);
        return err;
    }
    *out = b;
    *out_len = p;
    return 0;
}

/* Manifest COMPONENT value for image c (verified here). */
static int component_entry(const struct tdm_pack_component *c, uint8_t v[TDM_PKG_COMPONENT_LEN])
{
    struct tdm_crypto_ops o = tdm_host_crypto();
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN];
    if (c->len > UINT32_MAX) {
        return TDM_E_PKG_TOO_BIG;
    }
    int err = tdm_mcuboot_verify(&o, c->image, (uint32_t)c->len, &img, hash);
    if (err < 0) {
        return err == TDM_E_CRYPTO ? err : TDM_E_PKG_IMAGE;
    }
    if (img.hdr.flags & (TDM_MCUBOOT_F_ENCRYPTED_AES128 | TDM_MCUBOOT_F_ENCRYPTED_AES256)) {
        return TDM_E_PKG_IMAGE;
    }
    memset(v, 0, TDM_PKG_COMPONENT_LEN);
    v[0] = c->id;
    v[1] = c->slot;
    tdm_put_le16(v + 2, img.sig ? TDM_PKG_CF_SIGNED : 0);
    tdm_put_le32(v + 4, (uint32_t)c->len);
    tdm_put_le32(v + 8, c->load_addr);
    tdm_version_put(v + 12, &img.hdr.version);
    memcpy(v + 20, hash, TDM_SHA256_LEN);
    return sha256(c->image + img.hashed_len, c->len - img.hashed_len, v + 52);
}

int tdm_pack(const struct tdm_pack_params *pp, uint8_t **out, size_t *out_len, int *bad_comp)
{
    uint8_t man[TDM_PKG_MANIFEST_MAX];
    uint8_t v[TDM_PKG_COMPONENT_LEN];
    size_t m = 0;
    *bad_comp = -1;
    if (pp->count == 0 || pp->count > TDM_PKG_MAX_COMPONENTS) {
        return TDM_E_INVAL;
    }
    tdm_version_put(v, &pp->set_version);
    m += put_tlv(man + m, TDM_PKG_T_SET_VERSION, v, 8);
    tdm_put_le32(v, pp->counter);
    m += put_tlv(man + m, TDM_PKG_T_SEC_COUNTER, v, 4);
    tdm_put_le32(v, pp->hw_id);
    m += put_tlv(man + m, TDM_PKG_T_HW_ID, v, 4);
    tdm_version_put(v, &pp->min_bootloader);
    m += put_tlv(man + m, TDM_PKG_T_MIN_BOOTLOADER, v, 8);
    if (pp->note) {
        size_t n = strlen(pp->note);
        n = n > 64 ? 64 : n;
        m += put_tlv(man + m, TDM_PKG_T_NOTE, pp->note, (uint16_t)n);
    }
    size_t body = 0;
    for (unsigned i = 0; i < pp->count; i++) {
        int err = component_entry(&pp->comp[i], v);
        if (err < 0) {
            *bad_comp = (int)i;
            return err;
        }
        m += put_tlv(man + m, TDM_PKG_T_COMPONENT, v, TDM_PKG_COMPONENT_LEN);
        body += pp->comp[i].len;
    }
    size_t total = TDM_PKG_HEADER_LEN + m + TDM_PKG_SIG_BLOCK_LEN + body;
    uint8_t *b = calloc(1, total);
    if (!b) {
        return TDM_E_INVAL;
    }
    memcpy(b, TDM_PKG_MAGIC, 4);
    b[4] = TDM_PKG_FORMAT_MAJOR;
    b[5] = TDM_PKG_FORMAT_MINOR;
    tdm_put_le16(b + 6, TDM_PKG_HEADER_LEN);
    tdm_put_le32(b + 8, (uint32_t)m);
    tdm_put_le16(b + 12, TDM_PKG_SIG_BLOCK_LEN);
    memcpy(b + TDM_PKG_HEADER_LEN, man, m);
    uint8_t *sig = b + TDM_PKG_HEADER_LEN + m;
    if (pp->key) {
        uint8_t digest[TDM_SHA256_LEN];
        tdm_put_le16(sig, TDM_PKG_SIG_ECDSA_P256);
        tdm_key_id(pp->key, sig + 4);
        int err = sha256(b, TDM_PKG_HEADER_LEN + m, digest);
        if (err == 0) {
            err = tdm_key_sign(pp->key, digest, sig + 36);
        }
        if (err < 0) {
            free(b);
            return err;
        }
    }
    size_t p = TDM_PKG_HEADER_LEN + m + TDM_PKG_SIG_BLOCK_LEN;
    for (unsigned i = 0; i < pp->count; i++) {
        memcpy(b + p, pp->comp[i].image, pp->comp[i].len);
        p += pp->comp[i].len;
    }
    *out = b;
    *out_len = total;
    return 0;
}

void tdm_pkg_host_config(struct tdm_pkg_config *cfg, const struct tdm_crypto_ops *ops,
                         const uint8_t (*keys)[TDM_P256_PUBKEY_LEN], unsigned nkeys)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ops = ops;
    cfg->keys = keys;
    cfg->nkeys = nkeys;
    cfg->hw_id = TDM_PKG_HW_ID_DEFAULT;
    struct tdm_layout l;
    tdm_pkg_host_layout(&l);
    cfg->comp_max[TDM_PKG_COMP_APP] = l.app_slot.size;
    cfg->comp_max[TDM_PKG_COMP_NET] = l.net_slot.size;
    cfg->required = (1u << TDM_PKG_COMP_APP) | (1u << TDM_PKG_COMP_NET);
    cfg->image_sig = TDM_PKG_IMAGE_SIG_IF_KNOWN;
}

int tdm_pkg_verify_buf(const struct tdm_pkg_config *cfg, const uint8_t *buf, size_t len,
                       struct tdm_pkg_parser *p)
{
    int err = tdm_pkg_parser_init(p, cfg);
    if (err < 0) {
        return err;
    }
    if (len > UINT32_MAX) {
        return TDM_E_PKG_TOO_BIG;
    }
    err = tdm_pkg_feed(p, buf, (uint32_t)len);
    if (err < 0) {
        return err;
    }
    return tdm_pkg_finish(p);
}
