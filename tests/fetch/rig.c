/* Test-side view of the fetch rig: see rig.h. Owns: rig.env parsing and file plumbing for tests. */
#define _POSIX_C_SOURCE 200809L
#include "rig.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_str(char *dst, size_t n, const char *v)
{
    snprintf(dst, n, "%s", v);
}

int tdm_rig_load(struct tdm_rig *r)
{
    memset(r, 0, sizeof *r);
    const char *dir = getenv("TDM_RIG_DIR");
    char path[600];
    snprintf(path, sizeof path, "%s/rig.env", dir ? dir : ".");
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("rig: cannot read %s (is the fetch_rig fixture up? TDM_RIG_DIR=%s)\n", path, dir ? dir : "");
        return -1;
    }
    char line[700];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *eq = strchr(line, '=');
        if (!eq) {
            continue;
        }
        *eq = 0;
        const char *k = line, *v = eq + 1;
        if (!strcmp(k, "main_port")) r->main_port = atoi(v);
        else if (!strcmp(k, "wronghost_port")) r->wronghost_port = atoi(v);
        else if (!strcmp(k, "otherca_port")) r->otherca_port = atoi(v);
        else if (!strcmp(k, "expired_port")) r->expired_port = atoi(v);
        else if (!strcmp(k, "liar_log")) set_str(r->liar_log, sizeof r->liar_log, v);
        else if (!strcmp(k, "proxy_port")) r->proxy_port = atoi(v);
        else if (!strcmp(k, "www")) set_str(r->www, sizeof r->www, v);
        else if (!strcmp(k, "ca")) set_str(r->ca, sizeof r->ca, v);
        else if (!strcmp(k, "control")) set_str(r->control, sizeof r->control, v);
        else if (!strcmp(k, "proxy_log")) set_str(r->proxy_log, sizeof r->proxy_log, v);
        else if (!strcmp(k, "lie_file")) set_str(r->lie_file, sizeof r->lie_file, v);
        else if (!strcmp(k, "lie_declared")) r->lie_declared = strtoull(v, NULL, 10);
    }
    fclose(f);
    return r->main_port && r->proxy_port && r->www[0] ? 0 : -1;
}

void tdm_rig_url(int port, const char *path, char *out, size_t n)
{
    snprintf(out, n, "https://127.0.0.1:%d/%s", port, path[0] == '/' ? path + 1 : path);
}

int tdm_rig_put(const struct tdm_rig *r, const char *name, const void *data, size_t len, time_t mtime)
{
    char tmp[700], path[700];
    snprintf(path, sizeof path, "%s/%s", r->www, name);
    snprintf(tmp, sizeof tmp, "%s/.tmp-%d", r->www, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    if (fclose(f) != 0 || w != len) {
        return -1;
    }
    struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    if (utimensat(AT_FDCWD, tmp, times, 0) != 0) {
        return -1;
    }
    return rename(tmp, path);
}

void tdm_rig_fault(const struct tdm_rig *r, const char *schedule)
{
    static unsigned nonce;
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", r->control);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        return;
    }
    fprintf(f, "# %d %u\n%s\n", (int)getpid(), ++nonce, schedule);
    fclose(f);
    rename(tmp, r->control);
}

void tdm_rig_proxy_cuts(const struct tdm_rig *r, unsigned *cuts, unsigned *mid_record)
{
    *cuts = *mid_record = 0;
    FILE *f = fopen(r->proxy_log, "r");
    if (!f) {
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, " close ") || strstr(line, " reset ")) {
            (*cuts)++;
            *mid_record += strstr(line, "mid_record=1") != NULL;
        }
    }
    fclose(f);
}

void tdm_rig_liar_requests(const struct tdm_rig *r, const char *name, unsigned *requests, unsigned *ranged)
{
    *requests = *ranged = 0;
    FILE *f = fopen(r->liar_log, "r");
    if (!f) {
        return;
    }
    char line[512], mode[64], who[256], range[64];
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63s %255s range=%63s", mode, who, range) == 3 && !strcmp(who, name)) {
            (*requests)++;
            *ranged += strcmp(range, "-") != 0;
        }
    }
    fclose(f);
}

void tdm_rig_fill(void *buf, size_t n, uint64_t seed)
{
    uint8_t *p = buf;
    uint64_t x = seed;
    for (size_t i = 0; i < n; i += 8) {
        x += 0x9E3779B97F4A7C15ull;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        for (size_t k = 0; k < 8 && i + k < n; k++) {
            p[i + k] = (uint8_t)(z >> (8 * k));
        }
    }
}

int tdm_rig_serve(const char *who, const char *src_file, const char *argv0, int (*run)(const struct tdm_rig *r))
{
    char src[1024], bin[1024], script[1200], bindir[1200], dir[] = "/tmp/tdm-bench-rig-XXXXXX", cmd[4096];
    snprintf(src, sizeof src, "%s", src_file);
    snprintf(bin, sizeof bin, "%s", argv0);
    snprintf(script, sizeof script, "%s/../tests/fetch/nginx_rig.sh", dirname(src));
    snprintf(bindir, sizeof bindir, "%s/../tests/fetch", dirname(bin));
    if (!mkdtemp(dir)) {
        fprintf(stderr, "%s: mkdtemp failed\n", who);
        return 2;
    }
    snprintf(cmd, sizeof cmd, "'%s' start '%s' '%s' >/dev/null", script, dir, bindir);
    int rc = system(cmd) == 0 ? 0 : 2;
    if (rc == 0) {
        setenv("TDM_RIG_DIR", dir, 1);
        struct tdm_rig rig;
        rc = tdm_rig_load(&rig) == 0 ? run(&rig) : 2;
    } else {
        fprintf(stderr, "%s: the rig did not start (%s)\n", who, script);
    }
    snprintf(cmd, sizeof cmd, "'%s' stop '%s' >/dev/null; rm -rf '%s'", script, dir, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "%s: stopping the rig failed (%s)\n", who, dir);
    }
    return rc;
}
