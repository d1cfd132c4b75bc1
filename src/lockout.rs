//! PIN-entry lockout arithmetic: after a number of consecutive wrong PINs,
//! PIN entry is refused for a while, even with the right PIN.

use crate::policy::Timestamp;

/// How many wrong PINs in a row lock PIN entry, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// 1 to 100.
    pub attempts: u32,
    /// 1 s to 7 days.
    pub seconds: u32,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            attempts: 5,
            seconds: 900,
        }
    }
}

/// An extension's PIN-entry record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PinEntryState {
    /// Consecutive wrong PINs since the last right one or lockout.
    pub failed_attempts: u32,
    pub locked_out_until: Option<Timestamp>,
}

impl PinEntryState {
    /// The end of a lockout still running at `now`.
    pub fn locked_out(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_out_until.filter(|&until| now < until)
    }
}

/// What one PIN entry came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Locked out: the PIN was not even compared.
    Refused { until: Timestamp },
    /// The right PIN.
    Accepted,
    /// A wrong PIN; `remaining` more wrong PINs lock PIN entry.
    Wrong { remaining: u32 },
    /// A wrong PIN that started a lockout.
    LockedOut { until: Timestamp },
}

/// One PIN entry at `now`: `check` compares the PIN and is called only when
/// entry is not locked out. Returns the outcome and the new record.
pub fn attempt(
    policy: LockoutPolicy,
    state: PinEntryState,
    now: Timestamp,
    check: impl FnOnce() -> bool,
) -> (Attempt, PinEntryState) {
    if let Some(until) = state.locked_out(now) {
        return (Attempt::Refused { until }, state);
    }
    // A lockout that has run out starts the count afresh.
    let failed = if state.locked_out_until.is_some() {
        0
    } else {
        state.failed_attempts
    };
    if check() {
        return (Attempt::Accepted, PinEntryState::default());
    }
    let failed = failed + 1;
    if failed >= policy.attempts {
        let until = now.plus_secs(i64::from(policy.seconds));
        (
            Attempt::LockedOut { until },
            PinEntryState {
                failed_attempts: 0,
                locked_out_until: Some(until),
            },
        )
    } else {
        (
            Attempt::Wrong {
                remaining: policy.attempts - failed,
            },
            PinEntryState {
                failed_attempts: failed,
                locked_out_until: None,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_unix(s)
    }

    #[test]
    fn lockout_after_exactly_n_wrong_pins() {
        let policy = LockoutPolicy {
            attempts: 3,
            seconds: 60,
        };
        let mut state = PinEntryState::default();
        let (a, s) = attempt(policy, state, t(0), || false);
        assert_eq!(a, Attempt::Wrong { remaining: 2 });
        state = s;
        let (a, s) = attempt(policy, state, t(1), || false);
        assert_eq!(a, Attempt::Wrong { remaining: 1 });
        state = s;
        let (a, s) = attempt(policy, state, t(2), || false);
        assert_eq!(a, Attempt::LockedOut { until: t(62) });
        state = s;
        // Even the right PIN is refused, without being compared.
        let (a, s) = attempt(policy, state, t(61), || panic!("compared while locked out"));
        assert_eq!(a, Attempt::Refused { until: t(62) });
        assert_eq!(s, state);
        // At the end of the lockout the count starts afresh.
        let (a, s) = attempt(policy, state, t(62), || false);
        assert_eq!(a, Attempt::Wrong { remaining: 2 });
        let (a, s) = attempt(policy, s, t(63), || true);
        assert_eq!(a, Attempt::Accepted);
        assert_eq!(s, PinEntryState::default());
    }

    #[test]
    fn a_right_pin_resets_the_count() {
        let policy = LockoutPolicy {
            attempts: 2,
            seconds: 60,
        };
        let (_, s) = attempt(policy, PinEntryState::default(), t(0), || false);
        let (_, s) = attempt(policy, s, t(1), || true);
        let (a, _) = attempt(policy, s, t(2), || false);
        assert_eq!(a, Attempt::Wrong { remaining: 1 });
    }

    proptest! {
        #[test]
        fn never_more_checks_than_attempts_while_locked(attempts in 1u32..=10, seconds in 1u32..1000, tries in 1usize..40) {
            let policy = LockoutPolicy { attempts, seconds };
            let mut state = PinEntryState::default();
            let mut checks = 0;
            for _ in 0..tries {
                // All at the same instant: nobody waits out the lockout.
                let (_, s) = attempt(policy, state, t(100), || { checks += 1; false });
                state = s;
            }
            prop_assert_eq!(checks, tries.min(attempts as usize));
        }
    }
}
