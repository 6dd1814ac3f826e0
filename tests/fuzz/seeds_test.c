/* Scenario "the seeds get past the signature, and only the marker does": the pkg and mcuboot targets
 * check signatures with the fuzz-only port (fuzz/fuzz_crypto.h). The sealed seeds must verify with it
 * (else the fuzzer starts from inputs that stop at the signature), the ecdsa_* seeds (real signatures)
 * must be refused by it, and the sealed package must be refused by the real host port (the marker is
 * not a signature). usage: fuzz_seeds_test CORPUS_DIR (fuzz/corpus); on failure it prints the replay line.
 * Owns: those checks. Never: part of a device build. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_crypto.h"
#include "fuzz_key.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static int failures;
static const char *argv0, *root;

static void expect(const char *what, int got, int want)
{
    if (got != want) {
        printf("FAIL %s: got %d (%s), want %d (%s); replay: %s %s\n", what, got, tdm_strerror(got), want,
               tdm_strerror(want), argv0, root);
        failures++;
    }
}

/* The seed root/sub/name, read whole (malloc); exits on a missing seed. */
static uint8_t *seed(const char *sub, const char *name, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", root, sub, name);
    uint8_t *b;
    if (tdm_file_read(path, &b, n) < 0) {
        printf("FAIL cannot read %s; replay: %s %s\n", path, argv0, root);
        exit(1);
    }
    return b;
}

static int pkg_verdict(const char *name, const struct tdm_crypto_ops *ops)
{
    size_t n;
    uint8_t *b = seed("pkg", name, &n);
    struct tdm_pkg_config cfg;
    static struct tdm_pkg_parser p;
    tdm_pkg_host_config(&cfg, ops, tdm_fuzz_key, 1);
    cfg.image_sig = TDM_PKG_IMAGE_SIG_REQUIRE;
    int err = tdm_pkg_verify_buf(&cfg, b, n, &p);
    free(b);
    return err;
}

static int image_verdict(const char *name, const struct tdm_crypto_ops *ops)
{
    size_t n;
    uint8_t *b = seed("mcuboot", name, &n);
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN], id[1][TDM_SHA256_LEN];
    int err = tdm_mcuboot_verify(ops, b, (uint32_t)n, &img, hash);
    if (err == 0) {
        err = tdm_mcuboot_key_hash(ops, tdm_fuzz_key[0], id[0]);
    }
    if (err == 0) {
        err = tdm_mcuboot_check_sig(ops, &img, hash, tdm_fuzz_key, (const uint8_t(*)[TDM_SHA256_LEN])id, 1);
    }
    free(b);
    return err;
}

int main(int argc, char **argv)
{
    argv0 = argv[0];
    root = argc > 1 ? argv[1] : "fuzz/corpus";
    const struct tdm_crypto_ops fuzz = tdm_fuzz_crypto(), host = tdm_host_crypto();
    expect("pkg/valid.tdm, fuzz port", pkg_verdict("valid.tdm", &fuzz), 0);
    expect("pkg/ecdsa_signed.tdm, fuzz port", pkg_verdict("ecdsa_signed.tdm", &fuzz), TDM_E_PKG_SIG);
    expect("pkg/valid.tdm, host port", pkg_verdict("valid.tdm", &host), TDM_E_PKG_SIG);
    expect("pkg/ecdsa_signed.tdm, host port", pkg_verdict("ecdsa_signed.tdm", &host), 0);
    static const char *sealed[] = {"ncs_style.img", "imgtool_pubkey.img", "net.img"};
    for (unsigned i = 0; i < 3; i++) {
        char what[64];
        snprintf(what, sizeof what, "mcuboot/%s, fuzz port", sealed[i]);
        expect(what, image_verdict(sealed[i], &fuzz), 0);
    }
    expect("mcuboot/ecdsa_signed.img, fuzz port", image_verdict("ecdsa_signed.img", &fuzz), TDM_E_PKG_SIG);
    expect("mcuboot/ecdsa_signed.img, host port", image_verdict("ecdsa_signed.img", &host), 0);
    if (failures) {
        return 1;
    }
    printf("fuzz seeds: sealed seeds pass the fuzz port, real signatures pass only the host port\n");
    return 0;
}
