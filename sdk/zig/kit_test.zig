//! Tests of the kit itself, natively: `zig test -lc wasmprep.zig` (or
//! `build.sh test wasmprep.zig` from this folder).

const std = @import("std");
const wp = @import("wasmprep.zig");
const testing = std.testing;

/// Exercises every builder: keeps rows whose `name` is not empty, writes
/// `label` (utf8) = "<name>#<id>", `even` (boolean) and copies `id`.
const Labels = struct {
    prefix: []const u8 = "",
    limit: i64 = 0,
    strict: bool = false,

    pub fn configure(self: *Labels, config: *wp.Config) !wp.Contract {
        self.prefix = config.text("prefix", "");
        self.limit = try config.int(i64, "limit", 100);
        self.strict = try config.boolean("strict", false);
        _ = try config.float(f32, "ratio", 0.5);
        wp.log.trace("trace {d}", .{1});
        wp.log.debug("debug {d}", .{2});
        wp.log.info("info {d}", .{3});
        wp.log.warn("warn {d}", .{4});
        wp.log.err("err {d}", .{5});
        var contract = wp.Contract.init("labels", "1.0.0");
        try contract.input("id", .int64);
        try contract.input("name", .utf8);
        try contract.input("flag", .boolean);
        try contract.nullableOutput("label", .utf8);
        try contract.output("even", .boolean);
        try contract.nullableOutput("id", .int64);
        contract.filters = true;
        return contract;
    }

    pub fn process(self: *Labels, batch: wp.Batch, out: *wp.Output) !void {
        const id = batch.column(0);
        const name = batch.get("name");
        const flag = batch.get("flag");
        var label = try out.utf8(0, 16);
        const even = try out.boolean(1);
        try out.copy(2, id);
        const keep = try out.selection();
        for (0..batch.len) |row| {
            const value = id.get(i64, row);
            if (value) |v| if (v > self.limit) return wp.invalidInput(@intCast(row), "id", "id {d} is over the limit {d}", .{ v, self.limit });
            if (name.isNull(row)) {
                try label.appendNull();
            } else {
                try label.print("{s}{s}#{?d}", .{ self.prefix, name.utf8(row), value });
            }
            even.set(row, if (value) |v| @mod(v, 2) == 0 else false);
            keep.set(row, name.isValid(row) and name.utf8(row).len > 0 and (!self.strict or flag.boolean(row)));
        }
    }
};

test "configuration: typed values, defaults, errors naming the key" {
    var h = wp.testing.Harness(Labels).init();
    defer h.deinit();
    const contract = try h.configure(&.{ .{ "prefix", "p-" }, .{ "limit", " 7" }, .{ "strict", "true" }, .{ "ratio", "0.25" } });
    try testing.expectEqualStrings("labels", contract.name);
    try testing.expect(contract.filters);
    try testing.expectEqual(@as(i64, 7), h.plugin.limit);
    try testing.expect(h.plugin.strict);

    try wp.testing.expectError(.invalid_config, "`limit` = \"seven\" is not a valid i64", if (h.configure(&.{.{ "limit", "seven" }})) |_| error.NoError else |e| e);
    try wp.testing.expectError(.invalid_config, "`strict` = \"yes\" is not a valid bool", if (h.configure(&.{.{ "strict", "yes" }})) |_| error.NoError else |e| e);
    try wp.testing.expectError(.invalid_config, "`ratio` = \"inf\" is not a valid number", if (h.configure(&.{.{ "ratio", "inf" }})) |_| error.NoError else |e| e);
    try wp.testing.expectError(.invalid_config, "unknown key(s): prefx, limt", if (h.configure(&.{ .{ "prefx", "a" }, .{ "limt", "1" } })) |_| error.NoError else |e| e);
}

test "logging at every level" {
    var h = wp.testing.Harness(Labels).init();
    defer h.deinit();
    _ = try h.configure(&.{});
    const logs = wp.testing.loggedMessages();
    try testing.expectEqual(@as(usize, 5), logs.len);
    try testing.expectEqual(wp.LogLevel.trace, logs[0].level);
    try testing.expectEqualStrings("err 5", logs[4].message);
}

test "utf8, boolean, copied column and selection" {
    var h = wp.testing.Harness(Labels).init();
    defer h.deinit();
    _ = try h.configure(&.{.{ "prefix", "p-" }});
    var result = try h.process(&.{
        try h.column(i64, &.{ 1, 2, null, 4 }),
        try h.utf8Column(&.{ "a", "", "c", null }),
        try h.booleanColumn(&.{ true, false, null, true }),
    });
    defer result.deinit();
    const label = result.column(0);
    try testing.expectEqualStrings("p-a#1", label.utf8(0));
    try testing.expectEqualStrings("p-#2", label.utf8(1));
    try testing.expectEqualStrings("p-c#null", label.utf8(2));
    try testing.expect(label.isNull(3));
    try testing.expectEqual(@as(u32, 1), label.null_count);
    const even = result.column(1);
    try testing.expect(!even.boolean(0) and even.boolean(1) and !even.boolean(2) and even.boolean(3));
    try testing.expectEqual(@as(?[]const u8, null), even.validity); // no nulls: no bitmap
    const id = result.column(2);
    try testing.expectEqual(@as(?i64, 4), id.get(i64, 3));
    try testing.expectEqual(@as(?i64, null), id.get(i64, 2));
    try testing.expect(result.kept(0) and !result.kept(1) and result.kept(2) and !result.kept(3));
}

test "an invalid input names its row and column" {
    var h = wp.testing.Harness(Labels).init();
    defer h.deinit();
    _ = try h.configure(&.{.{ "limit", "3" }});
    const result = h.process(&.{
        try h.column(i64, &.{ 1, 9 }),
        try h.utf8Column(&.{ "a", "b" }),
        try h.booleanColumn(&.{ true, true }),
    });
    try wp.testing.expectError(.invalid_input, "id 9 is over the limit 3", if (result) |_| error.NoError else |e| e);
    try testing.expectEqual(@as(?u32, 1), wp.last_error.row);
    try testing.expectEqualStrings("id", wp.last_error.column.?);
}

test "the harness checks inputs against the contract" {
    var h = wp.testing.Harness(Labels).init();
    defer h.deinit();
    _ = try h.configure(&.{});
    const wrong_type = h.process(&.{
        try h.column(i32, &.{1}),
        try h.utf8Column(&.{"a"}),
        try h.booleanColumn(&.{true}),
    });
    try wp.testing.expectError(.failure, "input 0 (`id`) is int64 in the contract, the test passed int32", if (wrong_type) |_| error.NoError else |e| e);
    const too_few = h.process(&.{try h.column(i64, &.{1})});
    try wp.testing.expectError(.failure, "1 columns for 3 declared inputs", if (too_few) |_| error.NoError else |e| e);
}

/// Declares an output and never writes it.
const Forgetful = struct {
    pub fn configure(_: *Forgetful, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("forgetful", "0.1.0");
        try contract.input("x", .float32);
        try contract.output("y", .float32);
        return contract;
    }
    pub fn process(_: *Forgetful, _: wp.Batch, _: *wp.Output) !void {
        return error.DiskOnFire;
    }
};

test "any other error is a failure named after it" {
    var h = wp.testing.Harness(Forgetful).init();
    defer h.deinit();
    _ = try h.configure(&.{});
    const result = h.process(&.{try h.column(f32, &.{1})});
    try wp.testing.expectError(.failure, "DiskOnFire", if (result) |_| error.NoError else |e| e);
}

test "bitmaps" {
    var map = [_]u8{ 0xff, 0x00 };
    wp.bitmap.set(&map, 3, false);
    wp.bitmap.set(&map, 9, true);
    try testing.expect(!wp.bitmap.get(&map, 3) and wp.bitmap.get(&map, 9));
    try testing.expectEqual(@as(usize, 1 + 7), wp.bitmap.countZeros(&map, 16));
    try testing.expectEqual(@as(usize, 2), wp.bitmap.countZeros(&map, 10));
}
