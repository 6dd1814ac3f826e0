/* Deliberately breaks the device-code rule, to prove the object check can fail (tests/base). */
#include <stdlib.h>

void *tdm_test_bad_alloc(void);
void *tdm_test_bad_alloc(void)
{
    return malloc(16);
}
