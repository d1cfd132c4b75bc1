//! Times for people: tables and messages show local time with its offset
//! (`2026-11-29 17:20:47 +01:00`, the zone from `TZ` or /etc/localtime),
//! or UTC with `--utc`; JSON, CSV, the audit log and everything stored stay
//! RFC 3339 in UTC ([`Timestamp::to_rfc3339`]). And the times people type
//! for `log --since` and `--until`: RFC 3339, a date, a duration back from
//! now, `today` or `yesterday` ([`TimeSpec`]).
//!
//! The arithmetic is pure: the zone is a function from a Unix time to its
//! offset, which the process gets from the C library ([`crate::sys`]).

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::policy::{ParseError, Timestamp};

/// Whether people see UTC (`--utc`) rather than local time; set once, at
/// start-up, for the whole process.
static UTC: AtomicBool = AtomicBool::new(false);

/// Shows UTC instead of local time in tables and messages (`--utc`).
pub fn show_utc(on: bool) {
    UTC.store(on, Ordering::Relaxed);
}

/// The offset from UTC, in seconds, that people see at `t`.
fn offset(t: Timestamp) -> i32 {
    if UTC.load(Ordering::Relaxed) {
        0
    } else {
        crate::sys::local_offset(t.unix())
    }
}

/// A time as people read it, in the zone shown: `2026-11-29 17:20:47 +01:00`.
pub fn shown(t: Timestamp) -> Shown {
    Shown {
        t,
        offset: offset(t),
        date: true,
    }
}

/// `t` for a table next to `now`: the clock time only when it falls on the
/// same day as `now` (`17:20:47 +01:00`), else with the date.
pub fn shown_near(t: Timestamp, now: Timestamp) -> Shown {
    let offset = offset(t);
    let day = |t: Timestamp, off: i32| (t.unix() + i64::from(off)).div_euclid(86_400);
    Shown {
        t,
        offset,
        date: day(t, offset) != day(now, self::offset(now)),
    }
}

/// A time with its offset, displayed for people (see [`shown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    t: Timestamp,
    offset: i32,
    date: bool,
}

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.t.unix() + i64::from(self.offset);
        let Some(dt) = DateTime::<Utc>::from_timestamp(local, 0) else {
            return f.write_str(&self.t.to_rfc3339());
        };
        let sign = if self.offset < 0 { '-' } else { '+' };
        let off = self.offset.unsigned_abs();
        let (oh, om) = (off / 3600, off / 60 % 60);
        if self.date {
            write!(f, "{} ", dt.format("%Y-%m-%d"))?;
        }
        write!(f, "{} {sign}{oh:02}:{om:02}", dt.format("%H:%M:%S"))
    }
}

/// A time as `log --since` and `--until` take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// An RFC 3339 time: `2026-11-29T09:00:00Z`, `2026-11-29T10:00:00+01:00`.
    At(Timestamp),
    /// Local midnight at the start of this day: `2026-11-29`.
    Date(NaiveDate),
    /// This many seconds before now: `90m`, `1h`, `2d`, `1h30m`.
    Ago(i64),
    /// Local midnight at the start of today.
    Today,
    /// Local midnight at the start of yesterday.
    Yesterday,
}

/// The forms [`TimeSpec`] accepts, for messages.
pub const TIME_FORMS: &str = "an RFC 3339 time (2026-11-29T09:00:00Z), a date (2026-11-29, local midnight), \
     a time back from now (90m, 1h, 2d, 1h30m; units s m h d w) or today or yesterday";

impl FromStr for TimeSpec {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let refuse = || {
            ParseError(format!(
                "'{}' is not a time: use {TIME_FORMS}",
                crate::text::shown(s)
            ))
        };
        match s {
            "today" => return Ok(TimeSpec::Today),
            "yesterday" => return Ok(TimeSpec::Yesterday),
            _ => {}
        }
        if s.contains(['T', 't', ' ']) {
            // RFC 3339, or a time as tables show it (`2026-11-29 17:20:47 +01:00`).
            let rfc3339 = match DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S %:z") {
                Ok(t) => t.to_rfc3339(),
                Err(_) => s.to_owned(),
            };
            return match DateTime::parse_from_rfc3339(&rfc3339) {
                // Out of range is said as such.
                Ok(_) => rfc3339.parse().map(TimeSpec::At),
                Err(_) => Err(refuse()),
            };
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if !(1970..=9999).contains(&d.year()) {
                return Err(refuse());
            }
            return Ok(TimeSpec::Date(d));
        }
        ago(s).map(TimeSpec::Ago).ok_or_else(refuse)
    }
}

/// `90m`, `1h30m`, `2d`, `1w`: seconds, or `None`.
fn ago(s: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        let n: i64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        digits.clear();
        any = true;
    }
    // Ten thousand years is more than any log holds.
    (any && digits.is_empty() && total <= 10_000 * 366 * 86_400).then_some(total)
}

impl TimeSpec {
    /// The time meant, given `now` and the zone's offset at a time.
    pub fn resolve_in(self, now: Timestamp, offset: impl Fn(Timestamp) -> i32) -> Timestamp {
        let midnight = |d: NaiveDate| {
            let wall = d
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp())
                .unwrap_or(0);
            // The offset at the guess, then at the answer: right unless the
            // zone changes within the first hours of that day.
            let guess = Timestamp::from_unix(wall - i64::from(offset(Timestamp::from_unix(wall))));
            Timestamp::from_unix(wall - i64::from(offset(guess)))
        };
        let today = || {
            let local = now.unix() + i64::from(offset(now));
            DateTime::<Utc>::from_timestamp(local, 0)
                .map(|t| t.date_naive())
                .unwrap_or_default()
        };
        let t = match self {
            TimeSpec::At(t) => t,
            TimeSpec::Date(d) => midnight(d),
            TimeSpec::Ago(secs) => now.plus_secs(-secs),
            TimeSpec::Today => midnight(today()),
            TimeSpec::Yesterday => midnight(today().pred_opt().unwrap_or_default()),
        };
        t.clamp(Timestamp::EARLIEST, Timestamp::LATEST)
    }

    /// The time meant, in the zone people see.
    pub fn resolve(self, now: Timestamp) -> Timestamp {
        self.resolve_in(now, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn shows_local_time_with_its_offset() {
        let t = at("2026-11-29T16:20:47Z");
        let s = |offset, date| Shown { t, offset, date }.to_string();
        assert_eq!(s(3600, true), "2026-11-29 17:20:47 +01:00");
        assert_eq!(s(0, true), "2026-11-29 16:20:47 +00:00");
        assert_eq!(s(-(5 * 3600 + 30 * 60), true), "2026-11-29 10:50:47 -05:30");
        assert_eq!(s(10 * 3600, false), "02:20:47 +10:00");
    }

    #[test]
    fn parses_every_form() {
        let p = |s: &str| s.parse::<TimeSpec>();
        assert_eq!(
            p("2026-11-29T09:00:00Z"),
            Ok(TimeSpec::At(at("2026-11-29T09:00:00Z")))
        );
        assert_eq!(
            p("2026-11-29T10:00:00+01:00"),
            Ok(TimeSpec::At(at("2026-11-29T09:00:00Z")))
        );
        assert_eq!(
            p("2026-11-29"),
            Ok(TimeSpec::Date(
                NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
            ))
        );
        assert_eq!(
            p("2026-11-29 10:00:00 +01:00"),
            Ok(TimeSpec::At(at("2026-11-29T09:00:00Z")))
        );
        assert_eq!(p("90m"), Ok(TimeSpec::Ago(5400)));
        assert_eq!(p("1h"), Ok(TimeSpec::Ago(3600)));
        assert_eq!(p("2d"), Ok(TimeSpec::Ago(172_800)));
        assert_eq!(p("1h30m"), Ok(TimeSpec::Ago(5400)));
        assert_eq!(p("1w"), Ok(TimeSpec::Ago(604_800)));
        assert_eq!(p("today"), Ok(TimeSpec::Today));
        assert_eq!(p("yesterday"), Ok(TimeSpec::Yesterday));
        for bad in [
            "",
            "1",
            "h",
            "1x",
            "1h3",
            "-1h",
            "2026-13-01",
            "2026-11-29T25:00:00Z",
            "0000-01-01",
            "tomorrow",
            "99999999999999999999d",
            "1.5h",
        ] {
            let e = p(bad).unwrap_err().0;
            assert!(e.contains(TIME_FORMS), "{bad}: {e}");
        }
    }

    #[test]
    fn dates_are_local_midnight() {
        let now = at("2026-11-29T16:20:47Z");
        let cet = |_: Timestamp| 3600;
        let date = TimeSpec::Date(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!(date.resolve_in(now, cet), at("2026-11-28T23:00:00Z"));
        assert_eq!(
            TimeSpec::Today.resolve_in(now, cet),
            at("2026-11-28T23:00:00Z")
        );
        assert_eq!(
            TimeSpec::Yesterday.resolve_in(now, cet),
            at("2026-11-27T23:00:00Z")
        );
        // Late in the evening west of UTC, "today" is still the 28th there.
        let new_york = |_: Timestamp| -5 * 3600;
        let late = at("2026-11-29T02:00:00Z");
        assert_eq!(
            TimeSpec::Today.resolve_in(late, new_york),
            at("2026-11-28T05:00:00Z")
        );
        assert_eq!(
            TimeSpec::Ago(5400).resolve_in(now, cet),
            at("2026-11-29T14:50:47Z")
        );
        // A zone that moves its clocks: midnight after the change.
        let dst = |t: Timestamp| {
            if t < at("2026-03-29T01:00:00Z") {
                3600
            } else {
                7200
            }
        };
        let d = TimeSpec::Date(NaiveDate::from_ymd_opt(2026, 3, 30).unwrap());
        assert_eq!(d.resolve_in(now, dst), at("2026-03-29T22:00:00Z"));
    }

    proptest! {
        #[test]
        fn a_resolved_time_is_always_in_range(secs in 0i64..=10_000 * 366 * 86_400, n in 0i64..=253_402_300_799) {
            let now = Timestamp::from_unix(n);
            let t = TimeSpec::Ago(secs).resolve_in(now, |_| 0);
            prop_assert!((Timestamp::EARLIEST..=Timestamp::LATEST).contains(&t));
            prop_assert!(t <= now);
        }

        #[test]
        fn shown_local_time_has_the_offset_added(n in 0i64..=253_402_300_799, off in -14i32 * 3600..=14 * 3600) {
            let off = off / 60 * 60;
            let s = Shown { t: Timestamp::from_unix(n), offset: off, date: true }.to_string();
            let sign = if off < 0 { '-' } else { '+' };
            let suffix = format!(" {sign}{:02}:{:02}", off.unsigned_abs() / 3600, off.unsigned_abs() / 60 % 60);
            prop_assert!(s.ends_with(&suffix), "{} {}", s, suffix);
            let wall = chrono::NaiveDateTime::parse_from_str(&s[..19], "%Y-%m-%d %H:%M:%S").unwrap();
            prop_assert_eq!(wall.and_utc().timestamp() - i64::from(off), n);
        }
    }
}
