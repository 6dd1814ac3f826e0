/* The bootloader's state machine (include/tandem/boot.h, docs/BOOT.md): from the boot-state record to
 * the decision of what runs, through install, trial and rollback.
 *
 * Owns: the order of the steps and the record written after each one; what a reset during a trial means
 * (RESETREAS). Never: boots before an install, a rollback or a repair it started has completed and
 * verified, treats a power cut as a refusal or (more than cfg.trial_retries times) as a failed trial,
 * or retries a package that was rejected.
 */
#include "boot_priv.h"
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
    int err = tdm_boot_x_xfer(b);
    err = err < 0 ? err : tdm_xfer_boot(&b->xfer);
    return err < 0 ? err : 0;
}

/* After a durable state record: clear the candidate's slot (when it is not the installed one) and make the
 * store roles and the counter agree. Best effort: a failure is repaired by the next boot's settle, because
 * the state record is already the truth (a power cut stops the code where it stands, as on silicon). */
static void tidy(struct tdm_boot *b, unsigned cand, const struct tdm_counter_ops *counter)
{
    if (cand < TDM_STORE_SLOTS && cand != b->st.inst_slot) {
        (void)tdm_store_clear(&b->store, cand);
    }
    (void)tdm_bootstate_settle(&b->store, &b->st, counter);
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

static int repair(struct tdm_boot *b, const struct tdm_boot_source *src);

/* Verify at boot (IDLE): check internal flash against the installed set's record; on a mismatch restore
 * the set from its slot through the journaled steps. No slot, or a slot that fails its own check, leaves
 * nothing to restore from: the set boots as it is (a device that boots beats one that does not). */
static int check_idle(struct tdm_boot *b)
{
    if (b->cfg.skip_boot_verify || !b->have_store || b->st.phase != TDM_BS_IDLE ||
        b->st.inst_slot == TDM_STORE_NONE) {
        return 0;
    }
    int err = tdm_boot_x_check_installed(b, b->st.inst_slot, b->st.inst_gen);
    if (err != TDM_E_BOOT_VERIFY) {
        return err < 0 ? err : 0;
    }
    struct tdm_boot_source src;
    static const struct tdm_version any = {0, 0, 0, 0};
    if (tdm_boot_x_source(b, b->st.inst_slot, 0, &any, &src) < 0) {
        return 0;
    }
    b->st.phase = TDM_BS_REPAIR;
    b->st.step = TDM_BS_STEP_APP;
    err = save(b);
    return err < 0 ? err : repair(b, &src);
}

static int boot_installed(struct tdm_boot *b, enum tdm_boot_outcome outcome)
{
    int err = check_idle(b);
    err = err < 0 ? err : running_image_ok(b);
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
    if (err < 0) {
        return err;
    }
    tidy(b, cand, &b->cfg.counter);
    return boot_installed(b, TDM_BOOT_RUN_REFUSED);
}

/* Run the copy steps from b->st.step on, saving the state after each, then verify and record what
 * internal flash now holds (content `gen` of src->slot) for the checks at later boots. Step APP copies
 * both images at once (each core's flash at its own pace); step NET, the network image alone, is only
 * found in a record of a bootloader that copied them one after the other. */
static int run_steps(struct tdm_boot *b, const struct tdm_boot_source *src, uint32_t gen)
{
    int err = 0;
    if (b->st.step <= TDM_BS_STEP_APP) {
        err = tdm_boot_x_copy_both(b, src);
        if (err < 0) {
            return err;
        }
        b->st.step = TDM_BS_STEP_VERIFY;
        err = save(b);
    }
    if (err >= 0 && b->st.step == TDM_BS_STEP_NET) {
        err = tdm_boot_x_copy_net(b, src);
        if (err < 0) {
            return err;
        }
        b->st.step = TDM_BS_STEP_VERIFY;
        err = save(b);
    }
    err = err < 0 ? err : tdm_boot_x_verify(b, src);
    return err < 0 ? err : tdm_boot_x_images_record(b, src, gen);
}

/* Phase REPAIR: reinstall the installed set, then IDLE. src NULL: describe the slot again (after a cut). */
static int repair(struct tdm_boot *b, const struct tdm_boot_source *src)
{
    struct tdm_boot_source again;
    static const struct tdm_version any = {0, 0, 0, 0};
    int err = 0;
    if (!src) {
        err = tdm_boot_x_source(b, b->st.inst_slot, 0, &any, &again);
        src = &again;
    }
    err = err < 0 ? err : run_steps(b, src, b->st.inst_gen);
    if (err < 0) {
        return err;
    }
    b->st.phase = TDM_BS_IDLE;
    b->rep.repaired = 1;
    b->rep.verified = 1;
    err = save(b);
    return err < 0 ? err : handover(b, TDM_BOOT_RUN_INSTALLED);
}

static int rollback(struct tdm_boot *b)
{
    struct tdm_boot_source src;
    static const struct tdm_version any = {0, 0, 0, 0};
    if (b->st.inst_slot == TDM_STORE_NONE || !tdm_boot_x_slot_holds(b, b->st.inst_slot, b->st.inst_gen)) {
        /* Nothing to go back to (the device never had a valid set before this one): keep the new set. */
        b->st.phase = TDM_BS_IDLE;
        b->st.last = TDM_BS_LAST_CONFIRMED;
        b->st.inst_slot = b->st.cand_slot;
        b->st.inst_gen = b->st.cand_gen;
        b->st.cand_slot = TDM_STORE_NONE;
        int err = save(b);
        return err < 0 ? err : boot_installed(b, TDM_BOOT_RUN_INSTALLED);
    }
    int err = tdm_boot_x_source(b, b->st.inst_slot, 0, &any, &src);
    err = err < 0 ? err : run_steps(b, &src, b->st.inst_gen);
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
    if (err < 0) {
        return err;
    }
    tidy(b, cand, &b->cfg.counter);
    return handover(b, TDM_BOOT_RUN_ROLLED_BACK);
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

static int install(struct tdm_boot *b)
{
    struct tdm_boot_source src;
    uint32_t now = 0;
    int err = b->cfg.counter.get(b->cfg.counter.ctx, &now);
    if (err < 0) {
        return err;
    }
    if (!tdm_boot_x_slot_holds(b, b->st.cand_slot, b->st.cand_gen)) {
        return give_up(b, TDM_E_STORE_SLOT);
    }
    if (tdm_bootstate_is_rejected(&b->st, b->st.cand_sha)) {
        return refuse(b, TDM_E_BOOT_REJECTED);
    }
    err = tdm_boot_x_source(b, b->st.cand_slot, now, &b->st.inst_version, &src);
    if (err >= 0 && src.is_capture) {
        err = TDM_E_BOOT_CAPTURE; /* a capture is never a candidate */
    }
    if (err < 0) {
        return give_up(b, err);
    }
    if (b->st.phase == TDM_BS_PENDING) {
        b->st.phase = TDM_BS_INSTALL;
        b->st.step = TDM_BS_STEP_CAPTURE;
        b->st.trial_retries = 0;
        err = save(b);
    }
    if (err >= 0 && b->st.step == TDM_BS_STEP_CAPTURE) {
        err = tdm_boot_x_ensure_backup(b);
        if (err >= 0) {
            b->st.step = TDM_BS_STEP_APP;
            err = save(b);
        }
        if (err >= 0) {
            tidy(b, TDM_STORE_NONE, 0);
        }
    }
    err = err < 0 ? err : run_steps(b, &src, b->st.cand_gen);
    if (err == TDM_E_BOOT_VERIFY || err == TDM_E_STORE_UNREADABLE || tdm_err_is_pkg(err)) {
        /* A write that read back wrong, or the candidate failing while it was being copied (a NAND page lost
         * after the re-check): flash may hold part of it, so go back to the installed set now, not at the
         * next power-on. */
        return start_rollback(b);
    }
    if (err < 0) {
        return err;
    }
    b->st.phase = TDM_BS_TRIAL;
    err = save(b);
    if (err < 0) {
        return err;
    }
    tidy(b, TDM_STORE_NONE, 0);
    return handover(b, TDM_BOOT_RUN_TRIAL);
}

/* A reset during the trial. The set's own doing (watchdog, lock-up, soft reset, either core, a wake from
 * System OFF, a debugger) is a failure: roll back. A power-on or brown-out reset (RESETREAS empty) or the
 * reset pin alone is not: start the trial again, at most cfg.trial_retries times (the count is in the
 * record, written before the set runs again), then roll back so that a device that loses power at every
 * boot still ends on a working set. An unknown reason counts as a failure. */
static int trial_reset(struct tdm_boot *b)
{
    unsigned max = b->cfg.trial_retries ? b->cfg.trial_retries : TDM_BOOT_TRIAL_RETRIES;
    int power_loss = b->reasons_known && (b->rep.reset_reasons & ~TDM_RESET_PIN) == 0;
    if (!power_loss || b->st.trial_retries >= max) {
        return start_rollback(b);
    }
    b->st.trial_retries++;
    int err = save(b);
    if (err < 0) {
        return err;
    }
    b->rep.trial_retry = b->st.trial_retries;
    err = b->cfg.skip_boot_verify ? 0 : tdm_boot_x_check_installed(b, b->st.cand_slot, b->st.cand_gen);
    if (err == TDM_E_BOOT_VERIFY) {
        /* internal flash no longer holds the candidate: install it again, the same trial goes on */
        b->st.phase = TDM_BS_INSTALL;
        b->st.step = TDM_BS_STEP_APP;
        b->rep.repaired = 1;
        err = save(b);
        return err < 0 ? err : install(b);
    }
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
    tidy(b, TDM_STORE_NONE, b->st.phase == TDM_BS_IDLE ? &b->cfg.counter : 0);
    if (b->st.boot_major != TDM_BOOT_VERSION_MAJOR || b->st.boot_minor != TDM_BOOT_VERSION_MINOR) {
        /* The device's bootloader version is a fact of the device, read by the fetch agent from this record.
         * Recorded once after each bootloader change; if the write fails, the next boot tries again. */
        b->st.boot_major = TDM_BOOT_VERSION_MAJOR;
        b->st.boot_minor = TDM_BOOT_VERSION_MINOR;
        (void)save(b);
    }
    switch (b->st.phase) {
    case TDM_BS_PENDING:
    case TDM_BS_INSTALL:
        return install(b);
    case TDM_BS_TRIAL: /* a reset before confirmation */
        return trial_reset(b);
    case TDM_BS_ROLLBACK:
        return rollback(b);
    case TDM_BS_REPAIR:
        return repair(b, 0);
    default:
        return boot_installed(b, TDM_BOOT_RUN_INSTALLED);
    }
}

/* RESETREAS, read once and cleared (write 1s) so that the next reset reports only itself. */
static void read_reset(struct tdm_boot *b)
{
    const struct tdm_reset_ops *r = &b->cfg.reset;
    b->reasons_known = r->read && r->read(r->ctx, &b->rep.reset_reasons) >= 0;
    if (b->reasons_known && b->rep.reset_reasons) {
        (void)r->clear(r->ctx, b->rep.reset_reasons); /* if it fails, a stale bit can only mean a rollback */
    }
}

int tdm_boot_run(struct tdm_boot *b, const struct tdm_boot_config *cfg, struct tdm_boot_report *rep)
{
    if (!cfg || !cfg->app_flash.read || !cfg->ipc.window || !cfg->counter.get || !cfg->crypto.sha256_start ||
        (cfg->nand && !cfg->nand_page_buf) || cfg->nkeys == 0 || (cfg->reset.read && !cfg->reset.clear)) {
        return TDM_E_CONFIG;
    }
    b->cfg = *cfg;
    b->have_store = 0;
    b->xfer_open = 0;
    struct tdm_boot_report fresh = {0};
    b->rep = fresh;
    read_reset(b);
    uint32_t reset_mhz = cfg->run_mhz && cfg->cpu.set_mhz ? cfg->cpu.set_mhz(cfg->cpu.ctx, cfg->run_mhz) : 0;
    int err = start_store(b);
    if (err < 0) {
        b->rep.nand_err = err;
        err = boot_installed(b, TDM_BOOT_RUN_NO_NAND);
    } else {
        err = decide(b);
    }
    if (reset_mhz) {
        cfg->cpu.set_mhz(cfg->cpu.ctx, reset_mhz); /* the application starts at the clock of a reset */
    }
    if (rep) {
        *rep = b->rep;
    }
    return err;
}
