/* The bootloader part of `tandem device status`: the image in each core's slot (set id and version of
 * synthetic firmware, else the MCUboot header version; "none" for a blank, torn or half-written slot) and
 * the boot state's step, last outcome, rejected packages and installed set.
 * Owns: reading and printing those. Never: saves or changes the device (the store is only mounted). */
#include <stdio.h>
#include <string.h>

#include "device_cmds.h"
#include "power_on.h"
#include "pkg_build.h"
#include "tandem/bootstate.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

struct image_view {
    int kind; /* 0 none (no intact image), 1 synthetic firmware (set known), 2 another MCUboot image */
    struct tdm_sim_image_id id;
    const char *behavior;
};

struct boot_view {
    int err; /* 0, or why the boot state could not be read */
    struct tdm_bootstate st;
    struct image_view img[2];
};

static const char *const phase_names[] = {"idle", "pending", "install", "trial", "rollback"};
static const char *const step_names[] = {"capture", "app", "net", "verify"};
static const char *const last_names[] = {"none", "confirmed", "rejected", "refused"};
static const char *const behavior_names[] = {"healthy", "crash", "hang", "netfail"};

static const char *name_of(const char *const *names, unsigned n, unsigned i)
{
    return i < n ? names[i] : "?";
}

/* A set id as text (synthetic set ids are printable; anything else shows as '?'). */
static void put_set(const struct tdm_sim_image_id *id)
{
    for (uint32_t i = 0; i < id->set_id_len; i++) {
        uint8_t ch = id->set_id[i];
        putchar(ch > 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? ch : '?');
    }
}

static void look_image(struct tdm_sim_device *dev, enum tdm_sim_core core, struct image_view *v)
{
    const struct tdm_layout_region *r = core == TDM_SIM_CORE_APP ? &dev->layout.app_slot : &dev->layout.net_slot;
    const uint8_t *slot = tdm_sim_flash_peek(core == TDM_SIM_CORE_APP ? &dev->app : &dev->net, r->addr, r->size);
    memset(v, 0, sizeof *v);
    if (tdm_sim_fw_identify(NULL, core, slot, r->size, &v->id) == 0) {
        v->kind = 1;
        v->behavior = name_of(behavior_names, 4, tdm_sim_fw_behavior(slot, r->size));
        return;
    }
    size_t n = 0;
    struct tdm_crypto_ops ops = tdm_host_crypto();
    struct tdm_mcuboot_image img;
    if (tdm_image_is_mcuboot(slot, r->size) && tdm_image_length(slot, r->size, &n) == 0 &&
        tdm_mcuboot_verify(&ops, slot, (uint32_t)n, &img, NULL) == 0) {
        struct tdm_version ver;
        tdm_version_get(slot + 20, &ver);
        tdm_version_str(&ver, v->id.version);
        v->kind = 2;
    }
}

static void look(struct tdm_sim_device *dev, struct boot_view *v)
{
    static struct tdm_nand nand;
    static struct tdm_store store;
    static uint8_t page_buf[TDM_NAND_MAX_PAGE + TDM_NAND_MAX_OOB];
    struct tdm_nand_ops ops;
    memset(v, 0, sizeof *v);
    look_image(dev, TDM_SIM_CORE_APP, &v->img[0]);
    look_image(dev, TDM_SIM_CORE_NET, &v->img[1]);
    v->err = tdm_sim_store_mount(dev, &nand, &ops, &store, page_buf);
    v->err = v->err < 0 ? v->err : tdm_bootstate_load(&store, &v->st);
}

void tdm_device_boot_text(struct tdm_sim_device *dev)
{
    struct boot_view v;
    look(dev, &v);
    for (int c = 0; c < 2; c++) {
        const struct image_view *im = &v.img[c];
        printf("%s slot      ", c ? "net" : "app");
        if (im->kind == 1) {
            printf("set ");
            put_set(&im->id);
            printf(", version %s, behaviour %s\n", im->id.version, im->behavior);
        } else if (im->kind == 2) {
            printf("MCUboot image, version %s (not synthetic firmware: no set id)\n", im->id.version);
        } else {
            printf("no intact image\n");
        }
    }
    if (v.err < 0) {
        return; /* the store line of device status already says why */
    }
    char iv[32];
    printf("bootloader    phase %s", name_of(phase_names, 5, v.st.phase));
    if (v.st.phase == TDM_BS_INSTALL || v.st.phase == TDM_BS_ROLLBACK) {
        printf(" (step %s)", name_of(step_names, 4, v.st.step));
    }
    printf(", last %s", name_of(last_names, 4, v.st.last));
    if (v.st.last == TDM_BS_LAST_REFUSED) {
        printf(" (%s)", tdm_strerror(-(int)v.st.refused_err));
    }
    printf(", %u rejected package%s, installed set %s\n", v.st.nrejected, v.st.nrejected == 1 ? "" : "s",
           tdm_version_str(&v.st.inst_version, iv));
}

static void image_json(const struct image_view *im)
{
    if (im->kind == 0) {
        printf("null");
        return;
    }
    printf("{\"version\":\"%s\",", im->id.version);
    if (im->kind == 1) {
        printf("\"set\":\"");
        put_set(&im->id);
        printf("\",\"behavior\":\"%s\"}", im->behavior);
    } else {
        printf("\"set\":null,\"behavior\":null}");
    }
}

void tdm_device_boot_json(struct tdm_sim_device *dev)
{
    struct boot_view v;
    look(dev, &v);
    printf("\"images\":{\"app\":");
    image_json(&v.img[0]);
    printf(",\"net\":");
    image_json(&v.img[1]);
    printf("},");
    if (v.err < 0) {
        printf("\"boot\":{\"error\":\"%s\"},", tdm_errname(v.err));
        return;
    }
    char iv[32], cv[32];
    int stepping = v.st.phase == TDM_BS_INSTALL || v.st.phase == TDM_BS_ROLLBACK;
    printf("\"boot\":{\"phase\":\"%s\",\"step\":%s%s%s,\"last\":\"%s\",\"refused_error\":\"%s\",\"rejected\":%u,"
           "\"installed_version\":\"%s\",\"candidate_version\":\"%s\",\"candidate_counter\":%u},",
           name_of(phase_names, 5, v.st.phase), stepping ? "\"" : "", stepping ? name_of(step_names, 4, v.st.step) : "null",
           stepping ? "\"" : "", name_of(last_names, 4, v.st.last),
           v.st.last == TDM_BS_LAST_REFUSED ? tdm_errname(-(int)v.st.refused_err) : "", v.st.nrejected,
           tdm_version_str(&v.st.inst_version, iv), tdm_version_str(&v.st.cand_version, cv), v.st.cand_counter);
}
