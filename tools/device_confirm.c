/* `tandem device confirm --device DIR`: what the application does after a health check in which both
 * cores reported healthy, by hand: confirm the set on trial (tdm_bootstate_confirm: IDLE, last CONFIRMED,
 * roles, then the security counter). Useful after `tandem device reboot --cut-after-start`, or when the
 * application could not record its confirmation.
 * Owns: the command line and its messages. Never: confirms anything but a set on trial (refused, exit 1). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device_cmds.h"
#include "power_on.h"
#include "pkg_build.h"
#include "tandem/bootstate.h"
#include "tandem/err.h"

#define CMD "device confirm"

static const char *phase_name(uint8_t p)
{
    static const char *const names[] = {"idle", "pending", "install", "trial", "rollback"};
    return p < 5 ? names[p] : "?";
}

static int confirm(struct tdm_sim_device *dev)
{
    static struct tdm_nand nand;
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand_ops ops;
    struct tdm_bootstate st;
    int err = tdm_sim_store_mount(dev, &nand, &ops, &store, page_buf);
    err = err < 0 ? err : tdm_bootstate_load(&store, &st);
    if (err == TDM_E_STORE_UNFORMATTED) {
        return tdm_cli_fail(CMD, "%s: no NAND store (tandem device provision first)", dev->dir);
    }
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: cannot read the boot state: %s", dev->dir, tdm_strerror(err));
    }
    if (st.phase != TDM_BS_TRIAL) {
        tdm_cli_fail(CMD, "%s: nothing is on trial (boot state %s); only a set on trial can be confirmed", dev->dir,
                     phase_name(st.phase));
        return 1;
    }
    struct tdm_counter_ops counter = tdm_sim_device_counter(dev);
    err = tdm_bootstate_confirm(&store, &counter);
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: the confirmation failed: %s", dev->dir, tdm_strerror(err));
    }
    if (tdm_sim_device_save(dev) < 0) {
        return tdm_cli_fail(CMD, "cannot write the device back to '%s'", dev->dir);
    }
    char v[32];
    printf("confirmed set %s: it is the installed set now; security counter %u\n",
           tdm_version_str(&st.cand_version, v), dev->counter);
    return 0;
}

int tdm_device_confirm(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--device") && i + 1 < argc) {
            dir = argv[++i];
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device confirm --help)", argv[i]);
        }
    }
    if (!dir) {
        return tdm_cli_fail(CMD, "missing --device DIR");
    }
    static struct tdm_sim_device dev;
    if (tdm_device_open_cli(CMD, dir, &dev)) {
        return 2;
    }
    int rc = confirm(&dev);
    tdm_sim_device_close(&dev);
    return rc;
}
