const wp = @import("wasmprep");

/// Panics: the host reports a trap with the panic's text (the kit's panic
/// handler logs it at error level, then traps).
pub const Case = struct {
    pub fn configure(_: *Case, _: *wp.Config) !wp.Contract {
        var contract = wp.Contract.init("trap", "0.1.0");
        try contract.input("n", .int32);
        try contract.nullableOutput("n", .int32);
        return contract;
    }

    pub fn process(_: *Case, _: wp.Batch, _: *wp.Output) !void {
        @panic("conformance trap: boom");
    }
};
