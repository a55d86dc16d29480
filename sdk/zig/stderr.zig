//! `std.debug.print` in the component: the `Io` that `std.debug` uses
//! (`std_options_debug_io`, set by the root file `build.sh` writes) sends
//! stderr to the host log, one `warn` message per line, and does nothing
//! else (no files, no clocks: `std.Io.failing`). Without it, std.debug's
//! default `Io` links WASI filesystem and clock calls, and the component
//! would need the `dirs` and `clock` grants.
//!
//! Lines are buffered (up to 4 KiB, the host's cap): end them with `\n`.
//! A panic sends a pending partial line before the panic's message.

const std = @import("std");
const Io = std.Io;
const wp = @import("wasmprep.zig");

pub const debug_io: Io = .{ .userdata = null, .vtable = &vtable };

const vtable: Io.VTable = blk: {
    var v = Io.failing.vtable.*;
    v.swapCancelProtection = swapCancelProtection;
    v.lockStderr = lockStderr;
    v.tryLockStderr = tryLockStderr;
    v.unlockStderr = unlockStderr;
    break :blk v;
};

var protection: Io.CancelProtection = .unblocked;
var line: [4096]u8 = undefined;
var line_len: usize = 0;

var file_writer: Io.File.Writer = .{
    .io = debug_io,
    .file = undefined, // never used: the interface's drain sends to the log
    .mode = .streaming,
    .interface = .{ .vtable = &.{ .drain = drain }, .buffer = &.{} },
};

fn swapCancelProtection(_: ?*anyopaque, new: Io.CancelProtection) Io.CancelProtection {
    const previous = protection;
    protection = new;
    return previous;
}

fn lockStderr(_: ?*anyopaque, _: ?Io.Terminal.Mode) Io.Cancelable!Io.LockedStderr {
    return .{ .file_writer = &file_writer, .terminal_mode = .no_color };
}

fn tryLockStderr(userdata: ?*anyopaque, mode: ?Io.Terminal.Mode) Io.Cancelable!?Io.LockedStderr {
    return try lockStderr(userdata, mode);
}

fn unlockStderr(_: ?*anyopaque) void {
    file_writer.interface.flush() catch {};
    // The buffer was the caller's (std.debug.print's, on its stack).
    file_writer.interface.buffer = &.{};
    file_writer.interface.end = 0;
}

fn drain(w: *Io.Writer, data: []const []const u8, splat: usize) Io.Writer.Error!usize {
    feed(w.buffer[0..w.end]);
    w.end = 0;
    var written: usize = 0;
    for (data[0 .. data.len - 1]) |bytes| {
        feed(bytes);
        written += bytes.len;
    }
    const last = data[data.len - 1];
    for (0..splat) |_| feed(last);
    return written + last.len * splat;
}

fn feed(bytes: []const u8) void {
    for (bytes) |b| {
        if (b == '\n') {
            flushLine();
        } else {
            if (line_len == line.len) flushLine();
            line[line_len] = b;
            line_len += 1;
        }
    }
}

/// Sends the pending partial line, if any.
pub fn flushLine() void {
    if (line_len > 0) wp.log.write(.warn, line[0..line_len]);
    line_len = 0;
}
