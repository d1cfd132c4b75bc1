//! The settings stored in the database: the dial plan, the PIN policy and
//! the lockout. Pure: values are parsed and checked here, stored elsewhere.

use std::str::FromStr;

use crate::lockout::LockoutPolicy;
use crate::policy::{DialPlan, FeatureCode, ParseError, Pin, PinDuration};

/// Every setting with what it is for, in the order `settings show` lists
/// them: the one list from which [`KEYS`], `settings --help` and the man
/// page come (the table of pinprotect(7), doc/pinprotect.7.md, is checked
/// against it).
pub const ABOUT: [(&str, &str); 16] = [
    (
        "feature_code",
        "what users dial to enter their PIN: digits, * and #",
    ),
    (
        "emergency_numbers",
        "never blocked, comma-separated; at least one",
    ),
    (
        "outbound_prefix",
        "1 to 4 digits; prefix + emergency number is an emergency call too",
    ),
    (
        "pin_min_length",
        "the shortest PIN accepted, 4 to 10 digits",
    ),
    (
        "lockout_attempts",
        "1 to 100 wrong PINs in a row lock PIN entry",
    ),
    (
        "lockout_seconds",
        "how long PIN entry stays locked (up to 7 days)",
    ),
    (
        "default_duration",
        "the pin-protect duration of an extension protected without one",
    ),
    (
        "unknown_extensions",
        "deny or permit: outbound calls of an extension pinprotect does not know",
    ),
    (
        "clock_override",
        "on lets changes run at a --now time (test and demo databases only)",
    ),
    (
        "agi_pin_prompt",
        "7777 over AGI: the sound asking for the PIN",
    ),
    (
        "agi_granted_prompt",
        "7777 over AGI: the sound after a right PIN",
    ),
    (
        "agi_wrong_pin_prompt",
        "7777 over AGI: the sound after a wrong PIN",
    ),
    (
        "agi_refused_prompt",
        "7777 over AGI: the sound when PIN entry is refused",
    ),
    (
        "agi_goodbye_prompt",
        "7777 over AGI: the sound before hanging up",
    ),
    (
        "agi_pin_timeout_seconds",
        "7777 over AGI: how long the prompt waits for digits (1 to 60)",
    ),
    (
        "agi_pin_tries",
        "7777 over AGI: wrong PINs one call may enter (1 to 10)",
    ),
];

/// Every setting, in the order `settings show` lists them.
pub const KEYS: [&str; ABOUT.len()] = {
    let mut keys = [""; ABOUT.len()];
    let mut i = 0;
    while i < ABOUT.len() {
        keys[i] = ABOUT[i].0;
        i += 1;
    }
    keys
};

/// The setting a mistyped `key` most likely meant: the same words with
/// dashes or spaces (`lockout-seconds`), or a key a few letters away
/// (`lockout_secnds`), or the one key that holds it (`prefix`).
pub fn closest_key(key: &str) -> Option<&'static str> {
    let typed: String = key
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == '-' || c == ' ' { '_' } else { c })
        .collect();
    if typed.is_empty() {
        return None;
    }
    if let Some(k) = KEYS.iter().find(|k| **k == typed) {
        return Some(k);
    }
    let (distance, best) = KEYS
        .iter()
        .map(|k| (edit_distance(&typed, k), *k))
        .min()
        .expect("there are settings");
    if distance <= (typed.len() / 3).clamp(1, 3) {
        return Some(best);
    }
    let mut holding = KEYS
        .iter()
        .filter(|k| typed.len() >= 3 && k.contains(&*typed));
    match (holding.next(), holding.next()) {
        (Some(k), None) => Some(k),
        _ => None,
    }
}

/// Levenshtein distance, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The error for a key that is not a setting, with the closest one.
pub fn unknown_key(key: &str) -> ParseError {
    let guess = match closest_key(key) {
        Some(k) => format!("; did you mean {k}?"),
        None => format!("; the settings are {}", KEYS.join(", ")),
    };
    ParseError(format!(
        "unknown setting '{}'{guess}",
        crate::text::shown(key)
    ))
}

/// The settings for `settings --help`: each key, its default and what it
/// is for.
pub fn help_text() -> String {
    let defaults = Settings::default();
    let mut text = String::from("Settings (default in brackets):\n");
    for (key, about) in ABOUT {
        let default = defaults.get(key).unwrap_or_default();
        let default = if default.is_empty() {
            "empty".to_string()
        } else {
            default
        };
        text.push_str(&format!("  {key} [{default}]: {about}\n"));
    }
    text
}

/// What the 7777 flow over AGI plays and how it collects the PIN. Sounds
/// are names of Asterisk sound files; the defaults are in Asterisk's core
/// English sounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgiSettings {
    /// Asks for the PIN (`agent-pass`, as Authenticate() uses).
    pub pin_prompt: String,
    /// After a right PIN (`auth-thankyou`).
    pub granted_prompt: String,
    /// After a wrong PIN (`auth-incorrect`).
    pub wrong_pin_prompt: String,
    /// When PIN entry is locked out or refused (`cannot-complete-as-dialed`).
    pub refused_prompt: String,
    /// Before hanging up otherwise (`vm-goodbye`).
    pub goodbye_prompt: String,
    /// How long GET DATA waits after the prompt and between digits.
    pub pin_timeout_seconds: u32,
    /// Wrong PINs one call may enter before it is hung up (3, as 3CX).
    pub pin_tries: u32,
}

/// One of the sounds of the 7777 flow, named by its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    Pin,
    Granted,
    WrongPin,
    Refused,
    Goodbye,
}

impl Prompt {
    pub const ALL: [Prompt; 5] = [
        Prompt::Pin,
        Prompt::Granted,
        Prompt::WrongPin,
        Prompt::Refused,
        Prompt::Goodbye,
    ];

    /// The setting that holds the sound.
    pub fn key(self) -> &'static str {
        match self {
            Prompt::Pin => "agi_pin_prompt",
            Prompt::Granted => "agi_granted_prompt",
            Prompt::WrongPin => "agi_wrong_pin_prompt",
            Prompt::Refused => "agi_refused_prompt",
            Prompt::Goodbye => "agi_goodbye_prompt",
        }
    }
}

impl AgiSettings {
    /// The sound of `prompt`.
    pub fn sound(&self, prompt: Prompt) -> &str {
        match prompt {
            Prompt::Pin => &self.pin_prompt,
            Prompt::Granted => &self.granted_prompt,
            Prompt::WrongPin => &self.wrong_pin_prompt,
            Prompt::Refused => &self.refused_prompt,
            Prompt::Goodbye => &self.goodbye_prompt,
        }
    }
}

impl Default for AgiSettings {
    fn default() -> Self {
        AgiSettings {
            pin_prompt: "agent-pass".into(),
            granted_prompt: "auth-thankyou".into(),
            wrong_pin_prompt: "auth-incorrect".into(),
            refused_prompt: "cannot-complete-as-dialed".into(),
            goodbye_prompt: "vm-goodbye".into(),
            pin_timeout_seconds: 10,
            pin_tries: 3,
        }
    }
}

/// A sound name: letters, digits, `_`, `-` and `/` (for a folder).
fn sound(key: &str, value: &str) -> Result<String, ParseError> {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= 100
        && !v.starts_with('/')
        && !v.contains("..")
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'/' | b'.'));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(ParseError(format!(
            "{key} must be an Asterisk sound name such as agent-pass (letters, digits, _ - . and /), not '{}'",
            crate::text::shown(value)
        )))
    }
}

/// Audio file extensions Asterisk picks by itself: a sound name given
/// with one is looked for as `NAME.wav.FORMAT`, which does not exist.
const SOUND_FORMATS: [&str; 12] = [
    "wav", "wav49", "gsm", "ulaw", "alaw", "sln", "sln16", "g722", "g729", "mp3", "ogg", "au",
];

/// A warning for a sound setting whose value is accepted but likely to be
/// missing on the PBX: one with a file extension, or in a folder (which
/// Asterisk looks for under each language's sounds). `None` for a plain
/// name and for other settings.
pub fn sound_warning(key: &str, value: &str) -> Option<String> {
    if !(key.starts_with("agi_") && key.ends_with("_prompt")) {
        return None;
    }
    let v = value.trim();
    let name = v.rsplit('/').next().unwrap_or(v);
    if let Some((_, ext)) = name.rsplit_once('.') {
        if SOUND_FORMATS.iter().any(|f| f.eq_ignore_ascii_case(ext)) {
            return Some(format!(
                "{key} '{}' ends in a file extension: Asterisk adds the format itself, so it looks for '{v}.{{format}}', which is unlikely to exist; give the name without '.{ext}'",
                crate::text::shown(v)
            ));
        }
    }
    if v.contains('/') {
        return Some(format!(
            "{key} '{}' is in a folder: Asterisk looks for it in its sounds folder for the caller's language (such as sounds/en/{v}); make sure it is there for every language your phones use, or 7777 calls end with agi_error",
            crate::text::shown(v)
        ));
    }
    None
}

/// A setting's value with its type (see [`Settings::typed`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Typed {
    Text(String),
    Number(u64),
    Switch(bool),
    List(Vec<String>),
}

/// The longest lockout: seven days.
pub const MAX_LOCKOUT_SECONDS: u32 = 7 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub plan: DialPlan,
    /// 4 to 10.
    pub pin_min_length: usize,
    pub lockout: LockoutPolicy,
    /// The pin-protect duration of an extension that is protected without
    /// one of its own: an import row without a duration (a 3CX v15/v16
    /// file), `enable` without `--duration` on an extension that has none.
    pub default_duration: PinDuration,
    /// Whether commands that change the database may run at a time given
    /// with `--now` (test and demo databases only). Off by default.
    pub clock_override: bool,
    pub agi: AgiSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            plan: DialPlan::default(),
            pin_min_length: Pin::MIN_LEN,
            lockout: LockoutPolicy::default(),
            default_duration: Settings::DEFAULT_DURATION,
            clock_override: false,
            agi: AgiSettings::default(),
        }
    }
}

fn number_in<T: FromStr + PartialOrd + std::fmt::Display + Copy>(
    key: &str,
    value: &str,
    min: T,
    max: T,
) -> Result<T, ParseError> {
    match value.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(ParseError(format!(
            "{key} must be a whole number from {min} to {max}, not '{}'",
            crate::text::shown(value)
        ))),
    }
}

/// A comma-separated list of emergency numbers: each 1 to 10 digits.
fn emergency_numbers(value: &str) -> Result<Vec<String>, ParseError> {
    let mut list: Vec<String> = Vec::new();
    for part in value.split(',').map(str::trim) {
        if part.is_empty() || part.len() > 10 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError(format!(
                "emergency_numbers must be a comma-separated list of numbers of 1 to 10 digits, such as 911,112; '{}' is not one",
                crate::text::shown(part)
            )));
        }
        if !list.iter().any(|n| n == part) {
            list.push(part.to_owned());
        }
    }
    Ok(list)
}

impl Settings {
    /// `default_duration` unless set otherwise: five minutes.
    pub const DEFAULT_DURATION: PinDuration = PinDuration::FIVE_MINUTES;

    /// Checks `value` and sets `key` to it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ParseError> {
        match key {
            "feature_code" => self.plan.feature_code = value.trim().parse::<FeatureCode>()?,
            "emergency_numbers" => self.plan.emergency_numbers = emergency_numbers(value)?,
            "outbound_prefix" => {
                let v = value.trim();
                if v.len() > 4 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(ParseError(format!(
                        "outbound_prefix must be empty or 1 to 4 digits, such as 9; not '{}'",
                        crate::text::shown(v)
                    )));
                }
                self.plan.outbound_prefix = v.to_owned();
            }
            "pin_min_length" => {
                self.pin_min_length = number_in(key, value, Pin::MIN_LEN, Pin::MAX_LEN)?
            }
            "lockout_attempts" => self.lockout.attempts = number_in(key, value, 1, 100)?,
            "lockout_seconds" => {
                self.lockout.seconds = number_in(key, value, 1, MAX_LOCKOUT_SECONDS)?
            }
            "default_duration" => {
                self.default_duration = value.trim().parse::<PinDuration>().map_err(|e| {
                    ParseError(format!(
                        "default_duration must be a duration such as 300, 90s, 15m or 1h30m: {e}"
                    ))
                })?
            }
            "unknown_extensions" => self.plan.unknown_extensions = value.parse()?,
            "clock_override" => {
                self.clock_override = match value.trim().to_ascii_lowercase().as_str() {
                    "on" => true,
                    "off" => false,
                    _ => {
                        return Err(ParseError(format!(
                            "clock_override must be on or off, not '{}'",
                            crate::text::shown(value)
                        )));
                    }
                }
            }
            "agi_pin_prompt" => self.agi.pin_prompt = sound(key, value)?,
            "agi_granted_prompt" => self.agi.granted_prompt = sound(key, value)?,
            "agi_wrong_pin_prompt" => self.agi.wrong_pin_prompt = sound(key, value)?,
            "agi_refused_prompt" => self.agi.refused_prompt = sound(key, value)?,
            "agi_goodbye_prompt" => self.agi.goodbye_prompt = sound(key, value)?,
            "agi_pin_timeout_seconds" => {
                self.agi.pin_timeout_seconds = number_in(key, value, 1, 60)?
            }
            "agi_pin_tries" => self.agi.pin_tries = number_in(key, value, 1, 10)?,
            other => return Err(unknown_key(other)),
        }
        let fc = self.plan.feature_code.as_str();
        if self.plan.emergency_numbers.iter().any(|e| e == fc) {
            return Err(ParseError(format!(
                "the feature code {fc} cannot also be an emergency number"
            )));
        }
        Ok(())
    }

    /// The value of `key` as text, in the form `set` takes.
    pub fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "feature_code" => self.plan.feature_code.to_string(),
            "emergency_numbers" => self.plan.emergency_numbers.join(","),
            "outbound_prefix" => self.plan.outbound_prefix.clone(),
            "pin_min_length" => self.pin_min_length.to_string(),
            "lockout_attempts" => self.lockout.attempts.to_string(),
            "lockout_seconds" => self.lockout.seconds.to_string(),
            "default_duration" => self.default_duration.to_string(),
            "unknown_extensions" => self.plan.unknown_extensions.name().to_string(),
            "clock_override" => (if self.clock_override { "on" } else { "off" }).to_string(),
            "agi_pin_prompt" => self.agi.pin_prompt.clone(),
            "agi_granted_prompt" => self.agi.granted_prompt.clone(),
            "agi_wrong_pin_prompt" => self.agi.wrong_pin_prompt.clone(),
            "agi_refused_prompt" => self.agi.refused_prompt.clone(),
            "agi_goodbye_prompt" => self.agi.goodbye_prompt.clone(),
            "agi_pin_timeout_seconds" => self.agi.pin_timeout_seconds.to_string(),
            "agi_pin_tries" => self.agi.pin_tries.to_string(),
            _ => return None,
        })
    }

    /// The value of `key` with its type, as JSON shows it: numbers as
    /// numbers, `clock_override` as true or false, the emergency numbers
    /// as a list, the rest as text.
    pub fn typed(&self, key: &str) -> Option<Typed> {
        Some(match key {
            "emergency_numbers" => Typed::List(self.plan.emergency_numbers.clone()),
            "clock_override" => Typed::Switch(self.clock_override),
            "pin_min_length" => Typed::Number(self.pin_min_length as u64),
            "lockout_attempts" => Typed::Number(self.lockout.attempts.into()),
            "lockout_seconds" => Typed::Number(self.lockout.seconds.into()),
            // Seconds, as pin_protect_duration_s in exports.
            "default_duration" => Typed::Number(self.default_duration.as_secs().into()),
            "agi_pin_timeout_seconds" => Typed::Number(self.agi.pin_timeout_seconds.into()),
            "agi_pin_tries" => Typed::Number(self.agi.pin_tries.into()),
            _ => Typed::Text(self.get(key)?),
        })
    }

    /// Settings from stored `(key, value)` pairs over the defaults.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Settings, ParseError> {
        let mut s = Settings::default();
        for (k, v) in pairs {
            s.set(k, v)?;
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_key_finds_the_one_meant() {
        for (typed, meant) in [
            ("lockout-seconds", Some("lockout_seconds")),
            ("Lockout Seconds", Some("lockout_seconds")),
            ("lockout_secnds", Some("lockout_seconds")),
            ("feature code", Some("feature_code")),
            ("featurecode", Some("feature_code")),
            ("emergency_number", Some("emergency_numbers")),
            ("prefix", Some("outbound_prefix")),
            ("pin_tries", Some("agi_pin_tries")),
            ("lockout", None),
            ("prompt", None),
            ("colour", None),
            ("", None),
        ] {
            assert_eq!(closest_key(typed), meant, "{typed}");
        }
        assert!(
            unknown_key("lockout-seconds")
                .0
                .ends_with("did you mean lockout_seconds?")
        );
        assert!(
            unknown_key("colour")
                .0
                .contains("the settings are feature_code, ")
        );
    }

    #[test]
    fn defaults() {
        let s = Settings::default();
        let shown: Vec<String> = KEYS.iter().map(|k| s.get(k).unwrap()).collect();
        assert_eq!(
            shown,
            [
                "7777",
                "911,112,999,000",
                "",
                "4",
                "5",
                "900",
                "5m",
                "deny",
                "off",
                "agent-pass",
                "auth-thankyou",
                "auth-incorrect",
                "cannot-complete-as-dialed",
                "vm-goodbye",
                "10",
                "3"
            ]
        );
    }

    #[test]
    fn every_prompt_is_the_setting_that_holds_its_sound() {
        let s = Settings::default();
        for p in Prompt::ALL {
            assert!(KEYS.contains(&p.key()), "{p:?}");
            assert_eq!(s.get(p.key()).as_deref(), Some(s.agi.sound(p)), "{p:?}");
        }
    }

    #[test]
    fn sound_names_with_a_format_or_a_folder_are_warned_about() {
        assert!(sound_warning("agi_pin_prompt", "agent-pass").is_none());
        assert!(
            sound_warning("agi_pin_prompt", "custom/pin.wav")
                .unwrap()
                .contains("extension")
        );
        assert!(
            sound_warning("agi_goodbye_prompt", "bye.GSM")
                .unwrap()
                .contains("'.GSM'")
        );
        assert!(
            sound_warning("agi_pin_prompt", "custom/pin")
                .unwrap()
                .contains("folder")
        );
        // Dots that are not formats are names.
        assert!(sound_warning("agi_pin_prompt", "pin.v2").is_none());
        assert!(sound_warning("feature_code", "x.wav").is_none());
    }

    #[test]
    fn every_key_has_a_typed_value_that_agrees_with_its_text() {
        let s = Settings::default();
        for key in KEYS {
            let text = s.get(key).unwrap();
            match s.typed(key).unwrap() {
                Typed::Text(t) => assert_eq!(t, text, "{key}"),
                Typed::Number(n) if key == "default_duration" => {
                    assert_eq!(u64::from(text.parse::<PinDuration>().unwrap().as_secs()), n)
                }
                Typed::Number(n) => assert_eq!(n.to_string(), text, "{key}"),
                Typed::Switch(b) => assert_eq!(if b { "on" } else { "off" }, text, "{key}"),
                Typed::List(l) => assert_eq!(l.join(","), text, "{key}"),
            }
        }
        assert_eq!(s.typed("lockout_attempts"), Some(Typed::Number(5)));
        assert_eq!(s.typed("clock_override"), Some(Typed::Switch(false)));
        assert_eq!(s.typed("nope"), None);
    }

    #[test]
    fn set_validates_every_key() {
        let mut s = Settings::default();
        s.set("feature_code", "*77#").unwrap();
        s.set("emergency_numbers", " 112, 911 ,112").unwrap();
        s.set("outbound_prefix", "9").unwrap();
        s.set("pin_min_length", "6").unwrap();
        s.set("lockout_attempts", "3").unwrap();
        s.set("lockout_seconds", "60").unwrap();
        s.set("default_duration", "90").unwrap();
        s.set("unknown_extensions", " Permit").unwrap();
        s.set("clock_override", "On").unwrap();
        s.set("agi_pin_prompt", "custom/enter-pin").unwrap();
        s.set("agi_pin_timeout_seconds", "5").unwrap();
        s.set("agi_pin_tries", "1").unwrap();
        let shown: Vec<String> = KEYS.iter().map(|k| s.get(k).unwrap()).collect();
        assert_eq!(
            &shown[..10],
            [
                "*77#",
                "112,911",
                "9",
                "6",
                "3",
                "60",
                "1m30s",
                "permit",
                "on",
                "custom/enter-pin"
            ]
        );
        assert_eq!(&shown[14..], ["5", "1"]);
        s.set("outbound_prefix", "").unwrap();
        assert_eq!(s.plan.outbound_prefix, "");
        for (key, bad) in [
            ("feature_code", ""),
            ("feature_code", "77a"),
            ("emergency_numbers", ""),
            ("emergency_numbers", "911,"),
            ("emergency_numbers", "9-11"),
            ("outbound_prefix", "x"),
            ("outbound_prefix", "99999"),
            ("pin_min_length", "3"),
            ("pin_min_length", "11"),
            ("lockout_attempts", "0"),
            ("lockout_attempts", "101"),
            ("lockout_seconds", "0"),
            ("lockout_seconds", "604801"),
            ("lockout_seconds", "15m"),
            ("default_duration", "0"),
            ("default_duration", "25h"),
            ("default_duration", "soon"),
            ("clock_override", "yes"),
            ("unknown_extensions", "allow"),
            ("unknown_extensions", ""),
            ("agi_pin_prompt", "a b"),
            ("agi_pin_prompt", "x\nHANGUP"),
            ("agi_pin_prompt", "/etc/passwd"),
            ("agi_pin_prompt", "../x"),
            ("agi_pin_timeout_seconds", "0"),
            ("agi_pin_tries", "11"),
            ("colour", "red"),
            ("feature_code", "112"),
            ("emergency_numbers", "*77#,911"),
        ] {
            assert!(s.clone().set(key, bad).is_err(), "{key}={bad}");
        }
        // A stored set round-trips.
        let pairs: Vec<(String, String)> = KEYS
            .iter()
            .map(|k| (k.to_string(), s.get(k).unwrap()))
            .collect();
        let back =
            Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        assert_eq!(back, s);
    }
}
