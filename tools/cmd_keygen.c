/* `tandem keygen`: a new ECDSA P-256 signing key (private PEM, 0600) and its public key (PEM).
 * Owns: the command line of keygen. Never: overwrites an existing key unless --force. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "pkg_build.h"
#include "tandem/err.h"

static void keygen_usage(FILE *out)
{
    fprintf(out, "usage: tandem keygen -o KEY.pem [--pub PUB.pem] [--force]\n"
                 "  Generates an ECDSA P-256 key. Writes the private key to KEY.pem (mode 0600) and the public\n"
                 "  key to PUB.pem (default: KEY.pem with .pem replaced by .pub.pem). Prints the key id (the\n"
                 "  SHA-256 of the public key, as MCUboot's KEYHASH).\n"
                 "exit codes: 0 written, 2 usage or I/O error\n");
}

int tdm_cmd_keygen(int argc, char **argv)
{
    const char *out = NULL, *pub = NULL;
    int force = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            keygen_usage(stdout);
            return 0;
        } else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(argv[i], "--pub") && i + 1 < argc) {
            pub = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else {
            fprintf(stderr, "tandem: keygen: unknown or incomplete option '%s' (try --help)\n", argv[i]);
            return 2;
        }
    }
    if (!out) {
        fprintf(stderr, "tandem: keygen: -o KEY.pem is required (try --help)\n");
        return 2;
    }
    char pubbuf[4096];
    if (!pub) {
        size_t n = strlen(out);
        if (n + 10 > sizeof pubbuf) {
            fprintf(stderr, "tandem: keygen: -o: path too long\n");
            return 2;
        }
        if (n > 4 && !strcmp(out + n - 4, ".pem")) {
            n -= 4;
        }
        snprintf(pubbuf, sizeof pubbuf, "%.*s.pub.pem", (int)n, out);
        pub = pubbuf;
    }
    if (!force && (access(out, F_OK) == 0 || access(pub, F_OK) == 0)) {
        fprintf(stderr, "tandem: keygen: '%s' exists (use --force to overwrite)\n",
                access(out, F_OK) == 0 ? out : pub);
        return 2;
    }
    struct tdm_key k;
    int err = tdm_key_generate(&k);
    if (err < 0) {
        fprintf(stderr, "tandem: keygen: cannot generate a key: %s\n", tdm_strerror(err));
        return 2;
    }
    if (force) {
        remove(out);
    }
    err = tdm_key_save(&k, out, pub);
    if (err < 0) {
        fprintf(stderr, "tandem: keygen: cannot write '%s' or '%s': %s\n", out, pub, tdm_strerror(err));
        return 2;
    }
    uint8_t id[TDM_SHA256_LEN];
    char hx[65];
    tdm_key_id(&k, id);
    printf("private key %s\npublic key  %s\nkey id      %s\n", out, pub, tdm_hex(id, sizeof id, hx));
    memset(&k, 0, sizeof k);
    return 0;
}
