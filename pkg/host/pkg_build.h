/* Host-only package building: P-256 keys (mbedTLS), wrapping a raw binary into a signed MCUboot image,
 * packing images into a signed tandem package, reading the nRF Connect SDK's dfu_multi_image.bin, file
 * helpers. Library `tdm_pkg_build` (pkg/host/), used by the `tandem` CLI, the simulator, tests, bench and the demo.
 *
 * Owns: everything that signs or generates keys. Never: device code (nothing here may be linked into a
 * device-side library); a second parser (checks go through pkg/ and include/tandem/mcuboot.h).
 * Memory: functions that return a buffer allocate it with malloc; the caller frees it.
 */
#ifndef TANDEM_PKG_HOST_PKG_BUILD_H
#define TANDEM_PKG_HOST_PKG_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tandem/layout.h"
#include "tandem/mcuboot.h"
#include "tandem/pkg.h"

#define TDM_MCUBOOT_NCS_HDR_SIZE 0x200 /* nRF Connect SDK: --header-size 0x200 --pad-header */

/* The device layout the host tools assume unless given one (`--layout FILE`): the nRF5340 default of the
 * boot layer (tdm_layout_default). Each slot's address is its component's load address, its size the
 * component's limit; there is no second copy of these numbers on the host. */
void tdm_pkg_host_layout(struct tdm_layout *l);
/* Read a layout text file (include/tandem/layout.h) and check it against the nRF5340's internal flash
 * and RAM (the NAND chip is not known on the host: the store range is not checked). Returns 0,
 * TDM_E_HOST_FILE (missing, unreadable or larger than 4 KB), TDM_E_BOOT_LAYOUT (*diag says why). */
int tdm_pkg_layout_read(const char *path, struct tdm_layout *l, struct tdm_layout_diag *diag);

/* A P-256 key pair (pub always set; priv only for a private key). */
struct tdm_key {
    uint8_t pub[TDM_P256_PUBKEY_LEN];
    uint8_t priv[32];
    int has_priv;
};

/* New random key (mbedTLS entropy + CTR-DRBG). Returns 0 or TDM_E_HOST_KEY. */
int tdm_key_generate(struct tdm_key *k);
/* Deterministic key from a seed (tests and demo only). Returns 0 or TDM_E_HOST_KEY. */
int tdm_key_from_seed(struct tdm_key *k, uint64_t seed);
/* Load a PEM or DER file: a private key (EC PRIVATE KEY / PKCS#8) or a public key (SubjectPublicKeyInfo).
 * Returns 0, TDM_E_HOST_FILE (cannot read), TDM_E_HOST_KEY (not a P-256 key). */
int tdm_key_load(struct tdm_key *k, const char *path);
/* Write the private key (PEM, SEC1) to priv_path (mode 0600) and the public key (PEM SPKI) to pub_path. */
int tdm_key_save(const struct tdm_key *k, const char *priv_path, const char *pub_path);
/* Write only the public key (PEM). */
int tdm_key_save_pub(const struct tdm_key *k, const char *pub_path);
/* Deterministic ECDSA (RFC 6979) of a 32-byte hash: raw r||s, or DER (returns its length, <= 72). */
int tdm_key_sign(const struct tdm_key *k, const uint8_t hash[TDM_SHA256_LEN], uint8_t sig[TDM_P256_SIG_LEN]);
int tdm_key_sign_der(const struct tdm_key *k, const uint8_t hash[TDM_SHA256_LEN], uint8_t der[72]);
/* KEYHASH / key id of a key (SHA-256 of its SubjectPublicKeyInfo). */
void tdm_key_id(const struct tdm_key *k, uint8_t id[TDM_SHA256_LEN]);

/* Wrapping a raw binary into an MCUboot image, the way imgtool does it. */
struct tdm_image_params {
    struct tdm_version version;
    uint16_t hdr_size;  /* 0 = TDM_MCUBOOT_NCS_HDR_SIZE; 32 = imgtool's default, no padding */
    uint32_t load_addr; /* ih_load_addr (0 unless RAM_LOAD) */
    uint32_t flags;
    int has_sec_cnt;
    uint32_t sec_cnt;
    unsigned dep_count;
    struct tdm_mcuboot_dep deps[TDM_MCUBOOT_MAX_DEPS];
    const struct tdm_key *key; /* NULL: SHA256 TLV only (unsigned) */
    int pubkey_tlv;            /* put the full public key (PUBKEY TLV) instead of KEYHASH */
    int pad_sig;               /* pad the DER signature to 72 bytes with zeros (imgtool before 1.5) */
};
int tdm_image_wrap(const uint8_t *raw, size_t len, const struct tdm_image_params *ip, uint8_t **out,
                   size_t *out_len);
/* Looks like an MCUboot image (magic at offset 0)? */
int tdm_image_is_mcuboot(const uint8_t *buf, size_t len);
/* Length of the MCUboot image at the start of buf (header + body + TLV areas), ignoring slot padding
 * and trailer after it (imgtool --pad). Returns 0 and *img_len, or TDM_E_PKG_IMAGE / TRUNCATED. */
int tdm_image_length(const uint8_t *buf, size_t len, size_t *img_len);

struct tdm_pack_component {
    uint8_t id;   /* TDM_PKG_COMP_APP / NET */
    uint8_t slot; /* 0 app flash, 1 net flash */
    uint32_t load_addr;
    const uint8_t *image; /* an MCUboot image (checked: structure and hash) */
    size_t len;
};

struct tdm_pack_params {
    struct tdm_version set_version;
    uint32_t counter;
    uint32_t hw_id;
    struct tdm_version min_bootloader;
    const struct tdm_key *key; /* NULL: an unsigned package (signature type 0; tests only) */
    const char *note;          /* optional NOTE field, may be NULL */
    unsigned count;
    struct tdm_pack_component comp[TDM_PKG_MAX_COMPONENTS];
};

/* Build a package. Returns 0 or an error; *bad_comp is the index of the component at fault (or -1). */
int tdm_pack(const struct tdm_pack_params *pp, uint8_t **out, size_t *out_len, int *bad_comp);

/* nRF Connect SDK dfu_multi_image.bin: u16 LE length of a CBOR header {"img": [{"id": n, "size": n}, ...]}
 * followed by the images back to back. Image id 0 = app core, 1 = net core. */
#define TDM_MULTI_MAX 8
struct tdm_multi {
    unsigned count;
    int32_t id[TDM_MULTI_MAX];
    size_t off[TDM_MULTI_MAX];
    size_t size[TDM_MULTI_MAX];
};
/* Parse; returns 0, TDM_E_PKG_MALFORMED (not a dfu_multi_image file), TDM_E_PKG_TRUNCATED, TRAILING. */
int tdm_multi_parse(const uint8_t *buf, size_t len, struct tdm_multi *m);
/* Build one (tests): images[i] of sizes[i] with ids[i]. */
int tdm_multi_build(unsigned count, const int32_t *ids, const uint8_t *const *images, const size_t *sizes,
                    uint8_t **out, size_t *out_len);

/* Host defaults for a check: ops = host crypto, required app + net, limits the default layout's slot sizes. */
void tdm_pkg_host_config(struct tdm_pkg_config *cfg, const struct tdm_crypto_ops *ops,
                         const uint8_t (*keys)[TDM_P256_PUBKEY_LEN], unsigned nkeys);
/* Verify a package in memory with cfg (the streaming parser, fed in one go). */
int tdm_pkg_verify_buf(const struct tdm_pkg_config *cfg, const uint8_t *buf, size_t len,
                       struct tdm_pkg_parser *p);

/* Files: read a whole file (malloc), write atomically (temp file + rename: nothing is left on failure). */
int tdm_file_read(const char *path, uint8_t **buf, size_t *len);
int tdm_file_write(const char *path, const uint8_t *buf, size_t len);

/* Parse "MAJOR.MINOR.REVISION+BUILD" (minor, revision and build optional). Returns 0 or TDM_E_HOST_USAGE. */
int tdm_version_parse(const char *s, struct tdm_version *v);
/* Print a version as "1.2.3+4" into buf (>= 32 bytes). */
const char *tdm_version_str(const struct tdm_version *v, char *buf);
/* Parse an unsigned 32-bit number (decimal or 0x hex). Returns 0 or TDM_E_HOST_USAGE. */
int tdm_u32_parse(const char *s, uint32_t *out);
/* Hex of n bytes into out (2n+1 bytes). */
const char *tdm_hex(const uint8_t *b, size_t n, char *out);

#endif
