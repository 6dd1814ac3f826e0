/* Corpus firmware packed as tandem sets, for tests/delta and bench/bench_delta: the application image is
 * a release of the nRF52 connectivity corpus (tests/data/firmware), the network image a seeded 64 KB
 * binary with a few bytes changed per version, both wrapped as signed MCUboot images and packed with a
 * seeded key. Host-only helpers (malloc); include once per program. */
#ifndef TANDEM_TESTS_DELTA_CORPUS_SET_H
#define TANDEM_TESTS_DELTA_CORPUS_SET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg_build.h"
#include "tandem/err.h"

static const char *const tdm_corpus_versions[] = {"4.0.0", "4.1.0", "4.1.1", "4.1.2", "4.1.4"};
#define TDM_CORPUS_COUNT 5

/* Read a whole file (malloc); NULL when missing. */
static inline uint8_t *tdm_corpus_load(const char *dir, unsigned i, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%.900s/%s.bin", dir, tdm_corpus_versions[i]);
    uint8_t *b = NULL;
    return tdm_file_read(path, &b, len) == 0 ? b : NULL;
}

/* Pack release i as set version 4.i.0, counter i + 1. Returns 0 or an error; *pkg malloc'd. */
static inline int tdm_corpus_pack(const char *dir, unsigned i, uint8_t **pkg, size_t *len)
{
    struct tdm_key key;
    size_t app_len;
    uint8_t *app = tdm_corpus_load(dir, i, &app_len);
    uint8_t *net = malloc(65536);
    if (app == NULL || net == NULL || tdm_key_from_seed(&key, 0x64656c7461u) < 0) {
        free(app);
        free(net);
        return TDM_E_HOST_FILE;
    }
    uint64_t s = 0x6e6574;
    for (size_t k = 0; k < 65536; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        net[k] = (uint8_t)(s >> 56);
    }
    for (unsigned v = 0; v < i; v++) {
        net[1000 + 4096 * v] ^= 0x10; /* a few bytes change per release */
    }
    struct tdm_layout l;
    tdm_pkg_host_layout(&l);
    struct tdm_image_params ip = {.version = {4, (uint8_t)i, 0, 0}, .has_sec_cnt = 1, .sec_cnt = i + 1, .key = &key};
    uint8_t *img[2] = {NULL, NULL};
    size_t img_len[2] = {0, 0};
    int err = tdm_image_wrap(app, app_len, &ip, &img[0], &img_len[0]);
    if (err == 0) {
        err = tdm_image_wrap(net, 65536, &ip, &img[1], &img_len[1]);
    }
    struct tdm_pack_params pp = {.set_version = {4, (uint8_t)i, 0, 0}, .counter = i + 1,
                                 .hw_id = TDM_PKG_HW_ID_DEFAULT, .key = &key, .count = 2};
    pp.comp[0] = (struct tdm_pack_component){TDM_PKG_COMP_APP, 0, l.app_slot.addr, img[0], img_len[0]};
    pp.comp[1] = (struct tdm_pack_component){TDM_PKG_COMP_NET, 1, l.net_slot.addr, img[1], img_len[1]};
    int bad;
    if (err == 0) {
        err = tdm_pack(&pp, pkg, len, &bad);
    }
    free(app);
    free(net);
    free(img[0]);
    free(img[1]);
    return err;
}

#endif
