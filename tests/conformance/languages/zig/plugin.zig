//! The Zig conformance router: one component holding every case's guest
//! (`cases/<ident>.zig`, each a `pub const Case` plugin struct that
//! cases/index.zig lists); the configuration's `case` entry picks the
//! guest, which gets the other entries.

const std = @import("std");
const wp = @import("wasmprep");

/// `.{ "case-name", GuestType }` pairs, written when the cases are staged.
const cases = @import("cases/index.zig").cases;

comptime {
    for (cases) |case| wp.checkPlugin(case[1]);
}

/// The state of guest `G` (the kit keeps one plugin value; the router keeps
/// one per guest, and configures the chosen one).
fn Instance(comptime G: type) type {
    return struct {
        var plugin: G = .{};
    };
}

/// The configuration the guest sees: the router's without `case`, kept
/// until the next `configure` (a guest may keep views into it).
var entries: []wp.Config.Entry = &.{};
var used: []bool = &.{};

pub const Router = struct {
    /// The index in `cases` of the configured guest.
    guest: ?usize = null,

    pub fn configure(self: *Router, config: *wp.Config) !wp.Contract {
        wp.allocator.free(entries);
        wp.allocator.free(used);
        entries = &.{};
        used = &.{};

        const name = config.get("case") orelse return wp.invalidConfig("no `case` entry: which guest to run", .{});
        // The guest's configuration: every entry but `case`; what the
        // guest reads is marked read in the router's, so the kit's check
        // of unknown keys covers the guest's keys.
        entries = try wp.allocator.alloc(wp.Config.Entry, config.entries.len);
        used = try wp.allocator.alloc(bool, config.entries.len);
        var n: usize = 0;
        for (config.entries) |entry| {
            if (std.mem.eql(u8, entry.key, "case")) continue;
            entries[n] = entry;
            used[n] = false;
            n += 1;
        }
        var inner: wp.Config = .{ .entries = entries[0..n], .used = used[0..n] };
        defer {
            var k: usize = 0;
            for (config.entries, config.used) |entry, *read| {
                if (std.mem.eql(u8, entry.key, "case")) continue;
                read.* = read.* or used[k];
                k += 1;
            }
        }

        inline for (cases, 0..) |case, i| {
            if (std.mem.eql(u8, name, case[0])) {
                const state = Instance(case[1]);
                state.plugin = .{};
                const contract = try state.plugin.configure(&inner);
                self.guest = i;
                return contract;
            }
        }
        return wp.invalidConfig("no guest for case `{s}`", .{name});
    }

    pub fn process(self: *Router, batch: wp.Batch, out: *wp.Output) !void {
        const guest = self.guest orelse return wp.failure("process called before configure", .{});
        inline for (cases, 0..) |case, i| {
            if (guest == i) return Instance(case[1]).plugin.process(batch, out);
        }
        unreachable;
    }
};

comptime {
    wp.exportPlugin(Router);
}
