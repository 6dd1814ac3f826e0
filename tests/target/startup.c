/* Start-up of a test image on QEMU's mps2-an505 (Cortex-M33): vector table, reset, semihosting.
 * Owns: getting from reset to main(argc, argv) and from main's return (or a fault) to QEMU's exit status.
 * Never: part of a device image (the board port has its own start-up); never returns to the caller.
 *
 * Semihosting (Arm "Semihosting for AArch32 and AArch64", v2): BKPT 0xAB with the operation in r0 and
 * a parameter block in r1. Used: SYS_WRITE0 (0x04) for fault messages, SYS_GET_CMDLINE (0x15) for
 * argv (QEMU passes the -kernel path and -append words), SYS_EXIT_EXTENDED (0x20) so the exit status
 * reaches the host. printf goes through newlib's librdimon (also semihosting). */
#include <stdint.h>
#include <stdio.h>

extern uint32_t __stack_top[], __stack_limit[], __data_load[], __data_start[], __data_end[], __bss_start[],
    __bss_end[];
void initialise_monitor_handles(void);
int main(int argc, char **argv);
void tdm_target_reset(void);

enum { SYS_WRITE0 = 0x04, SYS_GET_CMDLINE = 0x15, SYS_EXIT_EXTENDED = 0x20 };
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define TARGET_FAULT_STATUS 3 /* exit status of a test image that faulted */

static uintptr_t semihost(uintptr_t op, const void *arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static void __attribute__((noreturn)) target_exit(int status)
{
    uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)status};
    for (;;) {
        semihost(SYS_EXIT_EXTENDED, block);
    }
}

static void __attribute__((noreturn)) target_fault(void)
{
    semihost(SYS_WRITE0, "target: fault exception (HardFault/MemManage/BusFault/UsageFault/SecureFault)\n");
    target_exit(TARGET_FAULT_STATUS);
}

/* argv from the semihosting command line: words separated by spaces; 'single quotes' group words so a
 * replay line (--case 'torn commit record') works through -append. */
static int target_args(char **argv, int max)
{
    static char line[512];
    uintptr_t block[2] = {(uintptr_t)line, sizeof line - 1};
    int argc = 0;
    if (semihost(SYS_GET_CMDLINE, block) != 0) {
        argv[argc++] = "target";
        argv[argc] = 0;
        return argc;
    }
    line[block[1] < sizeof line ? block[1] : sizeof line - 1] = 0;
    char *p = line;
    while (*p && argc < max - 1) {
        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        char quote = *p == '\'' ? *p++ : ' ';
        argv[argc++] = p;
        while (*p && *p != quote) {
            p++;
        }
        if (*p) {
            *p++ = 0;
        }
    }
    argv[argc] = 0;
    return argc;
}

void tdm_target_reset(void)
{
    /* Stack limit (v8-M): an overflow faults instead of running into the heap. */
    __asm__ volatile("msr msplim, %0" : : "r"(__stack_limit));
    const uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
    initialise_monitor_handles();
    static char *argv[16];
    int argc = target_args(argv, 16);
    int status = main(argc, argv);
    fflush(stdout);
    target_exit(status);
}

typedef void (*tdm_vector)(void);
/* Armv8-M exception vectors 0..15: initial SP, Reset, NMI, HardFault, MemManage, BusFault, UsageFault,
 * SecureFault, reserved x3, SVCall, DebugMonitor, reserved, PendSV, SysTick. No interrupts are enabled. */
__attribute__((section(".vectors"), used)) static const uintptr_t tdm_vectors[16] = {
    (uintptr_t)__stack_top,         (uintptr_t)tdm_target_reset, (uintptr_t)target_fault,
    (uintptr_t)target_fault,        (uintptr_t)target_fault,     (uintptr_t)target_fault,
    (uintptr_t)target_fault,        (uintptr_t)target_fault,     0,
    0,                              0,                           (uintptr_t)target_fault,
    (uintptr_t)target_fault,        0,                           (uintptr_t)target_fault,
    (uintptr_t)target_fault,
};
