/* The inter-core port: the shared-SRAM window and the IPC signals, as one core sees them.
 * On the nRF5340 the window is a region of application-core RAM that both cores map at the same address,
 * and the signals are the IPC peripheral's channels (an event raised by one core at the other).
 * This is the only data path between the cores; the transfer protocol (boot/) is built on top of it.
 *
 * Owns: the contract of the window and of a signal. Never: a protocol (framing, commands, digests are
 * the bootloader's), globals (each core's view is behind its own `ctx`).
 *
 * Window. `window` points at `window_size` bytes that the other core sees too. Plain loads and stores;
 * a core must finish writing what it hands over BEFORE it raises the signal that announces it, and the
 * receiver reads it only AFTER it has taken that signal (raise/take are the ordering points). The window
 * is RAM: its contents are undefined after power-on and after every power cut (the simulator fills it
 * with seeded random bytes), like both cores' own RAM.
 *
 * Signals. Channels 0..TDM_IPC_CHANNELS-1 in each direction. raise() sets the channel's pending flag at
 * the PEER core; a flag is a bit, not a counter: raising a channel that is still pending is absorbed.
 * take()/wait() consume this core's pending flags. Pending flags are lost at a power cut.
 *
 * Cost: raise/take are a register access; wait costs the simulated time until the signal or the timeout.
 * RAM: none beyond the window (owned by the platform).
 */
#ifndef TANDEM_IPC_PORT_H
#define TANDEM_IPC_PORT_H

#include <stdint.h>

#define TDM_IPC_CHANNELS 16 /* nRF5340 IPC: 16 send and 16 receive channels per core */

struct tdm_ipc_ops {
    void *ctx;            /* passed as the first argument of every call */
    uint8_t *window;      /* the shared window (same bytes for both cores) */
    uint32_t window_size; /* bytes */

    /* Raise `channel` at the peer core. Returns 0; TDM_E_RANGE for a channel >= TDM_IPC_CHANNELS;
     * TDM_E_POWER after a power cut (a simulated port outside an unwind point; otherwise a cut stops the caller). */
    int (*raise)(void *ctx, uint32_t channel);

    /* Consume this core's pending flag of `channel`. Returns 1 if it was pending (now cleared), 0 if not;
     * TDM_E_RANGE; TDM_E_POWER (as for raise). Never blocks. */
    int (*take)(void *ctx, uint32_t channel);

    /* Wait until one of the channels in `mask` (bit n = channel n) is pending for this core, consume it
     * and return its number (the lowest pending one). Returns TDM_E_BOOT_TIMEOUT when `timeout_ns` passed
     * first (nothing consumed), TDM_E_INVAL for an empty mask, TDM_E_POWER (as for raise). */
    int (*wait)(void *ctx, uint32_t mask, uint64_t timeout_ns);
};

#endif
