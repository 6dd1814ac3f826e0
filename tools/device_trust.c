/* The package key a simulated device trusts: DIR/trusted_key.pem, written by `tandem device create --key`
 * or `tandem device provision --key`, read by every subcommand that checks a package (reboot, stage).
 * Owns: the file name and the one-line errors about it. Never: writes the file (create and provision do). */
#include <stdio.h>

#include "cli.h"
#include "device_cmds.h"
#include "pkg_build.h"
#include "tandem/err.h"

void tdm_device_trusted_key_path(const char *dir, char *out, size_t cap)
{
    snprintf(out, cap, "%s/trusted_key.pem", dir);
}

int tdm_device_trusted_key(const char *cmd, const char *dir, const char *override, struct tdm_key *key)
{
    char path[1100];
    tdm_device_trusted_key_path(dir, path, sizeof path);
    const char *p = override ? override : path;
    int err = tdm_key_load(key, p);
    if (err == TDM_E_HOST_FILE && !override) {
        return tdm_cli_fail(cmd, "%s: no trusted key on this device (tandem device provision --key PUB.pem)", p);
    }
    if (err == TDM_E_HOST_FILE) {
        return tdm_cli_fail(cmd, "--key: no such file or unreadable '%s'", p);
    }
    if (err < 0) {
        return tdm_cli_fail(cmd, "%s'%s' is not a P-256 key", override ? "--key: " : "", p);
    }
    return 0;
}
