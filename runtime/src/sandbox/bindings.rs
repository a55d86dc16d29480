//! Host bindings generated from `sdk/wit`. Export parameters borrow, so
//! Arrow buffers are lowered straight into guest memory without a host copy.

wasmtime::component::bindgen!({
    path: "../sdk/wit",
    world: "plugin",
    ownership: Borrowing { duplicate_if_necessary: true },
});

/// The fitting plugins' world (`sdk/wit/fit.wit`): its `fit` export, with
/// the shared types and host interface of the world above.
pub mod fitting {
    wasmtime::component::bindgen!({
        path: "../sdk/wit",
        world: "fitting-plugin",
        ownership: Borrowing { duplicate_if_necessary: true },
        with: {
            "wasmprep:plugin/types": super::wasmprep::plugin::types,
            "wasmprep:plugin/host": super::wasmprep::plugin::host,
        },
    });
}
