const wp = @import("wasmprep");

/// Logs one message at each level per batch; the batch passes unchanged.
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("logging", "0.1.0");
        try contract.input("n", .int32);
        try contract.nullableOutput("n", .int32);
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        wp.log.trace("trace message", .{});
        wp.log.debug("debug message", .{});
        wp.log.info("info message", .{});
        wp.log.warn("warn message", .{});
        wp.log.err("error message, {d} rows", .{batch.len});
        try out.copy(0, batch.get("n"));
    }
};
