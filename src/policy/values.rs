//! Value types that cannot hold invalid values: each is made by parsing
//! and refuses what the PBX would not accept.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};

/// Why a value given by the user was refused. The message names the value
/// and the rule it broke; it never repeats a PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn all_ascii_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// An extension number: 2 to 10 ASCII digits, kept as text so that leading
/// zeros survive (`0100` and `100` are different extensions).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Extension(String);

impl Extension {
    pub const MIN_LEN: usize = 2;
    pub const MAX_LEN: usize = 10;

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The numeric value, used for ordering (`099` < `100` < `0101`).
    pub fn numeric_value(&self) -> u64 {
        // At most 10 digits: always fits.
        self.0.parse().unwrap_or(u64::MAX)
    }
}

impl FromStr for Extension {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseError("extension number is empty".into()));
        }
        if !all_ascii_digits(s) {
            return Err(ParseError(format!(
                "extension number '{}' must contain only digits 0-9",
                crate::text::shown(s)
            )));
        }
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len()) {
            return Err(ParseError(format!(
                "extension number '{s}' must have {} to {} digits, not {}",
                Self::MIN_LEN,
                Self::MAX_LEN,
                s.len()
            )));
        }
        Ok(Extension(s.to_owned()))
    }
}

impl fmt::Display for Extension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Ord for Extension {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numeric_value()
            .cmp(&other.numeric_value())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Extension {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A voicemail PIN: 4 to 10 ASCII digits, kept as text (`0042` stays
/// `0042`). Its `Debug` output is redacted and it has no `Display`: the
/// digits are reached only through [`Pin::expose`].
#[derive(Clone)]
pub struct Pin(String);

impl Pin {
    pub const MIN_LEN: usize = 4;
    pub const MAX_LEN: usize = 10;
    pub const GENERATED_LEN: usize = 6;

    /// Whether an entry after the feature code is a PIN attempt, compared
    /// and counted by the lockout: keypad digits only. Letters, `*` or
    /// other characters are no attempt at all (they can never match).
    pub fn is_attempt(entered: &str) -> bool {
        !entered.is_empty() && entered.bytes().all(|b| b.is_ascii_digit())
    }

    /// The digits, for storing, exporting and showing on purpose.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares an entered PIN with this one in time that does not depend
    /// on where the two first differ.
    pub fn matches(&self, entered: &str) -> bool {
        let a = self.0.as_bytes();
        let b = entered.as_bytes();
        let mut diff = a.len() ^ b.len();
        for i in 0..a.len().max(b.len()) {
            let x = a.get(i).copied().unwrap_or(0);
            let y = b.get(i).copied().unwrap_or(0xff);
            diff |= usize::from(x ^ y);
        }
        diff == 0
    }
}

impl Drop for Pin {
    /// PINs do not linger in freed memory.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl FromStr for Pin {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseError("the PIN is empty".into()));
        }
        if !all_ascii_digits(s) {
            return Err(ParseError("a PIN must contain only digits 0-9".into()));
        }
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len()) {
            return Err(ParseError(format!(
                "a PIN must have {} to {} digits, not {}",
                Self::MIN_LEN,
                Self::MAX_LEN,
                s.len()
            )));
        }
        Ok(Pin(s.to_owned()))
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

impl PartialEq for Pin {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for Pin {}

/// How long outbound calling stays allowed after a right PIN: 1 second to
/// 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PinDuration(u32);

impl PinDuration {
    pub const MIN_SECS: u32 = 1;
    pub const FIVE_MINUTES: PinDuration = PinDuration(300);
    pub const MAX_SECS: u32 = 24 * 3600;

    pub fn from_secs(secs: i64) -> Result<Self, ParseError> {
        if (i64::from(Self::MIN_SECS)..=i64::from(Self::MAX_SECS)).contains(&secs) {
            Ok(PinDuration(secs as u32))
        } else {
            Err(ParseError(format!(
                "duration {secs}s is outside 1s..24h (1 to 86400 seconds)"
            )))
        }
    }

    pub fn as_secs(self) -> u32 {
        self.0
    }
}

impl FromStr for PinDuration {
    type Err = ParseError;

    /// `300`, `90s`, `15m`, `2h`, `1h30m`, `1h0m15s`: whole seconds, or
    /// hours, minutes and seconds in that order, each at most once.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || {
            ParseError(format!(
                "invalid duration '{}': use whole seconds or units h, m, s, as in 300, 90s, 15m, 2h, 1h30m",
                crate::text::shown(s)
            ))
        };
        if s.is_empty() {
            return Err(malformed());
        }
        if all_ascii_digits(s) {
            let secs: i64 = s.parse().map_err(|_| malformed())?;
            return Self::from_secs(secs);
        }
        let mut total: i64 = 0;
        let mut number = String::new();
        // Units must come in strictly decreasing order: h, then m, then s.
        let mut last_rank = 3;
        for c in s.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (rank, factor) = match c {
                'h' => (2, 3600),
                'm' => (1, 60),
                's' => (0, 1),
                _ => return Err(malformed()),
            };
            if number.is_empty() || rank >= last_rank {
                return Err(malformed());
            }
            last_rank = rank;
            // More digits than any valid duration has: out of range.
            if number.len() > 9 {
                return Err(ParseError(format!(
                    "duration '{s}' is outside 1s..24h (1 to 86400 seconds)"
                )));
            }
            let n: i64 = number.parse().map_err(|_| malformed())?;
            total += n * factor;
            number.clear();
        }
        if !number.is_empty() {
            return Err(malformed());
        }
        Self::from_secs(total)
    }
}

impl fmt::Display for PinDuration {
    /// Compact form that parses back to the same value: `1h30m`, `90s` is
    /// shown as `1m30s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if s > 0 {
            write!(f, "{s}s")?;
        }
        Ok(())
    }
}

/// A point in time, in whole seconds since the Unix epoch (UTC). The
/// smallest unit pinprotect decides on is one second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The earliest time a user may give: 1970-01-01T00:00:00Z.
    pub const EARLIEST: Timestamp = Timestamp(0);
    /// The latest time a user may give: 9999-12-31T23:59:59Z.
    pub const LATEST: Timestamp = Timestamp(253_402_300_799);

    pub fn from_unix(secs: i64) -> Self {
        Timestamp(secs)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    pub fn plus(self, d: PinDuration) -> Timestamp {
        Timestamp(self.0.saturating_add(i64::from(d.as_secs())))
    }

    pub fn plus_secs(self, secs: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs))
    }

    /// RFC 3339 in UTC with a `Z`, e.g. `2026-11-26T10:05:00Z`.
    pub fn to_rfc3339(self) -> String {
        match DateTime::<Utc>::from_timestamp(self.0, 0) {
            Some(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => format!("@{}", self.0),
        }
    }
}

impl FromStr for Timestamp {
    type Err = ParseError;

    /// An RFC 3339 timestamp such as `2026-11-26T09:00:00Z` or
    /// `2026-11-26T10:00:00+01:00`. Fractions of a second are dropped.
    /// Times before 1970 or after 9999 are refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = DateTime::parse_from_rfc3339(s).map_err(|e| {
            ParseError(format!(
                "invalid time '{}' ({e}): use RFC 3339, as in 2026-11-26T09:00:00Z",
                crate::text::shown(s)
            ))
        })?;
        let t = Timestamp(t.timestamp());
        if !(Self::EARLIEST..=Self::LATEST).contains(&t) {
            return Err(ParseError(format!(
                "time '{}' is out of range: pinprotect takes times from {} to {}",
                crate::text::shown(s),
                Self::EARLIEST,
                Self::LATEST
            )));
        }
        Ok(t)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// A number as dialed: digits, `*` and `#`, with an optional leading `+`.
/// Spaces, `-`, `.`, `(` and `)` are accepted as separators and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialedNumber(String);

impl DialedNumber {
    pub const MAX_LEN: usize = 32;

    /// The normalised form: separators dropped.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as an extension of this PBX, if it has that shape.
    pub fn as_extension(&self) -> Option<Extension> {
        self.0.parse().ok()
    }
}

impl FromStr for DialedNumber {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                ' ' | '-' | '.' | '(' | ')' => {}
                '0'..='9' | '*' | '#' => out.push(c),
                '+' if out.is_empty() => out.push(c),
                '+' => {
                    return Err(ParseError(format!(
                        "invalid number '{}': '+' is allowed only at the start",
                        crate::text::shown(s)
                    )));
                }
                other => {
                    return Err(ParseError(format!(
                        "invalid number '{}': '{}' is not allowed (use digits, * and #, a leading +, and the separators space - . ( ))",
                        crate::text::shown(s),
                        crate::text::shown(other.encode_utf8(&mut [0u8; 4]))
                    )));
                }
            }
        }
        if out.is_empty() || out == "+" {
            return Err(ParseError(format!(
                "invalid number '{}': it has no digits",
                crate::text::shown(s)
            )));
        }
        if out.len() > Self::MAX_LEN {
            return Err(ParseError(format!(
                "invalid number '{}': more than {} characters",
                crate::text::shown(s),
                Self::MAX_LEN
            )));
        }
        Ok(DialedNumber(out))
    }
}

impl fmt::Display for DialedNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A first or last name: any text without control characters, at most
/// [`Name::MAX_CHARS`] characters. Never empty (an absent name is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 100;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_text(what: &str, s: &str, max_chars: usize) -> Result<(), ParseError> {
    if s.is_empty() {
        return Err(ParseError(format!("{what} is empty")));
    }
    if let Some(c) = s.chars().find(|c| crate::text::needs_escape(*c)) {
        let mut one = [0u8; 4];
        return Err(ParseError(format!(
            "{what} '{}' contains the {} character {}",
            crate::text::shown(s),
            if c.is_control() {
                "control"
            } else {
                "invisible"
            },
            crate::text::escaped(c.encode_utf8(&mut one))
        )));
    }
    if s.chars().count() > max_chars {
        return Err(ParseError(format!(
            "{what} is longer than {max_chars} characters"
        )));
    }
    Ok(())
}

impl FromStr for Name {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_text("name", s, Self::MAX_CHARS)?;
        Ok(Name(s.to_owned()))
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address: `local@domain`, no spaces or control characters, at
/// most 254 characters. Only the shape is checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_text("e-mail address", s, Self::MAX_CHARS)?;
        let shape_ok = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !s.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !shape_ok {
            return Err(ParseError(format!(
                "invalid e-mail address '{}': expected the form name@example.com",
                crate::text::shown(s)
            )));
        }
        Ok(Email(s.to_owned()))
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A voicemail.conf mailbox's options, kept as they were read and written
/// back as they are (`attach=yes|saycid=no`): the last field of a mailbox
/// line, so nothing that ends the line (no `;`, which starts a comment,
/// no control character); at most 1000 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailboxOptions(String);

impl MailboxOptions {
    pub const MAX_CHARS: usize = 1000;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for MailboxOptions {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        check_text("voicemail options", s, Self::MAX_CHARS)?;
        if s.contains(';') {
            return Err(ParseError(format!(
                "voicemail options '{}' contain ';', which starts a comment in voicemail.conf: \
                 separate options with |",
                crate::text::shown(s)
            )));
        }
        if s.trim() != s {
            return Err(ParseError(format!(
                "voicemail options '{}' start or end with a space",
                crate::text::shown(s)
            )));
        }
        Ok(MailboxOptions(s.to_owned()))
    }
}

/// The feature code users dial to enter their PIN: digits, `*` and `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureCode(String);

impl FeatureCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_dialed(&self, number: &DialedNumber) -> bool {
        number.as_str() == self.0
    }

    /// Refuses an extension number equal to the feature code.
    pub fn check_extension(&self, ext: &Extension) -> Result<(), ParseError> {
        if ext.as_str() == self.0 {
            return Err(ParseError(format!(
                "{ext} is the pin protect feature code and cannot be an extension"
            )));
        }
        Ok(())
    }
}

impl Default for FeatureCode {
    fn default() -> Self {
        FeatureCode("7777".into())
    }
}

impl FromStr for FeatureCode {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = !s.is_empty()
            && s.len() <= 10
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b == b'*' || b == b'#');
        if ok {
            Ok(FeatureCode(s.into()))
        } else {
            Err(ParseError(format!(
                "invalid feature code '{}': use 1 to 10 digits, * and #",
                crate::text::shown(s)
            )))
        }
    }
}

impl fmt::Display for FeatureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
