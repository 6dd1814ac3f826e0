/* libFuzzer target: the delta patch decoder (delta/decode.c) on arbitrary patches and bases.
 * Input: u8 flags, u16 base length (LE, clipped to what follows), the base, then the patch. Flag bit 0:
 * rewrite the patch header's CRC first (so mutations reach the body); bits 1..7: feed chunk size - 1.
 * Checks beyond "no crash": every base read lies inside the base, output never passes the header's
 * output length, an accepted patch produced exactly that length, and feeding whole or in chunks ends with
 * the same result and the same output. Owns: the target. */
#include <stdlib.h>
#include <string.h>

#include "tandem/crc32.h"
#include "tandem/delta.h"
#include "tandem/err.h"
#include "tandem/le.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct io {
    const uint8_t *base;
    uint32_t base_len;
    uint32_t out_len, out_pos;
    uint32_t sum; /* a digest of the output, to compare two runs */
};

static int io_read(void *ctx, uint32_t off, uint8_t *buf, uint32_t len)
{
    struct io *io = ctx;
    if (len == 0 || off >= io->base_len || len > io->base_len - off) {
        abort();
    }
    memcpy(buf, io->base + off, len);
    return 0;
}

static int io_write(void *ctx, const uint8_t *buf, uint32_t len)
{
    struct io *io = ctx;
    if (len == 0 || len > io->out_len - io->out_pos) {
        abort();
    }
    io->out_pos += len;
    io->sum = tdm_crc32(io->sum, buf, len);
    return 0;
}

static int run(const uint8_t *base, uint32_t blen, const uint8_t *p, size_t plen, size_t chunk, struct io *io)
{
    static struct tdm_delta d;
    struct tdm_delta_header h;
    memset(io, 0, sizeof *io);
    io->base = base;
    io->base_len = blen;
    io->out_len = tdm_delta_header_parse(p, (uint32_t)plen, &h) == 0 ? h.out_len : 0;
    struct tdm_delta_config cfg = {io_read, io, io_write, io, blen, 1u << 16}; /* bounded work per input */
    if (tdm_delta_init(&d, &cfg) < 0) {
        abort();
    }
    int err = 0;
    for (size_t off = 0; err == 0 && off < plen; off += chunk) {
        size_t n = plen - off < chunk ? plen - off : chunk;
        err = tdm_delta_feed(&d, p + off, (uint32_t)n);
    }
    if (err == 0) {
        err = tdm_delta_finish(&d);
    }
    if (err == 0 && io->out_pos != io->out_len) {
        abort();
    }
    return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) {
        return 0;
    }
    uint8_t flags = data[0];
    size_t blen = tdm_get_le16(data + 1);
    blen = blen < size - 3 ? blen : size - 3;
    const uint8_t *base = data + 3;
    size_t plen = size - 3 - blen;
    uint8_t *p = malloc(plen ? plen : 1);
    if (p == NULL) {
        return 0;
    }
    memcpy(p, base + blen, plen);
    if ((flags & 1) && plen >= TDM_DELTA_HDR_LEN) {
        tdm_put_le32(p + 28, tdm_crc32(0, p, 28));
    }
    struct io a, b;
    int ea = run(base, (uint32_t)blen, p, plen, plen ? plen : 1, &a);
    int eb = run(base, (uint32_t)blen, p, plen, (size_t)(flags >> 1) + 1, &b);
    if (ea != eb || (ea == 0 && a.sum != b.sum)) {
        abort();
    }
    free(p);
    return 0;
}
