/* `tandem` entry point: dispatches to the command named by argv[1].
 * Owns: the command table and the top-level help. Never: parses a command's own options. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct tdm_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct tdm_command tdm_commands[] = {
    {"nand", tdm_cmd_nand, "simulated SPI NAND chip: create, info, scan"},
    {"store", tdm_cmd_store, "NAND image store on a simulated chip: format, info, write, read"},
    {"device", tdm_cmd_device, "simulated nRF5340 device: create, provision, stage, fetch, reboot, confirm, status"},
    {"keygen", tdm_cmd_keygen, "new ECDSA P-256 signing key (private + public PEM)"},
    {"wrap", tdm_cmd_wrap, "raw binary into a signed MCUboot image (imgtool layout)"},
    {"pack", tdm_cmd_pack, "app + net images into one signed update package"},
    {"diff", tdm_cmd_diff, "size of the delta package from one package to the next"},
    {"inspect", tdm_cmd_inspect, "show a package or an MCUboot image and which checks pass"},
    {"verify", tdm_cmd_verify, "run every device check on a package or MCUboot image"},
    {"fw", tdm_cmd_fw, "synthetic test firmware for the simulated device (set, version, behaviour)"},
    {"campaign", tdm_cmd_campaign, "power-cut campaign over the update story on the simulated device"},
    {"provision", tdm_cmd_provision, "trusted keys as the UICR OTP hex a factory programmer writes (nRF5340)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: tandem COMMAND [ARGS...]   (tandem COMMAND --help for each)\n\ncommands:\n");
    for (size_t i = 0; i < sizeof tdm_commands / sizeof tdm_commands[0]; i++) {
        fprintf(out, "  %-10s %s\n", tdm_commands[i].name, tdm_commands[i].summary);
    }
    fprintf(out, "\nexit codes: 0 success, 1 check failed (refused, not verified), 2 usage or I/O error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof tdm_commands / sizeof tdm_commands[0]; i++) {
        if (!strcmp(argv[1], tdm_commands[i].name)) {
            return tdm_commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "tandem: unknown command '%s' (try tandem --help)\n", argv[1]);
    return 2;
}
