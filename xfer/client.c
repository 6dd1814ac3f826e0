/* The application core's side of the transfer protocol (include/tandem/xfer.h).
 * Owns: sequence numbers, sending a command, waiting for its response with a timeout, retrying.
 * Never: touches NAND or flash, trusts a response whose CRC, sequence number or command does not match,
 * or starts a second command while one is in flight. */
#include "tandem/crc32.h"
#include "tandem/err.h"
#include "tandem/xfer.h"

#define WAIT_PER_PAGE_NS 120000000ull /* erase 87.5 ms + program 22 ms of a 2 KB page, with margin */
#define WAIT_BASE_NS 50000000ull      /* a command that touches no flash */

uint8_t *tdm_xfer_buffer(const struct tdm_xfer *x, unsigned i)
{
    return x->ipc.window + TDM_XFER_BUF_OFF + (i & 1u) * x->chunk;
}

static int send(struct tdm_xfer *x)
{
    tdm_xfer_encode(x->ipc.window + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &x->pending);
    x->stats.commands++;
    return x->ipc.raise(x->ipc.ctx, TDM_XFER_CH_CMD);
}

static int start(struct tdm_xfer *x, uint8_t cmd, unsigned buf, uint32_t addr, uint32_t len, uint32_t value)
{
    if (x->in_flight) {
        return TDM_E_STATE;
    }
    struct tdm_xfer_msg m = {.seq = ++x->seq, .cmd = cmd, .buf = (uint8_t)(buf & 1u), .addr = addr, .len = len,
                             .value = value};
    x->pending = m;
    x->in_flight = 1;
    return send(x);
}

/* Wait for the response to the command in flight; *rsp receives it. Retries on timeout or damage. */
static int finish(struct tdm_xfer *x, struct tdm_xfer_msg *rsp)
{
    if (!x->in_flight) {
        return TDM_E_STATE;
    }
    uint64_t pages = x->page_size ? (x->pending.len + x->page_size - 1) / x->page_size : 0;
    uint64_t timeout = x->timeout_ns + WAIT_BASE_NS + pages * WAIT_PER_PAGE_NS;
    int err = TDM_E_BOOT_TIMEOUT;
    for (uint32_t attempt = 0; attempt <= x->retries; attempt++) {
        if (attempt > 0) {
            x->stats.retries++;
            err = send(x); /* same sequence number: the server answers a repeat without redoing it */
            if (err < 0) {
                break;
            }
        }
        int ch = x->ipc.wait(x->ipc.ctx, 1u << TDM_XFER_CH_RSP, timeout);
        if (ch == TDM_E_BOOT_TIMEOUT) {
            x->stats.timeouts++;
            err = ch;
            continue;
        }
        if (ch < 0) {
            err = ch;
            break;
        }
        err = tdm_xfer_decode(x->ipc.window + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, rsp);
        if (err < 0 || rsp->seq != x->pending.seq || rsp->cmd != x->pending.cmd) {
            x->stats.bad_responses++;
            err = TDM_E_BOOT_PROTO;
            continue;
        }
        if (rsp->status == TDM_E_CORRUPT) { /* the data arrived damaged: send it again */
            err = TDM_E_CORRUPT;
            continue;
        }
        err = rsp->status;
        break;
    }
    x->in_flight = 0;
    return err;
}

int tdm_xfer_open(struct tdm_xfer *x, const struct tdm_ipc_ops *ipc, uint32_t chunk)
{
    if (!ipc || !ipc->window || !ipc->raise || !ipc->wait || chunk == 0 || chunk % 4 ||
        ipc->window_size < tdm_xfer_window_need(chunk)) {
        return TDM_E_CONFIG;
    }
    struct tdm_xfer fresh = {.ipc = *ipc, .chunk = chunk, .timeout_ns = 0, .retries = 3};
    fresh.seq = x->seq; /* keep counting across re-opens so a stale response never matches */
    *x = fresh;
    struct tdm_xfer_msg rsp;
    int err = start(x, TDM_XFER_HELLO, 0, 0, 0, TDM_XFER_VERSION);
    err = err < 0 ? err : finish(x, &rsp);
    if (err < 0) {
        return err;
    }
    if (rsp.value != TDM_XFER_VERSION || rsp.aux == 0 || chunk % rsp.aux || rsp.aux2 < chunk) {
        return rsp.value != TDM_XFER_VERSION ? TDM_E_BOOT_PROTO : TDM_E_CONFIG;
    }
    x->slot_addr = rsp.addr;
    x->slot_size = rsp.len;
    x->page_size = rsp.aux;
    return 0;
}

void tdm_xfer_set_cpu(struct tdm_xfer *x, const struct tdm_cpu_ops *cpu)
{
    x->cpu = *cpu;
}

/* CRC-32 of the bytes, reported to the clock. */
static uint32_t crc_of(const struct tdm_xfer *x, const uint8_t *p, uint32_t n)
{
    tdm_cpu_spend(&x->cpu, TDM_CPU_CRC32_BYTES, n);
    return tdm_crc32(0, p, n);
}

static int in_slot(const struct tdm_xfer *x, uint32_t addr, uint32_t len)
{
    return len <= x->chunk && addr >= x->slot_addr && len <= x->slot_size && addr - x->slot_addr <= x->slot_size - len;
}

int tdm_xfer_write_start(struct tdm_xfer *x, unsigned i, uint32_t addr, uint32_t len)
{
    uint32_t padded = (len + x->page_size - 1) / x->page_size * x->page_size;
    if (len == 0 || addr % x->page_size || !in_slot(x, addr, padded)) {
        return TDM_E_RANGE;
    }
    uint8_t *b = tdm_xfer_buffer(x, i);
    for (uint32_t k = len; k < padded; k++) {
        b[k] = 0xFF;
    }
    x->stats.bytes_written += padded;
    return start(x, TDM_XFER_WRITE, i, addr, padded, crc_of(x, b, padded));
}

int tdm_xfer_finish(struct tdm_xfer *x)
{
    struct tdm_xfer_msg rsp;
    return finish(x, &rsp);
}

int tdm_xfer_read(struct tdm_xfer *x, unsigned i, uint32_t addr, uint32_t len)
{
    if (len == 0 || !in_slot(x, addr, len)) {
        return TDM_E_RANGE;
    }
    struct tdm_xfer_msg rsp;
    for (uint32_t attempt = 0; attempt <= x->retries; attempt++) {
        int err = start(x, TDM_XFER_READ, i, addr, len, 0);
        err = err < 0 ? err : finish(x, &rsp);
        if (err < 0) {
            return err;
        }
        if (crc_of(x, tdm_xfer_buffer(x, i), len) == rsp.value) {
            x->stats.bytes_read += len;
            return 0;
        }
        x->stats.bad_responses++; /* damaged in the window: ask again */
    }
    return TDM_E_CORRUPT;
}

int tdm_xfer_hash_start(struct tdm_xfer *x, uint32_t addr, uint32_t len)
{
    if (addr < x->slot_addr || len > x->slot_size || addr - x->slot_addr > x->slot_size - len) {
        return TDM_E_RANGE;
    }
    return start(x, TDM_XFER_HASH, 1, addr, len, 0);
}

int tdm_xfer_hash_finish(struct tdm_xfer *x, uint8_t digest[TDM_SHA256_LEN])
{
    struct tdm_xfer_msg rsp;
    if (x->pending.cmd != TDM_XFER_HASH) {
        return TDM_E_STATE;
    }
    int err = finish(x, &rsp);
    if (err < 0) {
        return err;
    }
    const uint8_t *b = tdm_xfer_buffer(x, 1);
    if (tdm_crc32(0, b, TDM_SHA256_LEN) != rsp.value) {
        return TDM_E_CORRUPT;
    }
    for (unsigned k = 0; k < TDM_SHA256_LEN; k++) {
        digest[k] = b[k];
    }
    return 0;
}

int tdm_xfer_hash(struct tdm_xfer *x, uint32_t addr, uint32_t len, uint8_t digest[TDM_SHA256_LEN])
{
    int err = tdm_xfer_hash_start(x, addr, len);
    return err < 0 ? err : tdm_xfer_hash_finish(x, digest);
}

int tdm_xfer_boot(struct tdm_xfer *x)
{
    struct tdm_xfer_msg rsp;
    int err = start(x, TDM_XFER_BOOT, 0, x->slot_addr, 0, 0);
    return err < 0 ? err : finish(x, &rsp);
}
