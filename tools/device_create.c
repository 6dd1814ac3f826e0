/* `tandem device create --device DIR`: a fresh simulated nRF5340 device (blank internal flashes, a fresh
 * NAND chip, counter 0) with the default layout or one read from --layout FILE, and with --key PUB.pem the
 * package key the device trusts (DIR/trusted_key.pem, read by tandem device fetch). NAND faults, kept in
 * the chip's file: --grown-bad-ppm, --bitflip-ppm, --bitflip-bits, --disturb-ppm, --retention-ppm,
 * --torn LIST (outcomes a torn operation may end as), --weak-life N.
 * Owns: option parsing and the summary of create. Never: overwrites an existing device. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device_cmds.h"
#include "pkg_build.h"
#include "tandem/err.h"

#define CMD "device create"

static int read_layout(const char *file, struct tdm_layout *l)
{
    char text[4096];
    FILE *f = fopen(file, "rb");
    if (!f) {
        return tdm_cli_fail(CMD, "--layout: no such file '%s'", file);
    }
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    if (n == sizeof text) {
        return tdm_cli_fail(CMD, "--layout: '%s' is larger than a layout file can be (4 KB)", file);
    }
    struct tdm_layout_diag d;
    if (tdm_layout_parse(text, (uint32_t)n, l, &d) < 0) {
        return tdm_device_layout_fail(CMD, file, &d);
    }
    return 0;
}

/* --torn LIST: comma-separated outcome names (tdm_sim_torn_name) or "all". */
static int torn_list(const char *list, uint32_t *mask)
{
    *mask = 0;
    if (!strcmp(list, "all")) {
        return 0;
    }
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        unsigned k = 0;
        while (k < TDM_SIM_TORN_KINDS && (strlen(tdm_sim_torn_name(k)) != n || strncmp(p, tdm_sim_torn_name(k), n))) {
            k++;
        }
        if (k == TDM_SIM_TORN_KINDS) {
            return -1;
        }
        *mask |= 1u << k;
        p += n + (p[n] == ',');
    }
    return *mask ? 0 : -1;
}

/* The NAND fault options. Returns 1 when `a` was one (value consumed), 0 when not, 2 on a bad value. */
static int fault_option(const char *a, const char *val, struct tdm_sim_faults *f)
{
    static const struct {
        const char *name;
        uint64_t max;
    } num[] = {{"--grown-bad-ppm", 1000000}, {"--bitflip-ppm", 1000000}, {"--bitflip-bits", 64},
               {"--disturb-ppm", 1000000},   {"--retention-ppm", 1000000}, {"--weak-life", 255}};
    uint32_t *dst[] = {&f->program_fail_ppm, &f->bitflip_ppm, &f->bitflip_bits, &f->disturb_ppm,
                       &f->retention_ppm, &f->weak_life};
    if (!strcmp(a, "--torn")) {
        if (torn_list(val, &f->torn_mask) < 0) {
            tdm_cli_fail(CMD, "--torn: not a list of torn outcomes: '%s' (names: see tandem device --help)", val);
            return 2;
        }
        return 1;
    }
    for (size_t i = 0; i < sizeof num / sizeof num[0]; i++) {
        if (!strcmp(a, num[i].name)) {
            uint64_t v;
            if (tdm_cli_number(val, 0, num[i].max, &v) < 0) {
                tdm_cli_fail(CMD, "%s: not a number from 0 to %llu: '%s'", a, (unsigned long long)num[i].max, val);
                return 2;
            }
            *dst[i] = (uint32_t)v;
            if (dst[i] == &f->program_fail_ppm) {
                f->erase_fail_ppm = (uint32_t)v; /* grown bad blocks show on programs and erases alike */
            }
            return 1;
        }
    }
    return 0;
}

int tdm_device_create(int argc, char **argv)
{
    const char *dir = NULL, *layout_file = NULL, *key_file = NULL;
    struct tdm_sim_device_opts o = {.part = "W25N01GV", .seed = 1};
    struct tdm_layout layout;
    uint64_t v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int fo = val ? fault_option(a, val, &o.nand_faults) : 0;
        if (fo) {
            if (fo == 2) {
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--device") && val) {
            dir = argv[++i];
        } else if (!strcmp(a, "--layout") && val) {
            layout_file = argv[++i];
        } else if (!strcmp(a, "--key") && val) {
            key_file = argv[++i];
        } else if (!strcmp(a, "--part") && val) {
            o.part = argv[++i];
        } else if (!strcmp(a, "--bad-blocks") && val) {
            if (tdm_cli_number(argv[++i], 0, 1024, &v) < 0) {
                return tdm_cli_fail(CMD, "--bad-blocks: not a number from 0 to 1024: '%s'", argv[i]);
            }
            o.bad_blocks = (uint32_t)v;
        } else if (!strcmp(a, "--seed") && val) {
            if (tdm_cli_number(argv[++i], 0, UINT64_MAX, &o.seed) < 0) {
                return tdm_cli_fail(CMD, "--seed: not a number: '%s'", argv[i]);
            }
        } else if (!strcmp(a, "--counter-slots") && val) {
            if (tdm_cli_number(argv[++i], 1, TDM_OTP_COUNTER_SLOTS_NRF5340, &v) < 0) {
                return tdm_cli_fail(CMD, "--counter-slots: not a number from 1 to 128 (the OTP region): '%s'", argv[i]);
            }
            o.counter_slots = (uint32_t)v;
        } else {
            return tdm_cli_fail(CMD, "unexpected argument '%s' (try tandem device create --help)", a);
        }
    }
    if (!dir) {
        return tdm_cli_fail(CMD, "missing --device DIR");
    }
    const struct tdm_sim_part *part = tdm_sim_part_find(o.part);
    if (!part) {
        return tdm_cli_fail(CMD, "--part: unknown NAND part '%s' (see tandem nand --help)", o.part);
    }
    if (o.bad_blocks > part->geo.max_bad_blocks) {
        return tdm_cli_fail(CMD, "--bad-blocks: %s allows at most %u factory bad blocks", part->name,
                            part->geo.max_bad_blocks);
    }
    if (layout_file) {
        if (read_layout(layout_file, &layout)) {
            return 2;
        }
        o.layout = &layout;
    }
    struct tdm_key key;
    if (key_file && tdm_key_load(&key, key_file) < 0) {
        return tdm_cli_fail(CMD, "--key: '%s' is not a readable P-256 key", key_file);
    }
    static struct tdm_sim_device dev;
    int err = tdm_sim_device_create(&dev, dir, &o);
    if (err == TDM_E_STATE) {
        return tdm_cli_fail(CMD, "'%s' already holds a device (remove it first)", dir);
    }
    if (err == TDM_E_BOOT_LAYOUT) {
        return tdm_device_layout_fail(CMD, layout_file ? layout_file : "default layout", &dev.layout_diag);
    }
    if (err < 0) {
        return tdm_cli_fail(CMD, "cannot create '%s': %s", dir, tdm_strerror(err));
    }
    char key_path[1100];
    snprintf(key_path, sizeof key_path, "%s/trusted_key.pem", dir);
    if (key_file && tdm_key_save_pub(&key, key_path) < 0) {
        tdm_sim_device_close(&dev);
        return tdm_cli_fail(CMD, "cannot write '%s'", key_path);
    }
    const struct tdm_layout *l = &dev.layout;
    printf("created device %s: nRF5340 (app flash 1 MB, net flash 256 KB), %s with %u factory bad blocks, "
           "seed %llu\n",
           dir, part->name, o.bad_blocks, (unsigned long long)o.seed);
    if (key_file) {
        printf("  trusted package key %s (from %s)\n", key_path, key_file);
    }
    const struct tdm_sim_faults *f = &o.nand_faults;
    if (f->program_fail_ppm || f->bitflip_ppm || f->disturb_ppm || f->retention_ppm || f->torn_mask || f->weak_life) {
        printf("  NAND faults: grown bad %u ppm, bit flips %u ppm x %u bits, disturb %u ppm, retention %u ppm, "
               "torn outcomes 0x%02X, weak life %u\n",
               f->program_fail_ppm, f->bitflip_ppm, f->bitflip_bits ? f->bitflip_bits : 1, f->disturb_ppm,
               f->retention_ppm, f->torn_mask ? f->torn_mask : (1u << TDM_SIM_TORN_KINDS) - 1, f->weak_life);
    }
    printf("  bootloader 0x%08X %7u B   app slot 0x%08X %7u B\n", l->bootloader.addr, l->bootloader.size,
           l->app_slot.addr, l->app_slot.size);
    printf("  netboot    0x%08X %7u B   net slot 0x%08X %7u B\n", l->netboot.addr, l->netboot.size,
           l->net_slot.addr, l->net_slot.size);
    printf("  store      NAND blocks %u..%u   shared window 0x%08X %u B\n", l->store_first_block,
           l->store_first_block + l->store_blocks - 1, l->shared.addr, l->shared.size);
    tdm_sim_device_close(&dev);
    return 0;
}
