/* Capture of the running set: the first time an update is installed there is no package of the running
 * images in NAND, so the bootloader copies them there (the network image read back through the net-boot
 * stage) before it touches internal flash. Later updates keep the installed package instead.
 *
 * Owns: the decision to capture (tdm_boot_x_ensure_backup) and writing the capture format (docs/BOOT.md:
 * "TDMC", format 1, lengths, SHA-256 of each image, the application's version, CRC-32 of the header; then
 * the application image, then the network image).
 * Never: writes internal flash, or commits a capture whose images it did not hash from flash first.
 */
#include "boot_priv.h"
#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/le.h"

static int read_app(struct tdm_boot *b, uint32_t addr, void *buf, uint32_t len)
{
    return b->cfg.app_flash.read(b->cfg.app_flash.ctx, addr, buf, len);
}

static int read_net(struct tdm_boot *b, uint32_t addr, void *buf, uint32_t len)
{
    int err = tdm_xfer_read(&b->xfer, 0, addr, len);
    if (err < 0) {
        return err;
    }
    const uint8_t *w = tdm_xfer_buffer(&b->xfer, 0);
    uint8_t *d = buf;
    for (uint32_t i = 0; i < len; i++) {
        d[i] = w[i];
    }
    return 0;
}

int tdm_boot_x_image_len(struct tdm_boot *b, tdm_boot_read_fn read, uint32_t base, uint32_t slot_size, uint32_t *len,
                       struct tdm_version *version)
{
    uint8_t h[TDM_MCUBOOT_HDR_LEN], info[4];
    struct tdm_mcuboot_header hdr;
    int err = read(b, base, h, sizeof h);
    if (err < 0) {
        return err;
    }
    if (tdm_mcuboot_parse_header(h, &hdr) < 0) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    uint64_t info_off = (uint64_t)hdr.hdr_size + hdr.img_size + hdr.prot_size;
    if (info_off + 4 > slot_size) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    err = read(b, base + (uint32_t)info_off, info, sizeof info);
    if (err < 0) {
        return err;
    }
    if (tdm_mcuboot_total_len(&hdr, info, len) < 0 || *len > slot_size) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    *version = hdr.version;
    return 0;
}

/* Append [addr, addr+len) of a flash to the slot being written, in chunks. */
static int append(struct tdm_boot *b, tdm_boot_read_fn read, uint32_t addr, uint32_t len, uint32_t chunk)
{
    for (uint32_t off = 0; off < len; off += chunk) {
        uint32_t n = len - off < chunk ? len - off : chunk;
        int err = read(b, addr + off, b->buf, n);
        err = err < 0 ? err : tdm_store_write(&b->store, b->buf, n);
        if (err < 0) {
            return err;
        }
    }
    return 0;
}

int tdm_boot_x_is_capture_magic(const uint8_t magic[4])
{
    return magic[0] == 'T' && magic[1] == 'D' && magic[2] == 'M' && magic[3] == 'C';
}

void tdm_boot_x_capture_encode(const struct tdm_capture_hdr *c, uint8_t out[TDM_CAPTURE_HDR_LEN])
{
    for (unsigned i = 0; i < TDM_CAPTURE_HDR_LEN; i++) {
        out[i] = 0;
    }
    out[0] = 'T';
    out[1] = 'D';
    out[2] = 'M';
    out[3] = 'C';
    tdm_put_le32(out + 4, 1);
    tdm_put_le32(out + 8, c->app_len);
    tdm_put_le32(out + 12, c->net_len);
    for (unsigned i = 0; i < TDM_SHA256_LEN; i++) {
        out[16 + i] = c->sha[0][i];
        out[48 + i] = c->sha[1][i];
    }
    tdm_version_put(out + 80, &c->version);
    tdm_put_le32(out + 88, tdm_crc32(0, out, 88));
}

int tdm_boot_x_capture_decode(const uint8_t in[TDM_CAPTURE_HDR_LEN], struct tdm_capture_hdr *c)
{
    if (!tdm_boot_x_is_capture_magic(in) || tdm_get_le32(in + 4) != 1 || tdm_get_le32(in + 88) != tdm_crc32(0, in, 88)) {
        return TDM_E_CORRUPT;
    }
    c->app_len = tdm_get_le32(in + 8);
    c->net_len = tdm_get_le32(in + 12);
    for (unsigned i = 0; i < TDM_SHA256_LEN; i++) {
        c->sha[0][i] = in[16 + i];
        c->sha[1][i] = in[48 + i];
    }
    tdm_version_get(in + 80, &c->version);
    return 0;
}

int tdm_boot_x_capture(struct tdm_boot *b, unsigned slot)
{
    const struct tdm_layout *l = &b->cfg.layout;
    struct tdm_capture_hdr c;
    struct tdm_version net_ver;
    uint8_t h[TDM_CAPTURE_HDR_LEN];
    int err = tdm_boot_x_xfer(b);
    err = err < 0 ? err
                  : tdm_boot_x_image_len(b, read_app, l->app_slot.addr, l->app_slot.size, &c.app_len, &c.version);
    err = err < 0 ? err
                  : tdm_boot_x_image_len(b, read_net, b->xfer.slot_addr, b->xfer.slot_size, &c.net_len, &net_ver);
    err = err < 0 ? err : tdm_boot_x_hash_app(b, l->app_slot.addr, c.app_len, c.sha[0]);
    err = err < 0 ? err : tdm_xfer_hash(&b->xfer, b->xfer.slot_addr, c.net_len, c.sha[1]);
    if (err < 0) {
        return err;
    }
    tdm_boot_x_capture_encode(&c, h);
    uint32_t app_len = c.app_len, net_len = c.net_len;
    err = tdm_store_open(&b->store, slot);
    err = err < 0 ? err : tdm_store_write(&b->store, h, sizeof h);
    err = err < 0 ? err : append(b, read_app, l->app_slot.addr, app_len, sizeof b->buf);
    err = err < 0 ? err : append(b, read_net, b->xfer.slot_addr, net_len, b->xfer.chunk);
    err = err < 0 ? err : tdm_store_commit(&b->store, TDM_CAPTURE_HDR_LEN + app_len + net_len, 0);
    if (err < 0) {
        return err;
    }
    b->rep.captured = 1;
    return 0;
}

int tdm_boot_x_slot_holds(struct tdm_boot *b, unsigned slot, uint32_t gen)
{
    struct tdm_store_slot_info si;
    return slot < TDM_STORE_SLOTS && tdm_store_slot_info(&b->store, slot, &si) == 0 &&
           si.state == TDM_STORE_COMMITTED && si.gen == gen;
}

/* Make sure the running set has a copy in NAND before internal flash is touched. */
int tdm_boot_x_ensure_backup(struct tdm_boot *b)
{
    if (b->st.inst_slot != TDM_STORE_NONE && tdm_boot_x_slot_holds(b, b->st.inst_slot, b->st.inst_gen)) {
        return 0;
    }
    unsigned other = b->st.cand_slot == TDM_STORE_SLOT_A ? TDM_STORE_SLOT_B : TDM_STORE_SLOT_A;
    int err = tdm_boot_x_capture(b, other);
    if (err == TDM_E_BOOT_NO_IMAGE) {
        b->st.inst_slot = TDM_STORE_NONE; /* a blank device: nothing to keep */
        return 0;
    }
    struct tdm_boot_source cap;
    static const struct tdm_version any = {0, 0, 0, 0};
    err = err < 0 ? err : tdm_boot_x_source(b, other, 0, &any, &cap);
    if (err < 0) {
        return err;
    }
    struct tdm_store_slot_info si;
    err = tdm_store_slot_info(&b->store, other, &si);
    if (err < 0) {
        return err;
    }
    b->st.inst_slot = (uint8_t)other;
    b->st.inst_gen = si.gen;
    b->st.inst_version = cap.version;
    return 0;
}
