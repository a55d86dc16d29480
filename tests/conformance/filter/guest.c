#include "conformance.h"

/* Keeps the rows whose `n` is even (a null `n` is dropped). */
static bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  (void)err;
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "filter", "0.1.0", 1, 0, true);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

static bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  (void)err;
  const wasmprep_column_t *n = &in->ptr[0];
  uint32_t len = wasmprep_len(n);
  wasmprep_output_init(ret, 0);
  uint8_t *keep = wasmprep_selection_init(ret, len);
  for (uint32_t i = 0; i < len; i++)
    wasmprep_bit_set(keep, i, wasmprep_is_valid(n, i) && wasmprep_i32(n)[i] % 2 == 0);
  wasmprep_columns_free(in);
  return true;
}

CONFORMANCE_GUEST(filter)
