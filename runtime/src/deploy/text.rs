//! Quoting values into the generated YAML and shell scripts.

/// A YAML scalar for `value`: plain when that reads back as the same string,
/// else double-quoted (JSON's escapes, which YAML shares).
pub fn yaml(value: &str) -> String {
    if is_plain_yaml(value) {
        value.to_string()
    } else {
        serde_json::Value::String(value.to_string()).to_string()
    }
}

/// Whether a plain scalar reads back as this very string (not a number,
/// boolean or null, nothing YAML gives a meaning to).
fn is_plain_yaml(value: &str) -> bool {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@-+${}".contains(c);
    let Some(first) = value.chars().next() else {
        return false;
    };
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    value.chars().all(safe)
        && (first.is_ascii_alphabetic() || first == '/' || first == '$')
        && !reserved.contains(&value.to_ascii_lowercase().as_str())
        && !value.contains(": ")
        && !value.ends_with(':')
}

/// `value` as one shell word: as is when nothing in it is special to the
/// shell, else single-quoted.
pub fn shell(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_./:@%+=,-".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quotes_what_would_read_back_as_something_else() {
        assert_eq!(yaml("azureml:cpu-cluster"), "azureml:cpu-cluster");
        assert_eq!(
            yaml("wasbs://c@a.blob.core.windows.net/x/"),
            "wasbs://c@a.blob.core.windows.net/x/"
        );
        assert_eq!(yaml("0.1.0-g59d6bfa9"), "\"0.1.0-g59d6bfa9\"");
        assert_eq!(yaml("yes"), "\"yes\"");
        assert_eq!(yaml("a: b"), "\"a: b\"");
        assert_eq!(yaml("my job # 2"), "\"my job # 2\"");
        assert_eq!(yaml("quote\"d\n"), "\"quote\\\"d\\n\"");
        assert_eq!(yaml(""), "\"\"");
    }

    #[test]
    fn shell_quotes_every_special_character() {
        assert_eq!(shell("/data/in-1"), "/data/in-1");
        assert_eq!(shell("a b"), "'a b'");
        assert_eq!(shell("it's $HOME"), r"'it'\''s $HOME'");
        assert_eq!(shell(""), "''");
    }
}
