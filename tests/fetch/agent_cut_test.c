/* Power loss during a download, on the power-cut runner (sim/cutrun.h): a cut at every NAND operation of
 * the agent's run (before the operation and torn in the middle of it) on every part the simulator knows,
 * followed by power-on, mount and a resume that must end with the package committed bit-exact, verified
 * and PENDING, having fetched at most one NAND page twice per cut; second cuts inside the resume for a
 * seeded sample; and the same through the SPI-NAND driver over the SPI command model of the three small
 * parts (the device's bus, issue 14). The package is served by the rig's nginx.
 * Replay one run: --case NAME --part PART --seed S --cut N --torn T [--second M]. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_cut.h"
#include "rig.h"
#include "transport_curl.h"

static const char *const w25n[] = {"W25N-SMALL", NULL};
static const char *const small[] = {"MT29F-SMALL", "GD5F-SMALL", NULL};
static const char *const real[] = {"W25N01GV", "MT29F1G01ABAFD", "GD5F1GQ4UA", NULL};
static const char *const small3[] = {"W25N-SMALL", "MT29F-SMALL", "GD5F-SMALL", NULL};

/* Every fault kind of the chip from now on (after the format): grown bad blocks, bit flips, read disturb
 * and retention flips, as the store campaign's harsh chip. */
static int harsh_chip(struct afx_dev *d, void *arg)
{
    (void)arg;
    d->chip.faults.program_fail_ppm = 3000;
    d->chip.faults.erase_fail_ppm = 20000;
    d->chip.faults.bitflip_ppm = 3000;
    d->chip.faults.bitflip_bits = d->chip.geo.ecc_bits;
    d->chip.faults.disturb_ppm = 300;
    d->chip.faults.retention_ppm = 300;
    return 0;
}

static uint64_t seed_of(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--seed")) {
            return strtoull(argv[i + 1], NULL, 0);
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    static struct tdm_rig rig;
    static struct afx_dev dev;
    static struct tdm_key key;
    static uint8_t pub[1][TDM_P256_PUBKEY_LEN];
    static struct afx_pkg pkg;
    static char url[256];
    struct tdm_transport_ops ops;
    struct tdm_curl_transport *tr = NULL;
    if (tdm_rig_load(&rig) != 0) {
        return 1;
    }
    uint64_t seed = seed_of(argc, argv);
    struct tdm_curl_config cc = {.ca_file = rig.ca, .connect_timeout_ms = 3000, .low_speed_ms = 3000};
    if (tdm_key_from_seed(&key, seed) < 0 || tdm_fetch_curl_create(&cc, &ops, &tr) < 0 ||
        afx_build(&pkg, &key, 150000, 50000, 5, TDM_PKG_HW_ID_DEFAULT, seed + 21) < 0 ||
        tdm_rig_put(&rig, "cut.bin", pkg.buf, pkg.len, 1700002100) != 0) {
        fprintf(stderr, "agent_cut: set-up failed\n");
        return 1;
    }
    memcpy(pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    tdm_rig_url(rig.main_port, "cut.bin", url, sizeof url);
    static struct afx_cut_case k[4];
    afx_config(&dev, &k[0].cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pub);
    k[0].url = url;
    k[0].pkg = &pkg;
    k[1] = k[2] = k[3] = k[0];
    k[3].spi_hz = 32000000; /* the device's bus: SPIM4, 32 MHz, one line */
    k[3].prepare = harsh_chip;
    struct tdm_cutrun_case c[4] = {
        afx_cut_case_of("fetch: a cut at any NAND operation of a download resumes to a verified package", &k[0], w25n),
        afx_cut_case_of("fetch: a cut at any NAND operation of a download resumes to a verified package (Micron, "
                        "GigaDevice)", &k[1], small),
        afx_cut_case_of("fetch: a cut at any NAND operation of a download resumes to a verified package (1024 blocks)",
                        &k[2], real),
        afx_cut_case_of("fetch: a cut at any NAND operation of a download through the SPI-NAND driver, with every "
                        "fault kind, resumes to a verified package", &k[3], small3),
    };
    /* make check's slice: every operation of the W25N, a stride on the other parts (all in --full) */
    c[1].slice.stride = 4;
    c[2].slice.stride = 9;
    c[3].slice.stride = 7;
    c[1].slice.seconds = c[2].slice.seconds = c[3].slice.seconds = 1;
    c[3].slice.second_stride = 3;
    c[0].slice.second_stride = c[1].slice.second_stride = c[2].slice.second_stride = 3;
    int rc = tdm_cutrun_main(argc, argv, c, 4);
    if (rc == 0 && k[3].checked && (k[3].bus_transactions == 0 || k[3].nand_faults == 0)) {
        printf("FAIL  the SPI case checked %llu runs: %llu bus transactions, %llu NAND faults (both must happen)\n",
               (unsigned long long)k[3].checked, (unsigned long long)k[3].bus_transactions,
               (unsigned long long)k[3].nand_faults);
        rc = 1;
    } else if (k[3].checked) {
        printf("      SPI case: %llu bus transactions, %llu NAND faults (corrected flips, program and erase fails)\n",
               (unsigned long long)k[3].bus_transactions, (unsigned long long)k[3].nand_faults);
    }
    if (k[0].checked) {
        printf("      at most %llu bytes fetched twice after one cut (%llu runs checked)\n",
               (unsigned long long)k[0].refetch_max, (unsigned long long)k[0].checked);
    }
    tdm_fetch_curl_destroy(tr);
    free(pkg.buf);
    return rc;
}
