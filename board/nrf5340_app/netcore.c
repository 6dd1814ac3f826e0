/* Releasing the network core (application core side).
 *
 * Owns: the two register steps that let the net-boot stage run:
 *  - the shared window's SPU RAM regions opened to the network core: SPU RAMREGION[n].PERM (PS v1.3 SPU,
 *    0x700 + 4n, 8 KB regions) = READ | WRITE with SECATTR = 0 (non-secure: the network core's accesses
 *    are non-secure);
 *  - RESET.NETWORK.FORCEOFF (PS v1.3 RESET, 0x614 of the Secure block 0x50005000: 0 = release), with the
 *    workaround of nRF5340 errata anomaly 161 (the network core may not start when released from
 *    FORCEOFF once): on an affected part, set the errata's register 0x50005618 to 1, release, wait 5 us,
 *    hold, wait 1 us, release again, set 0x50005618 back to 0. The part is affected when FICR words
 *    0x00FF0130 = 7 (nRF5340) and 0x00FF0134 is not 2..4 (the revisions the errata lists as unaffected),
 *    the same test nrfx's nrf53_erratas.h makes.
 * Never: touches the network core's flash or runs before the window is opened (the stage reads it at
 * once). Only silicon confirms: that the core starts (the bootloader then sees the stage's HELLO).
 */
#include "board_app.h"
#include "mmio.h"

#define RESET_NETWORK_FORCEOFF 0x50005614u
#define RESET_ERRATA_161 0x50005618u
#define NET_RELEASE 0u
#define NET_HOLD 1u
#define SPU_RAMREGION_PERM (TDM_NRF_APP_SPU + 0x700u)
#define SPU_RAM_REGION 8192u
#define SPU_PERM_RW_NONSECURE 0x6u /* READ (bit 2) | WRITE (bit 1), SECATTR (bit 4) = 0 */
#define FICR_ERRATA_PART 0x00FF0130u
#define FICR_ERRATA_VARIANT 0x00FF0134u

static int needs_errata_161(void)
{
    uint32_t part = tdm_mmio_read(FICR_ERRATA_PART), variant = tdm_mmio_read(FICR_ERRATA_VARIANT);
    return part == 0x07u && !(variant >= 0x02u && variant <= 0x04u);
}

void tdm_board_net_release(uint32_t window_addr, uint32_t window_size)
{
    for (uint32_t a = window_addr; a - window_addr < window_size; a += SPU_RAM_REGION) {
        tdm_mmio_write(SPU_RAMREGION_PERM + 4u * ((a - TDM_NRF_APP_RAM) / SPU_RAM_REGION), SPU_PERM_RW_NONSECURE);
    }
    if (!needs_errata_161()) {
        tdm_mmio_write(RESET_NETWORK_FORCEOFF, NET_RELEASE);
        return;
    }
    tdm_mmio_write(RESET_ERRATA_161, 1);
    tdm_mmio_write(RESET_NETWORK_FORCEOFF, NET_RELEASE);
    tdm_mmio_delay_us(5);
    tdm_mmio_write(RESET_NETWORK_FORCEOFF, NET_HOLD);
    tdm_mmio_delay_us(1);
    tdm_mmio_write(RESET_NETWORK_FORCEOFF, NET_RELEASE);
    tdm_mmio_write(RESET_ERRATA_161, 0);
}
