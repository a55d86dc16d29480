#include "conformance.h"

/* The cost table's kernel (`make bench-kits`): fare_per_km =
 * fare_amount / (trip_distance in miles * 1.609344), null where an input
 * is null or the distance is not positive. */
static bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err) {
  (void)err;
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "fare-per-km", "0.1.0", 2, 1, false);
  wasmprep_contract_input(ret, 0, "fare_amount", WASMPREP_FLOAT64, true);
  wasmprep_contract_input(ret, 1, "trip_distance", WASMPREP_FLOAT64, true);
  wasmprep_contract_output(ret, 0, "fare_per_km", WASMPREP_FLOAT64, true);
  return true;
}

static bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err) {
  (void)err;
  const wasmprep_column_t *fare = &in->ptr[0], *distance = &in->ptr[1];
  const double *fares = wasmprep_f64(fare), *distances = wasmprep_f64(distance);
  uint32_t n = wasmprep_len(fare);
  wasmprep_column_t *out = wasmprep_output_init(ret, 1);
  double *per_km = wasmprep_column_f64(out, n);
  for (uint32_t i = 0; i < n; i++) per_km[i] = fares[i] / (distances[i] * 1.609344);
  wasmprep_column_and_validity(out, fare);
  wasmprep_column_and_validity(out, distance);
  for (uint32_t i = 0; i < n; i++)
    if (!(distances[i] > 0)) wasmprep_column_set_null(out, i);
  wasmprep_column_finish(out);
  wasmprep_columns_free(in);
  return true;
}

CONFORMANCE_GUEST(fare_per_km)
