/* `tandem diff OLD.tdm NEW.tdm`: the size of a delta package that rebuilds NEW from OLD installed, per
 * component beside the full package. Owns: the command line of diff. Never: writes anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "delta_build.h"
#include "pkg_build.h"
#include "tandem/delta.h"
#include "tandem/err.h"

int tdm_cmd_diff(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: tandem diff OLD.tdm NEW.tdm\n"
               "  prints the size of the delta package that turns OLD (installed) into NEW, per component\n"
               "  (patch or whole) beside the full package. exit codes: 0, 1 NEW is not a package, 2 usage/I/O\n");
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "tandem: diff: usage: tandem diff OLD.tdm NEW.tdm (try --help)\n");
        return 2;
    }
    uint8_t *old = NULL, *nw = NULL, *d = NULL;
    size_t olen, nlen, dlen;
    if (tdm_file_read(argv[1], &old, &olen) < 0 || tdm_file_read(argv[2], &nw, &nlen) < 0) {
        fprintf(stderr, "tandem: diff: cannot read '%s'\n", old ? argv[2] : argv[1]);
        free(old);
        return 2;
    }
    struct tdm_delta_pkg_info info;
    int err = tdm_delta_pkg_build(old, olen, nw, nlen, &d, &dlen, &info);
    if (err < 0) {
        fprintf(stderr, "tandem: diff: '%s': %s: %s\n", argv[2], tdm_errname(err), tdm_strerror(err));
    } else {
        printf("full package %zu bytes, delta package %zu bytes (%.2f%%)\n", nlen, dlen, 100.0 * (double)dlen / (double)nlen);
        printf("  header and prefix %u bytes\n", TDM_DELTA_PKG_HDR_LEN + info.prefix_len);
        for (unsigned i = 0; i < info.count; i++) {
            printf("  component %u: %u bytes, %s %u bytes\n", i + 1, info.comp_len[i],
                   info.kind[i] == TDM_DELTA_ENTRY_PATCH ? "patch" : "whole", info.entry_len[i]);
        }
    }
    free(old);
    free(nw);
    free(d);
    return err < 0 ? 1 : 0;
}
