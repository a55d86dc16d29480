#include "conformance.hpp"

// Every boundary type, nullable: each column is handed back as it came.
namespace {

struct Column {
  const char *name;
  uint8_t type;
};

constexpr Column COLUMNS[] = {
    {"c_bool", WASMPREP_BOOLEAN},
    {"c_i8", WASMPREP_INT8},
    {"c_i16", WASMPREP_INT16},
    {"c_i32", WASMPREP_INT32},
    {"c_i64", WASMPREP_INT64},
    {"c_u8", WASMPREP_UINT8},
    {"c_u16", WASMPREP_UINT16},
    {"c_u32", WASMPREP_UINT32},
    {"c_u64", WASMPREP_UINT64},
    {"c_f32", WASMPREP_FLOAT32},
    {"c_f64", WASMPREP_FLOAT64},
    {"c_utf8", WASMPREP_UTF8},
    {"c_large_utf8", WASMPREP_LARGE_UTF8},
    {"c_binary", WASMPREP_BINARY},
    {"c_large_binary", WASMPREP_LARGE_BINARY},
    {"c_date32", WASMPREP_DATE32},
    {"c_ts_ms", WASMPREP_TIMESTAMP},
    {"c_ts_us_tz", WASMPREP_TIMESTAMP},
    {"c_duration_ns", WASMPREP_DURATION},
};
constexpr size_t COUNT = sizeof COLUMNS / sizeof COLUMNS[0];

// The spec of column `i` (timestamps and durations have parameters).
void spec(wasmprep_column_spec_t *s, size_t i) {
  const Column &column = COLUMNS[i];
  wasmprep_spec_set(s, column.name, column.type, true);
  if (strcmp(column.name, "c_ts_ms") == 0) {
    wasmprep_spec_timestamp(s, WASMPREP_MILLISECOND, nullptr);
  }
  if (strcmp(column.name, "c_ts_us_tz") == 0) {
    wasmprep_spec_timestamp(s, WASMPREP_MICROSECOND, "+01:00");
  }
  if (column.type == WASMPREP_DURATION) wasmprep_spec_duration(s, WASMPREP_NANOSECOND);
}

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "pass-through", "0.1.0", COUNT, COUNT, false);
  for (size_t i = 0; i < COUNT; i++) {
    spec(&ret->inputs.ptr[i], i);
    spec(&ret->outputs.ptr[i], i);
  }
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  wasmprep_column_t *out = wasmprep_output_init(ret, COUNT);
  for (size_t i = 0; i < COUNT; i++) wasmprep_column_move(&out[i], &in->ptr[i]);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(pass_through)
