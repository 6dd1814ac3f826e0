/* The ports a simulated device hands to each core (sim/device.h): internal flashes, NAND, the security
 * counter, the IPC window and signals, the clock, the app core's reset reason (RESETREAS).
 * Owns: IPC signal delivery and cooperative waiting, the OTP counter rules. Never: a port to net flash for
 * the app core, a signal that survives a power cut. */
#include "device.h"

#include "device_internal.h"
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

static int counter_get(void *ctx, uint32_t *value)
{
    struct tdm_sim_device *dev = ctx;
    if (!tdm_sim_domain_powered(&dev->dom)) {
        return TDM_E_POWER;
    }
    *value = dev->counter;
    return 0;
}

static int counter_advance(void *ctx, uint32_t value)
{
    struct tdm_sim_device *dev = ctx;
    if (!tdm_sim_domain_powered(&dev->dom)) {
        return TDM_E_POWER;
    }
    if (value < dev->counter) {
        return TDM_E_BOOT_COUNTER;
    }
    if (value == dev->counter) {
        return 0;
    }
    if (dev->counter_updates >= dev->counter_slots) {
        return TDM_E_BOOT_COUNTER_FULL;
    }
    int tick = tdm_sim_domain_tick(&dev->dom);
    if (tick < 0) {
        return tick;
    }
    /* One OTP word written: tWRITE (sim/flash_sim.c has the source). */
    tdm_sim_domain_advance(&dev->dom, tdm_sim_flash_part(TDM_SIM_FLASH_APP)->t_write_ns);
    dev->counter_updates++;
    if (tick == TDM_SIM_TEAR) {
        if (tdm_rng_next(&dev->rng) >> 63) {
            dev->counter = value; /* the slot's bits made it; otherwise the old value stands */
        }
        return TDM_E_POWER;
    }
    dev->counter = value;
    return 0;
}

static int counter_slots_left(void *ctx)
{
    struct tdm_sim_device *dev = ctx;
    if (!tdm_sim_domain_powered(&dev->dom)) {
        return TDM_E_POWER;
    }
    return (int)(dev->counter_slots - dev->counter_updates);
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
        return TDM_E_POWER;
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
        return TDM_E_POWER;
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
            result = TDM_E_POWER;
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

void tdm_sim_dev_catch_up(void *arg)
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
