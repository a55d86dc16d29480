//! The C/C++ kit in the sandbox: libc stdio needs no grant (its output
//! becomes log lines), and a plugin built with libc's WASI stdio (the
//! preview 1 adapter) is refused without the grants its imports need.

use wasmprep_artifacts::{C_STDIO, C_STDIO_WASI};

use crate::{load, process_err, sandbox, x_batch};

#[test]
fn a_plugin_using_stdio_runs_with_no_grant_and_printf_is_logged() {
    let text = crate::captured_log(|| {
        let sandbox = sandbox();
        let plugin = load(&sandbox, C_STDIO, &[]).unwrap();
        let batch = x_batch(3);
        let plan = plugin.contract().bind(&batch.schema()).unwrap();
        let out = plugin
            .instantiate()
            .unwrap()
            .process(&plan, &batch, &crate::at(0, 0, 3))
            .unwrap();
        assert_eq!(out.num_columns(), 2);
    });
    // wasmprep_logf (vsnprintf), then printf through wasmprep_stdio.c.
    assert!(
        text.contains("c-stdio configured: column x, max -1"),
        "{text}"
    );
    assert!(text.contains("c-stdio: printf reaches the log"), "{text}");
    assert!(text.contains("c-stdio labelled 3 rows"), "{text}");
}

#[test]
fn an_input_error_formatted_by_snprintf_names_row_and_column() {
    let sandbox = sandbox();
    let plugin = load(&sandbox, C_STDIO, &[("max", "1")]).unwrap();
    let err = process_err(&plugin, &x_batch(3));
    assert!(err.contains("2 is above max 1"), "{err}");
    assert!(err.contains("`x`") && err.contains("1002"), "{err}");
}

#[test]
fn the_preview1_adapter_without_grants_is_refused_naming_them() {
    let sandbox = sandbox();
    let Err(err) = load(&sandbox, C_STDIO_WASI, &[]) else {
        panic!("c-stdio-wasi loaded without grants");
    };
    let err = err.to_string();
    assert!(
        err.contains("plugin c-stdio-wasi imports what it was not granted")
            && err.contains("needs the `dirs` grant")
            && err.contains("needs the `clock` grant"),
        "{err}"
    );
}
