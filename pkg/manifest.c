/* Package manifest: decoding its TLVs and holding them against a device's policy (include/tandem/pkg.h,
 * docs/FORMAT.md "Manifest").
 * Owns: the meaning of every manifest field. Never: signature checks (parser.c), allocation. */
#include <string.h>

#include "tandem/err.h"
#include "tandem/le.h"
#include "tandem/pkg.h"

#define SEEN_SET_VERSION 0x1u
#define SEEN_SEC_COUNTER 0x2u
#define SEEN_HW_ID 0x4u
#define SEEN_MIN_BL 0x8u
#define SEEN_ALL 0xfu

static int decode_component(const uint8_t *v, struct tdm_pkg_manifest *m)
{
    if (m->count >= TDM_PKG_MAX_COMPONENTS) {
        return TDM_E_PKG_MALFORMED;
    }
    struct tdm_pkg_component *c = &m->comp[m->count];
    memset(c, 0, sizeof *c);
    c->id = v[0];
    c->slot = v[1];
    c->flags = tdm_get_le16(v + 2);
    c->size = tdm_get_le32(v + 4);
    c->load_addr = tdm_get_le32(v + 8);
    tdm_version_get(v + 12, &c->version);
    memcpy(c->hash, v + 20, TDM_SHA256_LEN);
    memcpy(c->tlv_hash, v + 52, TDM_SHA256_LEN);
    if (c->flags & ~TDM_PKG_CF_KNOWN) {
        return TDM_E_PKG_CRITICAL;
    }
    if (c->id == 0 || c->id > TDM_PKG_MAX_ID) {
        return TDM_E_PKG_COMPONENT;
    }
    /* smallest MCUboot image: 32-byte header + empty unprotected TLV info */
    if (c->size < TDM_MCUBOOT_HDR_LEN + 4) {
        return TDM_E_PKG_MALFORMED;
    }
    for (unsigned i = 0; i < m->count; i++) {
        if (m->comp[i].id == c->id) {
            return TDM_E_PKG_DUPLICATE;
        }
    }
    m->count++;
    return 0;
}

static int decode_one(uint16_t type, const uint8_t *v, uint16_t len, struct tdm_pkg_manifest *m, unsigned *seen)
{
    unsigned bit = 0;
    uint16_t want = 0;
    switch (type) {
    case TDM_PKG_T_SET_VERSION:
        bit = SEEN_SET_VERSION;
        want = 8;
        break;
    case TDM_PKG_T_SEC_COUNTER:
        bit = SEEN_SEC_COUNTER;
        want = 4;
        break;
    case TDM_PKG_T_HW_ID:
        bit = SEEN_HW_ID;
        want = 4;
        break;
    case TDM_PKG_T_MIN_BOOTLOADER:
        bit = SEEN_MIN_BL;
        want = 8;
        break;
    case TDM_PKG_T_COMPONENT:
        if (len != TDM_PKG_COMPONENT_LEN) {
            return TDM_E_PKG_MALFORMED;
        }
        return decode_component(v, m);
    case TDM_PKG_T_NOTE:
        m->note_len = (uint8_t)(len < sizeof m->note ? len : sizeof m->note);
        memcpy(m->note, v, m->note_len);
        return 0;
    default:
        return (type & TDM_PKG_T_OPTIONAL) ? 0 : TDM_E_PKG_CRITICAL;
    }
    if (len != want || (*seen & bit)) {
        return TDM_E_PKG_MALFORMED;
    }
    *seen |= bit;
    if (bit == SEEN_SET_VERSION) {
        tdm_version_get(v, &m->set_version);
    } else if (bit == SEEN_SEC_COUNTER) {
        m->sec_counter = tdm_get_le32(v);
    } else if (bit == SEEN_HW_ID) {
        m->hw_id = tdm_get_le32(v);
    } else {
        tdm_version_get(v, &m->min_bootloader);
    }
    return 0;
}

int tdm_pkg_manifest_decode(const uint8_t *buf, uint32_t len, struct tdm_pkg_manifest *m)
{
    unsigned seen = 0;
    uint32_t p = 0;
    m->count = 0;
    m->note_len = 0;
    while (p < len) {
        if (len - p < 4) {
            return TDM_E_PKG_MALFORMED;
        }
        uint16_t type = tdm_get_le16(buf + p);
        uint16_t n = tdm_get_le16(buf + p + 2);
        if (len - p - 4 < n) {
            return TDM_E_PKG_MALFORMED;
        }
        int err = decode_one(type, buf + p + 4, n, m, &seen);
        if (err < 0) {
            return err;
        }
        p += 4u + n;
    }
    if (seen != SEEN_ALL || m->count == 0) {
        return TDM_E_PKG_MISSING;
    }
    return 0;
}

int tdm_pkg_manifest_policy(const struct tdm_pkg_manifest *m, const struct tdm_pkg_config *cfg)
{
    if (m->hw_id != cfg->hw_id) {
        return TDM_E_PKG_HW_ID;
    }
    if (m->sec_counter < cfg->min_counter || tdm_version_cmp(&m->set_version, &cfg->current_version) < 0) {
        return TDM_E_PKG_DOWNGRADE;
    }
    if (tdm_version_cmp(&m->min_bootloader, &cfg->bootloader_version) > 0) {
        return TDM_E_PKG_BOOTLOADER;
    }
    uint32_t present = 0;
    for (unsigned i = 0; i < m->count; i++) {
        const struct tdm_pkg_component *c = &m->comp[i];
        if (cfg->comp_max[c->id] == 0) {
            return TDM_E_PKG_COMPONENT;
        }
        if (c->size > cfg->comp_max[c->id]) {
            return TDM_E_PKG_TOO_BIG;
        }
        present |= 1u << c->id;
    }
    if ((present & cfg->required) != cfg->required) {
        return TDM_E_PKG_MISSING;
    }
    if (cfg->max_package && m->total_size > cfg->max_package) {
        return TDM_E_PKG_TOO_BIG;
    }
    return 0;
}
