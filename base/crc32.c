/* CRC-32 of include/tandem/crc32.h. Owns: the checksum. Never: a second CRC variant.
 * Half-byte table: 16 words (64 bytes of flash), two lookups per byte; about 4x the speed of the
 * bit-by-bit loop for 1/16 of the size of the usual 1 KB table. */
#include "tandem/crc32.h"

static const uint32_t tdm_crc32_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
    0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu, 0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t tdm_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ tdm_crc32_nibble[crc & 0x0Fu];
        crc = (crc >> 4) ^ tdm_crc32_nibble[crc & 0x0Fu];
    }
    return ~crc;
}
