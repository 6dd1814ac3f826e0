/* libFuzzer target: the streaming package parser and the bootloader's reader check on arbitrary bytes.
 * Checks beyond "no crash": fed whole, fed in input-derived chunks and read through tdm_pkg_check, the
 * result is the same; an accepted package's components lie inside it. Signatures go through the fuzz-only
 * port (fuzz_crypto.h: the seeds' marker passes, so mutated manifests get past the check).
 * Owns: the target. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_crypto.h"
#include "fuzz_key.h"
#include "tandem/err.h"
#include "tandem/pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
    const uint8_t *b;
    size_t n;
};

static int mem_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    const struct mem *m = ctx;
    if ((size_t)off + len > m->n) {
        return TDM_E_PKG_TRUNCATED;
    }
    memcpy(buf, m->b + off, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tdm_pkg_parser a, b, c;
    struct tdm_crypto_ops ops = tdm_fuzz_crypto();
    struct tdm_pkg_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ops = &ops;
    cfg.keys = tdm_fuzz_key;
    cfg.nkeys = 1;
    cfg.hw_id = 0x5340;
    cfg.comp_max[1] = cfg.comp_max[2] = 1u << 20;
    cfg.required = 6;
    cfg.bootloader_version = (struct tdm_version){255, 255, 65535, 0xffffffffu};
    cfg.image_sig = size > 0 ? (enum tdm_pkg_image_sig)(data[size - 1] % 3) : TDM_PKG_IMAGE_SIG_IGNORE;
    if (size > UINT32_MAX) {
        return 0;
    }
    int ea = tdm_pkg_parser_init(&a, &cfg);
    if (ea == 0) {
        ea = tdm_pkg_feed(&a, data, (uint32_t)size);
    }
    if (ea == 0) {
        ea = tdm_pkg_finish(&a);
    }
    size_t step = size ? 1 + data[0] % 61 : 1;
    int eb = tdm_pkg_parser_init(&b, &cfg);
    for (size_t off = 0; eb == 0 && off < size; off += step) {
        eb = tdm_pkg_feed(&b, data + off, (uint32_t)(size - off < step ? size - off : step));
    }
    if (eb == 0) {
        eb = tdm_pkg_finish(&b);
    }
    if (ea != eb) {
        abort(); /* chunking must not change the verdict */
    }
    struct mem m = {data, size};
    uint8_t buf[13];
    int ec = tdm_pkg_check(&c, &cfg, mem_read, &m, buf, sizeof buf);
    /* the reader check never reads past the package; it sees no trailing data, so it may accept a
     * prefix the stream refused as trailing, and nothing else */
    if ((ec == 0) != (ea == 0) && !(ec == 0 && ea == TDM_E_PKG_TRAILING)) {
        abort();
    }
    if (ea == 0) {
        const struct tdm_pkg_manifest *man = tdm_pkg_manifest(&a);
        if (!man || man->total_size != size) {
            abort();
        }
        for (unsigned i = 0; i < man->count; i++) {
            if ((uint64_t)man->comp[i].offset + man->comp[i].size > size || !man->comp[i].done) {
                abort();
            }
        }
    }
    cfg.inspect = 1;
    (void)tdm_pkg_parser_init(&c, &cfg);
    (void)tdm_pkg_feed(&c, data, (uint32_t)size);
    (void)tdm_pkg_finish(&c);
    return 0;
}
