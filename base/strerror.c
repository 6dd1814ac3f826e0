/* Names and messages of the error table in include/tandem/err.h.
 * Owns: the lookup from a code to text. Never: allocates, formats, or prints. */
#include "tandem/err.h"

struct tdm_err_entry {
    int code;
    const char *name;
    const char *msg;
};

static const struct tdm_err_entry tdm_err_entries[] = {
#define TDM_ERR_ROW_(name, num, msg) {-(num), #name, msg},
    TDM_ERROR_TABLE(TDM_ERR_ROW_)
#undef TDM_ERR_ROW_
};

static const struct tdm_err_entry *tdm_err_find(int err)
{
    for (unsigned i = 0; i < sizeof tdm_err_entries / sizeof tdm_err_entries[0]; i++) {
        if (tdm_err_entries[i].code == err) {
            return &tdm_err_entries[i];
        }
    }
    return 0;
}

const char *tdm_strerror(int err)
{
    if (err >= 0) {
        return "success";
    }
    const struct tdm_err_entry *e = tdm_err_find(err);
    return e ? e->msg : "unknown error";
}

const char *tdm_errname(int err)
{
    if (err >= 0) {
        return "TDM_OK";
    }
    const struct tdm_err_entry *e = tdm_err_find(err);
    return e ? e->name : "TDM_E_UNKNOWN";
}
