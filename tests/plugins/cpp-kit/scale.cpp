// cpp-kit: a test plugin of the C kit written in C++ (clang++, no libc++:
// only C headers, no exceptions or RTTI), golden-tested like the others.
//
// Reads one float64 column (config `column`, default "x"), adds
// `<column>_scaled` = value * `factor` (default 2), and keeps only the rows
// where the value is not null (a filtering contract).

#include "wasmprep.h"

namespace {

const char *const KEYS[] = {"column", "factor"};

struct Settings {
  char *column = nullptr;
  char *output = nullptr;
  double factor = 2.0;
};

Settings settings;

// Applies `f` to each valid row of `in`, writing `out`; the rest become null.
template <typename T, typename F>
void map_valid(const wasmprep_column_t &in, T *out, F f) {
  const T *values = reinterpret_cast<const T *>(in.values.ptr);
  for (uint32_t r = 0; r < in.len; r++) out[r] = wasmprep_is_valid(&in, r) ? f(values[r]) : T();
}

}  // namespace

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config, wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  if (!wasmprep_config_check_keys(config, KEYS, 2, err)) {
    wasmprep_config_free(config);
    return false;
  }
  free(settings.column);
  free(settings.output);
  settings.column = wasmprep_config_dup(config, "column", "x");
  char *factor = wasmprep_config_dup(config, "factor", "2");
  char *end = nullptr;
  settings.factor = strtod(factor, &end);
  bool bad = *factor == '\0' || *end != '\0';
  if (bad) wasmprep_invalid_configf(err, "factor must be a number, not `%s`", factor);
  free(factor);
  wasmprep_config_free(config);
  if (bad) return false;
  settings.output = wasmprep_format("%s_scaled", settings.column);

  wasmprep_contract_init(ret, "cpp-kit", "0.1.0", 1, 1, true);
  wasmprep_contract_input(ret, 0, settings.column, WASMPREP_FLOAT64, true);
  wasmprep_contract_output(ret, 0, settings.output, WASMPREP_FLOAT64, false);
  return true;
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  (void)err;
  const wasmprep_column_t &x = in->ptr[0];
  const uint32_t n = wasmprep_len(&x);
  wasmprep_column_t *out = wasmprep_output_init(ret, 1);
  const double factor = settings.factor;
  map_valid(x, wasmprep_column_f64(out, n), [factor](double v) { return v * factor; });
  uint8_t *keep = wasmprep_selection_init(ret, n);
  for (uint32_t r = 0; r < n; r++) wasmprep_bit_set(keep, r, wasmprep_is_valid(&x, r));
  wasmprep_columns_free(in);
  return true;
}
