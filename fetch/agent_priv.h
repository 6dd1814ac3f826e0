/* Private to fetch/: the steps of the agent shared between its files.
 * agent.c: the run (start, attempts, retries); agent_slot.c: what happens to the slot and the parser
 * (fresh start, resume from NAND, accept bytes, finish, fail); agent_delta.c: the first bytes of a body
 * (full or delta package) and the delta path; timing.c: backoff, cancellation, progress. */
#ifndef TANDEM_FETCH_AGENT_PRIV_H
#define TANDEM_FETCH_AGENT_PRIV_H

#include "tandem/bootstate.h"
#include "tandem/err.h"
#include "tandem/fetch.h"

/* Open the slot afresh (new generation), restart the parser, write the ACTIVE record with the reply's
 * validator and total and `flags` (TDM_FETCH_REC_DELTA). */
int tdm_fetch_x_fresh(struct tdm_fetch *f, const struct tdm_transport_reply *rep, uint8_t flags);
/* Reopen the slot of an ACTIVE record after a reboot and rebuild the parser from the durable bytes read
 * back from NAND. Returns the durable byte count, TDM_E_NOT_FOUND when the durable data cannot be used
 * (unreadable, or it does not match the record: start afresh), a package error, or a store error. */
int tdm_fetch_x_resume(struct tdm_fetch *f);
/* Feed n bytes to the parser, then to the store. Sets f->fatal for a refusal that ends the download. */
int tdm_fetch_x_accept(struct tdm_fetch *f, const uint8_t *data, uint32_t n);
/* All bytes are in: parser finish, commit, PENDING, record DONE. */
int tdm_fetch_x_finish(struct tdm_fetch *f);
/* A committed slot of the ACTIVE record (a cut came after the commit): verify it from NAND, then
 * PENDING and record DONE. */
int tdm_fetch_x_finish_committed(struct tdm_fetch *f);
/* Give up for good with err: clear the slot if this run opened it, record FAILED. Returns err (or a
 * store error that happened while cleaning up). */
int tdm_fetch_x_fail(struct tdm_fetch *f, int err);

/* agent_delta.c */
/* Is the download under way a delta package (its record says so)? */
int tdm_fetch_x_is_delta(const struct tdm_fetch *f);
/* A body from byte 0 of a (possibly new) file: read its first bytes; a delta package is checked against
 * the installed package before anything is written (TDM_E_DELTA_BASE); then tdm_fetch_x_fresh and the
 * first bytes taken. */
int tdm_fetch_x_begin(struct tdm_fetch *f, const struct tdm_transport_reply *rep);
/* The same delta package again from byte 0 (after a drop or a reboot): the decoder restarts, the rebuilt
 * bytes already accepted (f->off) are compared (CRC-32), not written again. */
int tdm_fetch_x_delta_restart(struct tdm_fetch *f);
/* Feed n delta package bytes (from cfg.delta->in_buf). Sets f->fatal for a refusal. */
int tdm_fetch_x_delta_take(struct tdm_fetch *f, const uint8_t *data, uint32_t n);
/* The body ended: the delta package must be complete; the last partial page is accepted. */
int tdm_fetch_x_delta_end(struct tdm_fetch *f);
/* Resume: the CRC-32 of the durable rebuilt bytes as they are read back from NAND. */
void tdm_fetch_x_delta_durable(struct tdm_fetch *f, const uint8_t *data, uint32_t n);

/* timing.c */
int tdm_fetch_x_cancelled(const struct tdm_fetch *f);
void tdm_fetch_x_report(struct tdm_fetch *f, uint8_t phase, int force);
/* Wait before a retry: backoff_min << fails, or the server's Retry-After (server_ms, 0 none) when that
 * is longer, capped at backoff_max. 0 or TDM_E_FETCH_CANCELLED. */
int tdm_fetch_x_backoff(struct tdm_fetch *f, uint32_t fails, uint32_t server_ms);

#endif
