/* Load addresses: a component linked for another address than its slot's in the device layout cannot
 * run there, so the bootloader and the fetch agent both refuse it (TDM_E_PKG_LOAD_ADDR) before anything
 * is written. The example is nRF Connect SDK's net-core address 0x01004000 against the default layout's
 * net slot at 0x01008000; the app-core one an application linked after a 48 KB MCUboot (0x0000C000).
 * Replay one run: --case NAME --seed S. */
#include "mem_transport.h"
#include "story_fixture.h"
#include "tandem/fetch.h"

#define NCS_NET_ADDR 0x01004000u
#define MCUBOOT_APP_ADDR 0x0000C000u
#define URL "https://updates.example/v2.tdm"

static struct story S;

static void make_v2(struct tdm_kit_set *v2, uint32_t app_load, uint32_t net_load)
{
    struct tdm_kit_spec spec = {.set_id = "v2", .version = "2.0.0+1", .counter = 2, .app_size = STORY_APP_SIZE,
                                .net_size = STORY_NET_SIZE, .seed = tdm_test_seed() * 3 + 1, .app_load = app_load,
                                .net_load = net_load};
    TDM_CHECK_OK(tdm_kit_make(v2, &spec, &S.key, &S.dev.layout));
}

static void bootloader_refuses(uint32_t app_load, uint32_t net_load)
{
    story_open(&S);
    story_reboot(&S);
    struct tdm_kit_set v2;
    make_v2(&v2, app_load, net_load);
    uint64_t erases = S.dev.app.stats.erases + S.dev.net.stats.erases;
    uint64_t writes = S.dev.app.stats.writes + S.dev.net.stats.writes;
    story_stage(&S, &v2); /* staged behind the agent's back: the bootloader must still refuse it */
    story_reboot(&S);
    TDM_CHECK_ERR(S.run.rep.outcome, TDM_BOOT_RUN_REFUSED);
    TDM_CHECK_ERR(S.run.rep.refused_err, TDM_E_PKG_LOAD_ADDR);
    TDM_CHECK(S.dev.app.stats.erases + S.dev.net.stats.erases == erases); /* nothing written */
    TDM_CHECK(S.dev.app.stats.writes + S.dev.net.stats.writes == writes);
    TDM_CHECK(S.run.rep.captured == 0 && S.run.rep.net_pages_sent == 0);
    TDM_CHECK(story_runs(&S, "v1") && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void the_bootloader_refuses_a_network_image_linked_for_ncs_0x01004000(void)
{
    bootloader_refuses(0, NCS_NET_ADDR);
}

static void the_bootloader_refuses_an_application_linked_for_another_address(void)
{
    bootloader_refuses(MCUBOOT_APP_ADDR, 0);
}

/* Run the fetch agent of the device (application core, between two boots) against a memory server. */
static int fetch(const struct tdm_kit_set *set, struct tdm_fetch_result *res)
{
    static struct tdm_fetch agent;
    struct tdm_mem_file file = {.url = URL, .data = set->pkg, .len = set->pkg_len, .etag = "\"v2\""};
    struct tdm_mem_transport mt = {.files = &file, .nfiles = 1};
    TDM_CHECK_OK(tdm_sim_store_mount(&S.dev, &S.run.app_nand, &S.run.nand_ops, &S.run.app_store, S.run.page_buf));
    struct tdm_fetch_config fc = {
        .transport = tdm_mem_transport(&mt),
        .clock = tdm_sim_device_clock(&S.dev),
        .crypto = tdm_sim_crypto(),
        .counter = tdm_sim_device_counter(&S.dev),
        .keys = S.cfg.keys,
        .nkeys = S.cfg.nkeys,
        .hw_id = S.cfg.hw_id,
        .app_max = S.dev.layout.app_slot.size,
        .net_max = S.dev.layout.net_slot.size,
        .app_addr = S.dev.layout.app_slot.addr,
        .net_addr = S.dev.layout.net_slot.addr,
        .bootloader_version = {.major = TDM_BOOT_VERSION_MAJOR, .minor = TDM_BOOT_VERSION_MINOR},
    };
    return tdm_fetch_run(&agent, &fc, &S.run.app_store, URL, res);
}

static void the_fetch_agent_refuses_a_network_image_linked_for_ncs_0x01004000(void)
{
    story_open(&S);
    story_reboot(&S);
    struct tdm_kit_set v2;
    make_v2(&v2, 0, NCS_NET_ADDR);
    struct tdm_fetch_result res;
    TDM_CHECK_ERR(fetch(&v2, &res), TDM_E_PKG_LOAD_ADDR);
    /* refused as soon as the manifest verified: the components were never downloaded nor stored */
    TDM_CHECK(res.received > 0 && res.received < v2.pkg_len - v2.app_len - v2.net_len + 2048);
    struct tdm_bootstate st;
    story_state(&S, &st);
    TDM_CHECK(st.phase == TDM_BS_IDLE && st.cand_slot == TDM_STORE_NONE);
    struct tdm_store_slot_info si;
    for (unsigned k = 0; k < TDM_STORE_SLOTS; k++) {
        TDM_CHECK_OK(tdm_store_slot_info(&S.run.app_store, k, &si));
        TDM_CHECK(si.state == TDM_STORE_EMPTY);
    }
    story_reboot(&S);
    TDM_CHECK(story_runs(&S, "v1") && S.run.rep.outcome == TDM_BOOT_RUN_INSTALLED);
    tdm_kit_free(&v2);
    story_close(&S);
}

static void a_package_aimed_at_the_layout_is_fetched_and_installed(void)
{
    story_open(&S);
    story_reboot(&S);
    struct tdm_kit_set v2;
    make_v2(&v2, 0, 0);
    struct tdm_fetch_result res;
    TDM_CHECK_OK(fetch(&v2, &res));
    TDM_CHECK(res.received == v2.pkg_len);
    story_reboot(&S);
    TDM_CHECK(S.run.rep.outcome == TDM_BOOT_RUN_TRIAL && S.run.app == TDM_SIM_APP_CONFIRMED);
    TDM_CHECK(story_runs(&S, "v2") && S.dev.mixed_starts == 0);
    tdm_kit_free(&v2);
    story_close(&S);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"the bootloader refuses a network image linked for NCS's 0x01004000",
         the_bootloader_refuses_a_network_image_linked_for_ncs_0x01004000},
        {"the bootloader refuses an application linked for another address",
         the_bootloader_refuses_an_application_linked_for_another_address},
        {"the fetch agent refuses a network image linked for NCS's 0x01004000",
         the_fetch_agent_refuses_a_network_image_linked_for_ncs_0x01004000},
        {"a package aimed at the layout is fetched and installed", a_package_aimed_at_the_layout_is_fetched_and_installed},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
