//! What a plugin says, made safe to print: control characters escaped (a
//! line break in a log message must not start a line that looks like the
//! host's own) and the length bounded (head kept, the cut said).

/// Longest text of a plugin's error (`failure`, `invalid-config`,
/// `invalid-input`) kept in a message, in bytes.
pub const MAX_ERROR_TEXT: usize = 4096;

/// `text` with control characters escaped and at most `cap` bytes of it
/// kept (cut at a character boundary, the number of bytes cut said).
pub fn bounded(text: &str, cap: usize) -> String {
    let mut end = text.len().min(cap);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = escape_controls(&text[..end]);
    if end < text.len() {
        out.push_str(&format!(" [{} more bytes cut]", text.len() - end));
    }
    out
}

/// `text` with every control character (line breaks, carriage returns,
/// tabs, ANSI escapes) written as an escape: `\n`, `\r`, `\t`, `\u{1b}`.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The last `cap` bytes of `text` (at a character boundary), saying how
/// much came before: where a panic message is, after noisy output.
pub fn tail(text: &str, cap: usize) -> String {
    if text.len() <= cap {
        return text.to_string();
    }
    let mut start = text.len() - cap;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[{start} earlier bytes cut] {}", &text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_long_text_is_cut_at_a_boundary() {
        assert_eq!(
            bounded("a\nrank=0 INFO forged\r\x1b[31m", 100),
            "a\\nrank=0 INFO forged\\r\\u{1b}[31m"
        );
        assert_eq!(bounded("ééé", 3), "é [4 more bytes cut]");
        assert_eq!(bounded("plain", 100), "plain");
        assert_eq!(tail("abcdef", 3), "[3 earlier bytes cut] def");
        assert_eq!(tail("aé", 1), "[3 earlier bytes cut] ");
    }
}
