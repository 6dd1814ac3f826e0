/* `tandem device SUBCOMMAND`: one function per subcommand, each in its own tools/device_*.c file, listed
 * in the table of tools/cmd_device.c. To add one (provision, reboot, confirm, fetch): write
 * tools/device_<name>.c with `int tdm_device_<name>(int argc, char **argv)`, declare it here and add one
 * row to the table.
 * Owns: the subcommand declarations and the helpers they share. Never: device logic. */
#ifndef TANDEM_TOOLS_DEVICE_CMDS_H
#define TANDEM_TOOLS_DEVICE_CMDS_H

#include <stddef.h>

#include "device.h"

/* argv[0] is the subcommand's name; return the process exit code (0, 1 check failed, 2 usage or I/O). */
int tdm_device_create(int argc, char **argv);
int tdm_device_status(int argc, char **argv);
int tdm_device_fetch(int argc, char **argv);
int tdm_device_provision(int argc, char **argv);
int tdm_device_reboot(int argc, char **argv);
int tdm_device_confirm(int argc, char **argv);
int tdm_device_stage(int argc, char **argv);
int tdm_device_svg(int argc, char **argv);

/* The bootloader part of device status (tools/device_boot_status.c): the image in each core's slot
 * (set and version of synthetic firmware, else the MCUboot header version) and the boot state's step,
 * last outcome and rejected packages; text lines, or JSON members ("images":{..},"boot":{..},). */
void tdm_device_boot_text(struct tdm_sim_device *dev);
void tdm_device_boot_json(struct tdm_sim_device *dev);

/* The package key the device trusts (tools/device_trust.c): DIR/trusted_key.pem. Load `override` when
 * not NULL, else the device's file; on failure print one line for `cmd` and return 2, else 0. */
struct tdm_key;
void tdm_device_trusted_key_path(const char *dir, char *out, size_t cap);
int tdm_device_trusted_key(const char *cmd, const char *dir, const char *override, struct tdm_key *key);

/* The NAND store part of device status (tools/device_store_status.c): package slots, boot state
 * (PENDING), download progress; text lines, or one JSON object (the value of "journal"). */
void tdm_device_store_text(struct tdm_sim_device *dev);
void tdm_device_store_json(struct tdm_sim_device *dev);

/* Open the device in `dir` for subcommand `cmd`; on failure print one line naming what is wrong (e.g.
 * "tandem: device status: DIR/layout.txt:3: app_slot overlaps bootloader") and return 2, else 0. */
int tdm_device_open_cli(const char *cmd, const char *dir, struct tdm_sim_device *dev);
/* Print the one-line layout error of `diag` for `cmd` about `where` (a file name); returns 2. */
int tdm_device_layout_fail(const char *cmd, const char *where, const struct tdm_layout_diag *diag);

#endif
