// fare-per-km: a wasmprep plugin in JavaScript, written with the kit (sdk/js).
//
// Adds fare_per_km = fare_amount / trip_distance in km (float64), null where
// either input is null or the distance is zero; a negative distance is an
// invalid input, reported with its row.
//
// Columns arrive as Arrow buffers: `column.f64()` is a Float64Array over
// the float64 values, so nothing is converted at the boundary; the output
// is a Float64Array and a validity bitmap (the loop over rows is the
// plugin's own work).
//
// Configuration (optional): `output` names the new column (default
// fare_per_km); `distance_unit` is the unit of trip_distance, `mile`
// (default, as in the NYC taxi data) or `km`.
// Build: `npx wasmprep-plugin build app.js -o fare-per-km.wasm`.

import * as wp from 'wasmprep-plugin';

const KM_PER = { mile: 1.609344, km: 1 };

export class FarePerKm extends wp.Plugin {
  configure(config) {
    this.output = config.get('output', 'fare_per_km');
    const unit = config.get('distance_unit', 'mile');
    if (!(unit in KM_PER)) throw new wp.InvalidConfig(`\`distance_unit\` = "${unit}": expected mile or km`);
    this.kmPer = KM_PER[unit];
    wp.log.debug(`fare-per-km writes \`${this.output}\` (distances in ${unit})`);
    return new wp.Contract('fare-per-km', '0.1.0')
      .input('fare_amount', wp.DataType.FLOAT64)
      .input('trip_distance', wp.DataType.FLOAT64)
      .nullableOutput(this.output, wp.DataType.FLOAT64);
  }

  process(batch) {
    const fare = batch.get('fare_amount');
    const distance = batch.get('trip_distance');
    const fares = fare.f64();
    const distances = distance.f64();
    const rows = batch.length;
    const kmPer = this.kmPer;
    const values = new Float64Array(rows);
    // Valid where both inputs are (their bitmaps ANDed a byte at a time),
    // so the loop reads no bitmap for the common rows.
    const validity = wp.ValidityBuilder.validWhereAll(rows, fare, distance);
    for (let row = 0; row < rows; row++) {
      const d = distances[row];
      if (d > 0) {
        values[row] = fares[row] / (d * kmPer);
      } else if (d < 0 && validity.valid(row)) {
        throw new wp.InvalidInput(`negative distance ${d}`, 'trip_distance', row);
      } else {
        validity.setNull(row); // a zero distance (a row already null stays null)
      }
    }
    return new wp.Output(wp.columnFromArray(wp.DataType.FLOAT64, values, validity));
  }
}

export const transform = wp.exportPlugin(FarePerKm);
