/* The application core's board-port stubs (board/nrf5340_app/): the NAND and counter ports a board fills in.
 * Owns: their declarations. Never: state (the stubs have none). */
#ifndef TANDEM_BOARD_APP_H
#define TANDEM_BOARD_APP_H

#include "board.h"
#include "tandem/counter_port.h"
#include "tandem/nand_port.h"

struct tdm_nand_ops tdm_board_nand_ops(void);
struct tdm_counter_ops tdm_board_counter_ops(void);

#endif
