//! The decision core: value types that cannot hold invalid values, the
//! grant-window arithmetic and the rule "may EXT call NUMBER at time T".
//!
//! Nothing in this module reads the clock, the database or the terminal:
//! the current time and every fact about the world is passed in.

//!
//! The value types are in `values` (re-exported here); this module has
//! the dial plan, the grant window and the rule.

#[cfg(test)]
mod tests;
mod values;

pub use values::*;

/// What the PBX dial plan knows besides the extensions themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialPlan {
    pub feature_code: FeatureCode,
    /// Never empty.
    pub emergency_numbers: Vec<String>,
    /// The digits dialed before an outside number (such as `9`), or empty.
    pub outbound_prefix: String,
    /// What a caller pinprotect does not know may do.
    pub unknown_extensions: UnknownExtensions,
}

/// What a caller that is not in pinprotect's database may do: be denied
/// (the default: fail closed) or call out as if not pin protected (a PBX
/// whose extensions are added elsewhere before they are imported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownExtensions {
    #[default]
    Deny,
    Permit,
}

impl UnknownExtensions {
    pub fn name(self) -> &'static str {
        match self {
            UnknownExtensions::Deny => "deny",
            UnknownExtensions::Permit => "permit",
        }
    }
}

impl std::str::FromStr for UnknownExtensions {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "deny" => Ok(UnknownExtensions::Deny),
            "permit" => Ok(UnknownExtensions::Permit),
            _ => Err(ParseError(format!(
                "unknown_extensions must be deny or permit, not '{}'",
                crate::text::shown(s)
            ))),
        }
    }
}

impl Default for DialPlan {
    fn default() -> Self {
        DialPlan {
            feature_code: FeatureCode::default(),
            emergency_numbers: DialPlan::BUILT_IN_EMERGENCY_NUMBERS
                .map(String::from)
                .to_vec(),
            outbound_prefix: String::new(),
            unknown_extensions: UnknownExtensions::default(),
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

    /// The decision for a caller pinprotect does not know: an emergency
    /// number is permitted; anything else as `unknown_extensions` says,
    /// with the reason `unknown_extension`.
    pub fn unknown_caller_decision(&self, number: &DialedNumber) -> Decision {
        self.emergency_decision(number).unwrap_or(Decision {
            permitted: self.unknown_extensions == UnknownExtensions::Permit,
            reason: Reason::UnknownExtension,
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
    /// The caller is not in pinprotect's database.
    UnknownExtension,
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
            Reason::UnknownExtension => "unknown_extension",
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
