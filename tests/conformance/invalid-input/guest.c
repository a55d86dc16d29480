#include "conformance.h"

/* Refuses the first negative `n`, naming its row and column. */
static bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  (void)err;
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "invalid-input", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

static bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  const wasmprep_column_t *n = &in->ptr[0];
  for (uint32_t i = 0; i < wasmprep_len(n); i++) {
    if (wasmprep_is_valid(n, i) && wasmprep_i32(n)[i] < 0) {
      wasmprep_invalid_inputf(err, i, "n", "negative value %d", (int)wasmprep_i32(n)[i]);
      wasmprep_columns_free(in);
      return false;
    }
  }
  wasmprep_column_move(wasmprep_output_init(ret, 1), &in->ptr[0]);
  wasmprep_columns_free(in);
  return true;
}

CONFORMANCE_GUEST(invalid_input)
