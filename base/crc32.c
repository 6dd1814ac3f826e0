/* CRC-32 of include/tandem/crc32.h. Owns: the checksum. Never: a second CRC variant. */
#include "tandem/crc32.h"

uint32_t tdm_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}
