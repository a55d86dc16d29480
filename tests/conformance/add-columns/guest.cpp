#include "conformance.hpp"

// Adds sum = a + b, label = "big" when sum > 10 else "small", and
// positive = sum > 0; all three null where a or b is.
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "add-columns", "0.1.0", 2, 3, false);
  wasmprep_contract_input(ret, 0, "a", WASMPREP_FLOAT64, true);
  wasmprep_contract_input(ret, 1, "b", WASMPREP_FLOAT64, true);
  wasmprep_contract_output(ret, 0, "sum", WASMPREP_FLOAT64, true);
  wasmprep_contract_output(ret, 1, "label", WASMPREP_UTF8, true);
  wasmprep_contract_output(ret, 2, "positive", WASMPREP_BOOLEAN, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  const wasmprep_column_t &a = in->ptr[0], &b = in->ptr[1];
  const double *as = wasmprep_f64(&a), *bs = wasmprep_f64(&b);
  const uint32_t n = wasmprep_len(&a);
  wasmprep_column_t *out = wasmprep_output_init(ret, 3);
  double *sum = wasmprep_column_f64(&out[0], n);
  uint8_t *positive = wasmprep_column_bool(&out[2], n);
  wasmprep_utf8_builder_t label;
  wasmprep_utf8_builder_init(&label, &out[1], n, 8 * size_t{n});
  for (uint32_t row = 0; row < n; row++) {
    if (!wasmprep_is_valid(&a, row) || !wasmprep_is_valid(&b, row)) {
      sum[row] = 0;
      wasmprep_column_set_null(&out[0], row);
      wasmprep_utf8_builder_append_null(&label);
      wasmprep_column_set_null(&out[2], row);
      continue;
    }
    sum[row] = as[row] + bs[row];
    wasmprep_utf8_builder_append_str(&label, sum[row] > 10 ? "big" : "small");
    wasmprep_bit_set(positive, row, sum[row] > 0);
  }
  wasmprep_column_finish(&out[0]);
  wasmprep_utf8_builder_finish(&label);
  wasmprep_column_finish(&out[2]);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(add_columns)
