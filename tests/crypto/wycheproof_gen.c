/* Writes tests/crypto/wycheproof_vectors.c from Wycheproof's ecdsa_secp256r1_sha256_test.json, or checks
 * that the committed file is what it writes today (the ctest p256_wycheproof_current):
 *   wycheproof_gen JSON OUT.c            write
 *   wycheproof_gen --check JSON FILE     exit 1 when FILE differs
 * The JSON is read with a small scanner that knows only what this file needs: the keys "uncompressed"
 * (a group's public key), then per test "tcId", "msg", "sig" and "result". Messages are hashed here with
 * mbedTLS's SHA-256; signatures are kept as DER, undecoded (the run decodes them on the machine under test);
 * byte strings are written as hex text, as in the JSON.
 * "acceptable" (none in this version of the file) is written as must-reject: the verifier takes the strict
 * side, so a BER or otherwise tolerated encoding is refused.
 * Owns: the conversion. Never: a verdict of its own (expected results are copied from the JSON).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "pkg_build.h"
#include "wycheproof.h"

#define MAX_KEYS 256
#define MAX_VECTORS 1024

struct vec {
    unsigned tc_id, key, valid;
    size_t der_len;
    unsigned char *der;
    unsigned char hash[32];
};

struct scan {
    const char *s, *end;
};

/* Reads a JSON string at sc->s (after the opening quote) into out (may be NULL); leaves sc->s after
 * the closing quote. Escapes are kept undecoded: the fields this tool reads are hex or plain words. */
static int read_string(struct scan *sc, char *out, size_t cap)
{
    size_t n = 0;
    while (sc->s < sc->end && *sc->s != '"') {
        if (*sc->s == '\\' && sc->s + 1 < sc->end) {
            sc->s++;
        }
        if (out && n + 1 < cap) {
            out[n++] = *sc->s;
        }
        sc->s++;
    }
    if (sc->s >= sc->end) {
        return -1;
    }
    sc->s++;
    if (out) {
        out[n] = 0;
    }
    return 0;
}

static void skip_space(struct scan *sc)
{
    while (sc->s < sc->end && isspace((unsigned char)*sc->s)) {
        sc->s++;
    }
}

/* Hex text into at most cap bytes (the run's own decoder, tests/crypto/wycheproof.c). */
static int hex_bytes(const char *h, unsigned char *out, size_t cap, size_t *len)
{
    long n = wyc_unhex(h, out, cap);
    *len = n < 0 ? 0 : (size_t)n;
    return n < 0 ? -1 : 0;
}

static unsigned char keys[MAX_KEYS][65];
static struct vec vecs[MAX_VECTORS];
static unsigned nkeys, nvecs, declared;
static char value[16384];
static unsigned char bytes[8192];

/* One "key": value pair whose key this tool uses; the scanner is at the value. */
static int take(struct scan *sc, const char *key, struct vec *cur)
{
    size_t len;
    if (strcmp(key, "tcId") == 0 || strcmp(key, "numberOfTests") == 0) {
        unsigned v = (unsigned)strtoul(sc->s, NULL, 10);
        *(strcmp(key, "tcId") == 0 ? &cur->tc_id : &declared) = v;
        return 0;
    }
    if (*sc->s != '"') {
        return 0;
    }
    sc->s++;
    if (read_string(sc, value, sizeof value) < 0) {
        return -1;
    }
    if (strcmp(key, "uncompressed") == 0) {
        if (nkeys == MAX_KEYS || hex_bytes(value, keys[nkeys], 65, &len) < 0 || len != 65) {
            return -1;
        }
        nkeys++;
    } else if (strcmp(key, "msg") == 0) {
        if (hex_bytes(value, bytes, sizeof bytes, &len) < 0 || mbedtls_sha256_ret(bytes, len, cur->hash, 0)) {
            return -1;
        }
    } else if (strcmp(key, "sig") == 0) {
        free(cur->der);
        if (hex_bytes(value, bytes, sizeof bytes, &len) < 0 || !(cur->der = malloc(len ? len : 1))) {
            return -1;
        }
        memcpy(cur->der, bytes, len);
        cur->der_len = len;
    } else if (strcmp(key, "result") == 0) {
        if (nkeys == 0 || nvecs == MAX_VECTORS || !cur->der ||
            (strcmp(value, "valid") && strcmp(value, "invalid") && strcmp(value, "acceptable"))) {
            return -1;
        }
        cur->valid = strcmp(value, "valid") == 0;
        cur->key = nkeys - 1;
        vecs[nvecs++] = *cur;
        memset(cur, 0, sizeof *cur);
    }
    return 0;
}

static int parse(const char *text, size_t n)
{
    struct scan sc = {text, text + n};
    struct vec cur = {0};
    char key[64];
    while (sc.s < sc.end) {
        if (*sc.s++ != '"') {
            continue;
        }
        if (read_string(&sc, key, sizeof key) < 0) {
            return -1;
        }
        skip_space(&sc);
        if (sc.s < sc.end && *sc.s == ':') { /* a key: look at its value */
            sc.s++;
            skip_space(&sc);
            if (take(&sc, key, &cur) < 0) {
                free(cur.der);
                fprintf(stderr, "wycheproof_gen: bad value for \"%s\" near tcId %u\n", key, cur.tc_id);
                return -1;
            }
        }
    }
    free(cur.der); /* an unfinished record */
    return nvecs == declared && nvecs > 0 ? 0 : -1;
}

/* Hex text, in string pieces of 100 characters (C concatenates them). */
static void put_hex(FILE *f, const unsigned char *b, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%02x%s", b[i], i % 50 == 49 && i + 1 < n ? "\"\n        \"" : "");
    }
    fputc('"', f);
}

static void emit(FILE *f)
{
    fprintf(f, "/* GENERATED by tests/crypto/wycheproof_gen.c from tests/data/wycheproof/ecdsa_secp256r1_sha256_test.json\n"
               " * (Project Wycheproof, Apache License 2.0) -- do not edit; the ctest p256_wycheproof_current checks\n"
               " * that this is what the generator writes today. Owns: the table of tests/crypto/wycheproof.h. */\n"
               "#include \"wycheproof.h\"\n\n");
    fprintf(f, "const char *const wyc_keys[%u] = {\n", nkeys);
    for (unsigned k = 0; k < nkeys; k++) {
        fprintf(f, "    ");
        put_hex(f, keys[k], 65);
        fprintf(f, ",\n");
    }
    fprintf(f, "};\nconst unsigned wyc_nkeys = %u;\n\n", nkeys);
    fprintf(f, "const struct wyc_vector wyc_vectors[%u] = {\n", nvecs);
    for (unsigned i = 0; i < nvecs; i++) {
        const struct vec *v = &vecs[i];
        fprintf(f, "    {%u, %u, %u,\n        ", v->tc_id, v->key, v->valid);
        put_hex(f, v->der, v->der_len);
        fprintf(f, ",\n        ");
        put_hex(f, v->hash, 32);
        fprintf(f, "},\n");
    }
    fprintf(f, "};\nconst unsigned wyc_nvectors = %u;\n", nvecs);
}

/* Compare what emit() writes with the file at path: 0 when equal. */
static int same_as_file(const char *path)
{
    char *mem = NULL;
    size_t memlen = 0;
    uint8_t *have = NULL;
    size_t have_len = 0;
    FILE *f = open_memstream(&mem, &memlen);
    if (!f) {
        return -1;
    }
    emit(f);
    fclose(f);
    int same = tdm_file_read(path, &have, &have_len) == 0 && have_len == memlen && memcmp(have, mem, memlen) == 0;
    free(have);
    free(mem);
    return same ? 0 : -1;
}

int main(int argc, char **argv)
{
    int check = argc == 4 && strcmp(argv[1], "--check") == 0;
    if (argc != 3 && !check) {
        fprintf(stderr, "usage: wycheproof_gen JSON OUT.c | wycheproof_gen --check JSON FILE\n");
        return 2;
    }
    const char *json = argv[check + 1], *out = argv[check + 2];
    size_t n;
    uint8_t *text = NULL;
    int rc = 0;
    if (tdm_file_read(json, &text, &n) < 0 || parse((const char *)text, n) < 0) {
        fprintf(stderr, "wycheproof_gen: cannot read the vectors of '%s' (%u of %u)\n", json, nvecs, declared);
        rc = 1;
    } else if (check) {
        rc = same_as_file(out) == 0 ? 0 : 1;
        if (rc) {
            fprintf(stderr, "wycheproof_gen: '%s' is stale; regenerate: wycheproof_gen %s %s\n", out, json, out);
        } else {
            printf("wycheproof_gen: '%s' is current (%u vectors)\n", out, nvecs);
        }
    } else {
        FILE *f = fopen(out, "w");
        if (f) {
            emit(f);
            rc = fclose(f) == 0 ? 0 : 1;
        }
        if (!f || rc) {
            fprintf(stderr, "wycheproof_gen: cannot write '%s'\n", out);
            rc = 1;
        } else {
            printf("wycheproof_gen: %u vectors, %u keys -> %s\n", nvecs, nkeys, out);
        }
    }
    for (unsigned i = 0; i < nvecs; i++) {
        free(vecs[i].der);
    }
    free(text);
    return rc;
}
