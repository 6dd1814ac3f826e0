/* IPC port over the nRF5340 IPC peripheral and the shared window (include/tandem/ipc_port.h).
 *
 * Owns: the channel mapping (board.h: app sends on hardware channels 0..7 and receives on 8..15, the
 * net core the other way round) and the register accesses (PS v1.3, IPC: TASKS_SEND[n] 0x000,
 * EVENTS_RECEIVE[n] 0x100, SEND_CNF[n] 0x510, RECEIVE_CNF[n] 0x590). Never: reads the window before the
 * event that announces it was taken, raises before the window writes are complete (a DMB orders both).
 * Untested on silicon (QEMU has no nRF5340 IPC): follows the PS.
 */
#include <stdint.h>

#include "board.h"
#include "tandem/err.h"

#define IPC_TASKS_SEND 0x000u
#define IPC_EVENTS_RECEIVE 0x100u
#define IPC_SEND_CNF 0x510u
#define IPC_RECEIVE_CNF 0x590u

static volatile uint32_t *reg(const struct tdm_board_ipc *p, uint32_t off, uint32_t n)
{
    return tdm_board_reg(p->regs + off + 4u * n);
}

static int ipc_raise(void *ctx, uint32_t channel)
{
    const struct tdm_board_ipc *p = ctx;
    if (channel >= TDM_BOARD_IPC_CHANNELS) {
        return TDM_E_RANGE;
    }
    __asm__ volatile("dmb" ::: "memory"); /* the window is written before the peer sees the event */
    *reg(p, IPC_TASKS_SEND, channel) = 1;
    return 0;
}

static int ipc_take(void *ctx, uint32_t channel)
{
    const struct tdm_board_ipc *p = ctx;
    if (channel >= TDM_BOARD_IPC_CHANNELS) {
        return TDM_E_RANGE;
    }
    if (*reg(p, IPC_EVENTS_RECEIVE, channel) == 0) {
        return 0;
    }
    *reg(p, IPC_EVENTS_RECEIVE, channel) = 0;
    __asm__ volatile("dmb" ::: "memory"); /* the window is read after the event */
    return 1;
}

int tdm_board_ipc_wait(void *ctx, uint32_t mask, uint64_t timeout_ns)
{
    struct tdm_board_ipc *p = ctx;
    if ((mask & ((1u << TDM_BOARD_IPC_CHANNELS) - 1u)) == 0) {
        return TDM_E_INVAL;
    }
    if (!p->clock) {
        return TDM_E_CONFIG; /* a core that waits needs a clock (the net-boot stage only polls) */
    }
    uint64_t start = tdm_board_clock_now(p->clock);
    for (;;) {
        for (uint32_t ch = 0; ch < TDM_BOARD_IPC_CHANNELS; ch++) {
            if ((mask >> ch) & 1u) {
                int got = ipc_take(p, ch);
                if (got != 0) {
                    return got < 0 ? got : (int)ch;
                }
            }
        }
        if (tdm_board_clock_now(p->clock) - start >= timeout_ns) {
            return TDM_E_BOOT_TIMEOUT;
        }
    }
}

struct tdm_ipc_ops tdm_board_ipc_ops(struct tdm_board_ipc *p, uint8_t *window, uint32_t window_size)
{
    for (uint32_t n = 0; n < TDM_BOARD_IPC_CHANNELS; n++) {
        *reg(p, IPC_SEND_CNF, n) = 1u << (p->send_base + n);
        *reg(p, IPC_RECEIVE_CNF, n) = 1u << (p->recv_base + n);
    }
    struct tdm_ipc_ops ops = {.ctx = p, .window = window, .window_size = window_size, .raise = ipc_raise,
                              .take = ipc_take, .wait = 0};
    return ops;
}
