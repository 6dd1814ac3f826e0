/* MCUboot image header and TLV areas: decoding and checking (include/tandem/mcuboot.h).
 * Owns: the one parser of the MCUboot image format in tandem. Never: reads outside the bytes it is given,
 * allocates, or trusts a length before checking it against the area that holds it. */
#include <string.h>

#include "tandem/err.h"
#include "tandem/le.h"
#include "tandem/mcuboot.h"

/* DER prefix of a P-256 SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 },
 * BIT STRING (66 bytes: 0 unused bits + the 65-byte point) }. */
static const uint8_t spki_p256_prefix[TDM_SPKI_P256_LEN - TDM_P256_PUBKEY_LEN] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

void tdm_version_get(const uint8_t *p, struct tdm_version *v)
{
    v->major = p[0];
    v->minor = p[1];
    v->revision = tdm_get_le16(p + 2);
    v->build = tdm_get_le32(p + 4);
}

void tdm_version_put(uint8_t *p, const struct tdm_version *v)
{
    p[0] = v->major;
    p[1] = v->minor;
    tdm_put_le16(p + 2, v->revision);
    tdm_put_le32(p + 4, v->build);
}

int tdm_version_cmp(const struct tdm_version *a, const struct tdm_version *b)
{
    if (a->major != b->major) {
        return a->major < b->major ? -1 : 1;
    }
    if (a->minor != b->minor) {
        return a->minor < b->minor ? -1 : 1;
    }
    if (a->revision != b->revision) {
        return a->revision < b->revision ? -1 : 1;
    }
    if (a->build != b->build) {
        return a->build < b->build ? -1 : 1;
    }
    return 0;
}

int tdm_mcuboot_parse_header(const uint8_t b[TDM_MCUBOOT_HDR_LEN], struct tdm_mcuboot_header *hdr)
{
    if (tdm_get_le32(b) != TDM_MCUBOOT_MAGIC) {
        return TDM_E_PKG_IMAGE;
    }
    hdr->load_addr = tdm_get_le32(b + 4);
    hdr->hdr_size = tdm_get_le16(b + 8);
    hdr->prot_size = tdm_get_le16(b + 10);
    hdr->img_size = tdm_get_le32(b + 12);
    hdr->flags = tdm_get_le32(b + 16);
    tdm_version_get(b + 20, &hdr->version);
    /* bytes 28..31 are ih_pad1: imgtool writes the erased value there, MCUboot ignores it. */
    if (hdr->hdr_size < TDM_MCUBOOT_HDR_LEN) {
        return TDM_E_PKG_IMAGE;
    }
    if (hdr->img_size > UINT32_MAX - hdr->hdr_size - hdr->prot_size) {
        return TDM_E_PKG_IMAGE;
    }
    if (hdr->prot_size != 0 && hdr->prot_size < 4) {
        return TDM_E_PKG_IMAGE;
    }
    return 0;
}

int tdm_mcuboot_total_len(const struct tdm_mcuboot_header *hdr, const uint8_t unprot_info[4], uint32_t *total)
{
    uint64_t hashed = (uint64_t)hdr->hdr_size + hdr->img_size + hdr->prot_size; /* no 32-bit wrap */
    uint16_t tot = tdm_get_le16(unprot_info + 2);
    if (tdm_get_le16(unprot_info) != TDM_MCUBOOT_TLV_INFO_MAGIC || tot < 4 || hashed + tot > UINT32_MAX) {
        return TDM_E_PKG_IMAGE;
    }
    *total = (uint32_t)(hashed + tot);
    return 0;
}

/* Record one TLV of an area. Returns 0 or TDM_E_PKG_IMAGE. */
static int take_tlv(struct tdm_mcuboot_image *img, int prot, uint16_t type, const uint8_t *v, uint16_t len)
{
    switch (type) {
    case TDM_MCUBOOT_TLV_SHA256:
    case TDM_MCUBOOT_TLV_KEYHASH:
        if (prot || len != TDM_SHA256_LEN) {
            return TDM_E_PKG_IMAGE;
        }
        if (type == TDM_MCUBOOT_TLV_SHA256) {
            if (img->sha256) {
                return TDM_E_PKG_IMAGE;
            }
            img->sha256 = v;
        } else {
            if (img->keyhash) {
                return TDM_E_PKG_IMAGE;
            }
            img->keyhash = v;
        }
        return 0;
    case TDM_MCUBOOT_TLV_PUBKEY:
        if (prot || img->pubkey) {
            return TDM_E_PKG_IMAGE;
        }
        img->pubkey = v;
        img->pubkey_len = len;
        return 0;
    case TDM_MCUBOOT_TLV_ECDSA_SIG:
        if (prot || img->sig || len < 8) {
            return TDM_E_PKG_IMAGE;
        }
        img->sig = v;
        img->sig_len = len;
        return 0;
    case TDM_MCUBOOT_TLV_SEC_CNT:
        if (!prot || len != 4 || img->has_sec_cnt) {
            return TDM_E_PKG_IMAGE;
        }
        img->has_sec_cnt = 1;
        img->sec_cnt = tdm_get_le32(v);
        return 0;
    case TDM_MCUBOOT_TLV_DEPENDENCY:
        if (!prot || len != 12 || img->dep_count >= TDM_MCUBOOT_MAX_DEPS) {
            return TDM_E_PKG_IMAGE;
        }
        img->deps[img->dep_count].image_id = v[0];
        tdm_version_get(v + 4, &img->deps[img->dep_count].min_version);
        img->dep_count++;
        return 0;
    default:
        return 0; /* other TLVs (boot record, encryption, vendor) are hashed but not interpreted */
    }
}

/* Walk one area [off, off + size) of `tlv` whose info magic must be `magic`. */
static int walk_area(struct tdm_mcuboot_image *img, const uint8_t *tlv, uint32_t off, uint32_t size, int prot,
                     uint32_t base, tdm_mcuboot_tlv_fn fn, void *fn_ctx)
{
    uint16_t magic = prot ? TDM_MCUBOOT_TLV_PROT_MAGIC : TDM_MCUBOOT_TLV_INFO_MAGIC;
    if (size < 4 || tdm_get_le16(tlv + off) != magic || tdm_get_le16(tlv + off + 2) != size) {
        return TDM_E_PKG_IMAGE;
    }
    uint32_t p = off + 4;
    uint32_t end = off + size;
    while (p < end) {
        if (end - p < 4) {
            return TDM_E_PKG_IMAGE;
        }
        uint16_t type = tdm_get_le16(tlv + p);
        uint16_t len = tdm_get_le16(tlv + p + 2);
        if (end - p - 4 < len) {
            return TDM_E_PKG_IMAGE;
        }
        int err = take_tlv(img, prot, type, tlv + p + 4, len);
        if (err < 0) {
            return err;
        }
        if (fn) {
            fn(fn_ctx, prot, type, base + p, tlv + p + 4, len);
        }
        img->tlv_count++;
        p += 4u + len;
    }
    return 0;
}

int tdm_mcuboot_parse_tlvs(const struct tdm_mcuboot_header *hdr, const uint8_t *tlv, uint32_t len,
                           struct tdm_mcuboot_image *img, tdm_mcuboot_tlv_fn fn, void *fn_ctx)
{
    struct tdm_mcuboot_header h = *hdr; /* hdr may point into *img */
    memset(img, 0, sizeof *img);
    img->hdr = h;
    hdr = &img->hdr;
    img->hashed_len = (uint32_t)hdr->hdr_size + hdr->img_size + hdr->prot_size;
    uint32_t base = (uint32_t)hdr->hdr_size + hdr->img_size;
    if (len < (uint32_t)hdr->prot_size + 4) {
        return TDM_E_PKG_IMAGE;
    }
    if (hdr->prot_size) {
        int err = walk_area(img, tlv, 0, hdr->prot_size, 1, base, fn, fn_ctx);
        if (err < 0) {
            return err;
        }
    }
    uint32_t unprot = len - hdr->prot_size;
    if (unprot > 0xffff || img->hashed_len > UINT32_MAX - unprot) {
        return TDM_E_PKG_IMAGE;
    }
    int err = walk_area(img, tlv, hdr->prot_size, unprot, 0, base, fn, fn_ctx);
    if (err < 0) {
        return err;
    }
    img->total_len = img->hashed_len + unprot;
    return 0;
}

int tdm_mcuboot_key_hash(const struct tdm_crypto_ops *ops, const uint8_t pub[TDM_P256_PUBKEY_LEN],
                         uint8_t out[TDM_SHA256_LEN])
{
    struct tdm_sha256 h;
    int err = ops->sha256_start(ops->ctx, &h);
    if (err < 0) {
        return err;
    }
    err = ops->sha256_update(ops->ctx, &h, spki_p256_prefix, sizeof spki_p256_prefix);
    if (err < 0) {
        return err;
    }
    err = ops->sha256_update(ops->ctx, &h, pub, TDM_P256_PUBKEY_LEN);
    if (err < 0) {
        return err;
    }
    return ops->sha256_finish(ops->ctx, &h, out);
}

/* One DER INTEGER at der[*p] (< end) into a 32-byte big-endian field. */
static int der_int(const uint8_t *der, uint32_t *p, uint32_t end, uint8_t out[32])
{
    if (end - *p < 2 || der[*p] != 0x02) {
        return TDM_E_PKG_IMAGE;
    }
    uint32_t n = der[*p + 1];
    uint32_t v = *p + 2;
    if (n == 0 || n > 33 || end - v < n) {
        return TDM_E_PKG_IMAGE;
    }
    if (der[v] & 0x80) {
        return TDM_E_PKG_IMAGE; /* negative */
    }
    if (n == 33) {
        if (der[v] != 0) {
            return TDM_E_PKG_IMAGE;
        }
        v++;
        n--;
    }
    memset(out, 0, 32);
    memcpy(out + 32 - n, der + v, n);
    *p = v + n;
    return 0;
}

int tdm_mcuboot_sig_raw(const uint8_t *der, uint16_t len, uint8_t raw[TDM_P256_SIG_LEN])
{
    if (len < 8 || der[0] != 0x30 || der[1] > 0x7f || (uint32_t)der[1] + 2 > len) {
        return TDM_E_PKG_IMAGE;
    }
    uint32_t end = (uint32_t)der[1] + 2;
    uint32_t p = 2;
    int err = der_int(der, &p, end, raw);
    if (err < 0) {
        return err;
    }
    err = der_int(der, &p, end, raw + 32);
    if (err < 0) {
        return err;
    }
    if (p != end) {
        return TDM_E_PKG_IMAGE;
    }
    for (uint32_t i = end; i < len; i++) {
        if (der[i] != 0) {
            return TDM_E_PKG_IMAGE; /* only imgtool's old zero padding may follow */
        }
    }
    return 0;
}

int tdm_mcuboot_check_sig(const struct tdm_crypto_ops *ops, const struct tdm_mcuboot_image *img,
                          const uint8_t hash[TDM_SHA256_LEN], const uint8_t (*keys)[TDM_P256_PUBKEY_LEN],
                          const uint8_t (*key_hashes)[TDM_SHA256_LEN], unsigned nkeys)
{
    if (!img->sig || (!img->keyhash && !img->pubkey)) {
        return TDM_E_PKG_UNSIGNED;
    }
    uint8_t want[TDM_SHA256_LEN];
    if (img->keyhash) {
        memcpy(want, img->keyhash, sizeof want);
    } else {
        struct tdm_sha256 h;
        int err = ops->sha256_start(ops->ctx, &h);
        if (err < 0) {
            return err;
        }
        err = ops->sha256_update(ops->ctx, &h, img->pubkey, img->pubkey_len);
        if (err < 0) {
            return err;
        }
        err = ops->sha256_finish(ops->ctx, &h, want);
        if (err < 0) {
            return err;
        }
    }
    for (unsigned k = 0; k < nkeys; k++) {
        if (memcmp(key_hashes[k], want, sizeof want) == 0) {
            uint8_t raw[TDM_P256_SIG_LEN];
            int err = tdm_mcuboot_sig_raw(img->sig, img->sig_len, raw);
            if (err < 0) {
                return err;
            }
            return ops->p256_verify(ops->ctx, keys[k], hash, raw);
        }
    }
    return TDM_E_PKG_KEY;
}

int tdm_mcuboot_verify(const struct tdm_crypto_ops *ops, const uint8_t *data, uint32_t len,
                       struct tdm_mcuboot_image *img, uint8_t hash_out[TDM_SHA256_LEN])
{
    struct tdm_mcuboot_header hdr;
    if (len < TDM_MCUBOOT_HDR_LEN) {
        return TDM_E_PKG_TRUNCATED;
    }
    int err = tdm_mcuboot_parse_header(data, &hdr);
    if (err < 0) {
        return err;
    }
    /* 64-bit sums: an img_size near 2^32 must not wrap around and pass the length check */
    uint64_t hashed64 = (uint64_t)hdr.hdr_size + hdr.img_size + hdr.prot_size;
    if ((uint64_t)len < hashed64 + 4) {
        return TDM_E_PKG_TRUNCATED;
    }
    uint32_t hashed = (uint32_t)hashed64;
    uint32_t total;
    err = tdm_mcuboot_total_len(&hdr, data + hashed, &total);
    if (err < 0) {
        return err;
    }
    if (len < total) {
        return TDM_E_PKG_TRUNCATED;
    }
    if (len > total) {
        return TDM_E_PKG_TRAILING;
    }
    uint32_t tlv_off = (uint32_t)hdr.hdr_size + hdr.img_size;
    err = tdm_mcuboot_parse_tlvs(&hdr, data + tlv_off, len - tlv_off, img, 0, 0);
    if (err < 0) {
        return err;
    }
    if (!img->sha256) {
        return TDM_E_PKG_IMAGE;
    }
    struct tdm_sha256 h;
    uint8_t hash[TDM_SHA256_LEN];
    err = ops->sha256_start(ops->ctx, &h);
    if (err < 0) {
        return err;
    }
    err = ops->sha256_update(ops->ctx, &h, data, hashed);
    if (err < 0) {
        return err;
    }
    err = ops->sha256_finish(ops->ctx, &h, hash);
    if (err < 0) {
        return err;
    }
    if (hash_out) {
        memcpy(hash_out, hash, sizeof hash);
    }
    return memcmp(hash, img->sha256, sizeof hash) == 0 ? 0 : TDM_E_PKG_DIGEST;
}
