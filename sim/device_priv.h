/* Internal to the device simulator (sim/device*.c): the file helpers and the power-on step shared by its
 * files. Owns: nothing public. Never: included outside sim/device*.c. */
#ifndef TANDEM_SIM_DEVICE_PRIV_H
#define TANDEM_SIM_DEVICE_PRIV_H

#include <stddef.h>

#include "device.h"

/* dir + "/" + name into out (cap bytes). Returns 0 or TDM_E_SIM_FILE (too long). */
int tdm_sim_device_x_path(const struct tdm_sim_device *dev, const char *name, char *out, size_t cap);
/* Read a whole small text file (< cap bytes) into out, NUL-terminated. Returns its length or TDM_E_SIM_FILE. */
int tdm_sim_device_x_read_text(const char *path, char *out, size_t cap);
/* Replace a text file atomically (PATH.tmp + rename). Returns 0 or TDM_E_SIM_FILE. */
int tdm_sim_device_x_write_text(const char *path, const char *text);

/* state.txt and otp.txt. Read: 0 or TDM_E_SIM_FILE (missing, or a required key absent). */
int tdm_sim_device_x_state_write(const struct tdm_sim_device *dev);
int tdm_sim_device_x_state_read(struct tdm_sim_device *dev);
int tdm_sim_device_x_otp_write(const struct tdm_sim_device *dev);
int tdm_sim_device_x_otp_read(struct tdm_sim_device *dev);

/* Power on: RAM and window random, no signals pending, domain powered, power_ons + 1. */
/* The domain's sync hook: before an operation of the app core, the net core serves the commands raised
 * at or before that instant (sim/device_ports.c). */
void tdm_sim_device_x_catch_up(void *dev);
void tdm_sim_device_x_power_on(struct tdm_sim_device *dev);

#endif
