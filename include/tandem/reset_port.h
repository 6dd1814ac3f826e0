/* The reset-reason port: why the application core last reset, as the nRF5340 reports it in the RESETREAS
 * register of its RESET peripheral (nRF5340 Product Specification, chapter "RESET - Reset control",
 * register RESETREAS, address offset 0x400). The bits below are that register's fields.
 *
 * Semantics the port must keep (from that chapter): the register is cumulative until cleared; a field is
 * cleared by writing 1 to it (several at once by writing several 1s); a power-on or brown-out reset
 * resets the whole register, so NO bit set means the chip came from the power-on reset generator
 * (power-on or brown-out). A power cut therefore also erases the reason of any reset before it.
 *
 * Owns: the contract and the bit names. Never: policy (what a reason means for a trial is the
 * bootloader's decision, docs/BOOT.md), globals.
 * Cost: one register read, one register write. RAM: none.
 */
#ifndef TANDEM_RESET_PORT_H
#define TANDEM_RESET_PORT_H

#include <stdint.h>

#define TDM_RESET_PIN (1u << 0)        /* RESETPIN: the reset pin */
#define TDM_RESET_DOG0 (1u << 1)       /* DOG0: application watchdog timer 0 */
#define TDM_RESET_CTRLAP (1u << 2)     /* CTRLAP: application CTRL-AP (debugger) */
#define TDM_RESET_SREQ (1u << 3)       /* SREQ: application soft reset (SYSRESETREQ) */
#define TDM_RESET_LOCKUP (1u << 4)     /* LOCKUP: application CPU lock-up */
#define TDM_RESET_OFF (1u << 5)        /* OFF: wake from System OFF by GPIO DETECT */
#define TDM_RESET_LPCOMP (1u << 6)     /* LPCOMP: wake from System OFF by LPCOMP ANADETECT */
#define TDM_RESET_DIF (1u << 7)        /* DIF: wake from System OFF into debug interface mode */
#define TDM_RESET_LSREQ (1u << 8)      /* LSREQ: network-core soft reset */
#define TDM_RESET_LLOCKUP (1u << 9)    /* LLOCKUP: network-core CPU lock-up */
#define TDM_RESET_LDOG (1u << 10)      /* LDOG: network-core watchdog */
#define TDM_RESET_MFORCEOFF (1u << 23) /* MFORCEOFF: force-off reset from the application core */
#define TDM_RESET_NFC (1u << 24)       /* NFC: wake from System OFF by an NFC field */
#define TDM_RESET_DOG1 (1u << 25)      /* DOG1: application watchdog timer 1 */
#define TDM_RESET_VBUS (1u << 26)      /* VBUS: wake from System OFF by VBUS rising */
#define TDM_RESET_LCTRLAP (1u << 27)   /* LCTRLAP: network-core CTRL-AP */
#define TDM_RESET_ALL 0x0F8007FFu      /* every field of the register */

struct tdm_reset_ops {
    void *ctx;

    /* The register as it is (TDM_RESET_* bits; 0 = power-on or brown-out) into *reasons. Returns 0 or
     * TDM_E_IO. */
    int (*read)(void *ctx, uint32_t *reasons);

    /* Write 1s: clear exactly the fields set in `reasons`, leave the others. Returns 0 or TDM_E_IO. */
    int (*clear)(void *ctx, uint32_t reasons);
};

#endif
