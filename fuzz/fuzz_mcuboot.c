/* libFuzzer target: the MCUboot image parser (header, TLV areas, DER signature, signature check) on
 * arbitrary bytes. Checks beyond "no crash": every TLV reported lies inside the image. Signatures go
 * through the fuzz-only port (fuzz_crypto.h). Owns: the target. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_crypto.h"
#include "fuzz_key.h"
#include "tandem/err.h"
#include "tandem/mcuboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bound {
    uint32_t size;
};

static void in_bounds(void *ctx, int prot, uint16_t type, uint32_t off, const uint8_t *val, uint16_t len)
{
    const struct bound *b = ctx;
    (void)prot;
    (void)type;
    (void)val;
    if ((uint64_t)off + 4 + len > b->size) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tdm_crypto_ops ops = tdm_fuzz_crypto();
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN], raw[TDM_P256_SIG_LEN];
    if (size > UINT32_MAX) {
        return 0;
    }
    (void)tdm_mcuboot_sig_raw(data, (uint16_t)(size > 0xffff ? 0xffff : size), raw);
    int err = tdm_mcuboot_verify(&ops, data, (uint32_t)size, &img, hash);
    if (size >= TDM_MCUBOOT_HDR_LEN) {
        struct tdm_mcuboot_header h;
        if (tdm_mcuboot_parse_header(data, &h) == 0) {
            uint32_t tlv = (uint32_t)h.hdr_size + h.img_size;
            if (tlv <= size) {
                struct bound b = {(uint32_t)size};
                (void)tdm_mcuboot_parse_tlvs(&h, data + tlv, (uint32_t)size - tlv, &img, in_bounds, &b);
            }
        }
    }
    if (err == 0) {
        uint8_t id[1][TDM_SHA256_LEN];
        if (tdm_mcuboot_key_hash(&ops, tdm_fuzz_key[0], id[0]) == 0) {
            (void)tdm_mcuboot_check_sig(&ops, &img, hash, tdm_fuzz_key, (const uint8_t(*)[TDM_SHA256_LEN])id, 1);
        }
    }
    return 0;
}
