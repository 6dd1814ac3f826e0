/* The device layout, as a specification: the default is valid, every rule is checked and named, the
 * text form round-trips and every syntax problem is reported with its line. */
#include <string.h>

#include "harness.h"
#include "tandem/layout.h"

static struct tdm_layout_hw hw;
static struct tdm_layout l;
static struct tdm_layout_diag d;

static void fresh(void)
{
    tdm_layout_hw_nrf5340(&hw, 1024, 64 * 2048);
    tdm_layout_default(&l, &hw);
}

/* Check fails with `problem` naming `key`. */
static void expect(enum tdm_layout_problem problem, const char *key)
{
    memset(&d, 0, sizeof d);
    TDM_CHECK_ERR(tdm_layout_check(&l, &hw, &d), TDM_E_BOOT_LAYOUT);
    TDM_CHECK(d.problem == problem);
    TDM_CHECK(d.key && !strcmp(d.key, key));
    TDM_CHECK(strlen(tdm_layout_problem_str(problem)) > 0);
    fresh();
}

static void default_layout_is_valid(void)
{
    fresh();
    TDM_CHECK_OK(tdm_layout_check(&l, &hw, &d));
    TDM_CHECK(d.problem == TDM_LAYOUT_OK);
    TDM_CHECK(l.bootloader.addr == 0 && l.bootloader.size == 0x10000);
    TDM_CHECK(l.app_slot.addr == 0x10000 && l.app_slot.size == 0xE8000);
    TDM_CHECK(l.netboot.addr == 0x01000000 && l.net_slot.addr == 0x01008000 && l.net_slot.size == 0x38000);
    TDM_CHECK(l.store_first_block == 960 && l.store_blocks == 64); /* the last 64 blocks, as the store defaults */
    TDM_CHECK(l.shared.addr == 0x20070000 && l.shared.size == 0x10000);
    /* Also on the 64-block test chip. */
    tdm_layout_hw_nrf5340(&hw, 64, 64 * 2048);
    tdm_layout_default(&l, &hw);
    TDM_CHECK_OK(tdm_layout_check(&l, &hw, NULL));
    TDM_CHECK(l.store_first_block == 0 && l.store_blocks == 64);
}

static void every_rule_names_its_problem(void)
{
    fresh();
    l.app_slot.size = 0;
    expect(TDM_LAYOUT_EMPTY, "app_slot");
    l.app_slot.addr += 0x800; /* 2 KB: fine for net flash, not for the app core's 4 KB pages */
    expect(TDM_LAYOUT_UNALIGNED, "app_slot");
    l.net_slot.size -= 0x400;
    expect(TDM_LAYOUT_UNALIGNED, "net_slot");
    l.app_slot.size += 0x1000 * 9; /* runs past 1 MB */
    expect(TDM_LAYOUT_OUTSIDE, "app_slot");
    l.net_slot.addr = 0x00080000; /* a net region in app flash */
    expect(TDM_LAYOUT_OUTSIDE, "net_slot");
    l.bootloader.addr = 0x1000;
    l.app_slot.addr = 0x11000;
    l.app_slot.size = 0xE0000;
    expect(TDM_LAYOUT_NOT_AT_RESET, "bootloader");
    l.netboot.addr = 0x01000800;
    expect(TDM_LAYOUT_NOT_AT_RESET, "netboot");
    l.app_slot.addr = 0xF000;
    expect(TDM_LAYOUT_OVERLAP, "app_slot");
    l.net_slot.addr = 0x01007800;
    memset(&d, 0, sizeof d);
    TDM_CHECK_ERR(tdm_layout_check(&l, &hw, &d), TDM_E_BOOT_LAYOUT);
    TDM_CHECK(d.problem == TDM_LAYOUT_OVERLAP && !strcmp(d.key, "net_slot") && !strcmp(d.other, "netboot"));
    fresh();
    l.store_first_block = 1000;
    l.store_blocks = 25;
    expect(TDM_LAYOUT_STORE_RANGE, "store");
    l.store_blocks = 0;
    expect(TDM_LAYOUT_STORE_RANGE, "store");
    l.store_blocks = 17; /* 17 x 128 KB < 2 x (928 + 224) KB */
    expect(TDM_LAYOUT_STORE_SMALL, "store");
    l.shared.addr = 0x2007E000; /* last 8 KB, but 64 KB long: past the end of RAM */
    expect(TDM_LAYOUT_OUTSIDE, "shared");
    l.shared.addr = 0x20071000; /* 4 KB aligned, not on an 8 KB SPU region */
    expect(TDM_LAYOUT_UNALIGNED, "shared");
}

static void text_form_round_trips(void)
{
    fresh();
    l.store_first_block = 8;
    l.store_blocks = 512;
    char buf[512];
    int n = tdm_layout_format(&l, buf, sizeof buf);
    TDM_CHECK(n > 0 && (size_t)n == strlen(buf));
    struct tdm_layout back;
    memset(&back, 0xA5, sizeof back);
    TDM_CHECK_OK(tdm_layout_parse(buf, (uint32_t)n, &back, &d));
    TDM_CHECK(memcmp(&back, &l, sizeof l) == 0);
    TDM_CHECK_ERR(tdm_layout_format(&l, buf, 40), TDM_E_BUFFER);
}

static void parse(const char *text)
{
    memset(&d, 0, sizeof d);
    d.line = 99;
    int err = tdm_layout_parse(text, (uint32_t)strlen(text), &l, &d);
    TDM_CHECK(err == 0 || err == TDM_E_BOOT_LAYOUT);
}

#define BODY                                                                                               \
    "bootloader = 0 0x10000\napp_slot = 0x10000 0xE8000\nnetboot = 0x01000000 0x8000\n"                   \
    "net_slot = 0x01008000 0x38000\nstore = 0 1024\nshared = 0x20070000 0x10000\n"

static void comments_blank_lines_and_spacing_are_accepted(void)
{
    fresh();
    parse("# my board\n\n  format = 1   # v1\r\n" BODY "\n\t# end");
    TDM_CHECK(d.problem == TDM_LAYOUT_OK);
    TDM_CHECK(l.app_slot.size == 0xE8000 && l.store_blocks == 1024 && l.shared.addr == 0x20070000);
    TDM_CHECK_OK(tdm_layout_check(&l, &hw, NULL));
}

static void each_syntax_problem_is_named_with_its_line(void)
{
    fresh();
    parse(BODY "slot 3\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_SYNTAX && d.line == 7);
    parse(BODY "nand_slot = 1 2\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_UNKNOWN_KEY && d.line == 7);
    parse("format = 1\n" BODY "store = 1 2\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_DUPLICATE_KEY && d.line == 8 && !strcmp(d.key, "store"));
    parse("bootloader = 0 0x10000\napp_slot = 0x10000 0xE8000\nnetboot = 0x01000000 0x8000\n"
          "net_slot = 0x01008000 0x38000\nshared = 0x20070000 0x10000\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_MISSING_KEY && !strcmp(d.key, "store") && d.line == 0);
    parse("bootloader = 0 0x10000z\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_NUMBER && d.line == 1 && !strcmp(d.key, "bootloader"));
    parse("store = 0\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_NUMBER);
    parse("store = 0 1 2\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_NUMBER);
    parse("store = 0 0x100000000\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_NUMBER);
    parse("store = 0 0x\n");
    TDM_CHECK(d.problem == TDM_LAYOUT_NUMBER);
    parse("format = 2\n" BODY);
    TDM_CHECK(d.problem == TDM_LAYOUT_FORMAT_VERSION && d.line == 1);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"default layout is valid", default_layout_is_valid},
        {"every rule names its problem", every_rule_names_its_problem},
        {"text form round-trips", text_form_round_trips},
        {"comments, blank lines and spacing are accepted", comments_blank_lines_and_spacing_are_accepted},
        {"each syntax problem is named with its line", each_syntax_problem_is_named_with_its_line},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
