#include "conformance.h"

/* Aborts: the host reports a trap with the abort's text. */
static bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  (void)err;
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "trap", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

static bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  (void)in, (void)ret, (void)err;
  wasmprep_abortf("conformance trap: %s", "boom");
}

CONFORMANCE_GUEST(trap)
