/* Instruction counting on QEMU's mps2-an505 under `-icount shift=0` (the virtual clock advances 1 ns per
 * executed instruction) with the Armv8-M SysTick on the processor clock: the register addresses, the
 * elapsed-ticks helper and the calibration loop the measuring images share (tests/target/p256_instr.c,
 * tests/boot/cpu_instr.c). Owns: how an image turns ticks into instructions. Never: used outside test images.
 */
#ifndef TANDEM_TESTS_TARGET_SYSTICK_COUNT_H
#define TANDEM_TESTS_TARGET_SYSTICK_COUNT_H

#include <stdint.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u) /* Armv8-M ARM D1.2: SysTick control and status */
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u) /* reload value */
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u) /* current value, counts down */
#define TICK_MASK 0x00ffffffu

/* Ticks since `from` (a value of SYST_CVR), within one 2^24-tick window. */
static inline uint32_t systick_elapsed(uint32_t from)
{
    return (from - SYST_CVR) & TICK_MASK;
}

/* Start SysTick and time a loop of known length (2 000 000 x SUBS + BNE): instructions per tick, or 0 when
 * SysTick does not count (not under -icount). */
static inline double systick_calibrate(void)
{
    SYST_CSR = 0;
    SYST_RVR = TICK_MASK;
    SYST_CVR = 0;
    SYST_CSR = 5; /* ENABLE, CLKSOURCE = processor clock, no interrupt */
    const uint32_t passes = 2000000;
    uint32_t n = passes;
    uint32_t t0 = SYST_CVR;
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
    uint32_t cal = systick_elapsed(t0);
    return cal == 0 ? 0.0 : 2.0 * passes / cal;
}

#endif
