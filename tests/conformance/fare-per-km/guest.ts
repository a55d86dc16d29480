import * as wp from 'wasmprep-plugin';

// The cost table's kernel (`make bench-kits`): fare_per_km =
// fare_amount / (trip_distance in miles * 1.609344), null where an input is
// null or the distance is not positive. Typed arrays over the input buffers,
// one Float64Array out and a validity from the inputs' bitmaps: no call and
// no allocation per row.
export class Case extends wp.Plugin {
  configure(): wp.Contract {
    return new wp.Contract('fare-per-km', '0.1.0')
      .input('fare_amount', wp.DataType.FLOAT64)
      .input('trip_distance', wp.DataType.FLOAT64)
      .nullableOutput('fare_per_km', wp.DataType.FLOAT64);
  }

  process(batch: wp.Batch): wp.Output {
    const fare = batch.get('fare_amount');
    const distance = batch.get('trip_distance');
    const fares: Float64Array = fare.f64();
    const distances: Float64Array = distance.f64();
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
