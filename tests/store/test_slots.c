#include "harness.h"
static void nothing_yet(void) { TDM_CHECK(0); }
int main(int argc, char **argv)
{
    static const struct tdm_scenario s[] = {{"placeholder", nothing_yet}};
    return tdm_test_main(argc, argv, s, 1);
}
