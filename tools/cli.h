/* Small helpers every `tandem` command shares: one-line errors and strict number parsing.
 * Owns: the error line format "tandem: CMD: what is wrong". Never: exits the process. */
#ifndef TANDEM_TOOLS_CLI_H
#define TANDEM_TOOLS_CLI_H

#include <stdint.h>

/* Print "tandem: <cmd>: <message>" on stderr; returns 2 (the usage/I-O exit code). */
int tdm_cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a whole decimal or 0x-hex number within [min, max]. Returns 0 or -1. */
int tdm_cli_number(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif
