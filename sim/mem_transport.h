/* A transport port (include/tandem/transport_port.h) serving files from memory, so power-cut campaigns
 * can run the fetch agent thousands of times without a network. Network faults are tested against a real
 * nginx (tests/fetch); this is only for the flash side. Host-only.
 * Owns: answering GETs with Range and If-Range like an HTTP server. Never: fails on its own. */
#ifndef TANDEM_SIM_MEM_TRANSPORT_H
#define TANDEM_SIM_MEM_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/transport_port.h"

struct tdm_mem_file {
    const char *url;
    const uint8_t *data;
    size_t len;
    const char *etag; /* with quotes, e.g. "\"v2\"" */
};

struct tdm_mem_transport {
    const struct tdm_mem_file *files;
    unsigned nfiles;
    const struct tdm_mem_file *cur;
    uint64_t pos;
    uint64_t served; /* body bytes delivered in all */
};

struct tdm_transport_ops tdm_mem_transport(struct tdm_mem_transport *t);

#endif
