//! Extensions as the store keeps them, and the changes commands and
//! importers ask of it: plain values, no database in sight.

use crate::lockout::PinEntryState;
use crate::policy::{Email, Extension, MailboxOptions, Name, Pin, Protection, Timestamp};

/// One extension as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRecord {
    pub number: Extension,
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub email: Option<Email>,
    pub pin: Pin,
    pub protection: Protection,
    pub entry: PinEntryState,
    /// The mailbox options of a voicemail.conf line, kept for its export.
    pub voicemail_options: Option<MailboxOptions>,
}

/// An extension's stored values, borrowed from the current row.
#[derive(Debug, Clone, Copy)]
pub struct RawExtension<'r> {
    pub number: &'r str,
    pub first_name: Option<&'r str>,
    pub last_name: Option<&'r str>,
    pub email: Option<&'r str>,
    pub pin: &'r str,
    pub pin_protect: bool,
    pub duration: Option<i64>,
    pub granted_at: Option<i64>,
    pub unlocked_until: Option<i64>,
    pub voicemail_options: Option<&'r str>,
}

impl RawExtension<'_> {
    /// The end of a grant active at `now` while protection is on.
    pub fn unlocked_until(&self, now: Timestamp) -> Option<Timestamp> {
        match (self.pin_protect, self.granted_at, self.unlocked_until) {
            (true, Some(from), Some(until)) if from <= now.unix() && now.unix() < until => {
                Some(Timestamp::from_unix(until))
            }
            _ => None,
        }
    }
}

/// The fields of a new extension.
#[derive(Debug, Clone)]
pub struct NewExtension {
    pub number: Extension,
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub email: Option<Email>,
    pub pin: Pin,
}

/// A change to one optional field: leave it, clear it, or set it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FieldEdit<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> FieldEdit<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, FieldEdit::Keep)
    }

    /// The field after this edit of its value `old`.
    pub fn applied_to(self, old: Option<T>) -> Option<T> {
        match self {
            FieldEdit::Keep => old,
            FieldEdit::Clear => None,
            FieldEdit::Set(v) => Some(v),
        }
    }

    /// `None` to keep the field; `Some` of its new value (`None` to clear).
    pub fn change(&self) -> Option<Option<&T>> {
        match self {
            FieldEdit::Keep => None,
            FieldEdit::Clear => Some(None),
            FieldEdit::Set(v) => Some(Some(v)),
        }
    }
}

/// Changes to an extension's directory fields.
#[derive(Debug, Clone, Default)]
pub struct ExtensionEdit {
    pub first_name: FieldEdit<Name>,
    pub last_name: FieldEdit<Name>,
    pub email: FieldEdit<Email>,
}

/// Which extensions a bulk command applies to.
#[derive(Debug, Clone)]
pub enum Target {
    All,
    These(Vec<Extension>),
}

impl Target {
    /// The named extensions, or all when none is named.
    pub fn of(exts: &[Extension]) -> Target {
        if exts.is_empty() {
            Target::All
        } else {
            Target::These(exts.to_vec())
        }
    }
}

/// A column of the extension record. [`COLUMNS`] defines each one once:
/// the store's statements, row decoding, the export header and the
/// importers' column mapping are derived from it, so adding a column is
/// one entry there (and a variant here) plus a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    FirstName,
    LastName,
    Email,
    VoicemailPin,
    PinProtect,
    Duration,
    GrantedAt,
    UnlockedUntil,
    FailedAttempts,
    LockedOutUntil,
    VoicemailOptions,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text (numbers of digits stay text: `0042`).
    Text,
    /// `true`/`false`.
    Bool,
    /// A whole number of seconds.
    Seconds,
    /// A moment: Unix seconds stored, RFC 3339 shown.
    Time,
    /// A count.
    Count,
}

/// One column: its name in the database, its key in exports and imports,
/// its type, and whether writing a whole record sets it.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub column: Column,
    /// The column's name in the database.
    pub name: &'static str,
    /// The CSV header and JSON key of `export` and `import`; `None` for
    /// state that is never exported.
    pub key: Option<&'static str>,
    pub ty: ColumnType,
    /// Set when a whole record is written (an import's insert or update);
    /// the PIN-entry lockout is kept as it is.
    pub in_record: bool,
}

/// The extension record's columns, in the order of [`Column`], which is
/// the order of every SELECT and of the export.
pub const COLUMNS: [ColumnDef; 12] = [
    def(
        Column::Number,
        "number",
        Some("extension"),
        ColumnType::Text,
        true,
    ),
    def(
        Column::FirstName,
        "first_name",
        Some("first_name"),
        ColumnType::Text,
        true,
    ),
    def(
        Column::LastName,
        "last_name",
        Some("last_name"),
        ColumnType::Text,
        true,
    ),
    def(
        Column::Email,
        "email",
        Some("email"),
        ColumnType::Text,
        true,
    ),
    def(
        Column::VoicemailPin,
        "voicemail_pin",
        Some("voicemail_pin"),
        ColumnType::Text,
        true,
    ),
    def(
        Column::PinProtect,
        "pin_protect",
        Some("pin_protect"),
        ColumnType::Bool,
        true,
    ),
    def(
        Column::Duration,
        "pin_protect_duration_s",
        Some("pin_protect_duration_s"),
        ColumnType::Seconds,
        true,
    ),
    def(
        Column::GrantedAt,
        "granted_at",
        None,
        ColumnType::Time,
        true,
    ),
    def(
        Column::UnlockedUntil,
        "unlocked_until",
        Some("unlocked_until"),
        ColumnType::Time,
        true,
    ),
    def(
        Column::FailedAttempts,
        "failed_attempts",
        None,
        ColumnType::Count,
        false,
    ),
    def(
        Column::LockedOutUntil,
        "locked_out_until",
        None,
        ColumnType::Time,
        false,
    ),
    def(
        Column::VoicemailOptions,
        "voicemail_options",
        Some("voicemail_options"),
        ColumnType::Text,
        true,
    ),
];

const fn def(
    column: Column,
    name: &'static str,
    key: Option<&'static str>,
    ty: ColumnType,
    in_record: bool,
) -> ColumnDef {
    ColumnDef {
        column,
        name,
        key,
        ty,
        in_record,
    }
}

impl Column {
    /// The column's position in [`COLUMNS`] and in every SELECT.
    pub const fn index(self) -> usize {
        self as usize
    }

    pub const fn def(self) -> &'static ColumnDef {
        &COLUMNS[self.index()]
    }

    /// Its key in exports and imports; `None` for state never exported.
    pub const fn key(self) -> Option<&'static str> {
        self.def().key
    }

    /// The column whose export key is `key`.
    pub fn by_key(key: &str) -> Option<Column> {
        COLUMNS
            .iter()
            .find(|c| c.key == Some(key))
            .map(|c| c.column)
    }
}

const fn export_count() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < COLUMNS.len() {
        if COLUMNS[i].key.is_some() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The columns of `pinprotect export`, in order: those with a key.
pub const EXPORTED: [Column; export_count()] = {
    let mut out = [Column::Number; export_count()];
    let (mut i, mut n) = (0, 0);
    while i < COLUMNS.len() {
        if COLUMNS[i].key.is_some() {
            out[n] = COLUMNS[i].column;
            n += 1;
        }
        i += 1;
    }
    out
};

/// The header of `pinprotect export` (and the keys of its JSON), in order;
/// `pinprotect import` reads the same.
pub const EXPORT_COLUMNS: [&str; export_count()] = {
    let mut out = [""; export_count()];
    let mut i = 0;
    while i < EXPORTED.len() {
        out[i] = match EXPORTED[i].key() {
            Some(k) => k,
            None => "",
        };
        i += 1;
    }
    out
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_in_the_order_of_their_enum() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.column.index(), i, "{}", c.name);
            assert_eq!(
                Column::by_key(c.key.unwrap_or("-")),
                c.key.map(|_| c.column)
            );
        }
        assert_eq!(
            EXPORT_COLUMNS,
            [
                "extension",
                "first_name",
                "last_name",
                "email",
                "voicemail_pin",
                "pin_protect",
                "pin_protect_duration_s",
                "unlocked_until",
                "voicemail_options",
            ]
        );
    }
}
