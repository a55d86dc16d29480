#include "conformance.h"

/* Replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay. */
static bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  (void)err;
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "replace-column", "0.1.0", 2, 2, false);
  wasmprep_contract_input(ret, 0, "x", WASMPREP_INT64, true);
  wasmprep_contract_input(ret, 1, "s", WASMPREP_UTF8, true);
  wasmprep_contract_output(ret, 0, "x", WASMPREP_INT64, true);
  wasmprep_contract_output(ret, 1, "s", WASMPREP_UTF8, true);
  return true;
}

static bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  (void)err;
  const wasmprep_column_t *x = &in->ptr[0], *s = &in->ptr[1];
  uint32_t n = wasmprep_len(x);
  wasmprep_column_t *out = wasmprep_output_init(ret, 2);
  const int64_t *xs = wasmprep_i64(x);
  int64_t *doubled = wasmprep_column_i64(&out[0], n);
  for (uint32_t i = 0; i < n; i++) doubled[i] = wasmprep_is_valid(x, i) ? xs[i] * 2 : 0;
  wasmprep_column_and_validity(&out[0], x);
  wasmprep_column_finish(&out[0]);

  wasmprep_utf8_builder_t b;
  wasmprep_utf8_builder_init(&b, &out[1], n, s->values.len + n);
  for (uint32_t i = 0; i < n; i++) {
    if (!wasmprep_is_valid(s, i)) {
      wasmprep_utf8_builder_append_null(&b);
      continue;
    }
    wasmprep_bytes_t text = wasmprep_utf8(s, i);
    char *shouted = wasmprep_format("%.*s!", (int)text.len, (const char *)text.ptr);
    wasmprep_utf8_builder_append_str(&b, shouted);
    free(shouted);
  }
  wasmprep_utf8_builder_finish(&b);
  wasmprep_columns_free(in);
  return true;
}

CONFORMANCE_GUEST(replace_column)
