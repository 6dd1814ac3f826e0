/* The text form of the device layout (include/tandem/layout.h): parser and writer.
 * Owns: the `key = value` syntax. Never: semantic checks (tdm_layout_check), allocation, stdio. */
#include <stddef.h>

#include "tandem/err.h"
#include "tandem/layout.h"

enum { KEY_FORMAT, KEY_BOOTLOADER, KEY_APP_SLOT, KEY_NETBOOT, KEY_NET_SLOT, KEY_STORE, KEY_SHARED, KEY_COUNT };

static const char *const key_names[KEY_COUNT] = {"format",   "bootloader", "app_slot", "netboot",
                                                 "net_slot", "store",      "shared"};

static int fail(struct tdm_layout_diag *diag, enum tdm_layout_problem p, const char *key, uint32_t line)
{
    if (diag) {
        diag->problem = p;
        diag->key = key;
        diag->other = NULL;
        diag->line = line;
    }
    return TDM_E_BOOT_LAYOUT;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int digit_value(char c, uint32_t radix)
{
    int v = -1;
    if (c >= '0' && c <= '9') {
        v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
    }
    return v >= 0 && (uint32_t)v < radix ? v : -1;
}

/* Parse up to `max` whitespace-separated 32-bit numbers of s[0..n); returns how many, or -1 on a bad one. */
static int parse_numbers(const char *s, uint32_t n, uint32_t *out, int max)
{
    int count = 0;
    uint32_t i = 0;
    for (;;) {
        while (i < n && is_space(s[i])) {
            i++;
        }
        if (i == n) {
            return count;
        }
        if (count == max) {
            return -1;
        }
        uint32_t radix = 10;
        if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            radix = 16;
            i += 2;
        }
        uint64_t v = 0;
        uint32_t digits = 0;
        for (; i < n && !is_space(s[i]); i++, digits++) {
            int d = digit_value(s[i], radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + (uint32_t)d;
            if (v > 0xFFFFFFFFu) {
                return -1;
            }
        }
        if (digits == 0) {
            return -1;
        }
        out[count++] = (uint32_t)v;
    }
}

static int find_key(const char *s, uint32_t n)
{
    for (int k = 0; k < KEY_COUNT; k++) {
        uint32_t j = 0;
        while (key_names[k][j] && j < n && key_names[k][j] == s[j]) {
            j++;
        }
        if (j == n && key_names[k][j] == 0) {
            return k;
        }
    }
    return -1;
}

static void store_key(struct tdm_layout *l, int key, const uint32_t *v)
{
    struct tdm_layout_region *r = key == KEY_BOOTLOADER ? &l->bootloader
                                  : key == KEY_APP_SLOT ? &l->app_slot
                                  : key == KEY_NETBOOT  ? &l->netboot
                                  : key == KEY_NET_SLOT ? &l->net_slot
                                  : key == KEY_SHARED   ? &l->shared
                                                        : 0;
    if (r) {
        r->addr = v[0];
        r->size = v[1];
    } else if (key == KEY_STORE) {
        l->store_first_block = v[0];
        l->store_blocks = v[1];
    }
}

/* One line without its comment: s[0..n). */
static int parse_line(const char *s, uint32_t n, uint32_t line, struct tdm_layout *l, unsigned *seen,
                      struct tdm_layout_diag *diag)
{
    uint32_t i = 0;
    while (i < n && is_space(s[i])) {
        i++;
    }
    if (i == n) {
        return 0;
    }
    uint32_t k0 = i;
    while (i < n && is_key_char(s[i])) {
        i++;
    }
    uint32_t k1 = i;
    while (i < n && is_space(s[i])) {
        i++;
    }
    if (k1 == k0 || i == n || s[i] != '=') {
        return fail(diag, TDM_LAYOUT_SYNTAX, NULL, line);
    }
    int key = find_key(s + k0, k1 - k0);
    if (key < 0) {
        return fail(diag, TDM_LAYOUT_UNKNOWN_KEY, NULL, line);
    }
    if (*seen & (1u << key)) {
        return fail(diag, TDM_LAYOUT_DUPLICATE_KEY, key_names[key], line);
    }
    *seen |= 1u << key;
    uint32_t v[2];
    int want = key == KEY_FORMAT ? 1 : 2;
    if (parse_numbers(s + i + 1, n - i - 1, v, want) != want) {
        return fail(diag, TDM_LAYOUT_NUMBER, key_names[key], line);
    }
    if (key == KEY_FORMAT) {
        return v[0] == TDM_LAYOUT_FORMAT ? 0 : fail(diag, TDM_LAYOUT_FORMAT_VERSION, "format", line);
    }
    store_key(l, key, v);
    return 0;
}

int tdm_layout_parse(const char *text, uint32_t len, struct tdm_layout *l, struct tdm_layout_diag *diag)
{
    unsigned seen = 0;
    uint32_t line = 1, start = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n') {
            continue;
        }
        uint32_t end = start;
        while (end < i && text[end] != '#') {
            end++;
        }
        int err = parse_line(text + start, end - start, line, l, &seen, diag);
        if (err < 0) {
            return err;
        }
        line++;
        start = i + 1;
    }
    for (int k = KEY_BOOTLOADER; k < KEY_COUNT; k++) {
        if (!(seen & (1u << k))) {
            return fail(diag, TDM_LAYOUT_MISSING_KEY, key_names[k], 0);
        }
    }
    if (diag) {
        diag->problem = TDM_LAYOUT_OK;
        diag->key = diag->other = NULL;
        diag->line = 0;
    }
    return 0;
}

/* Appender over the caller's buffer; `len` runs on past cap so overflow is detected once at the end. */
struct out {
    char *buf;
    uint32_t cap, len;
};

static void put_str(struct out *o, const char *s)
{
    for (; *s; s++, o->len++) {
        if (o->len + 1 < o->cap) {
            o->buf[o->len] = *s;
        }
    }
}

static void put_num(struct out *o, uint32_t v, int hex, int width)
{
    char tmp[12];
    int n = 0;
    uint32_t radix = hex ? 16 : 10;
    do {
        tmp[n++] = "0123456789ABCDEF"[v % radix];
        v /= radix;
    } while (v || n < width);
    put_str(o, hex ? "0x" : "");
    char one[2] = {0, 0};
    while (n) {
        one[0] = tmp[--n];
        put_str(o, one);
    }
}

static void put_region(struct out *o, const char *key, const struct tdm_layout_region *r, const char *note)
{
    put_str(o, key);
    put_str(o, " = ");
    put_num(o, r->addr, 1, 8);
    put_str(o, " ");
    put_num(o, r->size, 1, 1);
    put_str(o, note);
    put_str(o, "\n");
}

int tdm_layout_format(const struct tdm_layout *l, char *buf, uint32_t cap)
{
    struct out o = {buf, cap, 0};
    put_str(&o, "# tandem device layout (docs/DEVICE.md): key = address size\nformat = ");
    put_num(&o, TDM_LAYOUT_FORMAT, 0, 1);
    put_str(&o, "\n");
    put_region(&o, "bootloader", &l->bootloader, "    # app flash");
    put_region(&o, "app_slot", &l->app_slot, "");
    put_region(&o, "netboot", &l->netboot, "    # net flash");
    put_region(&o, "net_slot", &l->net_slot, "");
    put_str(&o, "store = ");
    put_num(&o, l->store_first_block, 0, 1);
    put_str(&o, " ");
    put_num(&o, l->store_blocks, 0, 1);
    put_str(&o, "    # NAND: first block, block count\n");
    put_region(&o, "shared", &l->shared, "    # app-core RAM window");
    if (cap == 0 || o.len + 1 > cap) {
        if (cap) {
            buf[0] = 0;
        }
        return TDM_E_BUFFER;
    }
    buf[o.len] = 0;
    return (int)o.len;
}
