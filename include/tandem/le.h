/* Little-endian field helpers for every on-flash and on-wire structure.
 * Owns: byte order. Never: packed structs, memcpy of a struct, or unaligned pointer casts. */
#ifndef TANDEM_LE_H
#define TANDEM_LE_H

#include <stdint.h>

static inline uint16_t tdm_get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t tdm_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t tdm_get_le64(const uint8_t *p)
{
    return (uint64_t)tdm_get_le32(p) | ((uint64_t)tdm_get_le32(p + 4) << 32);
}

static inline void tdm_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void tdm_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void tdm_put_le64(uint8_t *p, uint64_t v)
{
    tdm_put_le32(p, (uint32_t)v);
    tdm_put_le32(p + 4, (uint32_t)(v >> 32));
}

#endif
