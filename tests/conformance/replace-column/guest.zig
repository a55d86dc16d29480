const wp = @import("wasmprep");

/// Replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay.
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("replace-column", "0.1.0");
        try contract.input("x", .int64);
        try contract.input("s", .utf8);
        try contract.nullableOutput("x", .int64);
        try contract.nullableOutput("s", .utf8);
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        const x = batch.get("x");
        const s = batch.get("s");
        var doubled = try out.primitive(0, i64);
        // Wrapping, as Rust's release build: a null row's slot is unspecified.
        for (x.values(i64), doubled.values) |v, *d| d.* = v *% 2;
        doubled.andValidity(x);
        const shouted = try out.utf8(1, s.bytes.len + batch.len);
        for (0..batch.len) |row| {
            if (s.isNull(row)) {
                try shouted.appendNull();
            } else {
                try shouted.print("{s}!", .{s.utf8(row)});
            }
        }
    }
};
