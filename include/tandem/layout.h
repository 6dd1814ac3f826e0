/* The device layout: where the bootloader, the application slot, the net-boot stage, the network slot,
 * the NAND store and the shared-RAM window live, its validation, the nRF5340 default and the text form.
 *
 * Owns: the partition table and its rules. Never: touches flash (it only describes it), allocates, or
 * knows what is inside a partition.
 *
 * Rules checked by tdm_layout_check (each failure names its problem and the partition key):
 *  - every region is non-empty, page-aligned in address and size, and inside its flash;
 *  - the bootloader starts at the app core's reset address (app flash base), the net-boot stage at the
 *    net core's (net flash base);
 *  - regions of one flash do not overlap;
 *  - the NAND store range lies on the chip and can hold two packages (2 x (app slot + net slot));
 *  - the shared window lies in app-core RAM, aligned (address and size) to the SPU RAM region (8 KB).
 *
 * Text form (docs/DEVICE.md), one `key = value` per line, `#` starts a comment, numbers decimal or 0x-hex:
 *     format     = 1
 *     bootloader = 0x00000000 0x10000      # address size (app flash)
 *     app_slot   = 0x00010000 0xE8000
 *     netboot    = 0x01000000 0x8000       # (net flash)
 *     net_slot   = 0x01008000 0x38000
 *     store      = 960 64                  # first NAND block, block count
 *     shared     = 0x20070000 0x10000      # address size (app-core RAM)
 * Every key but `format` is required, each at most once; unknown keys are refused.
 *
 * RAM: struct tdm_layout is 48 bytes; parsing and formatting use the caller's buffers only.
 */
#ifndef TANDEM_LAYOUT_H
#define TANDEM_LAYOUT_H

#include <stdint.h>

#define TDM_LAYOUT_FORMAT 1

struct tdm_layout_region {
    uint32_t addr; /* absolute address as the owning core sees it */
    uint32_t size; /* bytes */
};

struct tdm_layout {
    struct tdm_layout_region bootloader; /* app flash: the bootloader, at the reset address */
    struct tdm_layout_region app_slot;   /* app flash: the installed application image */
    struct tdm_layout_region netboot;    /* net flash: the immutable net-boot stage */
    struct tdm_layout_region net_slot;   /* net flash: the installed network image */
    uint32_t store_first_block;          /* NAND: first block of the image store */
    uint32_t store_blocks;               /* NAND: blocks of the image store */
    struct tdm_layout_region shared;     /* app-core RAM: the window both cores see */
};

/* The hardware a layout is checked against. */
struct tdm_layout_hw {
    uint32_t app_flash_base, app_flash_size, app_page; /* app core: 0x0, 1 MB, 4 KB */
    uint32_t net_flash_base, net_flash_size, net_page; /* net core: 0x01000000, 256 KB, 2 KB */
    uint32_t ram_base, ram_size;                       /* app-core RAM: 0x20000000, 512 KB */
    uint32_t window_align;                             /* SPU RAM region: 8 KB */
    uint32_t nand_blocks, nand_block_bytes;            /* the NAND chip */
};

enum tdm_layout_problem {
    TDM_LAYOUT_OK = 0,
    TDM_LAYOUT_EMPTY,          /* a region of size 0 */
    TDM_LAYOUT_UNALIGNED,      /* address or size not a multiple of the page (window: of 8 KB) */
    TDM_LAYOUT_OUTSIDE,        /* region does not fit in its flash (window: in app RAM) */
    TDM_LAYOUT_NOT_AT_RESET,   /* boot stage not at its core's reset address */
    TDM_LAYOUT_OVERLAP,        /* two regions of one flash overlap (diag.other names the second) */
    TDM_LAYOUT_STORE_RANGE,    /* store range empty or past the end of the NAND chip */
    TDM_LAYOUT_STORE_SMALL,    /* store cannot hold two packages */
    TDM_LAYOUT_SYNTAX,         /* text: line is not `key = value` */
    TDM_LAYOUT_NUMBER,         /* text: not a number, out of 32 bits, or wrong count of numbers */
    TDM_LAYOUT_UNKNOWN_KEY,    /* text: key not in the format */
    TDM_LAYOUT_DUPLICATE_KEY,  /* text: key given twice */
    TDM_LAYOUT_MISSING_KEY,    /* text: required key absent */
    TDM_LAYOUT_FORMAT_VERSION, /* text: `format` is not TDM_LAYOUT_FORMAT */
};

/* Where a layout went wrong: `key` and `other` are static strings (layout keys) or NULL; `line` is the
 * 1-based line of the text form, 0 for a semantic problem. */
struct tdm_layout_diag {
    enum tdm_layout_problem problem;
    const char *key;
    const char *other;
    uint32_t line;
};

/* One-line description of a problem ("overlaps", "is not page-aligned", ...). Never NULL. */
const char *tdm_layout_problem_str(enum tdm_layout_problem p);

/* nRF5340 app + net core with a NAND chip of `nand_blocks` blocks of `nand_block_bytes` bytes. */
void tdm_layout_hw_nrf5340(struct tdm_layout_hw *hw, uint32_t nand_blocks, uint32_t nand_block_bytes);

/* The default layout for `hw` (docs/DEVICE.md has the table): 64 KB bootloader, 928 KB app slot (the
 * last 32 KB of app flash are left to the application), 32 KB net-boot stage, 224 KB net slot,
 * last 64 blocks of the NAND chip as store (the store layer's default), the last 64 KB of app RAM as window. Valid for any hw from tdm_layout_hw_nrf5340. */
void tdm_layout_default(struct tdm_layout *l, const struct tdm_layout_hw *hw);

/* Check `l` against `hw`. Returns 0 or TDM_E_BOOT_LAYOUT with *diag (may be NULL) naming the first
 * problem found, in the order of the rules above. */
int tdm_layout_check(const struct tdm_layout *l, const struct tdm_layout_hw *hw, struct tdm_layout_diag *diag);

/* Parse the text form from `text` (`len` bytes, need not be NUL-terminated) into *l. Syntax only: call
 * tdm_layout_check afterwards. Returns 0 or TDM_E_BOOT_LAYOUT with *diag (may be NULL). */
int tdm_layout_parse(const char *text, uint32_t len, struct tdm_layout *l, struct tdm_layout_diag *diag);

/* Write the text form of `l` into buf (cap bytes, NUL-terminated). Returns the length without the NUL,
 * or TDM_E_BUFFER (at most 512 bytes are ever needed). */
int tdm_layout_format(const struct tdm_layout *l, char *buf, uint32_t cap);

#endif
