/* Internal interfaces between the files of the bootloader core (boot/). Not a public header.
 * Owns: the description of an install source (which bytes of a store slot go where, and the digests
 * they must match). Never: used outside boot/. */
#ifndef TANDEM_BOOT_PRIV_H
#define TANDEM_BOOT_PRIV_H

#include "tandem/boot.h"

#define TDM_CAPTURE_HDR_LEN 92 /* magic 4 | format u32 | app_len u32 | net_len u32 | app sha 32 | net sha 32 | version 8 | crc u32 */

/* The capture header (docs/BOOT.md), decoded. */
struct tdm_capture_hdr {
    uint32_t app_len, net_len;
    uint8_t sha[2][TDM_SHA256_LEN]; /* [0] application image, [1] network image */
    struct tdm_version version;     /* the application image's version */
};
/* Encode / decode the one header format. Decode: TDM_E_CORRUPT for a wrong magic, format or CRC. */
void tdm_boot_x_capture_encode(const struct tdm_capture_hdr *c, uint8_t out[TDM_CAPTURE_HDR_LEN]);
int tdm_boot_x_capture_decode(const uint8_t in[TDM_CAPTURE_HDR_LEN], struct tdm_capture_hdr *c);
/* Does a slot's content start with the capture magic? */
int tdm_boot_x_is_capture_magic(const uint8_t magic[4]);

/* A byte range of one image and the SHA-256 it must have. */
struct tdm_boot_range {
    uint32_t off, len;
    uint8_t sha[TDM_SHA256_LEN];
};

/* One image of a source: where it is in the slot, and its digests (ranges cover [0, len) exactly). */
struct tdm_boot_image {
    uint32_t off, len;
    uint8_t nranges;
    struct tdm_boot_range r[2];
};

struct tdm_boot_source {
    uint8_t slot;
    uint8_t is_capture;
    struct tdm_boot_image img[2]; /* 0 application core, 1 network core */
    struct tdm_version version;   /* set version (a capture: the application image's version) */
    uint32_t counter;             /* security counter of the set (a capture: 0) */
};

/* Describe and verify the content of `slot`: a signed package (full tdm_pkg_check against the policy:
 * keys, hardware id, counter >= min_counter, version >= min_version) or a capture (header CRC).
 * Returns 0 or the verification error. */
int tdm_boot_x_source(struct tdm_boot *b, unsigned slot, uint32_t min_counter, const struct tdm_version *min_version,
                    struct tdm_boot_source *src);

/* Copy the running images (app flash, net flash through the net-boot stage) into `slot` and commit it.
 * Returns 0, TDM_E_BOOT_NO_IMAGE (no valid image to capture), store and port errors. */
int tdm_boot_x_capture(struct tdm_boot *b, unsigned slot);

/* Does `slot` hold committed content of generation `gen`? */
int tdm_boot_x_slot_holds(struct tdm_boot *b, unsigned slot, uint32_t gen);

/* Make sure the installed set has a copy in NAND before internal flash is touched: its slot, or (first
 * update) a capture into the slot that is not the candidate's; b->st says which. Returns 0 or an error. */
int tdm_boot_x_ensure_backup(struct tdm_boot *b);

/* The install steps; each is idempotent (pages that already match are left alone). */
int tdm_boot_x_copy_app(struct tdm_boot *b, const struct tdm_boot_source *src);
int tdm_boot_x_copy_net(struct tdm_boot *b, const struct tdm_boot_source *src);
/* Both at once: the net core programs each chunk while the app core programs its share of app pages. */
int tdm_boot_x_copy_both(struct tdm_boot *b, const struct tdm_boot_source *src);
int tdm_boot_x_verify(struct tdm_boot *b, const struct tdm_boot_source *src);

/* Record (journal, TDM_BOOT_IMAGES_TYPE) that internal flash now holds src's images, installed from the
 * content `gen` of src->slot: called right after tdm_boot_x_verify passed. Returns 0 or a store error. */
int tdm_boot_x_images_record(struct tdm_boot *b, const struct tdm_boot_source *src, uint32_t gen);

/* Verify at boot: hash both installed images and compare with the images record of (slot, gen); without
 * one, take the digests from the slot (full check) and record them. Returns 1 verified (rep.verified),
 * 0 nothing to compare with or the check could not run (boot as is), TDM_E_BOOT_VERIFY (flash differs).
 * A power cut stops it where it stands (no error to recognise). */
int tdm_boot_x_check_installed(struct tdm_boot *b, unsigned slot, uint32_t gen);

/* SHA-256 of [addr, addr+len) of app flash, read through the copy buffer. */
int tdm_boot_x_hash_app(struct tdm_boot *b, uint32_t addr, uint32_t len, uint8_t out[TDM_SHA256_LEN]);

/* Open the transfer channel to the net-boot stage once per run. */
int tdm_boot_x_xfer(struct tdm_boot *b);

/* Reader of one flash as the bootloader sees it (app flash directly, net flash through the stage). */
typedef int (*tdm_boot_read_fn)(struct tdm_boot *b, uint32_t addr, void *buf, uint32_t len);
/* Length and version of the MCUboot image at `base` (header + unprotected TLV info, read through `read`).
 * TDM_E_BOOT_NO_IMAGE when there is no valid image header. */
int tdm_boot_x_image_len(struct tdm_boot *b, tdm_boot_read_fn read, uint32_t base, uint32_t slot_size,
                       uint32_t *len, struct tdm_version *version);

#endif
