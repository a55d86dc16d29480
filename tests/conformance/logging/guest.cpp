#include "conformance.hpp"

// Logs one message at each level per batch; the batch passes unchanged.
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "logging", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  wasmprep_log(WASMPREP_TRACE, "trace message");
  wasmprep_log(WASMPREP_DEBUG, "debug message");
  wasmprep_log(WASMPREP_INFO, "info message");
  wasmprep_log(WASMPREP_WARN, "warn message");
  wasmprep_logf(WASMPREP_ERROR, "error message, %u rows", unsigned{wasmprep_len(&in->ptr[0])});
  wasmprep_column_move(wasmprep_output_init(ret, 1), &in->ptr[0]);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(logging)
