//! Read-only queries: [`Reader`].

use super::columns::{SQL_ALL_IN_ORDER, SQL_EXISTS, SQL_ONE};
use super::corrupt_row;
use super::sql::{Conn, P, RowView};
use crate::error::{Error, Result};
use crate::events::{EventFilter, EventRow};
use crate::lockout::PinEntryState;
use crate::policy::{Extension, Grant, PinDuration, Protection, Timestamp};
use crate::records::Column;
use crate::records::{ExtensionRecord, RawExtension, Target};
use crate::settings::Settings;
use std::path::Path;

pub(super) fn opt_parse<T: std::str::FromStr>(
    path: &Path,
    what: &str,
    v: Option<String>,
) -> Result<Option<T>> {
    v.map(|s| s.parse().map_err(|_| corrupt_row(path, what)))
        .transpose()
}

pub(super) fn record_from_row(path: &Path, r: &dyn RowView) -> Result<ExtensionRecord> {
    let text = |c: Column| r.text(c.index()).map(|v| v.map(str::to_owned));
    let int = |c: Column| r.int(c.index());
    let number: String =
        text(Column::Number)?.ok_or_else(|| corrupt_row(path, "extension number"))?;
    let first = text(Column::FirstName)?;
    let last = text(Column::LastName)?;
    let email = text(Column::Email)?;
    let pin: String = text(Column::VoicemailPin)?.ok_or_else(|| corrupt_row(path, "PIN"))?;
    let enabled = int(Column::PinProtect)?.unwrap_or(0);
    let duration = int(Column::Duration)?;
    let granted_at = int(Column::GrantedAt)?;
    let until = int(Column::UnlockedUntil)?;
    let failed = int(Column::FailedAttempts)?.unwrap_or(0);
    let locked_out_until = int(Column::LockedOutUntil)?;
    let options = text(Column::VoicemailOptions)?;
    {
        let number: Extension = number
            .parse()
            .map_err(|_| corrupt_row(path, "extension number"))?;
        let grant = match (granted_at, until) {
            (Some(a), Some(b)) => Some(Grant {
                granted_at: Timestamp::from_unix(a),
                until: Timestamp::from_unix(b),
            }),
            _ => None,
        };
        Ok(ExtensionRecord {
            first_name: opt_parse(path, "first name", first)?,
            last_name: opt_parse(path, "last name", last)?,
            email: opt_parse(path, "e-mail address", email)?,
            pin: pin
                .parse()
                .map_err(|_| corrupt_row(path, &format!("PIN of extension {number}")))?,
            protection: Protection {
                enabled: enabled != 0,
                duration: duration
                    .map(PinDuration::from_secs)
                    .transpose()
                    .map_err(|_| corrupt_row(path, "duration"))?,
                grant,
            },
            entry: PinEntryState {
                failed_attempts: u32::try_from(failed)
                    .map_err(|_| corrupt_row(path, "failed attempts"))?,
                locked_out_until: locked_out_until.map(Timestamp::from_unix),
            },
            voicemail_options: opt_parse(path, "voicemail options", options)?,
            number,
        })
    }
}

/// The columns of an event as [`event_from_row`] reads them.
const EVENT_COLUMNS: &str = "id, at, \"user\", kind, extension, detail, count";

/// An event from a row of [`EVENT_COLUMNS`].
fn event_from_row(path: &Path, row: &dyn RowView) -> Result<EventRow> {
    let bad = || corrupt_row(path, "event");
    let text = |i| -> Result<String> { Ok(row.text(i)?.ok_or_else(bad)?.to_owned()) };
    Ok(EventRow {
        id: row.int(0)?.ok_or_else(bad)?,
        at: Timestamp::from_unix(row.int(1)?.ok_or_else(bad)?),
        user: text(2)?,
        kind: text(3)?,
        extension: row.text(4)?.map(str::to_owned),
        detail: text(5)?,
        count: row.int(6)?.unwrap_or(1).max(1) as u64,
    })
}

/// Read-only queries, on the store or inside a write transaction.
#[derive(Clone, Copy)]
pub struct Reader<'c> {
    pub(super) conn: Conn<'c>,
    pub(super) path: &'c Path,
}

impl Reader<'_> {
    /// One extension, or `None` when there is no such extension.
    pub fn extension(&self, ext: &Extension) -> Result<Option<ExtensionRecord>> {
        self.conn
            .optional(self.path, &SQL_ONE, &[ext.as_str().into()], |r| {
                record_from_row(self.path, r)
            })
    }

    /// One extension; `UnknownExtensions` when there is no such extension.
    pub fn require(&self, ext: &Extension) -> Result<ExtensionRecord> {
        self.extension(ext)?
            .ok_or_else(|| Error::UnknownExtensions(vec![ext.clone()]))
    }

    /// The given extensions in the given order (duplicates dropped), or
    /// `UnknownExtensions` naming every one that does not exist.
    pub fn extensions(&self, exts: &[Extension]) -> Result<Vec<ExtensionRecord>> {
        let mut found = Vec::with_capacity(exts.len());
        let mut unknown = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for ext in exts {
            if !seen.insert(ext) {
                continue;
            }
            match self.extension(ext)? {
                Some(r) => found.push(r),
                None => unknown.push(ext.clone()),
            }
        }
        if unknown.is_empty() {
            Ok(found)
        } else {
            Err(Error::UnknownExtensions(unknown))
        }
    }

    /// Reads the first extension in numeric order: a cheap check that the
    /// extensions can be read at all (their table's root page, say) before
    /// something is logged about reading them.
    pub fn probe_extensions(&self) -> Result<()> {
        let sql = format!("{} LIMIT 1", *SQL_ALL_IN_ORDER);
        self.each_row(&sql, &[], |row| {
            record_from_row(self.path, row)?;
            Ok(())
        })
    }

    /// Whether the audit log names `ext` (also after it was removed).
    /// The id of the last event logged, if any.
    pub fn last_event_id(&self) -> Result<Option<i64>> {
        self.conn
            .one(self.path, "SELECT max(id) FROM events", &[], |r| r.int(0))
    }

    pub fn has_events(&self, ext: &Extension) -> Result<bool> {
        self.conn.exists(
            self.path,
            "SELECT 1 FROM events WHERE extension = ?1 LIMIT 1",
            &[ext.as_str().into()],
        )
    }

    pub fn exists(&self, ext: &Extension) -> Result<bool> {
        self.conn
            .exists(self.path, SQL_EXISTS, &[ext.as_str().into()])
    }

    pub fn count(&self) -> Result<u64> {
        let n = self
            .conn
            .int(self.path, "SELECT count(*) FROM extensions", &[])?;
        Ok(n.unwrap_or(0) as u64)
    }

    /// Runs `sql` with `params` and calls `f` with each row, one at a time.
    pub(super) fn each_row(
        &self,
        sql: &str,
        params: &[P<'_>],
        f: impl FnMut(&dyn RowView) -> Result<()>,
    ) -> Result<()> {
        self.conn.each(self.path, sql, params, f)
    }

    /// Calls `f` for every extension in numeric order of extension number
    /// (`099`, `99`, `0100`, `100`), one row at a time.
    pub fn for_each_extension(
        &self,
        mut f: impl FnMut(ExtensionRecord) -> Result<()>,
    ) -> Result<()> {
        self.each_row(&SQL_ALL_IN_ORDER, &[], |row| {
            f(record_from_row(self.path, row)?)
        })
    }

    /// Calls `f` for every extension in numeric order with the stored
    /// values as they are, borrowed from the engine: the fast path for exports.
    /// Their shape is guaranteed by the schema's checks and by validation
    /// on every write.
    pub fn for_each_raw_extension(
        &self,
        mut f: impl FnMut(&RawExtension<'_>) -> Result<()>,
    ) -> Result<()> {
        self.each_row(&SQL_ALL_IN_ORDER, &[], |row| {
            let raw = (|| -> Result<RawExtension<'_>> {
                let text = |c: Column| row.text(c.index());
                let int = |c: Column| row.int(c.index());
                Ok(RawExtension {
                    number: text(Column::Number)?.unwrap_or_default(),
                    first_name: text(Column::FirstName)?,
                    last_name: text(Column::LastName)?,
                    email: text(Column::Email)?,
                    pin: text(Column::VoicemailPin)?.unwrap_or_default(),
                    pin_protect: int(Column::PinProtect)? == Some(1),
                    duration: int(Column::Duration)?,
                    granted_at: int(Column::GrantedAt)?,
                    unlocked_until: int(Column::UnlockedUntil)?,
                    voicemail_options: text(Column::VoicemailOptions)?,
                })
            })()?;
            f(&raw)
        })
    }

    /// Calls `f` for the targeted extensions: all in numeric order, or the
    /// named ones in the given order after checking that all exist.
    pub fn for_each_target(
        &self,
        target: &Target,
        f: impl FnMut(ExtensionRecord) -> Result<()>,
    ) -> Result<()> {
        match target {
            Target::All => self.for_each_extension(f),
            Target::These(exts) => self.extensions(exts)?.into_iter().try_for_each(f),
        }
    }

    /// The settings: stored values over the defaults.
    pub fn settings(&self) -> Result<Settings> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        self.each_row("SELECT key, value FROM settings", &[], |row| {
            let (Some(k), Some(v)) = (row.text(0)?, row.text(1)?) else {
                return Err(corrupt_row(self.path, "setting"));
            };
            pairs.push((k.to_owned(), v.to_owned()));
            Ok(())
        })?;
        Settings::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| corrupt_row(self.path, &format!("setting ({e})")))
    }

    /// Groups of extensions that share one PIN (two or more each), in
    /// numeric order of their first extension. The PINs are not returned.
    pub fn shared_pin_groups(&self, mut f: impl FnMut(Vec<Extension>) -> Result<()>) -> Result<()> {
        let sql = if self.conn.is_postgres() {
            "SELECT string_agg(number, ',' ORDER BY CAST(number AS BIGINT), number) FROM extensions \
             GROUP BY voicemail_pin HAVING count(*) > 1 \
             ORDER BY min(CAST(number AS BIGINT))"
        } else {
            "SELECT group_concat(number, ',') FROM \
             (SELECT number, voicemail_pin FROM extensions ORDER BY CAST(number AS INTEGER), number) \
             GROUP BY voicemail_pin HAVING count(*) > 1 \
             ORDER BY min(CAST(number AS INTEGER))"
        };
        self.each_row(sql, &[], |row| {
            let list = row.text(0)?.unwrap_or("");
            let group = list
                .split(',')
                .map(|n| {
                    n.parse()
                        .map_err(|_| corrupt_row(self.path, "extension number"))
                })
                .collect::<Result<Vec<Extension>>>()?;
            f(group)
        })
    }

    /// Audit-log events, oldest first: for one extension or all, since a
    /// time, and at most the `limit` most recent.
    /// The events `filter` lets through, in log order; with `limit`, only
    /// the last `limit` of them.
    pub fn for_each_event(
        &self,
        filter: &EventFilter<'_>,
        limit: Option<u64>,
        f: impl FnMut(EventRow) -> Result<()>,
    ) -> Result<()> {
        let limit = limit.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        // `,grant,wrong_pin,`: kind names hold no comma.
        let kinds = (!filter.kinds.is_empty()).then(|| {
            let names: Vec<&str> = filter.kinds.iter().map(|k| k.name()).collect();
            format!(",{},", names.join(","))
        });
        let params = [
            filter.extension.map(Extension::as_str).into(),
            filter.since.map(Timestamp::unix).into(),
            limit.into(),
            kinds.as_ref().into(),
            filter.until.map(Timestamp::unix).into(),
            filter.after_id.into(),
        ];
        // No limit is SQLite's -1 and PostgreSQL's NULL; the kind is
        // looked for with `instr` and `strpos`.
        let from = if self.conn.is_postgres() {
            "(SELECT * FROM events \
              WHERE (?1::text IS NULL OR extension = ?1) AND (?2::bigint IS NULL OR at >= ?2) \
              AND (?4::text IS NULL OR strpos(?4, ',' || kind || ',') > 0) \
              AND (?5::bigint IS NULL OR at < ?5) AND (?6::bigint IS NULL OR id > ?6) \
              ORDER BY id DESC LIMIT ?3) AS e ORDER BY id"
        } else {
            "(SELECT * FROM events \
              WHERE (?1 IS NULL OR extension = ?1) AND (?2 IS NULL OR at >= ?2) \
              AND (?4 IS NULL OR instr(?4, ',' || kind || ',') > 0) \
              AND (?5 IS NULL OR at < ?5) AND (?6 IS NULL OR id > ?6) \
              ORDER BY id DESC LIMIT coalesce(?3, -1)) ORDER BY id"
        };
        self.each_event(from, &params, f)
    }

    /// The events of `SELECT EVENT_COLUMNS FROM {from}`, in its order.
    fn each_event(
        &self,
        from: &str,
        params: &[P<'_>],
        mut f: impl FnMut(EventRow) -> Result<()>,
    ) -> Result<()> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {from}");
        self.each_row(&sql, params, |row| f(event_from_row(self.path, row)?))
    }

    /// The head of the log up to the last event logged before `before`:
    /// how many events it holds and that last one's id; `None` when no
    /// event is that old.
    pub fn log_head_before(&self, before: Timestamp) -> Result<Option<(u64, i64)>> {
        let (count, last) = self.conn.one(
            self.path,
            "SELECT count(*), max(id) FROM events \
             WHERE id <= (SELECT max(id) FROM events WHERE at < ?1)",
            &[before.unix().into()],
            |r| Ok((r.int(0)?.unwrap_or(0), r.int(1)?)),
        )?;
        Ok(last.map(|id| (count as u64, id)))
    }

    /// The events up to the id `through`, in log order.
    pub fn for_each_event_through(
        &self,
        through: i64,
        f: impl FnMut(EventRow) -> Result<()>,
    ) -> Result<()> {
        self.each_event("events WHERE id <= ?1 ORDER BY id", &[through.into()], f)
    }

    /// How many of `target` have no stored pin-protect duration.
    /// How many extensions have a grant running at `now`.
    pub fn count_active_grants(&self, now: Timestamp) -> Result<u64> {
        let n = self.conn.int(
            self.path,
            "SELECT count(*) FROM extensions WHERE granted_at <= ?1 AND unlocked_until > ?1",
            &[now.unix().into()],
        )?;
        Ok(n.unwrap_or(0) as u64)
    }

    pub fn count_without_duration(&self, target: &Target) -> Result<u64> {
        match target {
            Target::All => Ok(self
                .conn
                .int(
                    self.path,
                    "SELECT count(*) FROM extensions WHERE pin_protect_duration_s IS NULL",
                    &[],
                )?
                .unwrap_or(0) as u64),
            Target::These(exts) => Ok(self
                .extensions(exts)?
                .iter()
                .filter(|r| r.protection.duration.is_none())
                .count() as u64),
        }
    }
}
