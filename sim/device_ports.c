/* The ports a simulated device hands to each core (sim/device.h): internal flashes, NAND, the security
 * counter, the IPC window and signals, the clock, the app core's reset reason (RESETREAS).
 * Owns: IPC signal delivery and cooperative waiting, the decoded view of the OTP counter. Never: a port to net flash for
 * the app core, a signal that survives a power cut. */
#include "device.h"

#include "device_priv.h"
#include "rng.h"
#include "tandem/err.h"

#define IPC_POLL_NS 1000u /* simulated time per wait iteration while the peer works (assumed ~1 us) */

struct tdm_flash_ops tdm_sim_device_app_flash(struct tdm_sim_device *dev)
{
    return tdm_sim_flash_ops(&dev->app);
}

struct tdm_flash_ops tdm_sim_device_net_flash(struct tdm_sim_device *dev)
{
    return tdm_sim_flash_ops(&dev->net);
}

struct tdm_nand_ops tdm_sim_device_nand(struct tdm_sim_device *dev)
{
    if (!dev->nand_spi_hz) {
        return tdm_sim_nand_ops(&dev->nand);
    }
    struct tdm_nand_ops ops;
    /* an init that fails leaves a driver whose geometry fails (TDM_E_IO): a chip that does not answer */
    (void)tdm_sim_spinand_port(&dev->nand_spi, &dev->nand, dev->nand_spi_hz, 1, dev->seed, &ops);
    return ops;
}

/* ---- security counter (OTP) ---- */

/* The port is the board's (counter/otp_counter.c) over the simulated UICR OTP; these wrappers only
 * refresh the device's decoded view (dev->counter, dev->counter_updates) after each call. */

void tdm_sim_device_counter_view(struct tdm_sim_device *dev)
{
    uint32_t value = 0, used = 0;
    for (uint32_t i = 0; i < dev->counter_slots; i++) {
        uint32_t v = 0;
        enum tdm_otp_slot kind = tdm_otp_counter_decode(dev->otp.words[TDM_OTP_COUNTER_FIRST_NRF5340 + i], &v);
        used = kind != TDM_OTP_SLOT_BLANK ? i + 1 : used;
        value = kind == TDM_OTP_SLOT_VALUE && v > value ? v : value;
    }
    dev->counter = value;
    dev->counter_updates = used;
}

static struct tdm_counter_ops otp_counter(struct tdm_sim_device *dev)
{
    /* counter_slots <= TDM_OTP_COUNTER_SLOTS_NRF5340 (create, open): init cannot fail */
    (void)tdm_otp_counter_init(&dev->otp_counter, tdm_sim_otp_ops(&dev->otp), TDM_OTP_COUNTER_FIRST_NRF5340,
                               dev->counter_slots);
    return tdm_otp_counter_ops(&dev->otp_counter);
}

static int counter_get(void *ctx, uint32_t *value)
{
    struct tdm_counter_ops c = otp_counter(ctx);
    return c.get(c.ctx, value);
}

static int counter_advance(void *ctx, uint32_t value)
{
    struct tdm_counter_ops c = otp_counter(ctx);
    int err = c.advance(c.ctx, value);
    tdm_sim_device_counter_view(ctx);
    return err;
}

static int counter_slots_left(void *ctx)
{
    struct tdm_counter_ops c = otp_counter(ctx);
    return c.slots_left(c.ctx);
}

struct tdm_counter_ops tdm_sim_device_counter(struct tdm_sim_device *dev)
{
    struct tdm_counter_ops ops = {
        .ctx = dev, .get = counter_get, .advance = counter_advance, .slots_left = counter_slots_left};
    return ops;
}

/* ---- IPC ---- */

static int ipc_raise(void *ctx, uint32_t channel)
{
    struct tdm_sim_ipc_end *end = ctx;
    if (!tdm_sim_domain_powered(&end->dev->dom)) {
        return tdm_sim_domain_lost(&end->dev->dom);
    }
    if (channel >= TDM_IPC_CHANNELS) {
        return TDM_E_RANGE;
    }
    end->dev->pending[1 - end->core] |= 1u << channel;
    end->dev->raised_ns[1 - end->core] = end->dev->dom.clock_ns; /* the sender runs: its line */
    return 0;
}

static int ipc_take(void *ctx, uint32_t channel)
{
    struct tdm_sim_ipc_end *end = ctx;
    if (!tdm_sim_domain_powered(&end->dev->dom)) {
        return tdm_sim_domain_lost(&end->dev->dom);
    }
    if (channel >= TDM_IPC_CHANNELS) {
        return TDM_E_RANGE;
    }
    uint32_t *p = &end->dev->pending[end->core];
    int was = (*p >> channel) & 1u;
    *p &= ~(1u << channel);
    if (was) {
        tdm_sim_domain_wait_until(&end->dev->dom, end->dev->raised_ns[end->core]); /* it can only see it then */
    }
    return was;
}

static int ipc_wait(void *ctx, uint32_t mask, uint64_t timeout_ns)
{
    struct tdm_sim_ipc_end *end = ctx;
    struct tdm_sim_device *dev = end->dev;
    int me = end->core, peer = 1 - end->core;
    mask &= (1u << TDM_IPC_CHANNELS) - 1u;
    if (mask == 0) {
        return TDM_E_INVAL;
    }
    uint64_t deadline = dev->dom.clock_ns + timeout_ns;
    int result = TDM_E_BOOT_TIMEOUT;
    dev->in_wait[me] = true;
    for (;;) {
        if (!tdm_sim_domain_powered(&dev->dom)) {
            result = tdm_sim_domain_lost(&dev->dom);
            break;
        }
        uint32_t hit = dev->pending[me] & mask;
        if (hit) {
            result = 0;
            while (!((hit >> result) & 1u)) {
                result++;
            }
            dev->pending[me] &= ~(1u << result);
            tdm_sim_domain_wait_until(&dev->dom, dev->raised_ns[me]); /* the waiter resumes at the signal */
            break;
        }
        if (dev->dom.clock_ns >= deadline) {
            break;
        }
        int did = 0;
        if (dev->step[peer] && !dev->in_wait[peer]) {
            unsigned was = tdm_sim_domain_switch(&dev->dom, (unsigned)peer); /* its work runs on its line */
            did = dev->step[peer](dev->step_arg[peer]);
            tdm_sim_domain_switch(&dev->dom, was);
            if (did < 0) {
                result = did;
                break;
            }
        }
        if (did == 0) {
            /* Nobody can raise anything before the deadline. */
            tdm_sim_domain_advance(&dev->dom, deadline - dev->dom.clock_ns);
        } else {
            tdm_sim_domain_advance(&dev->dom, IPC_POLL_NS);
        }
    }
    dev->in_wait[me] = false;
    return result;
}

void tdm_sim_device_x_catch_up(void *arg)
{
    struct tdm_sim_device *dev = arg;
    const int net = TDM_SIM_CORE_NET;
    while (dev->step[net] && !dev->in_wait[net] && dev->pending[net] && dev->raised_ns[net] <= dev->dom.clock_ns) {
        unsigned was = tdm_sim_domain_switch(&dev->dom, (unsigned)net);
        int did = dev->step[net](dev->step_arg[net]);
        tdm_sim_domain_switch(&dev->dom, was);
        if (did <= 0) {
            break;
        }
    }
}

struct tdm_ipc_ops tdm_sim_device_ipc(struct tdm_sim_device *dev, enum tdm_sim_core core)
{
    struct tdm_ipc_ops ops = {.ctx = &dev->ends[core],
                              .window = dev->shared,
                              .window_size = dev->layout.shared.size,
                              .raise = ipc_raise,
                              .take = ipc_take,
                              .wait = ipc_wait};
    return ops;
}

/* ---- clock ---- */

static uint64_t clock_now(void *ctx)
{
    return ((struct tdm_sim_device *)ctx)->dom.clock_ns;
}

static void clock_sleep(void *ctx, uint64_t ns)
{
    tdm_sim_domain_advance(&((struct tdm_sim_device *)ctx)->dom, ns);
}

struct tdm_clock_ops tdm_sim_device_clock(struct tdm_sim_device *dev)
{
    struct tdm_clock_ops ops = {.ctx = dev, .now_ns = clock_now, .sleep_ns = clock_sleep};
    return ops;
}

/* ---- RESETREAS (app core) ---- */

static int reset_read(void *ctx, uint32_t *reasons)
{
    struct tdm_sim_device *dev = ctx;
    *reasons = dev->resetreas;
    return 0;
}

static int reset_clear(void *ctx, uint32_t reasons)
{
    struct tdm_sim_device *dev = ctx;
    dev->resetreas &= ~reasons; /* write 1 to clear; 0s leave a field alone */
    return 0;
}

struct tdm_reset_ops tdm_sim_device_reset_reason(struct tdm_sim_device *dev)
{
    struct tdm_reset_ops ops = {.ctx = dev, .read = reset_read, .clear = reset_clear};
    return ops;
}
