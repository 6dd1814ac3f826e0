/* Start-up of a tandem device image (cmake/tdm_sections.ld contract): the vector table, the reset handler,
 * a fault handler, a system reset and the jump to a started image.
 *
 * Owns: getting from reset to tdm_board_main() with .data and .bss in place and the stack limit set.
 * Never: configures peripherals (the image's main does), returns, or uses the heap (there is none).
 * Faults reset the chip: the bootloader's journal makes every step safe to redo, a halt would not be.
 */
#include <stdint.h>

#include "board.h"

extern uint32_t tdm_stack_top[], tdm_stack_limit[], tdm_data_load[], tdm_data_start[], tdm_data_end[], tdm_bss_start[],
    tdm_bss_end[];

#define SCB_AIRCR 0xE000ED0Cu
#define SCB_AIRCR_SYSRESET 0x05FA0004u /* VECTKEY | SYSRESETREQ (Armv8-M ARM, B3.2.6) */
#define SCB_VTOR 0xE000ED08u

void tdm_board_system_reset(void)
{
    __asm__ volatile("dsb" ::: "memory");
    *tdm_board_reg(SCB_AIRCR) = SCB_AIRCR_SYSRESET;
    __asm__ volatile("dsb" ::: "memory");
    for (;;) {
        tdm_board_wfi();
    }
}

void tdm_board_start_image(uint32_t vectors)
{
    uint32_t sp = *tdm_board_reg(vectors), entry = *tdm_board_reg(vectors + 4u);
    *tdm_board_reg(SCB_VTOR) = vectors;
    __asm__ volatile("dsb\n isb" ::: "memory");
    /* The started image sets its own MSPLIM; clear ours first so its new stack is not below the limit. */
    __asm__ volatile("msr msplim, %0\n msr msp, %1\n bx %2" : : "r"(0u), "r"(sp), "r"(entry) : "memory");
    __builtin_unreachable();
}

static void board_fault(void)
{
    tdm_board_system_reset();
}

void tdm_board_reset(void)
{
    __asm__ volatile("msr msplim, %0" : : "r"(tdm_stack_limit));
    /* word counts from the addresses: the linker symbols are distinct objects to C, never compared */
    uint32_t data_words = (uint32_t)((uintptr_t)tdm_data_end - (uintptr_t)tdm_data_start) / 4u;
    uint32_t bss_words = (uint32_t)((uintptr_t)tdm_bss_end - (uintptr_t)tdm_bss_start) / 4u;
    for (uint32_t i = 0; i < data_words; i++) {
        tdm_data_start[i] = tdm_data_load[i];
    }
    for (uint32_t i = 0; i < bss_words; i++) {
        tdm_bss_start[i] = 0;
    }
    tdm_board_main();
    tdm_board_system_reset();
}

/* Armv8-M vectors 0..15: initial SP, Reset, NMI, HardFault, MemManage, BusFault, UsageFault, SecureFault,
 * reserved x3, SVCall, DebugMonitor, reserved, PendSV, SysTick. No interrupt is enabled by tandem. */
__attribute__((section(".vectors"), used)) static const uintptr_t tdm_board_vectors[16] = {
    (uintptr_t)tdm_stack_top, (uintptr_t)tdm_board_reset, (uintptr_t)board_fault, (uintptr_t)board_fault,
    (uintptr_t)board_fault, (uintptr_t)board_fault,     (uintptr_t)board_fault, (uintptr_t)board_fault,
    0,                      0,                          0,                      (uintptr_t)board_fault,
    (uintptr_t)board_fault, 0,                          (uintptr_t)board_fault, (uintptr_t)board_fault,
};
