/* Package test vectors for the emulated Cortex-M33: real signed packages and MCUboot images built on the
 * host with pkg/host/pkg_build.h (seeded key, tdm_image_wrap, tdm_pack), what the host's checks said about
 * them (mbedTLS for SHA-256 and ECDSA P-256), and the ECDSA verifications those checks asked, with
 * mbedTLS's answers (the target's own verifier, crypto/p256.c, must give the same). tests/target/pkg_vectors.c is written by tests/target/pkg_vectors_gen.c (host) and
 * committed; the ctest pkg_target_vectors_current fails when the generator writes anything else today.
 *
 * Owns: the shape of the vectors and the one device configuration both sides check them with. Never:
 * anything computed on the target (the target recomputes and compares).
 */
#ifndef TANDEM_TESTS_TARGET_PKG_VECTORS_H
#define TANDEM_TESTS_TARGET_PKG_VECTORS_H

#include <stdint.h>
#include <string.h>

#include "tandem/crypto_port.h"
#include "tandem/mcuboot.h"
#include "tandem/pkg.h"

/* What the host's full check (tdm_pkg_feed of the whole buffer + tdm_pkg_finish) found per component. */
struct pkgv_comp {
    uint8_t id, slot;
    uint16_t hdr_size;
    uint32_t offset, size, hashed_len, load_addr;
    uint8_t has_sec_cnt;
    uint32_t sec_cnt;
    int8_t image_sig_err;
    struct tdm_version version;
    uint8_t hash[TDM_SHA256_LEN];
    uint8_t tlv_hash[TDM_SHA256_LEN];
};

struct pkgv_package {
    const char *name;
    const uint8_t *bytes;
    uint32_t len;
    int8_t verdict; /* host: 0 or the error of the full check */
    /* the verified manifest (when verdict == 0) */
    uint8_t count;
    uint32_t sec_counter, hw_id, manifest_len, total_size;
    struct tdm_version set_version;
    int8_t key_index;
    uint8_t note_len;
    struct pkgv_comp comp[2];
};

struct pkgv_image {
    const char *name;
    const uint8_t *bytes; /* a component of a package, or an image of its own */
    uint32_t len;
    int8_t verify;   /* host tdm_mcuboot_verify */
    int8_t sig;      /* host tdm_mcuboot_check_sig against the trusted key */
    uint16_t hdr_size;
    uint32_t img_size, hashed_len, total_len;
    struct tdm_version version;
    uint16_t tlv_count;
    uint8_t has_keyhash, has_pubkey, has_sig, has_sec_cnt;
    uint8_t hash[TDM_SHA256_LEN];
};

/* One ECDSA P-256 verification and mbedTLS's answer (0, TDM_E_PKG_SIG or TDM_E_CRYPTO). */
struct pkgv_ecdsa {
    uint8_t pub[TDM_P256_PUBKEY_LEN];
    uint8_t hash[TDM_SHA256_LEN];
    uint8_t sig[TDM_P256_SIG_LEN];
    int8_t answer;
    uint8_t probe; /* 0: asked by a check; 1: a valid entry with one byte of key, hash or signature flipped */
};

extern const uint8_t pkgv_key[TDM_P256_PUBKEY_LEN];  /* the trusted public key */
extern const uint8_t pkgv_key_id[TDM_SHA256_LEN];    /* its KEYHASH (SHA-256 of the DER SPKI), host */
extern const struct pkgv_package pkgv_packages[];
extern const unsigned pkgv_npackages;
extern const struct pkgv_image pkgv_images[];
extern const unsigned pkgv_nimages;
extern const struct pkgv_ecdsa pkgv_ecdsa[];
extern const unsigned pkgv_necdsa;
/* Campaigns over pkgv_packages[0] (the small package), host verdicts per position:
 * trunc[n] = feed of the first n bytes + finish; flip_ff[i] / flip_01[i] = byte i XOR 0xff / 0x01. */
extern const int8_t pkgv_trunc[];
extern const int8_t pkgv_flip_ff[];
extern const int8_t pkgv_flip_01[];
/* ECDSA verifications the host made in each campaign (0 trunc, 1 flip_ff, 2 flip_01): [c][0] calls,
 * [c][1] accepted by mbedTLS. The target counts its own calls and acceptances and must match. */
extern const unsigned pkgv_campaign_verifies[3][2];

/* The device configuration of every check (host and target): the host CLI's defaults
 * (tdm_pkg_host_config): hardware id 0x5340, app up to 0xF0000 B, net up to 0x3C000 B, both required,
 * inner MCUboot signatures checked when their key is trusted. */
static inline void pkgv_config(struct tdm_pkg_config *cfg, const struct tdm_crypto_ops *ops,
                               const uint8_t (*keys)[TDM_P256_PUBKEY_LEN])
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ops = ops;
    cfg->keys = keys;
    cfg->nkeys = 1;
    cfg->hw_id = TDM_PKG_HW_ID_DEFAULT;
    cfg->comp_max[TDM_PKG_COMP_APP] = 0x000F0000U;
    cfg->comp_max[TDM_PKG_COMP_NET] = 0x0003C000U;
    cfg->required = (1u << TDM_PKG_COMP_APP) | (1u << TDM_PKG_COMP_NET);
    cfg->image_sig = TDM_PKG_IMAGE_SIG_IF_KNOWN;
}

#endif
