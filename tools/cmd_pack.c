/* `tandem pack`: application + network images (raw binaries, MCUboot images, or an nRF Connect SDK
 * dfu_multi_image.bin) into one signed tandem package, aimed at a device layout (the default one, or
 * --layout FILE): each component's load address is its slot's address, and it must fit its slot.
 * Owns: the command line of pack. Never: writes the output unless the package was built and verified by
 * the device's own parser (the file appears whole or not at all), or writes a package whose component is
 * larger than its slot unless --allow-oversize says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "delta_build.h"
#include "device_cmds.h"
#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static void pack_usage(FILE *out)
{
    struct tdm_layout l;
    tdm_pkg_host_layout(&l);
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
            "  --layout FILE           device layout (text form, as `tandem device create --layout`) whose slot\n"
            "                          addresses and sizes the package is aimed at (default: the nRF5340\n"
            "                          default layout: app_slot 0x%08x %u KB, net_slot 0x%08x %u KB)\n"
            "  --app-addr A, --net-addr A  load addresses (default: the layout's slot addresses; a device\n"
            "                          refuses a component whose address is not its slot's)\n"
            "  --allow-oversize        write the package even when a component is larger than its slot\n"
            "  --header-size N         MCUboot header size for wrapped images (default 0x200)\n"
            "  --note TEXT             optional note (up to 64 bytes)\n"
            "  --base OLD.tdm          write a delta package against OLD (the installed package) to -o, unless\n"
            "                          it is not smaller than the full package (then -o gets the full one)\n"
            "  --full-out F            with --base: also write the full package to F\n"
            "exit codes: 0 written, 1 an input was refused (named), 2 usage or I/O error or a component\n"
            "  that does not fit its slot\n",
            TDM_PKG_HW_ID_DEFAULT, l.app_slot.addr, l.app_slot.size / 1024, l.net_slot.addr, l.net_slot.size / 1024);
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

struct pack_args {
    const char *keyp, *app, *net, *multi, *outp, *ver, *cnt, *layout, *base, *full_out;
    uint32_t addr[2], hdr;
    int have_addr[2], allow_oversize;
};

/* The command line into a, pp and in. Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, struct pack_args *a, struct tdm_pack_params *pp, struct input *in)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            pack_usage(stdout);
            return 0;
        }
        if (!strcmp(o, "--allow-oversize")) {
            a->allow_oversize = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "tandem: pack: unknown or incomplete option '%s' (try --help)\n", o);
            return 2;
        }
        if (!strcmp(o, "--key")) {
            a->keyp = v;
        } else if (!strcmp(o, "--app")) {
            a->app = v;
        } else if (!strcmp(o, "--net")) {
            a->net = v;
        } else if (!strcmp(o, "--multi")) {
            a->multi = v;
        } else if (!strcmp(o, "-o") || !strcmp(o, "--out")) {
            a->outp = v;
        } else if (!strcmp(o, "--layout")) {
            a->layout = v;
        } else if (!strcmp(o, "--version")) {
            a->ver = v;
            bad = tdm_version_parse(v, &pp->set_version);
        } else if (!strcmp(o, "--counter")) {
            a->cnt = v;
            bad = tdm_u32_parse(v, &pp->counter);
        } else if (!strcmp(o, "--hw-id")) {
            bad = tdm_u32_parse(v, &pp->hw_id);
        } else if (!strcmp(o, "--min-bootloader")) {
            bad = tdm_version_parse(v, &pp->min_bootloader);
        } else if (!strcmp(o, "--app-version") || !strcmp(o, "--net-version")) {
            struct input *x = &in[o[2] == 'n'];
            x->have_version = 1;
            bad = tdm_version_parse(v, &x->version);
        } else if (!strcmp(o, "--app-addr") || !strcmp(o, "--net-addr")) {
            a->have_addr[o[2] == 'n'] = 1;
            bad = tdm_u32_parse(v, &a->addr[o[2] == 'n']);
        } else if (!strcmp(o, "--header-size")) {
            bad = tdm_u32_parse(v, &a->hdr) < 0 || a->hdr < 32 || a->hdr > 0xffff ? TDM_E_HOST_USAGE : 0;
        } else if (!strcmp(o, "--note")) {
            pp->note = v;
        } else if (!strcmp(o, "--base")) {
            a->base = v;
        } else if (!strcmp(o, "--full-out")) {
            a->full_out = v;
        } else {
            fprintf(stderr, "tandem: pack: unknown option '%s' (try --help)\n", o);
            return 2;
        }
        if (bad) {
            fprintf(stderr, "tandem: pack: %s: bad value '%s'\n", o, v);
            return 2;
        }
        i++;
    }
    const char *missing = !a->keyp ? "--key" : !a->ver ? "--version" : !a->cnt ? "--counter" : !a->outp ? "-o" : NULL;
    if (!missing && !a->multi && (!a->app || !a->net)) {
        missing = !a->app ? "--app (or --multi)" : "--net (or --multi)";
    }
    if (missing) {
        fprintf(stderr, "tandem: pack: %s is required (try --help)\n", missing);
        return 2;
    }
    if (a->multi && (a->app || a->net)) {
        fprintf(stderr, "tandem: pack: --multi excludes --app and --net\n");
        return 2;
    }
    return -1;
}

static const char *const slot_key[2] = {"app_slot", "net_slot"};

static const struct tdm_layout_region *slot_of(const struct tdm_layout *l, int i)
{
    return i == 0 ? &l->app_slot : &l->net_slot;
}

/* The layout the package is aimed at: the load addresses default to its slots' addresses. Returns -1
 * to go on, or the exit code. */
static int aim(struct pack_args *a, struct tdm_layout *l)
{
    if (!a->layout) {
        tdm_pkg_host_layout(l);
    } else {
        struct tdm_layout_diag d;
        int err = tdm_pkg_layout_read(a->layout, l, &d);
        if (err == TDM_E_HOST_FILE) {
            fprintf(stderr, "tandem: pack: --layout: no such file, unreadable or over 4 KB '%s'\n", a->layout);
            return 2;
        }
        if (err < 0) {
            return tdm_device_layout_fail("pack: --layout", a->layout, &d);
        }
    }
    for (int i = 0; i < 2; i++) {
        const struct tdm_layout_region *r = slot_of(l, i);
        if (!a->have_addr[i]) {
            a->addr[i] = r->addr;
        } else if (a->addr[i] != r->addr) {
            fprintf(stderr, "tandem: pack: warning: --%s-addr 0x%08lx is not the layout's %s address 0x%08lx: a device "
                    "with this layout refuses the package (TDM_E_PKG_LOAD_ADDR)\n", i ? "net" : "app",
                    (unsigned long)a->addr[i], slot_key[i], (unsigned long)r->addr);
        }
    }
    return -1;
}

/* Each component must fit its slot. Returns -1 to go on, or the exit code. */
static int fits(const struct input *in, const struct tdm_layout *l, int allow)
{
    for (int i = 0; i < 2; i++) {
        unsigned long size = slot_of(l, i)->size;
        if (in[i].len <= size) {
            continue;
        }
        if (!allow) {
            fprintf(stderr, "tandem: pack: %s: %s: the image is %zu bytes, the layout's %s holds %lu "
                    "(--allow-oversize writes it anyway)\n", in[i].opt, tdm_errname(TDM_E_PKG_TOO_BIG), in[i].len,
                    slot_key[i], size);
            return 2;
        }
        fprintf(stderr, "tandem: pack: warning: %s: the image is %zu bytes, the layout's %s holds %lu: a device with "
                "this layout refuses the package (TDM_E_PKG_TOO_BIG)\n", in[i].opt, in[i].len, slot_key[i], size);
    }
    return -1;
}

/* --multi: the images of a dfu_multi_image.bin into in[0] (id 0) and in[1] (id 1). Returns -1 or the exit code. */
static int read_multi(const char *multi, uint8_t **mbuf, struct input *in)
{
    struct tdm_multi mi;
    size_t mlen;
    if (tdm_file_read(multi, mbuf, &mlen) < 0) {
        fprintf(stderr, "tandem: pack: --multi: no such file or unreadable '%s'\n", multi);
        return 2;
    }
    int err = tdm_multi_parse(*mbuf, mlen, &mi);
    for (unsigned i = 0; err == 0 && i < mi.count; i++) {
        if ((mi.id[i] != 0 && mi.id[i] != 1) || in[mi.id[i]].data) {
            fprintf(stderr, "tandem: pack: --multi: image id %ld is %s\n", (long)mi.id[i],
                    (mi.id[i] == 0 || mi.id[i] == 1) ? "repeated" : "not 0 (app) or 1 (net)");
            return 1;
        }
        in[mi.id[i]].data = *mbuf + mi.off[i];
        in[mi.id[i]].len = mi.size[i];
    }
    if (err == 0 && (!in[0].data || !in[1].data)) {
        fprintf(stderr, "tandem: pack: --multi: '%s' lacks the %s image\n", multi, in[0].data ? "net (id 1)" : "app (id 0)");
        return 1;
    }
    if (err < 0) {
        fprintf(stderr, "tandem: pack: --multi: '%s' is not a dfu_multi_image file: %s\n", multi, tdm_strerror(err));
        return 1;
    }
    return -1;
}

/* --base: the delta package to -o (or the full one when the delta is not smaller), the full package to
 * --full-out. Returns the exit code. */
static int write_delta(const struct pack_args *a, const uint8_t *full, size_t flen)
{
    uint8_t *base = NULL, *d = NULL;
    size_t blen, dlen;
    struct tdm_delta_pkg_info info;
    if (tdm_file_read(a->base, &base, &blen) < 0) {
        fprintf(stderr, "tandem: pack: --base: no such file or unreadable '%s'\n", a->base);
        return 2;
    }
    int err = tdm_delta_pkg_build(base, blen, full, flen, &d, &dlen, &info);
    int rc = 0;
    if (err < 0) {
        fprintf(stderr, "tandem: pack: --base: %s: %s\n", tdm_errname(err), tdm_strerror(err));
        rc = 1;
    } else if (a->full_out && tdm_file_write(a->full_out, full, flen) < 0) {
        fprintf(stderr, "tandem: pack: --full-out: cannot write '%s'\n", a->full_out);
        rc = 2;
    } else if (dlen >= flen) {
        printf("%s: the delta (%zu bytes) is not smaller than the full package: writing the full package\n",
               a->outp, dlen);
        rc = tdm_file_write(a->outp, full, flen) < 0 ? 2 : 0;
    } else {
        printf("%s: delta package %zu bytes against '%s' (full package %zu bytes)\n", a->outp, dlen, a->base, flen);
        rc = tdm_file_write(a->outp, d, dlen) < 0 ? 2 : 0;
    }
    if (rc == 2 && err == 0) {
        fprintf(stderr, "tandem: pack: -o: cannot write '%s'\n", a->outp);
    }
    free(base);
    free(d);
    return rc;
}

/* Build, check with the device's parser, write. Returns the exit code. */
static int build_and_write(struct tdm_pack_params *pp, const struct pack_args *a, const struct input *in,
                           const struct tdm_key *key)
{
    uint8_t *out = NULL;
    size_t olen = 0;
    pp->key = key;
    pp->count = 2;
    for (int i = 0; i < 2; i++) {
        pp->comp[i] = (struct tdm_pack_component){(uint8_t)(i + 1), (uint8_t)i, a->addr[i], in[i].data, in[i].len};
    }
    int bad = -1, rc = 0;
    int err = tdm_pack(pp, &out, &olen, &bad);
    if (err < 0) {
        fprintf(stderr, "tandem: pack: %s: %s: %s\n", bad >= 0 ? in[bad].opt : "package", tdm_errname(err),
                tdm_strerror(err));
        return 1;
    }
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_pkg_config cfg;
    static struct tdm_pkg_parser p;
    tdm_pkg_host_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key->pub, 1);
    cfg.hw_id = pp->hw_id;
    cfg.comp_max[TDM_PKG_COMP_APP] = cfg.comp_max[TDM_PKG_COMP_NET] = UINT32_MAX; /* the fit was checked */
    cfg.bootloader_version = (struct tdm_version){255, 255, 65535, 0xffffffffu};
    cfg.image_sig = TDM_PKG_IMAGE_SIG_IGNORE;
    err = tdm_pkg_verify_buf(&cfg, out, olen, &p);
    if (err < 0) {
        fprintf(stderr, "tandem: pack: the package does not verify: %s: %s\n", tdm_errname(err), tdm_strerror(err));
        rc = 1;
    } else if (a->base) {
        rc = write_delta(a, out, olen);
    } else if (tdm_file_write(a->outp, out, olen) < 0) {
        fprintf(stderr, "tandem: pack: -o: cannot write '%s'\n", a->outp);
        rc = 2;
    }
    if (rc == 0) {
        char v[32];
        printf("%s: %zu bytes, set %s, counter %lu, app %zu bytes at 0x%08lx, net %zu bytes at 0x%08lx\n",
               a->base ? (a->full_out ? a->full_out : "full package") : a->outp, olen, tdm_version_str(&pp->set_version, v), (unsigned long)pp->counter, in[0].len,
               (unsigned long)a->addr[0], in[1].len, (unsigned long)a->addr[1]);
    }
    free(out);
    return rc;
}

int tdm_cmd_pack(int argc, char **argv)
{
    struct pack_args a = {.hdr = TDM_MCUBOOT_NCS_HDR_SIZE};
    struct tdm_pack_params pp;
    struct tdm_image_params ip;
    struct tdm_layout layout;
    struct input in[2] = {{.opt = "--app"}, {.opt = "--net"}};
    memset(&pp, 0, sizeof pp);
    memset(&ip, 0, sizeof ip);
    pp.hw_id = TDM_PKG_HW_ID_DEFAULT;
    int rc = parse_args(argc, argv, &a, &pp, in);
    rc = rc >= 0 ? rc : aim(&a, &layout);
    if (rc >= 0) {
        return rc;
    }
    struct tdm_key key;
    int err = tdm_key_load(&key, a.keyp);
    if (err < 0 || !key.has_priv) {
        fprintf(stderr, "tandem: pack: --key: '%s' is %s\n", a.keyp,
                err == TDM_E_HOST_FILE ? "missing or unreadable" : "not a P-256 private key");
        return 2;
    }
    uint8_t *mbuf = NULL;
    if (a.multi) {
        rc = read_multi(a.multi, &mbuf, in);
    } else if (read_input(&in[0], a.app) || read_input(&in[1], a.net)) {
        rc = 2;
    }
    if (rc < 0) {
        ip.version = pp.set_version;
        ip.hdr_size = (uint16_t)a.hdr;
        ip.has_sec_cnt = 1;
        ip.sec_cnt = pp.counter;
        ip.key = &key;
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
    }
    rc = rc >= 0 ? rc : fits(in, &layout, a.allow_oversize);
    rc = rc >= 0 ? rc : build_and_write(&pp, &a, in, &key);
    for (int i = 0; i < 2; i++) {
        free(in[i].buf);
        free(in[i].wrapped);
    }
    free(mbuf);
    memset(&key, 0, sizeof key);
    return rc;
}
