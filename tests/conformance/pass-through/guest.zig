const wp = @import("wasmprep");

/// Every boundary type, nullable: each column is handed back as it came.
const columns = [_]struct { []const u8, wp.DataType }{
    .{ "c_bool", .boolean },
    .{ "c_i8", .int8 },
    .{ "c_i16", .int16 },
    .{ "c_i32", .int32 },
    .{ "c_i64", .int64 },
    .{ "c_u8", .uint8 },
    .{ "c_u16", .uint16 },
    .{ "c_u32", .uint32 },
    .{ "c_u64", .uint64 },
    .{ "c_f32", .float32 },
    .{ "c_f64", .float64 },
    .{ "c_utf8", .utf8 },
    .{ "c_large_utf8", .large_utf8 },
    .{ "c_binary", .binary },
    .{ "c_large_binary", .large_binary },
    .{ "c_date32", .date32 },
    .{ "c_ts_ms", .{ .timestamp = .{ .unit = .millisecond } } },
    .{ "c_ts_us_tz", .{ .timestamp = .{ .unit = .microsecond, .timezone = "+01:00" } } },
    .{ "c_duration_ns", .{ .duration = .nanosecond } },
};

pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("pass-through", "0.1.0");
        for (columns) |column| {
            try contract.input(column[0], column[1]);
            try contract.nullableOutput(column[0], column[1]);
        }
        return contract;
    }

    pub fn process(_: *Case, batch: wp.Batch, out: *wp.Output) !void {
        for (0..columns.len) |i| try out.copy(i, batch.column(i));
    }
};
