#include "conformance.hpp"

// Keeps the rows whose `n` is even (a null `n` is dropped).
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "filter", "0.1.0", 1, 0, true);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  const wasmprep_column_t &n = in->ptr[0];
  const int32_t *values = wasmprep_i32(&n);
  const uint32_t len = wasmprep_len(&n);
  wasmprep_output_init(ret, 0);
  uint8_t *keep = wasmprep_selection_init(ret, len);
  for (uint32_t row = 0; row < len; row++)
    wasmprep_bit_set(keep, row, wasmprep_is_valid(&n, row) && values[row] % 2 == 0);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(filter)
