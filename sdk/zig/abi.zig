//! The component side of the kit (wasm32 only): the C types of the bindings
//! `wasmprep-c-bindgen generate` writes (wit-bindgen-c's `plugin.h`),
//! declared by hand, and the two exports those bindings call.
//!
//! The rules of the bindings (see sdk/c/include/wasmprep.h, "OWNERSHIP"):
//! the arguments of the exports (config, input columns) are the plugin's
//! to free; what an export returns (`ret` when it returns true, `err` when
//! false) is freed by the generated post-return function with `free`, so
//! every buffer in it comes from malloc (`wp.allocator`) and is referenced
//! once; a log message passed to the host stays the plugin's.
//!
//! `layout_check.c` (compiled by build.sh against the generated `plugin.h`)
//! and the comptime block below assert the same sizes and offsets.

const std = @import("std");
const wp = @import("wasmprep.zig");

const allocator = wp.allocator;

pub const CString = extern struct { ptr: ?[*]u8, len: usize };
pub const CListU8 = extern struct { ptr: ?[*]u8, len: usize };
pub const COptionListU8 = extern struct { is_some: bool, val: CListU8 };
pub const COptionString = extern struct { is_some: bool, val: CString };
pub const COptionU32 = extern struct { is_some: bool, val: u32 };

pub const CTimestampType = extern struct { unit: u8, timezone: COptionString };
pub const CDataType = extern struct {
    tag: u8,
    val: extern union { timestamp: CTimestampType, duration: u8 },
};
pub const CColumnSpec = extern struct { name: CString, data_type: CDataType, nullable: bool };
pub const CListColumnSpec = extern struct { ptr: ?[*]CColumnSpec, len: usize };
pub const CContract = extern struct {
    name: CString,
    version: CString,
    inputs: CListColumnSpec,
    outputs: CListColumnSpec,
    filters: bool,
};

pub const CColumn = extern struct {
    len: u32,
    null_count: u32,
    validity: COptionListU8,
    offsets: COptionListU8,
    values: CListU8,
};
pub const CListColumn = extern struct { ptr: ?[*]CColumn, len: usize };
pub const CBatchOutput = extern struct { columns: CListColumn, selection: COptionListU8 };

pub const CInputError = extern struct { message: CString, row: COptionU32, column: COptionString };
pub const CError = extern struct {
    tag: u8,
    val: extern union { invalid_config: CString, invalid_input: CInputError, failure: CString },
};

pub const CTuple = extern struct { f0: CString, f1: CString };
pub const CConfig = extern struct { ptr: ?[*]CTuple, len: usize };

comptime {
    const expect = struct {
        fn size(comptime T: type, comptime n: usize) void {
            if (@sizeOf(T) != n) @compileError(std.fmt.comptimePrint("size of {s}: {d}, plugin.h: {d}", .{ @typeName(T), @sizeOf(T), n }));
        }
        fn at(comptime T: type, comptime field: []const u8, comptime n: usize) void {
            if (@offsetOf(T, field) != n) @compileError(std.fmt.comptimePrint("offset of {s}.{s}: {d}, plugin.h: {d}", .{ @typeName(T), field, @offsetOf(T, field), n }));
        }
    };
    // The numbers of layout_check.c (wasm32).
    expect.size(CString, 8);
    expect.at(CString, "len", 4);
    expect.size(COptionListU8, 12);
    expect.at(COptionListU8, "val", 4);
    expect.size(COptionString, 12);
    expect.at(COptionString, "val", 4);
    expect.size(COptionU32, 8);
    expect.at(COptionU32, "val", 4);
    expect.size(CTimestampType, 16);
    expect.at(CTimestampType, "timezone", 4);
    expect.size(CDataType, 20);
    expect.at(CDataType, "val", 4);
    expect.size(CColumnSpec, 32);
    expect.at(CColumnSpec, "data_type", 8);
    expect.at(CColumnSpec, "nullable", 28);
    expect.size(CContract, 36);
    expect.at(CContract, "version", 8);
    expect.at(CContract, "inputs", 16);
    expect.at(CContract, "outputs", 24);
    expect.at(CContract, "filters", 32);
    expect.size(CColumn, 40);
    expect.at(CColumn, "null_count", 4);
    expect.at(CColumn, "validity", 8);
    expect.at(CColumn, "offsets", 20);
    expect.at(CColumn, "values", 32);
    expect.size(CBatchOutput, 20);
    expect.at(CBatchOutput, "selection", 8);
    expect.size(CInputError, 28);
    expect.at(CInputError, "row", 8);
    expect.at(CInputError, "column", 16);
    expect.size(CError, 32);
    expect.at(CError, "val", 4);
    expect.size(CTuple, 16);
    expect.at(CTuple, "f1", 8);
    expect.size(CConfig, 8);
    expect.size(CListColumn, 8);
}

const error_invalid_config = 0;
const error_invalid_input = 1;
const error_failure = 2;

extern fn wasmprep_plugin_host_log(level: u8, message: *const CString) void;
extern fn wasmprep_plugin_types_config_free(config: *CConfig) void;
extern fn exports_wasmprep_plugin_transform_list_column_free(columns: *CListColumn) void;

pub fn hostLog(level: wp.LogLevel, message: []const u8) void {
    const s: CString = .{ .ptr = @constCast(message.ptr), .len = message.len };
    wasmprep_plugin_host_log(@backingInt(level), &s);
}

fn view(s: CString) []const u8 {
    return if (s.len == 0) "" else s.ptr.?[0..s.len];
}

fn bytesView(list: CListU8) []const u8 {
    return if (list.len == 0) &.{} else list.ptr.?[0..list.len];
}

/// A malloc'd copy of `text` for a result (out of memory traps, as in the
/// C kit: the host reports the trap as the plugin's failure).
fn resultString(text: []const u8) CString {
    if (text.len == 0) return .{ .ptr = null, .len = 0 };
    const copy = allocator.dupe(u8, text) catch @trap();
    return .{ .ptr = copy.ptr, .len = copy.len };
}

/// A result list from an owned slice (null pointer when empty: a zero-length
/// Zig allocation is not malloc'd and must not reach `free`).
fn resultList(bytes: []u8, capacity: usize) CListU8 {
    if (bytes.len == 0) {
        if (capacity > 0) allocator.free(bytes.ptr[0..capacity]);
        return .{ .ptr = null, .len = 0 };
    }
    return .{ .ptr = bytes.ptr, .len = bytes.len };
}

fn resultOption(bytes: ?[]u8) COptionListU8 {
    const b = bytes orelse return .{ .is_some = false, .val = .{ .ptr = null, .len = 0 } };
    return .{ .is_some = true, .val = resultList(b, b.len) };
}

/// Fills `err` from the error a plugin returned; returns false (the
/// export's result).
fn fail(err: *CError, e: anyerror) bool {
    const d = wp.diagnose(e);
    switch (d.kind) {
        .invalid_config => err.* = .{ .tag = error_invalid_config, .val = .{ .invalid_config = resultString(d.message) } },
        .failure => err.* = .{ .tag = error_failure, .val = .{ .failure = resultString(d.message) } },
        .invalid_input => err.* = .{ .tag = error_invalid_input, .val = .{ .invalid_input = .{
            .message = resultString(d.message),
            .row = .{ .is_some = d.row != null, .val = d.row orelse 0 },
            .column = if (d.column) |c| .{ .is_some = true, .val = resultString(c) } else .{ .is_some = false, .val = .{ .ptr = null, .len = 0 } },
        } } },
    }
    return false;
}

fn dataTypeToC(t: wp.DataType) CDataType {
    var c: CDataType = .{ .tag = @backingInt(std.meta.activeTag(t)), .val = undefined };
    switch (t) {
        .timestamp => |ts| c.val = .{ .timestamp = .{
            .unit = @backingInt(ts.unit),
            .timezone = if (ts.timezone) |z| .{ .is_some = true, .val = resultString(z) } else .{ .is_some = false, .val = .{ .ptr = null, .len = 0 } },
        } },
        .duration => |unit| c.val = .{ .duration = @backingInt(unit) },
        else => c.val = .{ .duration = 0 },
    }
    return c;
}

fn specsToC(specs: []const wp.ColumnSpec) CListColumnSpec {
    if (specs.len == 0) return .{ .ptr = null, .len = 0 };
    const out = allocator.alloc(CColumnSpec, specs.len) catch @trap();
    for (out, specs) |*c, s| c.* = .{ .name = resultString(s.name), .data_type = dataTypeToC(s.data_type), .nullable = s.nullable };
    return .{ .ptr = out.ptr, .len = out.len };
}

/// Moves the buffers of `out` into `ret` (no copy) and frees the rest.
fn outputToC(out: *wp.Output, ret: *CBatchOutput) void {
    ret.* = .{
        .columns = .{ .ptr = null, .len = 0 },
        .selection = resultOption(out.selection_map),
    };
    if (out.columns.len > 0) {
        const columns = allocator.alloc(CColumn, out.columns.len) catch @trap();
        for (columns, out.columns) |*c, *o| c.* = .{
            .len = o.len,
            .null_count = o.nullCount(),
            .validity = resultOption(o.validity),
            .offsets = resultOption(o.offsets),
            .values = resultList(o.bytes, o.capacity),
        };
        ret.columns = .{ .ptr = columns.ptr, .len = columns.len };
    }
    allocator.free(out.columns);
    out.* = undefined;
}

/// Defines the C-ABI `configure` and `process` of `Plugin` that the
/// generated bindings call.
pub fn exportPlugin(comptime Plugin: type) void {
    const S = struct {
        var plugin: Plugin = .{};
        /// The configuration received, kept until the next `configure`
        /// (config values the plugin keeps are views into it).
        var config: ?CConfig = null;
        var entries: []wp.Config.Entry = &.{};
        var used: []bool = &.{};
        var contract: ?wp.Contract = null;
        var views: []wp.Column = &.{};

        fn release() void {
            if (contract) |*c| c.deinit();
            contract = null;
            allocator.free(entries);
            allocator.free(used);
            entries = &.{};
            used = &.{};
            if (config) |*c| wasmprep_plugin_types_config_free(c);
            config = null;
        }

        fn configure(c_config: *CConfig, ret: *CContract, err: *CError) callconv(.c) bool {
            release();
            config = c_config.*;
            const pairs: []const CTuple = if (c_config.len == 0) &.{} else c_config.ptr.?[0..c_config.len];
            entries = allocator.alloc(wp.Config.Entry, pairs.len) catch |e| return fail(err, e);
            used = allocator.alloc(bool, pairs.len) catch |e| return fail(err, e);
            for (entries, pairs) |*entry, pair| entry.* = .{ .key = view(pair.f0), .value = view(pair.f1) };
            @memset(used, false);

            plugin = .{};
            var cfg: wp.Config = .{ .entries = entries, .used = used };
            var result: wp.Contract = plugin.configure(&cfg) catch |e| return fail(err, e);
            cfg.finish() catch |e| {
                result.deinit();
                return fail(err, e);
            };
            ret.* = .{
                .name = resultString(result.name),
                .version = resultString(result.version),
                .inputs = specsToC(result.inputs.items),
                .outputs = specsToC(result.outputs.items),
                .filters = result.filters,
            };
            contract = result;
            return true;
        }

        fn process(in: *CListColumn, ret: *CBatchOutput, err: *CError) callconv(.c) bool {
            defer exports_wasmprep_plugin_transform_list_column_free(in);
            const c = contract orelse return fail(err, wp.failure("process called before configure", .{}));
            const columns: []const CColumn = if (in.len == 0) &.{} else in.ptr.?[0..in.len];
            const specs = c.inputs.items;
            if (columns.len != specs.len) return fail(err, wp.failure("{d} input columns for {d} declared inputs", .{ columns.len, specs.len }));
            if (views.len < columns.len) {
                allocator.free(views);
                views = &.{};
                views = allocator.alloc(wp.Column, columns.len) catch |e| return fail(err, e);
            }
            for (views[0..columns.len], columns, specs) |*v, col, spec| v.* = .{
                .name = spec.name,
                .data_type = spec.data_type,
                .len = col.len,
                .null_count = col.null_count,
                .validity = if (col.validity.is_some) bytesView(col.validity.val) else null,
                .offsets = if (col.offsets.is_some) bytesView(col.offsets.val) else null,
                .bytes = bytesView(col.values),
            };
            const batch: wp.Batch = .{
                .columns = views[0..columns.len],
                .len = if (columns.len > 0) columns[0].len else 0,
            };
            var out = wp.Output.init(c.outputs.items, batch.len, c.filters) catch |e| return fail(err, e);
            plugin.process(batch, &out) catch |e| {
                out.deinit();
                return fail(err, e);
            };
            out.finish() catch |e| {
                out.deinit();
                return fail(err, e);
            };
            outputToC(&out, ret);
            return true;
        }
    };
    @export(&S.configure, .{ .name = "exports_wasmprep_plugin_transform_configure" });
    @export(&S.process, .{ .name = "exports_wasmprep_plugin_transform_process" });
}
