// c-stdio: a test plugin of the C kit that uses libc stdio: snprintf (in
// its labels, its error text and, through the header's wasmprep_logf, its
// log lines) and printf. libc's formatting code refers to stderr, which
// pulls WASI preview 1 in; the kit's wasmprep_stdio.c answers those calls
// (stdout and stderr become log lines), so the plugin imports no WASI and
// runs with no grant. c-stdio-wasi is the same source with libc's WASI
// stdio and the preview 1 adapter.
//
// Reads one int64 column (config `column`, default "x") and adds a utf8
// column `label` = "<column>=<value> (<value / 3, two decimals>)", null
// where the input is null. A value above `max` (optional) is an invalid
// input, located by row and column, its message formatted by snprintf.

#include "wasmprep.h"

static const char *const KEYS[] = {"column", "max"};
static char *column;
static long long max_value;
static bool has_max;

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config, wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  if (!wasmprep_config_check_keys(config, KEYS, 2, err)) {
    wasmprep_config_free(config);
    return false;
  }
  free(column);
  column = wasmprep_config_dup(config, "column", "x");
  const wasmprep_string_t *max = wasmprep_config_get(config, "max");
  has_max = max != NULL;
  if (has_max) {
    char *text = wasmprep_str_dup(max), *end = NULL;
    max_value = strtoll(text, &end, 10);
    bool bad = *text == '\0' || *end != '\0';
    if (bad) wasmprep_invalid_configf(err, "max must be an integer, not `%s`", text);
    free(text);
    if (bad) {
      wasmprep_config_free(config);
      return false;
    }
  }
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "c-stdio", "0.1.0", 1, 1, false);
  wasmprep_contract_input(ret, 0, column, WASMPREP_INT64, true);
  wasmprep_contract_output(ret, 0, "label", WASMPREP_UTF8, true);
  wasmprep_logf(WASMPREP_INFO, "c-stdio configured: column %s, max %lld", column,
                has_max ? max_value : -1LL);
  printf("c-stdio: printf reaches the log\n");
  return true;
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  wasmprep_column_t *x = &in->ptr[0];
  uint32_t n = wasmprep_len(x);
  const int64_t *values = wasmprep_i64(x);
  for (uint32_t r = 0; r < n; r++) {
    if (has_max && wasmprep_is_valid(x, r) && values[r] > max_value) {
      char message[96];
      snprintf(message, sizeof message, "%lld is above max %lld", (long long)values[r], max_value);
      wasmprep_invalid_input(err, message, r, column);
      wasmprep_columns_free(in);
      return false;
    }
  }
  wasmprep_column_t *out = wasmprep_output_init(ret, 1);
  wasmprep_utf8_builder_t label;
  wasmprep_utf8_builder_init(&label, out, n, (size_t)n * 16);
  for (uint32_t r = 0; r < n; r++) {
    if (!wasmprep_is_valid(x, r)) {
      wasmprep_utf8_builder_append_null(&label);
      continue;
    }
    char text[64];
    int len = snprintf(text, sizeof text, "%s=%lld (%.2f)", column, (long long)values[r], values[r] / 3.0);
    wasmprep_utf8_builder_append(&label, text, (size_t)len);
  }
  wasmprep_utf8_builder_finish(&label);
  wasmprep_logf(WASMPREP_INFO, "c-stdio labelled %u rows", (unsigned)n);
  wasmprep_columns_free(in);
  return true;
}
