/* The check of the installed set at boot (docs/BOOT.md, "Verify at boot"): the images record, one
 * journal record type (TDM_BOOT_IMAGES_TYPE) that says which digests internal flash must match, written
 * when an install, a rollback or a repair has just verified them; and the check itself, the same hashing
 * as the install's final verify (app flash hashed here, net flash through the net-boot stage's HASH).
 *
 * Record format 1, 152 bytes, little-endian:
 *   0 format u8 (1) | 1 slot u8 | 2 reserved u16 (0) | 4 gen u32 (the store generation installed from)
 *   8 application image: len u32 | first range len u32 | SHA-256 of range 0 (32) | of range 1 (32, or 0)
 *   80 network image: the same 72 bytes.
 * A second range exists when the first is shorter than the image (a package: the MCUboot hashed range,
 * then the TLV area); a capture has one range.
 *
 * Owns: the record format and the decision "verified / mismatch / nothing to compare with". Never:
 * writes internal flash (a mismatch is repaired by boot.c through the journaled install steps), or
 * reports a set as verified that it did not hash in this run.
 */
#include "boot_priv.h"
#include "tandem/err.h"
#include "tandem/le.h"

#define IMAGES_FORMAT 1
#define IMAGES_LEN 152
#define IMAGE_BYTES 72 /* len, first range len, two digests */

static void copy(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

int tdm_boot_x_images_record(struct tdm_boot *b, const struct tdm_boot_source *src, uint32_t gen)
{
    uint8_t rec[IMAGES_LEN] = {0};
    rec[0] = IMAGES_FORMAT;
    rec[1] = src->slot;
    tdm_put_le32(rec + 4, gen);
    for (unsigned core = 0; core < 2; core++) {
        const struct tdm_boot_image *img = &src->img[core];
        uint8_t *p = rec + 8 + IMAGE_BYTES * core;
        tdm_put_le32(p, img->len);
        tdm_put_le32(p + 4, img->r[0].len);
        for (unsigned k = 0; k < img->nranges; k++) {
            copy(p + 8 + 32 * k, img->r[k].sha, TDM_SHA256_LEN);
        }
    }
    return tdm_store_journal_append(&b->store, TDM_BOOT_IMAGES_TYPE, rec, sizeof rec);
}

/* The record for (slot, gen) as a source (ranges and digests only). 0, or TDM_E_NOT_FOUND when the latest
 * record is missing, describes other content, or does not decode. */
static int load_record(struct tdm_boot *b, unsigned slot, uint32_t gen, struct tdm_boot_source *src)
{
    uint8_t rec[IMAGES_LEN];
    int n = tdm_store_journal_latest(&b->store, TDM_BOOT_IMAGES_TYPE, rec, sizeof rec, 0);
    if (n != IMAGES_LEN || rec[0] != IMAGES_FORMAT || rec[1] != slot || tdm_get_le32(rec + 4) != gen) {
        return TDM_E_NOT_FOUND;
    }
    const uint32_t max[2] = {b->cfg.layout.app_slot.size, b->cfg.layout.net_slot.size};
    src->slot = (uint8_t)slot;
    for (unsigned core = 0; core < 2; core++) {
        const uint8_t *p = rec + 8 + IMAGE_BYTES * core;
        struct tdm_boot_image *img = &src->img[core];
        img->off = 0;
        img->len = tdm_get_le32(p);
        uint32_t first = tdm_get_le32(p + 4);
        if (img->len > max[core] || first > img->len) {
            return TDM_E_NOT_FOUND;
        }
        img->nranges = first < img->len ? 2 : 1;
        img->r[0].off = 0;
        img->r[0].len = first;
        img->r[1].off = first;
        img->r[1].len = img->len - first;
        copy(img->r[0].sha, p + 8, TDM_SHA256_LEN);
        copy(img->r[1].sha, p + 40, TDM_SHA256_LEN);
    }
    return 0;
}

int tdm_boot_x_check_installed(struct tdm_boot *b, unsigned slot, uint32_t gen)
{
    struct tdm_boot_source src;
    int err = load_record(b, slot, gen, &src);
    if (err == TDM_E_NOT_FOUND) {
        /* Installed before this record existed: take the digests from the slot itself, fully checked
         * (signature included), once, and record them for the next boots. */
        static const struct tdm_version any = {0, 0, 0, 0};
        if (tdm_boot_x_source(b, slot, 0, &any, &src) < 0) {
            return 0; /* nothing trustworthy to compare with */
        }
        err = tdm_boot_x_images_record(b, &src, gen);
    }
    err = err < 0 ? err : tdm_boot_x_verify(b, &src);
    if (err == TDM_E_BOOT_VERIFY) {
        return err;
    }
    b->rep.verified = err >= 0;
    return err < 0 ? 0 : 1;
}
