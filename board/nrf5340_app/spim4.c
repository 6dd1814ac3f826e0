/* The SPI transfer port (include/tandem/spi_port.h) on the application core's SPIM4, the nRF5340's
 * high-speed SPI master: EasyDMA, 32 MHz, its dedicated pins; chip select is a GPIO so that one transaction
 * spans several DMA phases (opcode, then data) under one select.
 *
 * Owns: the SPIM4 and GPIO register sequences, each with its source:
 *  - PS v1.3 "SPIM -- Serial peripheral interface master with EasyDMA": registers TASKS_START 0x010,
 *    TASKS_STOP 0x014, EVENTS_STOPPED 0x104, EVENTS_END 0x118, ENABLE 0x500 (7 = SPIM), PSEL.SCK/MOSI/MISO
 *    0x508/0x50C/0x510, FREQUENCY 0x524 (M32 = 0x14000000), RXD.PTR/MAXCNT/AMOUNT 0x534/0x538/0x53C,
 *    TXD.PTR/MAXCNT/AMOUNT 0x544/0x548/0x54C, CONFIG 0x554 (0: mode 0, MSB first), IFTIMING.RXDELAY 0x560,
 *    ORC 0x5C0; END comes when both the TXD and RXD lists are done; MAXCNT is 16 bits on the nRF5340.
 *  - PS v1.3 "EasyDMA": the DMA can only reach data RAM (0x20000000-0x2007FFFF on the application core);
 *    a pointer elsewhere (flash) gives a HardFault or corrupt data. nrfx_spim.c refuses such a buffer
 *    (nrf_dma_accessible_check); this port copies a transmit buffer outside RAM through a RAM bounce
 *    buffer and refuses (TDM_E_INVAL) a receive buffer outside RAM.
 *  - 32 MHz only on the dedicated pins (PS v1.3 "Pin assignments", SPIM4 high-speed pins P0.08 SCK,
 *    P0.09 MOSI, P0.10 MISO, P0.11 CSN; nrfx_spim.c spim_configuration_verify refuses other pins at
 *    32 MHz), with high drive H0H1 on them (nrfx_spim.c configure_pins: H0H1 for 32 MHz), and with the
 *    application core at 128 MHz, CLOCK.HFCLKCTRL = Div1 (PS v1.3 CLOCK, HFCLKCTRL 0x558; Zephyr's
 *    nRF5340 SPIM driver, after the PS timing section, lowers SPIM4 to 16 MHz at 64 MHz): set at init.
 *  - SCK idles low in mode 0 and is driven as an output with its input buffer connected (PS GPIO and
 *    SPIM "Pin configuration": the SPIM reads SCK back); MISO is an input.
 *  - A transfer that never ends is stopped (TASKS_STOP, wait EVENTS_STOPPED: nrfx_spim.c spim_abort) and
 *    reported TDM_E_IO. A port that cannot stop its peripheral would leave DMA writing into a buffer the
 *    caller has reused.
 * Never: knows a NAND command, uses interrupts (the bootloader polls), sends on more than one data line
 * (max_lines = 1: SPIM is single-line), starts DMA on a pointer outside data RAM.
 * Only silicon confirms: the drive strength and RXDELAY margins at 32 MHz on the board's traces, and that
 * GPIO-driven CSN meets the part's tCS setup (it is driven before TASKS_START and released after END).
 */
#include <string.h>

#include "board_app.h"
#include "mmio.h"
#include "tandem/err.h"

#define SPIM_TASKS_START 0x010u
#define SPIM_TASKS_STOP 0x014u
#define SPIM_EVENTS_STOPPED 0x104u
#define SPIM_EVENTS_END 0x118u
#define SPIM_ENABLE 0x500u
#define SPIM_PSEL_SCK 0x508u
#define SPIM_PSEL_MOSI 0x50Cu
#define SPIM_PSEL_MISO 0x510u
#define SPIM_FREQUENCY 0x524u
#define SPIM_RXD_PTR 0x534u
#define SPIM_RXD_MAXCNT 0x538u
#define SPIM_RXD_AMOUNT 0x53Cu
#define SPIM_TXD_PTR 0x544u
#define SPIM_TXD_MAXCNT 0x548u
#define SPIM_TXD_AMOUNT 0x54Cu
#define SPIM_CONFIG 0x554u
#define SPIM_IFTIMING_RXDELAY 0x560u
#define SPIM_ORC 0x5C0u
#define SPIM_ENABLE_SPIM 7u
#define SPIM_FREQ_M32 0x14000000u
#define SPIM_RXDELAY_DEFAULT 2u /* PS reset value (64 MHz periods); the board bring-up tunes it */
#define SPIM_MAXCNT 0xFFFFu     /* 16-bit MAXCNT on the nRF5340 */

#define GPIO_OUTSET 0x508u
#define GPIO_OUTCLR 0x50Cu
#define GPIO_PIN_CNF 0x700u
#define PIN_DIR_OUT 1u
#define PIN_INPUT_DISCONNECT (1u << 1)
#define PIN_DRIVE_H0H1 (3u << 8)

#define CLOCK_HFCLKCTRL 0x558u /* CLOCK (Secure 0x50005000): HCLK 0 = Div1, 128 MHz */

/* Polls of EVENTS_END per byte before a transfer counts as hung: a byte takes 32 core cycles at 32 MHz
 * and 128 MHz, a poll at least 2; the margin covers a 64 MHz core and a slow bus. */
#define POLLS_PER_BYTE 64u
#define POLLS_FIXED 4096u

static uint32_t reg(const struct tdm_board_spim4 *s, uint32_t off)
{
    return tdm_mmio_read(s->regs + off);
}

static void set(const struct tdm_board_spim4 *s, uint32_t off, uint32_t v)
{
    tdm_mmio_write(s->regs + off, v);
}

static int in_ram(uint32_t addr, uint32_t len)
{
    return addr >= TDM_NRF_APP_RAM && addr - TDM_NRF_APP_RAM <= TDM_NRF_APP_RAM_SIZE - len;
}

/* One DMA phase: n bytes out of bus address tx (or in to rx); the other direction has MAXCNT 0. */
static int dma(struct tdm_board_spim4 *s, uint32_t tx, uint32_t rx, uint32_t n)
{
    set(s, SPIM_TXD_PTR, tx);
    set(s, SPIM_TXD_MAXCNT, tx ? n : 0);
    set(s, SPIM_RXD_PTR, rx);
    set(s, SPIM_RXD_MAXCNT, rx ? n : 0);
    set(s, SPIM_EVENTS_END, 0);
    set(s, SPIM_TASKS_START, 1);
    for (uint32_t polls = POLLS_FIXED + POLLS_PER_BYTE * n; reg(s, SPIM_EVENTS_END) == 0; polls--) {
        if (polls == 0) {
            set(s, SPIM_TASKS_STOP, 1);
            for (uint32_t k = POLLS_FIXED; reg(s, SPIM_EVENTS_STOPPED) == 0 && k > 0; k--) {
            }
            set(s, SPIM_EVENTS_STOPPED, 0);
            return TDM_E_IO;
        }
    }
    set(s, SPIM_EVENTS_END, 0);
    if (reg(s, tx ? SPIM_TXD_AMOUNT : SPIM_RXD_AMOUNT) != n) {
        return TDM_E_IO;
    }
    return 0;
}

static int phase_check(const struct tdm_board_spim4 *s, uint32_t lines)
{
    if (lines != 1) {
        return TDM_E_INVAL;
    }
    return s->selected ? 0 : TDM_E_STATE;
}

static int spim_write(void *ctx, const void *buf, uint32_t len, uint32_t lines)
{
    struct tdm_board_spim4 *s = ctx;
    int err = phase_check(s, lines);
    const uint8_t *p = buf;
    while (err == 0 && len > 0) {
        uint32_t n = len > SPIM_MAXCNT ? SPIM_MAXCNT : len;
        uint32_t addr = tdm_mmio_dma_addr(p, n);
        if (!in_ram(addr, n)) { /* EasyDMA reads RAM only: copy through the bounce buffer */
            n = n > sizeof s->bounce ? (uint32_t)sizeof s->bounce : n;
            memcpy(s->bounce, p, n);
            addr = tdm_mmio_dma_addr(s->bounce, n);
        }
        err = dma(s, addr, 0, n);
        p += n;
        len -= n;
    }
    return err;
}

static int spim_read(void *ctx, void *buf, uint32_t len, uint32_t lines)
{
    struct tdm_board_spim4 *s = ctx;
    int err = phase_check(s, lines);
    uint8_t *p = buf;
    while (err == 0 && len > 0) {
        uint32_t n = len > SPIM_MAXCNT ? SPIM_MAXCNT : len;
        uint32_t addr = tdm_mmio_dma_addr(p, n);
        err = in_ram(addr, n) ? dma(s, 0, addr, n) : TDM_E_INVAL;
        p += n;
        len -= n;
    }
    return err;
}

static int spim_select(void *ctx)
{
    struct tdm_board_spim4 *s = ctx;
    if (s->selected) {
        return TDM_E_STATE;
    }
    tdm_mmio_write(s->gpio + GPIO_OUTCLR, 1u << TDM_SPIM4_PIN_CSN);
    s->selected = 1;
    return 0;
}

static int spim_deselect(void *ctx)
{
    struct tdm_board_spim4 *s = ctx;
    if (!s->selected) {
        return TDM_E_STATE;
    }
    tdm_mmio_write(s->gpio + GPIO_OUTSET, 1u << TDM_SPIM4_PIN_CSN);
    s->selected = 0;
    return 0;
}

void tdm_board_spim4_init(struct tdm_board_spim4 *s, uint32_t regs, uint32_t gpio, uint32_t clock)
{
    s->regs = regs;
    s->gpio = gpio;
    s->selected = 0;
    tdm_mmio_write(clock + CLOCK_HFCLKCTRL, 0); /* 128 MHz core: SPIM4 at 32 MHz needs it */
    set(s, SPIM_ENABLE, 0);
    /* CSN high before it becomes an output; SCK low (mode 0), MOSI low; all H0H1 */
    tdm_mmio_write(gpio + GPIO_OUTSET, 1u << TDM_SPIM4_PIN_CSN);
    tdm_mmio_write(gpio + GPIO_OUTCLR, (1u << TDM_SPIM4_PIN_SCK) | (1u << TDM_SPIM4_PIN_MOSI));
    tdm_mmio_write(gpio + GPIO_PIN_CNF + 4u * TDM_SPIM4_PIN_SCK, PIN_DIR_OUT | PIN_DRIVE_H0H1);
    tdm_mmio_write(gpio + GPIO_PIN_CNF + 4u * TDM_SPIM4_PIN_MOSI,
                   PIN_DIR_OUT | PIN_INPUT_DISCONNECT | PIN_DRIVE_H0H1);
    tdm_mmio_write(gpio + GPIO_PIN_CNF + 4u * TDM_SPIM4_PIN_MISO, PIN_DRIVE_H0H1);
    tdm_mmio_write(gpio + GPIO_PIN_CNF + 4u * TDM_SPIM4_PIN_CSN,
                   PIN_DIR_OUT | PIN_INPUT_DISCONNECT | PIN_DRIVE_H0H1);
    set(s, SPIM_PSEL_SCK, TDM_SPIM4_PIN_SCK); /* port 0: PSEL = pin number, CONNECT bit 31 = 0 */
    set(s, SPIM_PSEL_MOSI, TDM_SPIM4_PIN_MOSI);
    set(s, SPIM_PSEL_MISO, TDM_SPIM4_PIN_MISO);
    set(s, SPIM_FREQUENCY, SPIM_FREQ_M32);
    set(s, SPIM_CONFIG, 0);
    set(s, SPIM_IFTIMING_RXDELAY, SPIM_RXDELAY_DEFAULT);
    set(s, SPIM_ORC, 0xFFu); /* clocked out during a read phase: don't-care, kept high */
    set(s, SPIM_ENABLE, SPIM_ENABLE_SPIM);
}

struct tdm_spi_ops tdm_board_spim4_ops(struct tdm_board_spim4 *s)
{
    struct tdm_spi_ops ops = {.ctx = s, .select = spim_select, .write = spim_write, .read = spim_read,
                              .deselect = spim_deselect, .hz = TDM_SPIM4_HZ, .max_lines = 1};
    return ops;
}
