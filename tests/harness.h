/* The test harness: named scenarios, seeded data, and a one-line replay command on failure.
 * Owns: running scenarios and reporting. Never: hides a failure (a failed check ends its scenario
 * and makes the program exit 1).
 *
 * A test program lists its scenarios and calls tdm_test_main():
 *     static void torn_program(void) { ... TDM_CHECK(x == 3); TDM_CHECK_OK(err); ... }
 *     int main(int argc, char **argv) {
 *         static const struct tdm_scenario s[] = {{"torn program", torn_program}};
 *         return tdm_test_main(argc, argv, s, sizeof s / sizeof s[0]);
 *     }
 * Options: --case NAME (run one scenario), --seed S (or env TDM_SEED; default 1), --list.
 */
#ifndef TANDEM_TESTS_HARNESS_H
#define TANDEM_TESTS_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tdm_scenario {
    const char *name;
    void (*run)(void);
};

/* Seed of the current run: derive every pseudo-random choice from it. */
uint64_t tdm_test_seed(void);
/* Extra words for the replay line of the current scenario (e.g. "--cut 17 --torn"); copied. */
void tdm_test_replay_extra(const char *fmt, ...);
/* Record a failed check and end the scenario (does not return). */
void tdm_test_fail(const char *file, int line, const char *what, const char *detail);
int tdm_test_main(int argc, char **argv, const struct tdm_scenario *s, unsigned n);
/* Run one scenario outside tdm_test_main (the power-cut runner's cases of power-cut-safe scenarios):
 * 0, or -1 with the failed check in why. A power cut unwinds past it (sim/cutrun.h). */
int tdm_test_try(void (*run)(void), char *why, size_t len);
/* Option value given after --NAME on the command line, or NULL (for test-specific replay options). */
const char *tdm_test_option(const char *name);

#define TDM_CHECK(cond)                                                                             \
    do {                                                                                            \
        if (!(cond)) {                                                                              \
            tdm_test_fail(__FILE__, __LINE__, #cond, 0);                                            \
        }                                                                                           \
    } while (0)

/* TDM_CHECK with a printf-style detail for the failure line (which value, which entry). */
#define TDM_CHECK_MSG(cond, ...)                                                                    \
    do {                                                                                            \
        if (!(cond)) {                                                                              \
            char tdm_m_[200];                                                                       \
            snprintf(tdm_m_, sizeof tdm_m_, __VA_ARGS__);                                           \
            tdm_test_fail(__FILE__, __LINE__, #cond, tdm_m_);                                       \
        }                                                                                           \
    } while (0)

/* Check that an int result is not a negative error; prints the error name on failure. */
#define TDM_CHECK_OK(expr)                                                                          \
    do {                                                                                            \
        int tdm_r_ = (expr);                                                                        \
        if (tdm_r_ < 0) {                                                                           \
            tdm_test_fail(__FILE__, __LINE__, #expr, tdm_errname(tdm_r_));                          \
        }                                                                                           \
    } while (0)

/* Check that expr returns exactly the error `want`. */
#define TDM_CHECK_ERR(expr, want)                                                                   \
    do {                                                                                            \
        int tdm_r_ = (expr);                                                                        \
        if (tdm_r_ != (want)) {                                                                     \
            tdm_test_fail(__FILE__, __LINE__, #expr " == " #want, tdm_errname(tdm_r_));             \
        }                                                                                           \
    } while (0)

#include "tandem/err.h"

#endif
