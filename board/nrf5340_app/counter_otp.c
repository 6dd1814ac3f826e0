/* The OTP word port of the application core (include/tandem/otp_port.h): UICR.OTP[0..191] at
 * 0x00FF8100, written through the NVMC; the security counter over it is counter/otp_counter.c, the same
 * code the simulator runs (main.c wires it to the region TDM_OTP_COUNTER_FIRST/SLOTS_NRF5340).
 *
 * Owns: the UICR OTP addresses and the write sequence (PS v1.3: NVMC "Writing to UICR" -- CONFIG.WEN =
 * Wen, one aligned 32-bit word, wait for READY, CONFIG.WEN = Ren; KMU "OTP" -- full 32-bit accesses only,
 * each halfword written once, a 0xFFFF halfword is a mask, Secure writes only, a write that breaks the
 * rule is ignored with STATUS.BLOCKED). Never: a write the KMU would block (checked before, refused with
 * TDM_E_BOOT_FLASH_RULE), trusting a write without reading it back (a blocked write raises no fault).
 * Untested on silicon: the sequence follows the PS; the board bring-up checks that a counter advance reads
 * back (docs/TARGET.md).
 */
#include "board_app.h"
#include "tandem/err.h"

#define UICR_OTP 0x00FF8100u /* UICR base 0x00FF8000 (PS v1.3, memory map) + OTP offset 0x100 */

static int otp_read(void *ctx, uint32_t index, uint32_t *word)
{
    (void)ctx;
    if (index >= TDM_OTP_WORDS_NRF5340) {
        return TDM_E_RANGE;
    }
    *word = *tdm_board_reg(UICR_OTP + 4u * index);
    return 0;
}

static int otp_write(void *ctx, uint32_t index, uint32_t word)
{
    const struct tdm_board_nvmc *nvmc = ctx;
    if (index >= TDM_OTP_WORDS_NRF5340) {
        return TDM_E_RANGE;
    }
    uint32_t addr = UICR_OTP + 4u * index;
    if (!tdm_otp_write_allowed(*tdm_board_reg(addr), word)) {
        return TDM_E_BOOT_FLASH_RULE;
    }
    tdm_board_nvmc_write_word(nvmc, addr, word);
    return (*tdm_board_reg(addr) & ~word) == 0 ? 0 : TDM_E_IO; /* every 0 of the word landed */
}

struct tdm_otp_ops tdm_board_otp_ops(struct tdm_board_nvmc *nvmc)
{
    struct tdm_otp_ops ops = {.ctx = nvmc, .words = TDM_OTP_WORDS_NRF5340, .read = otp_read,
                              .write = otp_write};
    return ops;
}
