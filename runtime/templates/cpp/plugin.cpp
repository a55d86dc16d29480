// {{name}}: multiplies the float64 column `value` by `factor` (default 2)
// into a new column `scaled`; a null stays null.
// Build: wasmprep plugin build .   (or wasmprep-c-bindgen build -o {{name}}.wasm plugin.cpp)
//
// C++ through the C kit's header: clang++ for wasm32-wasi without libc++
// (C headers only; no exceptions, no RTTI, no <string> or <vector>).

#include "wasmprep.h"

namespace {

const char *const KEYS[] = {"factor"};
double factor = 2.0;

}  // namespace

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config, wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  // A key the plugin does not know is refused ("unknown key").
  if (!wasmprep_config_check_keys(config, KEYS, 1, err)) {
    wasmprep_config_free(config);
    return false;
  }
  char *text = wasmprep_config_dup(config, "factor", "2");
  char *end = nullptr;
  factor = strtod(text, &end);
  const bool bad = *text == '\0' || *end != '\0';
  if (bad) wasmprep_invalid_configf(err, "factor must be a number, not `%s`", text);
  free(text);
  wasmprep_config_free(config);  // the config is ours to free
  if (bad) return false;

  wasmprep_contract_init(ret, "{{name}}", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, "value", WASMPREP_FLOAT64, true);
  wasmprep_contract_output(ret, 0, "scaled", WASMPREP_FLOAT64, true);
  return true;
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *) {
  const wasmprep_column_t &value = in->ptr[0];
  const double *values = wasmprep_f64(&value);  // a view into the input: no copy
  const uint32_t n = wasmprep_len(&value);

  wasmprep_column_t *out = wasmprep_output_init(ret, 1);
  double *scaled = wasmprep_column_f64(out, n);
  for (uint32_t row = 0; row < n; row++) {
    if (wasmprep_is_valid(&value, row)) {
      scaled[row] = values[row] * factor;
    } else {
      scaled[row] = 0;
      wasmprep_column_set_null(out, row);
    }
  }
  wasmprep_column_finish(out);  // counts the nulls
  wasmprep_columns_free(in);    // the inputs are ours to free
  return true;
}
