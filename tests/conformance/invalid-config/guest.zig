const std = @import("std");
const wp = @import("wasmprep");

/// Refuses a `factor` that is not a number.
pub const Case = struct {
    pub fn configure(_: *Case, config: *wp.Config) !wp.Contract {
        const factor = config.text("factor", "1");
        _ = std.fmt.parseFloat(f64, factor) catch
            return wp.invalidConfig("factor must be a number, not `{s}`", .{factor});
        var contract = wp.Contract.init("invalid-config", "0.1.0");
        try contract.input("n", .int32);
        try contract.nullableOutput("n", .int32);
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        try out.copy(0, batch.get("n"));
    }
};
