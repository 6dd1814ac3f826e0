/* The NAND store part of `tandem device status`: the two package slots, the roles, the boot state
 * (PENDING ...) and the fetch agent's download progress.
 * Owns: reading and printing those. Never: saves the device. To count the durable bytes of an
 * unfinished download it reopens the slot (tdm_store_resume) in the in-memory copy of the NAND; the
 * files in the device directory are left exactly as they were. */
#include <stdio.h>
#include <string.h>

#include "device_cmds.h"
#include "pkg_build.h"
#include "tandem/bootstate.h"
#include "tandem/err.h"
#include "tandem/fetch.h"
#include "tandem/host_crypto.h"

static const char *slot_state(uint8_t s)
{
    return s == TDM_STORE_COMMITTED ? "committed" : s == TDM_STORE_OPEN ? "open" : "empty";
}

static const char *phase_name(uint8_t p)
{
    static const char *const names[] = {"idle", "pending", "install", "trial", "rollback"};
    return p < 5 ? names[p] : "?";
}

static const char *rec_state(uint8_t s)
{
    return s == TDM_FETCH_ACTIVE ? "in progress" : s == TDM_FETCH_DONE ? "done" : "failed";
}

static char slot_name(unsigned s)
{
    return s < TDM_STORE_SLOTS ? (char)('A' + s) : '-';
}

struct view {
    int err; /* 0, or why the store could not be read */
    struct tdm_store_info info;
    struct tdm_bootstate st;
    int have_rec;
    struct tdm_fetch_record rec;
    int32_t durable; /* bytes of the download that survive a reboot, -1 unknown */
};

static void look(struct tdm_sim_device *dev, struct view *v)
{
    static struct tdm_nand nand;
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    memset(v, 0, sizeof *v);
    v->durable = -1;
    struct tdm_nand_ops ops = tdm_sim_device_nand(dev);
    struct tdm_store_config sc = {.nand = &nand, .crypto = tdm_host_crypto(), .page_buf = page_buf,
                                  .first_block = dev->layout.store_first_block,
                                  .block_count = dev->layout.store_blocks};
    v->err = tdm_nand_init(&nand, &ops);
    v->err = v->err < 0 ? v->err : tdm_store_mount(&store, &sc);
    v->err = v->err < 0 ? v->err : tdm_store_info(&store, &v->info);
    v->err = v->err < 0 ? v->err : tdm_bootstate_load(&store, &v->st);
    if (v->err < 0) {
        return;
    }
    v->have_rec = tdm_fetch_record_load(&store, &v->rec) == 0;
    const struct tdm_store_slot_info *si = v->have_rec ? &v->info.slot[v->rec.slot] : NULL;
    if (si && si->gen == v->rec.gen) {
        if (si->state == TDM_STORE_OPEN && v->rec.state == TDM_FETCH_ACTIVE) {
            int n = tdm_store_resume(&store, v->rec.slot); /* in memory only: never saved */
            v->durable = n < 0 ? -1 : n;
        } else if (si->state == TDM_STORE_COMMITTED) {
            v->durable = (int32_t)si->length;
        }
    }
}

void tdm_device_store_text(struct tdm_sim_device *dev)
{
    struct view v;
    look(dev, &v);
    if (v.err < 0) {
        printf("store         %s\n", v.err == TDM_E_STORE_UNFORMATTED ? "not formatted yet (no download so far)"
                                                                       : tdm_strerror(v.err));
        return;
    }
    char hex[2 * TDM_SHA256_LEN + 1], ver[32];
    for (unsigned s = 0; s < TDM_STORE_SLOTS; s++) {
        const struct tdm_store_slot_info *si = &v.info.slot[s];
        printf("slot %c        %s", slot_name(s), slot_state(si->state));
        if (si->state == TDM_STORE_COMMITTED) {
            printf(", %u bytes, sha256 %.16s...", si->length, tdm_hex(si->sha256, TDM_SHA256_LEN, hex));
        }
        printf("%s%s\n", s == v.info.installed ? " (installed)" : "", s == v.info.candidate ? " (candidate)" : "");
    }
    printf("boot state    %s", phase_name(v.st.phase));
    if (v.st.phase != TDM_BS_IDLE) {
        printf(": slot %c, set %s, counter %u", slot_name(v.st.cand_slot), tdm_version_str(&v.st.cand_version, ver),
               v.st.cand_counter);
    }
    printf("%s\n", v.st.phase == TDM_BS_PENDING ? " (installed at the next reboot)" : "");
    if (!v.have_rec) {
        printf("download      none\n");
        return;
    }
    printf("download      %s: %s, slot %c", v.rec.url, rec_state(v.rec.state), slot_name(v.rec.slot));
    if (v.rec.state == TDM_FETCH_FAILED) {
        printf(", %s", tdm_strerror(v.rec.err));
    } else if (v.durable >= 0) {
        printf(", %d of %u bytes durable", v.durable, v.rec.total);
        if (v.rec.total) {
            printf(" (%u%%)", (unsigned)((uint64_t)v.durable * 100u / v.rec.total));
        }
    }
    printf("\n");
}

void tdm_device_store_json(struct tdm_sim_device *dev)
{
    struct view v;
    look(dev, &v);
    if (v.err < 0) {
        printf("{\"error\":\"%s\"}", tdm_errname(v.err));
        return;
    }
    char hex[2 * TDM_SHA256_LEN + 1], ver[32];
    printf("{\"slots\":[");
    for (unsigned s = 0; s < TDM_STORE_SLOTS; s++) {
        const struct tdm_store_slot_info *si = &v.info.slot[s];
        printf("%s{\"slot\":\"%c\",\"state\":\"%s\",\"gen\":%u,\"length\":%u,\"sha256\":\"%s\"}", s ? "," : "",
               slot_name(s), slot_state(si->state), si->gen, si->length,
               si->state == TDM_STORE_COMMITTED ? tdm_hex(si->sha256, TDM_SHA256_LEN, hex) : "");
    }
    printf("],\"installed\":\"%c\",\"candidate\":\"%c\",", slot_name(v.info.installed), slot_name(v.info.candidate));
    printf("\"boot\":{\"phase\":\"%s\",\"cand_slot\":\"%c\",\"cand_version\":\"%s\",\"cand_counter\":%u},",
           phase_name(v.st.phase), slot_name(v.st.cand_slot), tdm_version_str(&v.st.cand_version, ver),
           v.st.cand_counter);
    if (!v.have_rec) {
        printf("\"download\":null}");
        return;
    }
    printf("\"download\":{\"url\":\"%s\",\"state\":\"%s\",\"slot\":\"%c\",\"durable\":%d,\"total\":%u,"
           "\"error\":\"%s\"}}",
           v.rec.url, v.rec.state == TDM_FETCH_ACTIVE ? "active" : v.rec.state == TDM_FETCH_DONE ? "done" : "failed",
           slot_name(v.rec.slot), v.durable, v.rec.total, v.rec.state == TDM_FETCH_FAILED ? tdm_errname(v.rec.err) : "");
}
