/* libFuzzer target: the net-boot stage fed arbitrary shared-window contents (include/tandem/xfer.h).
 * A fake network-core flash (64 KB at 0x01000000, 2 KB pages; the net slot is 0x01002000 + 32 KB) and a
 * fake IPC whose window the input fills before each poll. Checks beyond "no crash" (ASan also guards the
 * window, allocated to its exact size):
 *  - no read, write or erase outside the slot; writes only clear bits and only after an erase (the
 *    stage must respect the flash rules, as the silicon would fault or corrupt);
 *  - a WRITE whose data fails its CRC, a repeated sequence number, or an unreadable block touches no flash;
 *  - a HELLO answer names the slot.
 * Input: steps [flags][48-byte command block][2-byte length][that many bytes for the buffers]. flags bit 0:
 * the harness sets the magic and the block CRC (so the fuzzer explores the fields, not the CRC); bit 1:
 * it also sets the data CRC of a WRITE to the buffer's CRC. Owns: the target. */
#include <stdlib.h>
#include <string.h>

#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/le.h"
#include "tandem/xfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NF_BASE 0x01000000u
#define NF_SIZE (64u * 1024u)
#define NF_PAGE 2048u
#define NF_SLOT (NF_BASE + 0x2000u)
#define NF_SLOT_SIZE (32u * 1024u)
#define NF_CHUNK 2048u

struct fake {
    uint8_t flash[NF_SIZE];
    uint8_t written[NF_SIZE / 4]; /* writes of each word since its page's erase */
    uint32_t ops;                 /* flash operations (reads included) */
    uint32_t mutations;           /* writes and erases */
    int pending;
};

static void must_be_in_slot(uint32_t addr, uint32_t len)
{
    if (addr < NF_SLOT || len > NF_SLOT_SIZE || addr - NF_SLOT > NF_SLOT_SIZE - len) {
        abort(); /* the stage touched flash outside the network slot */
    }
}

static int f_geometry(void *ctx, struct tdm_flash_geometry *g)
{
    (void)ctx;
    *g = (struct tdm_flash_geometry){NF_BASE, NF_SIZE, NF_PAGE, 4, 2, 10000};
    return 0;
}

static int f_read(void *ctx, uint32_t addr, void *buf, uint32_t len)
{
    struct fake *f = ctx;
    must_be_in_slot(addr, len);
    f->ops++;
    memcpy(buf, f->flash + (addr - NF_BASE), len);
    return 0;
}

static int f_write(void *ctx, uint32_t addr, const void *buf, uint32_t len)
{
    struct fake *f = ctx;
    must_be_in_slot(addr, len);
    const uint8_t *b = buf;
    if (addr % 4 || len % 4) {
        abort(); /* unaligned word write: a fault on silicon */
    }
    for (uint32_t i = 0; i < len; i++) {
        uint8_t *p = f->flash + (addr - NF_BASE) + i;
        if ((*p & b[i]) != b[i]) {
            abort(); /* a write that would need a 0 -> 1 change: the page was not erased */
        }
        if (i % 4 == 0 && ++f->written[(addr - NF_BASE + i) / 4] > 1) {
            abort(); /* the stage writes each word once after an erase (flash_port.h) */
        }
        *p &= b[i];
    }
    f->ops++;
    f->mutations++;
    return 0;
}

static int f_erase(void *ctx, uint32_t addr)
{
    struct fake *f = ctx;
    must_be_in_slot(addr, NF_PAGE);
    if (addr % NF_PAGE) {
        abort();
    }
    memset(f->flash + (addr - NF_BASE), 0xFF, NF_PAGE);
    memset(f->written + (addr - NF_BASE) / 4, 0, NF_PAGE / 4);
    f->ops++;
    f->mutations++;
    return 0;
}

static int i_raise(void *ctx, uint32_t ch)
{
    (void)ctx;
    return ch < 16 ? 0 : TDM_E_RANGE;
}

static int i_take(void *ctx, uint32_t ch)
{
    struct fake *f = ctx;
    int got = ch == TDM_XFER_CH_CMD && f->pending;
    f->pending = 0;
    return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fake f;
    memset(&f, 0, sizeof f);
    for (uint32_t i = 0; i < NF_SIZE; i++) {
        f.flash[i] = (uint8_t)(i * 31u >> 3);
    }
    uint32_t wsize = tdm_xfer_window_need(NF_CHUNK);
    uint8_t *window = malloc(wsize);
    memset(window, 0xA5, wsize);
    struct tdm_netboot_config cfg = {
        .flash = {&f, f_geometry, f_read, f_write, f_erase},
        .ipc = {.ctx = &f, .window = window, .window_size = wsize, .raise = i_raise, .take = i_take},
        .crypto = tdm_host_crypto(),
        .slot_addr = NF_SLOT,
        .slot_size = NF_SLOT_SIZE,
        .chunk = NF_CHUNK,
    };
    static struct tdm_netboot nb;
    if (tdm_netboot_init(&nb, &cfg) < 0) {
        abort();
    }
    size_t i = 0;
    while (i + 1 + TDM_XFER_BLOCK_LEN + 2 <= size) {
        uint8_t flags = data[i];
        uint8_t *cmd = window + TDM_XFER_CMD_OFF;
        memcpy(cmd, data + i + 1, TDM_XFER_BLOCK_LEN);
        uint32_t n = tdm_get_le16(data + i + 1 + TDM_XFER_BLOCK_LEN);
        i += 1 + TDM_XFER_BLOCK_LEN + 2;
        n = n < size - i ? n : (uint32_t)(size - i);
        n = n < 2 * NF_CHUNK ? n : 2 * NF_CHUNK;
        memcpy(window + TDM_XFER_BUF_OFF, data + i, n);
        i += n;
        if (flags & 1) {
            if ((flags & 2) && cmd[8] == TDM_XFER_WRITE) { /* layout: docs/PROTOCOL.md */
                uint32_t len = tdm_get_le32(cmd + 20);
                uint32_t at = TDM_XFER_BUF_OFF + (cmd[9] & 1u) * NF_CHUNK;
                if (len <= NF_CHUNK) {
                    tdm_put_le32(cmd + 24, tdm_crc32(0, window + at, len));
                }
            }
            tdm_put_le32(cmd, TDM_XFER_CMD_MAGIC);
            tdm_put_le32(cmd + 44, tdm_crc32(0, cmd, 44));
        }
        struct tdm_xfer_msg m;
        int readable = tdm_xfer_decode(cmd, TDM_XFER_CMD_MAGIC, &m) == 0;
        int repeat = readable && nb.have_last && m.seq == nb.last_seq;
        int bad_data = readable && m.cmd == TDM_XFER_WRITE &&
                       (m.len > NF_CHUNK || tdm_crc32(0, window + TDM_XFER_BUF_OFF + (m.buf & 1u) * NF_CHUNK,
                                                      m.len) != m.value);
        uint32_t before = f.mutations;
        f.pending = 1;
        int got = tdm_netboot_poll(&nb);
        if (got != 1) {
            abort(); /* a pending command is always consumed; no port here fails */
        }
        if ((!readable || repeat || bad_data) && f.mutations != before) {
            abort(); /* flash changed for a command that must not execute */
        }
        struct tdm_xfer_msg r;
        if (readable && !repeat && m.cmd == TDM_XFER_HELLO &&
            (tdm_xfer_decode(window + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r) < 0 || r.status != 0 ||
             r.addr != NF_SLOT || r.len != NF_SLOT_SIZE)) {
            abort();
        }
    }
    free(window);
    return 0;
}
