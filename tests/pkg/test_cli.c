/* The `tandem` package commands as a user runs them: keygen, wrap, pack (raw binaries, signed MCUboot
 * images, dfu_multi_image.bin), inspect (text, JSON), verify; exit codes, one-line named errors, nothing
 * written on failure. Usage: pkg_cli --tandem PATH --dir WORKDIR. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fixture.h"

static const char *tandem, *dir;

/* Run "tandem ARGS" in dir with stdout/stderr to out.txt/err.txt; returns the exit code. */
static int run(const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >out.txt 2>err.txt", dir, tandem, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int file_has(const char *name, const char *needle)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint8_t *b;
    size_t n;
    if (tdm_file_read(path, &b, &n) < 0) {
        return 0;
    }
    b = realloc(b, n + 1);
    b[n] = 0;
    int has = strstr((char *)b, needle) != NULL;
    int lines = 0;
    for (size_t i = 0; i < n; i++) {
        lines += b[i] == '\n';
    }
    free(b);
    return has && (strcmp(name, "err.txt") != 0 || lines == 1); /* errors are one line */
}

static int exists(const char *name)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void put(const char *name, const uint8_t *b, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    TDM_CHECK_OK(tdm_file_write(path, b, n));
}

static void setup_files(void)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    TDM_CHECK(system(cmd) == 0);
    uint64_t s = tdm_test_seed() | 1;
    static uint8_t app[40000], net[12000];
    for (size_t i = 0; i < sizeof app; i++) {
        app[i] = (uint8_t)fx_rand(&s);
    }
    for (size_t i = 0; i < sizeof net; i++) {
        net[i] = (uint8_t)fx_rand(&s);
    }
    put("app.bin", app, sizeof app);
    put("net.bin", net, sizeof net);
    TDM_CHECK(run("keygen -o key.pem") == 0 && exists("key.pem") && exists("key.pub.pem"));
    TDM_CHECK(run("keygen -o key.pem") == 2 && file_has("err.txt", "exists"));
    TDM_CHECK(run("keygen -o other.pem") == 0);
}

static void pack_verify_inspect(void)
{
    setup_files();
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 -o update.tdm") == 0);
    TDM_CHECK(run("verify --key key.pub.pem update.tdm") == 0 && file_has("out.txt", "ok (set 2.1.0+7"));
    TDM_CHECK(run("verify --key key.pub.pem --chunk 1 update.tdm") == 0);
    TDM_CHECK(run("verify --key key.pub.pem --image-sigs require update.tdm") == 0);
    TDM_CHECK(run("inspect --key key.pub.pem update.tdm") == 0 && file_has("out.txt", "all checks pass"));
    TDM_CHECK(file_has("out.txt", "component 2 (net)"));
    TDM_CHECK(run("inspect --json --key key.pub.pem update.tdm") == 0);
    TDM_CHECK(file_has("out.txt", "\"result\":\"ok\"") && file_has("out.txt", "\"signature\":\"ok\""));
    TDM_CHECK(run("inspect update.tdm") == 0 && file_has("out.txt", "not checked (no --key)"));
}

static void refusals_named_on_one_line(void)
{
    setup_files();
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 -o update.tdm") == 0);
    TDM_CHECK(run("verify --key other.pub.pem update.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_KEY"));
    TDM_CHECK(run("verify --key key.pub.pem --min-counter 6 update.tdm") == 1 &&
              file_has("err.txt", "TDM_E_PKG_DOWNGRADE"));
    TDM_CHECK(run("verify --key key.pub.pem --net-max 100 update.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_TOO_BIG"));
    TDM_CHECK(run("verify --key key.pub.pem --hw-id 7 update.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_HW_ID"));
    char path[1024];
    snprintf(path, sizeof path, "%s/update.tdm", dir);
    uint8_t *b;
    size_t n;
    TDM_CHECK_OK(tdm_file_read(path, &b, &n));
    b[n / 2] ^= 0x10;
    put("bad.tdm", b, n);
    TDM_CHECK(run("verify --key key.pub.pem bad.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_DIGEST"));
    TDM_CHECK(run("inspect --key key.pub.pem bad.tdm") == 1);
    b[n / 2] ^= 0x10;
    put("short.tdm", b, n - 1);
    TDM_CHECK(run("verify --key key.pub.pem short.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_TRUNCATED"));
    free(b);
    TDM_CHECK(run("verify update.tdm") == 2 && file_has("err.txt", "--key"));
    TDM_CHECK(run("verify --key nope.pem update.tdm") == 2 && file_has("err.txt", "nope.pem"));
}

static void nothing_written_on_failure(void)
{
    setup_files();
    TDM_CHECK(run("pack --key key.pem --app app.bin --net missing.bin --version 1.0.0 --counter 1 -o x.tdm") == 2);
    TDM_CHECK(file_has("err.txt", "--net: no such file") && !exists("x.tdm"));
    /* an "image" with the MCUboot magic whose TLVs are garbage */
    uint8_t fake[100] = {0x3d, 0xb8, 0xf3, 0x96, 0, 0, 0, 0, 32, 0, 0, 0, 10, 0, 0, 0};
    put("fake.img", fake, sizeof fake);
    TDM_CHECK(run("pack --key key.pem --app fake.img --net net.bin --version 1.0.0 --counter 1 -o x.tdm") == 1);
    TDM_CHECK(file_has("err.txt", "TDM_E_PKG_IMAGE") && !exists("x.tdm"));
    TDM_CHECK(run("pack --key key.pub.pem --app app.bin --net net.bin --version 1.0.0 --counter 1 -o x.tdm") == 2);
    TDM_CHECK(file_has("err.txt", "private key") && !exists("x.tdm"));
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 1.x --counter 1 -o x.tdm") == 2);
    TDM_CHECK(file_has("err.txt", "--version") && !exists("x.tdm"));
}

static void signed_images_and_dfu_multi_image(void)
{
    setup_files();
    TDM_CHECK(run("wrap --key key.pem --version 3.0.1+2 --counter 9 app.bin -o app.img") == 0);
    TDM_CHECK(run("wrap --key key.pem --version 3.0.0 --header-size 32 --pubkey --pad-sig net.bin -o net.img") == 0);
    TDM_CHECK(run("inspect --key key.pub.pem app.img") == 0 && file_has("out.txt", "SEC_CNT"));
    TDM_CHECK(run("verify --key key.pub.pem net.img") == 0);
    TDM_CHECK(run("pack --key key.pem --app app.img --net net.img --version 3.0.1 --counter 9 -o s.tdm") == 0);
    TDM_CHECK(run("verify --key key.pub.pem s.tdm") == 0);
    /* the MCUboot images are byte-exact inside the package */
    char p1[1024], p2[1024];
    uint8_t *img, *pkg;
    size_t in, pn;
    snprintf(p1, sizeof p1, "%s/app.img", dir);
    snprintf(p2, sizeof p2, "%s/s.tdm", dir);
    TDM_CHECK_OK(tdm_file_read(p1, &img, &in));
    TDM_CHECK_OK(tdm_file_read(p2, &pkg, &pn));
    TDM_CHECK(pn > in + fx_comp_off(pkg) && memcmp(pkg + fx_comp_off(pkg), img, in) == 0);
    /* nRF Connect SDK dfu_multi_image.bin: id 0 app, id 1 net */
    snprintf(p1, sizeof p1, "%s/net.img", dir);
    uint8_t *nimg, *multi;
    size_t nn, mn;
    TDM_CHECK_OK(tdm_file_read(p1, &nimg, &nn));
    const int32_t ids[2] = {0, 1};
    const uint8_t *imgs[2] = {img, nimg};
    const size_t sizes[2] = {in, nn};
    TDM_CHECK_OK(tdm_multi_build(2, ids, imgs, sizes, &multi, &mn));
    put("dfu_multi_image.bin", multi, mn);
    TDM_CHECK(run("pack --key key.pem --multi dfu_multi_image.bin --version 3.0.1 --counter 9 -o m.tdm") == 0);
    TDM_CHECK(run("verify --key key.pub.pem m.tdm") == 0);
    put("trunc_multi.bin", multi, mn - 1);
    TDM_CHECK(run("pack --key key.pem --multi trunc_multi.bin --version 3.0.1 --counter 9 -o t.tdm") == 1);
    TDM_CHECK(!exists("t.tdm"));
    free(img);
    free(nimg);
    free(pkg);
    free(multi);
}

/* The default layout with its net slot at net_addr, net_size bytes, written as a layout file. */
static void put_layout(const char *name, uint32_t net_addr, uint32_t net_size)
{
    struct tdm_layout l;
    char text[512];
    tdm_pkg_host_layout(&l);
    l.net_slot.addr = net_addr;
    l.net_slot.size = net_size;
    int n = tdm_layout_format(&l, text, sizeof text);
    TDM_CHECK_OK(n);
    put(name, (const uint8_t *)text, (size_t)n);
}

static void pack_and_verify_aim_at_the_device_layout(void)
{
    setup_files();
    struct tdm_layout l;
    tdm_pkg_host_layout(&l);
    TDM_CHECK(l.net_slot.addr == 0x01008000u && l.net_slot.size == 0x38000u && l.app_slot.size == 0xE8000u);
    /* by default the components are aimed at the default layout's slots */
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 -o d.tdm") == 0);
    TDM_CHECK(file_has("out.txt", "at 0x00010000") && file_has("out.txt", "at 0x01008000"));
    TDM_CHECK(run("verify --key key.pub.pem d.tdm") == 0);
    /* NCS's net-core address: pack warns, verify (like the device) refuses it */
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 --net-addr 0x01004000 "
                  "-o ncs.tdm") == 0 && file_has("err.txt", "TDM_E_PKG_LOAD_ADDR"));
    TDM_CHECK(run("verify --key key.pub.pem ncs.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_LOAD_ADDR"));
    /* another layout: its slot addresses are the load addresses; verify checks against the same layout */
    put_layout("moved.txt", 0x01010000u, 0x30000u);
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 --layout moved.txt "
                  "-o m.tdm") == 0 && file_has("out.txt", "at 0x01010000"));
    TDM_CHECK(run("verify --key key.pub.pem --layout moved.txt m.tdm") == 0);
    TDM_CHECK(run("verify --key key.pub.pem m.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_LOAD_ADDR"));
    /* a component larger than its slot: refused (exit 2, one named line, nothing written) unless allowed */
    put_layout("small.txt", 0x01008000u, 0x2000u);
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 --layout small.txt "
                  "-o s.tdm") == 2 && file_has("err.txt", "TDM_E_PKG_TOO_BIG") && file_has("err.txt", "net_slot"));
    TDM_CHECK(!exists("s.tdm"));
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 --layout small.txt "
                  "--allow-oversize -o s.tdm") == 0 && exists("s.tdm"));
    TDM_CHECK(run("verify --key key.pub.pem --layout small.txt s.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_TOO_BIG"));
    /* a layout file that is not one: named on one line */
    put("bad.txt", (const uint8_t *)"format = 1\nnet_slot = 0x01008000\n", 34);
    TDM_CHECK(run("pack --key key.pem --app app.bin --net net.bin --version 2.1.0+7 --counter 5 --layout bad.txt "
                  "-o b.tdm") == 2 && file_has("err.txt", "bad.txt") && !exists("b.tdm"));
    TDM_CHECK(run("verify --key key.pub.pem --layout nope.txt d.tdm") == 2 && file_has("err.txt", "nope.txt"));
}

static void an_application_larger_than_the_default_slot_is_refused_by_pack_and_verify(void)
{
    setup_files();
    /* 940 KB: under the 960 KB the tools used to allow, over the default layout's 928 KB app slot */
    size_t n = 940u * 1024u;
    uint8_t *big = malloc(n);
    uint64_t s = tdm_test_seed() | 1;
    for (size_t i = 0; i < n; i++) {
        big[i] = (uint8_t)fx_rand(&s);
    }
    put("big.bin", big, n);
    free(big);
    TDM_CHECK(run("pack --key key.pem --app big.bin --net net.bin --version 2.1.0+7 --counter 5 -o big.tdm") == 2);
    TDM_CHECK(file_has("err.txt", "TDM_E_PKG_TOO_BIG") && file_has("err.txt", "app_slot") && !exists("big.tdm"));
    TDM_CHECK(run("pack --key key.pem --app big.bin --net net.bin --version 2.1.0+7 --counter 5 --allow-oversize "
                  "-o big.tdm") == 0);
    TDM_CHECK(run("verify --key key.pub.pem big.tdm") == 1 && file_has("err.txt", "TDM_E_PKG_TOO_BIG"));
    TDM_CHECK(run("verify --key key.pub.pem --app-max 0xF0000 big.tdm") == 0);
}

static void help_everywhere(void)
{
    setup_files();
    const char *cmds[] = {"keygen", "wrap", "pack", "inspect", "verify"};
    for (int i = 0; i < 5; i++) {
        tdm_test_replay_extra("--command %s", cmds[i]);
        TDM_CHECK(run("%s --help", cmds[i]) == 0 && file_has("out.txt", "exit codes"));
        TDM_CHECK(run("%s --bogus", cmds[i]) == 2 && file_has("err.txt", "--bogus"));
    }
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"pack, verify, inspect", pack_verify_inspect},
        {"refusals are named on one line", refusals_named_on_one_line},
        {"nothing written on failure", nothing_written_on_failure},
        {"signed MCUboot images and dfu_multi_image.bin as input", signed_images_and_dfu_multi_image},
        {"--help on every command", help_everywhere},
        {"pack and verify aim at the device layout", pack_and_verify_aim_at_the_device_layout},
        {"an application larger than the default slot is refused by pack and verify",
         an_application_larger_than_the_default_slot_is_refused_by_pack_and_verify},
    };
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--tandem")) {
            tandem = argv[i + 1];
        } else if (!strcmp(argv[i], "--dir")) {
            dir = argv[i + 1];
        }
    }
    if (!tandem || !dir) {
        fprintf(stderr, "usage: pkg_cli --tandem PATH --dir WORKDIR\n");
        return 2;
    }
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
