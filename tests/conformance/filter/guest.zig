const wp = @import("wasmprep");

/// Keeps the rows whose `n` is even (a null `n` is dropped).
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("filter", "0.1.0");
        try contract.input("n", .int32);
        contract.filters = true;
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        const n = batch.get("n");
        const keep = try out.selection();
        for (n.values(i32), 0..) |v, row| keep.set(row, n.isValid(row) and @rem(v, 2) == 0);
    }
};
