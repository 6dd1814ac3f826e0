/* The bootloader's check of a stored package (include/tandem/pkg.h, tdm_pkg_check): the streaming
 * parser fed through a read callback in caller-buffer-sized chunks; and the components' targets against
 * the device layout (tdm_pkg_check_targets), shared by the bootloader and the fetch agent.
 * Owns: the read loop, the target rule. Never: a second set of the parser's checks, reads past the end of
 * the package the manifest announces. */
#include "tandem/err.h"
#include "tandem/pkg.h"

int tdm_pkg_check(struct tdm_pkg_parser *p, const struct tdm_pkg_config *cfg, tdm_pkg_read_fn read, void *ctx,
                  uint8_t *buf, uint32_t buf_len)
{
    int err = tdm_pkg_parser_init(p, cfg);
    if (err < 0) {
        return err;
    }
    if (!read || !buf || buf_len == 0) {
        return p->err = TDM_E_INVAL;
    }
    for (;;) {
        uint32_t n = tdm_pkg_need(p);
        if (n == 0) {
            return tdm_pkg_finish(p);
        }
        n = n < buf_len ? n : buf_len;
        err = read(ctx, p->off, buf, n);
        if (err < 0) {
            return p->err = err;
        }
        err = tdm_pkg_feed(p, buf, n);
        if (err < 0) {
            return err;
        }
    }
}

int tdm_pkg_check_targets(const struct tdm_pkg_manifest *m, uint32_t app_addr, uint32_t net_addr)
{
    for (unsigned i = 0; i < m->count; i++) {
        const struct tdm_pkg_component *c = &m->comp[i];
        if (c->id != TDM_PKG_COMP_APP && c->id != TDM_PKG_COMP_NET) {
            return TDM_E_PKG_COMPONENT;
        }
        unsigned core = c->id == TDM_PKG_COMP_APP ? 0 : 1;
        if (c->slot != core) {
            return TDM_E_PKG_MALFORMED;
        }
        if (c->load_addr != (core == 0 ? app_addr : net_addr)) {
            return TDM_E_PKG_LOAD_ADDR;
        }
    }
    return 0;
}
