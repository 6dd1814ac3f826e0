/* The small text files of a device directory (docs/DEVICE.md): state.txt and otp.txt, `key = value`
 * lines, plus path and atomic-replace helpers shared by sim/device*.c.
 * Owns: those two formats. Never: the binary flash files (flash_sim_file.c, nand_sim_file.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_priv.h"
#include "tandem/err.h"

int tdm_sim_device_x_path(const struct tdm_sim_device *dev, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", dev->dir, name);
    return n < 0 || (size_t)n >= cap ? TDM_E_SIM_FILE : 0;
}

int tdm_sim_device_x_read_text(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return TDM_E_SIM_FILE;
    }
    size_t n = fread(out, 1, cap - 1, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        return TDM_E_SIM_FILE;
    }
    out[n] = 0;
    return (int)n;
}

int tdm_sim_device_x_write_text(const char *path, const char *text)
{
    char tmp[1200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        return TDM_E_SIM_FILE;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        return TDM_E_SIM_FILE;
    }
    int ok = fputs(text, f) >= 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return TDM_E_SIM_FILE;
    }
    return 0;
}

/* Value of `key` in `key = value` text (first word after '='), into out. Returns 0 or -1 (absent). */
static int kv_get(const char *text, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, key, klen) != 0 || (line[klen] != ' ' && line[klen] != '=')) {
            continue;
        }
        const char *v = strchr(line, '=');
        if (!v) {
            return -1;
        }
        v++;
        while (*v == ' ') {
            v++;
        }
        size_t n = strcspn(v, " \t\r\n#");
        if (n >= cap) {
            return -1;
        }
        memcpy(out, v, n);
        out[n] = 0;
        return 0;
    }
    return -1;
}

static int kv_u64(const char *text, const char *key, uint64_t *out)
{
    char v[32], *end;
    if (kv_get(text, key, v, sizeof v) < 0 || !v[0]) {
        return -1;
    }
    *out = strtoull(v, &end, 0);
    return *end ? -1 : 0;
}

static void hex_put(char *out, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
    out[2 * n] = 0;
}

static int hex_get(const char *s, uint8_t *p, uint32_t *n)
{
    size_t len = strlen(s);
    if (len % 2 || len / 2 > TDM_SIM_SET_ID_MAX) {
        return -1;
    }
    for (size_t i = 0; i < len / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        p[i] = (uint8_t)v;
    }
    *n = (uint32_t)(len / 2);
    return 0;
}

int tdm_sim_device_x_state_write(const struct tdm_sim_device *dev)
{
    char text[2048], path[1100], set[2][2 * TDM_SIM_SET_ID_MAX + 1];
    for (int c = 0; c < 2; c++) {
        hex_put(set[c], dev->running[c].set_id, dev->running_valid ? dev->running[c].set_id_len : 0);
    }
    snprintf(text, sizeof text,
             "# tandem simulated device state (docs/DEVICE.md)\nformat = 1\nseed = %" PRIu64 "\nrng = %" PRIu64
             "\nops = %" PRIu64 "\nclock_ns = %" PRIu64 "\ncuts = %" PRIu64 "\npower_ons = %" PRIu64
             "\napp_starts = %" PRIu64 "\nmixed_starts = %" PRIu64 "\nrunning = %d\napp_version = %s\n"
             "app_set = %s\nnet_version = %s\nnet_set = %s\n",
             dev->seed, dev->rng, dev->dom.ops, dev->dom.clock_ns, dev->dom.cuts, dev->power_ons, dev->app_starts,
             dev->mixed_starts, dev->running_valid ? 1 : 0,
             dev->running_valid && dev->running[0].version[0] ? dev->running[0].version : "-", set[0],
             dev->running_valid && dev->running[1].version[0] ? dev->running[1].version : "-", set[1]);
    int err = tdm_sim_device_x_path(dev, "state.txt", path, sizeof path);
    return err < 0 ? err : tdm_sim_device_x_write_text(path, text);
}

int tdm_sim_device_x_state_read(struct tdm_sim_device *dev)
{
    char text[2048], path[1100];
    int err = tdm_sim_device_x_path(dev, "state.txt", path, sizeof path);
    if (err < 0 || (err = tdm_sim_device_x_read_text(path, text, sizeof text)) < 0) {
        return TDM_E_SIM_FILE;
    }
    uint64_t format, running;
    if (kv_u64(text, "format", &format) < 0 || format != 1 || kv_u64(text, "seed", &dev->seed) < 0 ||
        kv_u64(text, "rng", &dev->rng) < 0 || kv_u64(text, "ops", &dev->dom.ops) < 0 ||
        kv_u64(text, "clock_ns", &dev->dom.clock_ns) < 0 || kv_u64(text, "cuts", &dev->dom.cuts) < 0 ||
        kv_u64(text, "power_ons", &dev->power_ons) < 0 || kv_u64(text, "app_starts", &dev->app_starts) < 0 ||
        kv_u64(text, "mixed_starts", &dev->mixed_starts) < 0 || kv_u64(text, "running", &running) < 0) {
        return TDM_E_SIM_FILE;
    }
    dev->running_valid = running != 0;
    const char *vkey[2] = {"app_version", "net_version"}, *skey[2] = {"app_set", "net_set"};
    for (int c = 0; c < 2 && dev->running_valid; c++) {
        char set[2 * TDM_SIM_SET_ID_MAX + 1];
        if (kv_get(text, vkey[c], dev->running[c].version, TDM_SIM_VERSION_MAX) < 0 ||
            kv_get(text, skey[c], set, sizeof set) < 0 ||
            hex_get(set, dev->running[c].set_id, &dev->running[c].set_id_len) < 0) {
            return TDM_E_SIM_FILE;
        }
    }
    return 0;
}

#define OTP_HEX (8 * TDM_OTP_WORDS_NRF5340)

int tdm_sim_device_x_otp_write(const struct tdm_sim_device *dev)
{
    char text[OTP_HEX + 300], path[1100];
    int n = snprintf(text, sizeof text,
                     "# UICR OTP: 192 words, each halfword written once; the security counter is words 64 .. 64 + "
                     "slots - 1\nslots = %" PRIu32 "\nrng = %" PRIu64 "\nwords = ",
                     dev->counter_slots, dev->otp.rng);
    for (uint32_t i = 0; i < TDM_OTP_WORDS_NRF5340; i++) {
        n += snprintf(text + n, sizeof text - (size_t)n, "%08" PRIx32, dev->otp.words[i]);
    }
    snprintf(text + n, sizeof text - (size_t)n, "\n");
    int err = tdm_sim_device_x_path(dev, "otp.txt", path, sizeof path);
    return err < 0 ? err : tdm_sim_device_x_write_text(path, text);
}

int tdm_sim_device_x_otp_read(struct tdm_sim_device *dev)
{
    char text[OTP_HEX + 300], hex[OTP_HEX + 1], path[1100];
    int err = tdm_sim_device_x_path(dev, "otp.txt", path, sizeof path);
    if (err < 0 || tdm_sim_device_x_read_text(path, text, sizeof text) < 0) {
        return TDM_E_SIM_FILE;
    }
    uint64_t s;
    if (kv_u64(text, "slots", &s) < 0 || s == 0 || s > TDM_OTP_COUNTER_SLOTS_NRF5340 ||
        kv_u64(text, "rng", &dev->otp.rng) < 0 || kv_get(text, "words", hex, sizeof hex) < 0 ||
        strlen(hex) != OTP_HEX) {
        return TDM_E_SIM_FILE;
    }
    for (uint32_t i = 0; i < TDM_OTP_WORDS_NRF5340; i++) {
        char w[9], *end;
        memcpy(w, hex + 8 * i, 8);
        w[8] = 0;
        dev->otp.words[i] = (uint32_t)strtoul(w, &end, 16);
        if (*end) {
            return TDM_E_SIM_FILE;
        }
    }
    dev->counter_slots = (uint32_t)s;
    tdm_sim_device_counter_view(dev);
    return 0;
}
