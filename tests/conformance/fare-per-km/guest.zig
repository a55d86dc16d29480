const wp = @import("wasmprep");

/// The cost table's kernel (`make bench-kits`): fare_per_km =
/// fare_amount / (trip_distance in miles * 1.609344), null where an input
/// is null or the distance is not positive.
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("fare-per-km", "0.1.0");
        try contract.input("fare_amount", .float64);
        try contract.input("trip_distance", .float64);
        try contract.nullableOutput("fare_per_km", .float64);
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        const fare = batch.get("fare_amount");
        const distance = batch.get("trip_distance");
        const fares = fare.values(f64);
        const distances = distance.values(f64);
        const per_km = try out.primitive(0, f64);
        // Typed slices over the Arrow buffers, one pass with no branch.
        for (fares, distances, per_km.values) |f, d, *v| v.* = f / (d * 1.609344);
        // Null where an input is (the bitmaps ANDed a byte at a time) ...
        per_km.andValidity(fare);
        per_km.andValidity(distance);
        // ... or where the distance is not positive.
        for (distances, 0..) |d, row| {
            if (!(d > 0)) per_km.setNull(row);
        }
    }
};
