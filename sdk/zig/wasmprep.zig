//! wasmprep.zig: write wasmprep plugins in Zig.
//!
//! A plugin is a struct with two methods and one export line:
//!
//!     const std = @import("std");
//!     const wp = @import("wasmprep");
//!
//!     pub const Scale = struct {
//!         factor: f64 = 2,
//!
//!         pub fn configure(self: *Scale, config: *wp.Config) !wp.Contract {
//!             self.factor = try config.float(f64, "factor", 2);
//!             var contract = wp.Contract.init("scale", "0.1.0");
//!             try contract.input("value", .float64);
//!             try contract.nullableOutput("scaled", .float64);
//!             return contract;
//!         }
//!
//!         pub fn process(self: *Scale, batch: wp.Batch, out: *wp.Output) !void {
//!             const value = batch.column(0);
//!             var scaled = try out.primitive(0, f64);
//!             for (value.values(f64), scaled.values) |v, *s| s.* = v * self.factor;
//!             scaled.andValidity(value);
//!         }
//!     };
//!
//!     comptime {
//!         wp.exportPlugin(Scale);
//!     }
//!
//! On wasm32 `exportPlugin` defines the two C-ABI functions the generated
//! bindings (`wasmprep-c-bindgen generate`) call; natively it does nothing,
//! so `zig test` runs the same file against `wp.testing.Harness`.
//!
//! Memory: inputs (the configuration, the batch's columns) are views into
//! buffers the host wrote into the plugin's memory. The configuration stays
//! alive until the next `configure` (so strings read from it may be kept in
//! the plugin's fields); a batch's columns die when `process` returns.
//! Outputs are allocated with `wp.allocator` (libc malloc) and handed to the
//! host without a copy. Allocation failure is an error (`error.OutOfMemory`)
//! that reaches the host as the plugin's failure.
//!
//! Errors: return `wp.invalidConfig(fmt, args)`, `wp.invalidInput(row,
//! column, fmt, args)` or `wp.failure(fmt, args)`; each records its message
//! and returns the matching error value. Any other error (a parse error, an
//! error of a library) becomes a failure named after the error.

const std = @import("std");
const builtin = @import("builtin");

pub const testing = @import("testing.zig");

/// Where output buffers come from: libc's malloc, so that the generated
/// bindings can `free` them after the host has copied them out.
pub const allocator = std.heap.c_allocator;

/// Whether this build is the WebAssembly component (false under `zig test`).
pub const is_component = builtin.target.cpu.arch.isWasm();

// ---- Types. -------------------------------------------------------------

/// Resolution of timestamps and durations.
pub const TimeUnit = enum(u8) { second, millisecond, microsecond, nanosecond };

/// The Arrow types a column may have at the boundary (the WIT `data-type`,
/// in its order).
pub const DataType = union(enum(u8)) {
    boolean,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    float32,
    float64,
    utf8,
    large_utf8,
    binary,
    large_binary,
    date32,
    /// A 64-bit count of `unit`s since the Unix epoch; `timezone` null for
    /// a naive timestamp.
    timestamp: struct { unit: TimeUnit, timezone: ?[]const u8 = null },
    duration: TimeUnit,

    /// Whether values of this type are read as a slice of `T`.
    pub fn holds(self: DataType, comptime T: type) bool {
        return switch (self) {
            .int8 => T == i8,
            .int16 => T == i16,
            .int32, .date32 => T == i32,
            .int64, .timestamp, .duration => T == i64,
            .uint8 => T == u8,
            .uint16 => T == u16,
            .uint32 => T == u32,
            .uint64 => T == u64,
            .float32 => T == f32,
            .float64 => T == f64,
            .boolean, .utf8, .large_utf8, .binary, .large_binary => false,
        };
    }

    pub fn format(self: DataType, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        try writer.writeAll(@tagName(self));
    }
};

/// A column the plugin reads or writes.
pub const ColumnSpec = struct {
    name: []const u8,
    data_type: DataType,
    /// Input: whether nulls are accepted. Output: whether nulls may be written.
    nullable: bool,
};

// ---- Errors. ------------------------------------------------------------

/// The errors a plugin reports, each with a message recorded by the
/// function that returns it.
pub const Error = error{ InvalidConfig, InvalidInput, Failure };

/// The message and location of the last error returned by `invalidConfig`,
/// `invalidInput` or `failure`.
pub const Diagnostic = struct {
    kind: Kind = .failure,
    message: []const u8 = "",
    row: ?u32 = null,
    column: ?[]const u8 = null,

    pub const Kind = enum { invalid_config, invalid_input, failure };

    var buffer: [4096]u8 = undefined;
    var column_buffer: [256]u8 = undefined;
};

/// The diagnostic of the last error (one plugin call at a time: a
/// component has one thread).
pub var last_error: Diagnostic = .{};

fn record(kind: Diagnostic.Kind, row: ?u32, column: ?[]const u8, comptime fmt: []const u8, args: anytype) void {
    last_error = .{ .kind = kind, .row = row, .message = bufPrintTruncated(&Diagnostic.buffer, fmt, args) };
    if (column) |c| {
        const n = @min(c.len, Diagnostic.column_buffer.len);
        @memcpy(Diagnostic.column_buffer[0..n], c[0..n]);
        last_error.column = Diagnostic.column_buffer[0..n];
    }
}

/// The configuration is wrong (unknown key, bad value, ...).
pub fn invalidConfig(comptime fmt: []const u8, args: anytype) Error {
    record(.invalid_config, null, null, fmt, args);
    return error.InvalidConfig;
}

/// A value of the input cannot be processed; `row` and `column` locate it
/// for the user (null when the problem is not one row's or one column's).
pub fn invalidInput(row: ?u32, column: ?[]const u8, comptime fmt: []const u8, args: anytype) Error {
    record(.invalid_input, row, column, fmt, args);
    return error.InvalidInput;
}

/// Anything else.
pub fn failure(comptime fmt: []const u8, args: anytype) Error {
    record(.failure, null, null, fmt, args);
    return error.Failure;
}

/// The diagnostic for `err` returned by a plugin: the recorded one for the
/// kit's errors, a failure naming any other error.
pub fn diagnose(err: anyerror) Diagnostic {
    return switch (err) {
        error.InvalidConfig, error.InvalidInput, error.Failure => last_error,
        error.OutOfMemory => .{ .message = "out of memory" },
        else => .{ .message = bufPrintTruncated(&Diagnostic.buffer, "{s}", .{@errorName(err)}) },
    };
}

fn bufPrintTruncated(buffer: []u8, comptime fmt: []const u8, args: anytype) []const u8 {
    var writer: std.Io.Writer = .fixed(buffer);
    writer.print(fmt, args) catch {};
    return writer.buffered();
}

// ---- Logging. -----------------------------------------------------------

pub const LogLevel = enum(u8) { trace, debug, info, warn, err };

/// Log messages go to the host under the plugin's name (natively, under
/// `zig test`, to stderr). Each formats into a 4 KiB buffer: the host's
/// cap, so a longer message is cut as the host would cut it.
pub const log = struct {
    pub fn trace(comptime fmt: []const u8, args: anytype) void {
        print(.trace, fmt, args);
    }
    pub fn debug(comptime fmt: []const u8, args: anytype) void {
        print(.debug, fmt, args);
    }
    pub fn info(comptime fmt: []const u8, args: anytype) void {
        print(.info, fmt, args);
    }
    pub fn warn(comptime fmt: []const u8, args: anytype) void {
        print(.warn, fmt, args);
    }
    pub fn err(comptime fmt: []const u8, args: anytype) void {
        print(.err, fmt, args);
    }

    pub fn print(level: LogLevel, comptime fmt: []const u8, args: anytype) void {
        var buffer: [4096]u8 = undefined;
        write(level, bufPrintTruncated(&buffer, fmt, args));
    }

    /// Logs `message` as is (no formatting).
    pub fn write(level: LogLevel, message: []const u8) void {
        if (is_component) {
            @import("abi.zig").hostLog(level, message);
        } else {
            testing.recordLog(level, message);
        }
    }
};

/// `std.log` through the host log (the build's root file sets it, so
/// libraries that use std.log need no WASI).
pub fn stdLog(
    comptime level: std.log.Level,
    comptime scope: @EnumLiteral(),
    comptime fmt: []const u8,
    args: anytype,
) void {
    const prefix = if (scope == .default) "" else "(" ++ @tagName(scope) ++ ") ";
    const to: LogLevel = switch (level) {
        .err => .err,
        .warn => .warn,
        .info => .info,
        .debug => .debug,
    };
    log.print(to, prefix ++ fmt, args);
}

/// `std.Options` for the component: std.log to the host log, every level.
pub const std_options: std.Options = .{ .logFn = stdLog, .log_level = .debug };

/// The `Io` of `std.debug` in the component: `std.debug.print` goes to the
/// host log (stderr.zig). The build's root file sets it.
pub const debug_io = @import("stderr.zig").debug_io;

/// The panic handler of the component: the message goes to the host log
/// at error level, then the plugin traps, so the host reports the trap with
/// the panic's text just before it. (The build's root file sets it.)
pub const panic = std.debug.FullPanic(logAndTrap);

fn logAndTrap(message: []const u8, first_trace_address: ?usize) noreturn {
    @branchHint(.cold);
    if (!is_component) std.debug.defaultPanic(message, first_trace_address);
    @import("stderr.zig").flushLine();
    var buffer: [4096]u8 = undefined;
    log.write(.err, bufPrintTruncated(&buffer, "panic: {s}", .{message}));
    @trap();
}

// ---- Configuration. -----------------------------------------------------

/// The plugin's configuration: text keys and values. Scalars arrive as
/// their text ("0.01", "true", "abc"); arrays and tables as JSON text.
///
/// Reading a key marks it used; after `configure` the kit refuses keys never
/// read (`unknown key(s): outptu`), so a typo in a job file is an error, not
/// a silent default. Values are views that stay valid until the next
/// `configure`.
pub const Config = struct {
    entries: []const Entry,
    used: []bool,

    pub const Entry = struct { key: []const u8, value: []const u8 };

    /// The text of `key`, or null when absent.
    pub fn get(self: *Config, key: []const u8) ?[]const u8 {
        for (self.entries, self.used) |entry, *used| {
            if (std.mem.eql(u8, entry.key, key)) {
                used.* = true;
                return entry.value;
            }
        }
        return null;
    }

    /// The text of `key`, or `fallback` when absent.
    pub fn text(self: *Config, key: []const u8, fallback: []const u8) []const u8 {
        return self.get(key) orelse fallback;
    }

    /// One of `choices` (by its name); an invalid-config error names them.
    pub fn choice(self: *Config, comptime E: type, key: []const u8, fallback: E) Error!E {
        const value = self.get(key) orelse return fallback;
        if (std.meta.stringToEnum(E, value)) |e| return e;
        return invalidConfig("`{s}` = \"{s}\": expected {s}", .{ key, value, comptime choiceList(E) });
    }

    /// A number (`f32` or `f64`).
    pub fn float(self: *Config, comptime T: type, key: []const u8, fallback: T) Error!T {
        const value = self.get(key) orelse return fallback;
        const trimmed = std.mem.trim(u8, value, " \t");
        const parsed = std.fmt.parseFloat(T, trimmed) catch return invalidValue(key, value, "number");
        if (!std.math.isFinite(parsed)) return invalidValue(key, value, "number");
        return parsed;
    }

    /// An integer of type `T` (range checked).
    pub fn int(self: *Config, comptime T: type, key: []const u8, fallback: T) Error!T {
        const value = self.get(key) orelse return fallback;
        const trimmed = std.mem.trim(u8, value, " \t");
        return std.fmt.parseInt(T, trimmed, 10) catch invalidValue(key, value, @typeName(T));
    }

    /// `true` or `false`.
    pub fn boolean(self: *Config, key: []const u8, fallback: bool) Error!bool {
        const value = self.get(key) orelse return fallback;
        const trimmed = std.mem.trim(u8, value, " \t");
        if (std.mem.eql(u8, trimmed, "true")) return true;
        if (std.mem.eql(u8, trimmed, "false")) return false;
        return invalidValue(key, value, "bool (true or false)");
    }

    /// Marks every key used and returns the entries (free-form configuration).
    pub fn all(self: *Config) []const Entry {
        @memset(self.used, true);
        return self.entries;
    }

    /// Fails with "unknown key(s): a, b" naming the keys never read. The
    /// kit calls it after `configure`.
    pub fn finish(self: *const Config) Error!void {
        var buffer: [1024]u8 = undefined;
        var writer: std.Io.Writer = .fixed(&buffer);
        var unknown: usize = 0;
        for (self.entries, self.used) |entry, used| {
            if (used) continue;
            writer.print("{s}{s}", .{ if (unknown == 0) "" else ", ", entry.key }) catch {};
            unknown += 1;
        }
        if (unknown > 0) return invalidConfig("unknown key(s): {s}", .{writer.buffered()});
    }

    fn invalidValue(key: []const u8, value: []const u8, kind: []const u8) Error {
        return invalidConfig("`{s}` = \"{s}\" is not a valid {s}", .{ key, value, kind });
    }

    fn choiceList(comptime E: type) []const u8 {
        comptime {
            const names = std.meta.fieldNames(E);
            var list: []const u8 = "";
            for (names, 0..) |name, i| {
                const sep = if (i == 0) "" else if (i + 1 == names.len) " or " else ", ";
                list = list ++ sep ++ name;
            }
            return list;
        }
    }
};

// ---- Contract. ----------------------------------------------------------

/// What the plugin does with this configuration: its inputs (the columns
/// `process` receives, in order) and outputs (the columns it writes, in
/// order; a name that exists in the batch replaces that column).
pub const Contract = struct {
    name: []const u8,
    version: []const u8,
    inputs: std.ArrayList(ColumnSpec) = .empty,
    outputs: std.ArrayList(ColumnSpec) = .empty,
    /// Whether `process` returns a row selection (`Output.selection`).
    filters: bool = false,

    pub fn init(name: []const u8, version: []const u8) Contract {
        return .{ .name = name, .version = version };
    }

    /// An input that may hold nulls (a column without nulls is accepted too).
    pub fn input(self: *Contract, name: []const u8, data_type: DataType) !void {
        try self.inputs.append(allocator, .{ .name = name, .data_type = data_type, .nullable = true });
    }

    /// An input the host guarantees has no nulls (it refuses a batch with any).
    pub fn requiredInput(self: *Contract, name: []const u8, data_type: DataType) !void {
        try self.inputs.append(allocator, .{ .name = name, .data_type = data_type, .nullable = false });
    }

    /// An output without nulls.
    pub fn output(self: *Contract, name: []const u8, data_type: DataType) !void {
        try self.outputs.append(allocator, .{ .name = name, .data_type = data_type, .nullable = false });
    }

    /// An output that may hold nulls.
    pub fn nullableOutput(self: *Contract, name: []const u8, data_type: DataType) !void {
        try self.outputs.append(allocator, .{ .name = name, .data_type = data_type, .nullable = true });
    }

    pub fn deinit(self: *Contract) void {
        self.inputs.deinit(allocator);
        self.outputs.deinit(allocator);
    }
};

// ---- Bitmaps. -----------------------------------------------------------

/// Arrow bitmaps: least significant bit first, 1 = valid / true / keep.
pub const bitmap = struct {
    pub fn bytes(len: usize) usize {
        return (len + 7) / 8;
    }
    pub fn get(map: []const u8, i: usize) bool {
        return (map[i / 8] >> @intCast(i % 8)) & 1 == 1;
    }
    pub fn set(map: []u8, i: usize, value: bool) void {
        const mask = @as(u8, 1) << @intCast(i % 8);
        if (value) map[i / 8] |= mask else map[i / 8] &= ~mask;
    }
    /// Number of 0 bits among the first `len`.
    pub fn countZeros(map: []const u8, len: usize) usize {
        var ones: usize = 0;
        for (map[0 .. len / 8]) |b| ones += @popCount(b);
        for (len / 8 * 8..len) |i| ones += @intFromBool(get(map, i));
        return len - ones;
    }
};

// ---- Input columns. -----------------------------------------------------

/// One input column: a view of its Arrow buffers (no copy).
pub const Column = struct {
    name: []const u8,
    data_type: DataType,
    len: u32,
    null_count: u32,
    /// Validity bitmap (1 = valid); null when the column has no nulls.
    validity: ?[]const u8,
    /// Offsets of utf8 / binary (i32) and large variants (i64).
    offsets: ?[]const u8,
    /// The values buffer (see `DataType`).
    bytes: []const u8,

    /// The values of a fixed-width column as a slice of `T` (`f64` for
    /// float64, `i32` for int32 and date32, `i64` for timestamp and
    /// duration, ...). A null row's slot holds an unspecified value.
    /// Panics when `T` is not the column's type.
    pub fn values(self: Column, comptime T: type) []const T {
        if (!self.data_type.holds(T)) {
            std.debug.panic("column `{s}` is {f}, read as []{s}", .{ self.name, self.data_type, @typeName(T) });
        }
        if (self.len == 0) return &.{};
        const ptr: [*]const T = @ptrCast(@alignCast(self.bytes.ptr));
        return ptr[0..self.len];
    }

    pub fn isValid(self: Column, row: usize) bool {
        const v = self.validity orelse return true;
        return bitmap.get(v, row);
    }

    pub fn isNull(self: Column, row: usize) bool {
        return !self.isValid(row);
    }

    /// A fixed-width value, or null for a null row.
    pub fn get(self: Column, comptime T: type, row: usize) ?T {
        return if (self.isValid(row)) self.values(T)[row] else null;
    }

    /// Row `row` of a boolean column (false for a null row).
    pub fn boolean(self: Column, row: usize) bool {
        if (self.data_type != .boolean) std.debug.panic("column `{s}` is {f}, read as boolean", .{ self.name, self.data_type });
        return bitmap.get(self.bytes, row);
    }

    /// Row `row` of a utf8 / binary / large column (empty for a null row).
    pub fn utf8(self: Column, row: usize) []const u8 {
        const raw = self.offsets orelse std.debug.panic("column `{s}` is {f}, read as utf8", .{ self.name, self.data_type });
        return switch (self.data_type) {
            .utf8, .binary => slice(i32, raw, self.bytes, row),
            .large_utf8, .large_binary => slice(i64, raw, self.bytes, row),
            else => std.debug.panic("column `{s}` is {f}, read as utf8", .{ self.name, self.data_type }),
        };
    }

    fn slice(comptime O: type, raw: []const u8, data: []const u8, row: usize) []const u8 {
        const offsets: [*]const O = @ptrCast(@alignCast(raw.ptr));
        return data[@intCast(offsets[row])..@intCast(offsets[row + 1])];
    }
};

/// The input columns of one batch, in contract order.
pub const Batch = struct {
    columns: []const Column,
    /// Number of rows (every column has this length).
    len: u32,

    /// The `i`th input of the contract.
    pub fn column(self: Batch, i: usize) Column {
        return self.columns[i];
    }

    /// The input named `name`; panics when the contract has no such input.
    pub fn get(self: Batch, name: []const u8) Column {
        for (self.columns) |c| if (std.mem.eql(u8, c.name, name)) return c;
        std.debug.panic("no input column `{s}` in the contract", .{name});
    }
};

// ---- Outputs. -----------------------------------------------------------

const builders = @import("output.zig");
pub const Output = builders.Output;
pub const PrimitiveBuilder = builders.PrimitiveBuilder;
pub const BooleanBuilder = builders.BooleanBuilder;
pub const Utf8Builder = builders.Utf8Builder;
pub const OutputColumn = builders.OutputColumn;

// ---- Exports. -----------------------------------------------------------

/// Makes `Plugin` the component's transform. `Plugin` is a struct whose
/// fields all have defaults, with
///
///     pub fn configure(self: *Plugin, config: *wp.Config) !wp.Contract
///     pub fn process(self: *Plugin, batch: wp.Batch, out: *wp.Output) !void
///
/// Call it once, in a `comptime` block of the plugin's file. Natively (under
/// `zig test`) it only checks these signatures.
pub fn exportPlugin(comptime Plugin: type) void {
    checkPlugin(Plugin);
    if (is_component) @import("abi.zig").exportPlugin(Plugin);
}

pub fn checkPlugin(comptime Plugin: type) void {
    if (!@hasDecl(Plugin, "configure")) @compileError(@typeName(Plugin) ++ " has no `pub fn configure(self: *@This(), config: *wp.Config) !wp.Contract`");
    if (!@hasDecl(Plugin, "process")) @compileError(@typeName(Plugin) ++ " has no `pub fn process(self: *@This(), batch: wp.Batch, out: *wp.Output) !void`");
}

test {
    _ = testing;
    _ = builders;
    _ = @import("kit_test.zig");
}
