#include "conformance.hpp"

// The cost table's kernel (`make bench-kits`): fare_per_km =
// fare_amount / (trip_distance in miles * 1.609344), null where an input
// is null or the distance is not positive.
namespace {

constexpr double KM_PER_MILE = 1.609344;

bool configure(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *) {
  wasmprep_config_free(config);
  wasmprep_contract_init(ret, "fare-per-km", "0.1.0", 2, 1, false);
  wasmprep_contract_input(ret, 0, "fare_amount", WASMPREP_FLOAT64, true);
  wasmprep_contract_input(ret, 1, "trip_distance", WASMPREP_FLOAT64, true);
  wasmprep_contract_output(ret, 0, "fare_per_km", WASMPREP_FLOAT64, true);
  return true;
}

bool process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *) {
  const wasmprep_column_t &fare = in->ptr[0], &distance = in->ptr[1];
  const double *fares = wasmprep_f64(&fare), *distances = wasmprep_f64(&distance);
  const uint32_t n = wasmprep_len(&fare);
  wasmprep_column_t *out = wasmprep_output_init(ret, 1);
  double *per_km = wasmprep_column_f64(out, n);
  // One branch-free pass over the views; the nulls are bitmap work after.
  for (uint32_t row = 0; row < n; row++) per_km[row] = fares[row] / (distances[row] * KM_PER_MILE);
  // Validity = fare's AND distance's AND (distance > 0), eight rows a byte.
  uint8_t *valid = wasmprep_column_validity(out);
  wasmprep_column_and_validity(out, &fare);
  wasmprep_column_and_validity(out, &distance);
  for (uint32_t byte = 0; byte < n / 8; byte++) {
    const double *d = &distances[byte * 8];
    uint8_t positive = 0;
    for (uint32_t bit = 0; bit < 8; bit++) positive |= static_cast<uint8_t>((d[bit] > 0) << bit);
    valid[byte] &= positive;
  }
  for (uint32_t row = n / 8 * 8; row < n; row++)
    if (!(distances[row] > 0)) wasmprep_bit_set(valid, row, false);
  wasmprep_column_finish(out);
  wasmprep_columns_free(in);
  return true;
}

}  // namespace

CONFORMANCE_GUEST(fare_per_km)
