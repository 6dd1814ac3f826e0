/* The delta encoder's instruction finder of delta_build.h: splits the new image into segments, each
 * coded against one displacement into the base (add: byte differences, mostly zero), with the poorly
 * matching tail of a segment sent as extra bytes.
 * Owns: the choice of instructions. Never: coding (delta_encode.c).
 *
 * Method: a hash chain over every 8-byte string of the base. Walking the new image, bytes that equal the
 * base at the current displacement are passed over; at a byte that does not, the longest exact match
 * elsewhere in the base is looked up, and the displacement changes only when that match beats the current
 * one by more than SWITCH_MARGIN bytes over its length (so a pointer that moved by a constant stays a
 * small difference inside a long run, not a new instruction). Each segment keeps the prefix that scores
 * best (MATCH_GAIN per equal byte, -1 per differing one) as add bytes; the rest is extra. */
#include <stdlib.h>
#include <string.h>

#include "delta_build.h"
#include "tandem/err.h"

#define HASH_BITS 18
#define MIN_MATCH 8
#define CHAIN_MAX 64
#define MATCH_CAP 65536
#define SWITCH_MARGIN 8
#define MATCH_GAIN 2

struct matcher {
    const uint8_t *base, *nw;
    size_t base_len, new_len;
    int32_t *head; /* hash -> last base position, -1 none */
    int32_t *next; /* base position -> previous position with the same hash */
};

static uint32_t hash8(const uint8_t *p)
{
    uint64_t v = 0;
    memcpy(&v, p, 8);
    return (uint32_t)((v * 0x9E3779B97F4A7C15ull) >> (64 - HASH_BITS));
}

static size_t common(const uint8_t *a, const uint8_t *b, size_t max)
{
    size_t n = 0;
    while (n < max && a[n] == b[n]) {
        n++;
    }
    return n;
}

static int at_disp_equal(const struct matcher *m, size_t i, int64_t d)
{
    int64_t j = (int64_t)i + d;
    return j >= 0 && j < (int64_t)m->base_len && m->nw[i] == m->base[j];
}

/* Longest exact match of nw[i..] in the base; ties go to the displacement closest to `d`. */
static size_t longest(const struct matcher *m, size_t i, int64_t d, int64_t *best_d)
{
    size_t best = 0;
    if (i + MIN_MATCH > m->new_len) {
        return 0;
    }
    int32_t j = m->head[hash8(m->nw + i)];
    for (int c = 0; j >= 0 && c < CHAIN_MAX; c++, j = m->next[j]) {
        size_t max = m->new_len - i;
        max = max < m->base_len - (size_t)j ? max : m->base_len - (size_t)j;
        max = max < MATCH_CAP ? max : MATCH_CAP;
        size_t n = common(m->nw + i, m->base + j, max);
        int64_t dj = (int64_t)j - (int64_t)i;
        if (n > best || (n == best && n > 0 && llabs(dj - d) < llabs(*best_d - d))) {
            best = n;
            *best_d = dj;
        }
    }
    return best;
}

/* Add length of a segment [s, e) at displacement d: the best-scoring prefix inside the base. */
static size_t add_prefix(const struct matcher *m, size_t s, size_t e, int64_t d)
{
    long score = 0, best = 0;
    size_t best_len = 0;
    for (size_t i = s; i < e; i++) {
        int64_t j = (int64_t)i + d;
        if (j < 0 || j >= (int64_t)m->base_len) {
            break;
        }
        score += m->nw[i] == m->base[j] ? MATCH_GAIN : -1;
        if (score > best) {
            best = score;
            best_len = i + 1 - s;
        }
    }
    return best_len;
}

struct seg_list {
    size_t *start;
    int64_t *disp;
    size_t n, cap;
};

static int seg_push(struct seg_list *l, size_t s, int64_t d)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        size_t *ns = realloc(l->start, cap * sizeof *ns);
        if (ns == NULL) {
            return TDM_E_INVAL;
        }
        l->start = ns;
        int64_t *nd = realloc(l->disp, cap * sizeof *nd);
        if (nd == NULL) {
            return TDM_E_INVAL;
        }
        l->disp = nd;
        l->cap = cap;
    }
    l->start[l->n] = s;
    l->disp[l->n] = d;
    l->n++;
    return 0;
}

static int segment(const struct matcher *m, struct seg_list *l)
{
    int64_t d = 0;
    int err = seg_push(l, 0, 0);
    size_t i = 0;
    while (err == 0 && i < m->new_len) {
        if (at_disp_equal(m, i, d)) {
            i++;
            continue;
        }
        int64_t nd = d;
        size_t len = longest(m, i, d, &nd);
        if (len < MIN_MATCH || nd == d) {
            i++;
            continue;
        }
        size_t score = 0;
        for (size_t k = i; k < i + len; k++) {
            score += (size_t)at_disp_equal(m, k, d);
        }
        if (len <= score + SWITCH_MARGIN) {
            i++;
            continue;
        }
        size_t s = i;
        while (s > l->start[l->n - 1] + 1 && at_disp_equal(m, s - 1, nd) && !at_disp_equal(m, s - 1, d)) {
            s--;
        }
        err = seg_push(l, s, nd);
        d = nd;
        i += len;
    }
    return err;
}

static int ops_from_segments(const struct matcher *m, const struct seg_list *l, struct tdm_delta_op **ops,
                             size_t *nops)
{
    struct tdm_delta_op *o = calloc(l->n ? l->n : 1, sizeof *o);
    if (o == NULL) {
        return TDM_E_INVAL;
    }
    size_t n = 0;
    int64_t old = 0; /* base cursor after the last add */
    for (size_t k = 0; k < l->n; k++) {
        size_t s = l->start[k], e = k + 1 < l->n ? l->start[k + 1] : m->new_len;
        if (e <= s) {
            continue;
        }
        size_t add = add_prefix(m, s, e, l->disp[k]);
        if (add == 0 && n > 0) {
            o[n - 1].extra += (uint32_t)(e - s); /* nothing to add: extend the previous extra */
            continue;
        }
        int64_t at = (int64_t)s + l->disp[k];
        o[n].add = (uint32_t)add;
        o[n].seek = add ? at - old : 0;
        o[n].extra = (uint32_t)(e - s - add);
        old += o[n].seek + (int64_t)add;
        n++;
    }
    *ops = o;
    *nops = n;
    return 0;
}

int tdm_delta_match(const uint8_t *base, size_t base_len, const uint8_t *nw, size_t new_len,
                    struct tdm_delta_op **ops, size_t *nops)
{
    if ((base == NULL && base_len) || (nw == NULL && new_len) || ops == NULL || nops == NULL ||
        base_len >= 0x7FFFFFFF || new_len >= 0x7FFFFFFF) {
        return TDM_E_INVAL;
    }
    struct matcher m = {base, nw, base_len, new_len, malloc(sizeof(int32_t) << HASH_BITS),
                        malloc((base_len ? base_len : 1) * sizeof(int32_t))};
    struct seg_list l = {0};
    int err = (m.head == NULL || m.next == NULL) ? TDM_E_INVAL : 0;
    if (err == 0) {
        memset(m.head, 0xFF, sizeof(int32_t) << HASH_BITS);
        for (size_t j = 0; j + MIN_MATCH <= base_len; j++) {
            uint32_t h = hash8(base + j);
            m.next[j] = m.head[h];
            m.head[h] = (int32_t)j;
        }
        err = segment(&m, &l);
    }
    if (err == 0) {
        err = ops_from_segments(&m, &l, ops, nops);
    }
    free(m.head);
    free(m.next);
    free(l.start);
    free(l.disp);
    return err;
}
