/* The register-level nRF5340 fake (nrf_fake.h): registers in a small map, SPIM4 + EasyDMA + GPIO CSN
 * modelled, every write logged. Host-only test code: one fake per process (the board drivers reach it
 * through the free functions of fake/mmio.h). */
#include "nrf_fake.h"

#include <string.h>

#include "mmio.h"

#define SPIM 0x5000A000u
#define P0 0x50842500u
#define CSN_BIT (1u << 11)
#define RESETREAS 0x50005400u
#define RAM_LO 0x20000000u
#define RAM_HI 0x20080000u
#define FLASH_BUS 0x00010000u

static struct nrf_fake *F;

static struct {
    uint32_t addr, value;
} regs[1024];
static unsigned nregs;

static struct {
    const uint8_t *p;
    uint32_t bus, len;
} maps[256];
static unsigned nmaps;
static uint32_t next_bus = RAM_LO;
static const uint8_t *flash_p;
static uint32_t flash_len;

uint32_t nrf_fake_reg(uint32_t addr)
{
    for (unsigned i = 0; i < nregs; i++) {
        if (regs[i].addr == addr) {
            return regs[i].value;
        }
    }
    return 0;
}

void nrf_fake_set_reg(uint32_t addr, uint32_t value)
{
    for (unsigned i = 0; i < nregs; i++) {
        if (regs[i].addr == addr) {
            regs[i].value = value;
            return;
        }
    }
    if (nregs < sizeof regs / sizeof regs[0]) {
        regs[nregs].addr = addr;
        regs[nregs++].value = value;
    }
}

static void violation(const char *what)
{
    F->violations++;
    F->last_violation = what;
}

static void log_write(uint32_t addr, uint32_t value)
{
    if (F->log_n < FAKE_LOG) {
        F->log[F->log_n].addr = addr;
        F->log[F->log_n++].value = value;
    }
}

void nrf_fake_init(struct nrf_fake *f, struct tdm_spi_ops chip)
{
    memset(f, 0, sizeof *f);
    f->chip = chip;
    F = f;
    nregs = 0;
    nmaps = 0;
    next_bus = RAM_LO;
    flash_p = 0;
    flash_len = 0;
    nrf_fake_set_reg(0x00FF0130u, 0x07); /* FICR: nRF5340, a revision errata 161 names */
    nrf_fake_set_reg(0x00FF0134u, 0x05);
    nrf_fake_set_reg(0x50005558u, 1);    /* CLOCK.HFCLKCTRL reset: Div2, 64 MHz */
    nrf_fake_set_reg(SPIM + 0x560u, 2);  /* IFTIMING.RXDELAY reset */
    for (uint32_t pin = 0; pin < 32; pin++) {
        nrf_fake_set_reg(P0 + 0x700u + 4u * pin, 2); /* PIN_CNF reset: input, buffer disconnected */
    }
}

void nrf_fake_in_flash(const void *p, uint32_t len)
{
    flash_p = p;
    flash_len = len;
}

int nrf_fake_find(const struct nrf_fake *f, uint32_t from, uint32_t addr, uint32_t value)
{
    for (uint32_t i = from; i < f->log_n; i++) {
        if (f->log[i].addr == addr && (value == ~0u || f->log[i].value == value)) {
            return (int)i;
        }
    }
    return -1;
}

uint32_t tdm_mmio_dma_addr(const void *p, uint32_t len)
{
    const uint8_t *b = p;
    uint32_t bus;
    if (flash_p && b >= flash_p && b + len <= flash_p + flash_len) {
        bus = FLASH_BUS + (uint32_t)(b - flash_p);
    } else {
        if (next_bus + len + 4 > RAM_HI || nmaps == sizeof maps / sizeof maps[0]) {
            next_bus = RAM_LO;
            nmaps = 0;
        }
        bus = next_bus;
        next_bus += (len + 7u) & ~3u;
    }
    if (nmaps == sizeof maps / sizeof maps[0]) {
        nmaps = 0;
    }
    maps[nmaps].p = b;
    maps[nmaps].bus = bus;
    maps[nmaps++].len = len;
    return bus;
}

/* The host memory behind bus address [bus, bus + n) if EasyDMA may use it (data RAM), else NULL. */
static uint8_t *dma_target(uint32_t bus, uint32_t n)
{
    if (bus < RAM_LO || bus + n > RAM_HI) {
        violation("EasyDMA pointer outside data RAM (a HardFault on silicon)");
        return 0;
    }
    for (unsigned i = nmaps; i-- > 0;) {
        if (bus >= maps[i].bus && bus + n <= maps[i].bus + maps[i].len) {
            return (uint8_t *)(uintptr_t)(maps[i].p + (bus - maps[i].bus));
        }
    }
    violation("EasyDMA pointer to memory nobody handed out");
    return 0;
}

static void start(void)
{
    uint32_t txn = nrf_fake_reg(SPIM + 0x548u), rxn = nrf_fake_reg(SPIM + 0x538u);
    F->starts++;
    if (nrf_fake_reg(SPIM + 0x500u) != 7) {
        violation("TASKS_START while SPIM is not enabled");
        return;
    }
    if (nrf_fake_reg(SPIM + 0x524u) == 0x14000000u &&
        (nrf_fake_reg(SPIM + 0x508u) != 8 || nrf_fake_reg(SPIM + 0x50Cu) != 9 || nrf_fake_reg(SPIM + 0x510u) != 10 ||
         ((nrf_fake_reg(P0 + 0x700u + 4u * 8) >> 8) & 0xFu) != 3 ||
         ((nrf_fake_reg(P0 + 0x700u + 4u * 9) >> 8) & 0xFu) != 3 || nrf_fake_reg(0x50005558u) != 0)) {
        violation("32 MHz without the dedicated pins, H0H1 drive and a 128 MHz core");
    }
    if (txn > 0xFFFFu || rxn > 0xFFFFu) {
        violation("MAXCNT wider than 16 bits");
        return;
    }
    if (txn && rxn) {
        violation("both directions in one transfer (the chip's bus is half duplex here)");
    }
    F->max_maxcnt = txn > F->max_maxcnt ? txn : F->max_maxcnt;
    F->max_maxcnt = rxn > F->max_maxcnt ? rxn : F->max_maxcnt;
    uint8_t *tx = txn ? dma_target(nrf_fake_reg(SPIM + 0x544u), txn) : 0;
    uint8_t *rx = rxn ? dma_target(nrf_fake_reg(SPIM + 0x534u), rxn) : 0;
    if ((txn && !tx) || (rxn && !rx) || F->hang) {
        return; /* no EVENTS_END */
    }
    if (!F->chip_selected) {
        violation("bytes clocked with CSN high");
    } else if (tx) {
        (void)F->chip.write(F->chip.ctx, tx, txn, 1);
    } else if (rx) {
        (void)F->chip.read(F->chip.ctx, rx, rxn, 1);
    }
    for (uint32_t i = 0; i < txn; i++) {
        F->mosi[F->mosi_n++ % sizeof F->mosi] = tx[i];
    }
    nrf_fake_set_reg(SPIM + 0x54Cu, txn);
    nrf_fake_set_reg(SPIM + 0x53Cu, rxn);
    nrf_fake_set_reg(SPIM + 0x118u, 1);
}

static void gpio_out(uint32_t out)
{
    uint32_t old = nrf_fake_reg(P0 + 0x504u);
    nrf_fake_set_reg(P0 + 0x504u, out);
    if (!(nrf_fake_reg(P0 + 0x700u + 4u * 11) & 1u)) {
        return; /* CSN not an output yet: the chip sees its pull-up */
    }
    if ((old & CSN_BIT) && !(out & CSN_BIT)) {
        F->chip_selected = 1;
        (void)F->chip.select(F->chip.ctx);
    } else if (!(old & CSN_BIT) && (out & CSN_BIT) && F->chip_selected) {
        F->chip_selected = 0;
        (void)F->chip.deselect(F->chip.ctx);
    }
}

uint32_t tdm_mmio_read(uint32_t addr)
{
    return nrf_fake_reg(addr);
}

void tdm_mmio_write(uint32_t addr, uint32_t value)
{
    log_write(addr, value);
    if (addr == SPIM + 0x010u && value) {
        start();
    } else if (addr == SPIM + 0x014u && value) {
        F->stops++;
        nrf_fake_set_reg(SPIM + 0x104u, 1);
    } else if (addr == P0 + 0x508u) {
        gpio_out(nrf_fake_reg(P0 + 0x504u) | value);
    } else if (addr == P0 + 0x50Cu) {
        gpio_out(nrf_fake_reg(P0 + 0x504u) & ~value);
    } else if (addr == RESETREAS) {
        nrf_fake_set_reg(addr, nrf_fake_reg(addr) & ~value); /* PS "RESET": a field is cleared by writing 1 */
    } else {
        nrf_fake_set_reg(addr, value);
    }
}

void tdm_mmio_delay_us(uint32_t us)
{
    log_write(FAKE_DELAY_MARK, us);
}
