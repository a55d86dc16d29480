const wp = @import("wasmprep");

/// Refuses the first negative `n`, naming its row and column.
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("invalid-input", "0.1.0");
        try contract.input("n", .int32);
        try contract.nullableOutput("n", .int32);
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        const n = batch.get("n");
        for (n.values(i32), 0..) |v, row| {
            if (n.isValid(row) and v < 0) {
                return wp.invalidInput(@intCast(row), "n", "negative value {d}", .{v});
            }
        }
        try out.copy(0, n);
    }
};
