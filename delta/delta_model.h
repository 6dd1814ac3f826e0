/* The adaptive models of the delta patch format (docs/DELTA.md "Models"), shared by the device decoder
 * (delta/decode.c) and the host encoder (pkg/host/delta_encode.c) so that both choose the same context
 * for every bit. Owns: context selection and model initialisation. Never: coding itself, state. */
#ifndef TANDEM_DELTA_MODEL_H
#define TANDEM_DELTA_MODEL_H

#include <stdint.h>

#include "tandem/delta.h"

enum tdm_delta_kind { TDM_DELTA_K_ADD = 0, TDM_DELTA_K_EXTRA = 1, TDM_DELTA_K_SEEK = 2, TDM_DELTA_K_ZRUN = 3 };

/* Every probability starts at one half. */
static inline void tdm_delta_models_init(struct tdm_delta_models *m)
{
    uint16_t *p = (uint16_t *)(void *)m;
    for (uint32_t i = 0; i < sizeof *m / sizeof(uint16_t); i++) {
        p[i] = (uint16_t)(TDM_DELTA_PROB_ONE / 2u);
    }
}

/* Context of "this non-zero diff byte repeats the last non-zero one": out_pos mod 4, and whether the
 * zero run before it was empty. */
static inline uint32_t tdm_delta_rep_ctx(uint8_t adjacent, uint32_t out_pos)
{
    return (out_pos & 3u) | ((uint32_t)(adjacent & 1u) << 2);
}

/* Bit tree of a non-zero, non-repeated diff byte. */
static inline uint32_t tdm_delta_diff_ctx(uint32_t out_pos)
{
    return out_pos & 3u;
}

/* Bit tree of a literal: output position parity and the top 2 bits of the previous output byte. */
static inline uint32_t tdm_delta_lit_ctx(uint8_t prev, uint32_t out_pos)
{
    return (out_pos & 1u) | ((uint32_t)(prev >> 6) << 1);
}

/* Class of a number's bit length for its modelled low bits. */
static inline uint32_t tdm_delta_low_ctx(uint32_t nbits)
{
    return nbits < TDM_DELTA_NUM_LOW_CTX ? nbits : TDM_DELTA_NUM_LOW_CTX - 1u;
}

#endif
