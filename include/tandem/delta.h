/* The delta patch decoder: rebuilds a new image from a base image and a patch (format: docs/DELTA.md),
 * reading the base in any order through a callback and emitting the output strictly in order.
 *
 * Owns: the patch format's reader (header, range decoder, instruction stream, adaptive models) and the
 * output CRC-32 check. Never: allocates, writes anything but through the output callback, reads the base
 * outside [0, base_len), emits a byte it has not decoded, or trusts a length from the patch before it is
 * checked against the header (a corrupt patch ends in a named error, never in a crash or a hang).
 *
 * Push model: tdm_delta_init, then tdm_delta_feed with the patch bytes in any chunking (sticky error),
 * then tdm_delta_finish. Output leaves through cfg.write in pieces of at most TDM_DELTA_OUT_BUF bytes.
 * Restart (after a drop or a power cut): init again and feed from byte 0; the caller may skip output it
 * already holds (the output is a pure function of base and patch).
 *
 * RAM: sizeof(struct tdm_delta) <= TDM_DELTA_RAM (8 192 bytes on a 32- or 64-bit target; 8 104 B on the
 * Cortex-M33, bench_delta): the adaptive models (7 186 B of 16-bit probabilities), the input window 256 B,
 * base cache 256 B, output buffer 256 B, header 32 B, counters.
 * No heap; stack < 128 B plus the callbacks. Worst-case cost: about 10 range-decoder steps per output
 * byte, one base read callback per TDM_DELTA_BASE_BUF bytes of a sequential add run.
 */
#ifndef TANDEM_DELTA_H
#define TANDEM_DELTA_H

#include <stdint.h>

#define TDM_DELTA_MAGIC "TDMD"
#define TDM_DELTA_VERSION 1
#define TDM_DELTA_HDR_LEN 32    /* fixed patch header (docs/DELTA.md) */
#define TDM_DELTA_RAM 8192      /* upper bound of sizeof(struct tdm_delta) */
#define TDM_DELTA_IN_BUF 256    /* patch input window */
#define TDM_DELTA_BASE_BUF 256  /* base read cache */
#define TDM_DELTA_OUT_BUF 256   /* output buffer, flushed through cfg.write */
#define TDM_DELTA_STEP_MAX 48   /* most patch bytes one decoding step can consume */

/* Model sizes (docs/DELTA.md "Models"); shared by the encoder so both sides stay identical. */
#define TDM_DELTA_PROB_BITS 11
#define TDM_DELTA_PROB_ONE (1u << TDM_DELTA_PROB_BITS)
#define TDM_DELTA_MOVE_BITS 4
#define TDM_DELTA_NUM_KINDS 4    /* add length, extra length, seek, zero run */
#define TDM_DELTA_NUM_LEN_SYMS 64 /* bit-length tree of a number (6 bits) */
#define TDM_DELTA_NUM_LOW_CTX 16 /* modelled high bits below the leading one: 2 bits per length class */
#define TDM_DELTA_REP_CTX 8      /* diff byte "same as the last non-zero diff" contexts */
#define TDM_DELTA_DIFF_CTX 4     /* bit trees of a non-zero diff byte (output position mod 4) */
#define TDM_DELTA_LIT_CTX 8      /* bit trees of a literal (output position parity x 2 bits of the last byte) */

/* Read `len` bytes of the base at `off` (always inside [0, base_len)). 0 or a negative error, passed up. */
typedef int (*tdm_delta_read_fn)(void *ctx, uint32_t off, uint8_t *buf, uint32_t len);
/* Take the next `len` output bytes (in order). 0 or a negative error, passed up. */
typedef int (*tdm_delta_write_fn)(void *ctx, const uint8_t *buf, uint32_t len);

struct tdm_delta_config {
    tdm_delta_read_fn read;
    void *read_ctx;
    tdm_delta_write_fn write;
    void *write_ctx;
    uint32_t base_len; /* bytes of the base the caller has: must equal the patch's base length */
    uint32_t out_max;  /* largest output accepted (e.g. the slot's capacity); 0 = no limit */
};

/* The patch header, once read (tdm_delta_header). */
struct tdm_delta_header {
    uint32_t base_len;
    uint32_t out_len;
    uint32_t out_crc;
    uint32_t base_crc;
    uint32_t body_len;
};

struct tdm_delta_models {
    uint16_t num_len[TDM_DELTA_NUM_KINDS][TDM_DELTA_NUM_LEN_SYMS];
    uint16_t num_low[TDM_DELTA_NUM_KINDS][TDM_DELTA_NUM_LOW_CTX][4];
    uint16_t seek_sign;
    uint16_t rep[TDM_DELTA_REP_CTX];
    uint16_t diff[TDM_DELTA_DIFF_CTX][256];
    uint16_t lit[TDM_DELTA_LIT_CTX][256];
};

struct tdm_delta {
    struct tdm_delta_config cfg;
    struct tdm_delta_header hdr;
    struct tdm_delta_models m;
    int err;             /* sticky error */
    uint8_t state;       /* decoding step (decode.c) */
    uint8_t hdr_have;    /* header bytes collected */
    uint8_t last_diff;   /* last non-zero diff byte */
    uint8_t adjacent;    /* the last zero run was empty (two non-zero diff bytes in a row) */
    uint8_t nonzero;     /* a non-zero diff byte follows the current zero run */
    uint32_t range, code;
    uint32_t body_in;    /* body bytes received */
    uint32_t body_used;  /* body bytes consumed by the range decoder */
    uint32_t add_left, extra_left, zero_left;
    int64_t old_pos;     /* base position of the next add byte */
    uint32_t out_pos;    /* output bytes decoded */
    uint32_t crc;        /* CRC-32 of the output so far */
    uint32_t base_off;   /* base cache: offset and valid length */
    uint32_t base_have;
    uint16_t in_head, in_tail;
    uint16_t out_have;
    uint8_t prev;        /* last output byte */
    uint8_t hdr_raw[TDM_DELTA_HDR_LEN];
    uint8_t in[TDM_DELTA_IN_BUF];
    uint8_t base[TDM_DELTA_BASE_BUF];
    uint8_t out[TDM_DELTA_OUT_BUF];
};
_Static_assert(sizeof(struct tdm_delta) <= TDM_DELTA_RAM, "struct tdm_delta grew past its RAM bound");

/* Parse a patch header from its first TDM_DELTA_HDR_LEN bytes: 0, TDM_E_DELTA_MAGIC, TDM_E_DELTA_VERSION,
 * TDM_E_DELTA_CORRUPT (header CRC or field rules). */
int tdm_delta_header_parse(const uint8_t *buf, uint32_t len, struct tdm_delta_header *h);

/* Start decoding with cfg (read and write required: TDM_E_INVAL). */
int tdm_delta_init(struct tdm_delta *d, const struct tdm_delta_config *cfg);
/* Feed the next patch bytes. Returns 0 or the sticky error: TDM_E_DELTA_MAGIC / VERSION (header),
 * TDM_E_DELTA_BASE (the patch is for a base of another length), TDM_E_DELTA_TOO_BIG (output length
 * above cfg.out_max; both refused at the header, before any read or write), TDM_E_DELTA_CORRUPT (an instruction
 * outside the base or the output, a range coder past the body), TDM_E_DELTA_TRAILING (bytes after the
 * body), or an error of a callback. */
int tdm_delta_feed(struct tdm_delta *d, const uint8_t *data, uint32_t len);
/* End of the patch: 0 when every output byte was emitted and the output CRC-32 matches; else
 * TDM_E_DELTA_TRUNCATED (patch ended early), TDM_E_DELTA_OUTPUT (CRC mismatch: wrong base or corrupt
 * patch), or the sticky error. */
int tdm_delta_finish(struct tdm_delta *d);
/* Output bytes emitted through cfg.write so far. */
uint32_t tdm_delta_out_pos(const struct tdm_delta *d);
/* The header once the first 32 bytes are fed (NULL before). */
const struct tdm_delta_header *tdm_delta_header(const struct tdm_delta *d);

/* ---- delta packages (docs/DELTA.md "Delta package") ----
 * A delta package rebuilds one full tandem package from the installed (base) package: its header carries
 * the base's length and SHA-256 (the store's commit digest of the installed slot), the full package's
 * prefix (fixed header, manifest, signature block) verbatim, then per component either its bytes whole
 * or a patch against the whole base package. The reader checks the base identity and the output length
 * at the 64-byte header, before it reads or writes anything. RAM: TDM_DELTA_PKG_RAM. */
#define TDM_DELTA_PKG_MAGIC "TDMX"
#define TDM_DELTA_PKG_HDR_LEN 64
#define TDM_DELTA_PKG_ENTRY_LEN 8
#define TDM_DELTA_PKG_MAX_COMPONENTS 4
#define TDM_DELTA_PKG_RAM 8448 /* upper bound of sizeof(struct tdm_delta_pkg) */
#define TDM_DELTA_ENTRY_WHOLE 1
#define TDM_DELTA_ENTRY_PATCH 2

struct tdm_delta_pkg_header {
    uint32_t full_len;   /* bytes of the rebuilt package */
    uint32_t base_len;   /* bytes of the base package */
    uint8_t base_sha[32];
    uint32_t prefix_len; /* full package bytes [0, prefix_len) carried verbatim */
    uint8_t count;       /* component entries */
};

struct tdm_delta_pkg_config {
    tdm_delta_read_fn read; /* the base package (the installed slot) */
    void *read_ctx;
    tdm_delta_write_fn write; /* the rebuilt package, in order */
    void *write_ctx;
    uint32_t base_len;        /* the installed package's length */
    uint8_t base_sha[32];     /* and its SHA-256 */
    uint32_t out_max;         /* largest rebuilt package accepted (slot capacity); 0 = no limit */
};

struct tdm_delta_pkg {
    struct tdm_delta_pkg_config cfg;
    struct tdm_delta_pkg_header hdr;
    struct tdm_delta dec;
    int err;
    uint8_t state;     /* reader step (delta/package.c) */
    uint8_t comp;      /* entries done */
    uint8_t kind;      /* current entry's kind */
    uint8_t have;      /* bytes collected into raw */
    uint32_t left;     /* bytes left of the prefix or the current entry */
    uint32_t out;      /* rebuilt bytes emitted */
    uint32_t in;       /* delta package bytes taken */
    uint8_t raw[TDM_DELTA_PKG_HDR_LEN];
};
_Static_assert(sizeof(struct tdm_delta_pkg) <= TDM_DELTA_PKG_RAM, "struct tdm_delta_pkg grew past its bound");

/* Does buf start like a delta package? (4 bytes of magic) */
int tdm_delta_pkg_is(const uint8_t *buf, uint32_t len);
/* Parse the 64-byte header: 0, TDM_E_DELTA_MAGIC / VERSION / CORRUPT (CRC, field rules). */
int tdm_delta_pkg_header_parse(const uint8_t *buf, uint32_t len, struct tdm_delta_pkg_header *h);
/* Start reading with cfg (read and write required: TDM_E_INVAL). */
int tdm_delta_pkg_init(struct tdm_delta_pkg *p, const struct tdm_delta_pkg_config *cfg);
/* Feed the next delta package bytes (any chunking, sticky error). At the header: TDM_E_DELTA_BASE (another
 * base: length or SHA-256 differ), TDM_E_DELTA_TOO_BIG (full_len above out_max); nothing was read or
 * written then. Later: the patch decoder's errors, TDM_E_DELTA_CORRUPT (an entry of an unknown kind, or
 * outputs that do not add up to full_len), TDM_E_DELTA_TRAILING, callback errors. */
int tdm_delta_pkg_feed(struct tdm_delta_pkg *p, const uint8_t *data, uint32_t len);
/* End: 0 when all of full_len was emitted, else TDM_E_DELTA_TRUNCATED or the sticky error. */
int tdm_delta_pkg_finish(struct tdm_delta_pkg *p);
/* The header once read (NULL before). */
const struct tdm_delta_pkg_header *tdm_delta_pkg_header(const struct tdm_delta_pkg *p);

#endif
