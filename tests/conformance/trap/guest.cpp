#include "conformance.hpp"

// Aborts: the host reports a trap with the abort's text.
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "trap", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

bool process(wasmprep_columns_t *, wasmprep_batch_output_t *, wasmprep_error_t *) {
  wasmprep_abortf("conformance trap: %s", "boom");
}

}  // namespace

CONFORMANCE_GUEST(trap)
