const wp = @import("wasmprep");

/// Fails every batch with a failure (not an input or configuration error).
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("failure", "0.1.0");
        try contract.input("n", .int32);
        try contract.nullableOutput("n", .int32);
        return contract;
    }

    pub fn process(_: *Case, _: wp.Batch, _: *wp.Output) !void {
        return wp.failure("the failure case fails on purpose", .{});
    }
};
