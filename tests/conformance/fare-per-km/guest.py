from array import array

import wasmprep_plugin as wp


class Case(wp.Plugin):
    """The cost table's kernel (`make bench-kits`): fare_per_km =
    fare_amount / (trip_distance in miles * 1.609344), null where an input
    is null or the distance is not positive."""

    def configure(self, config):
        return (
            wp.Contract("fare-per-km", "0.1.0")
            .input("fare_amount", wp.DataType.FLOAT64)
            .input("trip_distance", wp.DataType.FLOAT64)
            .nullable_output("fare_per_km", wp.DataType.FLOAT64)
        )

    def process(self, batch):
        fare, distance = batch["fare_amount"], batch["trip_distance"]
        fares, distances = fare.f64(), distance.f64()
        n = len(batch)
        per_km = array("d", bytes(8 * n))
        validity = wp.ValidityBuilder.all_valid(n)
        for row in range(n):
            d = distances[row]
            if d > 0.0 and fare.valid(row) and distance.valid(row):
                per_km[row] = fares[row] / (d * 1.609344)
            else:
                validity.set_null(row)
        return wp.Output(wp.column_from_array(wp.DataType.FLOAT64, per_km, validity))
