/* The transfer protocol between the application core and the net-boot stage, as a specification:
 * chunks through the shared window, digests, lost signals, damaged data, repeats, the slot fence and
 * power cuts. Runs on the simulated nRF5340 (sim/device.h) with the net-boot stage as the net core. */
#include "xfer_rig.h"

static void hello_tells_the_slot_and_the_page_size(void)
{
    rig_open(&R);
    TDM_CHECK(R.x.slot_addr == R.dev.layout.net_slot.addr && R.x.slot_size == R.dev.layout.net_slot.size);
    TDM_CHECK(R.x.page_size == 2048);
    TDM_CHECK(tdm_xfer_window_need(R.x.chunk) <= R.dev.layout.shared.size);
    rig_close(&R);
}

static void an_image_sent_in_chunks_lands_byte_exact(void)
{
    rig_open(&R);
    seeded_image(1);
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    const uint8_t *flash = tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, sizeof img);
    TDM_CHECK(flash && memcmp(flash, img, sizeof img) == 0);
    /* the short last chunk was padded to a whole page with 0xFF */
    const uint8_t *tail = tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr + sizeof img, 40960 - sizeof img);
    for (uint32_t i = 0; i < 40960 - sizeof img; i++) {
        TDM_CHECK(tail[i] == 0xFF);
    }
    TDM_CHECK(R.nb.pages_erased == 20 && R.nb.pages_written == 20);
    rig_close(&R);
}

static void pages_that_already_match_are_not_erased_again(void)
{
    rig_open(&R);
    seeded_image(2);
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    uint64_t erases = R.dev.net.stats.erases;
    img[30000] ^= 1; /* one page differs */
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    TDM_CHECK(R.dev.net.stats.erases == erases + 1);
    TDM_CHECK(R.nb.pages_skipped == 19);
    rig_close(&R);
}

static void read_and_hash_report_what_is_in_flash(void)
{
    rig_open(&R);
    seeded_image(3);
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    TDM_CHECK_OK(tdm_xfer_read(&R.x, 0, R.x.slot_addr + 4096, 4096));
    TDM_CHECK(memcmp(tdm_xfer_buffer(&R.x, 0), img + 4096, 4096) == 0);
    uint8_t want[32], got[32];
    struct tdm_sha256 h;
    TDM_CHECK_OK(R.crypto.sha256_start(0, &h));
    TDM_CHECK_OK(R.crypto.sha256_update(0, &h, img, 33333));
    TDM_CHECK_OK(R.crypto.sha256_finish(0, &h, want));
    TDM_CHECK_OK(tdm_xfer_hash(&R.x, R.x.slot_addr, 33333, got));
    TDM_CHECK(memcmp(want, got, 32) == 0);
    /* in two halves: nothing else may be sent meanwhile, and finish collects only a HASH */
    TDM_CHECK_ERR(tdm_xfer_hash_finish(&R.x, got), TDM_E_STATE);
    TDM_CHECK_OK(tdm_xfer_hash_start(&R.x, R.x.slot_addr, 33333));
    TDM_CHECK_ERR(tdm_xfer_hash_start(&R.x, R.x.slot_addr, 4096), TDM_E_STATE);
    memset(got, 0, sizeof got);
    TDM_CHECK_OK(tdm_xfer_hash_finish(&R.x, got));
    TDM_CHECK(memcmp(want, got, 32) == 0);
    TDM_CHECK_OK(tdm_xfer_write_start(&R.x, 0, R.x.slot_addr, 4096));
    TDM_CHECK_ERR(tdm_xfer_hash_finish(&R.x, got), TDM_E_STATE);
    TDM_CHECK_OK(tdm_xfer_finish(&R.x));
    rig_close(&R);
}

static void the_net_boot_stage_never_writes_outside_the_slot(void)
{
    rig_open(&R);
    /* the client refuses first... */
    TDM_CHECK_ERR(tdm_xfer_write_start(&R.x, 0, R.dev.layout.netboot.addr, 2048), TDM_E_RANGE);
    /* ...and a hand-made command aimed at the stage itself is refused by the server */
    uint8_t *w = R.fipc.inner.window;
    memset(w + TDM_XFER_BUF_OFF, 0, 2048);
    struct tdm_xfer_msg m = {.seq = 999, .cmd = TDM_XFER_WRITE, .buf = 0, .addr = R.dev.layout.netboot.addr,
                             .len = 2048, .value = tdm_crc32(0, w + TDM_XFER_BUF_OFF, 2048)};
    tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    struct tdm_xfer_msg r;
    TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == 999 && r.status == TDM_E_BOOT_PROTO);
    TDM_CHECK(R.dev.net.stats.erases == 0 && R.dev.net.stats.writes == 0);
    /* an unknown command is refused, a damaged block is ignored: neither is executed */
    m.seq = 1000;
    m.cmd = 77;
    tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == 1000 && r.status == TDM_E_BOOT_PROTO);
    m.seq = 1001;
    m.cmd = TDM_XFER_WRITE;
    m.addr = R.x.slot_addr;
    tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
    w[TDM_XFER_CMD_OFF + 17] ^= 0x01; /* address changed after the CRC was computed */
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == 1000); /* no new response was written */
    TDM_CHECK(R.dev.net.stats.erases == 0 && R.dev.net.stats.writes == 0);
    rig_close(&R);
}

static void a_lost_signal_is_retried_and_the_chunk_written_once(void)
{
    rig_open(&R);
    seeded_image(4);
    R.fipc.drop_raise = R.fipc.raises + 1;
    TDM_CHECK_OK(send_image(&R, img, 4096));
    TDM_CHECK(R.x.stats.timeouts == 1 && R.x.stats.retries == 1);
    TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, 4096), img, 4096) == 0);
    TDM_CHECK(R.nb.pages_erased == 2);
    rig_close(&R);
}

static void data_damaged_in_the_window_is_caught_and_sent_again(void)
{
    rig_open(&R);
    seeded_image(5);
    R.fipc.damage_raise = R.fipc.raises + 1;
    TDM_CHECK_OK(send_image(&R, img, 4096));
    TDM_CHECK(R.x.stats.retries == 1);
    TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, 4096), img, 4096) == 0);
    rig_close(&R);
}

static void a_repeated_command_is_answered_but_not_redone(void)
{
    rig_open(&R);
    seeded_image(6);
    TDM_CHECK_OK(send_image(&R, img, 2048));
    uint64_t writes = R.dev.net.stats.writes, erases = R.dev.net.stats.erases;
    /* the same block again (same sequence number), as after a lost response */
    TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
    TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
    TDM_CHECK(R.dev.net.stats.writes == writes && R.dev.net.stats.erases == erases);
    struct tdm_xfer_msg r;
    TDM_CHECK_OK(tdm_xfer_decode(R.fipc.inner.window + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
    TDM_CHECK(r.seq == R.x.seq && r.status == 0);
    rig_close(&R);
}

static void no_net_boot_stage_means_a_timeout_not_a_hang(void)
{
    rig_open(&R);
    tdm_sim_device_set_step(&R.dev, TDM_SIM_CORE_NET, NULL, NULL);
    uint64_t t0 = R.dev.dom.clock_ns;
    TDM_CHECK_ERR(tdm_xfer_open(&R.x, &R.app_ipc, TDM_XFER_CHUNK_DEFAULT), TDM_E_BOOT_TIMEOUT);
    TDM_CHECK(R.dev.dom.clock_ns > t0); /* simulated time passed: 4 attempts, each with its timeout */
    rig_close(&R);
}

static void a_cut_while_the_net_core_programs_is_repaired_by_sending_again(void)
{
    rig_open(&R);
    seeded_image(7);
    uint64_t ops0 = R.dev.dom.ops;
    TDM_CHECK_OK(send_image(&R, img, sizeof img));
    uint64_t total = R.dev.dom.ops - ops0;
    TDM_CHECK(total > 20);
    for (uint64_t n = 1; n <= total; n += 7) {
        tdm_test_replay_extra("(cut at op %llu, torn)", (unsigned long long)n);
        seeded_image(7 + (uint32_t)n);
        tdm_sim_device_cut_at(&R.dev, R.dev.dom.ops + n, TDM_SIM_CUT_TORN);
        TDM_CHECK_ERR(send_image(&R, img, sizeof img), TDM_E_POWER);
        TDM_CHECK(R.dev.dom.seen_cuts == 0); /* both cores stopped where they stood: no port said TDM_E_POWER */
        tdm_sim_device_power_cycle(&R.dev); /* both cores restart; the window is random */
        rig_boot_net(&R);
        TDM_CHECK_OK(tdm_xfer_open(&R.x, &R.app_ipc, TDM_XFER_CHUNK_DEFAULT));
        TDM_CHECK_OK(send_image(&R, img, sizeof img));
        TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, sizeof img), img, sizeof img) == 0);
    }
    rig_close(&R);
}

/* An answer damaged in the window (CRC) or left over from an earlier command (old sequence number) is
 * counted, the command asked again with its sequence number, and the chunk lands once. */
static void a_damaged_or_stale_answer_is_counted_and_asked_again(void)
{
    rig_open(&R);
    seeded_image(8);
    for (unsigned how = SPOIL_CRC; how <= SPOIL_STALE_SEQ; how++) {
        tdm_test_replay_extra("--spoil %u", how);
        R.fipc.spoil_how = how;
        R.fipc.spoil_wait = R.fipc.waits + 1;
        uint64_t bad = R.x.stats.bad_responses, retries = R.x.stats.retries, erases = R.dev.net.stats.erases;
        TDM_CHECK_OK(send_image(&R, img, 2048));
        TDM_CHECK(R.x.stats.bad_responses == bad + 1 && R.x.stats.retries == retries + 1);
        TDM_CHECK(memcmp(tdm_sim_flash_peek(&R.dev.net, R.x.slot_addr, 2048), img, 2048) == 0);
        TDM_CHECK(R.dev.net.stats.erases <= erases + 1); /* the repeat was answered, not redone */
    }
    rig_close(&R);
}

/* A net-boot stage that speaks another protocol version is named TDM_E_BOOT_PROTO; one whose page size or
 * window chunk does not fit the client's chunk is a configuration error, found at HELLO. */
static void a_net_boot_stage_of_another_protocol_or_geometry_is_named_at_hello(void)
{
    static const struct {
        unsigned how;
        int err;
    } cases[] = {{SPOIL_VERSION, TDM_E_BOOT_PROTO}, {SPOIL_PAGE0, TDM_E_CONFIG}, {SPOIL_SMALL_CHUNK, TDM_E_CONFIG}};
    rig_open(&R);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tdm_test_replay_extra("--spoil %u", cases[i].how);
        R.fipc.spoil_how = cases[i].how;
        R.fipc.spoil_wait = R.fipc.waits + 1;
        TDM_CHECK_ERR(tdm_xfer_open(&R.x, &R.app_ipc, TDM_XFER_CHUNK_DEFAULT), cases[i].err);
    }
    TDM_CHECK_OK(tdm_xfer_open(&R.x, &R.app_ipc, TDM_XFER_CHUNK_DEFAULT));
    rig_close(&R);
}

/* Commands that break a rule of the protocol (docs/PROTOCOL.md) reach the stage only from a faulty client,
 * since the block's CRC catches damage: each is answered TDM_E_BOOT_PROTO and nothing is erased or written. */
static void every_malformed_command_is_refused_and_nothing_written(void)
{
    rig_open(&R);
    uint32_t chunk = R.x.chunk, page = R.x.page_size, end = R.x.slot_size;
    const struct {
        const char *what;
        uint8_t cmd;
        uint32_t off, len; /* off: from the slot start */
    } cases[] = {
        {"write of 0 bytes", TDM_XFER_WRITE, 0, 0},
        {"write longer than a chunk", TDM_XFER_WRITE, 0, chunk + page},
        {"write not page-aligned", TDM_XFER_WRITE, 4, page},
        {"write of part of a page", TDM_XFER_WRITE, 0, page / 2},
        {"write past the slot end", TDM_XFER_WRITE, end - page, 2 * page},
        {"read of 0 bytes", TDM_XFER_READ, 0, 0},
        {"read longer than a chunk", TDM_XFER_READ, 0, chunk + 4},
        {"read past the slot end", TDM_XFER_READ, end - 4, 8},
        {"hash past the slot end", TDM_XFER_HASH, end - 4, 8},
    };
    uint8_t *w = R.fipc.inner.window;
    uint64_t s = tdm_test_seed();
    tdm_rng_fill(&s, w + TDM_XFER_BUF_OFF, chunk);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t len = cases[i].len < chunk ? cases[i].len : chunk;
        struct tdm_xfer_msg m = {.seq = 2000 + (uint32_t)i, .cmd = cases[i].cmd, .addr = R.x.slot_addr + cases[i].off,
                                 .len = cases[i].len, .value = tdm_crc32(0, w + TDM_XFER_BUF_OFF, len)};
        tdm_xfer_encode(w + TDM_XFER_CMD_OFF, TDM_XFER_CMD_MAGIC, &m);
        tdm_test_replay_extra("--what '%s'", cases[i].what);
        TDM_CHECK_OK(R.fipc.inner.raise(R.fipc.inner.ctx, TDM_XFER_CH_CMD));
        TDM_CHECK(tdm_netboot_poll(&R.nb) == 1);
        struct tdm_xfer_msg r;
        TDM_CHECK_OK(tdm_xfer_decode(w + TDM_XFER_RSP_OFF, TDM_XFER_RSP_MAGIC, &r));
        TDM_CHECK(r.seq == m.seq && r.status == TDM_E_BOOT_PROTO);
        TDM_CHECK(R.dev.net.stats.erases == 0 && R.dev.net.stats.writes == 0);
    }
    rig_close(&R);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"hello tells the slot and the page size", hello_tells_the_slot_and_the_page_size},
        {"an image sent in chunks lands byte-exact", an_image_sent_in_chunks_lands_byte_exact},
        {"pages that already match are not erased again", pages_that_already_match_are_not_erased_again},
        {"read and hash report what is in flash", read_and_hash_report_what_is_in_flash},
        {"the net-boot stage never writes outside the slot", the_net_boot_stage_never_writes_outside_the_slot},
        {"every malformed command is refused and nothing written", every_malformed_command_is_refused_and_nothing_written},
        {"a lost signal is retried and the chunk written once", a_lost_signal_is_retried_and_the_chunk_written_once},
        {"data damaged in the window is caught and sent again", data_damaged_in_the_window_is_caught_and_sent_again},
        {"a repeated command is answered but not redone", a_repeated_command_is_answered_but_not_redone},
        {"no net-boot stage means a timeout, not a hang", no_net_boot_stage_means_a_timeout_not_a_hang},
        {"a damaged or stale answer is counted and asked again", a_damaged_or_stale_answer_is_counted_and_asked_again},
        {"a net-boot stage of another protocol or geometry is named at HELLO",
         a_net_boot_stage_of_another_protocol_or_geometry_is_named_at_hello},
        {"a cut while the net core programs is repaired by sending again",
         a_cut_while_the_net_core_programs_is_repaired_by_sending_again},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
