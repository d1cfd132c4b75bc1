//! The store's statements for the extension record, derived from the one
//! definition of its columns ([`COLUMNS`]), and rows decoded by column.

use std::sync::LazyLock;

use super::sql::P;
use crate::policy::{Email, MailboxOptions, Name, PinDuration, Timestamp};
use crate::records::ExtensionRecord;
use crate::records::{COLUMNS, Column, ColumnDef};

/// Every column, in [`Column`] order: what each SELECT of a record reads.
fn select_list() -> String {
    COLUMNS
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns a whole-record write sets, in order.
fn record_columns() -> impl Iterator<Item = &'static ColumnDef> {
    COLUMNS.iter().filter(|c| c.in_record)
}

/// All extensions in numeric order.
pub(super) static SQL_ALL_IN_ORDER: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM extensions ORDER BY CAST(number AS INTEGER), number",
        select_list()
    )
});

/// One extension by number.
pub(super) static SQL_ONE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM extensions WHERE number = ?1", select_list()));

/// One extension by number, with its row id after the columns (at
/// [`ID_INDEX`]).
pub(super) static SQL_ONE_WITH_ID: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {}, id FROM extensions WHERE number = ?1",
        select_list()
    )
});

/// Where [`SQL_ONE_WITH_ID`] has the row id.
pub(super) const ID_INDEX: usize = COLUMNS.len();

pub(super) const SQL_EXISTS: &str = "SELECT 1 FROM extensions WHERE number = ?1";

/// A whole record, its values as `?1`, `?2`, ... in [`record_columns`]
/// order ([`with_record_params`]); returns the new row's id.
pub(super) static SQL_INSERT_RECORD: LazyLock<String> = LazyLock::new(|| {
    let names: Vec<&str> = record_columns().map(|c| c.name).collect();
    let values: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO extensions ({}) VALUES ({}) RETURNING id",
        names.join(", "),
        values.join(", ")
    )
});

/// [`SQL_INSERT_RECORD`] with the row id after the record's values: a
/// copy of a whole database.
pub(super) static SQL_INSERT_RECORD_WITH_ID: LazyLock<String> = LazyLock::new(|| {
    let names: Vec<&str> = record_columns().map(|c| c.name).collect();
    let values: Vec<String> = (1..=names.len() + 1).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO extensions ({}, id) VALUES ({})",
        names.join(", "),
        values.join(", ")
    )
});

/// Every extension with its row id after the columns, in row-id order.
pub(super) static SQL_ALL_WITH_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {}, id FROM extensions ORDER BY id", select_list()));

/// [`SQL_INSERT_RECORD`] that inserts nothing (and returns no row) when
/// the number exists.
pub(super) static SQL_INSERT_RECORD_IF_NEW: LazyLock<String> = LazyLock::new(|| {
    SQL_INSERT_RECORD.replace(
        " RETURNING id",
        " ON CONFLICT (number) DO NOTHING RETURNING id",
    )
});

/// Every field of the row whose id follows the record's values.
pub(super) static SQL_REPLACE_RECORD: LazyLock<String> = LazyLock::new(|| {
    let sets: Vec<String> = record_columns()
        .enumerate()
        .map(|(i, c)| format!("{} = ?{}", c.name, i + 1))
        .collect();
    format!(
        "UPDATE extensions SET {} WHERE id = ?{}",
        sets.join(", "),
        sets.len() + 1
    )
});

/// Calls `f` with the values of `rec` in [`record_columns`] order, then
/// `extra` (the row id of [`SQL_REPLACE_RECORD`]). The values stay on the
/// stack: an import calls this once a record.
pub(super) fn with_record_params<T>(
    rec: &ExtensionRecord,
    extra: Option<i64>,
    f: impl FnOnce(&[P<'_>]) -> T,
) -> T {
    let grant = rec.protection.grant;
    let number = rec.number.as_str();
    let first = rec.first_name.as_ref().map(Name::as_str);
    let last = rec.last_name.as_ref().map(Name::as_str);
    let email = rec.email.as_ref().map(Email::as_str);
    let pin = rec.pin.expose();
    let duration = rec.protection.duration.map(PinDuration::as_secs);
    let granted_at = grant.map(|g| g.granted_at.unix());
    let until = grant.map(|g| g.until.unix());
    let failed = rec.entry.failed_attempts;
    let locked_out = rec.entry.locked_out_until.map(Timestamp::unix);
    let options = rec.voicemail_options.as_ref().map(MailboxOptions::as_str);
    let mut values: [P<'_>; COLUMNS.len() + 1] = [P::Null; COLUMNS.len() + 1];
    let mut n = 0;
    for c in record_columns() {
        values[n] = match c.column {
            Column::Number => number.into(),
            Column::FirstName => first.into(),
            Column::LastName => last.into(),
            Column::Email => email.into(),
            Column::VoicemailPin => pin.into(),
            Column::PinProtect => rec.protection.enabled.into(),
            Column::Duration => duration.map(i64::from).into(),
            Column::GrantedAt => granted_at.into(),
            Column::UnlockedUntil => until.into(),
            Column::FailedAttempts => failed.into(),
            Column::LockedOutUntil => locked_out.into(),
            Column::VoicemailOptions => options.into(),
        };
        n += 1;
    }
    if let Some(extra) = extra {
        values[n] = extra.into();
        n += 1;
    }
    f(&values[..n])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lockout::PinEntryState;
    use crate::policy::Grant;
    use crate::records::EXPORT_COLUMNS;

    /// Adding a column is one entry in `COLUMNS` plus a migration: the
    /// statements, the export header and the importer follow from it.
    #[test]
    fn statements_export_and_import_agree_with_the_column_definition() {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(
            *SQL_ONE,
            format!(
                "SELECT {} FROM extensions WHERE number = ?1",
                names.join(", ")
            )
        );
        assert!(SQL_ALL_IN_ORDER.starts_with(&format!("SELECT {} FROM", names.join(", "))));
        let written: Vec<&str> = COLUMNS
            .iter()
            .filter(|c| c.in_record)
            .map(|c| c.name)
            .collect();
        assert!(SQL_INSERT_RECORD.starts_with(&format!(
            "INSERT INTO extensions ({}) VALUES (?1,",
            written.join(", ")
        )));
        assert!(SQL_REPLACE_RECORD.ends_with(&format!("WHERE id = ?{}", written.len() + 1)));
        // The export header is the keyed columns, in order.
        let keys: Vec<&str> = COLUMNS.iter().filter_map(|c| c.key).collect();
        assert_eq!(EXPORT_COLUMNS.to_vec(), keys);
        // Every column of the database is one the schema has.
        let (_dir, store) = super::super::tests::fresh();
        let conn = store.sqlite().unwrap();
        let stmt = conn.prepare(&SQL_ONE).unwrap();
        let declared: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        assert_eq!(declared, names);
        drop(stmt);
        // A record written and read back whole, through the derived
        // statements.
        let rec = ExtensionRecord {
            number: "0100".parse().unwrap(),
            first_name: Some("Zoë".parse().unwrap()),
            last_name: Some("O'Brien".parse().unwrap()),
            email: Some("z@example.com".parse().unwrap()),
            pin: "4826".parse().unwrap(),
            protection: crate::policy::Protection {
                enabled: true,
                duration: Some(PinDuration::from_secs(600).unwrap()),
                grant: Some(Grant {
                    granted_at: Timestamp::from_unix(1_000),
                    until: Timestamp::from_unix(1_600),
                }),
            },
            entry: PinEntryState::default(),
            voicemail_options: Some("attach=yes|saycid=no".parse().unwrap()),
        };
        let mut store = store;
        let id = store.write(|w| w.insert_record(&rec)).unwrap();
        assert_eq!(
            store.read().extension(&rec.number).unwrap(),
            Some(rec.clone())
        );
        let mut changed = rec.clone();
        changed.first_name = None;
        store.write(|w| w.replace_record(id, &changed)).unwrap();
        assert_eq!(store.read().extension(&rec.number).unwrap(), Some(changed));
    }
}
