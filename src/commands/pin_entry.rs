//! PINs a person enters: from standard input, from a hidden prompt on the
//! terminal (twice, for a new one), checked against the weak-PIN policy.

use std::io::{self, BufRead, Read};

use zeroize::Zeroizing;

use super::Ctx;
use crate::error::{Error, IoContext, Result};
use crate::policy::{Extension, Pin};
use crate::settings::Settings;
use crate::weakpin::{Weakness, weakness};

/// The audit-log detail of an accepted weak PIN: never which rule it
/// breaks, which would narrow the PIN down.
pub const WEAK_PIN_ALLOWED: &str = "a weak PIN accepted with --allow-weak";

/// Applies the weak-PIN policy to a PIN chosen by a person: a weak PIN is
/// refused unless `allow_weak`, and then its weakness is returned so that
/// the caller logs the override.
pub fn check_pin_strength(
    settings: &Settings,
    ext: &Extension,
    pin: &Pin,
    allow_weak: bool,
) -> Result<Option<Weakness>> {
    match weakness(pin, ext, settings.pin_min_length) {
        None => Ok(None),
        Some(w) if allow_weak => Ok(Some(w)),
        Some(w) => Err(Error::invalid_with_hint(
            format!("the PIN for extension {ext} is weak: {w}"),
            "choose another PIN, or pass --allow-weak to keep it (the override is logged)",
        )),
    }
}

/// Reads the first line of standard input (at most 1 KiB), without its
/// line ending; wiped from memory when dropped. `None` when standard input
/// is empty.
pub fn read_stdin_line() -> Result<Option<Zeroizing<String>>> {
    read_first_line(io::stdin().lock())
}

fn read_first_line(input: impl Read) -> Result<Option<Zeroizing<String>>> {
    let mut line = Zeroizing::new(String::new());
    let n = io::BufReader::new(input.take(1024))
        .read_line(&mut line)
        .reading("standard input")?;
    if n == 0 {
        return Ok(None);
    }
    let len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(len);
    Ok(Some(line))
}

/// One hidden entry on the terminal after `prompt`; `None` at Ctrl-D.
pub fn hidden_pin_entry(prompt: &str) -> Result<Option<Zeroizing<String>>> {
    crate::console::read_hidden_line(prompt).reading("the PIN from the terminal")
}

/// Asks for a new PIN on the terminal, twice: each entry is checked for
/// format and weakness before the second is asked; three tries, then exit
/// 2. Ctrl-D aborts (exit 2), Ctrl-C exits 130 with the terminal restored.
pub fn ask_new_pin(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    check: impl Fn(&Pin) -> Result<()>,
) -> Result<Pin> {
    const TRIES: u32 = 3;
    let aborted = || Error::invalid("no PIN entered (Ctrl-D); nothing changed");
    for _ in 0..TRIES {
        let Some(first) = hidden_pin_entry(&format!("New voicemail PIN for extension {ext}"))?
        else {
            return Err(aborted());
        };
        let pin = match first.parse::<Pin>().map_err(Error::from).and_then(|p| {
            check(&p)?;
            Ok(p)
        }) {
            Ok(p) => p,
            Err(e) => {
                ctx.console.error_line(&e);
                continue;
            }
        };
        let Some(second) = hidden_pin_entry("Repeat the PIN")? else {
            return Err(aborted());
        };
        if *second == *first {
            return Ok(pin);
        }
        ctx.console.error_line("the two PINs differ");
    }
    Err(Error::invalid_with_hint(
        format!("no PIN set for extension {ext} after {TRIES} tries; nothing changed"),
        "a PIN is 4 to 10 digits, not easy to guess; run the command again",
    ))
}

/// Reads a PIN from the first line of standard input (`--pin-stdin`); on a
/// terminal, from a hidden prompt.
pub fn pin_from_stdin() -> Result<Pin> {
    if std::io::IsTerminal::is_terminal(&io::stdin()) {
        return match hidden_pin_entry("PIN")? {
            Some(line) if !line.is_empty() => Ok(line.parse::<Pin>()?),
            _ => Err(Error::invalid("no PIN entered; nothing changed")),
        };
    }
    match read_stdin_line()? {
        Some(line) if !line.is_empty() => Ok(line.parse::<Pin>()?),
        _ => Err(no_pin_on_stdin("pinprotect ...")),
    }
}

/// Standard input had no PIN: the error, with `command` in the hint's
/// example.
pub fn no_pin_on_stdin(command: &str) -> Error {
    Error::invalid_with_hint(
        "no PIN on standard input",
        format!("pipe the PIN as the first line, e.g. printf '4826\\n' | {command}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_only_without_line_ending() {
        let first = |input: &[u8]| read_first_line(input).unwrap().map(|s| s.to_string());
        assert_eq!(first(b"0042\r\nrest\n").as_deref(), Some("0042"));
        assert_eq!(first(b"0042").as_deref(), Some("0042"));
        assert_eq!(first(b""), None);
        assert_eq!(first(b"\n").as_deref(), Some(""));
    }
}
