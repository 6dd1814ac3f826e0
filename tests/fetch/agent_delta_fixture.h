/* Delta updates on the simulated device: consecutive releases of the firmware corpus packed as tandem sets
 * (tests/delta/corpus_set.h), the older one installed in slot A (committed, installed role, boot state
 * IDLE with its version and counter), the newer one served by the in-memory transport as a delta package
 * ("mem://delta") and as the full package ("mem://full"). Shared by tests/fetch/agent_delta_test.c and
 * bench/bench_delta.c. Host-only (malloc).
 * Owns: the pair, the installed set, the transport's two files. Never: runs the agent itself. */
#ifndef TANDEM_TESTS_FETCH_AGENT_DELTA_FIXTURE_H
#define TANDEM_TESTS_FETCH_AGENT_DELTA_FIXTURE_H

#include "../delta/corpus_set.h"
#include "../harness.h"
#include "agent_cut.h"
#include "delta_build.h"
#include "mem_transport.h"

#define ADX_DELTA_URL "mem://delta"
#define ADX_FULL_URL "mem://full"
/* The delta campaign's case (tests/fetch/agent_delta_cut_test.c, bench_delta): the pair 4.1.0 -> 4.1.1 of
 * the corpus (its largest delta), first on the W25N-SMALL. */
#define ADX_CUT_CASE "fetch: a cut at any NAND operation of a delta fetch resumes to the new set"
#define ADX_CUT_FROM 1u
#define ADX_CUT_TO 2u

struct adx_pair {
    unsigned from, to;   /* corpus releases (tdm_corpus_versions) */
    struct afx_pkg base; /* the installed package */
    struct afx_pkg full; /* the new package */
    struct afx_pkg delta;
};

struct adx_rig {
    struct afx_dev dev;
    struct tdm_fetch_delta work;
    struct tdm_mem_file files[2];
    struct tdm_mem_transport mem;
    struct tdm_fetch_config cfg;
    uint8_t pub[1][TDM_P256_PUBKEY_LEN];
};

/* The firmware corpus directory: --fw DIR (default tests/data/firmware), added to the replay line. */
static inline const char *adx_fw(void)
{
    const char *d = tdm_test_option("fw");
    d = d ? d : "tests/data/firmware";
    tdm_test_replay_extra("--fw %.150s", d);
    return d;
}

static inline void adx_pair_free(struct adx_pair *p)
{
    free(p->base.buf);
    free(p->full.buf);
    free(p->delta.buf);
    memset(p, 0, sizeof *p);
}

/* Pack releases `from` and `to` of the corpus in `fw` and the delta between them. */
static inline int adx_pair_make(struct adx_pair *p, const char *fw, unsigned from, unsigned to)
{
    memset(p, 0, sizeof *p);
    p->from = from;
    p->to = to;
    struct tdm_delta_pkg_info info;
    int err = tdm_corpus_pack(fw, from, &p->base.buf, &p->base.len);
    err = err < 0 ? err : tdm_corpus_pack(fw, to, &p->full.buf, &p->full.len);
    err = err < 0 ? err
                  : tdm_delta_pkg_build(p->base.buf, p->base.len, p->full.buf, p->full.len, &p->delta.buf,
                                        &p->delta.len, &info);
    if (err < 0) {
        adx_pair_free(p);
    }
    return err;
}

/* Install `pkg` (corpus release `i`) as the device's set, as the bootloader leaves it after a confirmed
 * update: committed in slot A, installed role, boot state IDLE naming it, OTP counter at its counter. */
static inline int adx_install(struct afx_dev *d, const struct afx_pkg *pkg, unsigned i)
{
    int err = tdm_store_open(&d->store, TDM_STORE_SLOT_A);
    for (size_t o = 0; err >= 0 && o < pkg->len; o += 2048) {
        err = tdm_store_write(&d->store, pkg->buf + o, (uint32_t)(pkg->len - o < 2048 ? pkg->len - o : 2048));
    }
    struct tdm_store_slot_info si;
    err = err < 0 ? err : tdm_store_commit(&d->store, (uint32_t)pkg->len, NULL);
    err = err < 0 ? err : tdm_store_set_roles(&d->store, TDM_STORE_SLOT_A, TDM_STORE_NONE);
    err = err < 0 ? err : tdm_store_slot_info(&d->store, TDM_STORE_SLOT_A, &si);
    struct tdm_bootstate st;
    err = err < 0 ? err : tdm_bootstate_load(&d->store, &st);
    if (err < 0) {
        return err;
    }
    st.phase = TDM_BS_IDLE;
    st.inst_slot = TDM_STORE_SLOT_A;
    st.inst_gen = si.gen;
    st.inst_version = (struct tdm_version){4, (uint8_t)i, 0, 0};
    d->counter = i + 1;
    return tdm_bootstate_save(&d->store, &st);
}

/* A device (seeded) with p->from installed, the agent's config with the corpus key, the delta workspace
 * and the in-memory transport serving the delta (`delta`, may be a damaged copy) and the full package. */
static inline int adx_setup(struct adx_rig *r, const struct adx_pair *p, const struct afx_pkg *delta, uint64_t seed)
{
    struct tdm_key key;
    int err = afx_device_new(&r->dev, seed);
    err = err < 0 ? err : adx_install(&r->dev, &p->base, p->from);
    err = err < 0 ? err : tdm_key_from_seed(&key, 0x64656c7461u);
    if (err < 0) {
        return err;
    }
    memcpy(r->pub[0], key.pub, TDM_P256_PUBKEY_LEN);
    r->files[0] = (struct tdm_mem_file){ADX_DELTA_URL, delta->buf, delta->len, "\"delta\""};
    r->files[1] = (struct tdm_mem_file){ADX_FULL_URL, p->full.buf, p->full.len, "\"full\""};
    memset(&r->mem, 0, sizeof r->mem);
    r->mem.files = r->files;
    r->mem.nfiles = 2;
    struct tdm_transport_ops ops = tdm_mem_transport(&r->mem);
    afx_config(&r->dev, &r->cfg, &ops, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])r->pub);
    r->cfg.delta = &r->work;
    return 0;
}

static inline int adx_install_base(struct afx_dev *d, void *arg)
{
    const struct adx_pair *p = arg;
    return adx_install(d, &p->base, p->from);
}

/* The power-cut runner's case of a delta fetch (tests/fetch/agent_cut.h) for pair p, with rig r's agent
 * config (set up by adx_setup: the corpus key, the in-memory transport): each run's device gets p->from
 * installed on the runner's part, the body fetches the delta, and after every cut the new set must end
 * committed bit-exact, verified and PENDING, with at most the patch fetched twice per cut. */
static inline void adx_cut_case(struct afx_cut_case *k, const struct adx_rig *r, struct adx_pair *p)
{
    memset(k, 0, sizeof *k);
    k->cfg = r->cfg;
    k->url = ADX_DELTA_URL;
    k->pkg = &p->full;
    k->fetched_len = p->delta.len;
    k->twice_max = p->delta.len;
    k->prepare = adx_install_base;
    k->prepare_arg = p;
}

/* Nothing of the new set is committed or pending: slot B is not committed, the boot state is IDLE on A. */
static inline int adx_nothing_committed(struct afx_dev *d)
{
    struct tdm_store_slot_info si;
    struct tdm_bootstate st;
    if (tdm_store_slot_info(&d->store, TDM_STORE_SLOT_B, &si) < 0 || tdm_bootstate_load(&d->store, &st) < 0) {
        return 0;
    }
    return si.state != TDM_STORE_COMMITTED && st.phase == TDM_BS_IDLE && st.inst_slot == TDM_STORE_SLOT_A;
}

#endif
