//! An error and its causes as one line of text, for errors that leave as
//! strings (a rank's failure sent to rank 0, a golden case's report). In
//! the binary, `{:#}` of an `anyhow::Error` does the same.

use std::error::Error;

/// `error: cause: cause ...`, each cause once.
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let said = cause.to_string();
        if !said.is_empty() && !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        next = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_os_error_is_said_once() {
        let e = crate::io::Error::Io {
            path: "out/part-00000.parquet".into(),
            source: std::io::Error::from_raw_os_error(17),
        };
        let text = chain(&e);
        assert_eq!(text.matches("os error 17").count(), 1, "{text}");
        assert!(text.starts_with("out/part-00000.parquet: "), "{text}");
    }
}
