/* The target runner's own test: a failed check and a fault must reach the host as a failing exit status
 * (tests/target/CMakeLists.txt runs each case expecting its status). Never: part of the normal suite's
 * pass count; each case here is meant to fail in one named way. */
#include <stdint.h>

#include "harness.h"

static void a_passing_check_passes(void)
{
    volatile uint32_t x = (uint32_t)tdm_test_seed() * 2u;
    TDM_CHECK((x & 1u) == 0);
}

static void a_failed_check_fails_the_run(void)
{
    volatile uint32_t x = (uint32_t)tdm_test_seed();
    TDM_CHECK(x == x + 1u);
}

static void a_fault_ends_the_run(void)
{
    /* An access outside every memory region: a BusFault escalated to HardFault. */
    volatile uint32_t *nowhere = (volatile uint32_t *)(uintptr_t)0xF0000000u;
    *nowhere = 1;
    TDM_CHECK(0);
}

int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {
        {"a passing check passes", a_passing_check_passes},
        {"a failed check fails the run", a_failed_check_fails_the_run},
        {"a fault ends the run", a_fault_ends_the_run},
    };
    return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
}
