/* `tandem fw make`: synthetic test firmware for the simulated device (sim/firmware.h): a raw binary whose
 * body starts with the marker line (core, set id, version, behaviour) the simulator reads at every
 * application start, followed by seeded filler. Wrap it (tandem wrap), pack it (tandem pack), then
 * provision, stage or fetch it on a device (tandem device).
 * Owns: the command line of fw. Never: signs or wraps (tandem wrap does), writes a partial file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "firmware.h"
#include "pkg_build.h"
#include "tandem/err.h"

#define CMD "fw make"

static void fw_usage(FILE *out)
{
    fprintf(out,
            "usage: tandem fw make --core app|net --set ID --version V [--behavior B] [--size N] [--seed S]\n"
            "                      -o FILE\n"
            "  A raw synthetic firmware binary for the simulated nRF5340. Its first line,\n"
            "    TANDEM-FW core=<app|net> set=<ID> version=<V> behavior=<B>\n"
            "  tells the simulator which set (package) the image belongs to, so a device can check that both\n"
            "  cores run the same set, and how the application behaves when it starts:\n"
            "    healthy  starts and reports healthy (default)\n"
            "    crash    the application faults right after start (app core)\n"
            "    hang     the application hangs until the watchdog resets it (app core)\n"
            "    netfail  the network image fails its health check (net core)\n"
            "  ID: 1..32 characters of [A-Za-z0-9._+-]; V: MAJOR.MINOR.REVISION+BUILD; N bytes (default\n"
            "  32768, 128..1048576); S: seed of the filler bytes (default: derived from ID and V).\n"
            "  Then: tandem wrap --key KEY.pem --version V --counter C FILE -o FILE.img\n"
            "exit codes: 0 written, 2 usage or I/O error\n");
}

static int set_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TDM_SIM_SET_ID_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("._+-", c))) {
            return 0;
        }
    }
    return 1;
}

/* Default filler seed: FNV-1a of "SET/VERSION", so two sets differ in every page, as real builds do. */
static uint64_t default_seed(const char *set, const char *ver)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = set; *p; p++) {
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    }
    h = (h ^ '/') * 0x100000001b3ull;
    for (const char *p = ver; *p; p++) {
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    }
    return h;
}

static int parse_behavior(const char *s, enum tdm_sim_behavior *b)
{
    static const char *const names[] = {"healthy", "crash", "hang", "netfail"};
    for (int i = 0; i < 4; i++) {
        if (!strcmp(s, names[i])) {
            *b = (enum tdm_sim_behavior)i;
            return 0;
        }
    }
    return -1;
}

static int fw_make(int argc, char **argv)
{
    const char *core = NULL, *set = NULL, *ver = NULL, *outp = NULL;
    enum tdm_sim_behavior behavior = TDM_SIM_HEALTHY;
    uint64_t size = 32768, seed = 0;
    int have_seed = 0;
    struct tdm_version v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fw_usage(stdout);
            return 0;
        } else if (!val) {
            return tdm_cli_fail(CMD, "unexpected or incomplete argument '%s' (try tandem fw --help)", a);
        } else if (!strcmp(a, "--core")) {
            core = val;
        } else if (!strcmp(a, "--set")) {
            set = val;
        } else if (!strcmp(a, "--version")) {
            ver = val;
        } else if (!strcmp(a, "--behavior") || !strcmp(a, "--behaviour")) {
            if (parse_behavior(val, &behavior) < 0) {
                return tdm_cli_fail(CMD, "--behavior: '%s' is not healthy, crash, hang or netfail", val);
            }
        } else if (!strcmp(a, "--size")) {
            if (tdm_cli_number(val, 128, 1u << 20, &size) < 0) {
                return tdm_cli_fail(CMD, "--size: not a number of bytes from 128 to 1048576: '%s'", val);
            }
        } else if (!strcmp(a, "--seed")) {
            if (tdm_cli_number(val, 0, UINT64_MAX, &seed) < 0) {
                return tdm_cli_fail(CMD, "--seed: not a number: '%s'", val);
            }
            have_seed = 1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            outp = val;
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem fw --help)", a);
        }
        i++;
    }
    const char *missing = !core ? "--core" : !set ? "--set" : !ver ? "--version" : !outp ? "-o FILE" : NULL;
    if (missing) {
        return tdm_cli_fail(CMD, "missing %s", missing);
    }
    if (strcmp(core, "app") && strcmp(core, "net")) {
        return tdm_cli_fail(CMD, "--core: '%s' is not app or net", core);
    }
    if (!set_id_ok(set)) {
        return tdm_cli_fail(CMD, "--set: '%s' is not 1..32 characters of [A-Za-z0-9._+-]", set);
    }
    if (tdm_version_parse(ver, &v) < 0) {
        return tdm_cli_fail(CMD, "--version: '%s' is not MAJOR.MINOR.REVISION+BUILD", ver);
    }
    enum tdm_sim_core c = strcmp(core, "app") ? TDM_SIM_CORE_NET : TDM_SIM_CORE_APP;
    if (!have_seed) {
        seed = default_seed(set, ver);
    }
    uint8_t *raw = NULL;
    int err = tdm_sim_fw_make(c, set, ver, behavior, (uint32_t)size, seed, &raw);
    if (err < 0) {
        return tdm_cli_fail(CMD, "cannot make the firmware: %s", tdm_strerror(err));
    }
    err = tdm_file_write(outp, raw, (size_t)size);
    free(raw);
    if (err < 0) {
        return tdm_cli_fail(CMD, "-o: cannot write '%s'", outp);
    }
    printf("wrote %s: %s core firmware, set %s, version %s, %s, %llu bytes\n", outp, core, set, ver,
           behavior == TDM_SIM_HEALTHY ? "healthy" : behavior == TDM_SIM_CRASH ? "crash"
                                                  : behavior == TDM_SIM_HANG  ? "hang" : "netfail",
           (unsigned long long)size);
    return 0;
}

int tdm_cmd_fw(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fw_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "make")) {
        return fw_make(argc - 1, argv + 1);
    }
    return tdm_cli_fail("fw", "unknown subcommand '%s' (try tandem fw --help)", argv[1]);
}
