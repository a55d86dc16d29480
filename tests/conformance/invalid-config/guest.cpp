#include "conformance.hpp"

// Refuses a `factor` that is not a number.
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  char *factor = wasmprep_config_dup(config, "factor", "1");
  wasmprep_config_free(config);
  char *end = nullptr;
  strtod(factor, &end);
  const bool number = *factor != '\0' && *end == '\0';
  if (!number) wasmprep_invalid_configf(err, "factor must be a number, not `%s`", factor);
  free(factor);
  if (!number) return false;
  wasmprep_contract_init(ret, "invalid-config", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "n", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "n", WASMPREP_INT32, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  wasmprep_column_move(wasmprep_output_init(ret, 1), &in->ptr[0]);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(invalid_config)
