/* Host-only helpers of the package tools: whole-file read, atomic write, version and number parsing, hex,
 * the nRF Connect SDK dfu_multi_image container (a u16 length, a small CBOR map, the images), and the
 * device layout the tools aim packages at (the default, or a layout file).
 * Owns: these conversions. Never: leaves a partly written output file (write to a temp, then rename). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkg_build.h"
#include "tandem/err.h"
#include "tandem/le.h"

int tdm_file_read(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return TDM_E_HOST_FILE;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            break;
        }
        uint8_t *nb = realloc(b, cap * 2);
        if (!nb) {
            free(b);
            b = NULL;
            break;
        }
        b = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b || bad) {
        free(b);
        return TDM_E_HOST_FILE;
    }
    *buf = b;
    *len = n;
    return 0;
}

int tdm_file_write(const char *path, const uint8_t *buf, size_t len)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        return TDM_E_HOST_FILE;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int err = f ? 0 : TDM_E_HOST_FILE;
    if (f && fwrite(buf, 1, len, f) != len) {
        err = TDM_E_HOST_FILE;
    }
    if (f && fclose(f) != 0) {
        err = TDM_E_HOST_FILE;
    }
    if (err == 0 && rename(tmp, path) != 0) {
        err = TDM_E_HOST_FILE;
    }
    if (err < 0) {
        remove(tmp);
    }
    free(tmp);
    return err;
}

static int parse_ul(const char **s, unsigned long max, unsigned long *out)
{
    char *end;
    if (**s < '0' || **s > '9') {
        return TDM_E_HOST_USAGE;
    }
    errno = 0;
    unsigned long v = strtoul(*s, &end, 10);
    if (errno || v > max) {
        return TDM_E_HOST_USAGE;
    }
    *s = end;
    *out = v;
    return 0;
}

int tdm_version_parse(const char *s, struct tdm_version *v)
{
    unsigned long x[4] = {0, 0, 0, 0};
    static const unsigned long max[4] = {255, 255, 65535, 4294967295ul};
    memset(v, 0, sizeof *v);
    int i = 0;
    if (parse_ul(&s, max[0], &x[0]) < 0) {
        return TDM_E_HOST_USAGE;
    }
    for (i = 1; i < 3 && *s == '.'; i++) {
        s++;
        if (parse_ul(&s, max[i], &x[i]) < 0) {
            return TDM_E_HOST_USAGE;
        }
    }
    if (*s == '+') {
        s++;
        if (parse_ul(&s, max[3], &x[3]) < 0) {
            return TDM_E_HOST_USAGE;
        }
    }
    if (*s) {
        return TDM_E_HOST_USAGE;
    }
    v->major = (uint8_t)x[0];
    v->minor = (uint8_t)x[1];
    v->revision = (uint16_t)x[2];
    v->build = (uint32_t)x[3];
    return 0;
}

const char *tdm_version_str(const struct tdm_version *v, char *buf)
{
    snprintf(buf, 32, "%u.%u.%u+%lu", v->major, v->minor, v->revision, (unsigned long)v->build);
    return buf;
}

int tdm_u32_parse(const char *s, uint32_t *out)
{
    char *end;
    if (!s || !*s || *s == '-') {
        return TDM_E_HOST_USAGE;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || v > UINT32_MAX) {
        return TDM_E_HOST_USAGE;
    }
    *out = (uint32_t)v;
    return 0;
}

const char *tdm_hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    }
    out[2 * n] = 0;
    return out;
}

/* --- dfu_multi_image: a minimal reader of the CBOR subset it uses (definite lengths) --- */
struct cbor {
    const uint8_t *b;
    size_t n, p;
};

/* Head of the next item: major type and argument. */
static int cbor_head(struct cbor *c, int *major, uint64_t *arg)
{
    if (c->p >= c->n) {
        return TDM_E_PKG_MALFORMED;
    }
    uint8_t ib = c->b[c->p++];
    *major = ib >> 5;
    uint8_t ai = ib & 31;
    if (ai < 24) {
        *arg = ai;
        return 0;
    }
    if (ai > 27) {
        return TDM_E_PKG_MALFORMED; /* indefinite lengths are not produced by the SDK's tool */
    }
    size_t len = (size_t)1 << (ai - 24);
    if (c->n - c->p < len) {
        return TDM_E_PKG_MALFORMED;
    }
    *arg = 0;
    for (size_t i = 0; i < len; i++) {
        *arg = (*arg << 8) | c->b[c->p++];
    }
    return 0;
}

static int cbor_text_is(struct cbor *c, const char *want)
{
    int major;
    uint64_t n;
    if (cbor_head(c, &major, &n) < 0 || major != 3 || n != strlen(want) || c->n - c->p < n ||
        memcmp(c->b + c->p, want, n) != 0) {
        return TDM_E_PKG_MALFORMED;
    }
    c->p += n;
    return 0;
}

static int cbor_int(struct cbor *c, int64_t *v)
{
    int major;
    uint64_t a;
    if (cbor_head(c, &major, &a) < 0 || (major != 0 && major != 1) || a > INT32_MAX) {
        return TDM_E_PKG_MALFORMED;
    }
    *v = major == 0 ? (int64_t)a : -1 - (int64_t)a;
    return 0;
}

int tdm_multi_parse(const uint8_t *buf, size_t len, struct tdm_multi *m)
{
    if (len < 2) {
        return TDM_E_PKG_TRUNCATED;
    }
    size_t hlen = tdm_get_le16(buf);
    if (len - 2 < hlen) {
        return TDM_E_PKG_TRUNCATED;
    }
    struct cbor c = {buf + 2, hlen, 0};
    int major;
    uint64_t n;
    if (cbor_head(&c, &major, &n) < 0 || major != 5 || n != 1 || cbor_text_is(&c, "img") < 0 ||
        cbor_head(&c, &major, &n) < 0 || major != 4 || n == 0 || n > TDM_MULTI_MAX) {
        return TDM_E_PKG_MALFORMED;
    }
    m->count = (unsigned)n;
    size_t off = 2 + hlen;
    for (unsigned i = 0; i < m->count; i++) {
        int64_t id, size;
        uint64_t pairs;
        if (cbor_head(&c, &major, &pairs) < 0 || major != 5 || pairs != 2 || cbor_text_is(&c, "id") < 0 ||
            cbor_int(&c, &id) < 0 || cbor_text_is(&c, "size") < 0 || cbor_int(&c, &size) < 0 || size < 0) {
            return TDM_E_PKG_MALFORMED;
        }
        m->id[i] = (int32_t)id;
        m->off[i] = off;
        m->size[i] = (size_t)size;
        if (len - off < (size_t)size) {
            return TDM_E_PKG_TRUNCATED;
        }
        off += (size_t)size;
    }
    if (c.p != c.n) {
        return TDM_E_PKG_MALFORMED;
    }
    return off == len ? 0 : TDM_E_PKG_TRAILING;
}

static size_t cbor_put_head(uint8_t *p, int major, uint32_t arg)
{
    if (arg < 24) {
        p[0] = (uint8_t)(major << 5 | arg);
        return 1;
    }
    if (arg < 256) {
        p[0] = (uint8_t)(major << 5 | 24);
        p[1] = (uint8_t)arg;
        return 2;
    }
    if (arg < 65536) {
        p[0] = (uint8_t)(major << 5 | 25);
        p[1] = (uint8_t)(arg >> 8);
        p[2] = (uint8_t)arg;
        return 3;
    }
    p[0] = (uint8_t)(major << 5 | 26);
    for (int i = 0; i < 4; i++) {
        p[1 + i] = (uint8_t)(arg >> (24 - 8 * i));
    }
    return 5;
}

static size_t cbor_put_text(uint8_t *p, const char *s)
{
    size_t n = cbor_put_head(p, 3, (uint32_t)strlen(s));
    memcpy(p + n, s, strlen(s));
    return n + strlen(s);
}

int tdm_multi_build(unsigned count, const int32_t *ids, const uint8_t *const *images, const size_t *sizes,
                    uint8_t **out, size_t *out_len)
{
    uint8_t h[512];
    size_t n = 0, body = 0;
    if (count == 0 || count > TDM_MULTI_MAX) {
        return TDM_E_INVAL;
    }
    n += cbor_put_head(h + n, 5, 1);
    n += cbor_put_text(h + n, "img");
    n += cbor_put_head(h + n, 4, count);
    for (unsigned i = 0; i < count; i++) {
        n += cbor_put_head(h + n, 5, 2);
        n += cbor_put_text(h + n, "id");
        n += ids[i] >= 0 ? cbor_put_head(h + n, 0, (uint32_t)ids[i]) : cbor_put_head(h + n, 1, (uint32_t)(-1 - ids[i]));
        n += cbor_put_text(h + n, "size");
        n += cbor_put_head(h + n, 0, (uint32_t)sizes[i]);
        body += sizes[i];
    }
    uint8_t *b = malloc(2 + n + body);
    if (!b) {
        return TDM_E_INVAL;
    }
    tdm_put_le16(b, (uint16_t)n);
    memcpy(b + 2, h, n);
    size_t p = 2 + n;
    for (unsigned i = 0; i < count; i++) {
        memcpy(b + p, images[i], sizes[i]);
        p += sizes[i];
    }
    *out = b;
    *out_len = p;
    return 0;
}

void tdm_pkg_host_layout(struct tdm_layout *l)
{
    struct tdm_layout_hw hw;
    tdm_layout_hw_nrf5340(&hw, 1024, 128u * 1024u); /* the NAND part does not move a flash slot */
    tdm_layout_default(l, &hw);
}

int tdm_pkg_layout_read(const char *path, struct tdm_layout *l, struct tdm_layout_diag *diag)
{
    uint8_t *text;
    size_t n;
    if (tdm_file_read(path, &text, &n) < 0) {
        return TDM_E_HOST_FILE;
    }
    int err = n > 4096 ? TDM_E_HOST_FILE : tdm_layout_parse((const char *)text, (uint32_t)n, l, diag);
    free(text);
    if (err < 0) {
        return err;
    }
    struct tdm_layout_hw hw;
    tdm_layout_hw_nrf5340(&hw, UINT32_MAX, UINT32_MAX); /* any store range passes: the chip is not known */
    return tdm_layout_check(l, &hw, diag);
}
