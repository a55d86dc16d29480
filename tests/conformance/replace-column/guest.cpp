#include "conformance.hpp"

// Replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay.
namespace {

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "replace-column", "0.1.0", 2, 2, false);
  wasmprep_contract_input(ret, 0, "x", WASMPREP_INT64, true);
  wasmprep_contract_input(ret, 1, "s", WASMPREP_UTF8, true);
  wasmprep_contract_output(ret, 0, "x", WASMPREP_INT64, true);
  wasmprep_contract_output(ret, 1, "s", WASMPREP_UTF8, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  const wasmprep_column_t &x = in->ptr[0], &s = in->ptr[1];
  const uint32_t n = wasmprep_len(&x);
  wasmprep_column_t *out = wasmprep_output_init(ret, 2);

  const int64_t *xs = wasmprep_i64(&x);
  int64_t *doubled = wasmprep_column_i64(&out[0], n);
  for (uint32_t row = 0; row < n; row++) {
    doubled[row] = wasmprep_is_valid(&x, row) ? xs[row] * 2 : 0;
  }
  wasmprep_column_and_validity(&out[0], &x);
  wasmprep_column_finish(&out[0]);

  wasmprep_utf8_builder_t shouted;
  wasmprep_utf8_builder_init(&shouted, &out[1], n, s.values.len + n);
  for (uint32_t row = 0; row < n; row++) {
    if (!wasmprep_is_valid(&s, row)) {
      wasmprep_utf8_builder_append_null(&shouted);
      continue;
    }
    // The builder appends whole rows: the text and its "!" as one value.
    const wasmprep_bytes_t text = wasmprep_utf8(&s, row);
    char *value = wasmprep_format("%.*s!", static_cast<int>(text.len),
                                  reinterpret_cast<const char *>(text.ptr));
    wasmprep_utf8_builder_append_str(&shouted, value);
    free(value);
  }
  wasmprep_utf8_builder_finish(&shouted);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(replace_column)
