/* The firmware sets of the bootloader story on the target (tests/target/boot_story_target.c): one table
 * read by both sides, the host generator that builds and signs them (boot_story_gen.c, at build time) and
 * the test image that stages them into the simulated chip.
 * Owns: the sets' names, versions, counters, behaviours, sizes, the signing key's seed and the file names
 * in the generator's output directory. Never: bytes of a package (the generator makes them, with the
 * package library of the host tools). */
#ifndef TANDEM_TESTS_BOOT_STORY_SETS_H
#define TANDEM_TESTS_BOOT_STORY_SETS_H

#include <stdint.h>

#include "firmware.h"
#include "tandem/mcuboot.h"

#define BST_KEY_SEED 77u      /* tdm_key_from_seed: the package key the bootloader trusts */
#define BST_APP_SIZE 24000u   /* firmware body bytes: 6 app-flash pages with the MCUboot header and TLVs */
#define BST_NET_SIZE 12000u   /* 6 net-flash pages */
/* The chip: the board's part (docs/TARGET.md, memory maps), whose 24 free spare bytes hold the store's
 * 16-byte page tag through the SPI-NAND driver (store format 2). */
#define BST_NAND_PART "W25N01GV"
#define BST_KEY_FILE "key.pub"     /* the 65-byte public key */
/* Per set: <id>.pkg, the signed package of its two MCUboot images. */

struct bst_set {
    const char *id;                /* the set id the images carry (the simulator's "same package" check) */
    const char *version_text;      /* for the generator */
    struct tdm_version version;    /* the same, for the test */
    uint32_t counter;              /* security counter of the set */
    enum tdm_sim_behavior app, net; /* what the images do when started */
};

enum { BST_V1 = 0, BST_V2 = 1, BST_V3 = 2, BST_SETS = 3 };

static const struct bst_set bst_sets[BST_SETS] = {
    {"v1", "1.0.0+1", {1, 0, 0, 1}, 1, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY},
    {"v2", "2.0.0+1", {2, 0, 0, 1}, 2, TDM_SIM_HEALTHY, TDM_SIM_HEALTHY},
    {"v3", "3.0.0+1", {3, 0, 0, 1}, 3, TDM_SIM_CRASH, TDM_SIM_HEALTHY}, /* its application fails the trial */
};

#endif
