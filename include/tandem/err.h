/* tandem error codes: the one table of every failure the project can name.
 *
 * Owns: the numeric value, the symbolic name and the one-line message of each error.
 * Never: holds positive values (0 or a positive size means success) or layer-private codes.
 *
 * Rule: every function that can fail returns `int`: 0 (or a positive size/count) on success,
 * one of the negative TDM_E_* codes below on failure. Ranges group the layers:
 *   1..19 generic, 20..39 nand/sim, 40..59 store, 60..89 pkg, 90..109 fetch, 110..129 boot, 130..149 host,
 *   150..169 delta (patch decoder and delta packages).
 * Add a code by adding one X() line in the right range; never reuse a number.
 */
#ifndef TANDEM_ERR_H
#define TANDEM_ERR_H

#define TDM_ERROR_TABLE(X)                                                                        \
    /* generic */                                                                                 \
    X(TDM_E_INVAL, 1, "invalid argument")                                                         \
    X(TDM_E_RANGE, 2, "address or length out of range")                                          \
    X(TDM_E_IO, 3, "input/output error")                                                          \
    X(TDM_E_POWER, 4, "power lost (simulated power cut)")                                         \
    X(TDM_E_BUFFER, 5, "buffer too small")                                                        \
    X(TDM_E_STATE, 6, "operation not allowed in the current state")                               \
    X(TDM_E_NOT_FOUND, 7, "not found")                                                            \
    X(TDM_E_CORRUPT, 8, "data fails its CRC or digest")                                           \
    X(TDM_E_UNSUPPORTED, 9, "not supported")                                                      \
    X(TDM_E_CONFIG, 10, "invalid configuration")                                                  \
    X(TDM_E_CRYPTO, 11, "crypto backend failure")                                                 \
    /* nand and the simulated chip */                                                             \
    X(TDM_E_NAND_ECC, 20, "uncorrectable ECC error")                                              \
    X(TDM_E_NAND_PROGRAM, 21, "NAND program failed (status fail)")                                \
    X(TDM_E_NAND_ERASE, 22, "NAND erase failed (status fail)")                                    \
    X(TDM_E_NAND_NOT_ERASED, 23, "NAND rule: programming bits that are not erased")               \
    X(TDM_E_NAND_NOP, 24, "NAND rule: too many partial programs of one page")                     \
    X(TDM_E_NAND_ORDER, 25, "NAND rule: pages of a block programmed out of order")                \
    X(TDM_E_NAND_BAD_BLOCK, 26, "block is marked bad")                                            \
    X(TDM_E_NAND_GEOMETRY, 27, "unsupported NAND geometry")                                       \
    X(TDM_E_SIM_FILE, 28, "simulator file is missing, truncated or not a tandem chip")            \
    X(TDM_E_SIM_PART, 29, "unknown NAND part name")                                               \
    X(TDM_E_NAND_ID, 30, "unknown NAND chip (JEDEC ID not in the part table)")                    \
    X(TDM_E_NAND_FEATURE, 31, "NAND chip did not take a feature setting (unlock, ECC enable)")    \
    /* store */                                                                                   \
    X(TDM_E_STORE_FORMATTED, 40, "store is already formatted (use force)")                        \
    X(TDM_E_STORE_UNFORMATTED, 41, "no valid store found")                                        \
    X(TDM_E_STORE_NO_RESERVE, 42, "out of reserve blocks")                                        \
    X(TDM_E_STORE_FULL, 43, "slot is full")                                                       \
    X(TDM_E_STORE_SLOT, 44, "slot is not in a state that allows this")                            \
    X(TDM_E_STORE_JOURNAL, 45, "journal has no valid record")                                     \
    X(TDM_E_STORE_UNREADABLE, 46, "slot data unreadable (uncorrectable ECC or bad CRC)")          \
    X(TDM_E_STORE_LENGTH, 47, "commit length differs from the bytes written")                     \
    /* pkg */                                                                                     \
    X(TDM_E_PKG_MAGIC, 60, "bad magic number")                                                    \
    X(TDM_E_PKG_VERSION, 61, "unsupported format version")                                        \
    X(TDM_E_PKG_TRUNCATED, 62, "package is truncated")                                            \
    X(TDM_E_PKG_TRAILING, 63, "trailing data after the package")                                  \
    X(TDM_E_PKG_CRITICAL, 64, "unknown critical field")                                           \
    X(TDM_E_PKG_UNSIGNED, 65, "package is not signed")                                            \
    X(TDM_E_PKG_SIG, 66, "signature does not verify")                                             \
    X(TDM_E_PKG_KEY, 67, "signed with an unknown key")                                            \
    X(TDM_E_PKG_DIGEST, 68, "component digest mismatch")                                          \
    X(TDM_E_PKG_DOWNGRADE, 69, "security counter or version is a downgrade")                      \
    X(TDM_E_PKG_HW_ID, 70, "package is for another hardware id")                                  \
    X(TDM_E_PKG_TOO_BIG, 71, "component or package larger than its slot")                         \
    X(TDM_E_PKG_DUPLICATE, 72, "duplicate component")                                             \
    X(TDM_E_PKG_MISSING, 73, "required component missing")                                        \
    X(TDM_E_PKG_IMAGE, 74, "component is not a valid MCUboot image")                              \
    X(TDM_E_PKG_DEPENDENCY, 75, "image dependency not satisfied")                                 \
    X(TDM_E_PKG_MALFORMED, 76, "malformed field")                                                 \
    X(TDM_E_PKG_BOOTLOADER, 77, "package needs a newer bootloader")                               \
    X(TDM_E_PKG_COMPONENT, 78, "component id this device cannot install")                         \
    X(TDM_E_PKG_LOAD_ADDR, 79, "component load address is not its slot's address in the layout")  \
    /* fetch */                                                                                   \
    X(TDM_E_FETCH_URL, 90, "bad URL")                                                             \
    X(TDM_E_FETCH_NET, 91, "network error")                                                       \
    X(TDM_E_FETCH_TIMEOUT, 92, "network timeout")                                                 \
    X(TDM_E_FETCH_TLS, 93, "TLS verification failed")                                             \
    X(TDM_E_FETCH_HTTP, 94, "unexpected HTTP status")                                             \
    X(TDM_E_FETCH_CHANGED, 95, "file on the server changed")                                      \
    X(TDM_E_FETCH_CANCELLED, 96, "download cancelled")                                            \
    X(TDM_E_FETCH_LENGTH, 97, "wrong content length")                                             \
    X(TDM_E_FETCH_RETRIES, 98, "gave up after retries")                                           \
    X(TDM_E_FETCH_TOO_BIG, 99, "download larger than allowed")                                    \
    /* boot */                                                                                    \
    X(TDM_E_BOOT_LAYOUT, 110, "invalid device layout")                                            \
    X(TDM_E_BOOT_FLASH_RULE, 111, "internal flash rule violated")                                 \
    X(TDM_E_BOOT_PROTO, 112, "transfer protocol error")                                           \
    X(TDM_E_BOOT_TIMEOUT, 113, "peer core did not answer")                                        \
    X(TDM_E_BOOT_VERIFY, 114, "installed image does not verify")                                  \
    X(TDM_E_BOOT_NO_IMAGE, 115, "no bootable image")                                              \
    X(TDM_E_BOOT_REJECTED, 116, "candidate was rejected before")                                  \
    X(TDM_E_BOOT_COUNTER, 117, "security counter can only go up")                                 \
    X(TDM_E_BOOT_COUNTER_FULL, 118, "security counter has no update slot left")                  \
    X(TDM_E_BOOT_MIXED_SET, 119, "application and network images are from different packages")  \
    X(TDM_E_BOOT_CAPTURE, 120, "a capture of the running set is never an install candidate")     \
    X(TDM_E_BOOT_COUNTER_RANGE, 126, "security counter value beyond what the OTP counter holds")   \
    /* host tools */                                                                              \
    X(TDM_E_HOST_FILE, 130, "cannot read or write file")                                          \
    X(TDM_E_HOST_USAGE, 131, "bad command line")                                                  \
    X(TDM_E_HOST_KEY, 132, "cannot load or write key")                                           \
    /* delta */                                                                                   \
    X(TDM_E_DELTA_MAGIC, 150, "not a delta patch (bad magic)")                                    \
    X(TDM_E_DELTA_VERSION, 151, "unsupported delta patch version")                                \
    X(TDM_E_DELTA_CORRUPT, 152, "delta patch is corrupt")                                         \
    X(TDM_E_DELTA_TRUNCATED, 153, "delta patch is truncated")                                     \
    X(TDM_E_DELTA_TRAILING, 154, "trailing data after the delta patch")                           \
    X(TDM_E_DELTA_BASE, 155, "delta is for another base than the one installed")                  \
    X(TDM_E_DELTA_OUTPUT, 156, "rebuilt output does not match the patch's checksum")             \
    X(TDM_E_DELTA_TOO_BIG, 157, "delta output larger than allowed")                              \
    X(TDM_E_DELTA_BASE_READ, 158, "a page of the installed package (the delta's base) is unreadable")

enum tdm_err {
#define TDM_ERR_ENUM_(name, num, msg) name = -(num),
    TDM_ERROR_TABLE(TDM_ERR_ENUM_)
#undef TDM_ERR_ENUM_
};

/* Error classes: the one place each is decided.
 * An access failure is a failure of the way to the medium (power lost, the bus, an address outside the
 * part), not a statement about the data: a reader stops and passes it up, never takes it to mean "this page
 * holds nothing valid". */
static inline int tdm_err_is_access(int err)
{
    return err == TDM_E_POWER || err == TDM_E_IO || err == TDM_E_RANGE;
}
/* One of the package layer's refusals (its range of the table, 60..89). */
static inline int tdm_err_is_pkg(int err)
{
    return err <= -60 && err >= -89;
}

/* One of the delta layer's refusals (its range of the table, 150..169). */
static inline int tdm_err_is_delta(int err)
{
    return err <= -150 && err >= -169;
}

/* Message for a code ("success" for >= 0, "unknown error" for a value not in the table). Never NULL. */
const char *tdm_strerror(int err);
/* Symbolic name, e.g. "TDM_E_NAND_ECC". Never NULL. */
const char *tdm_errname(int err);

#endif
