/* The tandem update package (docs/FORMAT.md): one signed file carrying a whole update set (application
 * core image + network core image), each component an ordinary MCUboot image kept byte-exact.
 *
 *   [fixed header 16 B][manifest (TLVs)][signature block 100 B][component 1][component 2]...
 *
 * Owns: the device-side check of a package: a streaming parser fed chunks of any size (the fetch agent)
 * and a reader-based check over a stored package (the bootloader). Both are the same code: the reader
 * check feeds the streaming parser. Never: allocation, stdio, writing anything (the caller writes the
 * bytes the parser accepted), signing (host tools only).
 *
 * Order of checks while streaming (each refused with its named error the moment it is known):
 *   header bytes 0..15   magic (TDM_E_PKG_MAGIC), format major (TDM_E_PKG_VERSION), lengths (MALFORMED)
 *   manifest + sig block TLV structure, unknown critical fields (CRITICAL), signature type (UNSIGNED),
 *                        key id (KEY), ECDSA P-256 over SHA-256(header || manifest) (SIG), hardware id
 *                        (HW_ID), counter / set version below the device's (DOWNGRADE), bootloader version
 *                        (BOOTLOADER), component ids (COMPONENT, DUPLICATE, MISSING), sizes against the
 *                        per-component limits and the package limit (TOO_BIG).
 *                        All of this happens before the first component byte is accepted.
 *   component bytes      MCUboot header (IMAGE), image hash and TLV-area digest against the manifest
 *                        (DIGEST), MCUboot SHA256 TLV (DIGEST), TLV structure (IMAGE), optional inner
 *                        signature (see image_sig), image dependencies within the set (DEPENDENCY).
 *   after the last byte  any further byte is TDM_E_PKG_TRAILING; tdm_pkg_finish() refuses a short
 *                        package with TDM_E_PKG_TRUNCATED.
 * An error is sticky: every later call returns it. Restart = tdm_pkg_parser_init + feed from offset 0.
 *
 * RAM: struct tdm_pkg_parser, about 2.5 KB (sizeof is checked by tests/pkg against TDM_PKG_PARSER_RAM);
 * no other memory. Cost: one SHA-256 pass over the package plus one ECDSA P-256 verification (plus one
 * per component with image_sig != IGNORE).
 */
#ifndef TANDEM_PKG_H
#define TANDEM_PKG_H

#include <stdint.h>

#include "tandem/crypto_port.h"
#include "tandem/mcuboot.h"

#define TDM_PKG_MAGIC "TDMP"
#define TDM_PKG_FORMAT_MAJOR 1
#define TDM_PKG_FORMAT_MINOR 0
#define TDM_PKG_HEADER_LEN 16
#define TDM_PKG_SIG_BLOCK_LEN 100
#define TDM_PKG_SIG_ECDSA_P256 1 /* signature type: ECDSA P-256 over SHA-256 */
#define TDM_PKG_MANIFEST_MAX 512 /* largest manifest a device accepts */
#define TDM_PKG_TLV_MAX 768      /* largest MCUboot TLV area (protected + unprotected) of a component */
#define TDM_PKG_MAX_COMPONENTS 4
#define TDM_PKG_MAX_ID 7 /* component ids 1..7 */
#define TDM_PKG_MAX_KEYS 4
#define TDM_PKG_PARSER_RAM 3072 /* upper bound of sizeof(struct tdm_pkg_parser) on a 32- or 64-bit target */

/* Component ids. */
#define TDM_PKG_COMP_APP 1 /* application core image (MCUboot image 0) */
#define TDM_PKG_COMP_NET 2 /* network core image (MCUboot image 1) */

/* Manifest TLV types; bit 15 set = optional (a reader that does not know it skips it). */
#define TDM_PKG_T_SET_VERSION 0x0001    /* 8 B: major u8, minor u8, revision u16, build u32 */
#define TDM_PKG_T_SEC_COUNTER 0x0002    /* 4 B: u32 security counter of the set */
#define TDM_PKG_T_HW_ID 0x0003          /* 4 B: u32 hardware / compatibility id */
#define TDM_PKG_T_MIN_BOOTLOADER 0x0004 /* 8 B: lowest bootloader version that may install it */
#define TDM_PKG_T_COMPONENT 0x0005      /* 84 B: see docs/FORMAT.md */
#define TDM_PKG_T_OPTIONAL 0x8000
#define TDM_PKG_T_NOTE 0x8001 /* optional free text (shown by tandem inspect) */
#define TDM_PKG_COMPONENT_LEN 84

/* Component flags (u16). Unknown bits are refused (TDM_E_PKG_CRITICAL). */
#define TDM_PKG_CF_SIGNED 0x0001 /* the MCUboot image carries a signature TLV */
#define TDM_PKG_CF_KNOWN 0x0001

#define TDM_PKG_HW_ID_DEFAULT 0x00005340U /* hardware id `tandem pack` writes when --hw-id is not given */

/* What to do with the MCUboot signature TLV inside each component (the package signature already covers
 * every byte of every component, so this is defence in depth, one ECDSA verification per component). */
enum tdm_pkg_image_sig {
    TDM_PKG_IMAGE_SIG_IGNORE = 0,   /* not checked */
    TDM_PKG_IMAGE_SIG_IF_KNOWN = 1, /* checked when its key is one of the trusted keys; else ignored */
    TDM_PKG_IMAGE_SIG_REQUIRE = 2,  /* every component must carry a valid signature by a trusted key */
};

struct tdm_pkg_config {
    const struct tdm_crypto_ops *ops;
    const uint8_t (*keys)[TDM_P256_PUBKEY_LEN]; /* trusted public keys (uncompressed points); caller-owned */
    unsigned nkeys;                             /* 1..TDM_PKG_MAX_KEYS */
    uint32_t hw_id;                             /* this device's hardware id: must equal the manifest's */
    uint32_t min_counter;                       /* anti-downgrade: refuse a set counter below this */
    struct tdm_version current_version;         /* refuse a set version below this (all zero: no check) */
    struct tdm_version bootloader_version;      /* refuse packages whose MIN_BOOTLOADER is above this */
    uint32_t comp_max[TDM_PKG_MAX_ID + 1];      /* largest accepted size per component id; 0 = id refused */
    uint32_t required;                          /* bit (1 << id) per component that must be present */
    uint32_t max_package;                       /* largest total package size (the store slot); 0 = none */
    enum tdm_pkg_image_sig image_sig;
    /* Host inspection only (tandem inspect): signature, key and policy failures are recorded in the
     * manifest's *_err fields instead of stopping the parse. Never set on a device. */
    uint8_t inspect;
};

struct tdm_pkg_component {
    uint8_t id;
    uint8_t slot;   /* target slot: 0 application core flash, 1 network core flash */
    uint16_t flags; /* TDM_PKG_CF_* */
    uint32_t size;  /* bytes of the MCUboot image in the package */
    uint32_t load_addr;
    struct tdm_version version;          /* must equal the MCUboot header's version */
    uint8_t hash[TDM_SHA256_LEN];        /* MCUboot image hash (= its SHA256 TLV) */
    uint8_t tlv_hash[TDM_SHA256_LEN];    /* SHA-256 of the unprotected TLV area */
    uint32_t offset;                     /* offset of the image within the package */
    /* Filled when the component has streamed through: */
    uint16_t hdr_size;  /* MCUboot header size (0x200 for nRF Connect SDK images) */
    uint32_t hashed_len; /* header + body + protected TLVs */
    uint8_t has_sec_cnt;
    uint32_t sec_cnt;     /* SEC_CNT TLV of the image */
    int image_sig_err; /* inner signature: 0 valid, 1 not checked (IGNORE), else UNSIGNED / KEY / SIG / IMAGE */
    int err;           /* inspect mode: first error of this component (0 = fine) */
    uint8_t done;
};

struct tdm_pkg_manifest {
    uint8_t format_major, format_minor;
    struct tdm_version set_version;
    uint32_t sec_counter;
    uint32_t hw_id;
    struct tdm_version min_bootloader;
    uint32_t manifest_len;
    uint32_t total_size; /* whole package, header to the end of the last component */
    uint16_t sig_type;
    uint8_t key_id[TDM_SHA256_LEN]; /* KEYHASH-style id of the signing key */
    int key_index;                  /* which trusted key signed it, -1 none */
    uint8_t count;
    struct tdm_pkg_component comp[TDM_PKG_MAX_COMPONENTS];
    uint8_t note_len; /* optional NOTE (not NUL-terminated), up to 64 bytes kept */
    char note[64];
    /* inspect mode: 0 or the error that a device would have stopped with */
    int sig_err, policy_err;
};

/* Phase of a parse (struct tdm_pkg_parser.state): which section the next byte belongs to. */
enum tdm_pkg_phase {
    TDM_PKG_PH_HEADER,
    TDM_PKG_PH_MANIFEST,
    TDM_PKG_PH_SIG,
    TDM_PKG_PH_COMPONENTS, /* reached only through a complete signature block */
    TDM_PKG_PH_DONE,
};

struct tdm_pkg_parser {
    struct tdm_pkg_config cfg;
    uint8_t key_hash[TDM_PKG_MAX_KEYS][TDM_SHA256_LEN];
    int err;        /* sticky error */
    uint8_t state;  /* enum tdm_pkg_phase */
    uint8_t comp;   /* component being streamed */
    uint32_t off;   /* bytes accepted so far */
    uint32_t sec;   /* bytes accepted in the current section */
    uint8_t head[TDM_PKG_HEADER_LEN];
    uint8_t manifest_buf[TDM_PKG_MANIFEST_MAX];
    uint8_t sig[TDM_PKG_SIG_BLOCK_LEN];
    uint8_t imghdr[TDM_MCUBOOT_HDR_LEN];
    struct tdm_mcuboot_header ih;
    uint32_t tlv_off; /* hdr_size + img_size of the current component */
    struct tdm_sha256 h_img, h_tlv;
    uint8_t tlv[TDM_PKG_TLV_MAX];
    struct tdm_pkg_manifest m;
};
_Static_assert(sizeof(struct tdm_pkg_parser) <= TDM_PKG_PARSER_RAM, "struct tdm_pkg_parser grew past its RAM bound");

/* Check cfg (ops complete, 1..TDM_PKG_MAX_KEYS keys, at least one component id allowed) and start a parse.
 * Computes the trusted keys' ids (one SHA-256 each). Returns 0, TDM_E_CONFIG, TDM_E_CRYPTO. */
int tdm_pkg_parser_init(struct tdm_pkg_parser *p, const struct tdm_pkg_config *cfg);

/* Accept the next len bytes of the package (any chunking; len may be 0). Returns 0 when every byte was
 * accepted, else the (sticky) negative error; bytes of a chunk after the point of failure are not
 * accepted. A manifest failure is reported by the feed call that carries the last signature byte, before
 * any component byte is looked at. */
int tdm_pkg_feed(struct tdm_pkg_parser *p, const void *data, uint32_t len);

/* The verified manifest, or NULL while the manifest and its signature are not yet verified (or after an
 * error). Valid until the next init. total_size tells the fetch agent how much is coming. */
const struct tdm_pkg_manifest *tdm_pkg_manifest(const struct tdm_pkg_parser *p);

/* Bytes accepted so far, and bytes the parser still needs: before the manifest is verified, those up to
 * the end of the current header section (a lower bound); afterwards exactly the rest of the package. */
uint32_t tdm_pkg_offset(const struct tdm_pkg_parser *p);
uint32_t tdm_pkg_need(const struct tdm_pkg_parser *p);

/* End of input: 0 when the whole package was accepted and every check passed; TDM_E_PKG_TRUNCATED when
 * bytes are missing; the sticky error otherwise. */
int tdm_pkg_finish(struct tdm_pkg_parser *p);

/* Reader over a stored package: read len bytes at package offset off into buf. Returns 0 or a negative
 * error (passed through). */
typedef int (*tdm_pkg_read_fn)(void *ctx, uint32_t off, void *buf, uint32_t len);

/* The bootloader's check: verify a whole stored package with exactly the streaming checks, reading it
 * through `read` in chunks of at most buf_len bytes into the caller's buffer (any size >= 1; a NAND page
 * is a good choice). Reads only [0, total_size). On success tdm_pkg_manifest(p) gives each component's
 * offset, size, MCUboot header size, version and image hash. Returns 0 or the first error. */
int tdm_pkg_check(struct tdm_pkg_parser *p, const struct tdm_pkg_config *cfg, tdm_pkg_read_fn read, void *ctx,
                  uint8_t *buf, uint32_t buf_len);

/* Does every component target its own core's slot at that slot's address in the device layout
 * (app_addr, net_addr: the layout's app_slot / net_slot addresses)? An image linked for another address
 * cannot run there. Returns 0, TDM_E_PKG_COMPONENT (an id other than app / net), TDM_E_PKG_MALFORMED (a
 * component aimed at the other core's slot), TDM_E_PKG_LOAD_ADDR. Call it on a verified manifest, before
 * anything of the package is written or installed. */
int tdm_pkg_check_targets(const struct tdm_pkg_manifest *m, uint32_t app_addr, uint32_t net_addr);

/* Decode the manifest TLVs (no signature or policy check): used by the parser and by host tools.
 * Returns 0, TDM_E_PKG_MALFORMED, TDM_E_PKG_CRITICAL, TDM_E_PKG_DUPLICATE, TDM_E_PKG_MISSING (a required
 * scalar field or no component). */
int tdm_pkg_manifest_decode(const uint8_t *buf, uint32_t len, struct tdm_pkg_manifest *m);

/* Policy of a decoded, signature-checked manifest against cfg (hw id, counter, versions, ids, sizes). */
int tdm_pkg_manifest_policy(const struct tdm_pkg_manifest *m, const struct tdm_pkg_config *cfg);

#endif
