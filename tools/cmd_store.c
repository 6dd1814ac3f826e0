/* `tandem store format|info|write|read FILE ...`: the NAND image store on a simulated chip file.
 * Owns: option parsing and printing for the store. Never: writes the chip file after a command that
 * failed, or changes a chip it was only asked to inspect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "nand_sim.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"
#include "tandem/store.h"

struct store_cli {
    const char *cmd, *file, *in, *out;
    uint64_t first, blocks, slot_bytes, offset, length;
    int slot, json, force, has_length;
    struct tdm_sim_nand chip;
    struct tdm_nand_ops ops;
    struct tdm_nand nand;
    struct tdm_store st;
    struct tdm_store_config cfg;
    uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
};

static void store_usage(FILE *out)
{
    fprintf(out, "usage: tandem store format FILE [--force] [RANGE]\n"
                 "       tandem store info FILE [--json] [RANGE]\n"
                 "       tandem store write FILE --slot a|b --in DATA [RANGE]   open, write, commit\n"
                 "       tandem store read FILE --slot a|b --out DATA [--offset N] [--length N] [RANGE]\n"
                 "RANGE: [--first BLOCK --blocks N] (default: the last 64 blocks) [--slot-bytes N] (format)\n"
                 "FILE is a simulated chip made by `tandem nand create`.\n");
}

static int parse(struct store_cli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        uint64_t *num = NULL;
        if (!strcmp(a, "--json")) {
            c->json = 1;
        } else if (!strcmp(a, "--force")) {
            c->force = 1;
        } else if (!strcmp(a, "--slot") && i + 1 < argc) {
            const char *v = argv[++i];
            c->slot = !strcmp(v, "a") || !strcmp(v, "A") ? 0 : !strcmp(v, "b") || !strcmp(v, "B") ? 1 : -2;
            if (c->slot < 0) {
                return tdm_cli_fail(c->cmd, "--slot: expected a or b, got '%s'", v);
            }
        } else if (!strcmp(a, "--in") && i + 1 < argc) {
            c->in = argv[++i];
        } else if (!strcmp(a, "--out") && i + 1 < argc) {
            c->out = argv[++i];
        } else if (!strcmp(a, "--first") && i + 1 < argc) {
            num = &c->first;
        } else if (!strcmp(a, "--blocks") && i + 1 < argc) {
            num = &c->blocks;
        } else if (!strcmp(a, "--slot-bytes") && i + 1 < argc) {
            num = &c->slot_bytes;
        } else if (!strcmp(a, "--offset") && i + 1 < argc) {
            num = &c->offset;
        } else if (!strcmp(a, "--length") && i + 1 < argc) {
            num = &c->length;
            c->has_length = 1;
        } else if (a[0] == '-' || c->file) {
            return tdm_cli_fail(c->cmd, "unexpected argument '%s'", a);
        } else {
            c->file = a;
        }
        if (num && tdm_cli_number(argv[++i], 0, UINT32_MAX, num) < 0) {
            return tdm_cli_fail(c->cmd, "%s: not a number: '%s'", a, argv[i]);
        }
    }
    if (!c->file) {
        return tdm_cli_fail(c->cmd, "missing FILE");
    }
    return 0;
}

static int attach(struct store_cli *c)
{
    int err = tdm_sim_nand_load(&c->chip, c->file);
    if (err < 0) {
        return tdm_cli_fail(c->cmd, "'%s' is missing, truncated or not a tandem NAND chip", c->file);
    }
    c->ops = tdm_sim_nand_ops(&c->chip);
    tdm_nand_init(&c->nand, &c->ops);
    c->cfg.nand = &c->nand;
    c->cfg.crypto = tdm_host_crypto();
    c->cfg.page_buf = c->page_buf;
    c->cfg.first_block = (uint32_t)c->first;
    c->cfg.block_count = (uint32_t)c->blocks;
    c->cfg.slot_bytes = (uint32_t)c->slot_bytes;
    return 0;
}

static int finish(struct store_cli *c, int save)
{
    int rc = 0;
    if (save && tdm_sim_nand_save(&c->chip, c->file) < 0) {
        rc = tdm_cli_fail(c->cmd, "cannot write '%s'", c->file);
    }
    tdm_sim_nand_destroy(&c->chip);
    return rc;
}

static int fail_store(struct store_cli *c, int err)
{
    fprintf(stderr, "tandem: %s: %s (%s)\n", c->cmd, tdm_strerror(err), tdm_errname(err));
    finish(c, 0);
    return err == TDM_E_STORE_FORMATTED || err == TDM_E_STORE_UNFORMATTED || err == TDM_E_STORE_SLOT ||
                   err == TDM_E_STORE_UNREADABLE || err == TDM_E_STORE_FULL
               ? 1
               : 2;
}

static const char *state_name(uint8_t s)
{
    return s == TDM_STORE_COMMITTED ? "committed" : s == TDM_STORE_OPEN ? "open" : "empty";
}

static void print_info(struct store_cli *c, const struct tdm_store_info *in)
{
    const char *role[2];
    for (int k = 0; k < 2; k++) {
        role[k] = in->installed == k ? "installed" : in->candidate == k ? "candidate" : "none";
    }
    if (!c->json) {
        printf("store: blocks %u..%u, %u bad, %u system, %u free; slot capacity %u bytes\n", in->first_block,
               in->first_block + in->block_count - 1, in->bad, in->system, in->free, in->slot_capacity);
        for (int k = 0; k < 2; k++) {
            printf("slot %c: %s, role %s, %u bytes, %u blocks, generation %u\n", 'A' + k,
                   state_name(in->slot[k].state), role[k], in->slot[k].length, in->slot[k].blocks, in->slot[k].gen);
        }
        printf("journal: head %u, active block %u, next page %u; bad-block table seq %u\n", in->journal_seq,
               in->journal_active, in->journal_next, in->bbt_seq);
        return;
    }
    printf("{\"first_block\":%u,\"block_count\":%u,\"slot_capacity\":%u,\"free\":%u,\"system\":%u,", in->first_block,
           in->block_count, in->slot_capacity, in->free, in->system);
    printf("\"bad_blocks\":[");
    int n = 0;
    for (uint32_t b = in->first_block; b < in->first_block + in->block_count; b++) {
        if (tdm_store_block_owner(&c->st, b) == TDM_STORE_BAD) {
            printf("%s%u", n++ ? "," : "", b);
        }
    }
    printf("],\"slots\":[");
    for (int k = 0; k < 2; k++) {
        const struct tdm_store_slot_info *s = &in->slot[k];
        printf("%s{\"slot\":\"%c\",\"state\":\"%s\",\"committed\":%s,\"role\":\"%s\",\"length\":%u,\"blocks\":%u,"
               "\"generation\":%u,\"sha256\":\"",
               k ? "," : "", 'A' + k, state_name(s->state), s->state == TDM_STORE_COMMITTED ? "true" : "false",
               role[k], s->length, s->blocks, s->gen);
        for (int i = 0; s->state == TDM_STORE_COMMITTED && i < TDM_SHA256_LEN; i++) {
            printf("%02x", s->sha256[i]);
        }
        printf("\"}");
    }
    printf("],\"journal\":{\"head\":%u,\"active_block\":%u,\"next_page\":%u,\"blocks\":[%u,%u]},"
           "\"bbt\":{\"seq\":%u,\"blocks\":[%u,%u]}}\n",
           in->journal_seq, in->journal_active, in->journal_next, in->journal_blocks[0], in->journal_blocks[1],
           in->bbt_seq, in->bbt_blocks[0], in->bbt_blocks[1]);
}

static int do_write(struct store_cli *c)
{
    FILE *f = fopen(c->in, "rb");
    if (!f) {
        finish(c, 0);
        return tdm_cli_fail(c->cmd, "--in: cannot read '%s'", c->in);
    }
    int err = tdm_store_open(&c->st, (unsigned)c->slot);
    uint8_t buf[4096];
    uint32_t total = 0;
    size_t n;
    while (err >= 0 && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        err = tdm_store_write(&c->st, buf, (uint32_t)n);
        total += (uint32_t)n;
    }
    fclose(f);
    uint8_t sha[TDM_SHA256_LEN];
    if (err >= 0) {
        err = tdm_store_commit(&c->st, total, sha);
    }
    if (err < 0) {
        return fail_store(c, err);
    }
    printf("slot %c: committed %u bytes, sha256 ", 'A' + c->slot, total);
    for (int i = 0; i < TDM_SHA256_LEN; i++) {
        printf("%02x", sha[i]);
    }
    printf("\n");
    return finish(c, 1);
}

static int do_read(struct store_cli *c)
{
    struct tdm_store_slot_info si;
    tdm_store_slot_info(&c->st, (unsigned)c->slot, &si);
    if (si.state != TDM_STORE_COMMITTED) {
        fprintf(stderr, "tandem: store read: slot %c is %s, not committed\n", 'A' + c->slot, state_name(si.state));
        finish(c, 0);
        return 1;
    }
    uint64_t len = c->has_length ? c->length : (c->offset < si.length ? si.length - c->offset : 0);
    if (c->offset + len > si.length) {
        finish(c, 0);
        return tdm_cli_fail(c->cmd, "--offset/--length: past the end of slot %c (%u bytes)", 'A' + c->slot,
                            si.length);
    }
    FILE *f = fopen(c->out, "wb");
    if (!f) {
        finish(c, 0);
        return tdm_cli_fail(c->cmd, "--out: cannot write '%s'", c->out);
    }
    uint8_t buf[4096];
    for (uint64_t off = 0; off < len;) {
        uint32_t n = len - off < sizeof buf ? (uint32_t)(len - off) : (uint32_t)sizeof buf;
        int err = tdm_store_read(&c->st, (unsigned)c->slot, (uint32_t)(c->offset + off), buf, n);
        if (err < 0) {
            fclose(f);
            return fail_store(c, err);
        }
        fwrite(buf, 1, n, f);
        off += n;
    }
    fclose(f);
    printf("slot %c: read %llu bytes at offset %llu into %s\n", 'A' + c->slot, (unsigned long long)len,
           (unsigned long long)c->offset, c->out);
    return finish(c, 1); /* a scrub may have been recorded by reads: keep the chip as it is now */
}

int tdm_cmd_store(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        store_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    static struct store_cli c;
    memset(&c, 0, sizeof c);
    c.slot = -1;
    const char *sub = argv[1];
    static char cmd[32];
    snprintf(cmd, sizeof cmd, "store %s", sub);
    c.cmd = cmd;
    if (strcmp(sub, "format") && strcmp(sub, "info") && strcmp(sub, "write") && strcmp(sub, "read")) {
        return tdm_cli_fail("store", "unknown subcommand '%s' (try tandem store --help)", sub);
    }
    if (parse(&c, argc - 1, argv + 1)) {
        return 2;
    }
    if ((!strcmp(sub, "write") || !strcmp(sub, "read")) && c.slot < 0) {
        return tdm_cli_fail(cmd, "missing --slot a|b");
    }
    if (!strcmp(sub, "write") && !c.in) {
        return tdm_cli_fail(cmd, "missing --in DATA");
    }
    if (!strcmp(sub, "read") && !c.out) {
        return tdm_cli_fail(cmd, "missing --out DATA");
    }
    if (attach(&c)) {
        return 2;
    }
    int err = !strcmp(sub, "format") ? tdm_store_format(&c.st, &c.cfg, c.force != 0) : tdm_store_mount(&c.st, &c.cfg);
    if (err < 0) {
        return fail_store(&c, err);
    }
    if (!strcmp(sub, "write")) {
        return do_write(&c);
    }
    if (!strcmp(sub, "read")) {
        return do_read(&c);
    }
    struct tdm_store_info info;
    tdm_store_info(&c.st, &info);
    if (!strcmp(sub, "format")) {
        printf("formatted: blocks %u..%u, %u bad, %u free, slot capacity %u bytes\n", info.first_block,
               info.first_block + info.block_count - 1, info.bad, info.free, info.slot_capacity);
        return finish(&c, 1);
    }
    print_info(&c, &info);
    return finish(&c, 0);
}
