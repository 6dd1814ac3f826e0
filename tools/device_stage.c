/* `tandem device stage --device DIR PKG [--key PUB.pem]`: what the fetch agent does after a download,
 * without a server: check the package with the device's own parser (trusted key, hardware id, slot sizes,
 * no downgrade of the security counter), write it into the free slot of the NAND store, commit it and
 * request it (PENDING, tdm_sim_stage). The next `tandem device reboot` installs it.
 * Owns: the command line and its messages. Never: stages a package that fails a check (exit 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device_cmds.h"
#include "power_on.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

#define CMD "device stage"

static int stage(struct tdm_sim_device *dev, const char *path, const uint8_t *pkg, size_t len,
                 const struct tdm_key *key)
{
    static struct tdm_pkg_parser parser;
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_pkg_config cfg;
    tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key->pub, 1);
    cfg.comp_max[TDM_PKG_COMP_APP] = dev->layout.app_slot.size;
    cfg.comp_max[TDM_PKG_COMP_NET] = dev->layout.net_slot.size;
    cfg.min_counter = dev->counter;
    int err = tdm_pkg_verify_buf(&cfg, pkg, len, &parser);
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&parser);
    if (err < 0 || !m) {
        tdm_cli_fail(CMD, "%s: refused: %s", path, tdm_strerror(err < 0 ? err : TDM_E_PKG_TRUNCATED));
        return 1;
    }
    err = tdm_sim_stage(dev, pkg, len, m->sec_counter, &m->set_version);
    if (err == TDM_E_BOOT_REJECTED || err == TDM_E_STATE) {
        tdm_cli_fail(CMD, "%s: refused: %s", path,
                     err == TDM_E_STATE ? "an install or a trial is under way (reboot, or confirm, first)"
                                        : "this package was rejected before (it is never retried)");
        return 1;
    }
    if (err == TDM_E_STORE_UNFORMATTED) {
        return tdm_cli_fail(CMD, "%s: no NAND store (tandem device provision first)", dev->dir);
    }
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: cannot stage: %s", dev->dir, tdm_strerror(err));
    }
    if (tdm_sim_device_save(dev) < 0) {
        return tdm_cli_fail(CMD, "cannot write the device back to '%s'", dev->dir);
    }
    char v[32];
    printf("staged %s: set %s, counter %u, %zu bytes; PENDING: installed at the next reboot\n", path,
           tdm_version_str(&m->set_version, v), m->sec_counter, len);
    return 0;
}

int tdm_device_stage(int argc, char **argv)
{
    const char *dir = NULL, *path = NULL, *key_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--device") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(a, "--key") && i + 1 < argc) {
            key_file = argv[++i];
        } else if (a[0] != '-' && !path) {
            path = a;
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device stage --help)", a);
        }
    }
    if (!dir || !path) {
        return tdm_cli_fail(CMD, "missing %s", !dir ? "--device DIR" : "PKG");
    }
    struct tdm_key key;
    if (tdm_device_trusted_key(CMD, dir, key_file, &key)) {
        return 2;
    }
    uint8_t *pkg = NULL;
    size_t len = 0;
    if (tdm_file_read(path, &pkg, &len) < 0) {
        return tdm_cli_fail(CMD, "no such file or unreadable '%s'", path);
    }
    static struct tdm_sim_device dev;
    int rc = tdm_device_open_cli(CMD, dir, &dev);
    if (rc == 0) {
        rc = stage(&dev, path, pkg, len, &key);
        tdm_sim_device_close(&dev);
    }
    free(pkg);
    return rc;
}
