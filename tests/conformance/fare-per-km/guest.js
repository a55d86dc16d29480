import * as wp from 'wasmprep-plugin';

// The cost table's kernel (`make bench-kits`): fare_per_km =
// fare_amount / (trip_distance in miles * 1.609344), null where an input is
// null or the distance is not positive.
export class Case extends wp.Plugin {
  configure() {
    return new wp.Contract('fare-per-km', '0.1.0')
      .input('fare_amount', wp.DataType.FLOAT64)
      .input('trip_distance', wp.DataType.FLOAT64)
      .nullableOutput('fare_per_km', wp.DataType.FLOAT64);
  }

  process(batch) {
    const fare = batch.get('fare_amount');
    const distance = batch.get('trip_distance');
    const fares = fare.f64();
    const distances = distance.f64();
    const rows = batch.length;
    const perKm = new Float64Array(rows);
    const validity = wp.ValidityBuilder.validWhereAll(rows, fare, distance);
    for (let row = 0; row < rows; row++) {
      const d = distances[row];
      if (d > 0) perKm[row] = fares[row] / (d * 1.609344);
      else validity.setNull(row);
    }
    return new wp.Output(wp.columnFromArray(wp.DataType.FLOAT64, perKm, validity));
  }
}
