/* Test-side view of the fetch rig (nginx_rig.sh): ports, paths, files on the server, proxy faults.
 * Owns: reading DIR/rig.env, writing served files and the proxy's control file, reading the proxy log.
 * Never: starts or stops the rig for tests (CTest fixtures do); benches use tdm_rig_serve. */
#ifndef TANDEM_TESTS_FETCH_RIG_H
#define TANDEM_TESTS_FETCH_RIG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tdm_rig {
    int main_port, wronghost_port, otherca_port, expired_port, proxy_port;
    char www[512], ca[512], control[512], proxy_log[512], lie_file[512], liar_log[512];
    uint64_t lie_declared;
};

/* Load $TDM_RIG_DIR/rig.env. Returns 0, or -1 (and prints why) when the rig is not up. */
int tdm_rig_load(struct tdm_rig *r);
/* "https://127.0.0.1:PORT/PATH" into out. */
void tdm_rig_url(int port, const char *path, char *out, size_t n);
/* Serve `len` bytes as www/NAME (atomic rename), with modification time `mtime` (nginx's ETag is
 * mtime-size, so a new mtime makes a new ETag). Returns 0 or -1. */
int tdm_rig_put(const struct tdm_rig *r, const char *name, const void *data, size_t len, time_t mtime);
/* Write a proxy schedule (tdm_proxy.c: "close@N pass"); the connection count restarts. */
void tdm_rig_fault(const struct tdm_rig *r, const char *schedule);
/* Count the cuts in the proxy log, and those that fell inside a TLS record. */
void tdm_rig_proxy_cuts(const struct tdm_rig *r, unsigned *cuts, unsigned *mid_record);
/* Requests tdm_liar logged for www/NAME since the rig started, and how many of them carried a Range. */
void tdm_rig_liar_requests(const struct tdm_rig *r, const char *name, unsigned *requests, unsigned *ranged);
/* Seeded pseudo-random bytes (splitmix64 of seed). */
void tdm_rig_fill(void *buf, size_t n, uint64_t seed);

/* For programs outside CTest (benches): start a rig of their own in a fresh /tmp folder, run `run` on it,
 * stop it and remove the folder. `src_file` is the caller's __FILE__ (the rig script is found next to the
 * sources), `argv0` the program's path (tdm_proxy is found next to the build's tests/fetch), `who` names
 * the program in messages. Returns run's result, or 2 when the rig could not start. */
int tdm_rig_serve(const char *who, const char *src_file, const char *argv0, int (*run)(const struct tdm_rig *r));

#endif
