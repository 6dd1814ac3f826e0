/* pkg_vectors_gen (host): writes tests/target/pkg_vectors.c, the package test vectors of the target tests
 * (tests/target/pkg_vectors.h says what they hold), or checks that the committed file is what it writes
 * today (ctest pkg_target_vectors_current).
 *
 *   pkg_vectors_gen OUT.c          write the vectors
 *   pkg_vectors_gen --check FILE   exit 1 when FILE differs (regenerate: pkg_vectors_gen tests/target/pkg_vectors.c)
 *
 * Everything is deterministic: fixed seeds for keys and image bytes, RFC 6979 signatures. Every check runs
 * here with mbedTLS's ECDSA verifier (tdm_host_p256_verify_mbedtls, not the device verifier the target
 * runs) behind a recorder that keeps each ECDSA verification and its answer: the ones the packages' own
 * checks ask and three probes per accepted one (a byte of key, hash or signature flipped) make the table
 * of ECDSA triples the target's verifier must answer as mbedTLS did; the truncation / flip campaigns are
 * counted (calls, accepted).
 * Owns: building and describing the vectors. Never: device code, randomness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkg_build.h"
#include "pkg_vectors.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/le.h"

#define MAX_TRIPLES 256

struct triple {
    uint8_t pub[TDM_P256_PUBKEY_LEN], hash[TDM_SHA256_LEN], sig[TDM_P256_SIG_LEN];
    int answer, probe;
};

struct rec {
    struct tdm_crypto_ops host;
    struct triple t[MAX_TRIPLES];
    unsigned n;
    int campaign;             /* -1: the vectors' own checks (recorded); 0..2: a campaign (counted) */
    unsigned calls[3][2];     /* per campaign: calls, accepted */
};

static struct triple *find(struct rec *r, const uint8_t *pub, const uint8_t *hash, const uint8_t *sig)
{
    for (unsigned i = 0; i < r->n; i++) {
        struct triple *t = &r->t[i];
        if (!memcmp(t->pub, pub, sizeof t->pub) && !memcmp(t->hash, hash, sizeof t->hash) &&
            !memcmp(t->sig, sig, sizeof t->sig)) {
            return t;
        }
    }
    return NULL;
}

static void add(struct rec *r, const uint8_t *pub, const uint8_t *hash, const uint8_t *sig, int answer, int probe)
{
    if (find(r, pub, hash, sig)) {
        return;
    }
    if (r->n == MAX_TRIPLES) {
        fprintf(stderr, "pkg_vectors_gen: more than %d ECDSA triples\n", MAX_TRIPLES);
        exit(2);
    }
    struct triple *t = &r->t[r->n++];
    memcpy(t->pub, pub, sizeof t->pub);
    memcpy(t->hash, hash, sizeof t->hash);
    memcpy(t->sig, sig, sizeof t->sig);
    t->answer = answer;
    t->probe = probe;
}

static int rec_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                      const uint8_t sig[TDM_P256_SIG_LEN])
{
    struct rec *r = ctx;
    int answer = r->host.p256_verify(r->host.ctx, pub, hash, sig);
    if (r->campaign < 0) {
        add(r, pub, hash, sig, answer, 0);
        return answer;
    }
    r->calls[r->campaign][0]++;
    r->calls[r->campaign][1] += answer == 0;
    return answer;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void must(int err, const char *what)
{
    if (err < 0) {
        fprintf(stderr, "pkg_vectors_gen: %s: %s\n", what, tdm_errname(err));
        exit(2);
    }
}

struct set {
    uint8_t *app, *net, *pkg;
    size_t app_len, net_len, pkg_len;
};

/* Two images of seeded random bytes (app depends on net >= 2.1.0, both counter 5), packed as set 2.1.0+7. */
static void build_set(struct set *s, uint64_t seed, size_t app_len, size_t net_len, uint16_t hdr,
                      const struct tdm_key *img_key, const struct tdm_key *pkg_key, int pubkey, const char *note)
{
    uint8_t *raw = malloc(app_len + net_len);
    for (size_t i = 0; i < app_len + net_len; i++) {
        raw[i] = (uint8_t)rnd(&seed);
    }
    struct tdm_image_params ip = {.version = {2, 1, 0, 7}, .hdr_size = hdr, .has_sec_cnt = 1, .sec_cnt = 5,
                                  .key = img_key, .pubkey_tlv = pubkey, .pad_sig = pubkey};
    must(tdm_image_wrap(raw + app_len, net_len, &ip, &s->net, &s->net_len), "wrap net");
    ip.dep_count = 1;
    ip.deps[0].image_id = 1;
    ip.deps[0].min_version = (struct tdm_version){2, 1, 0, 0};
    must(tdm_image_wrap(raw, app_len, &ip, &s->app, &s->app_len), "wrap app");
    free(raw);
    struct tdm_pack_params pp = {.set_version = {2, 1, 0, 7}, .counter = 5, .hw_id = TDM_PKG_HW_ID_DEFAULT,
                                 .key = pkg_key, .note = note, .count = 2};
    pp.comp[0] = (struct tdm_pack_component){1, 0, 0x00010000u, s->app, s->app_len}; /* parser vectors: any address */
    pp.comp[1] = (struct tdm_pack_component){2, 1, 0x01004000u, s->net, s->net_len};
    int bad;
    must(tdm_pack(&pp, &s->pkg, &s->pkg_len, &bad), "pack");
}

static void put_bytes(FILE *o, const char *name, const uint8_t *b, size_t n)
{
    fprintf(o, "static const uint8_t %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "%s0x%02x,", i % 20 ? "" : "\n    ", b[i]);
    }
    fprintf(o, "\n};\n\n");
}

static void put_inline(FILE *o, const uint8_t *b, size_t n)
{
    fprintf(o, "{");
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "%s0x%02x", i ? "," : "", b[i]);
    }
    fprintf(o, "}");
}

static void put_version(FILE *o, const struct tdm_version *v)
{
    fprintf(o, "{%u, %u, %u, %lu}", v->major, v->minor, v->revision, (unsigned long)v->build);
}

static void put_verdicts(FILE *o, const char *name, const int8_t *v, size_t n)
{
    fprintf(o, "const int8_t %s[%zu] = {", name, n);
    for (size_t i = 0; i < n; i++) {
        fprintf(o, "%s%d,", i % 20 ? " " : "\n    ", v[i]);
    }
    fprintf(o, "\n};\n\n");
}

static void put_package(FILE *o, const char *name, const char *arr, const uint8_t *pkg, size_t len,
                        const struct tdm_pkg_config *cfg)
{
    static struct tdm_pkg_parser p;
    int err = tdm_pkg_verify_buf(cfg, pkg, len, &p);
    const struct tdm_pkg_manifest *m = &p.m;
    fprintf(o, "    {\"%s\", %s, %zu, %d, /* %s */\n", name, arr, len, err, err ? tdm_errname(err) : "verifies");
    if (err < 0) {
        fprintf(o, "     0, 0, 0, 0, 0, {0, 0, 0, 0}, -1, 0, {{0}}},\n");
        return;
    }
    fprintf(o, "     %u, %lu, 0x%lx, %lu, %lu, ", m->count, (unsigned long)m->sec_counter, (unsigned long)m->hw_id,
            (unsigned long)m->manifest_len, (unsigned long)m->total_size);
    put_version(o, &m->set_version);
    fprintf(o, ", %d, %u,\n     {", m->key_index, m->note_len);
    for (unsigned c = 0; c < 2; c++) {
        const struct tdm_pkg_component *k = &m->comp[c];
        fprintf(o, "%s{%u, %u, 0x%x, %lu, %lu, %lu, 0x%lx, %u, %lu, %d, ", c ? ",\n      " : "", k->id, k->slot,
                k->hdr_size, (unsigned long)k->offset, (unsigned long)k->size, (unsigned long)k->hashed_len,
                (unsigned long)k->load_addr, k->has_sec_cnt, (unsigned long)k->sec_cnt, k->image_sig_err);
        put_version(o, &k->version);
        fprintf(o, ",\n       ");
        put_inline(o, k->hash, TDM_SHA256_LEN);
        fprintf(o, ",\n       ");
        put_inline(o, k->tlv_hash, TDM_SHA256_LEN);
        fprintf(o, "}");
    }
    fprintf(o, "}},\n");
}

static void put_image(FILE *o, const char *name, const char *expr, const uint8_t *b, size_t len,
                      const struct tdm_crypto_ops *ops, const uint8_t (*keys)[TDM_P256_PUBKEY_LEN],
                      const uint8_t (*ids)[TDM_SHA256_LEN])
{
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN] = {0};
    memset(&img, 0, sizeof img);
    int err = tdm_mcuboot_verify(ops, b, (uint32_t)len, &img, hash);
    int sig = err < 0 ? err : tdm_mcuboot_check_sig(ops, &img, hash, keys, ids, 1);
    fprintf(o, "    {\"%s\", %s, %zu, %d, %d, /* %s, signature %s */\n", name, expr, len, err, sig,
            err ? tdm_errname(err) : "verifies", sig ? tdm_errname(sig) : "verifies");
    fprintf(o, "     0x%x, %lu, %lu, %lu, ", img.hdr.hdr_size, (unsigned long)img.hdr.img_size,
            (unsigned long)img.hashed_len, (unsigned long)img.total_len);
    put_version(o, &img.hdr.version);
    fprintf(o, ", %u, %d, %d, %d, %u,\n     ", img.tlv_count, img.keyhash != NULL, img.pubkey != NULL,
            img.sig != NULL, img.has_sec_cnt);
    put_inline(o, hash, TDM_SHA256_LEN);
    fprintf(o, "},\n");
}

static void campaign(struct rec *r, int which, const struct tdm_pkg_config *cfg, const struct set *s, int8_t *out)
{
    static struct tdm_pkg_parser p;
    uint8_t *b = malloc(s->pkg_len);
    r->campaign = which;
    for (size_t i = 0; i < s->pkg_len; i++) {
        memcpy(b, s->pkg, s->pkg_len);
        size_t len = s->pkg_len;
        if (which == 0) {
            len = i;
        } else {
            b[i] ^= which == 1 ? 0xff : 0x01;
        }
        int err = tdm_pkg_verify_buf(cfg, b, len, &p);
        if (err >= 0) {
            fprintf(stderr, "pkg_vectors_gen: campaign %d position %zu is accepted\n", which, i);
            exit(2);
        }
        out[i] = (int8_t)err;
    }
    free(b);
    r->campaign = -1;
}

static int mbedtls_verify(void *ctx, const uint8_t pub[TDM_P256_PUBKEY_LEN], const uint8_t hash[TDM_SHA256_LEN],
                          const uint8_t sig[TDM_P256_SIG_LEN])
{
    (void)ctx;
    return tdm_host_p256_verify_mbedtls(pub, hash, sig);
}

static void generate(FILE *o)
{
    static struct rec r;
    r.host = tdm_host_crypto();
    r.host.p256_verify = mbedtls_verify;
    r.campaign = -1;
    struct tdm_crypto_ops ops = r.host;
    ops.ctx = &r;
    ops.p256_verify = rec_verify;
    struct tdm_key key, other;
    must(tdm_key_from_seed(&key, 0x5340), "key");
    must(tdm_key_from_seed(&other, 0x5341), "other key");
    uint8_t keys[1][TDM_P256_PUBKEY_LEN], ids[1][TDM_SHA256_LEN];
    memcpy(keys[0], key.pub, sizeof keys[0]);
    tdm_key_id(&key, ids[0]);
    struct tdm_pkg_config cfg;
    pkgv_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])keys);

    struct set small, ncs, imgtool, claims, unsig, unknown;
    build_set(&small, 11, 64, 48, 32, &key, &key, 0, NULL);
    build_set(&ncs, 12, 700, 300, 0x200, &key, &key, 0, NULL);
    build_set(&imgtool, 13, 1500, 600, 32, &key, &key, 1, "tandem target vectors");
    build_set(&claims, 11, 64, 48, 32, &key, &other, 0, NULL);
    tdm_key_id(&key, claims.pkg + TDM_PKG_HEADER_LEN + tdm_get_le32(claims.pkg + 8) + 4);
    build_set(&unsig, 11, 64, 48, 32, &key, NULL, 0, NULL);
    build_set(&unknown, 11, 64, 48, 32, &key, &other, 0, NULL);
    struct set lone; /* images of their own: unsigned, and signed by a key the device does not trust */
    build_set(&lone, 14, 300, 200, 0x200, NULL, &key, 0, NULL);
    struct set foreign;
    build_set(&foreign, 15, 250, 100, 32, &other, &other, 0, NULL);

    fprintf(o, "/* GENERATED by tests/target/pkg_vectors_gen.c (host, mbedTLS) -- do not edit; the ctest\n"
               " * pkg_target_vectors_current checks that this is what the generator writes today.\n"
               " * Owns: the package test vectors of tests/target/pkg_vectors.h. Never: hand edits. */\n"
               "#include \"pkg_vectors.h\"\n\n");
    fprintf(o, "const uint8_t pkgv_key[TDM_P256_PUBKEY_LEN] = ");
    put_inline(o, keys[0], TDM_P256_PUBKEY_LEN);
    fprintf(o, ";\nconst uint8_t pkgv_key_id[TDM_SHA256_LEN] = ");
    put_inline(o, ids[0], TDM_SHA256_LEN);
    fprintf(o, ";\n\n");
    put_bytes(o, "pkg_small", small.pkg, small.pkg_len);
    put_bytes(o, "pkg_ncs", ncs.pkg, ncs.pkg_len);
    put_bytes(o, "pkg_imgtool", imgtool.pkg, imgtool.pkg_len);
    put_bytes(o, "pkg_claims", claims.pkg, claims.pkg_len);
    put_bytes(o, "pkg_unsigned", unsig.pkg, unsig.pkg_len);
    put_bytes(o, "pkg_unknown", unknown.pkg, unknown.pkg_len);
    put_bytes(o, "img_unsigned", lone.app, lone.app_len);
    put_bytes(o, "img_foreign", foreign.net, foreign.net_len);

    fprintf(o, "const struct pkgv_package pkgv_packages[] = {\n");
    put_package(o, "small: app 64 B + net 48 B, 32-byte headers, KEYHASH", "pkg_small", small.pkg, small.pkg_len, &cfg);
    put_package(o, "nRF Connect SDK: 0x200 headers", "pkg_ncs", ncs.pkg, ncs.pkg_len, &cfg);
    put_package(o, "imgtool: PUBKEY TLV, zero-padded DER signature, a note", "pkg_imgtool", imgtool.pkg,
                imgtool.pkg_len, &cfg);
    put_package(o, "signed by another key claiming the trusted key's id", "pkg_claims", claims.pkg, claims.pkg_len,
                &cfg);
    put_package(o, "unsigned (signature type 0)", "pkg_unsigned", unsig.pkg, unsig.pkg_len, &cfg);
    put_package(o, "signed by an untrusted key", "pkg_unknown", unknown.pkg, unknown.pkg_len, &cfg);
    fprintf(o, "};\nconst unsigned pkgv_npackages = sizeof pkgv_packages / sizeof pkgv_packages[0];\n\n");

    /* Images inside packages are named by their offset (the same bytes: a package carries them exactly). */
    size_t ncs_app = ncs.pkg_len - ncs.app_len - ncs.net_len;
    size_t ig_app = imgtool.pkg_len - imgtool.app_len - imgtool.net_len;
    char e1[64], e2[64], e3[64], e4[64];
    snprintf(e1, sizeof e1, "pkg_ncs + %zu", ncs_app);
    snprintf(e2, sizeof e2, "pkg_ncs + %zu", ncs_app + ncs.app_len);
    snprintf(e3, sizeof e3, "pkg_imgtool + %zu", ig_app);
    snprintf(e4, sizeof e4, "pkg_imgtool + %zu", ig_app + imgtool.app_len);
    if (memcmp(ncs.pkg + ncs_app, ncs.app, ncs.app_len) || memcmp(imgtool.pkg + ig_app, imgtool.app, imgtool.app_len)) {
        fprintf(stderr, "pkg_vectors_gen: components are not at the end of the package\n");
        exit(2);
    }
    const uint8_t(*k)[TDM_P256_PUBKEY_LEN] = (const uint8_t(*)[TDM_P256_PUBKEY_LEN])keys;
    const uint8_t(*id)[TDM_SHA256_LEN] = (const uint8_t(*)[TDM_SHA256_LEN])ids;
    fprintf(o, "const struct pkgv_image pkgv_images[] = {\n");
    put_image(o, "nRF Connect SDK app: 0x200 header, KEYHASH, dependency", e1, ncs.app, ncs.app_len, &ops, k, id);
    put_image(o, "nRF Connect SDK net", e2, ncs.net, ncs.net_len, &ops, k, id);
    put_image(o, "imgtool app: PUBKEY TLV, padded DER signature", e3, imgtool.app, imgtool.app_len, &ops, k, id);
    put_image(o, "imgtool net", e4, imgtool.net, imgtool.net_len, &ops, k, id);
    put_image(o, "unsigned: SHA256 TLV only", "img_unsigned", lone.app, lone.app_len, &ops, k, id);
    put_image(o, "signed by an untrusted key", "img_foreign", foreign.net, foreign.net_len, &ops, k, id);
    fprintf(o, "};\nconst unsigned pkgv_nimages = sizeof pkgv_images / sizeof pkgv_images[0];\n\n");

    /* Probes: each accepted triple with one byte of key, hash and signature flipped, mbedTLS's answers. */
    unsigned asked = r.n;
    for (unsigned i = 0; i < asked; i++) {
        if (r.t[i].answer != 0) {
            continue;
        }
        for (int part = 0; part < 3; part++) {
            struct triple t = r.t[i];
            uint8_t *b = part == 0 ? t.pub : part == 1 ? t.hash : t.sig;
            b[1 + (i * 7 + (unsigned)part * 13) % 31] ^= 0x01;
            add(&r, t.pub, t.hash, t.sig, r.host.p256_verify(r.host.ctx, t.pub, t.hash, t.sig), 1);
        }
    }
    static int8_t trunc[4096], ff[4096], x01[4096];
    if (small.pkg_len > sizeof trunc) {
        fprintf(stderr, "pkg_vectors_gen: the small package has %zu bytes\n", small.pkg_len);
        exit(2);
    }
    campaign(&r, 0, &cfg, &small, trunc);
    campaign(&r, 1, &cfg, &small, ff);
    campaign(&r, 2, &cfg, &small, x01);
    put_verdicts(o, "pkgv_trunc", trunc, small.pkg_len);
    put_verdicts(o, "pkgv_flip_ff", ff, small.pkg_len);
    put_verdicts(o, "pkgv_flip_01", x01, small.pkg_len);
    fprintf(o, "const unsigned pkgv_campaign_verifies[3][2] = {{%u, %u}, {%u, %u}, {%u, %u}};\n\n", r.calls[0][0],
            r.calls[0][1], r.calls[1][0], r.calls[1][1], r.calls[2][0], r.calls[2][1]);

    fprintf(o, "const struct pkgv_ecdsa pkgv_ecdsa[] = {\n");
    for (unsigned i = 0; i < r.n; i++) {
        fprintf(o, "    {");
        put_inline(o, r.t[i].pub, TDM_P256_PUBKEY_LEN);
        fprintf(o, ",\n     ");
        put_inline(o, r.t[i].hash, TDM_SHA256_LEN);
        fprintf(o, ",\n     ");
        put_inline(o, r.t[i].sig, TDM_P256_SIG_LEN);
        fprintf(o, ",\n     %d, %d}, /* %s%s */\n", r.t[i].answer, r.t[i].probe,
                r.t[i].answer ? tdm_errname(r.t[i].answer) : "valid", r.t[i].probe ? ", probe" : "");
    }
    fprintf(o, "};\nconst unsigned pkgv_necdsa = sizeof pkgv_ecdsa / sizeof pkgv_ecdsa[0];\n");

    struct set *all[] = {&small, &ncs, &imgtool, &claims, &unsig, &unknown, &lone, &foreign};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(all[i]->app);
        free(all[i]->net);
        free(all[i]->pkg);
    }
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        fprintf(stderr, "usage: pkg_vectors_gen OUT.c | pkg_vectors_gen --check FILE\n");
        return 2;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    if (!o) {
        return 2;
    }
    generate(o);
    fclose(o);
    const char *path = argv[argc - 1];
    if (check) {
        uint8_t *old = NULL;
        size_t old_len = 0;
        if (tdm_file_read(path, &old, &old_len) < 0) {
            fprintf(stderr, "pkg_vectors_gen: --check: cannot read '%s'\n", path);
            free(text);
            return 2;
        }
        size_t i = 0, line = 1;
        while (i < len && i < old_len && (uint8_t)text[i] == old[i]) {
            line += text[i++] == '\n';
        }
        int same = i == len && len == old_len;
        if (!same) {
            fprintf(stderr, "pkg_vectors_gen: '%s' differs from what the generator writes today (line %zu); "
                            "regenerate: pkg_vectors_gen %s\n", path, line, path);
        } else {
            printf("pkg_vectors_gen: '%s' is current (%zu bytes)\n", path, len);
        }
        free(old);
        free(text);
        return same ? 0 : 1;
    }
    int err = tdm_file_write(path, (const uint8_t *)text, len);
    free(text);
    if (err < 0) {
        fprintf(stderr, "pkg_vectors_gen: cannot write '%s'\n", path);
        return 2;
    }
    return 0;
}
