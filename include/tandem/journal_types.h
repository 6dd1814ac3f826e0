/* The registry of journal record types: every record type any layer writes into the store's state
 * journal, with its number, in one table (tests/base checks that no two collide and that each sits in
 * the range its writer may use).
 *
 * Owns: the numbers. Never: a type defined anywhere else (a layer names its type through this table).
 * Rule: the caller layers (boot state, fetch agent, and later ones) take numbers 1 .. TDM_STORE_TYPE_USER_MAX
 * (0xFEFF, tandem/store.h); 0xFF00 and above belong to the store itself. Never reuse a number: a device in
 * the field may still hold a record of a retired type.
 */
#ifndef TANDEM_JOURNAL_TYPES_H
#define TANDEM_JOURNAL_TYPES_H

/* X(name, number, owner, what) */
#define TDM_JOURNAL_TYPE_TABLE(X)                                                                           \
    X(TDM_JT_BOOTSTATE, 0x0100u, "bootstate", "the boot state: phase, step, slots, rejected sets")         \
    X(TDM_JT_FETCH, 0x0200u, "fetch", "the fetch agent's progress: URL, validator, durable length")        \
    X(TDM_JT_STORE_SNAP, 0xFF00u, "store", "SNAPSHOT END: the records before it in its block are complete") \
    X(TDM_JT_STORE_SLOT_A, 0xFF01u, "store", "slot A's commit record (length, SHA-256, block map)")         \
    X(TDM_JT_STORE_SLOT_B, 0xFF02u, "store", "slot B's commit record")

enum tdm_journal_type {
#define TDM_JT_ENUM(name, num, owner, what) name = (num),
    TDM_JOURNAL_TYPE_TABLE(TDM_JT_ENUM)
#undef TDM_JT_ENUM
};

#endif
