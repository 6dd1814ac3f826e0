/* boot_story_gen DIR (host, run at build time): builds and signs the packages of the bootloader story on
 * the target (tests/target/boot_story_sets.h) and writes them into DIR, with the trusted public key:
 * DIR/key.pub and DIR/<id>.pkg. The QEMU test image reads them through semihosting.
 * Images and packages come from the host's package library (sim/signed_sets.c over pkg/host: MCUboot
 * images with the set marker, ECDSA P-256 signatures by mbedTLS), aimed at the default layout of the
 * nRF5340 with the story's NAND part. Owns: writing the files. Never: device code. */
#include <stdio.h>
#include <string.h>

#include "boot_story_sets.h"
#include "signed_sets.h"
#include "tandem/err.h"

static int put(const char *dir, const char *name, const char *ext, const uint8_t *b, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(b, 1, n, f) == n;
    if (f && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "boot_story_gen: cannot write %s\n", path);
    }
    return ok ? 0 : TDM_E_IO;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: boot_story_gen DIR\n");
        return 2;
    }
    const struct tdm_sim_part *part = tdm_sim_part_find(BST_NAND_PART);
    struct tdm_layout_hw hw;
    struct tdm_layout layout;
    tdm_layout_hw_nrf5340(&hw, part->geo.blocks, part->geo.page_size * part->geo.pages_per_block);
    tdm_layout_default(&layout, &hw);
    struct tdm_key key;
    int err = tdm_key_from_seed(&key, BST_KEY_SEED);
    err = err < 0 ? err : put(argv[1], BST_KEY_FILE, "", key.pub, sizeof key.pub);
    for (unsigned i = 0; err >= 0 && i < BST_SETS; i++) {
        const struct bst_set *b = &bst_sets[i];
        struct tdm_version v;
        err = tdm_version_parse(b->version_text, &v);
        if (err >= 0 && memcmp(&v, &b->version, sizeof v) != 0) {
            err = TDM_E_INVAL; /* the table's two spellings of the version disagree */
        }
        struct tdm_kit_spec spec = {.set_id = b->id, .version = b->version_text, .counter = b->counter,
                                    .app_behavior = b->app, .net_behavior = b->net, .app_size = BST_APP_SIZE,
                                    .net_size = BST_NET_SIZE, .seed = 1000u + i};
        struct tdm_kit_set set;
        err = err < 0 ? err : tdm_kit_make(&set, &spec, &key, &layout);
        if (err >= 0) {
            err = put(argv[1], b->id, ".pkg", set.pkg, set.pkg_len);
            tdm_kit_free(&set);
        }
    }
    if (err < 0) {
        fprintf(stderr, "boot_story_gen: %s\n", tdm_errname(err));
        return 1;
    }
    return 0;
}
