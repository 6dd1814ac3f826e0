/* The bootloader's state machine (include/tandem/boot.h, docs/BOOT.md): from the boot-state record to
 * the decision of what runs, through install, trial and rollback.
 *
 * Owns: the order of the steps and the record written after each one. Never: boots before an install or
 * a rollback it started has completed and verified, treats a power cut as a refusal, or retries a
 * package that was rejected.
 */
#include "boot_internal.h"
#include "tandem/err.h"

static int save(struct tdm_boot *b)
{
    return tdm_bootstate_save(&b->store, &b->st);
}

static void copy(uint8_t *d, const uint8_t *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

/* Hand over: tell the net-boot stage to start the network image. The application starts when we return. */
static int handover(struct tdm_boot *b, enum tdm_boot_outcome outcome)
{
    b->rep.outcome = outcome;
    int err = tdm_boot_xfer(b);
    err = err < 0 ? err : tdm_xfer_boot(&b->xfer);
    return err < 0 ? err : 0;
}

/* After a durable state record: clear the candidate's slot (when it is not the installed one) and make the
 * store roles and the counter agree. Best effort: only a power cut stops the boot; any other failure is
 * repaired by the next boot's settle, because the state record is already the truth. */
static int tidy(struct tdm_boot *b, unsigned cand, const struct tdm_counter_ops *counter)
{
    if (cand < TDM_STORE_SLOTS && cand != b->st.inst_slot && tdm_store_clear(&b->store, cand) == TDM_E_POWER) {
        return TDM_E_POWER;
    }
    return tdm_bootstate_settle(&b->store, &b->st, counter) == TDM_E_POWER ? TDM_E_POWER : 0;
}

static int slot_holds(struct tdm_boot *b, unsigned slot, uint32_t gen)
{
    struct tdm_store_slot_info si;
    return slot < TDM_STORE_SLOTS && tdm_store_slot_info(&b->store, slot, &si) == 0 &&
           si.state == TDM_STORE_COMMITTED && si.gen == gen;
}

static int running_image_ok(struct tdm_boot *b)
{
    uint8_t h[TDM_MCUBOOT_HDR_LEN];
    struct tdm_mcuboot_header hdr;
    const struct tdm_flash_ops *f = &b->cfg.app_flash;
    int err = f->read(f->ctx, b->cfg.layout.app_slot.addr, h, sizeof h);
    if (err < 0) {
        return err;
    }
    return tdm_mcuboot_parse_header(h, &hdr) < 0 ? TDM_E_BOOT_NO_IMAGE : 0;
}

static int boot_installed(struct tdm_boot *b, enum tdm_boot_outcome outcome)
{
    int err = running_image_ok(b);
    return err < 0 ? err : handover(b, outcome);
}

/* The pending package failed verification: forget it, keep the installed set. */
static int refuse(struct tdm_boot *b, int why)
{
    unsigned cand = b->st.cand_slot;
    b->st.phase = TDM_BS_IDLE;
    b->st.last = TDM_BS_LAST_REFUSED;
    b->st.refused_err = (uint32_t)-why;
    b->st.cand_slot = TDM_STORE_NONE;
    b->st.cand_gen = 0;
    b->rep.refused_err = why;
    int err = save(b);
    err = err < 0 ? err : tidy(b, cand, &b->cfg.counter);
    return err < 0 ? err : boot_installed(b, TDM_BOOT_RUN_REFUSED);
}

/* Run the copy steps from b->st.step on, saving the state after each, then verify. */
static int run_steps(struct tdm_boot *b, const struct tdm_boot_source *src)
{
    int err = 0;
    if (b->st.step <= TDM_BS_STEP_APP) {
        err = tdm_boot_copy_app(b, src);
        if (err < 0) {
            return err;
        }
        b->st.step = TDM_BS_STEP_NET;
        err = save(b);
    }
    if (err >= 0 && b->st.step == TDM_BS_STEP_NET) {
        err = tdm_boot_copy_net(b, src);
        if (err < 0) {
            return err;
        }
        b->st.step = TDM_BS_STEP_VERIFY;
        err = save(b);
    }
    return err < 0 ? err : tdm_boot_verify(b, src);
}

static int rollback(struct tdm_boot *b)
{
    struct tdm_boot_source src;
    static const struct tdm_version any = {0, 0, 0, 0};
    if (b->st.inst_slot == TDM_STORE_NONE || !slot_holds(b, b->st.inst_slot, b->st.inst_gen)) {
        /* Nothing to go back to (the device never had a valid set before this one): keep the new set. */
        b->st.phase = TDM_BS_IDLE;
        b->st.last = TDM_BS_LAST_CONFIRMED;
        b->st.inst_slot = b->st.cand_slot;
        b->st.inst_gen = b->st.cand_gen;
        b->st.cand_slot = TDM_STORE_NONE;
        int err = save(b);
        return err < 0 ? err : boot_installed(b, TDM_BOOT_RUN_INSTALLED);
    }
    int err = tdm_boot_source(b, b->st.inst_slot, 0, &any, &src);
    err = err < 0 ? err : run_steps(b, &src);
    if (err < 0) {
        return err;
    }
    unsigned cand = b->st.cand_slot;
    for (unsigned k = TDM_BOOTSTATE_REJECTED_MAX - 1; k > 0; k--) {
        copy(b->st.rejected[k], b->st.rejected[k - 1], TDM_SHA256_LEN);
    }
    copy(b->st.rejected[0], b->st.cand_sha, TDM_SHA256_LEN);
    if (b->st.nrejected < TDM_BOOTSTATE_REJECTED_MAX) {
        b->st.nrejected++;
    }
    b->st.phase = TDM_BS_IDLE;
    b->st.last = TDM_BS_LAST_REJECTED;
    b->st.cand_slot = TDM_STORE_NONE;
    b->st.cand_gen = 0;
    err = save(b);
    err = err < 0 ? err : tidy(b, cand, &b->cfg.counter);
    return err < 0 ? err : handover(b, TDM_BOOT_RUN_ROLLED_BACK);
}

/* Start a rollback from its first step: record phase ROLLBACK / step APP before anything is restored, so
 * both images are copied back whatever step the install (or trial) had reached. */
static int start_rollback(struct tdm_boot *b)
{
    b->st.phase = TDM_BS_ROLLBACK;
    b->st.step = TDM_BS_STEP_APP;
    int err = save(b);
    return err < 0 ? err : rollback(b);
}

/* The candidate failed: before the first flash write the installed set is untouched, so refuse it;
 * after, internal flash may hold part of it, so go back to the installed set on both cores. */
static int give_up(struct tdm_boot *b, int why)
{
    return b->st.phase == TDM_BS_PENDING || b->st.step == TDM_BS_STEP_CAPTURE ? refuse(b, why) : start_rollback(b);
}

/* Make sure the running set has a copy in NAND before internal flash is touched. */
static int ensure_backup(struct tdm_boot *b)
{
    if (b->st.inst_slot != TDM_STORE_NONE && slot_holds(b, b->st.inst_slot, b->st.inst_gen)) {
        return 0;
    }
    unsigned other = b->st.cand_slot == TDM_STORE_SLOT_A ? TDM_STORE_SLOT_B : TDM_STORE_SLOT_A;
    int err = tdm_boot_capture(b, other);
    if (err == TDM_E_BOOT_NO_IMAGE) {
        b->st.inst_slot = TDM_STORE_NONE; /* a blank device: nothing to keep */
        return 0;
    }
    struct tdm_boot_source cap;
    static const struct tdm_version any = {0, 0, 0, 0};
    err = err < 0 ? err : tdm_boot_source(b, other, 0, &any, &cap);
    if (err < 0) {
        return err;
    }
    struct tdm_store_slot_info si;
    err = tdm_store_slot_info(&b->store, other, &si);
    if (err < 0) {
        return err;
    }
    b->st.inst_slot = (uint8_t)other;
    b->st.inst_gen = si.gen;
    b->st.inst_version = cap.version;
    return 0;
}

static int install(struct tdm_boot *b)
{
    struct tdm_boot_source src;
    uint32_t now = 0;
    int err = b->cfg.counter.get(b->cfg.counter.ctx, &now);
    if (err < 0) {
        return err;
    }
    if (!slot_holds(b, b->st.cand_slot, b->st.cand_gen)) {
        return give_up(b, TDM_E_STORE_SLOT);
    }
    if (tdm_bootstate_is_rejected(&b->st, b->st.cand_sha)) {
        return refuse(b, TDM_E_BOOT_REJECTED);
    }
    err = tdm_boot_source(b, b->st.cand_slot, now, &b->st.inst_version, &src);
    if (err >= 0 && src.is_capture) {
        err = TDM_E_PKG_MAGIC; /* a capture is never a candidate */
    }
    if (err == TDM_E_POWER) {
        return err;
    }
    if (err < 0) {
        return give_up(b, err);
    }
    if (b->st.phase == TDM_BS_PENDING) {
        b->st.phase = TDM_BS_INSTALL;
        b->st.step = TDM_BS_STEP_CAPTURE;
        err = save(b);
    }
    if (err >= 0 && b->st.step == TDM_BS_STEP_CAPTURE) {
        err = ensure_backup(b);
        if (err >= 0) {
            b->st.step = TDM_BS_STEP_APP;
            err = save(b);
        }
        err = err < 0 ? err : tidy(b, TDM_STORE_NONE, 0);
    }
    err = err < 0 ? err : run_steps(b, &src);
    if (err == TDM_E_BOOT_VERIFY) {
        return start_rollback(b);
    }
    if (err < 0) {
        return err;
    }
    b->st.phase = TDM_BS_TRIAL;
    err = save(b);
    err = err < 0 ? err : tidy(b, TDM_STORE_NONE, 0);
    return err < 0 ? err : handover(b, TDM_BOOT_RUN_TRIAL);
}

static int start_store(struct tdm_boot *b)
{
    if (!b->cfg.nand) {
        return TDM_E_IO;
    }
    int err = tdm_nand_init(&b->nand, b->cfg.nand);
    if (err < 0) {
        return err;
    }
    struct tdm_store_config sc = {
        .nand = &b->nand,
        .crypto = b->cfg.crypto,
        .page_buf = b->cfg.nand_page_buf,
        .first_block = b->cfg.layout.store_first_block,
        .block_count = b->cfg.layout.store_blocks,
    };
    err = tdm_store_mount(&b->store, &sc);
    err = err < 0 ? err : tdm_bootstate_load(&b->store, &b->st);
    b->have_store = err >= 0;
    return err;
}

static int decide(struct tdm_boot *b)
{
    /* A counter that cannot advance (OTP full) or a role record that cannot be written must not stop the
     * device from booting: the state record stays the truth and the next boot tries again. */
    int err = tidy(b, TDM_STORE_NONE, b->st.phase == TDM_BS_IDLE ? &b->cfg.counter : 0);
    if (err < 0) {
        return err;
    }
    switch (b->st.phase) {
    case TDM_BS_PENDING:
    case TDM_BS_INSTALL:
        return install(b);
    case TDM_BS_TRIAL: /* a reset before confirmation: the trial failed */
        return start_rollback(b);
    case TDM_BS_ROLLBACK:
        return rollback(b);
    default:
        return boot_installed(b, TDM_BOOT_RUN_INSTALLED);
    }
}

int tdm_boot_run(struct tdm_boot *b, const struct tdm_boot_config *cfg, struct tdm_boot_report *rep)
{
    if (!cfg || !cfg->app_flash.read || !cfg->ipc.window || !cfg->counter.get || !cfg->crypto.sha256_start ||
        (cfg->nand && !cfg->nand_page_buf) || cfg->nkeys == 0) {
        return TDM_E_CONFIG;
    }
    b->cfg = *cfg;
    b->have_store = 0;
    b->xfer_open = 0;
    struct tdm_boot_report fresh = {0};
    b->rep = fresh;
    int err = start_store(b);
    if (err == TDM_E_POWER) {
        return err;
    }
    if (err < 0) {
        b->rep.nand_err = err;
        err = boot_installed(b, TDM_BOOT_RUN_NO_NAND);
    } else {
        err = decide(b);
    }
    if (rep) {
        *rep = b->rep;
    }
    return err;
}
