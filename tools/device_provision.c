/* `tandem device provision --device DIR --app APP.img --net NET.img [--key PUB.pem]`: the factory step of
 * the simulated device: formats the NAND store, programs the two MCUboot images straight into the app and
 * net slots (tdm_sim_provision) and keeps the package key the device trusts (DIR/trusted_key.pem).
 * Owns: checking the inputs (whole, intact MCUboot images that fit their slots; a P-256 key) before
 * anything is written. Never: wraps a raw binary (that is tandem wrap's job), signs anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device_cmds.h"
#include "power_on.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

#define CMD "device provision"

struct input {
    const char *opt, *path;
    uint8_t *buf;
    size_t len;
    struct tdm_version version;
};

/* Read an MCUboot image and check it (structure and hash); slot padding after it is dropped. */
static int read_image(struct input *in, uint32_t slot_size)
{
    if (tdm_file_read(in->path, &in->buf, &in->len) < 0) {
        return tdm_cli_fail(CMD, "%s: no such file or unreadable '%s'", in->opt, in->path);
    }
    if (!tdm_image_is_mcuboot(in->buf, in->len)) {
        return tdm_cli_fail(CMD, "%s: '%s' is not an MCUboot image (make one with tandem wrap)", in->opt, in->path);
    }
    size_t n = 0;
    int err = tdm_image_length(in->buf, in->len, &n);
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_mcuboot_image img;
    err = err < 0 ? err : tdm_mcuboot_verify(&ops, in->buf, (uint32_t)n, &img, NULL);
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: '%s' is not a valid MCUboot image: %s", in->opt, in->path, tdm_strerror(err));
    }
    if (n > slot_size) {
        return tdm_cli_fail(CMD, "%s: '%s' is %zu bytes, larger than the slot (%u bytes)", in->opt, in->path, n,
                            slot_size);
    }
    in->len = n;
    tdm_version_get(in->buf + 20, &in->version);
    return 0;
}

static int provision(struct tdm_sim_device *dev, struct input *in, const char *key_file, const struct tdm_key *key)
{
    const struct tdm_layout *l = &dev->layout;
    if (read_image(&in[0], l->app_slot.size) || read_image(&in[1], l->net_slot.size)) {
        return 2;
    }
    char key_path[1100];
    tdm_device_trusted_key_path(dev->dir, key_path, sizeof key_path);
    int err = tdm_sim_provision(dev, in[0].buf, in[0].len, in[1].buf, in[1].len);
    if (err < 0) {
        return tdm_cli_fail(CMD, "%s: cannot program the device: %s", dev->dir, tdm_strerror(err));
    }
    if (key_file && tdm_key_save_pub(key, key_path) < 0) {
        return tdm_cli_fail(CMD, "cannot write '%s'", key_path);
    }
    if (tdm_sim_device_save(dev) < 0) {
        return tdm_cli_fail(CMD, "cannot write the device back to '%s'", dev->dir);
    }
    char va[32], vn[32];
    printf("provisioned %s: app slot %s (%zu bytes), net slot %s (%zu bytes), NAND store formatted (blocks "
           "%u..%u)\n",
           dev->dir, tdm_version_str(&in[0].version, va), in[0].len, tdm_version_str(&in[1].version, vn), in[1].len,
           l->store_first_block, l->store_first_block + l->store_blocks - 1);
    if (key_file) {
        printf("  trusted package key %s (from %s)\n", key_path, key_file);
    } else {
        printf("  trusted package key %s (kept)\n", key_path);
    }
    return 0;
}

int tdm_device_provision(int argc, char **argv)
{
    const char *dir = NULL, *key_file = NULL;
    struct input in[2] = {{.opt = "--app"}, {.opt = "--net"}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--device") && has) {
            dir = argv[++i];
        } else if (!strcmp(a, "--app") && has) {
            in[0].path = argv[++i];
        } else if (!strcmp(a, "--net") && has) {
            in[1].path = argv[++i];
        } else if (!strcmp(a, "--key") && has) {
            key_file = argv[++i];
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device provision --help)", a);
        }
    }
    if (!dir || !in[0].path || !in[1].path) {
        return tdm_cli_fail(CMD, "missing %s", !dir ? "--device DIR" : !in[0].path ? "--app APP.img" : "--net NET.img");
    }
    struct tdm_key key;
    if (key_file) {
        if (tdm_device_trusted_key(CMD, dir, key_file, &key)) {
            return 2;
        }
    } else if (tdm_device_trusted_key(CMD, dir, NULL, &key)) {
        return 2; /* neither --key nor a key from device create --key: the device could never install */
    }
    static struct tdm_sim_device dev;
    if (tdm_device_open_cli(CMD, dir, &dev)) {
        return 2;
    }
    int rc = provision(&dev, in, key_file, &key);
    free(in[0].buf);
    free(in[1].buf);
    tdm_sim_device_close(&dev);
    return rc;
}
