/* CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, init 0xFFFFFFFF, final xor 0xFFFFFFFF),
 * the one CRC of the project. tdm_crc32(0, "123456789", 9) == 0xCBF43926.
 * Chain calls by passing the previous result as `crc`. A 64-byte half-byte table (no 1 KB table in flash). */
#ifndef TANDEM_CRC32_H
#define TANDEM_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t tdm_crc32(uint32_t crc, const void *data, size_t len);

#endif
