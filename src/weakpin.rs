//! The weak-PIN policy: PINs that an attacker tries first.

use std::fmt;

use crate::policy::{Extension, Pin};

/// The 20 most common 4-digit PINs, most common first; together about 27%
/// of all 4-digit PINs in use.
pub const COMMON_PINS: [&str; 20] = [
    "1234", "1111", "0000", "1212", "7777", "1004", "2000", "4444", "2222", "6969", "9999", "3333",
    "5555", "6666", "1122", "1313", "8888", "4321", "2001", "1010",
];

/// Why a PIN is weak. Its text never contains the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    TooShort { min: usize },
    OneDigit,
    Run,
    EqualsExtension,
    Common,
}

impl Weakness {
    /// A short name for reports: `too_short`, `one_digit`, ...
    pub fn name(self) -> &'static str {
        match self {
            Weakness::TooShort { .. } => "too_short",
            Weakness::OneDigit => "one_digit",
            Weakness::Run => "run",
            Weakness::EqualsExtension => "equals_extension",
            Weakness::Common => "common",
        }
    }
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Weakness::TooShort { min } => write!(f, "shorter than the minimum of {min} digits"),
            Weakness::OneDigit => f.write_str("one digit repeated"),
            Weakness::Run => f.write_str("a run of consecutive digits"),
            Weakness::EqualsExtension => f.write_str("the same as the extension number"),
            Weakness::Common => f.write_str("one of the most common PINs"),
        }
    }
}

/// The first rule `pin` breaks for extension `ext`, if any.
pub fn weakness(pin: &Pin, ext: &Extension, min_len: usize) -> Option<Weakness> {
    let digits = pin.expose();
    let b = digits.as_bytes();
    if b.len() < min_len {
        return Some(Weakness::TooShort { min: min_len });
    }
    if b.iter().all(|&d| d == b[0]) {
        return Some(Weakness::OneDigit);
    }
    if Pin::is_trivial(digits) {
        return Some(Weakness::Run);
    }
    if digits == ext.as_str() {
        return Some(Weakness::EqualsExtension);
    }
    if COMMON_PINS.contains(&digits) {
        return Some(Weakness::Common);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pin: &str, ext: &str, min: usize) -> Option<Weakness> {
        weakness(&pin.parse().unwrap(), &ext.parse().unwrap(), min)
    }

    #[test]
    fn each_rule() {
        assert_eq!(w("4826", "100", 6), Some(Weakness::TooShort { min: 6 }));
        assert_eq!(w("0000", "100", 4), Some(Weakness::OneDigit));
        for run in ["1234", "4321", "0123", "9876", "345678"] {
            assert_eq!(w(run, "100", 4), Some(Weakness::Run), "{run}");
        }
        assert_eq!(w("4826", "4826", 4), Some(Weakness::EqualsExtension));
        for common in COMMON_PINS {
            assert!(w(common, "100", 4).is_some(), "{common}");
        }
        assert_eq!(w("1212", "100", 4), Some(Weakness::Common));
        assert_eq!(w("6969", "100", 4), Some(Weakness::Common));
        assert_eq!(w("4826", "100", 4), None);
        assert_eq!(w("0042", "100", 4), None);
    }

    #[test]
    fn reasons_never_contain_digits_but_the_minimum() {
        for reason in [
            Weakness::OneDigit,
            Weakness::Run,
            Weakness::EqualsExtension,
            Weakness::Common,
        ] {
            assert!(
                !reason.to_string().chars().any(|c| c.is_ascii_digit()),
                "{reason}"
            );
        }
        assert_eq!(
            Weakness::TooShort { min: 7 }.to_string(),
            "shorter than the minimum of 7 digits"
        );
    }
}
