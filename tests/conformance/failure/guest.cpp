#include "conformance.hpp"

// Fails every batch with a failure (not an input or configuration error).
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "failure", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *, wasmprep_error_t *err) {
  wasmprep_columns_free(in);
  return wasmprep_failure(err, "the failure case fails on purpose");
}

}  // namespace

CONFORMANCE_GUEST(failure)
