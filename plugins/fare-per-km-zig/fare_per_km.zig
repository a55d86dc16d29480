//! fare-per-km: a wasmprep plugin in Zig, written with the kit (sdk/zig).
//!
//! Adds fare_per_km = fare_amount / trip_distance in km (float64), null
//! where either input is null or the distance is zero; a negative distance
//! is an invalid input, reported with its row.
//!
//! Configuration (optional): `output` names the new column (default
//! fare_per_km); `distance_unit` is the unit of trip_distance, `mile`
//! (default, as in the NYC taxi data) or `km`.
//!
//! Build: `../../sdk/zig/build.sh fare_per_km.zig -o fare-per-km.wasm`;
//! test natively: `../../sdk/zig/build.sh test fare_per_km.zig`.

const std = @import("std");
const wp = @import("wasmprep");

pub const FarePerKm = struct {
    output: []const u8 = "fare_per_km",
    km_per_unit: f64 = km_per_mile,

    const km_per_mile = 1.609344;
    const Unit = enum { mile, km };

    pub fn configure(self: *FarePerKm, config: *wp.Config) !wp.Contract {
        // Views into the configuration stay valid until the next configure.
        self.output = config.text("output", "fare_per_km");
        const unit = try config.choice(Unit, "distance_unit", .mile);
        self.km_per_unit = switch (unit) {
            .mile => km_per_mile,
            .km => 1,
        };
        wp.log.debug("fare-per-km writes `{s}` (distances in {t})", .{ self.output, unit });

        var contract = wp.Contract.init("fare-per-km", "0.1.0");
        try contract.input("fare_amount", .float64);
        try contract.input("trip_distance", .float64);
        try contract.nullableOutput(self.output, .float64);
        return contract;
    }

    pub fn process(self: *FarePerKm, batch: wp.Batch, out: *wp.Output) !void {
        const fare = batch.get("fare_amount");
        const distance = batch.get("trip_distance");
        const fares = fare.values(f64);
        const distances = distance.values(f64);
        var per_km = try out.primitive(0, f64);
        // Valid where both inputs are (their bitmaps ANDed a byte at a
        // time), so the loop reads no bitmap for the common rows.
        per_km.andValidity(fare);
        per_km.andValidity(distance);
        for (fares, distances, per_km.values, 0..) |f, d, *value, row| {
            if (farePerKm(f, d, self.km_per_unit)) |v| {
                value.* = v;
            } else if (d < 0 and per_km.isValid(row)) {
                return wp.invalidInput(@intCast(row), "trip_distance", "negative distance {d}", .{d});
            } else {
                per_km.setNull(row); // a zero distance (a row already null stays null)
            }
        }
    }
};

/// The kernel: the fare per km, or null when the distance is not positive.
pub fn farePerKm(fare: f64, distance: f64, km_per_unit: f64) ?f64 {
    return if (distance > 0) fare / (distance * km_per_unit) else null;
}

comptime {
    wp.exportPlugin(FarePerKm);
}

// ---- Native tests: `build.sh test fare_per_km.zig` (no WebAssembly). ----

const testing = std.testing;

test "kernel: miles to km, zero and negative distances" {
    try testing.expectApproxEqRel(3.1068559611866697, farePerKm(10, 2, 1.609344).?, 1e-12);
    try testing.expectEqual(@as(?f64, 5), farePerKm(10, 2, 1));
    try testing.expectEqual(@as(?f64, null), farePerKm(7.5, 0, 1));
    try testing.expectEqual(@as(?f64, null), farePerKm(7.5, -1, 1));
}

test "km, renamed output, nulls where an input is null or the distance zero" {
    var h = wp.testing.Harness(FarePerKm).init();
    defer h.deinit();
    const contract = try h.configure(&.{ .{ "distance_unit", "km" }, .{ "output", "price_per_km" } });
    try testing.expectEqualStrings("price_per_km", contract.outputs.items[0].name);

    var result = try h.process(&.{
        try h.column(f64, &.{ 10, 7.5, null, 12, 0 }),
        try h.column(f64, &.{ 2, 0, 3, null, 0.8 }),
    });
    defer result.deinit();
    const per_km = result.column(0);
    try testing.expectEqual(@as(?f64, 5), per_km.get(f64, 0));
    try testing.expectEqual(@as(?f64, null), per_km.get(f64, 1));
    try testing.expectEqual(@as(?f64, null), per_km.get(f64, 2));
    try testing.expectEqual(@as(?f64, null), per_km.get(f64, 3));
    try testing.expectEqual(@as(?f64, 0), per_km.get(f64, 4));
    try testing.expectEqual(@as(u32, 3), per_km.null_count);
}

test "a negative distance names its row and column" {
    var h = wp.testing.Harness(FarePerKm).init();
    defer h.deinit();
    _ = try h.configure(&.{});
    const result = h.process(&.{ try h.column(f64, &.{ 10, 8 }), try h.column(f64, &.{ 2, -1.5 }) });
    try wp.testing.expectError(.invalid_input, "negative distance -1.5", if (result) |_| error.NoError else |e| e);
    try testing.expectEqual(@as(?u32, 1), wp.last_error.row);
    try testing.expectEqualStrings("trip_distance", wp.last_error.column.?);
}

test "a negative distance in a null row is not an error" {
    var h = wp.testing.Harness(FarePerKm).init();
    defer h.deinit();
    _ = try h.configure(&.{});
    var result = try h.process(&.{ try h.column(f64, &.{null}), try h.column(f64, &.{-1}) });
    defer result.deinit();
    try testing.expect(result.column(0).isNull(0));
}

test "bad unit and unknown key are invalid configurations" {
    var h = wp.testing.Harness(FarePerKm).init();
    defer h.deinit();
    try wp.testing.expectError(.invalid_config, "`distance_unit` = \"furlong\": expected mile or km", if (h.configure(&.{.{ "distance_unit", "furlong" }})) |_| error.NoError else |e| e);
    try wp.testing.expectError(.invalid_config, "unknown key(s): distance_units", if (h.configure(&.{.{ "distance_units", "km" }})) |_| error.NoError else |e| e);
}
