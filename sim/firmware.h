/* Synthetic firmware for the simulated device: images that say which set they belong to, their version
 * and how they behave when started, so the simulator can check "all old or all new" and play scripted
 * application behaviours. Host-only.
 *
 * Owns: the marker format at the start of a firmware body:
 *     "TANDEM-FW core=<app|net> set=<id> version=<text> behavior=<healthy|crash|hang|netfail>\n"
 * followed by seeded filler bytes. Never: decides anything about installation (that is the bootloader's).
 */
#ifndef TANDEM_SIM_FIRMWARE_H
#define TANDEM_SIM_FIRMWARE_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"

enum tdm_sim_behavior {
    TDM_SIM_HEALTHY = 0, /* starts, reports healthy */
    TDM_SIM_CRASH = 1,   /* application: faults right after start (reset) */
    TDM_SIM_HANG = 2,    /* application: hangs until the watchdog fires (reset) */
    TDM_SIM_NETFAIL = 3, /* network image: fails its health check */
};

/* A raw firmware binary of `size` bytes (>= 128) with the marker; caller frees *out. Returns 0 or
 * TDM_E_INVAL / TDM_E_BUFFER. */
int tdm_sim_fw_make(enum tdm_sim_core core, const char *set_id, const char *version, enum tdm_sim_behavior behavior,
                    uint32_t size, uint64_t seed, uint8_t **out);

/* The identify callback for tdm_sim_device_set_identify: an image is identified only when it is a whole,
 * intact MCUboot image (its SHA256 TLV matches) whose body carries the marker of `core`. arg unused. */
int tdm_sim_fw_identify(void *arg, enum tdm_sim_core core, const uint8_t *slot, uint32_t slot_size,
                        struct tdm_sim_image_id *id);

/* Behaviour of the image in a slot (TDM_SIM_HEALTHY when it has no marker). Reads the marker without
 * re-checking the image hash: call it after tdm_sim_fw_identify accepted the image. */
enum tdm_sim_behavior tdm_sim_fw_behavior(const uint8_t *slot, uint32_t slot_size);

#endif
