/* MCUboot image format: the 32-byte image header, the protected and unprotected TLV areas, the image
 * hash exactly as MCUboot computes it, the ECDSA P-256 signature TLV and its key hash (docs/FORMAT.md,
 * "MCUboot images", restates the layout with byte offsets).
 *
 * Owns: decoding and checking one MCUboot image. Never: allocation, writing flash, trusting a field before
 * it is range-checked (every offset is checked against the image length first).
 *
 * Image layout (all fields little-endian):
 *   [0, hdr_size)                       header: 32 bytes of fields, then padding up to hdr_size
 *                                       (imgtool --pad-header / nRF Connect SDK: hdr_size 0x200)
 *   [hdr_size, hdr_size + img_size)     the firmware
 *   [tlv_off, tlv_off + prot_size)      protected TLV area (info 0x6908 + TLVs), only when prot_size != 0
 *   [.., end)                           unprotected TLV area (info 0x6907 + TLVs)
 * The image hash is SHA-256 over [0, hdr_size + img_size + prot_size): header with its padding, body and
 * protected TLVs; the SHA256 TLV (unprotected) holds it and the signature TLV signs it.
 *
 * RAM: struct tdm_mcuboot_image is 220 bytes (no buffers; pointers into the caller's TLV bytes).
 */
#ifndef TANDEM_MCUBOOT_H
#define TANDEM_MCUBOOT_H

#include <stdint.h>

#include "tandem/crypto_port.h"

#define TDM_MCUBOOT_MAGIC 0x96f3b83dU
#define TDM_MCUBOOT_HDR_LEN 32
#define TDM_MCUBOOT_TLV_INFO_MAGIC 0x6907
#define TDM_MCUBOOT_TLV_PROT_MAGIC 0x6908

/* TLV types (MCUboot bootutil image.h). */
#define TDM_MCUBOOT_TLV_KEYHASH 0x01
#define TDM_MCUBOOT_TLV_PUBKEY 0x02
#define TDM_MCUBOOT_TLV_SHA256 0x10
#define TDM_MCUBOOT_TLV_ECDSA_SIG 0x22 /* ECDSA256 / ECDSA_SIG: DER SEQUENCE { r, s } */
#define TDM_MCUBOOT_TLV_DEPENDENCY 0x40
#define TDM_MCUBOOT_TLV_SEC_CNT 0x50

/* Header flags. */
#define TDM_MCUBOOT_F_PIC 0x01U
#define TDM_MCUBOOT_F_ENCRYPTED_AES128 0x04U
#define TDM_MCUBOOT_F_ENCRYPTED_AES256 0x08U
#define TDM_MCUBOOT_F_NON_BOOTABLE 0x10U
#define TDM_MCUBOOT_F_RAM_LOAD 0x20U
#define TDM_MCUBOOT_F_ROM_FIXED 0x100U

#define TDM_MCUBOOT_MAX_DEPS 4 /* dependency TLVs remembered per image; more is TDM_E_PKG_IMAGE */
#define TDM_SPKI_P256_LEN 91   /* DER SubjectPublicKeyInfo of a P-256 key: what MCUboot hashes for KEYHASH */

/* Image version: major.minor.revision+build (the 8 bytes at header offset 20, and in DEPENDENCY TLVs). */
struct tdm_version {
    uint8_t major;
    uint8_t minor;
    uint16_t revision;
    uint32_t build;
};

struct tdm_mcuboot_header {
    uint32_t load_addr;
    uint16_t hdr_size;
    uint16_t prot_size; /* ih_protect_tlv_size: protected TLV area including its 4-byte info */
    uint32_t img_size;
    uint32_t flags;
    struct tdm_version version;
};

struct tdm_mcuboot_dep {
    uint8_t image_id; /* MCUboot image number: 0 = application core, 1 = network core on nRF5340 */
    struct tdm_version min_version;
};

/* What the TLV areas say. Pointers point into the TLV bytes the caller passed (valid while they are). */
struct tdm_mcuboot_image {
    struct tdm_mcuboot_header hdr;
    uint32_t hashed_len; /* hdr_size + img_size + prot_size: bytes covered by the image hash */
    uint32_t total_len;  /* hashed_len + unprotected TLV area: the whole image */
    const uint8_t *sha256;  /* SHA256 TLV value (32 bytes), NULL when absent */
    const uint8_t *keyhash; /* KEYHASH TLV value (32 bytes), NULL when absent */
    const uint8_t *pubkey;  /* PUBKEY TLV value, NULL when absent */
    uint16_t pubkey_len;
    const uint8_t *sig; /* ECDSA_SIG TLV value (DER), NULL when absent */
    uint16_t sig_len;
    uint8_t has_sec_cnt;
    uint32_t sec_cnt;
    uint8_t dep_count;
    struct tdm_mcuboot_dep deps[TDM_MCUBOOT_MAX_DEPS];
    uint16_t tlv_count; /* TLVs seen in both areas */
};

/* Visitor over every TLV of both areas, for listing tools: `prot` is 1 in the protected area. */
typedef void (*tdm_mcuboot_tlv_fn)(void *ctx, int prot, uint16_t type, uint32_t off, const uint8_t *val,
                                   uint16_t len);

/* Decode the 32 header bytes `b`. Checks the magic, hdr_size >= 32 and that hashed_len does not overflow.
 * Returns 0, TDM_E_PKG_IMAGE (not an MCUboot header). */
int tdm_mcuboot_parse_header(const uint8_t b[TDM_MCUBOOT_HDR_LEN], struct tdm_mcuboot_header *hdr);

/* Parse the TLV areas `tlv` (the len bytes from hdr_size + img_size to the end of the image, protected
 * area first) of an image whose header is `hdr`; fills *img (img->hdr = *hdr). Checks: protected info
 * magic and size equal ih_protect_tlv_size, unprotected info magic, each TLV inside its area, the two
 * areas end exactly at `len`, known TLVs have their length (SHA256 32, KEYHASH 32, SEC_CNT 4, DEPENDENCY
 * 12) and security TLVs (SHA256, KEYHASH, PUBKEY, ECDSA_SIG) sit in the unprotected area at most once.
 * `fn` (may be NULL) sees every TLV. Returns 0 or TDM_E_PKG_IMAGE. */
int tdm_mcuboot_parse_tlvs(const struct tdm_mcuboot_header *hdr, const uint8_t *tlv, uint32_t len,
                           struct tdm_mcuboot_image *img, tdm_mcuboot_tlv_fn fn, void *fn_ctx);

/* Total image length from the header and the first 4 bytes after the protected area, for callers that
 * have to know how much to read: returns hashed_len + unprotected it_tlv_tot, or TDM_E_PKG_IMAGE. */
int tdm_mcuboot_total_len(const struct tdm_mcuboot_header *hdr, const uint8_t unprot_info[4], uint32_t *total);

/* The KEYHASH of a P-256 public key (65-byte uncompressed point): SHA-256 of its DER SubjectPublicKeyInfo.
 * Returns 0 or TDM_E_CRYPTO. */
int tdm_mcuboot_key_hash(const struct tdm_crypto_ops *ops, const uint8_t pub[TDM_P256_PUBKEY_LEN],
                         uint8_t out[TDM_SHA256_LEN]);

/* Decode the DER signature of the ECDSA_SIG TLV into raw r||s (old imgtool zero padding after the
 * SEQUENCE is accepted, anything else is not). Returns 0 or TDM_E_PKG_IMAGE. */
int tdm_mcuboot_sig_raw(const uint8_t *der, uint16_t len, uint8_t raw[TDM_P256_SIG_LEN]);

/* Check the signature of a parsed image whose hash is `hash` against `nkeys` trusted keys (65 bytes
 * each; `key_hashes` their KEYHASHes, 32 bytes each). The key is chosen by the KEYHASH TLV (or the PUBKEY
 * TLV's hash). Returns 0 valid; TDM_E_PKG_UNSIGNED no signature TLV or no key TLV; TDM_E_PKG_KEY key not
 * trusted; TDM_E_PKG_SIG does not verify; TDM_E_PKG_IMAGE malformed signature; TDM_E_CRYPTO. */
int tdm_mcuboot_check_sig(const struct tdm_crypto_ops *ops, const struct tdm_mcuboot_image *img,
                          const uint8_t hash[TDM_SHA256_LEN], const uint8_t (*keys)[TDM_P256_PUBKEY_LEN],
                          const uint8_t (*key_hashes)[TDM_SHA256_LEN], unsigned nkeys);

/* Verify a whole image held in memory (len bytes; bytes after the TLV areas are refused): header, TLV
 * structure, hash against the SHA256 TLV (computed into hash_out when not NULL). Returns 0,
 * TDM_E_PKG_IMAGE (structure, or no SHA256 TLV), TDM_E_PKG_DIGEST (hash mismatch), TDM_E_PKG_TRUNCATED,
 * TDM_E_PKG_TRAILING, TDM_E_CRYPTO. The signature is checked separately (tdm_mcuboot_check_sig). */
int tdm_mcuboot_verify(const struct tdm_crypto_ops *ops, const uint8_t *data, uint32_t len,
                       struct tdm_mcuboot_image *img, uint8_t hash_out[TDM_SHA256_LEN]);

/* Compare versions (major, minor, revision, then build): <0, 0, >0. */
int tdm_version_cmp(const struct tdm_version *a, const struct tdm_version *b);
/* Decode / encode the 8-byte version field. */
void tdm_version_get(const uint8_t *p, struct tdm_version *v);
void tdm_version_put(uint8_t *p, const struct tdm_version *v);

#endif
