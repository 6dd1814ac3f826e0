/* Signed firmware sets: firmware sets and signed packages for the simulated device, made in-process, for the
 * tests, the benches, the campaigns and the demo. Host-only.
 * Owns: turning (set id, version, counter, behaviours, sizes) into MCUboot images and a package.
 * Never: device logic; signing happens through pkg/host/pkg_build.h. */
#ifndef TANDEM_SIM_SIGNED_SETS_H
#define TANDEM_SIM_SIGNED_SETS_H

#include <stddef.h>
#include <stdint.h>

#include "power_on.h"
#include "firmware.h"
#include "pkg_build.h"

struct tdm_kit_set {
    char set_id[TDM_SIM_SET_ID_MAX + 1];
    struct tdm_version version;
    uint32_t counter;
    uint8_t *app, *net; /* MCUboot images (0x200 header, signed) */
    size_t app_len, net_len;
    uint8_t *pkg; /* the signed package of both */
    size_t pkg_len;
};

struct tdm_kit_spec {
    const char *set_id;  /* e.g. "v2" */
    const char *version; /* "2.0.0+1" */
    uint32_t counter;
    uint32_t hw_id;      /* 0 = TDM_PKG_HW_ID_DEFAULT */
    enum tdm_sim_behavior app_behavior, net_behavior;
    uint32_t app_size, net_size; /* firmware body bytes */
    uint32_t app_load, net_load; /* components' load addresses in the package; 0 = the layout's slot address */
    uint64_t seed;
};

/* Make the images and the package for `spec`, signed with `key`, components aimed at layout `l` (or at
 * spec's load addresses when given).
 * Returns 0 or an error. */
int tdm_kit_make(struct tdm_kit_set *s, const struct tdm_kit_spec *spec, const struct tdm_key *key,
                 const struct tdm_layout *l);
void tdm_kit_free(struct tdm_kit_set *s);

#endif
