/* `tandem pack`: application + network images (raw binaries, MCUboot images, or an nRF Connect SDK
 * dfu_multi_image.bin) into one signed tandem package.
 * Owns: the command line of pack. Never: writes the output unless the package was built and verified by
 * the device's own parser (the file appears whole or not at all). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static void pack_usage(FILE *out)
{
    fprintf(out,
            "usage: tandem pack --key KEY.pem (--app APP --net NET | --multi dfu_multi_image.bin)\n"
            "                   --version V --counter N [options] -o update.tdm\n"
            "  APP and NET are raw binaries (wrapped into MCUboot images: header 0x200, SHA256, KEYHASH,\n"
            "  ECDSA signature, SEC_CNT = N; the app image depends on the net image) or MCUboot images\n"
            "  already signed (kept byte-exact; slot padding after the TLVs is dropped).\n"
            "  V is MAJOR.MINOR.REVISION+BUILD, e.g. 2.1.0+7.\n"
            "options:\n"
            "  --hw-id ID              hardware id (default 0x%08x)\n"
            "  --min-bootloader V      lowest bootloader version that may install it (default 0.0.0)\n"
            "  --app-version V, --net-version V  versions of wrapped raw images (default: --version)\n"
            "  --app-addr A, --net-addr A  target load addresses (default 0x%08x, 0x%08x)\n"
            "  --header-size N         MCUboot header size for wrapped images (default 0x200)\n"
            "  --note TEXT             optional note (up to 64 bytes)\n"
            "exit codes: 0 written, 1 an input was refused (named), 2 usage or I/O error\n",
            TDM_PKG_HW_ID_DEFAULT, TDM_PKG_APP_ADDR_DEFAULT, TDM_PKG_NET_ADDR_DEFAULT);
}

struct input {
    const char *opt;
    uint8_t *buf; /* whole file */
    const uint8_t *data;
    size_t len;
    uint8_t *wrapped;
    struct tdm_version version;
    int have_version;
};

/* Make in->data/len an MCUboot image: keep a signed one (minus slot padding) or wrap a raw one. */
static int prepare(struct input *in, const struct tdm_image_params *base, const struct tdm_version *net_dep)
{
    if (tdm_image_is_mcuboot(in->data, in->len)) {
        size_t n;
        int err = tdm_image_length(in->data, in->len, &n);
        if (err < 0) {
            return err;
        }
        if (n < in->len) {
            fprintf(stderr, "tandem: pack: %s: ignoring %zu bytes of slot padding after the MCUboot image\n",
                    in->opt, in->len - n);
        }
        in->len = n;
        return 0;
    }
    struct tdm_image_params ip = *base;
    if (in->have_version) {
        ip.version = in->version;
    }
    if (net_dep) {
        ip.dep_count = 1;
        ip.deps[0].image_id = 1;
        ip.deps[0].min_version = *net_dep;
    }
    int err = tdm_image_wrap(in->data, in->len, &ip, &in->wrapped, &in->len);
    in->data = in->wrapped;
    return err;
}

static int read_input(struct input *in, const char *path)
{
    if (tdm_file_read(path, &in->buf, &in->len) < 0) {
        fprintf(stderr, "tandem: pack: %s: no such file or unreadable '%s'\n", in->opt, path);
        return 2;
    }
    in->data = in->buf;
    return 0;
}

int tdm_cmd_pack(int argc, char **argv)
{
    const char *keyp = NULL, *app = NULL, *net = NULL, *multi = NULL, *outp = NULL, *ver = NULL, *cnt = NULL;
    struct tdm_pack_params pp;
    struct tdm_image_params ip;
    struct input in[2] = {{.opt = "--app"}, {.opt = "--net"}};
    uint32_t addr[2] = {TDM_PKG_APP_ADDR_DEFAULT, TDM_PKG_NET_ADDR_DEFAULT}, hdr = TDM_MCUBOOT_NCS_HDR_SIZE;
    memset(&pp, 0, sizeof pp);
    memset(&ip, 0, sizeof ip);
    pp.hw_id = TDM_PKG_HW_ID_DEFAULT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            pack_usage(stdout);
            return 0;
        }
        if (!v) {
            fprintf(stderr, "tandem: pack: unknown or incomplete option '%s' (try --help)\n", a);
            return 2;
        }
        if (!strcmp(a, "--key")) {
            keyp = v;
        } else if (!strcmp(a, "--app")) {
            app = v;
        } else if (!strcmp(a, "--net")) {
            net = v;
        } else if (!strcmp(a, "--multi")) {
            multi = v;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            outp = v;
        } else if (!strcmp(a, "--version")) {
            ver = v;
            bad = tdm_version_parse(v, &pp.set_version);
        } else if (!strcmp(a, "--counter")) {
            cnt = v;
            bad = tdm_u32_parse(v, &pp.counter);
        } else if (!strcmp(a, "--hw-id")) {
            bad = tdm_u32_parse(v, &pp.hw_id);
        } else if (!strcmp(a, "--min-bootloader")) {
            bad = tdm_version_parse(v, &pp.min_bootloader);
        } else if (!strcmp(a, "--app-version") || !strcmp(a, "--net-version")) {
            struct input *x = &in[a[2] == 'n'];
            x->have_version = 1;
            bad = tdm_version_parse(v, &x->version);
        } else if (!strcmp(a, "--app-addr") || !strcmp(a, "--net-addr")) {
            bad = tdm_u32_parse(v, &addr[a[2] == 'n']);
        } else if (!strcmp(a, "--header-size")) {
            bad = tdm_u32_parse(v, &hdr) < 0 || hdr < 32 || hdr > 0xffff ? TDM_E_HOST_USAGE : 0;
        } else if (!strcmp(a, "--note")) {
            pp.note = v;
        } else {
            fprintf(stderr, "tandem: pack: unknown option '%s' (try --help)\n", a);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "tandem: pack: %s: bad value '%s'\n", a, v);
            return 2;
        }
        i++;
    }
    const char *missing = !keyp ? "--key" : !ver ? "--version" : !cnt ? "--counter" : !outp ? "-o" : NULL;
    if (!missing && !multi && (!app || !net)) {
        missing = !app ? "--app (or --multi)" : "--net (or --multi)";
    }
    if (missing) {
        fprintf(stderr, "tandem: pack: %s is required (try --help)\n", missing);
        return 2;
    }
    if (multi && (app || net)) {
        fprintf(stderr, "tandem: pack: --multi excludes --app and --net\n");
        return 2;
    }
    struct tdm_key key;
    int err = tdm_key_load(&key, keyp);
    if (err < 0 || !key.has_priv) {
        fprintf(stderr, "tandem: pack: --key: '%s' is %s\n", keyp,
                err == TDM_E_HOST_FILE ? "missing or unreadable" : "not a P-256 private key");
        return 2;
    }
    uint8_t *mbuf = NULL;
    if (multi) {
        struct tdm_multi mi;
        size_t mlen;
        if (tdm_file_read(multi, &mbuf, &mlen) < 0) {
            fprintf(stderr, "tandem: pack: --multi: no such file or unreadable '%s'\n", multi);
            return 2;
        }
        err = tdm_multi_parse(mbuf, mlen, &mi);
        for (unsigned i = 0; err == 0 && i < mi.count; i++) {
            if ((mi.id[i] != 0 && mi.id[i] != 1) || in[mi.id[i]].data) {
                fprintf(stderr, "tandem: pack: --multi: image id %ld is %s\n", (long)mi.id[i],
                        (mi.id[i] == 0 || mi.id[i] == 1) ? "repeated" : "not 0 (app) or 1 (net)");
                free(mbuf);
                return 1;
            }
            in[mi.id[i]].data = mbuf + mi.off[i];
            in[mi.id[i]].len = mi.size[i];
        }
        if (err == 0 && (!in[0].data || !in[1].data)) {
            fprintf(stderr, "tandem: pack: --multi: '%s' lacks the %s image\n", multi, in[0].data ? "net (id 1)" : "app (id 0)");
            free(mbuf);
            return 1;
        }
        if (err < 0) {
            fprintf(stderr, "tandem: pack: --multi: '%s' is not a dfu_multi_image file: %s\n", multi, tdm_strerror(err));
            free(mbuf);
            return 1;
        }
    } else if (read_input(&in[0], app) || read_input(&in[1], net)) {
        free(in[0].buf);
        return 2;
    }
    ip.version = pp.set_version;
    ip.hdr_size = (uint16_t)hdr;
    ip.has_sec_cnt = 1;
    ip.sec_cnt = pp.counter;
    ip.key = &key;
    int rc = 0;
    err = prepare(&in[1], &ip, NULL);
    struct tdm_version netv = in[1].have_version ? in[1].version : pp.set_version;
    if (err == 0 && tdm_image_is_mcuboot(in[1].data, in[1].len)) {
        tdm_version_get(in[1].data + 20, &netv);
    }
    if (err < 0) {
        fprintf(stderr, "tandem: pack: --net: not a valid MCUboot image: %s\n", tdm_errname(err));
        rc = 1;
    } else if ((err = prepare(&in[0], &ip, &netv)) < 0) {
        fprintf(stderr, "tandem: pack: --app: not a valid MCUboot image: %s\n", tdm_errname(err));
        rc = 1;
    }
    uint8_t *out = NULL;
    size_t olen = 0;
    if (rc == 0) {
        pp.key = &key;
        pp.count = 2;
        for (int i = 0; i < 2; i++) {
            pp.comp[i] = (struct tdm_pack_component){(uint8_t)(i + 1), (uint8_t)i, addr[i], in[i].data, in[i].len};
        }
        int bad = -1;
        err = tdm_pack(&pp, &out, &olen, &bad);
        if (err < 0) {
            fprintf(stderr, "tandem: pack: %s: %s: %s\n", bad >= 0 ? in[bad].opt : "package", tdm_errname(err),
                    tdm_strerror(err));
            rc = 1;
        }
    }
    if (rc == 0) {
        struct tdm_crypto_ops ops = tdm_host_crypto();
        struct tdm_pkg_config cfg;
        static struct tdm_pkg_parser p;
        tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key.pub, 1);
        cfg.hw_id = pp.hw_id;
        cfg.comp_max[TDM_PKG_COMP_APP] = cfg.comp_max[TDM_PKG_COMP_NET] = UINT32_MAX;
        cfg.bootloader_version = (struct tdm_version){255, 255, 65535, 0xffffffffu};
        cfg.image_sig = TDM_PKG_IMAGE_SIG_IGNORE;
        err = tdm_pkg_verify_buf(&cfg, out, olen, &p);
        if (err < 0) {
            fprintf(stderr, "tandem: pack: the package does not verify: %s: %s\n", tdm_errname(err), tdm_strerror(err));
            rc = 1;
        } else if (tdm_file_write(outp, out, olen) < 0) {
            fprintf(stderr, "tandem: pack: -o: cannot write '%s'\n", outp);
            rc = 2;
        } else {
            char v[32];
            printf("%s: %zu bytes, set %s, counter %lu, app %zu bytes, net %zu bytes\n", outp, olen,
                   tdm_version_str(&pp.set_version, v), (unsigned long)pp.counter, in[0].len, in[1].len);
        }
    }
    free(out);
    for (int i = 0; i < 2; i++) {
        free(in[i].buf);
        free(in[i].wrapped);
    }
    free(mbuf);
    memset(&key, 0, sizeof key);
    return rc;
}
