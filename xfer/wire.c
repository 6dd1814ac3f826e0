/* Command and response blocks of the transfer protocol (include/tandem/xfer.h, docs/PROTOCOL.md).
 * Owns: the byte layout of a block and its CRC. Never: accepts a block whose magic or CRC is wrong.
 *
 *   0 magic u32 | 4 seq u32 | 8 cmd u8 | 9 buf u8 | 10 reserved u16 (0) | 12 status i32 | 16 addr u32
 *   20 len u32 | 24 value u32 | 28 aux u32 | 32 aux2 u32 | 36 reserved u32 (0) | 40 reserved u32 (0)
 *   44 CRC-32 of bytes 0..43
 */
#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/le.h"
#include "tandem/xfer.h"

void tdm_xfer_encode(uint8_t b[TDM_XFER_BLOCK_LEN], uint32_t magic, const struct tdm_xfer_msg *m)
{
    for (unsigned i = 0; i < TDM_XFER_BLOCK_LEN; i++) {
        b[i] = 0;
    }
    tdm_put_le32(b + 0, magic);
    tdm_put_le32(b + 4, m->seq);
    b[8] = m->cmd;
    b[9] = m->buf;
    tdm_put_le32(b + 12, (uint32_t)m->status);
    tdm_put_le32(b + 16, m->addr);
    tdm_put_le32(b + 20, m->len);
    tdm_put_le32(b + 24, m->value);
    tdm_put_le32(b + 28, m->aux);
    tdm_put_le32(b + 32, m->aux2);
    tdm_put_le32(b + 44, tdm_crc32(0, b, 44));
}

int tdm_xfer_decode(const uint8_t b[TDM_XFER_BLOCK_LEN], uint32_t magic, struct tdm_xfer_msg *m)
{
    if (tdm_get_le32(b) != magic || tdm_get_le32(b + 44) != tdm_crc32(0, b, 44) || tdm_get_le16(b + 10) != 0 ||
        tdm_get_le32(b + 36) != 0 || tdm_get_le32(b + 40) != 0) {
        return TDM_E_BOOT_PROTO;
    }
    m->seq = tdm_get_le32(b + 4);
    m->cmd = b[8];
    m->buf = b[9];
    m->status = (int32_t)tdm_get_le32(b + 12);
    m->addr = tdm_get_le32(b + 16);
    m->len = tdm_get_le32(b + 20);
    m->value = tdm_get_le32(b + 24);
    m->aux = tdm_get_le32(b + 28);
    m->aux2 = tdm_get_le32(b + 32);
    return 0;
}
