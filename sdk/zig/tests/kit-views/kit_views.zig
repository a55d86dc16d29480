//! kit-views: a test plugin that goes through every view and builder of the
//! Zig kit in the real sandbox (the kit's own tests, kit_test.zig, run the
//! same paths natively). Golden cases: cases/.
//!
//! Inputs id (int64), name (utf8), flag (boolean), at (timestamp[us]);
//! outputs label (utf8, "<prefix><name>#<id>", null where name is null),
//! even (boolean), id (a copy), day (date32 of `at`); keeps rows whose name
//! is not empty (and whose flag is set, when `strict`). An id over `limit`
//! is an invalid input.
//!
//!   ../../build.sh kit_views.zig -o kit-views.wasm && wasmprep plugin test kit-views.wasm cases

const std = @import("std");
const wp = @import("wasmprep");

pub const KitViews = struct {
    prefix: []const u8 = "",
    limit: i64 = 100,
    strict: bool = false,

    pub fn configure(self: *KitViews, config: *wp.Config) !wp.Contract {
        self.prefix = config.text("prefix", "");
        self.limit = try config.int(i64, "limit", 100);
        self.strict = try config.boolean("strict", false);
        var contract = wp.Contract.init("kit-views", "0.1.0");
        try contract.input("id", .int64);
        try contract.input("name", .utf8);
        try contract.input("flag", .boolean);
        try contract.input("at", .{ .timestamp = .{ .unit = .microsecond } });
        try contract.nullableOutput("label", .utf8);
        try contract.output("even", .boolean);
        try contract.nullableOutput("id", .int64);
        try contract.nullableOutput("day", .date32);
        contract.filters = true;
        return contract;
    }

    pub fn process(self: *KitViews, batch: wp.Batch, out: *wp.Output) !void {
        const id = batch.get("id");
        const name = batch.get("name");
        const flag = batch.get("flag");
        const at = batch.get("at");
        var label = try out.utf8(0, 64);
        const even = try out.boolean(1);
        try out.copy(2, id);
        var day = try out.primitive(3, i32);
        day.andValidity(at);
        const keep = try out.selection();
        const micros_per_day = 86_400 * 1_000_000;
        for (0..batch.len, at.values(i64), day.values) |row, t, *d| {
            const value = id.get(i64, row);
            if (value) |v| if (v > self.limit) {
                return wp.invalidInput(@intCast(row), "id", "id {d} is over the limit {d}", .{ v, self.limit });
            };
            if (name.isNull(row)) {
                try label.appendNull();
            } else {
                try label.print("{s}{s}#{?d}", .{ self.prefix, name.utf8(row), value });
            }
            even.set(row, if (value) |v| @mod(v, 2) == 0 else false);
            d.* = @intCast(@divFloor(t, micros_per_day));
            const named = name.isValid(row) and name.utf8(row).len > 0;
            keep.set(row, named and (!self.strict or (flag.isValid(row) and flag.boolean(row))));
        }
    }
};

comptime {
    wp.exportPlugin(KitViews);
}
