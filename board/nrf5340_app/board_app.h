/* The application core's board ports (board/nrf5340_app/): the NAND port (a stub a board fills in) and
 * the UICR OTP word port under the security counter. Owns: their declarations. Never: state. */
#ifndef TANDEM_BOARD_APP_H
#define TANDEM_BOARD_APP_H

#include "board.h"
#include "tandem/nand_port.h"
#include "tandem/otp_port.h"

struct tdm_nand_ops tdm_board_nand_ops(void);
/* UICR.OTP words through the application core's NVMC (counter_otp.c); ops.ctx = nvmc. */
struct tdm_otp_ops tdm_board_otp_ops(struct tdm_board_nvmc *nvmc);

#endif
