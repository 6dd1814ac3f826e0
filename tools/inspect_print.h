/* `tandem inspect` output (tools/inspect_print.c): a package or a single MCUboot image, text or JSON.
 * Owns: the declarations of the inspect printers. Never: used outside the CLI. */
#ifndef TANDEM_TOOLS_INSPECT_PRINT_H
#define TANDEM_TOOLS_INSPECT_PRINT_H

#include <stdio.h>

#include "pkg_build.h"

void tdm_print_package(FILE *out, const uint8_t *buf, size_t len, const struct tdm_pkg_parser *p, int err,
                       int json, int keyed);
void tdm_print_image(FILE *out, const uint8_t *buf, size_t len, const struct tdm_key *key, int json);

#endif
