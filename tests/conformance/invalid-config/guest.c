#include "conformance.h"

/* Refuses a `factor` that is not a number. */
static bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  char *factor = wasmprep_config_dup(config, "factor", "1"), *end;
  wasmprep_config_free(config);
  strtod(factor, &end);
  bool number = *factor != '\0' && *end == '\0';
  if (!number) wasmprep_invalid_configf(err, "factor must be a number, not `%s`", factor);
  free(factor);
  if (!number) return false;
  wasmprep_contract_init(ret, "invalid-config", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

static bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  (void)err;
  wasmprep_column_move(wasmprep_output_init(ret, 1), &in->ptr[0]);
  wasmprep_columns_free(in);
  return true;
}

CONFORMANCE_GUEST(invalid_config)
