/* The `tandem` host CLI: one function per top-level command, each in its own tools/cmd_*.c file.
 * Owns: the command table's declarations. Never: device logic (tools call the layers). */
#ifndef TANDEM_TOOLS_COMMANDS_H
#define TANDEM_TOOLS_COMMANDS_H

/* Each command gets argv starting at its own name (argv[0] = "nand", ...) and returns the process exit
 * code: 0 success, 1 the thing checked/asked failed (e.g. verify refused), 2 bad usage or I/O error. */
int tdm_cmd_nand(int argc, char **argv);
int tdm_cmd_store(int argc, char **argv);
int tdm_cmd_device(int argc, char **argv);
int tdm_cmd_keygen(int argc, char **argv);
int tdm_cmd_wrap(int argc, char **argv);
int tdm_cmd_pack(int argc, char **argv);
int tdm_cmd_diff(int argc, char **argv);
int tdm_cmd_inspect(int argc, char **argv);
int tdm_cmd_verify(int argc, char **argv);
int tdm_cmd_fw(int argc, char **argv);
int tdm_cmd_campaign(int argc, char **argv);
int tdm_cmd_provision(int argc, char **argv);

#endif
