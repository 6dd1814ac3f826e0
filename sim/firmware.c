/* Synthetic firmware (sim/firmware.h): make it, identify it, read its behaviour.
 * Owns: the marker. Never: identifies a torn or partial image (the MCUboot hash must match). */
#include "firmware.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/le.h"
#include "tandem/mcuboot.h"

#define MARK "TANDEM-FW "

static const char *behavior_name[] = {"healthy", "crash", "hang", "netfail"};

int tdm_sim_fw_make(enum tdm_sim_core core, const char *set_id, const char *version, enum tdm_sim_behavior behavior,
                    uint32_t size, uint64_t seed, uint8_t **out)
{
    char head[160];
    int n = snprintf(head, sizeof head, MARK "core=%s set=%s version=%s behavior=%s\n",
                     core == TDM_SIM_CORE_APP ? "app" : "net", set_id, version, behavior_name[behavior & 3]);
    if (n <= 0 || (size_t)n >= sizeof head || size < (uint32_t)n + 1 || strlen(set_id) > TDM_SIM_SET_ID_MAX ||
        strchr(set_id, ' ')) {
        return TDM_E_INVAL;
    }
    uint8_t *b = malloc(size);
    if (!b) {
        return TDM_E_BUFFER;
    }
    uint64_t s = seed ^ ((uint64_t)core << 32);
    tdm_rng_fill(&s, b, size);
    memcpy(b, head, (size_t)n + 1);
    *out = b;
    return 0;
}

/* The marker line of the MCUboot image at the start of slot (NUL-terminated copy in line[161]), if the
 * image is whole and intact and its body starts with the marker. */
static const char *body_of(const uint8_t *slot, uint32_t slot_size, uint32_t *body_len);

static int marker_line(const uint8_t *slot, uint32_t slot_size, char line[161], int verify)
{
    uint32_t len = 0;
    const char *body = NULL;
    struct tdm_mcuboot_header hdr;
    if (verify) {
        body = body_of(slot, slot_size, &len);
    } else if (slot_size >= TDM_MCUBOOT_HDR_LEN && tdm_mcuboot_parse_header(slot, &hdr) == 0 &&
               (uint64_t)hdr.hdr_size + hdr.img_size <= slot_size) {
        body = (const char *)slot + hdr.hdr_size;
        len = hdr.img_size;
    }
    if (!body || len < strlen(MARK) || memcmp(body, MARK, strlen(MARK)) != 0) {
        return -1;
    }
    size_t n = len < 160 ? len : 160;
    const char *nl = memchr(body, '\n', n);
    if (!nl) {
        return -1;
    }
    memcpy(line, body, (size_t)(nl - body));
    line[nl - body] = 0;
    return 0;
}

static const char *body_of(const uint8_t *slot, uint32_t slot_size, uint32_t *body_len)
{
    struct tdm_mcuboot_header hdr;
    if (slot_size < TDM_MCUBOOT_HDR_LEN || tdm_mcuboot_parse_header(slot, &hdr) < 0) {
        return NULL;
    }
    uint64_t info = (uint64_t)hdr.hdr_size + hdr.img_size + hdr.prot_size;
    uint32_t total = 0;
    if (info + 4 > slot_size || tdm_mcuboot_total_len(&hdr, slot + info, &total) < 0 || total > slot_size) {
        return NULL;
    }
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN];
    if (tdm_mcuboot_verify(&ops, slot, total, &img, hash) < 0 || !img.sha256 ||
        memcmp(img.sha256, hash, TDM_SHA256_LEN) != 0) {
        return NULL;
    }
    *body_len = hdr.img_size;
    return (const char *)slot + hdr.hdr_size;
}

static int field(const char *line, const char *key, char *out, size_t cap)
{
    const char *p = strstr(line, key);
    if (!p) {
        return -1;
    }
    p += strlen(key);
    size_t n = strcspn(p, " \n");
    if (n == 0 || n >= cap) {
        return -1;
    }
    memcpy(out, p, n);
    out[n] = 0;
    return (int)n;
}

int tdm_sim_fw_identify(void *arg, enum tdm_sim_core core, const uint8_t *slot, uint32_t slot_size,
                        struct tdm_sim_image_id *id)
{
    (void)arg;
    char body[161];
    if (marker_line(slot, slot_size, body, 1) < 0) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    char want[8], set[TDM_SIM_SET_ID_MAX + 1];
    if (field(body, "core=", want, sizeof want) < 0 || strcmp(want, core == TDM_SIM_CORE_APP ? "app" : "net") ||
        field(body, "version=", id->version, sizeof id->version) < 0) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    int n = field(body, "set=", set, sizeof set);
    if (n <= 0) {
        return TDM_E_BOOT_NO_IMAGE;
    }
    memcpy(id->set_id, set, (size_t)n);
    id->set_id_len = (uint32_t)n;
    return 0;
}

enum tdm_sim_behavior tdm_sim_fw_behavior(const uint8_t *slot, uint32_t slot_size)
{
    char body[161], b[16];
    if (marker_line(slot, slot_size, body, 0) < 0 || field(body, "behavior=", b, sizeof b) < 0) {
        return TDM_SIM_HEALTHY;
    }
    for (int i = 0; i < 4; i++) {
        if (!strcmp(b, behavior_name[i])) {
            return (enum tdm_sim_behavior)i;
        }
    }
    return TDM_SIM_HEALTHY;
}
