/* The bootloader's check of a stored package (include/tandem/pkg.h, tdm_pkg_check): the streaming
 * parser fed through a read callback in caller-buffer-sized chunks.
 * Owns: the read loop. Never: a second set of checks (every check is the parser's), reads past the end of
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
