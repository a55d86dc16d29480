const wp = @import("wasmprep");

/// Adds sum = a + b, label = "big" when sum > 10 else "small", and
/// positive = sum > 0; all three null where a or b is.
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("add-columns", "0.1.0");
        try contract.input("a", .float64);
        try contract.input("b", .float64);
        try contract.nullableOutput("sum", .float64);
        try contract.nullableOutput("label", .utf8);
        try contract.nullableOutput("positive", .boolean);
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        const a = batch.get("a");
        const b = batch.get("b");
        const sum = try out.primitive(0, f64);
        const label = try out.utf8(1, 8 * @as(usize, batch.len));
        const positive = try out.boolean(2);
        for (a.values(f64), b.values(f64), sum.values, 0..) |x, y, *s, row| {
            if (a.isNull(row) or b.isNull(row)) {
                sum.setNull(row);
                try label.appendNull();
                positive.setNull(row);
                continue;
            }
            s.* = x + y;
            try label.append(if (s.* > 10) "big" else "small");
            positive.set(row, s.* > 0);
        }
    }
};
