/* The fetch agent's timing: cancellation, the wait before a retry (capped exponential backoff) and the
 * progress callback (bytes, total, rate, ETA), all on the clock port.
 * Owns: time. Never: sleeps longer than 50 ms without looking at the cancel flag, or calls the progress
 * callback more often than every progress_ms while bytes flow. */
#include "agent_priv.h"

#define SLICE_NS 50000000ull /* longest sleep between two looks at the cancel flag */

int tdm_fetch_x_cancelled(const struct tdm_fetch *f)
{
    return f->cfg.cancelled && f->cfg.cancelled(f->cfg.cancel_arg);
}

void tdm_fetch_x_report(struct tdm_fetch *f, uint8_t phase, int force)
{
    if (!f->cfg.progress) {
        return;
    }
    uint64_t now = f->cfg.clock.now_ns(f->cfg.clock.ctx);
    if (!force && now - f->last_progress_ns < (uint64_t)f->cfg.progress_ms * 1000000u) {
        return;
    }
    f->last_progress_ns = now;
    struct tdm_fetch_progress *p = &f->prog;
    p->phase = phase;
    p->done = f->off;
    const struct tdm_pkg_manifest *m = tdm_pkg_manifest(&f->parser);
    p->total = m ? m->total_size : f->rec.total;
    uint64_t elapsed = now - f->t0_ns;
    p->rate = elapsed >= 1000000u ? (uint32_t)(f->res->received * 1000u / (elapsed / 1000000u)) : 0;
    p->eta_s = UINT32_MAX;
    if (p->rate && p->total >= p->done) {
        p->eta_s = (p->total - p->done + p->rate - 1) / p->rate;
    }
    p->attempt = f->res->attempts;
    p->status = f->res->status;
    f->cfg.progress(f->cfg.progress_arg, p);
}

int tdm_fetch_x_backoff(struct tdm_fetch *f, uint32_t fails, uint32_t server_ms)
{
    uint64_t ms = (uint64_t)f->cfg.backoff_min_ms << (fails > 20 ? 20 : fails);
    ms = server_ms > ms ? server_ms : ms;
    if (ms > f->cfg.backoff_max_ms) {
        ms = f->cfg.backoff_max_ms;
    }
    f->prog.wait_ms = (uint32_t)ms;
    f->prog.server_wait_ms = server_ms;
    tdm_fetch_x_report(f, TDM_FETCH_PH_WAIT, 1);
    const struct tdm_clock_ops *c = &f->cfg.clock;
    uint64_t start = c->now_ns(c->ctx), end = start + ms * 1000000u;
    for (uint64_t now = start; now < end; now = c->now_ns(c->ctx)) {
        if (tdm_fetch_x_cancelled(f)) {
            f->res->waited_ns += now - start;
            return TDM_E_FETCH_CANCELLED;
        }
        uint64_t step = end - now < SLICE_NS ? end - now : SLICE_NS;
        if (c->sleep_ns) {
            c->sleep_ns(c->ctx, step);
        }
    }
    f->res->waited_ns += c->now_ns(c->ctx) - start;
    return 0;
}
