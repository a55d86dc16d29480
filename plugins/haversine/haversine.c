// haversine: great-circle distance between two points, in C.
//
// Reads four float32 columns (latitudes and longitudes in degrees) and adds
// one float32 column with the distance in km (earth radius 6371), null
// where any coordinate is null. Proof that a plugin in C meets the same
// contract as one in Rust: the bindings in plugin.h are generated from
// sdk/wit by wasmprep-c-bindgen.
//
// Configuration (all optional): lat1, lon1, lat2, lon2 name the input
// columns (default: the NYC-taxi pickup_/dropoff_ latitude/longitude),
// output names the new column (default: h_distance).

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

#define EARTH_RADIUS_KM 6371.0
#define NCOORDS 4

static const char *KEYS[NCOORDS] = {"lat1", "lon1", "lat2", "lon2"};
static char *columns[NCOORDS] = {NULL, NULL, NULL, NULL};
static char *output = NULL;

static void set_string(plugin_string_t *s, const char *text) { plugin_string_dup(s, text); }

static void fail(wasmprep_plugin_types_error_t *err, uint8_t tag, const char *message) {
  err->tag = tag;
  set_string(tag == WASMPREP_PLUGIN_TYPES_ERROR_INVALID_CONFIG ? &err->val.invalid_config : &err->val.failure,
             message);
}

static char *copy_string(const plugin_string_t *s) {
  char *c = malloc(s->len + 1);
  memcpy(c, s->ptr, s->len);
  c[s->len] = '\0';
  return c;
}

static void spec(wasmprep_plugin_types_column_spec_t *c, const char *name) {
  set_string(&c->name, name);
  c->data_type.tag = WASMPREP_PLUGIN_TYPES_DATA_TYPE_FLOAT32;
  c->nullable = true;
}

bool exports_wasmprep_plugin_transform_configure(exports_wasmprep_plugin_transform_config_t *config,
                                                 exports_wasmprep_plugin_transform_contract_t *ret,
                                                 exports_wasmprep_plugin_transform_error_t *err) {
  const char *defaults[NCOORDS] = {"pickup_latitude", "pickup_longitude", "dropoff_latitude", "dropoff_longitude"};
  for (int i = 0; i < NCOORDS; i++) {
    free(columns[i]);
    columns[i] = strdup(defaults[i]);
  }
  free(output);
  output = strdup("h_distance");

  for (size_t i = 0; i < config->len; i++) {
    plugin_tuple2_string_string_t *kv = &config->ptr[i];
    char *key = copy_string(&kv->f0);
    char **slot = NULL;
    for (int k = 0; k < NCOORDS; k++) {
      if (strcmp(key, KEYS[k]) == 0) slot = &columns[k];
    }
    if (strcmp(key, "output") == 0) slot = &output;
    if (slot == NULL) {
      const char *known = "` (known: lat1, lon1, lat2, lon2, output)";
      char *message = malloc(strlen(key) + strlen(known) + 16);
      strcpy(message, "unknown key `");
      strcat(message, key);
      strcat(message, known);
      free(key);
      exports_wasmprep_plugin_transform_config_free(config);
      fail(err, WASMPREP_PLUGIN_TYPES_ERROR_INVALID_CONFIG, message);
      free(message);
      return false;
    }
    free(*slot);
    *slot = copy_string(&kv->f1);
    free(key);
  }
  exports_wasmprep_plugin_transform_config_free(config);

  set_string(&ret->name, "haversine");
  set_string(&ret->version, "0.1.0");
  ret->inputs.len = NCOORDS;
  ret->inputs.ptr = calloc(NCOORDS, sizeof(wasmprep_plugin_types_column_spec_t));
  for (int i = 0; i < NCOORDS; i++) spec(&ret->inputs.ptr[i], columns[i]);
  ret->outputs.len = 1;
  ret->outputs.ptr = calloc(1, sizeof(wasmprep_plugin_types_column_spec_t));
  spec(&ret->outputs.ptr[0], output);
  ret->filters = false;
  wasmprep_plugin_host_log_level_t level = WASMPREP_PLUGIN_TYPES_LOG_LEVEL_DEBUG;
  plugin_string_t message;
  set_string(&message, "haversine configured");
  wasmprep_plugin_host_log(level, &message);
  plugin_string_free(&message);
  return true;
}

static inline double radians(float degrees) { return (double)degrees * (M_PI / 180.0); }

bool exports_wasmprep_plugin_transform_process(exports_wasmprep_plugin_transform_list_column_t *in,
                                               exports_wasmprep_plugin_transform_batch_output_t *ret,
                                               exports_wasmprep_plugin_transform_error_t *err) {
  if (in->len != NCOORDS) {
    exports_wasmprep_plugin_transform_list_column_free(in);
    fail(err, WASMPREP_PLUGIN_TYPES_ERROR_FAILURE, "expected four input columns");
    return false;
  }
  uint32_t n = in->ptr[0].len;
  const float *v[NCOORDS];
  for (int i = 0; i < NCOORDS; i++) v[i] = (const float *)in->ptr[i].values.ptr;

  float *distance = malloc(n * sizeof(float) + 1);
  for (uint32_t r = 0; r < n; r++) {
    double lat1 = radians(v[0][r]), lon1 = radians(v[1][r]);
    double lat2 = radians(v[2][r]), lon2 = radians(v[3][r]);
    double s_lat = sin((lat2 - lat1) / 2), s_lon = sin((lon2 - lon1) / 2);
    double a = s_lat * s_lat + cos(lat1) * cos(lat2) * s_lon * s_lon;
    distance[r] = (float)(2.0 * EARTH_RADIUS_KM * asin(sqrt(a)));
  }

  // Null where any input is null: AND of the inputs' validity bitmaps.
  size_t bytes = (n + 7) / 8;
  uint8_t *validity = NULL;
  uint32_t nulls = 0;
  for (int i = 0; i < NCOORDS; i++) {
    if (!in->ptr[i].validity.is_some) continue;
    if (validity == NULL) {
      validity = malloc(bytes + 1);
      memset(validity, 0xff, bytes);
    }
    for (size_t b = 0; b < bytes; b++) validity[b] &= in->ptr[i].validity.val.ptr[b];
  }
  if (validity != NULL) {
    for (uint32_t r = 0; r < n; r++) nulls += !((validity[r / 8] >> (r % 8)) & 1);
  }
  exports_wasmprep_plugin_transform_list_column_free(in);

  ret->columns.len = 1;
  ret->columns.ptr = calloc(1, sizeof(wasmprep_plugin_types_column_t));
  wasmprep_plugin_types_column_t *out = &ret->columns.ptr[0];
  out->len = n;
  out->null_count = nulls;
  out->validity.is_some = validity != NULL;
  if (validity != NULL) {
    out->validity.val.ptr = validity;
    out->validity.val.len = bytes;
  }
  out->offsets.is_some = false;
  out->values.ptr = (uint8_t *)distance;
  out->values.len = n * sizeof(float);
  ret->selection.is_some = false;
  return true;
}
