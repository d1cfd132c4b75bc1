//! The decision core: value types that cannot hold invalid values, the
//! grant-window arithmetic and the rule "may EXT call NUMBER at time T".
//!
//! Nothing in this module reads the clock, the database or the terminal:
//! the current time and every fact about the world is passed in.

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

    /// True for PINs that are trivially guessed: one repeated digit
    /// (`0000`) or a run of consecutive digits up or down (`123456`,
    /// `9876`, also across 9-0 as in `890123`).
    pub fn is_trivial(digits: &str) -> bool {
        let b = digits.as_bytes();
        if !all_ascii_digits(digits) {
            return false;
        }
        if b.len() < 2 {
            return true;
        }
        let step = |x: u8, y: u8| (10 + y - b'0' - (x - b'0')) % 10;
        let first = step(b[0], b[1]);
        (first == 0 || first == 1 || first == 9) && b.windows(2).all(|w| step(w[0], w[1]) == first)
    }

    /// A random PIN of `len` digits (at least 6) that is neither trivial,
    /// nor equal to the extension number, nor a common PIN. `random`
    /// supplies uniformly random `u32`s; its first failure is returned.
    pub fn generate<E>(
        ext: &Extension,
        len: usize,
        mut random: impl FnMut() -> Result<u32, E>,
    ) -> Result<Pin, E> {
        let len = len.clamp(Self::GENERATED_LEN, Self::MAX_LEN);
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
            let pin = Pin(digits);
            if crate::weakpin::weakness(&pin, ext, len).is_none() {
                return Ok(pin);
            }
        }
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

/// What the PBX dial plan knows besides the extensions themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialPlan {
    pub feature_code: FeatureCode,
    /// Never empty.
    pub emergency_numbers: Vec<String>,
    /// The digits dialed before an outside number (such as `9`), or empty.
    pub outbound_prefix: String,
}

impl Default for DialPlan {
    fn default() -> Self {
        DialPlan {
            feature_code: FeatureCode::default(),
            emergency_numbers: DialPlan::BUILT_IN_EMERGENCY_NUMBERS
                .map(String::from)
                .to_vec(),
            outbound_prefix: String::new(),
        }
    }
}

impl DialPlan {
    /// The emergency numbers of a new database, and the ones that apply
    /// when the settings cannot be read.
    pub const BUILT_IN_EMERGENCY_NUMBERS: [&str; 4] = ["911", "112", "999", "000"];

    /// The rule when the settings cannot be read: a built-in emergency
    /// number dialed as it is, or after any outbound prefix that the
    /// settings could hold (1 to 4 digits), since the real one is unknown.
    pub fn is_built_in_emergency(number: &DialedNumber) -> bool {
        let n = number.as_str();
        Self::BUILT_IN_EMERGENCY_NUMBERS.iter().any(|e| {
            n.strip_suffix(e).is_some_and(|prefix| {
                prefix.len() <= 4 && prefix.bytes().all(|b| b.is_ascii_digit())
            })
        })
    }

    /// Refuses an extension number the dial plan reserves: the feature
    /// code, a configured emergency number (as it is or after the outbound
    /// prefix) or a built-in one (911, 112, 999, 000).
    pub fn check_extension(&self, ext: &Extension) -> Result<(), ParseError> {
        self.feature_code.check_extension(ext)?;
        let n = ext.as_str();
        let emergency = Self::BUILT_IN_EMERGENCY_NUMBERS.contains(&n)
            || n.parse::<DialedNumber>()
                .is_ok_and(|d| self.is_emergency(&d));
        if emergency {
            return Err(ParseError(format!(
                "{ext} is an emergency number and cannot be an extension"
            )));
        }
        Ok(())
    }

    /// The extension numbers this plan makes emergency numbers: each
    /// configured one, and each after the outbound prefix.
    pub fn emergency_extensions(&self) -> Vec<Extension> {
        let mut out = Vec::new();
        for e in &self.emergency_numbers {
            let mut candidates = vec![e.clone()];
            if !self.outbound_prefix.is_empty() {
                candidates.push(format!("{}{e}", self.outbound_prefix));
            }
            out.extend(
                candidates
                    .iter()
                    .filter_map(|c| c.parse::<Extension>().ok()),
            );
        }
        out
    }

    /// The decision for an emergency number, which needs nothing but the
    /// dial plan: not the caller, not the clock.
    pub fn emergency_decision(&self, number: &DialedNumber) -> Option<Decision> {
        self.is_emergency(number).then_some(Decision {
            permitted: true,
            reason: Reason::Emergency,
            unlocked_until: None,
        })
    }

    /// An emergency number, dialed as it is or after the outbound prefix.
    pub fn is_emergency(&self, number: &DialedNumber) -> bool {
        let n = number.as_str();
        let without_prefix = if self.outbound_prefix.is_empty() {
            None
        } else {
            n.strip_prefix(self.outbound_prefix.as_str())
        };
        self.emergency_numbers
            .iter()
            .any(|e| e == n || without_prefix == Some(e.as_str()))
    }
}

/// A window in which outbound calls are allowed: `granted_at <= t < until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub granted_at: Timestamp,
    pub until: Timestamp,
}

impl Grant {
    /// The grant a right PIN entered at `now` gives.
    pub fn start(now: Timestamp, duration: PinDuration) -> Grant {
        Grant {
            granted_at: now,
            until: now.plus(duration),
        }
    }

    pub fn is_active(&self, now: Timestamp) -> bool {
        self.granted_at <= now && now < self.until
    }
}

/// An extension's pin-protect settings and its current grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Protection {
    pub enabled: bool,
    pub duration: Option<PinDuration>,
    pub grant: Option<Grant>,
}

/// Where an extension stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Pin protect is off: outbound calls are allowed.
    Unrestricted,
    /// Pin protect is on and no grant is active.
    Locked,
    /// Pin protect is on and a grant is active until the given time.
    Unlocked { until: Timestamp },
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Unrestricted => "unrestricted",
            State::Locked => "locked",
            State::Unlocked { .. } => "unlocked",
        }
    }

    pub fn unlocked_until(self) -> Option<Timestamp> {
        match self {
            State::Unlocked { until } => Some(until),
            _ => None,
        }
    }
}

impl Protection {
    pub fn state(&self, now: Timestamp) -> State {
        if !self.enabled {
            return State::Unrestricted;
        }
        match self.grant {
            Some(g) if g.is_active(now) => State::Unlocked { until: g.until },
            _ => State::Locked,
        }
    }

    /// The grant still running at `now`, whether or not protection is on.
    pub fn active_grant(&self, now: Timestamp) -> Option<Grant> {
        self.grant.filter(|g| g.is_active(now))
    }
}

/// Why a call is permitted or denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Emergency,
    FeatureCode,
    Internal,
    NotProtected,
    Unlocked,
    Locked,
}

impl Reason {
    pub fn name(self) -> &'static str {
        match self {
            Reason::Emergency => "emergency",
            Reason::FeatureCode => "feature_code",
            Reason::Internal => "internal",
            Reason::NotProtected => "not_protected",
            Reason::Unlocked => "unlocked",
            Reason::Locked => "locked",
        }
    }
}

/// The answer to "may EXT call NUMBER now?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub permitted: bool,
    pub reason: Reason,
    /// The end of the caller's active grant, whatever the reason.
    pub unlocked_until: Option<Timestamp>,
}

/// The rule, first match wins: emergency number, feature code, an existing
/// extension, caller not protected, caller unlocked; otherwise denied.
/// `is_extension` tells whether a number is an existing extension; it is
/// asked only when the number has the shape of one.
///
/// ```
/// use pinprotect::policy::{decide, DialPlan, Grant, Protection, Reason, Timestamp};
///
/// let now: Timestamp = "2026-11-26T09:00:00Z".parse().unwrap();
/// let five_minutes = "5m".parse().unwrap();
/// let locked = Protection { enabled: true, duration: Some(five_minutes), grant: None };
/// let plan = DialPlan::default();
///
/// let d = decide(&plan, &locked, &"0049301234567".parse().unwrap(), now, |_| false);
/// assert_eq!((d.permitted, d.reason), (false, Reason::Locked));
/// // Emergency numbers are never blocked.
/// assert!(decide(&plan, &locked, &"112".parse().unwrap(), now, |_| false).permitted);
///
/// // A right PIN at 09:00:00 opens the window until 09:05:00, exclusive.
/// let unlocked = Protection { grant: Some(Grant::start(now, five_minutes)), ..locked };
/// let at = |t: &str| decide(&plan, &unlocked, &"0049301234567".parse().unwrap(), t.parse().unwrap(), |_| false);
/// assert!(at("2026-11-26T09:04:59Z").permitted);
/// assert!(!at("2026-11-26T09:05:00Z").permitted);
/// ```
pub fn decide(
    plan: &DialPlan,
    caller: &Protection,
    number: &DialedNumber,
    now: Timestamp,
    is_extension: impl FnOnce(&Extension) -> bool,
) -> Decision {
    let state = caller.state(now);
    let unlocked_until = state.unlocked_until();
    let permit = |reason| Decision {
        permitted: true,
        reason,
        unlocked_until,
    };
    if plan.is_emergency(number) {
        return permit(Reason::Emergency);
    }
    if plan.feature_code.is_dialed(number) {
        return permit(Reason::FeatureCode);
    }
    if number.as_extension().is_some_and(|e| is_extension(&e)) {
        return permit(Reason::Internal);
    }
    match state {
        State::Unrestricted => permit(Reason::NotProtected),
        State::Unlocked { .. } => permit(Reason::Unlocked),
        State::Locked => Decision {
            permitted: false,
            reason: Reason::Locked,
            unlocked_until: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ext(s: &str) -> Extension {
        s.parse().unwrap()
    }

    fn num(s: &str) -> DialedNumber {
        s.parse().unwrap()
    }

    fn t(s: i64) -> Timestamp {
        Timestamp::from_unix(s)
    }

    fn secs(s: &str) -> u32 {
        s.parse::<PinDuration>().unwrap().as_secs()
    }

    #[test]
    fn built_in_emergency_numbers_with_and_without_a_prefix() {
        for n in [
            "911", "112", "999", "000", "9911", "0112", "1234999", "+ 9 1 1",
        ] {
            let n = num(n.trim_start_matches("+ "));
            assert!(DialPlan::is_built_in_emergency(&n), "{n}");
        }
        for n in ["91", "12345911", "9113", "+911", "*911", "4911x"] {
            let Ok(n) = n.parse::<DialedNumber>() else {
                continue;
            };
            assert!(!DialPlan::is_built_in_emergency(&n), "{n}");
        }
        let plan = DialPlan::default();
        assert!(plan.emergency_decision(&num("112")).unwrap().permitted);
        assert_eq!(plan.emergency_decision(&num("0112")), None);
    }

    #[test]
    fn times_outside_1970_to_9999_are_refused() {
        assert!("0001-01-01T00:00:00Z".parse::<Timestamp>().is_err());
        assert!("1969-12-31T23:59:59Z".parse::<Timestamp>().is_err());
        assert!("+10000-01-01T00:00:00Z".parse::<Timestamp>().is_err());
        assert_eq!(
            "1970-01-01T00:00:00Z".parse::<Timestamp>().unwrap(),
            Timestamp::EARLIEST
        );
        let last = "9999-12-31T23:59:59Z".parse::<Timestamp>().unwrap();
        assert_eq!(last, Timestamp::LATEST);
        assert_eq!(last.to_rfc3339(), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn names_and_emails() {
        assert_eq!(
            "Zoë O'Brien, \"Jr\"".parse::<Name>().unwrap().as_str(),
            "Zoë O'Brien, \"Jr\""
        );
        for bad in ["", "a\nb", "tab\there", "bell\u{7}", &"x".repeat(101)] {
            assert!(bad.parse::<Name>().is_err(), "{bad:?}");
        }
        assert!("a@b.example".parse::<Email>().is_ok());
        for bad in ["", "ab", "@b", "a@", "a b@c", "a@b@c", "a@b\n"] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn extension_keeps_leading_zeros_and_orders_numerically() {
        assert_eq!(ext("0100").as_str(), "0100");
        assert_ne!(ext("0100"), ext("100"));
        let mut v = [ext("1000"), ext("0100"), ext("99"), ext("100"), ext("0099")];
        v.sort();
        let got: Vec<_> = v.iter().map(Extension::as_str).collect();
        assert_eq!(got, ["0099", "99", "0100", "100", "1000"]);
    }

    #[test]
    fn extension_rejects_bad_shapes() {
        for bad in ["", "1", "12345678901", "12a", " 12", "١٢٣", "+12", "-12"] {
            assert!(bad.parse::<Extension>().is_err(), "{bad:?}");
        }
        assert!("12".parse::<Extension>().is_ok());
        assert!("1234567890".parse::<Extension>().is_ok());
    }

    #[test]
    fn pin_rules() {
        assert_eq!("0042".parse::<Pin>().unwrap().expose(), "0042");
        for bad in ["", "123", "12345678901", "12a4", "12 34", "１２３４"] {
            assert!(bad.parse::<Pin>().is_err(), "{bad:?}");
        }
        let p: Pin = "0042".parse().unwrap();
        assert!(p.matches("0042"));
        assert!(!p.matches("042"));
        assert!(!p.matches("00420"));
        assert!(!p.matches("0043"));
        assert!(!p.matches(""));
        assert_eq!(format!("{p:?}"), "Pin(<redacted>)");
    }

    #[test]
    fn parse_errors_never_repeat_a_pin() {
        for bad in ["98765432109876", "98a7", "987"] {
            let e = bad.parse::<Pin>().unwrap_err();
            assert!(!e.0.contains(bad), "{}", e.0);
        }
    }

    #[test]
    fn trivial_pins() {
        for p in [
            "0000", "1234", "4321", "0123", "9876", "123456", "654321", "890123", "999999",
        ] {
            assert!(Pin::is_trivial(p), "{p}");
        }
        for p in ["1235", "0042", "482915", "1212", "2468"] {
            assert!(!Pin::is_trivial(p), "{p}");
        }
    }

    #[test]
    fn generated_pin_avoids_trivial_and_extension() {
        // A source that first yields the digits of "123456", then of "000000",
        // then of the extension "135790", then good digits.
        let digits = "123456000000135790482915";
        let mut it = digits.bytes().map(|b| u32::from(b - b'0'));
        let pin = Pin::generate(&ext("135790"), 6, || it.next().ok_or(()));
        assert_eq!(pin.unwrap().expose(), "482915");
        // A failing source is reported, never turned into a PIN.
        assert_eq!(
            Pin::generate(&ext("100"), 6, || Err::<u32, _>("no entropy")).unwrap_err(),
            "no entropy"
        );
        // Longer when the policy asks for it.
        let mut n = 0u32;
        let long = Pin::generate(&ext("100"), 8, || {
            n = n.wrapping_mul(1103515245).wrapping_add(12345);
            Ok::<_, ()>(n >> 8)
        });
        assert_eq!(long.unwrap().expose().len(), 8);
    }

    #[test]
    fn durations() {
        assert_eq!(secs("300"), 300);
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("15m"), 900);
        assert_eq!(secs("2h"), 7200);
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("1h0m15s"), 3615);
        assert_eq!(secs("24h"), 86400);
        assert_eq!(secs("1s"), 1);
        for bad in [
            "",
            "0",
            "0s",
            "86401",
            "24h1s",
            "1.5h",
            "1H",
            "h",
            "1h1h",
            "30m1h",
            "5 m",
            "-5",
            "+5",
            "5x",
            "1m30",
            "99999999999999999999",
            "9999999999h",
        ] {
            assert!(bad.parse::<PinDuration>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn duration_display() {
        assert_eq!(PinDuration::from_secs(5400).unwrap().to_string(), "1h30m");
        assert_eq!(PinDuration::from_secs(90).unwrap().to_string(), "1m30s");
        assert_eq!(PinDuration::from_secs(86400).unwrap().to_string(), "24h");
        assert_eq!(PinDuration::from_secs(3601).unwrap().to_string(), "1h1s");
    }

    #[test]
    fn dialed_numbers() {
        assert_eq!(num("+49 (30) 123-45.67").as_str(), "+49301234567");
        assert_eq!(num("*72#").as_str(), "*72#");
        for bad in [
            "",
            "   ",
            "()",
            "+",
            "12a",
            "1+2",
            "911\n",
            "0x12",
            &"1".repeat(33),
        ] {
            assert!(bad.parse::<DialedNumber>().is_err(), "{bad:?}");
        }
        assert_eq!(num("0100").as_extension(), Some(ext("0100")));
        assert_eq!(num("+100").as_extension(), None);
    }

    #[test]
    fn timestamps() {
        let ts: Timestamp = "2026-11-26T10:00:00+01:00".parse().unwrap();
        assert_eq!(ts.to_rfc3339(), "2026-11-26T09:00:00Z");
        let frac: Timestamp = "2026-11-26T09:00:00.999Z".parse().unwrap();
        assert_eq!(frac, ts);
        assert!("yesterday".parse::<Timestamp>().is_err());
        assert!("2026-11-26".parse::<Timestamp>().is_err());
    }

    fn protected(grant: Option<Grant>) -> Protection {
        Protection {
            enabled: true,
            duration: Some(PinDuration::from_secs(300).unwrap()),
            grant,
        }
    }

    #[test]
    fn decision_order() {
        let plan = DialPlan::default();
        let locked = protected(None);
        let now = t(1000);
        let d = |p: &Protection, n: &str, exists: bool| decide(&plan, p, &num(n), now, |_| exists);
        assert_eq!(d(&locked, "911", false).reason, Reason::Emergency);
        assert_eq!(d(&locked, "000", false).reason, Reason::Emergency);
        assert_eq!(d(&locked, "7777", true).reason, Reason::FeatureCode);
        assert_eq!(d(&locked, "101", true).reason, Reason::Internal);
        assert_eq!(d(&locked, "101", false).reason, Reason::Locked);
        assert!(!d(&locked, "101", false).permitted);
        assert_eq!(
            d(&Protection::default(), "0049301234", false).reason,
            Reason::NotProtected
        );
        let open = protected(Some(Grant::start(
            t(900),
            PinDuration::from_secs(300).unwrap(),
        )));
        let dec = d(&open, "0049301234", false);
        assert_eq!(
            (dec.permitted, dec.reason, dec.unlocked_until),
            (true, Reason::Unlocked, Some(t(1200)))
        );
        // The existence lookup is not asked for numbers that cannot be extensions.
        let dec = decide(&plan, &locked, &num("+100"), now, |_| panic!("asked"));
        assert_eq!(dec.reason, Reason::Locked);
        // With an outbound prefix, prefix + emergency number is an emergency call.
        let prefixed = DialPlan {
            outbound_prefix: "9".into(),
            ..DialPlan::default()
        };
        let d9 = |n: &str| decide(&prefixed, &locked, &num(n), now, |_| false).reason;
        assert_eq!(d9("9911"), Reason::Emergency);
        assert_eq!(d9("9112"), Reason::Emergency);
        assert_eq!(d9("911"), Reason::Emergency);
        assert_eq!(d9("99112"), Reason::Locked);
        assert_eq!(d(&locked, "9911", false).reason, Reason::Locked);
    }

    proptest! {
        /// No number the plan treats as an emergency number, dialed as it
        /// is, can be an extension; and every number it lists as such is
        /// one it refuses.
        #[test]
        fn no_extension_is_an_emergency_number(
            number in "[0-9]{2,6}",
            prefix in "[0-9]{0,2}",
            list in proptest::collection::vec("[0-9]{2,4}", 1..4),
        ) {
            let plan = DialPlan {
                feature_code: FeatureCode::default(),
                emergency_numbers: list,
                outbound_prefix: prefix,
            };
            let ext: Extension = number.parse().unwrap();
            let dialed: DialedNumber = number.parse().unwrap();
            if plan.is_emergency(&dialed) {
                prop_assert!(plan.check_extension(&ext).is_err());
            }
            for e in plan.emergency_extensions() {
                prop_assert!(plan.check_extension(&e).is_err());
            }
        }

        #[test]
        fn window_rule(start in -1_000_000_000i64..4_000_000_000, dur in 1u32..=86400, offset in -200_000i64..200_000) {
            let d = PinDuration::from_secs(i64::from(dur)).unwrap();
            let g = Grant::start(t(start), d);
            let now = t(start + offset);
            let p = protected(Some(g));
            let expected = offset >= 0 && offset < i64::from(dur);
            prop_assert_eq!(g.is_active(now), expected);
            prop_assert_eq!(p.state(now) == State::Locked, !expected);
            let dec = decide(&DialPlan::default(), &p, &num("0049301234"), now, |_| false);
            prop_assert_eq!(dec.permitted, expected);
            prop_assert_eq!(dec.reason, if expected { Reason::Unlocked } else { Reason::Locked });
            // Emergency numbers are permitted whatever the window.
            prop_assert!(decide(&DialPlan::default(), &p, &num("112"), now, |_| false).permitted);
        }

        #[test]
        fn boundary_is_exclusive(start in 0i64..4_000_000_000, dur in 1u32..=86400) {
            let g = Grant::start(t(start), PinDuration::from_secs(i64::from(dur)).unwrap());
            prop_assert!(g.is_active(t(start + i64::from(dur) - 1)));
            prop_assert!(!g.is_active(t(start + i64::from(dur))));
        }

        #[test]
        fn duration_seconds_roundtrip(n in 0i64..200_000) {
            let parsed = n.to_string().parse::<PinDuration>();
            prop_assert_eq!(parsed.is_ok(), (1..=86400).contains(&n));
            if let Ok(d) = parsed {
                prop_assert_eq!(i64::from(d.as_secs()), n);
                // The compact display parses back to the same duration.
                prop_assert_eq!(d.to_string().parse::<PinDuration>().unwrap(), d);
            }
        }

        #[test]
        fn duration_units(h in 0i64..30, m in 0i64..100, s in 0i64..100) {
            let text = format!("{h}h{m}m{s}s");
            let total = h * 3600 + m * 60 + s;
            let parsed = text.parse::<PinDuration>();
            prop_assert_eq!(parsed.is_ok(), (1..=86400).contains(&total));
            if let Ok(d) = parsed {
                prop_assert_eq!(i64::from(d.as_secs()), total);
            }
        }

        #[test]
        fn duration_parser_never_panics(s in "\\PC{0,12}") {
            let _ = s.parse::<PinDuration>();
        }

        #[test]
        fn extension_accepts_exactly_digit_strings(s in "[0-9]{0,12}") {
            let parsed = s.parse::<Extension>();
            prop_assert_eq!(parsed.is_ok(), (2..=10).contains(&s.len()));
            if let Ok(e) = parsed {
                prop_assert_eq!(e.as_str(), s.as_str());
            }
        }

        #[test]
        fn extension_rejects_non_digits(s in "[0-9]{1,5}[^0-9][0-9]{0,4}") {
            prop_assert!(s.parse::<Extension>().is_err());
        }

        #[test]
        fn pin_accepts_exactly_digit_strings(s in "[0-9]{0,12}") {
            let parsed = s.parse::<Pin>();
            prop_assert_eq!(parsed.is_ok(), (4..=10).contains(&s.len()));
            if let Ok(p) = parsed {
                prop_assert_eq!(p.expose(), s.as_str());
                prop_assert!(p.matches(&s));
            }
        }

        #[test]
        fn pin_matches_only_itself(a in "[0-9]{4,10}", b in "[0-9]{0,10}") {
            let p: Pin = a.parse().unwrap();
            prop_assert_eq!(p.matches(&b), a == b);
        }

        #[test]
        fn generated_pins_are_valid(seed in any::<u64>(), e in "[0-9]{2,10}") {
            let mut state = seed;
            let pin = Pin::generate(&e.parse().unwrap(), 6, || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                Ok::<_, ()>((state >> 32) as u32)
            }).unwrap();
            prop_assert_eq!(pin.expose().len(), 6);
            prop_assert!(pin.expose().parse::<Pin>().is_ok());
            prop_assert!(!Pin::is_trivial(pin.expose()));
            prop_assert_ne!(pin.expose(), e.as_str());
        }

        #[test]
        fn dialed_number_drops_separators(core in "\\+?[0-9*#]{1,20}", seps in proptest::collection::vec("[ .()-]", 0..6)) {
            let mut text = core.clone();
            for (i, s) in seps.iter().enumerate() {
                let at = ((i * 7) % (text.len() + 1)).max(usize::from(core.starts_with('+')));
                text.insert_str(at.min(text.len()), s);
            }
            let parsed = text.parse::<DialedNumber>().unwrap();
            prop_assert_eq!(parsed.as_str(), core.as_str());
        }

        #[test]
        fn dialed_number_rejects_letters(prefix in "[0-9]{0,5}", bad in "[a-zA-Z_,;:/]", suffix in "[0-9]{0,5}") {
            let text = format!("{prefix}{bad}{suffix}");
            prop_assert!(text.parse::<DialedNumber>().is_err());
        }
    }
}
