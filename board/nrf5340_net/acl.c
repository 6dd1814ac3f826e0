/* The net-boot stage's own flash write protection (network core).
 *
 * Owns: one ACL region (PS v1.3 network core ACL, base 0x41080000: ACL[n].ADDR 0x800 + 0x10n, .SIZE
 * 0x804 + 0x10n, .PERM 0x808 + 0x10n; ADDR and SIZE in whole 2 KB pages; PERM.WRITE (bit 1) = 1 blocks
 * NVMC writes and erases of the region; a configured region stays until the next reset). Region 0 covers
 * the net-boot partition, set before the stage serves anything, so neither the stage nor the network
 * image it starts can rewrite it.
 * Never: blocks reads (the stage executes from the region), covers the network slot.
 * Only silicon confirms: that the NVMC ignores a write or erase into the region after this.
 */
#include "board_net.h"
#include "mmio.h"

#define ACL_ADDR(n) (TDM_NRF_NET_ACL + 0x800u + 0x10u * (n))
#define ACL_SIZE(n) (TDM_NRF_NET_ACL + 0x804u + 0x10u * (n))
#define ACL_PERM(n) (TDM_NRF_NET_ACL + 0x808u + 0x10u * (n))
#define ACL_PERM_NO_WRITE (1u << 1)

void tdm_board_protect_net_flash(uint32_t addr, uint32_t size)
{
    tdm_mmio_write(ACL_ADDR(0), addr);
    tdm_mmio_write(ACL_SIZE(0), size);
    tdm_mmio_write(ACL_PERM(0), ACL_PERM_NO_WRITE);
}
