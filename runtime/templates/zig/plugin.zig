//! {{name}}: multiplies the float64 column `value` by `factor` (default 2)
//! into a new column `scaled`; a null stays null.
//!
//! Build: wasmprep plugin build .   (or {{sdk}}/zig/build.sh plugin.zig -o {{name}}.wasm)
//! Test natively: {{sdk}}/zig/build.sh test plugin.zig

const std = @import("std");
const wp = @import("wasmprep");

pub const Plugin = struct {
    factor: f64 = 2,

    pub fn configure(self: *Plugin, config: *wp.Config) !wp.Contract {
        // A key never read here is refused after configure ("unknown key(s)").
        self.factor = try config.float(f64, "factor", 2);
        wp.log.debug("{{name}} multiplies by {d}", .{self.factor});

        var contract = wp.Contract.init("{{name}}", "0.1.0");
        try contract.input("value", .float64); // may hold nulls
        try contract.nullableOutput("scaled", .float64);
        return contract;
    }

    pub fn process(self: *Plugin, batch: wp.Batch, out: *wp.Output) !void {
        const value = batch.get("value");
        var scaled = try out.primitive(0, f64); // output 0, in contract order
        for (value.values(f64), scaled.values) |v, *s| s.* = v * self.factor;
        scaled.andValidity(value); // null where `value` is null
    }
};

comptime {
    wp.exportPlugin(Plugin);
}

test "scales, keeps nulls" {
    var h = wp.testing.Harness(Plugin).init();
    defer h.deinit();
    _ = try h.configure(&.{.{ "factor", "3" }});
    var result = try h.process(&.{try h.column(f64, &.{ 1.5, null, -2 })});
    defer result.deinit();
    const scaled = result.column(0);
    try std.testing.expectEqual(@as(?f64, 4.5), scaled.get(f64, 0));
    try std.testing.expectEqual(@as(?f64, null), scaled.get(f64, 1));
    try std.testing.expectEqual(@as(?f64, -6), scaled.get(f64, 2));
}

test "a factor that is not a number is refused" {
    var h = wp.testing.Harness(Plugin).init();
    defer h.deinit();
    const result = h.configure(&.{.{ "factor", "lots" }});
    try wp.testing.expectError(.invalid_config, "`factor` = \"lots\" is not a valid number", if (result) |_| error.NoError else |e| e);
}
