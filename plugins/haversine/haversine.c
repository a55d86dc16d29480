// haversine: great-circle distance between two points, in C.
//
// Reads four float32 columns (latitudes and longitudes in degrees) and adds
// one float32 column with the distance in km (earth radius 6371), null
// where any coordinate is null. Proof that a plugin in C meets the same
// contract as one in Rust: written with the C kit's header
// (sdk/c/include/wasmprep.h) over the bindings `wasmprep-c-bindgen`
// generates from the WIT.
//
// Configuration (all optional): lat1, lon1, lat2, lon2 name the input
// columns (default: the NYC-taxi pickup_/dropoff_ latitude/longitude),
// output names the new column (default: h_distance).

#include <math.h>

#include "wasmprep.h"

#define EARTH_RADIUS_KM 6371.0
#define NCOORDS 4

static const char *const KEYS[NCOORDS + 1] = {"lat1", "lon1", "lat2", "lon2", "output"};
static const char *const DEFAULTS[NCOORDS + 1] = {"pickup_latitude", "pickup_longitude",
                                                  "dropoff_latitude", "dropoff_longitude",
                                                  "h_distance"};
// The configured column names: four inputs, then the output.
static char *names[NCOORDS + 1];

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config, wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  if (!wasmprep_config_check_keys(config, KEYS, NCOORDS + 1, err)) {
    wasmprep_config_free(config);
    return false;
  }
  for (int i = 0; i <= NCOORDS; i++) {
    free(names[i]);
    names[i] = wasmprep_config_dup(config, KEYS[i], DEFAULTS[i]);
  }
  wasmprep_config_free(config);

  wasmprep_contract_init(ret, "haversine", "0.1.0", NCOORDS, 1, false);
  for (int i = 0; i < NCOORDS; i++) wasmprep_contract_input(ret, i, names[i], WASMPREP_FLOAT32, true);
  wasmprep_contract_output(ret, 0, names[NCOORDS], WASMPREP_FLOAT32, true);
  wasmprep_log(WASMPREP_DEBUG, "haversine configured");
  return true;
}

static inline double radians(float degrees) { return (double)degrees * (M_PI / 180.0); }

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  if (in->len != NCOORDS) {
    wasmprep_columns_free(in);
    return wasmprep_failure(err, "expected four input columns");
  }
  uint32_t n = wasmprep_len(&in->ptr[0]);
  const float *v[NCOORDS];
  for (int i = 0; i < NCOORDS; i++) v[i] = wasmprep_f32(&in->ptr[i]);

  wasmprep_column_t *out = wasmprep_output_init(ret, 1);
  float *distance = wasmprep_column_f32(out, n);
  for (uint32_t r = 0; r < n; r++) {
    double lat1 = radians(v[0][r]), lon1 = radians(v[1][r]);
    double lat2 = radians(v[2][r]), lon2 = radians(v[3][r]);
    double s_lat = sin((lat2 - lat1) / 2), s_lon = sin((lon2 - lon1) / 2);
    double a = s_lat * s_lat + cos(lat1) * cos(lat2) * s_lon * s_lon;
    distance[r] = (float)(2.0 * EARTH_RADIUS_KM * asin(sqrt(a)));
  }
  // Null where any input is null.
  for (int i = 0; i < NCOORDS; i++) wasmprep_column_and_validity(out, &in->ptr[i]);
  wasmprep_column_finish(out);
  wasmprep_columns_free(in);
  return true;
}
