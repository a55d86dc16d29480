//! Host bindings generated from `sdk/wit`. Export parameters borrow, so
//! Arrow buffers are lowered straight into guest memory without a host copy.

wasmtime::component::bindgen!({
    path: "../sdk/wit",
    world: "plugin",
    ownership: Borrowing { duplicate_if_necessary: true },
});
