/* The story kit (sim/signed_sets.h). Owns: building sets. Never: device decisions. */
#include "signed_sets.h"

#include <stdlib.h>
#include <string.h>

#include "tandem/err.h"

static int make_image(enum tdm_sim_core core, const struct tdm_kit_spec *spec, const struct tdm_key *key,
                      uint8_t **out, size_t *len)
{
    uint8_t *raw = NULL;
    uint32_t size = core == TDM_SIM_CORE_APP ? spec->app_size : spec->net_size;
    enum tdm_sim_behavior b = core == TDM_SIM_CORE_APP ? spec->app_behavior : spec->net_behavior;
    int err = tdm_sim_fw_make(core, spec->set_id, spec->version, b, size, spec->seed, &raw);
    if (err < 0) {
        return err;
    }
    struct tdm_image_params ip = {.hdr_size = TDM_MCUBOOT_NCS_HDR_SIZE, .load_addr = 0, .key = key,
                                  .has_sec_cnt = 1, .sec_cnt = spec->counter};
    err = tdm_version_parse(spec->version, &ip.version);
    err = err < 0 ? err : tdm_image_wrap(raw, size, &ip, out, len);
    free(raw);
    return err;
}

int tdm_kit_make(struct tdm_kit_set *s, const struct tdm_kit_spec *spec, const struct tdm_key *key,
                 const struct tdm_layout *l)
{
    memset(s, 0, sizeof *s);
    strncpy(s->set_id, spec->set_id, TDM_SIM_SET_ID_MAX);
    s->counter = spec->counter;
    int err = tdm_version_parse(spec->version, &s->version);
    err = err < 0 ? err : make_image(TDM_SIM_CORE_APP, spec, key, &s->app, &s->app_len);
    err = err < 0 ? err : make_image(TDM_SIM_CORE_NET, spec, key, &s->net, &s->net_len);
    if (err < 0) {
        tdm_kit_free(s);
        return err;
    }
    struct tdm_pack_params pp = {
        .set_version = s->version,
        .counter = spec->counter,
        .hw_id = spec->hw_id ? spec->hw_id : TDM_PKG_HW_ID_DEFAULT,
        .key = key,
        .count = 2,
    };
    uint32_t app_load = spec->app_load ? spec->app_load : l->app_slot.addr;
    uint32_t net_load = spec->net_load ? spec->net_load : l->net_slot.addr;
    pp.comp[0] = (struct tdm_pack_component){.id = TDM_PKG_COMP_APP, .slot = 0, .load_addr = app_load,
                                             .image = s->app, .len = s->app_len};
    pp.comp[1] = (struct tdm_pack_component){.id = TDM_PKG_COMP_NET, .slot = 1, .load_addr = net_load,
                                             .image = s->net, .len = s->net_len};
    int bad = -1;
    err = tdm_pack(&pp, &s->pkg, &s->pkg_len, &bad);
    if (err < 0) {
        tdm_kit_free(s);
    }
    return err;
}

void tdm_kit_free(struct tdm_kit_set *s)
{
    free(s->app);
    free(s->net);
    free(s->pkg);
    s->app = s->net = s->pkg = NULL;
}
