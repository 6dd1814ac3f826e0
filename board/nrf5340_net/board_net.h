/* The network core's board pieces (board/nrf5340_net/): the net-boot stage's flash write protection.
 * Owns: its declaration and the ACL address (PS v1.3 network core memory map: ACL and NVMC share 0x41080000).
 * Never: state. */
#ifndef TANDEM_BOARD_NET_H
#define TANDEM_BOARD_NET_H

#include "board.h"

#define TDM_NRF_NET_ACL 0x41080000u

/* acl.c: ACL region 0 over [addr, addr + size) (whole 2 KB pages): read and execute, no write or erase. */
void tdm_board_protect_net_flash(uint32_t addr, uint32_t size);

#endif
