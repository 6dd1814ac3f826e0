/* The fetch agent: downloads an update package from a URL into the free slot of the store, checking
 * every byte with the streaming package parser, resuming after drops and reboots, and when the package
 * is complete and verified, committing it and recording PENDING in the boot state (docs/FETCH.md).
 *
 * Owns: the download policy (resume, restart, retries with capped exponential backoff, when to give
 * up), the progress record in the journal (type TDM_FETCH_RECORD_TYPE) and the order
 * open -> write -> commit -> request. Never: writes the installed slot or any slot but the free one,
 * commits a package the parser has not fully verified, trusts RAM across a reboot (the parser state is
 * rebuilt by re-reading the durable bytes from NAND), allocates, or talks to the network other than
 * through the transport port (include/tandem/transport_port.h).
 *
 * Power loss. Every call may be cut at any NAND operation (the cut stops it where it stands; after
 * power-on, mount the store and call tdm_fetch_run again with the same URL): the download resumes where the durable data ends, so at
 * most one NAND page of bytes is fetched twice. A package becomes PENDING only through
 * tdm_bootstate_request after tdm_store_commit; a cut in between is finished by the next run.
 *
 * RAM: struct tdm_fetch is about 6 KB (the package parser <= TDM_PKG_PARSER_RAM = 3 KB, the transfer
 * buffer TDM_FETCH_BUF = 2 KB, the progress record ~340 B, the boot state 232 B, the rest config and
 * counters; tests/fetch checks sizeof against TDM_FETCH_RAM), plus the
 * store (include/tandem/store.h, ~4.5 KB with its page buffer). Stack: < 300 B plus the ports.
 * Delta packages (docs/DELTA.md) need the caller-owned workspace cfg.delta, struct tdm_fetch_delta
 * <= TDM_FETCH_DELTA_RAM = 11 KB (the delta package reader with its patch decoder <= 8 448 B, a 512-byte
 * patch input buffer, a copy of one base page 2 KB, counters); the rebuilt output is collected a NAND page
 * at a time in the agent's transfer buffer. With delta: about 6.5 + 11 + 4.5 = 22 KB in all, no heap.
 * The configured timeouts (connect, low speed) are the transport's (fetch/host/transport_curl.h).
 */
#ifndef TANDEM_FETCH_H
#define TANDEM_FETCH_H

#include <stdint.h>

#include "tandem/bootstate.h"
#include "tandem/clock_port.h"
#include "tandem/counter_port.h"
#include "tandem/crypto_port.h"
#include "tandem/delta.h"
#include "tandem/journal_types.h"
#include "tandem/pkg.h"
#include "tandem/store.h"
#include "tandem/transport_port.h"

#define TDM_FETCH_RECORD_TYPE TDM_JT_FETCH /* journal record type of the progress record (journal_types.h) */
#define TDM_FETCH_RECORD_FORMAT 1
#define TDM_FETCH_URL_MAX 256 /* longest URL, NUL included */
#define TDM_FETCH_RECORD_MAX (20 + TDM_TRANSPORT_VALIDATOR_MAX + TDM_FETCH_URL_MAX) /* encoded bytes */
#define TDM_FETCH_RAM 6656   /* upper bound of sizeof(struct tdm_fetch) on a 32- or 64-bit target */
#define TDM_FETCH_BUF 2048    /* bytes pulled from the transport per read (one NAND page on a W25N01GV) */

#define TDM_FETCH_ATTEMPTS_DEFAULT 5       /* consecutive attempts that bring no new byte (docs/FETCH.md) */
#define TDM_FETCH_BACKOFF_MIN_DEFAULT 250  /* ms before the first retry; doubles per failed attempt */
#define TDM_FETCH_BACKOFF_MAX_DEFAULT 8000 /* ms: cap of the backoff */
#define TDM_FETCH_PROGRESS_DEFAULT 200     /* ms between progress calls while bytes flow */
#define TDM_FETCH_DELTA_IN 512             /* delta package bytes pulled from the transport per read */
#define TDM_FETCH_DELTA_RAM 11264          /* upper bound of sizeof(struct tdm_fetch_delta) */
#define TDM_FETCH_REC_DELTA 0x01           /* record flag: the download is a delta package (docs/DELTA.md) */

/* State of the progress record. */
enum tdm_fetch_rec_state {
    TDM_FETCH_ACTIVE = 1, /* a download into rec.slot (generation rec.gen) is under way */
    TDM_FETCH_DONE = 2,   /* committed and PENDING */
    TDM_FETCH_FAILED = 3, /* given up for good with rec.err (bad package, refused, too big) */
};

/* The progress record (docs/FETCH.md "Agent", byte offsets there). Durable bytes are not in it: they
 * come from tdm_store_resume. Written when a download starts, when the server's validator or total
 * changes, and at the end. */
struct tdm_fetch_record {
    uint8_t state;  /* enum tdm_fetch_rec_state */
    uint8_t slot;   /* store slot of the download */
    uint32_t gen;   /* the slot's generation when the download started (tdm_store_open) */
    uint32_t total; /* package size announced by the server; 0 unknown */
    int32_t err;    /* FAILED: the error */
    uint8_t flags;  /* TDM_FETCH_REC_DELTA: url serves a delta package; the slot holds its rebuilt output */
    char validator[TDM_TRANSPORT_VALIDATOR_MAX]; /* strong ETag or Last-Modified, "" none */
    char url[TDM_FETCH_URL_MAX];
};

enum tdm_fetch_phase {
    TDM_FETCH_PH_CONNECT = 0,  /* opening a transfer */
    TDM_FETCH_PH_DATA = 1,     /* bytes flowing */
    TDM_FETCH_PH_WAIT = 2,     /* waiting before a retry (last_err says why) */
    TDM_FETCH_PH_VERIFY = 3,   /* all bytes in; committing */
    TDM_FETCH_PH_DONE = 4,     /* committed and PENDING */
};

struct tdm_fetch_progress {
    uint8_t phase;     /* enum tdm_fetch_phase */
    uint32_t done;     /* package bytes accepted (durable or in the page buffer) */
    uint32_t total;    /* package size, 0 while unknown */
    uint32_t rate;     /* bytes per second received in this run (0 before the first second's data) */
    uint32_t eta_s;    /* seconds left at this rate, UINT32_MAX unknown */
    uint32_t attempt;  /* transfers opened in this run */
    int last_err;      /* error of the last failed attempt (0 none) */
    int status;        /* HTTP status of the last response (0 none) */
    uint32_t from;     /* CONNECT: the offset asked for (0: the whole file, no Range) */
    uint32_t wait_ms;  /* WAIT: how long this wait lasts */
    uint32_t server_wait_ms; /* WAIT: what the server's Retry-After asked for (0 none); capped to wait_ms */
};

typedef void (*tdm_fetch_progress_fn)(void *arg, const struct tdm_fetch_progress *p);

/* The workspace of a delta download (caller-owned, cfg.delta; docs/DELTA.md "Device"). The patch is
 * decoded on the way in; the base is the installed package, read from its slot in the store. */
struct tdm_fetch_delta {
    struct tdm_delta_pkg pkg; /* the delta package reader and its patch decoder */
    uint8_t base_slot;        /* the installed slot (the base) */
    uint32_t in;              /* delta package bytes fed in this decoding pass */
    uint32_t out;             /* rebuilt bytes emitted in this pass */
    uint32_t skip;            /* rebuilt bytes already accepted (durable or written) before this pass */
    uint32_t fill;            /* rebuilt bytes waiting in the agent's transfer buffer */
    uint32_t acc_crc;         /* CRC-32 of the accepted rebuilt bytes [0, f->off) */
    uint32_t skip_crc;        /* CRC-32 of this pass's output [0, min(out, skip)) */
    uint32_t base_len;        /* bytes of the base */
    uint32_t base_at, base_have; /* base_page holds base bytes [base_at, base_at + base_have) */
    uint8_t in_buf[TDM_FETCH_DELTA_IN];
    uint8_t base_page[TDM_FETCH_BUF]; /* one base page (store->page <= TDM_FETCH_BUF) */
};
_Static_assert(sizeof(struct tdm_fetch_delta) <= TDM_FETCH_DELTA_RAM, "struct tdm_fetch_delta grew past its bound");

struct tdm_fetch_config {
    struct tdm_transport_ops transport;
    struct tdm_clock_ops clock;     /* backoff and rate; now_ns required */
    struct tdm_crypto_ops crypto;
    struct tdm_counter_ops counter; /* anti-downgrade floor (the OTP counter) */
    const uint8_t (*keys)[TDM_P256_PUBKEY_LEN]; /* trusted package keys, caller-owned */
    unsigned nkeys;
    uint32_t hw_id;
    uint32_t app_max, net_max;      /* component limits: the layout's app_slot / net_slot sizes */
    uint32_t app_addr, net_addr;    /* component load addresses: the layout's app_slot / net_slot addresses */
    struct tdm_version bootloader_version; /* 0.0 = the one the bootloader recorded in the boot state */
    uint32_t max_attempts;          /* 0 = TDM_FETCH_ATTEMPTS_DEFAULT */
    uint32_t backoff_min_ms;        /* 0 = TDM_FETCH_BACKOFF_MIN_DEFAULT */
    uint32_t backoff_max_ms;        /* 0 = TDM_FETCH_BACKOFF_MAX_DEFAULT */
    uint32_t progress_ms;           /* 0 = TDM_FETCH_PROGRESS_DEFAULT */
    tdm_fetch_progress_fn progress; /* may be NULL */
    void *progress_arg;
    int (*cancelled)(void *arg);    /* may be NULL; polled between reads, while waiting and by the transport */
    void *cancel_arg;
    struct tdm_fetch_delta *delta;  /* workspace for delta packages; NULL: full packages only (a delta
                                       package is then refused by the parser like any foreign file) */
    struct tdm_cpu_ops cpu;         /* the delta path's decoding, CRC and copies reported to a simulated
                                       clock (spend NULL: none, as on a board) */
};

/* What a run did (also filled on failure). */
struct tdm_fetch_result {
    uint8_t slot;             /* slot written, TDM_STORE_NONE if none */
    uint8_t already;          /* 1: the package was already PENDING from an earlier run; nothing fetched */
    uint32_t total;           /* package size (0 unknown) */
    uint32_t resumed_at;      /* offset the run started from (durable bytes found in NAND) */
    uint64_t received;        /* body bytes received from the transport in this run */
    uint32_t attempts;        /* transfers opened */
    uint32_t retries;         /* failed attempts that were retried */
    uint32_t restarts;        /* restarts from byte 0 (server ignored the range, file changed, no validator) */
    uint32_t range_resumes;   /* Range requests the server answered with the bytes from the asked offset */
    uint32_t range_from;      /* offset of the last such resume */
    int status;               /* HTTP status of the last response (0 none) */
    uint64_t waited_ns;       /* time spent in backoff */
    uint8_t sha256[TDM_SHA256_LEN]; /* store digest of the committed package */
    struct tdm_version version;     /* set version of the package (once the manifest is verified) */
    uint32_t counter;
    uint8_t delta;            /* 1: url served a delta package (received counts its bytes) */
    uint8_t fell_back;        /* tdm_fetch_run_delta: the delta did not apply, the full package was fetched */
    int delta_err;            /* ... and why (0 none) */
};

struct tdm_fetch {
    struct tdm_fetch_config cfg;
    struct tdm_store *store;
    const char *url;
    struct tdm_pkg_config pcfg;
    struct tdm_pkg_parser parser;
    struct tdm_fetch_record rec;
    struct tdm_fetch_result *res;
    struct tdm_bootstate st; /* boot state read at the start and before the request */
    uint8_t slot;       /* the free slot: the only one this run writes */
    uint8_t opened;     /* this run opened or resumed the slot (it is the store's slot being written) */
    uint8_t fatal;      /* the last error ends the download (no retry) */
    uint8_t checked;    /* the verified manifest's size was compared with the server's total */
    uint32_t off;       /* package bytes accepted (fed to the parser and written to the store) */
    uint32_t best;      /* highest offset reached in this run (progress test for retries) */
    uint32_t capacity;  /* slot capacity */
    uint64_t t0_ns, last_progress_ns;
    struct tdm_fetch_progress prog;
    uint8_t buf[TDM_FETCH_BUF];
};
_Static_assert(sizeof(struct tdm_fetch) <= TDM_FETCH_RAM, "struct tdm_fetch grew past its RAM bound");

/* Download `url` (https://, < TDM_FETCH_URL_MAX bytes) into the free slot of the mounted `store` and
 * make it PENDING. Resumes a download of the same URL that a drop, a cancel or a power cut interrupted.
 * Returns 0 when the package is committed and PENDING (also when it already was), else:
 *   TDM_E_PKG_*            the package is refused (wrong key, downgrade, hw id, too big, bad digest ...):
 *                          the slot is cleared, the record says FAILED
 *   TDM_E_DELTA_BASE       url is a delta package made for another base than the installed package (or
 *                          none is installed): refused at its header, nothing written (no record either)
 *   TDM_E_DELTA_BASE_READ  a page of the installed package (the base) reads uncorrectable: slot cleared,
 *                          FAILED; other TDM_E_DELTA_*: a corrupt or truncated delta, the same
 *   TDM_E_BOOT_REJECTED    this package was installed on trial before and rejected: slot cleared
 *   TDM_E_FETCH_TLS / URL / HTTP (4xx) / TOO_BIG / LENGTH (server's size is not the package's)
 *                          given up without retrying
 *   TDM_E_FETCH_RETRIES    max_attempts consecutive attempts brought no new byte (5xx, drops, timeouts)
 *   TDM_E_FETCH_CANCELLED  cfg.cancelled said so: durable progress is kept, a later run resumes
 *   TDM_E_STATE            an install or trial is under way, or another package is PENDING
 *   store errors (a NAND port that failed): mount again and call again
 *   TDM_E_INVAL / TDM_E_CONFIG  bad arguments or config
 * *res (may be NULL) says what happened. The installed slot is never touched. */
int tdm_fetch_run(struct tdm_fetch *f, const struct tdm_fetch_config *cfg, struct tdm_store *store,
                  const char *url, struct tdm_fetch_result *res);

/* A delta update with its fallback (docs/DELTA.md "Device"): fetch `delta_url` (a delta package against
 * the installed set, or a full package); when it cannot be used (another base, a base page unreadable, a
 * corrupt or truncated patch: any TDM_E_DELTA_*, or a 4xx answer: no delta published for this base), run
 * again with `full_url`. A delta for another base is refused at its 64-byte header, before anything is
 * written; a delta that fails later has its slot cleared first. A download of full_url under way (the
 * progress record names it) is resumed directly. Returns what tdm_fetch_run returns for the URL used last;
 * res->fell_back and res->delta_err say whether and why the full package was fetched. */
int tdm_fetch_run_delta(struct tdm_fetch *f, const struct tdm_fetch_config *cfg, struct tdm_store *store,
                        const char *delta_url, const char *full_url, struct tdm_fetch_result *res);

/* The latest progress record of a mounted store: 0, TDM_E_NOT_FOUND (never fetched), TDM_E_CORRUPT. */
int tdm_fetch_record_load(struct tdm_store *s, struct tdm_fetch_record *rec);
/* Append `rec` as the new progress record (durable when 0 is returned). */
int tdm_fetch_record_save(struct tdm_store *s, const struct tdm_fetch_record *rec);
/* Encode into out (TDM_FETCH_RECORD_MAX bytes); returns the length. Decode: 0 or TDM_E_CORRUPT. */
int tdm_fetch_record_encode(const struct tdm_fetch_record *rec, uint8_t out[TDM_FETCH_RECORD_MAX]);
int tdm_fetch_record_decode(const uint8_t *in, uint32_t len, struct tdm_fetch_record *rec);

#endif
