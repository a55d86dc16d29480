/* wasmprep.h: helpers for writing wasmprep plugins in C or C++.
 *
 * Header only (every function is `static inline`), C99 and C++ (no libc++
 * needed). Include it after nothing else: it includes the bindings
 * (`plugin.h`, written by `wasmprep-c-bindgen generate`) itself.
 *
 *   #include "wasmprep.h"
 *
 *   bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config,
 *                                                    wasmprep_contract_t *ret,
 *                                                    wasmprep_error_t *err);
 *   bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in,
 *                                                  wasmprep_batch_output_t *ret,
 *                                                  wasmprep_error_t *err);
 *
 * OWNERSHIP (the rules of the bindings wit-bindgen-c generates; every
 * helper here keeps them):
 *
 * 1. Arguments of the two exports (`config`, the input columns) are OWNED
 *    by the plugin: the host allocated them in the plugin's memory with
 *    `cabi_realloc` (= `realloc`). Free them once you are done, with
 *    `wasmprep_config_free` / `wasmprep_columns_free` (or the generated
 *    `*_free`), on every path, errors included; a batch not freed leaks
 *    its size on every call. Views into them (values, strings) die with
 *    them: copy what you keep (`wasmprep_str_dup`).
 * 2. What the exports return (`ret` on success, `err` on failure) is
 *    handed to the host, which copies it out and then calls the generated
 *    post-return function, which `free`s every list and string in it. So
 *    every buffer in `ret` / `err` must come from `malloc` (or calloc /
 *    realloc) and be referenced once: never a string literal, a static
 *    array, a stack buffer, or a buffer still owned by an input. The
 *    builders below allocate this way; to return an input buffer as is,
 *    MOVE it with `wasmprep_column_move` (it empties the input so that
 *    freeing the input does not free it too). `plugin_string_set` (which
 *    does not copy) must not be used for results; `plugin_string_dup` may.
 * 3. Only the part of the result the host reads is freed: `err` when the
 *    export returns false, `ret` when it returns true. Do not leave
 *    buffers in the other one (they would leak).
 * 4. Arguments of imports (the log message) are BORROWED by the host: the
 *    plugin keeps ownership, so a literal is fine and a malloc'd message
 *    is the plugin's to free afterwards (`wasmprep_log` does this).
 *
 * Buffers follow the Arrow columnar format (little endian, validity and
 * boolean bitmaps least significant bit first, 1 = valid / true). Value
 * buffers come from `realloc`, so they are aligned for any fixed-width
 * type and the typed views below can cast.
 *
 * Formatting helpers (`wasmprep_logf`, `wasmprep_failuref`, ...) use
 * vsnprintf: a module using libc stdio imports WASI preview 1, which the
 * tool's `componentize` adapts (the adapter needs no grant for it).
 */
#ifndef WASMPREP_H
#define WASMPREP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Short names for the generated types. ---------------------------- */

typedef plugin_string_t wasmprep_string_t;
typedef wasmprep_plugin_types_column_t wasmprep_column_t;
typedef wasmprep_plugin_types_column_spec_t wasmprep_column_spec_t;
typedef wasmprep_plugin_types_contract_t wasmprep_contract_t;
typedef wasmprep_plugin_types_batch_output_t wasmprep_batch_output_t;
typedef wasmprep_plugin_types_error_t wasmprep_error_t;
typedef wasmprep_plugin_types_config_t wasmprep_config_t;
typedef exports_wasmprep_plugin_transform_list_column_t wasmprep_columns_t;
typedef wasmprep_plugin_types_log_level_t wasmprep_log_level_t;

#define WASMPREP_BOOLEAN WASMPREP_PLUGIN_TYPES_DATA_TYPE_BOOLEAN
#define WASMPREP_INT8 WASMPREP_PLUGIN_TYPES_DATA_TYPE_INT8
#define WASMPREP_INT16 WASMPREP_PLUGIN_TYPES_DATA_TYPE_INT16
#define WASMPREP_INT32 WASMPREP_PLUGIN_TYPES_DATA_TYPE_INT32
#define WASMPREP_INT64 WASMPREP_PLUGIN_TYPES_DATA_TYPE_INT64
#define WASMPREP_UINT8 WASMPREP_PLUGIN_TYPES_DATA_TYPE_UINT8
#define WASMPREP_UINT16 WASMPREP_PLUGIN_TYPES_DATA_TYPE_UINT16
#define WASMPREP_UINT32 WASMPREP_PLUGIN_TYPES_DATA_TYPE_UINT32
#define WASMPREP_UINT64 WASMPREP_PLUGIN_TYPES_DATA_TYPE_UINT64
#define WASMPREP_FLOAT32 WASMPREP_PLUGIN_TYPES_DATA_TYPE_FLOAT32
#define WASMPREP_FLOAT64 WASMPREP_PLUGIN_TYPES_DATA_TYPE_FLOAT64
#define WASMPREP_UTF8 WASMPREP_PLUGIN_TYPES_DATA_TYPE_UTF8
#define WASMPREP_LARGE_UTF8 WASMPREP_PLUGIN_TYPES_DATA_TYPE_LARGE_UTF8
#define WASMPREP_BINARY WASMPREP_PLUGIN_TYPES_DATA_TYPE_BINARY
#define WASMPREP_LARGE_BINARY WASMPREP_PLUGIN_TYPES_DATA_TYPE_LARGE_BINARY
#define WASMPREP_DATE32 WASMPREP_PLUGIN_TYPES_DATA_TYPE_DATE32
#define WASMPREP_TIMESTAMP WASMPREP_PLUGIN_TYPES_DATA_TYPE_TIMESTAMP
#define WASMPREP_DURATION WASMPREP_PLUGIN_TYPES_DATA_TYPE_DURATION

#define WASMPREP_SECOND WASMPREP_PLUGIN_TYPES_TIME_UNIT_SECOND
#define WASMPREP_MILLISECOND WASMPREP_PLUGIN_TYPES_TIME_UNIT_MILLISECOND
#define WASMPREP_MICROSECOND WASMPREP_PLUGIN_TYPES_TIME_UNIT_MICROSECOND
#define WASMPREP_NANOSECOND WASMPREP_PLUGIN_TYPES_TIME_UNIT_NANOSECOND

#define WASMPREP_TRACE WASMPREP_PLUGIN_TYPES_LOG_LEVEL_TRACE
#define WASMPREP_DEBUG WASMPREP_PLUGIN_TYPES_LOG_LEVEL_DEBUG
#define WASMPREP_INFO WASMPREP_PLUGIN_TYPES_LOG_LEVEL_INFO
#define WASMPREP_WARN WASMPREP_PLUGIN_TYPES_LOG_LEVEL_WARN
#define WASMPREP_ERROR WASMPREP_PLUGIN_TYPES_LOG_LEVEL_ERROR

/* malloc that never returns NULL: out of memory traps (the host reports
 * the plugin's failure), so no caller has a NULL to check. */
static inline void *wasmprep_alloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (p == NULL) __builtin_trap();
  return p;
}

static inline void *wasmprep_alloc_zeroed(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (p == NULL) __builtin_trap();
  return p;
}

/* ---- Strings. ------------------------------------------------------- */

/* Whether a (not NUL-terminated) string equals the C string `text`. */
static inline bool wasmprep_str_eq(const wasmprep_string_t *s, const char *text) {
  size_t n = strlen(text);
  return s->len == n && (n == 0 || memcmp(s->ptr, text, n) == 0);
}

/* A malloc'd, NUL-terminated copy of `s`: the caller frees it. */
static inline char *wasmprep_str_dup(const wasmprep_string_t *s) {
  char *c = (char *)wasmprep_alloc(s->len + 1);
  if (s->len) memcpy(c, s->ptr, s->len);
  c[s->len] = '\0';
  return c;
}

/* Sets a result string to a malloc'd copy of `text` (rule 2). */
static inline void wasmprep_str_set(wasmprep_string_t *out, const char *text) {
  size_t n = strlen(text);
  out->ptr = (uint8_t *)wasmprep_alloc(n);
  if (n) memcpy(out->ptr, text, n);
  out->len = n;
}

/* A malloc'd string formatted like printf; the caller frees it. */
static inline char *wasmprep_vformat(const char *format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(NULL, 0, format, copy);
  va_end(copy);
  if (n < 0) n = 0;
  char *text = (char *)wasmprep_alloc((size_t)n + 1);
  vsnprintf(text, (size_t)n + 1, format, args);
  return text;
}

static inline char *wasmprep_format(const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = wasmprep_vformat(format, args);
  va_end(args);
  return text;
}

/* ---- Configuration. --------------------------------------------------- */

/* The value of `key`, or NULL when absent (a view into `config`: rule 1). */
static inline const wasmprep_string_t *wasmprep_config_get(const wasmprep_config_t *config,
                                                           const char *key) {
  for (size_t i = 0; i < config->len; i++) {
    if (wasmprep_str_eq(&config->ptr[i].f0, key)) return &config->ptr[i].f1;
  }
  return NULL;
}

/* A malloc'd copy of the value of `key`, or of `fallback` when absent. */
static inline char *wasmprep_config_dup(const wasmprep_config_t *config, const char *key,
                                        const char *fallback) {
  const wasmprep_string_t *v = wasmprep_config_get(config, key);
  if (v != NULL) return wasmprep_str_dup(v);
  wasmprep_string_t f;
  f.ptr = (uint8_t *)fallback;
  f.len = strlen(fallback);
  return wasmprep_str_dup(&f);
}

/* Frees the configuration `configure` received (rule 1). */
static inline void wasmprep_config_free(wasmprep_config_t *config) {
  wasmprep_plugin_types_config_free(config);
}

/* ---- Errors. Each sets `err` and returns false, so an export can say
 * `return wasmprep_failure(err, "...");`. The text is copied. ---------- */

static inline bool wasmprep_invalid_config(wasmprep_error_t *err, const char *message) {
  err->tag = WASMPREP_PLUGIN_TYPES_ERROR_INVALID_CONFIG;
  wasmprep_str_set(&err->val.invalid_config, message);
  return false;
}

/* An invalid input value; `row` < 0 and `column` NULL leave them out. */
static inline bool wasmprep_invalid_input(wasmprep_error_t *err, const char *message, int64_t row,
                                          const char *column) {
  err->tag = WASMPREP_PLUGIN_TYPES_ERROR_INVALID_INPUT;
  wasmprep_plugin_types_input_error_t *e = &err->val.invalid_input;
  wasmprep_str_set(&e->message, message);
  e->row.is_some = row >= 0 && row <= (int64_t)UINT32_MAX;
  e->row.val = e->row.is_some ? (uint32_t)row : 0;
  e->column.is_some = column != NULL;
  if (column != NULL) wasmprep_str_set(&e->column.val, column);
  return false;
}

static inline bool wasmprep_failure(wasmprep_error_t *err, const char *message) {
  err->tag = WASMPREP_PLUGIN_TYPES_ERROR_FAILURE;
  wasmprep_str_set(&err->val.failure, message);
  return false;
}

/* printf-style variants (they use libc stdio: see the top of the file). */
static inline bool wasmprep_invalid_configf(wasmprep_error_t *err, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = wasmprep_vformat(format, args);
  va_end(args);
  wasmprep_invalid_config(err, text);
  free(text);
  return false;
}

/* An invalid input value, its message formatted like printf. */
static inline bool wasmprep_invalid_inputf(wasmprep_error_t *err, int64_t row, const char *column,
                                           const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = wasmprep_vformat(format, args);
  va_end(args);
  wasmprep_invalid_input(err, text, row, column);
  free(text);
  return false;
}

static inline bool wasmprep_failuref(wasmprep_error_t *err, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = wasmprep_vformat(format, args);
  va_end(args);
  wasmprep_failure(err, text);
  free(text);
  return false;
}

/* Fails with "unknown key `k` (known: a, b, c)" when `config` has a key
 * not in `known` (`count` entries); true when every key is known. */
static inline bool wasmprep_config_check_keys(const wasmprep_config_t *config,
                                              const char *const *known, size_t count,
                                              wasmprep_error_t *err) {
  for (size_t i = 0; i < config->len; i++) {
    const wasmprep_string_t *key = &config->ptr[i].f0;
    bool found = false;
    for (size_t k = 0; k < count && !found; k++) found = wasmprep_str_eq(key, known[k]);
    if (found) continue;
    size_t size = key->len + 32;
    for (size_t k = 0; k < count; k++) size += strlen(known[k]) + 2;
    char *message = (char *)wasmprep_alloc(size);
    strcpy(message, "unknown key `");
    size_t at = strlen(message);
    if (key->len) memcpy(message + at, key->ptr, key->len);
    message[at + key->len] = '\0';
    strcat(message, "` (known: ");
    for (size_t k = 0; k < count; k++) {
      if (k) strcat(message, ", ");
      strcat(message, known[k]);
    }
    strcat(message, ")");
    wasmprep_invalid_config(err, message);
    free(message);
    return false;
  }
  return true;
}

/* ---- Logging (rule 4: the message stays the plugin's). ---------------- */

static inline void wasmprep_log(wasmprep_log_level_t level, const char *message) {
  wasmprep_string_t s;
  s.ptr = (uint8_t *)message;
  s.len = strlen(message);
  wasmprep_plugin_host_log(level, &s);
}

static inline void wasmprep_logf(wasmprep_log_level_t level, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = wasmprep_vformat(format, args);
  va_end(args);
  wasmprep_log(level, text);
  free(text);
}

/* Stops the plugin: logs `message` at error level, then traps. The host
 * fails the batch with "trapped" and shows the message (a C program's
 * abort() says nothing; this is its wasmprep spelling). For bugs, not for
 * bad data: bad data is `wasmprep_invalid_input`. */
__attribute__((noreturn)) static inline void wasmprep_abort(const char *message) {
  wasmprep_log(WASMPREP_ERROR, message);
  __builtin_trap();
}

__attribute__((noreturn)) static inline void wasmprep_abortf(const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *text = wasmprep_vformat(format, args);
  va_end(args);
  wasmprep_abort(text);
}

/* ---- Contract. -------------------------------------------------------- */

/* Fills `ret` with the plugin's name and version and room for `inputs`
 * and `outputs` column specs (set each with `wasmprep_contract_input` /
 * `wasmprep_contract_output`). */
static inline void wasmprep_contract_init(wasmprep_contract_t *ret, const char *name,
                                          const char *version, size_t inputs, size_t outputs,
                                          bool filters) {
  wasmprep_str_set(&ret->name, name);
  wasmprep_str_set(&ret->version, version);
  ret->inputs.len = inputs;
  ret->inputs.ptr =
      (wasmprep_column_spec_t *)wasmprep_alloc_zeroed(inputs, sizeof(wasmprep_column_spec_t));
  ret->outputs.len = outputs;
  ret->outputs.ptr =
      (wasmprep_column_spec_t *)wasmprep_alloc_zeroed(outputs, sizeof(wasmprep_column_spec_t));
  ret->filters = filters;
}

/* A column spec of a type without parameters (every type but timestamp
 * and duration; for those, set `data_type.val` after this). */
static inline wasmprep_column_spec_t *wasmprep_spec_set(wasmprep_column_spec_t *spec,
                                                        const char *name, uint8_t type,
                                                        bool nullable) {
  wasmprep_str_set(&spec->name, name);
  spec->data_type.tag = type;
  spec->nullable = nullable;
  return spec;
}

static inline wasmprep_column_spec_t *wasmprep_contract_input(wasmprep_contract_t *ret, size_t i,
                                                              const char *name, uint8_t type,
                                                              bool nullable) {
  return wasmprep_spec_set(&ret->inputs.ptr[i], name, type, nullable);
}

static inline wasmprep_column_spec_t *wasmprep_contract_output(wasmprep_contract_t *ret, size_t i,
                                                               const char *name, uint8_t type,
                                                               bool nullable) {
  return wasmprep_spec_set(&ret->outputs.ptr[i], name, type, nullable);
}

/* A timestamp spec: `timezone` NULL for a naive timestamp. */
static inline void wasmprep_spec_timestamp(wasmprep_column_spec_t *spec, uint8_t unit,
                                           const char *timezone) {
  spec->data_type.tag = WASMPREP_TIMESTAMP;
  spec->data_type.val.timestamp.unit = unit;
  spec->data_type.val.timestamp.timezone.is_some = timezone != NULL;
  if (timezone != NULL) wasmprep_str_set(&spec->data_type.val.timestamp.timezone.val, timezone);
}

/* A duration spec of `unit` (WASMPREP_SECOND ... WASMPREP_NANOSECOND). */
static inline void wasmprep_spec_duration(wasmprep_column_spec_t *spec, uint8_t unit) {
  spec->data_type.tag = WASMPREP_DURATION;
  spec->data_type.val.duration = unit;
}

/* ---- Bitmaps (validity, booleans, selections). ------------------------- */

static inline size_t wasmprep_bitmap_bytes(uint32_t len) { return ((size_t)len + 7) / 8; }

static inline bool wasmprep_bit_get(const uint8_t *bitmap, uint32_t i) {
  return (bitmap[i / 8] >> (i % 8)) & 1;
}

static inline void wasmprep_bit_set(uint8_t *bitmap, uint32_t i, bool value) {
  if (value)
    bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
  else
    bitmap[i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* Number of 0 bits among the first `len` (nulls, in a validity bitmap). */
static inline uint32_t wasmprep_bitmap_count_zeros(const uint8_t *bitmap, uint32_t len) {
  uint32_t ones = 0;
  for (uint32_t i = 0; i < len / 8; i++) ones += (uint32_t)__builtin_popcount(bitmap[i]);
  for (uint32_t i = len / 8 * 8; i < len; i++) ones += wasmprep_bit_get(bitmap, i);
  return len - ones;
}

/* ---- Input columns: typed views. ----------------------------------------- */

static inline uint32_t wasmprep_len(const wasmprep_column_t *c) { return c->len; }

/* Whether row `i` is valid (not null). */
static inline bool wasmprep_is_valid(const wasmprep_column_t *c, uint32_t i) {
  return !c->validity.is_some || wasmprep_bit_get(c->validity.val.ptr, i);
}

/* The validity bitmap, or NULL when the column has no nulls. */
static inline const uint8_t *wasmprep_validity(const wasmprep_column_t *c) {
  return c->validity.is_some ? c->validity.val.ptr : NULL;
}

#define WASMPREP_VIEW(name, type)                                             \
  static inline const type *wasmprep_##name(const wasmprep_column_t *c) {    \
    return (const type *)(const void *)c->values.ptr;                          \
  }
WASMPREP_VIEW(i8, int8_t)
WASMPREP_VIEW(i16, int16_t)
WASMPREP_VIEW(i32, int32_t)
WASMPREP_VIEW(i64, int64_t)
WASMPREP_VIEW(u8, uint8_t)
WASMPREP_VIEW(u16, uint16_t)
WASMPREP_VIEW(u32, uint32_t)
WASMPREP_VIEW(u64, uint64_t)
WASMPREP_VIEW(f32, float)
WASMPREP_VIEW(f64, double)
WASMPREP_VIEW(date32, int32_t)
WASMPREP_VIEW(timestamp, int64_t)
WASMPREP_VIEW(duration, int64_t)
#undef WASMPREP_VIEW

/* Value of row `i` of a boolean column. */
static inline bool wasmprep_bool(const wasmprep_column_t *c, uint32_t i) {
  return wasmprep_bit_get(c->values.ptr, i);
}

/* One value of a utf8 / binary column (not NUL-terminated), a view. */
typedef struct wasmprep_bytes_t {
  const uint8_t *ptr;
  size_t len;
} wasmprep_bytes_t;

/* Row `i` of a utf8 or binary column (i32 offsets). */
static inline wasmprep_bytes_t wasmprep_utf8(const wasmprep_column_t *c, uint32_t i) {
  const int32_t *offsets = (const int32_t *)(const void *)c->offsets.val.ptr;
  wasmprep_bytes_t b;
  b.ptr = c->values.ptr + offsets[i];
  b.len = (size_t)(offsets[i + 1] - offsets[i]);
  return b;
}

/* Row `i` of a large-utf8 or large-binary column (i64 offsets). */
static inline wasmprep_bytes_t wasmprep_large_utf8(const wasmprep_column_t *c, uint32_t i) {
  const int64_t *offsets = (const int64_t *)(const void *)c->offsets.val.ptr;
  wasmprep_bytes_t b;
  b.ptr = c->values.ptr + offsets[i];
  b.len = (size_t)(offsets[i + 1] - offsets[i]);
  return b;
}

/* Frees the columns `process` received (rule 1). */
static inline void wasmprep_columns_free(wasmprep_columns_t *in) {
  exports_wasmprep_plugin_transform_list_column_free(in);
}

/* ---- Output. --------------------------------------------------------------- */

/* Gives `ret` `count` zeroed columns (no selection) and returns them. */
static inline wasmprep_column_t *wasmprep_output_init(wasmprep_batch_output_t *ret, size_t count) {
  ret->columns.len = count;
  ret->columns.ptr = (wasmprep_column_t *)wasmprep_alloc_zeroed(count, sizeof(wasmprep_column_t));
  ret->selection.is_some = false;
  return ret->columns.ptr;
}

/* Frees what was put in `ret` so far, for an export that fails after
 * building outputs (rule 3: only `err` is freed then). */
static inline void wasmprep_output_free(wasmprep_batch_output_t *ret) {
  wasmprep_plugin_types_batch_output_free(ret);
  memset(ret, 0, sizeof *ret);
}

/* Gives `ret` a selection of `len` rows, all dropped; keep a row with
 * `wasmprep_bit_set(selection, row, true)`. Only for a filtering contract. */
static inline uint8_t *wasmprep_selection_init(wasmprep_batch_output_t *ret, uint32_t len) {
  size_t bytes = wasmprep_bitmap_bytes(len);
  ret->selection.is_some = true;
  ret->selection.val.len = bytes;
  ret->selection.val.ptr = (uint8_t *)wasmprep_alloc_zeroed(bytes, 1);
  return ret->selection.val.ptr;
}

/* Makes `out` a column of `len` fixed-width values of `width` bytes, no
 * nulls, and returns its (uninitialised) values buffer. */
static inline void *wasmprep_column_init(wasmprep_column_t *out, uint32_t len, size_t width) {
  out->len = len;
  out->null_count = 0;
  out->validity.is_some = false;
  out->offsets.is_some = false;
  out->values.len = (size_t)len * width;
  out->values.ptr = (uint8_t *)wasmprep_alloc(out->values.len);
  return out->values.ptr;
}

#define WASMPREP_BUILDER(name, type)                                                  \
  static inline type *wasmprep_column_##name(wasmprep_column_t *out, uint32_t len) { \
    return (type *)wasmprep_column_init(out, len, sizeof(type));                     \
  }
WASMPREP_BUILDER(i8, int8_t)
WASMPREP_BUILDER(i16, int16_t)
WASMPREP_BUILDER(i32, int32_t)
WASMPREP_BUILDER(i64, int64_t)
WASMPREP_BUILDER(u8, uint8_t)
WASMPREP_BUILDER(u16, uint16_t)
WASMPREP_BUILDER(u32, uint32_t)
WASMPREP_BUILDER(u64, uint64_t)
WASMPREP_BUILDER(f32, float)
WASMPREP_BUILDER(f64, double)
WASMPREP_BUILDER(date32, int32_t)
WASMPREP_BUILDER(timestamp, int64_t)
WASMPREP_BUILDER(duration, int64_t)
#undef WASMPREP_BUILDER

/* A boolean column of `len` rows, all false; set values with
 * `wasmprep_bit_set` on the returned bitmap. */
static inline uint8_t *wasmprep_column_bool(wasmprep_column_t *out, uint32_t len) {
  out->len = len;
  out->null_count = 0;
  out->validity.is_some = false;
  out->offsets.is_some = false;
  out->values.len = wasmprep_bitmap_bytes(len);
  out->values.ptr = (uint8_t *)wasmprep_alloc_zeroed(out->values.len, 1);
  return out->values.ptr;
}

/* The validity bitmap of an output column, created all valid on first
 * use. Clear bits for nulls, then call `wasmprep_column_finish`. */
static inline uint8_t *wasmprep_column_validity(wasmprep_column_t *out) {
  if (!out->validity.is_some) {
    size_t bytes = wasmprep_bitmap_bytes(out->len);
    out->validity.is_some = true;
    out->validity.val.len = bytes;
    out->validity.val.ptr = (uint8_t *)wasmprep_alloc(bytes);
    memset(out->validity.val.ptr, 0xff, bytes);
  }
  return out->validity.val.ptr;
}

/* Marks row `i` of an output column null (call `wasmprep_column_finish`). */
static inline void wasmprep_column_set_null(wasmprep_column_t *out, uint32_t i) {
  wasmprep_bit_set(wasmprep_column_validity(out), i, false);
}

/* ANDs `in`'s validity into `out`'s: `out` is null wherever `in` is. */
static inline void wasmprep_column_and_validity(wasmprep_column_t *out,
                                                const wasmprep_column_t *in) {
  if (!in->validity.is_some) return;
  uint8_t *v = wasmprep_column_validity(out);
  size_t bytes = wasmprep_bitmap_bytes(out->len);
  for (size_t b = 0; b < bytes; b++) v[b] &= in->validity.val.ptr[b];
}

/* Sets `null_count` from the validity bitmap (and drops a bitmap without
 * nulls). Call it once an output column is complete. */
static inline void wasmprep_column_finish(wasmprep_column_t *out) {
  if (!out->validity.is_some) {
    out->null_count = 0;
    return;
  }
  out->null_count = wasmprep_bitmap_count_zeros(out->validity.val.ptr, out->len);
  if (out->null_count == 0) plugin_option_list_u8_free(&out->validity);
}

/* Moves the buffers of input column `in` into output column `out` (no
 * copy); `in` is left empty, so freeing the inputs no longer frees them. */
static inline void wasmprep_column_move(wasmprep_column_t *out, wasmprep_column_t *in) {
  *out = *in;
  memset(in, 0, sizeof *in);
}

/* Builds a utf8 or binary output column row by row. */
typedef struct wasmprep_utf8_builder_t {
  wasmprep_column_t *out;
  uint32_t rows;
  size_t capacity;
} wasmprep_utf8_builder_t;

/* Starts `out` as a utf8/binary column of `len` rows; `bytes_hint` is a
 * guess of the total bytes (the buffer grows as needed). */
static inline void wasmprep_utf8_builder_init(wasmprep_utf8_builder_t *b, wasmprep_column_t *out,
                                              uint32_t len, size_t bytes_hint) {
  out->len = len;
  out->null_count = 0;
  out->validity.is_some = false;
  out->offsets.is_some = true;
  out->offsets.val.len = ((size_t)len + 1) * sizeof(int32_t);
  out->offsets.val.ptr = (uint8_t *)wasmprep_alloc(out->offsets.val.len);
  ((int32_t *)(void *)out->offsets.val.ptr)[0] = 0;
  out->values.len = 0;
  out->values.ptr = (uint8_t *)wasmprep_alloc(bytes_hint);
  b->out = out;
  b->rows = 0;
  b->capacity = bytes_hint ? bytes_hint : 1;
}

/* Appends the next row's value (`len` bytes at `ptr`). */
static inline void wasmprep_utf8_builder_append(wasmprep_utf8_builder_t *b, const void *ptr,
                                                size_t len) {
  wasmprep_column_t *out = b->out;
  if (out->values.len + len > b->capacity) {
    while (out->values.len + len > b->capacity) b->capacity *= 2;
    out->values.ptr = (uint8_t *)realloc(out->values.ptr, b->capacity);
    if (out->values.ptr == NULL) __builtin_trap();
  }
  if (len) memcpy(out->values.ptr + out->values.len, ptr, len);
  out->values.len += len;
  b->rows++;
  ((int32_t *)(void *)out->offsets.val.ptr)[b->rows] = (int32_t)out->values.len;
}

static inline void wasmprep_utf8_builder_append_str(wasmprep_utf8_builder_t *b, const char *s) {
  wasmprep_utf8_builder_append(b, s, strlen(s));
}

/* Appends a null as the next row. */
static inline void wasmprep_utf8_builder_append_null(wasmprep_utf8_builder_t *b) {
  uint32_t row = b->rows;
  wasmprep_utf8_builder_append(b, NULL, 0);
  wasmprep_column_set_null(b->out, row);
}

/* Completes the column (every one of its `len` rows must be appended). */
static inline void wasmprep_utf8_builder_finish(wasmprep_utf8_builder_t *b) {
  wasmprep_column_finish(b->out);
}

#ifdef __cplusplus
}
#endif

#endif /* WASMPREP_H */
