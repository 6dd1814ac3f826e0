/* libFuzzer target: store recovery from arbitrary NAND contents. A store with a committed slot, an open
 * slot and journal records (store_fx.h) is damaged by the input, then mounted, read, resumed and
 * committed as a booting device would. Never a crash; never a committed slot that reads back without
 * error as bytes that do not match its digest (sfx_check_committed aborts).
 * Input: damage records (sfx_damage of store_fx.h). The store is restored from a snapshot per input
 * (sfx_fresh; ctest fuzz_store_snapshot checks that this is the store a rebuild gives). Owns: the target. */
#include "store_fx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sfx f;
    sfx_fresh(&f);
    sfx_damage(&f, data, size);
    sfx_exercise(&f);
    return 0;
}
