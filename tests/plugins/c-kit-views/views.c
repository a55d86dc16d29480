// c-kit-views: a test plugin that goes through the C kit's header helpers
// not used elsewhere: utf8 views and builder, boolean values and builder,
// validity AND, and moving an input column to the output unchanged.
//
// Reads `name` (utf8), `flag` (boolean) and `id` (int32), all nullable;
// writes `id` back unchanged (moved, no copy), `name_len` (int32, bytes),
// `shout` (utf8, `name` in ASCII upper case) and `not_flag` (boolean).

#include "wasmprep.h"

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config, wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  if (!wasmprep_config_check_keys(config, NULL, 0, err)) {
    wasmprep_config_free(config);
    return false;
  }
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "c-kit-views", "0.1.0", 3, 4, false);
  wasmprep_contract_input(ret, 0, "name", WASMPREP_UTF8, true);
  wasmprep_contract_input(ret, 1, "flag", WASMPREP_BOOLEAN, true);
  wasmprep_contract_input(ret, 2, "id", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 0, "id", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 1, "name_len", WASMPREP_INT32, true);
  wasmprep_contract_output(ret, 2, "shout", WASMPREP_UTF8, true);
  wasmprep_contract_output(ret, 3, "not_flag", WASMPREP_BOOLEAN, true);
  return true;
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  (void)err;
  wasmprep_column_t *name = &in->ptr[0], *flag = &in->ptr[1], *id = &in->ptr[2];
  uint32_t n = wasmprep_len(name);
  wasmprep_column_t *out = wasmprep_output_init(ret, 4);

  wasmprep_column_move(&out[0], id);

  int32_t *len = wasmprep_column_i32(&out[1], n);
  wasmprep_utf8_builder_t shout;
  wasmprep_utf8_builder_init(&shout, &out[2], n, 0);
  for (uint32_t r = 0; r < n; r++) {
    if (!wasmprep_is_valid(name, r)) {
      len[r] = 0;
      wasmprep_column_set_null(&out[1], r);
      wasmprep_utf8_builder_append_null(&shout);
      continue;
    }
    wasmprep_bytes_t s = wasmprep_utf8(name, r);
    len[r] = (int32_t)s.len;
    char upper[64];
    size_t k = s.len < sizeof upper ? s.len : sizeof upper;
    for (size_t i = 0; i < k; i++) {
      uint8_t c = s.ptr[i];
      upper[i] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    wasmprep_utf8_builder_append(&shout, upper, k);
  }
  wasmprep_column_finish(&out[1]);
  wasmprep_utf8_builder_finish(&shout);

  uint8_t *not_flag = wasmprep_column_bool(&out[3], n);
  for (uint32_t r = 0; r < n; r++) wasmprep_bit_set(not_flag, r, !wasmprep_bool(flag, r));
  wasmprep_column_and_validity(&out[3], flag);
  wasmprep_column_finish(&out[3]);

  wasmprep_columns_free(in);
  return true;
}
