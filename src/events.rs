//! The audit log's events: their kinds, an event to write, and an event
//! as stored.

use crate::policy::{Extension, Timestamp};

/// What happened. The names are what `pinprotect log` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    ExtensionAdded,
    ExtensionEdited,
    ExtensionRemoved,
    PinChanged,
    WeakPinAllowed,
    PinProtectEnabled,
    PinProtectDisabled,
    DurationChanged,
    Grant,
    WrongPin,
    Lockout,
    PinEntryRefused,
    LockoutReset,
    Revoke,
    PinsShown,
    Export,
    Import,
    SettingsChanged,
    CallDenied,
    LogPruned,
    AgiError,
    Backup,
    Restore,
    Migrate,
}

impl EventKind {
    pub const ALL: [EventKind; 24] = [
        EventKind::ExtensionAdded,
        EventKind::ExtensionEdited,
        EventKind::ExtensionRemoved,
        EventKind::PinChanged,
        EventKind::WeakPinAllowed,
        EventKind::PinProtectEnabled,
        EventKind::PinProtectDisabled,
        EventKind::DurationChanged,
        EventKind::Grant,
        EventKind::WrongPin,
        EventKind::Lockout,
        EventKind::PinEntryRefused,
        EventKind::LockoutReset,
        EventKind::Revoke,
        EventKind::PinsShown,
        EventKind::Export,
        EventKind::Import,
        EventKind::SettingsChanged,
        EventKind::CallDenied,
        EventKind::LogPruned,
        EventKind::AgiError,
        EventKind::Backup,
        EventKind::Restore,
        EventKind::Migrate,
    ];

    /// The kind named `name` (as `log` shows it).
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            EventKind::ExtensionAdded => "extension_added",
            EventKind::ExtensionEdited => "extension_edited",
            EventKind::ExtensionRemoved => "extension_removed",
            EventKind::PinChanged => "pin_changed",
            EventKind::WeakPinAllowed => "weak_pin_allowed",
            EventKind::PinProtectEnabled => "pin_protect_enabled",
            EventKind::PinProtectDisabled => "pin_protect_disabled",
            EventKind::DurationChanged => "duration_changed",
            EventKind::Grant => "grant",
            EventKind::WrongPin => "wrong_pin",
            EventKind::Lockout => "lockout",
            EventKind::PinEntryRefused => "pin_entry_refused",
            EventKind::LockoutReset => "lockout_reset",
            EventKind::Revoke => "revoke",
            EventKind::PinsShown => "pins_shown",
            EventKind::Export => "export",
            EventKind::Import => "import",
            EventKind::SettingsChanged => "settings_changed",
            EventKind::CallDenied => "call_denied",
            EventKind::LogPruned => "log_pruned",
            EventKind::AgiError => "agi_error",
            EventKind::Backup => "backup",
            EventKind::Restore => "restore",
            EventKind::Migrate => "migrate",
        }
    }
}

/// One event of the audit log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub id: i64,
    pub at: Timestamp,
    pub user: String,
    pub kind: String,
    pub extension: Option<String>,
    pub detail: String,
    /// How many times it happened: denied calls of one extension for one
    /// reason within [`DENIED_CALLS_GROUPED_SECONDS`] are one event.
    pub count: u64,
}

/// Which events of the log to show: each field left empty lets all through.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventFilter<'a> {
    /// Only this extension's events.
    pub extension: Option<&'a Extension>,
    /// Only events at or after this time.
    pub since: Option<Timestamp>,
    /// Only events before this time.
    pub until: Option<Timestamp>,
    /// Only events of these kinds.
    pub kinds: &'a [EventKind],
    /// Only events logged after the event with this id (`log --follow`).
    pub after_id: Option<i64>,
}

/// Denied calls of the same extension for the same reason within this
/// many seconds of the first are one `call_denied` event with a count, so
/// that no flood of calls can flood the log.
pub const DENIED_CALLS_GROUPED_SECONDS: i64 = 60;

/// An event for the audit log, as written.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub at: Timestamp,
    pub user: String,
    pub kind: &'static str,
    pub extension: Option<Extension>,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), EventKind::ALL.len());
    }
}
