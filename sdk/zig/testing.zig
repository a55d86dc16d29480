//! Native tests of a plugin, without WebAssembly: `wp.testing.Harness`
//! runs a plugin's `configure` and `process` the way the component does
//! (unknown keys refused, inputs checked against the contract, outputs
//! checked and finished), on columns made from Zig values.
//!
//!     test "scales" {
//!         var h = wp.testing.Harness(Scale).init();
//!         defer h.deinit();
//!         _ = try h.configure(&.{.{ "factor", "3" }});
//!         var result = try h.process(&.{try h.column(f64, &.{ 1.5, null })});
//!         defer result.deinit();
//!         try std.testing.expectEqual(4.5, result.column(0).get(f64, 0).?);
//!         try std.testing.expect(result.column(0).isNull(1));
//!     }
//!
//! An error of the plugin is returned as is; `wp.last_error` (or
//! `wp.diagnose(err)`) holds its message, row and column, and
//! `expectError` checks both at once.

const std = @import("std");
const wp = @import("wasmprep.zig");

/// A log message a plugin wrote (natively).
pub const Log = struct { level: wp.LogLevel, message: []const u8 };

var logs: std.ArrayList(Log) = .empty;
var log_arena: std.heap.ArenaAllocator = .init(std.heap.page_allocator);

/// Also print log messages to stderr (off by default).
pub var echo_logs = false;

pub fn recordLog(level: wp.LogLevel, message: []const u8) void {
    if (echo_logs) std.debug.print("[{s}] {s}\n", .{ @tagName(level), message });
    const copy = log_arena.allocator().dupe(u8, message) catch return;
    logs.append(log_arena.allocator(), .{ .level = level, .message = copy }) catch return;
}

/// The messages logged since the last `clearLogs`.
pub fn loggedMessages() []const Log {
    return logs.items;
}

pub fn clearLogs() void {
    logs = .empty;
    _ = log_arena.reset(.free_all);
}

/// The data type of a column made of `T` values.
pub fn dataTypeOf(comptime T: type) wp.DataType {
    return switch (T) {
        i8 => .int8,
        i16 => .int16,
        i32 => .int32,
        i64 => .int64,
        u8 => .uint8,
        u16 => .uint16,
        u32 => .uint32,
        u64 => .uint64,
        f32 => .float32,
        f64 => .float64,
        bool => .boolean,
        []const u8 => .utf8,
        else => @compileError("no column type for " ++ @typeName(T)),
    };
}

/// Checks that `err` is a plugin error of `kind` whose message contains
/// `message`.
pub fn expectError(kind: wp.Diagnostic.Kind, message: []const u8, err: anyerror) !void {
    const d = wp.diagnose(err);
    if (d.kind != kind or std.mem.indexOf(u8, d.message, message) == null) {
        std.debug.print("expected {s} containing \"{s}\", got {s}: \"{s}\"\n", .{ @tagName(kind), message, @tagName(d.kind), d.message });
        return error.TestExpectedError;
    }
}

/// The outputs of one `process` call.
pub const Result = struct {
    output: wp.Output,

    /// Output `i` as a column view.
    pub fn column(self: *const Result, i: usize) wp.Column {
        return self.output.columns[i].view();
    }

    /// Whether the selection keeps `row` (true when the plugin does not filter).
    pub fn kept(self: *const Result, row: usize) bool {
        const map = self.output.selection_map orelse return true;
        return wp.bitmap.get(map, row);
    }

    pub fn deinit(self: *Result) void {
        self.output.deinit();
    }
};

/// Runs `Plugin` natively, as the component would.
pub fn Harness(comptime Plugin: type) type {
    wp.checkPlugin(Plugin);
    return struct {
        const Self = @This();

        plugin: Plugin = .{},
        contract: ?wp.Contract = null,
        /// Test columns and configuration live here until `deinit`.
        arena: std.heap.ArenaAllocator,

        pub fn init() Self {
            clearLogs();
            return .{ .arena = .init(std.heap.page_allocator) };
        }

        pub fn deinit(self: *Self) void {
            if (self.contract) |*c| c.deinit();
            self.arena.deinit();
        }

        /// Configures the plugin with `pairs` (key, value) and returns its
        /// contract. Keys the plugin does not read are refused, as in the
        /// component.
        pub fn configure(self: *Self, pairs: []const [2][]const u8) !*const wp.Contract {
            const a = self.arena.allocator();
            const entries = try a.alloc(wp.Config.Entry, pairs.len);
            for (entries, pairs) |*e, p| e.* = .{ .key = try a.dupe(u8, p[0]), .value = try a.dupe(u8, p[1]) };
            const used = try a.alloc(bool, pairs.len);
            @memset(used, false);
            if (self.contract) |*c| c.deinit();
            self.contract = null;
            self.plugin = .{};
            var config: wp.Config = .{ .entries = entries, .used = used };
            var contract = try self.plugin.configure(&config);
            config.finish() catch |e| {
                contract.deinit();
                return e;
            };
            self.contract = contract;
            return &self.contract.?;
        }

        /// Runs `process` on `columns` (the contract's inputs, in order),
        /// checked as the host checks them.
        pub fn process(self: *Self, columns: []const wp.Column) !Result {
            const contract = self.contract orelse return wp.failure("process called before configure", .{});
            const specs = contract.inputs.items;
            if (columns.len != specs.len) return wp.failure("{d} columns for {d} declared inputs", .{ columns.len, specs.len });
            const named = try self.arena.allocator().dupe(wp.Column, columns);
            for (named, specs, 0..) |*c, spec, i| {
                if (std.meta.activeTag(c.data_type) != std.meta.activeTag(spec.data_type)) {
                    return wp.failure("input {d} (`{s}`) is {f} in the contract, the test passed {f}", .{ i, spec.name, spec.data_type, c.data_type });
                }
                if (!spec.nullable and c.null_count > 0) return wp.failure("input `{s}` is not nullable but the test passed nulls", .{spec.name});
                if (c.len != columns[0].len) return wp.failure("input `{s}` has {d} rows, input 0 has {d}", .{ spec.name, c.len, columns[0].len });
                c.name = spec.name;
                c.data_type = spec.data_type;
            }
            const len: u32 = if (columns.len > 0) columns[0].len else 0;
            var out = try wp.Output.init(contract.outputs.items, len, contract.filters);
            errdefer out.deinit();
            try self.plugin.process(.{ .columns = named, .len = len }, &out);
            try out.finish();
            for (out.columns) |*c| if (!c.spec.nullable and c.nullCount() > 0) {
                return wp.failure("output `{s}` is not nullable but has nulls", .{c.spec.name});
            };
            return .{ .output = out };
        }

        /// A column of fixed-width `T` values (null = a null row); its type
        /// follows `T` (f64 -> float64, i32 -> int32, ...).
        pub fn column(self: *Self, comptime T: type, values: []const ?T) !wp.Column {
            return self.typedColumn(dataTypeOf(T), T, values);
        }

        /// A column of `data_type` (date32, timestamp, ...) made of `T` values.
        pub fn typedColumn(self: *Self, data_type: wp.DataType, comptime T: type, values: []const ?T) !wp.Column {
            const a = self.arena.allocator();
            const data = try a.alloc(T, values.len);
            const validity = try self.validityOf(T, values);
            for (data, values) |*d, v| d.* = v orelse std.mem.zeroes(T);
            return .{
                .name = "",
                .data_type = data_type,
                .len = @intCast(values.len),
                .null_count = nullCount(T, values),
                .validity = validity,
                .offsets = null,
                .bytes = std.mem.sliceAsBytes(data),
            };
        }

        /// A boolean column.
        pub fn booleanColumn(self: *Self, values: []const ?bool) !wp.Column {
            const a = self.arena.allocator();
            const data = try a.alloc(u8, wp.bitmap.bytes(values.len));
            @memset(data, 0);
            for (values, 0..) |v, i| wp.bitmap.set(data, i, v orelse false);
            return .{
                .name = "",
                .data_type = .boolean,
                .len = @intCast(values.len),
                .null_count = nullCount(bool, values),
                .validity = try self.validityOf(bool, values),
                .offsets = null,
                .bytes = data,
            };
        }

        /// A utf8 column.
        pub fn utf8Column(self: *Self, values: []const ?[]const u8) !wp.Column {
            const a = self.arena.allocator();
            const offsets = try a.alloc(i32, values.len + 1);
            var text: std.ArrayList(u8) = .empty;
            offsets[0] = 0;
            for (values, 0..) |v, i| {
                try text.appendSlice(a, v orelse "");
                offsets[i + 1] = @intCast(text.items.len);
            }
            return .{
                .name = "",
                .data_type = .utf8,
                .len = @intCast(values.len),
                .null_count = nullCount([]const u8, values),
                .validity = try self.validityOf([]const u8, values),
                .offsets = std.mem.sliceAsBytes(offsets),
                .bytes = text.items,
            };
        }

        fn validityOf(self: *Self, comptime T: type, values: []const ?T) !?[]const u8 {
            if (nullCount(T, values) == 0) return null;
            const v = try self.arena.allocator().alloc(u8, wp.bitmap.bytes(values.len));
            @memset(v, 0);
            for (values, 0..) |value, i| wp.bitmap.set(v, i, value != null);
            return v;
        }

        fn nullCount(comptime T: type, values: []const ?T) u32 {
            var n: u32 = 0;
            for (values) |v| n += @intFromBool(v == null);
            return n;
        }
    };
}
