/* The boot state: one journal record (type TDM_BOOTSTATE_TYPE in the store) that says where the update
 * transaction stands. The fetch agent writes PENDING, the bootloader walks INSTALL -> TRIAL (or ROLLBACK),
 * the application confirms. The latest record is the whole truth: nothing is replayed.
 *
 * Owns: the record's byte format (docs/BOOT.md) and the transitions that happen outside the bootloader
 * (request, confirm). Never: writes flash or NAND other than through the store's journal and roles, or
 * advances the security counter before the confirmation is durable.
 *
 * RAM: struct tdm_bootstate is 232 bytes. Cost: one journal page program per transition.
 */
#ifndef TANDEM_BOOTSTATE_H
#define TANDEM_BOOTSTATE_H

#include <stdint.h>

#include "tandem/counter_port.h"
#include "tandem/journal_types.h"
#include "tandem/mcuboot.h"
#include "tandem/store.h"

#define TDM_BOOTSTATE_TYPE TDM_JT_BOOTSTATE /* tandem/journal_types.h */
#define TDM_BOOTSTATE_FORMAT 1
#define TDM_BOOTSTATE_REJECTED_MAX 4 /* rejected packages remembered (newest first) */
#define TDM_BOOTSTATE_LEN 212        /* encoded payload bytes */

enum tdm_boot_phase {
    TDM_BS_IDLE = 0,     /* the installed set runs; nothing pending */
    TDM_BS_PENDING = 1,  /* a verified package waits in cand_slot for the next reboot */
    TDM_BS_INSTALL = 2,  /* the bootloader is installing cand_slot (step says how far) */
    TDM_BS_TRIAL = 3,    /* the new set runs on trial; a reset before confirmation rolls back, a power
                            loss (power-on or pin reset) restarts the trial at most N times */
    TDM_BS_ROLLBACK = 4, /* the bootloader is restoring inst_slot (step says how far) */
    TDM_BS_REPAIR = 5,   /* internal flash failed its check at boot: reinstalling inst_slot, then IDLE */
};

enum tdm_boot_step {
    TDM_BS_STEP_CAPTURE = 0, /* copy the running images into NAND (first update only) */
    TDM_BS_STEP_APP = 1,     /* application image into app flash */
    TDM_BS_STEP_NET = 2,     /* network image through the net-boot stage */
    TDM_BS_STEP_VERIFY = 3,  /* both installed images against the source's digests */
};

/* What happened last, for status displays. */
enum tdm_boot_last {
    TDM_BS_LAST_NONE = 0,
    TDM_BS_LAST_CONFIRMED = 1, /* the trial set was confirmed */
    TDM_BS_LAST_REJECTED = 2,  /* the trial failed and the previous set was restored */
    TDM_BS_LAST_REFUSED = 3,   /* a pending package failed the bootloader's verification */
};

struct tdm_bootstate {
    uint8_t phase, step, last;
    uint8_t inst_slot;  /* slot holding the installed set's package or capture, TDM_STORE_NONE if none yet */
    uint32_t inst_gen;  /* its generation (the content the role refers to) */
    uint8_t cand_slot;  /* slot of the pending / installing / trial package, TDM_STORE_NONE */
    uint32_t cand_gen;
    uint8_t cand_sha[TDM_SHA256_LEN]; /* store digest of the candidate package: its identity */
    uint32_t cand_counter;            /* security counter of the candidate set */
    struct tdm_version cand_version;  /* set version of the candidate */
    struct tdm_version inst_version;  /* set version of the installed set (0 when unknown) */
    uint32_t counter_due;             /* counter value the confirmed set needs in OTP */
    uint32_t refused_err;             /* -error of the last refusal (TDM_BS_LAST_REFUSED) */
    uint8_t nrejected;
    uint8_t trial_retries;            /* power losses the current trial has been restarted after */
    uint8_t boot_major, boot_minor;   /* version of the bootloader that ran last (it records itself when this
                                         differs): the device's fact the fetch agent checks MIN_BOOTLOADER
                                         against; 0.0 = not recorded yet */
    uint8_t rejected[TDM_BOOTSTATE_REJECTED_MAX][TDM_SHA256_LEN];
};

/* Encode / decode the record payload. Decode: TDM_E_CORRUPT for a wrong length, format or value. */
void tdm_bootstate_encode(const struct tdm_bootstate *st, uint8_t out[TDM_BOOTSTATE_LEN]);
int tdm_bootstate_decode(const uint8_t *in, uint32_t len, struct tdm_bootstate *st);

/* The latest state of a mounted store (a fresh IDLE state when there is no record yet). */
int tdm_bootstate_load(struct tdm_store *s, struct tdm_bootstate *st);
/* Append the state as a new record: durable when 0 is returned. */
int tdm_bootstate_save(struct tdm_store *s, const struct tdm_bootstate *st);

/* Was this package (store digest) rejected before? */
int tdm_bootstate_is_rejected(const struct tdm_bootstate *st, const uint8_t sha[TDM_SHA256_LEN]);

/* Fetch agent: ask for the committed package in `slot` (already fully verified by the agent) to be
 * installed at the next reboot. Records PENDING with the package's identity, counter and version.
 * Errors: TDM_E_STORE_SLOT (not committed, or the installed slot), TDM_E_BOOT_REJECTED (this package was
 * rejected before: never retried), TDM_E_STATE (an install or trial is under way), store errors. */
int tdm_bootstate_request(struct tdm_store *s, unsigned slot, uint32_t counter, const struct tdm_version *version);

/* Application: confirm the set on trial, after a health check in which BOTH cores reported healthy.
 * Records IDLE (last CONFIRMED) with the candidate as the installed set, then sets the store roles, then
 * advances the security counter to the set's counter (a cut in between is finished by the bootloader).
 * Errors: TDM_E_STATE (nothing on trial), store and counter errors. */
int tdm_bootstate_confirm(struct tdm_store *s, const struct tdm_counter_ops *counter);

/* Bootloader and confirm: make the store's roles and the OTP counter agree with a durable state. */
int tdm_bootstate_settle(struct tdm_store *s, const struct tdm_bootstate *st, const struct tdm_counter_ops *counter);

#endif
