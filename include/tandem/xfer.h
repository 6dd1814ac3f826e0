/* The transfer protocol between the application core (client) and the net-boot stage on the network
 * core (server), through the shared-SRAM window and two IPC channels. docs/PROTOCOL.md is its spec.
 *
 * Why it exists: the network core can read only memory-mapped memory, and the application core cannot
 * write network-core flash. So the application core reads the network image from NAND chunk by chunk
 * into the window, and the net-boot stage programs it, checks it and reports back.
 *
 * Owns: the window layout, the command and response blocks, sequence numbers, retries and timeouts
 * (client side). Never: reads NAND or decides what to install (boot/ does), touches flash on the client
 * side, allocates, or trusts a block whose CRC does not match.
 *
 * Window layout (offsets from the window start):
 *   0    48 B  command block (client -> server)       48   48 B  response block (server -> client)
 *   96   32 B  reserved                               128  buffer 0, then buffer 1 (chunk bytes each)
 * IPC: channel TDM_XFER_CH_CMD raised at the net core announces a command; TDM_XFER_CH_RSP raised at the
 * app core announces a response.
 *
 * RAM: struct tdm_xfer (client) 48 B; struct tdm_netboot (server) 96 B; plus the window (128 + 2 x chunk
 * bytes, 8 320 B with the default 4 KB chunk).
 */
#ifndef TANDEM_XFER_H
#define TANDEM_XFER_H

#include <stdint.h>

#include "tandem/clock_port.h"
#include "tandem/crypto_port.h"
#include "tandem/flash_port.h"
#include "tandem/ipc_port.h"

#define TDM_XFER_VERSION 1
#define TDM_XFER_CMD_MAGIC 0x43584454u /* "TDXC" little-endian */
#define TDM_XFER_RSP_MAGIC 0x52584454u /* "TDXR" */
#define TDM_XFER_CMD_OFF 0
#define TDM_XFER_RSP_OFF 48
#define TDM_XFER_BLOCK_LEN 48
#define TDM_XFER_BUF_OFF 128
#define TDM_XFER_CH_CMD 0
#define TDM_XFER_CH_RSP 0
#define TDM_XFER_CHUNK_DEFAULT 4096

enum tdm_xfer_cmd {
    TDM_XFER_HELLO = 1, /* -> value: version; addr, len: the net slot; aux: page size; aux2: largest chunk */
    TDM_XFER_WRITE = 2, /* program [addr, addr+len) from buffer `buf`: page-aligned, whole pages, data CRC */
    TDM_XFER_READ = 3,  /* copy [addr, addr+len) into buffer `buf`; value: CRC-32 of the bytes */
    TDM_XFER_HASH = 4,  /* SHA-256 of [addr, addr+len) -> 32 bytes at the start of buffer `buf`; value: their CRC */
    TDM_XFER_BOOT = 5,  /* start the network image in the slot */
};

/* One command or response, decoded. */
struct tdm_xfer_msg {
    uint32_t seq;
    uint8_t cmd;     /* enum tdm_xfer_cmd (responses echo it) */
    uint8_t buf;     /* buffer index 0 or 1 */
    int32_t status;  /* responses: 0 or a negative TDM_E_* */
    uint32_t addr;   /* absolute net-core address */
    uint32_t len;    /* bytes */
    uint32_t value;  /* command: CRC-32 of the data (WRITE); response: see enum */
    uint32_t aux, aux2;
};

/* Encode into a 48-byte block (docs/PROTOCOL.md; CRC-32 of bytes 0..43 at 44). */
void tdm_xfer_encode(uint8_t block[TDM_XFER_BLOCK_LEN], uint32_t magic, const struct tdm_xfer_msg *m);
/* Decode; TDM_E_BOOT_PROTO for a wrong magic or CRC. */
int tdm_xfer_decode(const uint8_t block[TDM_XFER_BLOCK_LEN], uint32_t magic, struct tdm_xfer_msg *m);
/* Bytes of the window a given chunk size needs. */
static inline uint32_t tdm_xfer_window_need(uint32_t chunk)
{
    return TDM_XFER_BUF_OFF + 2 * chunk;
}

/* ---- client (application core) ---- */

struct tdm_xfer_stats {
    uint32_t commands, retries, timeouts, bad_responses;
    uint64_t bytes_written, bytes_read;
};

struct tdm_xfer {
    struct tdm_ipc_ops ipc;
    uint32_t chunk;      /* bytes per buffer, a multiple of the net page size */
    uint32_t seq;        /* last sequence number used */
    uint32_t timeout_ns; /* per attempt, on top of the expected flash time */
    uint32_t retries;    /* attempts after the first */
    uint32_t slot_addr, slot_size, page_size; /* from HELLO */
    struct tdm_xfer_msg pending;              /* command in flight (for a retry) */
    struct tdm_cpu_ops cpu;                   /* CRC work reported to the clock (spend NULL: none) */
    uint8_t in_flight;
    struct tdm_xfer_stats stats;
};

/* Bind to the window (needs tdm_xfer_window_need(chunk) bytes) and say HELLO: learns the net slot and the
 * page size, checks the protocol version. Returns 0, TDM_E_CONFIG (window too small, chunk not a multiple
 * of the page), TDM_E_BOOT_TIMEOUT (no net-boot stage answers), TDM_E_BOOT_PROTO. A power cut stops it (no error). */
int tdm_xfer_open(struct tdm_xfer *x, const struct tdm_ipc_ops *ipc, uint32_t chunk);
/* Report the CRC work of the client to `cpu` (after each open: open starts with none). */
void tdm_xfer_set_cpu(struct tdm_xfer *x, const struct tdm_cpu_ops *cpu);

/* The window buffer `i` (0 or 1), chunk bytes, to fill before a write or to read after a read. */
uint8_t *tdm_xfer_buffer(const struct tdm_xfer *x, unsigned i);

/* Start programming [addr, addr+len) of the net slot from buffer i (len <= chunk; addr page-aligned; a
 * short last chunk is padded with 0xFF to whole pages by this call). Does not wait: fill the other buffer,
 * then tdm_xfer_finish(). Returns 0 or TDM_E_RANGE / TDM_E_STATE (a command already in flight). */
int tdm_xfer_write_start(struct tdm_xfer *x, unsigned i, uint32_t addr, uint32_t len);
/* Wait for the command in flight, retrying it (same sequence number) on a timeout or a damaged response.
 * Returns 0, the server's error (e.g. TDM_E_BOOT_VERIFY, TDM_E_CORRUPT after all retries), TDM_E_BOOT_TIMEOUT.
 * A power cut stops it where it stands (no error; the next power-on opens the channel again). */
int tdm_xfer_finish(struct tdm_xfer *x);

/* Read [addr, addr+len) (len <= chunk) of the net slot into buffer i, checked with its CRC. Waits. */
int tdm_xfer_read(struct tdm_xfer *x, unsigned i, uint32_t addr, uint32_t len);
/* SHA-256 of [addr, addr+len) of the net slot, computed by the net core. Waits. */
int tdm_xfer_hash(struct tdm_xfer *x, uint32_t addr, uint32_t len, uint8_t digest[TDM_SHA256_LEN]);
/* The same in two halves, so the application core can hash its own flash while the net core hashes its:
 * start sends HASH without waiting (TDM_E_RANGE, TDM_E_STATE: a command already in flight); finish waits
 * for it like tdm_xfer_finish and copies the digest out of buffer 1 (TDM_E_STATE if the command in flight
 * is not a HASH; TDM_E_CORRUPT if the digest's CRC fails). Buffer 1 is the server's until finish. */
int tdm_xfer_hash_start(struct tdm_xfer *x, uint32_t addr, uint32_t len);
int tdm_xfer_hash_finish(struct tdm_xfer *x, uint8_t digest[TDM_SHA256_LEN]);
/* Start the network image. Waits for the acknowledgement. */
int tdm_xfer_boot(struct tdm_xfer *x);

/* ---- server (net-boot stage, network core) ---- */

struct tdm_netboot_config {
    struct tdm_flash_ops flash;   /* the network core's flash */
    struct tdm_ipc_ops ipc;       /* the network core's view of the window */
    struct tdm_crypto_ops crypto; /* SHA-256 for HASH */
    uint32_t slot_addr, slot_size; /* the network image slot: the only range it writes, reads or hashes */
    uint32_t chunk;               /* buffer size in the window */
    struct tdm_cpu_ops cpu;       /* CRC and compare work reported to the clock (spend NULL: none) */
};

struct tdm_netboot {
    struct tdm_netboot_config cfg;
    uint32_t page_size;
    uint32_t last_seq;      /* sequence number of the last executed command */
    uint8_t last_rsp[TDM_XFER_BLOCK_LEN];
    uint8_t have_last;
    uint8_t booted;         /* BOOT accepted: the network image runs */
    uint32_t pages_erased, pages_written, pages_skipped;
};

/* Check the config (slot inside the flash, page-aligned, not overlapping... the stage itself lives below the
 * slot and is never in range). Returns 0 or TDM_E_CONFIG. */
int tdm_netboot_init(struct tdm_netboot *nb, const struct tdm_netboot_config *cfg);
/* Serve at most one pending command: returns 1 when one was served, 0 when none was pending, or the IPC
 * port's error. A power cut stops it inside the command (no answer is written).
 * Malformed commands are answered with TDM_E_BOOT_PROTO (when the block is readable) and never executed. */
int tdm_netboot_poll(struct tdm_netboot *nb);

#endif
