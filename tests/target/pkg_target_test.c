/* The package layer on the emulated Cortex-M33 (QEMU mps2-an505; the same program runs on the host as
 * pkg_target_host): the real device code (pkg/: streaming parser, manifest, MCUboot TLVs, digests) over
 * real signed packages and images built on the host (tests/target/pkg_vectors.c), with the board's crypto
 * port: software SHA-256 and the device's ECDSA P-256 verifier (crypto/p256.c), so real signatures are
 * verified on the target. Every result is compared with what the host found with mbedTLS: verdicts,
 * manifests, image hashes, the verdict at every truncation length and every flipped byte of the small
 * package, the number of ECDSA verifications asked and accepted, and mbedTLS's answer to each of them.
 * Owns: these scenarios. Never: computes an expected value on the target (expectations come from the host).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "pkg_target_crypto.h"
#include "pkg_vectors.h"
#include "tandem/err.h"

static struct pkg_ecdsa_count ecdsa;
static struct tdm_crypto_ops ops;
static struct tdm_pkg_config cfg;
static struct tdm_pkg_parser whole, other;

static void setup(void)
{
    memset(&ecdsa, 0, sizeof ecdsa);
    ops = pkg_target_crypto(&ecdsa);
    pkgv_config(&cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pkgv_key);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int feed_whole(struct tdm_pkg_parser *p, const uint8_t *b, uint32_t len)
{
    int err = tdm_pkg_parser_init(p, &cfg);
    if (err == 0) {
        err = tdm_pkg_feed(p, b, len);
    }
    return err < 0 ? err : tdm_pkg_finish(p);
}

/* Feed in chunks of `chunk` bytes (0: seeded random sizes 1..97), an empty feed after each. */
static int feed_chunks(struct tdm_pkg_parser *p, const uint8_t *b, uint32_t len, uint32_t chunk, uint64_t *s)
{
    int err = tdm_pkg_parser_init(p, &cfg);
    for (uint32_t off = 0; err == 0 && off < len;) {
        uint32_t n = chunk ? chunk : 1 + (uint32_t)(rnd(s) % 97);
        n = n > len - off ? len - off : n;
        err = tdm_pkg_feed(p, b + off, n);
        if (err == 0) {
            err = tdm_pkg_feed(p, b, 0);
        }
        off += n;
    }
    return err < 0 ? err : tdm_pkg_finish(p);
}

/* The target's manifest against the host's summary. */
static void check_manifest(const struct pkgv_package *v, const struct tdm_pkg_manifest *m)
{
    TDM_CHECK(m != NULL);
    TDM_CHECK(m->count == v->count && m->sec_counter == v->sec_counter && m->hw_id == v->hw_id);
    TDM_CHECK(m->manifest_len == v->manifest_len && m->total_size == v->total_size && m->total_size == v->len);
    TDM_CHECK(tdm_version_cmp(&m->set_version, &v->set_version) == 0 && m->key_index == v->key_index);
    TDM_CHECK(m->note_len == v->note_len);
    for (unsigned c = 0; c < 2; c++) {
        const struct tdm_pkg_component *k = &m->comp[c];
        const struct pkgv_comp *w = &v->comp[c];
        TDM_CHECK(k->id == w->id && k->slot == w->slot && k->hdr_size == w->hdr_size && k->offset == w->offset);
        TDM_CHECK(k->size == w->size && k->hashed_len == w->hashed_len && k->load_addr == w->load_addr);
        TDM_CHECK(k->has_sec_cnt == w->has_sec_cnt && k->sec_cnt == w->sec_cnt && k->done);
        TDM_CHECK(k->image_sig_err == w->image_sig_err && tdm_version_cmp(&k->version, &w->version) == 0);
        TDM_CHECK(memcmp(k->hash, w->hash, TDM_SHA256_LEN) == 0);
        TDM_CHECK(memcmp(k->tlv_hash, w->tlv_hash, TDM_SHA256_LEN) == 0);
    }
}

static void whole_buffer_gives_the_hosts_verdict(void)
{
    setup();
    for (unsigned i = 0; i < pkgv_npackages; i++) {
        const struct pkgv_package *v = &pkgv_packages[i];
        tdm_test_replay_extra("--package %u", i);
        int err = feed_whole(&whole, v->bytes, v->len);
        printf("    %-56s %5lu B  %s\n", v->name, (unsigned long)v->len, tdm_errname(err));
        TDM_CHECK_ERR(err, v->verdict);
        if (v->verdict == 0) {
            check_manifest(v, tdm_pkg_manifest(&whole));
        } else {
            TDM_CHECK(tdm_pkg_manifest(&whole) == NULL);
        }
    }
    TDM_CHECK(ecdsa.accepted > 0); /* the good packages' signatures were verified */
}

static void one_byte_at_a_time_and_odd_chunks_same_as_whole(void)
{
    static const uint32_t chunks[] = {1, 2, 3, 7, 13, 61, 509, 4093, 0, 0, 0};
    uint64_t s = tdm_test_seed() * 2654435761u + 1;
    setup();
    for (unsigned i = 0; i < pkgv_npackages; i++) {
        const struct pkgv_package *v = &pkgv_packages[i];
        int want = feed_whole(&whole, v->bytes, v->len);
        TDM_CHECK_ERR(want, v->verdict);
        for (unsigned c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            tdm_test_replay_extra("--package %u --chunk %lu", i, (unsigned long)chunks[c]);
            TDM_CHECK_ERR(feed_chunks(&other, v->bytes, v->len, chunks[c], &s), want);
            TDM_CHECK(other.state == whole.state && other.off == whole.off);
            TDM_CHECK(memcmp(&other.m, &whole.m, sizeof other.m) == 0);
        }
    }
}

struct slot {
    const uint8_t *pkg;
    uint32_t len, slot_len, max_end, reads;
};

/* A stored package in a slot: erased bytes (0xff) after it, reads outside the slot refused. */
static int slot_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
    struct slot *s = ctx;
    if (off > s->slot_len || len > s->slot_len - off) {
        return TDM_E_RANGE;
    }
    uint8_t *b = buf;
    for (uint32_t i = 0; i < len; i++) {
        b[i] = off + i < s->len ? s->pkg[off + i] : 0xff;
    }
    s->reads++;
    s->max_end = off + len > s->max_end ? off + len : s->max_end;
    return 0;
}

static void reader_check_through_a_read_callback(void)
{
    static const uint32_t bufs[] = {1, 7, 64, 512, 2048};
    static uint8_t buf[2048];
    setup();
    for (unsigned i = 0; i < pkgv_npackages; i++) {
        const struct pkgv_package *v = &pkgv_packages[i];
        for (unsigned b = 0; b < sizeof bufs / sizeof bufs[0]; b++) {
            tdm_test_replay_extra("--package %u --buf %lu", i, (unsigned long)bufs[b]);
            struct slot s = {v->bytes, v->len, v->len + 4096, 0, 0};
            TDM_CHECK_ERR(tdm_pkg_check(&whole, &cfg, slot_read, &s, buf, bufs[b]), v->verdict);
            if (v->verdict == 0) {
                check_manifest(v, tdm_pkg_manifest(&whole));
                TDM_CHECK(s.max_end == v->len); /* reads stop at the package's end */
            }
            TDM_CHECK(s.max_end <= v->len);
        }
    }
}

/* Campaign over the small package: truncation at every length (0) or every byte XOR 0xff / 0x01. */
static void campaign(unsigned which, const int8_t *want)
{
    const struct pkgv_package *v = &pkgv_packages[0];
    static uint8_t b[4096];
    static unsigned counts[128];
    TDM_CHECK(v->len <= sizeof b && v->verdict == 0);
    setup();
    memset(counts, 0, sizeof counts);
    for (uint32_t i = 0; i < v->len; i++) {
        memcpy(b, v->bytes, v->len);
        uint32_t len = v->len;
        if (which == 0) {
            len = i;
            tdm_test_replay_extra("--cut %lu", (unsigned long)i);
        } else {
            b[i] ^= which == 1 ? 0xff : 0x01;
            tdm_test_replay_extra("--flip %lu", (unsigned long)i);
        }
        int err = feed_whole(&whole, b, len);
        TDM_CHECK(err < 0 && strcmp(tdm_errname(err), "TDM_E_UNKNOWN") != 0); /* refused, with a named error */
        TDM_CHECK_ERR(err, want[i]);                                         /* the host's verdict */
        TDM_CHECK(which != 0 || err == TDM_E_PKG_TRUNCATED);
        counts[-err < 128 ? -err : 0]++;
    }
    printf("    %lu %s refused:", (unsigned long)v->len,
           which == 0 ? "truncations" : which == 1 ? "flips (xor 0xff)" : "flips (xor 0x01)");
    for (int e = 1; e < 128; e++) {
        if (counts[e]) {
            printf(" %s=%u", tdm_errname(-e), counts[e]);
        }
    }
    printf("; ECDSA %u asked (%u accepted), host %u (%u)\n", ecdsa.calls, ecdsa.accepted,
           pkgv_campaign_verifies[which][0], pkgv_campaign_verifies[which][1]);
    TDM_CHECK(ecdsa.calls == pkgv_campaign_verifies[which][0] && ecdsa.accepted == pkgv_campaign_verifies[which][1]);
}

static void truncated_at_every_length(void)
{
    campaign(0, pkgv_trunc);
}

static void every_byte_flipped_0xff(void)
{
    campaign(1, pkgv_flip_ff);
}

static void every_byte_flipped_0x01(void)
{
    campaign(2, pkgv_flip_01);
}

static void mcuboot_parse_and_hash_equal_the_hosts(void)
{
    setup();
    uint8_t id[1][TDM_SHA256_LEN];
    TDM_CHECK_OK(tdm_mcuboot_key_hash(&ops, pkgv_key, id[0]));
    TDM_CHECK(memcmp(id[0], pkgv_key_id, TDM_SHA256_LEN) == 0);
    for (unsigned i = 0; i < pkgv_nimages; i++) {
        const struct pkgv_image *v = &pkgv_images[i];
        tdm_test_replay_extra("--image %u", i);
        struct tdm_mcuboot_image img;
        uint8_t hash[TDM_SHA256_LEN];
        memset(&img, 0, sizeof img);
        TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, v->bytes, v->len, &img, hash), v->verify);
        TDM_CHECK(memcmp(hash, v->hash, TDM_SHA256_LEN) == 0);
        TDM_CHECK(img.hdr.hdr_size == v->hdr_size && img.hdr.img_size == v->img_size);
        TDM_CHECK(img.hashed_len == v->hashed_len && img.total_len == v->total_len && img.total_len == v->len);
        TDM_CHECK(tdm_version_cmp(&img.hdr.version, &v->version) == 0 && img.tlv_count == v->tlv_count);
        TDM_CHECK((img.keyhash != NULL) == v->has_keyhash && (img.pubkey != NULL) == v->has_pubkey);
        TDM_CHECK((img.sig != NULL) == v->has_sig && img.has_sec_cnt == v->has_sec_cnt);
        int sig = tdm_mcuboot_check_sig(&ops, &img, hash, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])pkgv_key,
                                        (const uint8_t(*)[TDM_SHA256_LEN])id, 1);
        TDM_CHECK_ERR(sig, v->sig);
        printf("    %-48s %5lu B  hashed %5lu  verify %s, signature %s\n", v->name, (unsigned long)v->len,
               (unsigned long)v->hashed_len, tdm_errname(v->verify), tdm_errname(sig));
        /* one flipped hashed byte: the hash no longer matches its SHA256 TLV */
        static uint8_t b[4096];
        TDM_CHECK(v->len <= sizeof b);
        memcpy(b, v->bytes, v->len);
        b[v->hdr_size + (i * 37) % v->img_size] ^= 0x20;
        TDM_CHECK_ERR(tdm_mcuboot_verify(&ops, b, v->len, &img, hash), TDM_E_PKG_DIGEST);
    }
}

/* The verifier gives mbedTLS's answer to every verification the host's checks asked, and to probes (a
 * byte of key, hash or signature flipped); then a flipped bit anywhere in a valid triple is refused. */
static void ecdsa_answers_equal_mbedtls(void)
{
    uint64_t s = tdm_test_seed() * 2654435761u + 3;
    setup();
    unsigned valid = 0, probes = 0;
    for (unsigned i = 0; i < pkgv_necdsa; i++) {
        const struct pkgv_ecdsa *t = &pkgv_ecdsa[i];
        tdm_test_replay_extra("--triple %u", i);
        TDM_CHECK_ERR(ops.p256_verify(ops.ctx, t->pub, t->hash, t->sig), t->answer);
        valid += t->answer == 0;
        probes += t->probe;
        TDM_CHECK(!t->probe || t->answer != 0); /* mbedTLS refused every probe */
        if (t->answer != 0) {
            continue;
        }
        for (int part = 0; part < 3; part++) {
            struct pkgv_ecdsa x = *t;
            uint8_t *b = part == 0 ? x.pub : part == 1 ? x.hash : x.sig;
            uint32_t n = part == 0 ? TDM_P256_PUBKEY_LEN : part == 1 ? TDM_SHA256_LEN : TDM_P256_SIG_LEN;
            b[rnd(&s) % n] ^= (uint8_t)(1u << (rnd(&s) % 8));
            TDM_CHECK(ops.p256_verify(ops.ctx, x.pub, x.hash, x.sig) < 0);
        }
    }
    printf("    %u triples, %u valid, %u probes; %u verifications\n", pkgv_necdsa, valid, probes, ecdsa.calls);
    TDM_CHECK(valid > 0 && probes == 3 * valid);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"whole buffer gives the host's verdict and manifest", whole_buffer_gives_the_hosts_verdict},
        {"one byte at a time and odd chunk sizes give the same result as the whole buffer",
         one_byte_at_a_time_and_odd_chunks_same_as_whole},
        {"reader check through a read callback", reader_check_through_a_read_callback},
        {"truncated at every length", truncated_at_every_length},
        {"every byte flipped (xor 0xff) refused as on the host", every_byte_flipped_0xff},
        {"every byte flipped (xor 0x01) refused as on the host", every_byte_flipped_0x01},
        {"MCUboot parse and hash equal the host's", mcuboot_parse_and_hash_equal_the_hosts},
        {"ECDSA answers equal mbedTLS's", ecdsa_answers_equal_mbedtls},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
