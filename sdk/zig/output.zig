//! Output columns: builders for the columns `process` writes, in contract
//! order, and the row selection of a filtering plugin. Every buffer comes
//! from `wp.allocator` (malloc) and is handed to the host without a copy.

const std = @import("std");
const wp = @import("wasmprep.zig");

const allocator = wp.allocator;
const bitmap = wp.bitmap;

/// One output column being built: its Arrow buffers, owned.
pub const OutputColumn = struct {
    spec: wp.ColumnSpec,
    written: bool = false,
    len: u32 = 0,
    /// Validity bitmap (1 = valid), present for a nullable output.
    validity: ?[]u8 = null,
    /// Offsets of a utf8 / binary output.
    offsets: ?[]u8 = null,
    /// The values; `capacity` bytes are allocated from `bytes.ptr`.
    bytes: []u8 = &.{},
    capacity: usize = 0,
    /// Rows appended so far (utf8 / binary).
    appended: u32 = 0,

    /// Number of nulls (the validity's 0 bits).
    pub fn nullCount(self: *const OutputColumn) u32 {
        const v = self.validity orelse return 0;
        return @intCast(bitmap.countZeros(v, self.len));
    }

    /// The column as an input `Column` (a view, for tests and checks).
    pub fn view(self: *const OutputColumn) wp.Column {
        return .{
            .name = self.spec.name,
            .data_type = self.spec.data_type,
            .len = self.len,
            .null_count = self.nullCount(),
            .validity = self.validity,
            .offsets = self.offsets,
            .bytes = self.bytes,
        };
    }

    /// Frees the buffers (the kit does it; a plugin never needs to).
    pub fn free(self: *OutputColumn) void {
        if (self.validity) |v| allocator.free(v);
        if (self.offsets) |o| allocator.free(o);
        if (self.capacity > 0) allocator.free(self.bytes.ptr[0..self.capacity]);
        self.* = .{ .spec = self.spec };
    }

    fn start(self: *OutputColumn, len: u32, what: []const u8, ok: bool) !void {
        if (!ok) std.debug.panic("output `{s}` is {f}, written as {s}", .{ self.spec.name, self.spec.data_type, what });
        if (self.written) std.debug.panic("output `{s}` written twice", .{self.spec.name});
        self.written = true;
        self.len = len;
        if (self.spec.nullable) {
            const v = try allocator.alloc(u8, bitmap.bytes(len));
            @memset(v, 0xff);
            self.validity = v;
        }
    }

    fn setNull(self: *OutputColumn, row: usize) void {
        const v = self.validity orelse std.debug.panic("output `{s}` is not nullable: the contract says `output`, not `nullableOutput`", .{self.spec.name});
        bitmap.set(v, row, false);
    }

    fn andValidity(self: *OutputColumn, input: wp.Column) void {
        const from = input.validity orelse return;
        const v = self.validity orelse {
            if (input.null_count > 0) self.setNull(0); // panics: not nullable
            return;
        };
        for (v, from[0..v.len]) |*to, f| to.* &= f;
    }
};

/// A fixed-width output column: fill `values`, mark nulls with `setNull`.
pub fn PrimitiveBuilder(comptime T: type) type {
    return struct {
        const Self = @This();
        column: *OutputColumn,
        /// One value per row, zeroed.
        values: []T,

        /// Makes row `row` null (its value is ignored).
        pub fn setNull(self: Self, row: usize) void {
            self.column.setNull(row);
        }

        /// Sets row `row` to `value`, or null.
        pub fn set(self: Self, row: usize, value: ?T) void {
            if (value) |v| self.values[row] = v else self.setNull(row);
        }

        /// Null wherever `input` is null (its bitmap ANDed a byte at a time).
        pub fn andValidity(self: Self, input: wp.Column) void {
            self.column.andValidity(input);
        }

        /// Whether row `row` is (still) valid.
        pub fn isValid(self: Self, row: usize) bool {
            const v = self.column.validity orelse return true;
            return bitmap.get(v, row);
        }
    };
}

/// A boolean output column (all false at first).
pub const BooleanBuilder = struct {
    column: *OutputColumn,

    pub fn set(self: BooleanBuilder, row: usize, value: ?bool) void {
        if (value) |v| bitmap.set(self.column.bytes, row, v) else self.column.setNull(row);
    }
    pub fn setNull(self: BooleanBuilder, row: usize) void {
        self.column.setNull(row);
    }
    pub fn andValidity(self: BooleanBuilder, input: wp.Column) void {
        self.column.andValidity(input);
    }
};

/// A utf8 or binary output column, built row by row with `append`,
/// `appendNull` or `print`; every row of the batch must be appended.
pub const Utf8Builder = struct {
    column: *OutputColumn,

    /// Appends the next row's value.
    pub fn append(self: Utf8Builder, value: []const u8) !void {
        const at = try self.reserve(value.len);
        @memcpy(at, value);
        self.commit(value.len);
    }

    /// Appends a null row.
    pub fn appendNull(self: Utf8Builder) !void {
        const row = self.column.appended;
        _ = try self.reserve(0);
        self.commit(0);
        self.column.setNull(row);
    }

    /// Appends the next row formatted like `std.fmt`.
    pub fn print(self: Utf8Builder, comptime fmt: []const u8, args: anytype) !void {
        const n = std.fmt.count(fmt, args);
        const at = try self.reserve(n);
        _ = std.fmt.bufPrint(at, fmt, args) catch unreachable;
        self.commit(n);
    }

    /// Room for `n` more bytes after the values.
    fn reserve(self: Utf8Builder, n: usize) ![]u8 {
        const c = self.column;
        if (c.appended >= c.len) std.debug.panic("output `{s}`: more than {d} rows appended", .{ c.spec.name, c.len });
        const end = c.bytes.len + n;
        if (end > std.math.maxInt(i32)) return wp.failure("output `{s}`: more than 2 GiB of text in one batch", .{c.spec.name});
        if (end > c.capacity) try self.grow(end);
        return c.bytes.ptr[c.bytes.len..end];
    }

    fn commit(self: Utf8Builder, n: usize) void {
        const c = self.column;
        c.bytes.len += n;
        c.appended += 1;
        const offsets: [*]i32 = @ptrCast(@alignCast(c.offsets.?.ptr));
        offsets[c.appended] = @intCast(c.bytes.len);
    }

    fn grow(self: Utf8Builder, at_least: usize) !void {
        const c = self.column;
        var capacity = @max(c.capacity, 64);
        while (capacity < at_least) capacity *= 2;
        const used = c.bytes.len;
        const new = if (c.capacity == 0)
            try allocator.alloc(u8, capacity)
        else
            try allocator.realloc(c.bytes.ptr[0..c.capacity], capacity);
        c.bytes = new[0..used];
        c.capacity = capacity;
    }
};

/// The rows a filtering plugin keeps (all dropped at first).
pub const Selection = struct {
    map: []u8,

    pub fn keep(self: Selection, row: usize) void {
        bitmap.set(self.map, row, true);
    }
    pub fn drop(self: Selection, row: usize) void {
        bitmap.set(self.map, row, false);
    }
    pub fn set(self: Selection, row: usize, kept: bool) void {
        bitmap.set(self.map, row, kept);
    }
};

/// What `process` writes: one column per declared output (by index, in
/// contract order) and, for a filtering contract, the selection.
pub const Output = struct {
    columns: []OutputColumn,
    /// Rows of the batch: every output has this length.
    len: u32,
    filters: bool,
    selection_map: ?[]u8 = null,

    /// Outputs for `specs` (the contract's), `len` rows each.
    pub fn init(specs: []const wp.ColumnSpec, len: u32, filters: bool) !Output {
        const columns = try allocator.alloc(OutputColumn, specs.len);
        for (columns, specs) |*c, spec| c.* = .{ .spec = spec };
        return .{ .columns = columns, .len = len, .filters = filters };
    }

    /// Output `i` as fixed-width values of `T` (`f64` for float64, `i32`
    /// for int32 and date32, `i64` for timestamp and duration, ...).
    pub fn primitive(self: *Output, i: usize, comptime T: type) !PrimitiveBuilder(T) {
        const c = &self.columns[i];
        try c.start(self.len, "[]" ++ @typeName(T), c.spec.data_type.holds(T));
        const values = try allocator.alloc(T, self.len);
        @memset(values, std.mem.zeroes(T));
        c.bytes = std.mem.sliceAsBytes(values);
        c.capacity = c.bytes.len;
        return .{ .column = c, .values = values };
    }

    /// Output `i` as booleans.
    pub fn boolean(self: *Output, i: usize) !BooleanBuilder {
        const c = &self.columns[i];
        try c.start(self.len, "boolean", c.spec.data_type == .boolean);
        const bytes = try allocator.alloc(u8, bitmap.bytes(self.len));
        @memset(bytes, 0);
        c.bytes = bytes;
        c.capacity = bytes.len;
        return .{ .column = c };
    }

    /// Output `i` as utf8 or binary (i32 offsets); `bytes_hint` is a guess
    /// of its total size (the buffer grows as needed).
    pub fn utf8(self: *Output, i: usize, bytes_hint: usize) !Utf8Builder {
        const c = &self.columns[i];
        const t = c.spec.data_type;
        try c.start(self.len, "utf8", t == .utf8 or t == .binary);
        const offsets = try allocator.alloc(i32, @as(usize, self.len) + 1);
        @memset(offsets, 0);
        c.offsets = std.mem.sliceAsBytes(offsets);
        const builder: Utf8Builder = .{ .column = c };
        if (bytes_hint > 0) try builder.grow(bytes_hint);
        return builder;
    }

    /// Output `i` as a copy of input `column` (same type and length).
    pub fn copy(self: *Output, i: usize, column: wp.Column) !void {
        const c = &self.columns[i];
        const same = std.meta.activeTag(c.spec.data_type) == std.meta.activeTag(column.data_type);
        try c.start(self.len, @tagName(column.data_type), same and column.len == self.len);
        if (c.validity) |v| {
            if (column.validity) |from| @memcpy(v, from[0..v.len]);
        } else if (column.null_count > 0) c.setNull(0); // panics: not nullable
        if (column.offsets) |o| {
            c.offsets = try allocator.dupe(u8, o);
            c.appended = column.len;
        }
        if (column.bytes.len > 0) {
            c.bytes = try allocator.dupe(u8, column.bytes);
            c.capacity = c.bytes.len;
        }
    }

    /// The selection of a filtering contract (every row dropped at first).
    pub fn selection(self: *Output) !Selection {
        if (!self.filters) std.debug.panic("a selection from a plugin whose contract does not filter (set `contract.filters = true`)", .{});
        if (self.selection_map == null) {
            const map = try allocator.alloc(u8, bitmap.bytes(self.len));
            @memset(map, 0);
            self.selection_map = map;
        }
        return .{ .map = self.selection_map.? };
    }

    /// Checks every output was written and drops validity bitmaps without
    /// nulls. The kit calls it after `process`.
    pub fn finish(self: *Output) wp.Error!void {
        for (self.columns) |*c| {
            if (!c.written) return wp.failure("output `{s}` was not written (every declared output must be)", .{c.spec.name});
            if (c.offsets != null and c.appended != c.len) {
                return wp.failure("output `{s}`: {d} of {d} rows appended", .{ c.spec.name, c.appended, c.len });
            }
            if (c.validity) |v| if (c.nullCount() == 0) {
                allocator.free(v);
                c.validity = null;
            };
        }
        if (self.filters and self.selection_map == null) {
            return wp.failure("the contract filters but `process` set no selection (call `out.selection()`)", .{});
        }
    }

    /// Frees every buffer.
    pub fn deinit(self: *Output) void {
        for (self.columns) |*c| c.free();
        allocator.free(self.columns);
        if (self.selection_map) |m| allocator.free(m);
        self.* = undefined;
    }
};
