//! The weak-PIN policy: PINs that an attacker tries first, and the
//! generator of PINs that are none of them.

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
    if is_trivial(digits) {
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

/// True for PINs that are trivially guessed: one repeated digit
/// (`0000`) or a run of consecutive digits up or down (`123456`,
/// `9876`, also across 9-0 as in `890123`).
pub fn is_trivial(digits: &str) -> bool {
    let b = digits.as_bytes();
    if !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if b.len() < 2 {
        return true;
    }
    let step = |x: u8, y: u8| (10 + y - b'0' - (x - b'0')) % 10;
    let first = step(b[0], b[1]);
    (first == 0 || first == 1 || first == 9) && b.windows(2).all(|w| step(w[0], w[1]) == first)
}

/// A random PIN of `len` digits (at least 6) that breaks no rule of
/// [`weakness`] for `ext`. `random` supplies uniformly random `u32`s; its
/// first failure is returned.
pub fn generate<E>(
    ext: &Extension,
    len: usize,
    mut random: impl FnMut() -> Result<u32, E>,
) -> Result<Pin, E> {
    let len = len.clamp(Pin::GENERATED_LEN, Pin::MAX_LEN);
    loop {
        let mut digits = String::with_capacity(len);
        while digits.len() < len {
            let r = random()?;
            // Reject the top of the range so every digit is equally likely.
            if r >= u32::MAX - (u32::MAX % 10) {
                continue;
            }
            digits.push(char::from(b'0' + (r % 10) as u8));
        }
        let Ok(pin) = digits.parse::<Pin>() else {
            continue;
        };
        if weakness(&pin, ext, len).is_none() {
            return Ok(pin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ext(s: &str) -> Extension {
        s.parse().unwrap()
    }

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

    #[test]
    fn trivial_pins() {
        for p in [
            "0000", "1234", "4321", "0123", "9876", "123456", "654321", "890123", "999999",
        ] {
            assert!(is_trivial(p), "{p}");
        }
        for p in ["1235", "0042", "482915", "1212", "2468"] {
            assert!(!is_trivial(p), "{p}");
        }
    }

    #[test]
    fn generated_pin_avoids_trivial_and_extension() {
        // A source that first yields the digits of "123456", then of "000000",
        // then of the extension "135790", then good digits.
        let digits = "123456000000135790482915";
        let mut it = digits.bytes().map(|b| u32::from(b - b'0'));
        let pin = generate(&ext("135790"), 6, || it.next().ok_or(()));
        assert_eq!(pin.unwrap().expose(), "482915");
        // A failing source is reported, never turned into a PIN.
        assert_eq!(
            generate(&ext("100"), 6, || Err::<u32, _>("no entropy")).unwrap_err(),
            "no entropy"
        );
        // Longer when the policy asks for it.
        let mut n = 0u32;
        let long = generate(&ext("100"), 8, || {
            n = n.wrapping_mul(1103515245).wrapping_add(12345);
            Ok::<_, ()>(n >> 8)
        });
        assert_eq!(long.unwrap().expose().len(), 8);
    }

    proptest! {
        #[test]
        fn generated_pins_are_valid(seed in any::<u64>(), e in "[0-9]{2,10}") {
            let mut state = seed;
            let pin = generate(&e.parse().unwrap(), 6, || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                Ok::<_, ()>((state >> 32) as u32)
            }).unwrap();
            prop_assert_eq!(pin.expose().len(), 6);
            prop_assert!(pin.expose().parse::<Pin>().is_ok());
            prop_assert!(!is_trivial(pin.expose()));
            prop_assert_ne!(pin.expose(), e.as_str());
        }
    }
}
