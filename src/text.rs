//! Text from users, made safe to show: control characters and invisible
//! Unicode format characters (bidi overrides, zero-width characters) are
//! escaped visibly, and long values are cut short, so that no input can
//! rewrite a terminal, forge a log line or flood standard error.

use std::borrow::Cow;
use std::fmt::{self, Write};

/// How many characters of a user-supplied value a message shows.
pub const SHOWN_CHARS: usize = 60;

/// `s` after a count other than one: `format!("{n} file{}", s(n))`.
pub fn s(n: impl TryInto<u64>) -> &'static str {
    if n.try_into().is_ok_and(|n: u64| n == 1) {
        ""
    } else {
        "s"
    }
}

/// A count with its noun: `1 row`, `2 rows`.
pub fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", s(n))
}

/// Bidirectional controls and zero-width characters: invisible, and able
/// to make text read differently from what it is.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                  // soft hyphen
        | '\u{061C}'                // Arabic letter mark
        | '\u{180E}'                // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'   // zero-width space, joiners, LRM, RLM
        | '\u{2028}'..='\u{202E}'   // line and paragraph separators, embeddings, overrides
        | '\u{2060}'..='\u{206F}'   // word joiner, invisible operators, isolates
        | '\u{FEFF}'                // zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'   // interlinear annotation
    )
}

/// True for a character that [`escaped`] would escape.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every control and invisible format character escaped (`\x1b`,
/// `\n`, `\u{202e}`); borrowed when there is nothing to escape.
pub fn escaped(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How many characters of a message built from input (an import problem)
/// are shown.
pub const MESSAGE_CHARS: usize = 400;

/// A user-supplied value for a message: escaped as [`escaped`] does and cut
/// after [`SHOWN_CHARS`] characters with `...`.
pub fn shown(s: &str) -> Shown<'_> {
    Shown(s, SHOWN_CHARS)
}

/// A message that quotes input (a parser's error, say): escaped and cut
/// after [`MESSAGE_CHARS`] characters.
pub fn message(s: &str) -> Shown<'_> {
    Shown(s, MESSAGE_CHARS)
}

/// See [`shown`] and [`message`].
pub struct Shown<'a>(&'a str, usize);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for (i, c) in self.0.chars().enumerate() {
            if i == self.1 {
                out.push_str("...");
                break;
            }
            if needs_escape(c) {
                push_escaped(&mut out, c);
            } else {
                out.push(c);
            }
        }
        f.write_str(&out)
    }
}

/// A path for a message or the audit log, escaped (not cut: a path is
/// bounded by the system).
pub fn path(p: &std::path::Path) -> String {
    escaped(&p.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_controls_and_invisible_format_characters() {
        assert_eq!(escaped("plain, Zoë 李"), "plain, Zoë 李");
        assert!(matches!(escaped("plain"), Cow::Borrowed(_)));
        assert_eq!(escaped("a\x1bc"), "a\\x1bc");
        assert_eq!(escaped("a\nb\r\t"), "a\\nb\\r\\t");
        assert_eq!(escaped("x\u{202e}y\u{200b}"), "x\\u{202e}y\\u{200b}");
        assert_eq!(escaped("\u{9b}["), "\\u{9b}[");
        assert_eq!(escaped("\x7f"), "\\x7f");
    }

    #[test]
    fn shown_cuts_long_values() {
        let long = "x".repeat(1000);
        let s = shown(&long).to_string();
        assert_eq!(s, format!("{}...", "x".repeat(SHOWN_CHARS)));
        assert_eq!(shown("short").to_string(), "short");
        assert_eq!(
            shown(&"x".repeat(SHOWN_CHARS)).to_string().len(),
            SHOWN_CHARS
        );
    }

    proptest! {
        #[test]
        fn nothing_escapable_survives(s in "\\PC*|[\\x00-\\x1f\\u{202a}-\\u{202e}a-z]*") {
            let e = escaped(&s);
            prop_assert!(!e.chars().any(needs_escape));
            let sh = shown(&s).to_string();
            prop_assert!(!sh.chars().any(needs_escape));
            // At most SHOWN_CHARS characters, each escaped to at most 10, plus "...".
            prop_assert!(sh.len() <= SHOWN_CHARS * 10 + 3);
        }
    }
}
