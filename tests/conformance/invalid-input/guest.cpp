#include "conformance.hpp"

// Refuses the first negative `n`, naming its row and column.
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "invalid-input", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  const wasmprep_column_t &n = in->ptr[0];
  const int32_t *values = wasmprep_i32(&n);
  for (uint32_t row = 0; row < wasmprep_len(&n); row++) {
    if (!wasmprep_is_valid(&n, row) || values[row] >= 0) continue;
    // The kit has no wasmprep_invalid_inputf: format, then hand it over.
    char *message = wasmprep_format("negative value %d", static_cast<int>(values[row]));
    wasmprep_invalid_input(err, message, row, "n");
    free(message);
    wasmprep_columns_free(in);
    return false;
  }
  wasmprep_column_move(wasmprep_output_init(ret, 1), &in->ptr[0]);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(invalid_input)
