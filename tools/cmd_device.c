/* `tandem device SUBCOMMAND --device DIR ...`: the simulated nRF5340 device from the command line.
 * Owns: the subcommand table and the helpers of tools/device_cmds.h. Never: a subcommand's own logic
 * (one tools/device_*.c file each). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "device_cmds.h"
#include "tandem/err.h"

struct device_subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct device_subcommand subcommands[] = {
    {"create", tdm_device_create,
     "create --device DIR [--layout FILE] [--part NAME] [--bad-blocks N] [--seed S] [--counter-slots N] "
     "[--key PUB.pem]\n"
     "    NAND faults: [--grown-bad-ppm N] [--bitflip-ppm N] [--bitflip-bits N] [--disturb-ppm N]\n"
     "    [--retention-ppm N] [--torn all|LIST] [--weak-life N]; LIST of program-reads-erased,\n"
     "    program-correctable, program-uncorrectable, program-miscorrected, program-weak, erase-partial, erase-weak"},
    {"status", tdm_device_status, "status --device DIR [--json]"},
    {"fetch", tdm_device_fetch,
     "fetch URL --device DIR [--ca FILE] [--key PUB.pem] [--connect-timeout MS] [--low-speed-time MS] [--attempts N]\n"
     "    [--full FULL_URL]: URL may be a delta package (tandem pack --base); FULL_URL is fetched when it does not apply"},
    {"provision", tdm_device_provision, "provision --device DIR --app APP.img --net NET.img [--key PUB.pem]\n"
     "    APP and NET are MCUboot images (tandem wrap); formats the NAND store, programs both slots and keeps\n"
     "    PUB.pem as the package key the device trusts (DIR/trusted_key.pem)"},
    {"stage", tdm_device_stage, "stage --device DIR PKG [--key PUB.pem]   (fetch without a server)"},
    {"reboot", tdm_device_reboot,
     "reboot --device DIR [--until-stable [--max-boots N]] [--cut-at N [--torn]] [--cut-after-start] "
     "[--nand-missing] [--key PUB.pem]\n"
     "    one power-on (or until the application stops resetting): net-boot stage, bootloader, application;\n"
     "    --cut-at N cuts the power at the N-th flash operation (--torn: half done), the next reboot recovers;\n"
     "    exit 0 a consistent set booted, 1 mixed set / nothing bootable / not stable, 2 usage or I/O"},
    {"confirm", tdm_device_confirm, "confirm --device DIR   (the application confirms the set on trial)"},
    {"svg", tdm_device_svg, "svg [--device DIR --map FILE.svg] [--timeline LOG --out FILE.svg]\n"
     "    pictures: the NAND store map (blocks by owner, roles, bad blocks, wear) and a phase log as a timeline\n"
     "    per core on the simulated clock (log format: tools/svg.h)"},
};

static void device_usage(FILE *out)
{
    fprintf(out, "usage:\n");
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        fprintf(out, "  tandem device %s\n", subcommands[i].usage);
    }
    fprintf(out, "A device is a directory: layout.txt, nand.bin, appflash.bin, netflash.bin, otp.txt, "
                 "state.txt (docs/DEVICE.md).\n");
}

int tdm_cmd_device(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        device_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
        if (!strcmp(argv[1], subcommands[i].name)) {
            for (int k = 2; k < argc; k++) {
                if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
                    printf("usage: tandem device %s\n", subcommands[i].usage);
                    return 0;
                }
            }
            return subcommands[i].run(argc - 1, argv + 1);
        }
    }
    return tdm_cli_fail("device", "unknown subcommand '%s' (try tandem device --help)", argv[1]);
}

int tdm_device_layout_fail(const char *cmd, const char *where, const struct tdm_layout_diag *d)
{
    char line[16] = "";
    if (d->line) {
        snprintf(line, sizeof line, ":%u", d->line);
    }
    return tdm_cli_fail(cmd, "%s%s: %s %s%s%s", where, line, d->key ? d->key : "this line",
                        tdm_layout_problem_str(d->problem), d->other ? " " : "", d->other ? d->other : "");
}

int tdm_device_open_cli(const char *cmd, const char *dir, struct tdm_sim_device *dev)
{
    int err = tdm_sim_device_open(dev, dir);
    if (err == TDM_E_BOOT_LAYOUT) {
        char where[1100];
        snprintf(where, sizeof where, "%s/layout.txt", dir);
        return tdm_device_layout_fail(cmd, where, &dev->layout_diag);
    }
    if (err == TDM_E_SIM_PART) {
        return tdm_cli_fail(cmd, "'%s/nand.bin' names a NAND part this build does not know", dir);
    }
    if (err < 0) {
        return tdm_cli_fail(cmd, "'%s' is not a tandem device, or one of its files is missing or damaged (%s)",
                            dir, tdm_strerror(err));
    }
    return 0;
}
