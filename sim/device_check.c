/* The "all old or all new" invariant of the simulated device (sim/device.h): at every application start
 * the image in the app slot and the image in the net slot must come from the same package.
 * Owns: the check and its bookkeeping (app_starts, mixed_starts, what is running). Never: decides what a
 * package identity is (the package layer's identify callback does), or lets a mixed start pass. */
#include <string.h>

#include "device.h"
#include "tandem/err.h"

bool tdm_sim_same_set(const struct tdm_sim_image_id *a, const struct tdm_sim_image_id *b)
{
    return a->set_id_len > 0 && a->set_id_len <= TDM_SIM_SET_ID_MAX && a->set_id_len == b->set_id_len &&
           memcmp(a->set_id, b->set_id, a->set_id_len) == 0;
}

static int identify(struct tdm_sim_device *dev, enum tdm_sim_core core, struct tdm_sim_image_id *id)
{
    const struct tdm_sim_flash *f = core == TDM_SIM_CORE_APP ? &dev->app : &dev->net;
    const struct tdm_layout_region *slot = core == TDM_SIM_CORE_APP ? &dev->layout.app_slot : &dev->layout.net_slot;
    const uint8_t *bytes = tdm_sim_flash_peek(f, slot->addr, slot->size);
    if (!bytes) {
        return TDM_E_BOOT_LAYOUT;
    }
    memset(id, 0, sizeof *id);
    int err = dev->identify(dev->identify_arg, core, bytes, slot->size, id);
    if (err < 0) {
        return err;
    }
    id->version[TDM_SIM_VERSION_MAX - 1] = 0;
    return id->set_id_len >= 1 && id->set_id_len <= TDM_SIM_SET_ID_MAX ? 0 : TDM_E_BOOT_NO_IMAGE;
}

int tdm_sim_device_app_start(struct tdm_sim_device *dev)
{
    if (!dev->identify) {
        return TDM_E_STATE;
    }
    struct tdm_sim_image_id ids[2];
    int err = identify(dev, TDM_SIM_CORE_APP, &ids[0]);
    if (err >= 0) {
        err = identify(dev, TDM_SIM_CORE_NET, &ids[1]);
    }
    if (err < 0) {
        return err;
    }
    if (!tdm_sim_same_set(&ids[0], &ids[1])) {
        dev->mixed_starts++;
        return TDM_E_BOOT_MIXED_SET;
    }
    dev->running[0] = ids[0];
    dev->running[1] = ids[1];
    dev->running_valid = true;
    dev->app_starts++;
    return 0;
}
