/* The bootloader's own flash write protection (application core).
 *
 * Owns: SPU FLASHREGION[n].PERM (PS v1.3 SPU, 0x600 + 4n; the 1 MB flash in 64 regions of 16 KB):
 * EXECUTE (bit 0) | READ (bit 2) | SECATTR (bit 4) | LOCK (bit 8), WRITE (bit 1) cleared. With WRITE
 * cleared the NVMC's writes and erases of the region are blocked for every master; LOCK keeps the
 * permissions until the next reset, so the application cannot lift them (PS SPU "Flash access control").
 * Never: covers a byte outside the bootloader's partition (rounded up to whole regions: the layout keeps
 * the partition a multiple of 16 KB), or leaves a region writable that holds bootloader code.
 * Only silicon confirms: that an NVMC write into the region is ignored (SPU EVENTS_FLASHACCERR) after this.
 */
#include "board_app.h"
#include "mmio.h"

#define SPU_FLASHREGION_PERM (TDM_NRF_APP_SPU + 0x600u)
#define SPU_FLASH_REGION 16384u
#define SPU_PERM_RX_LOCKED 0x115u /* EXECUTE | READ | SECATTR | LOCK */

void tdm_board_protect_app_flash(uint32_t addr, uint32_t size)
{
    for (uint32_t r = addr / SPU_FLASH_REGION; r * SPU_FLASH_REGION < addr + size; r++) {
        tdm_mmio_write(SPU_FLASHREGION_PERM + 4u * r, SPU_PERM_RX_LOCKED);
    }
}
