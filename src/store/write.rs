//! Changes, inside one transaction: [`Writer`].

use super::read::Reader;
use super::sql::{Conn, P};
use crate::error::{Error, Result};
use crate::events::NewEvent;
use crate::lockout::PinEntryState;
use crate::policy::{Email, Extension, Grant, Name, Pin, PinDuration, Timestamp};
use crate::records::{ExtensionEdit, NewExtension, Target};
use std::path::Path;

/// Writes, inside one write transaction.
pub struct Writer<'c> {
    pub(super) conn: Conn<'c>,
    pub(super) path: &'c Path,
}

impl Writer<'_> {
    pub fn read(&self) -> Reader<'_> {
        Reader {
            conn: self.conn,
            path: self.path,
        }
    }

    pub(super) fn execute(&self, sql: &str, params: &[P<'_>]) -> Result<usize> {
        Ok(self.conn.execute(self.path, sql, params)? as usize)
    }

    /// Adds an extension; an existing number is an `Invalid` error.
    pub fn add_extension(&self, new: &NewExtension) -> Result<()> {
        if self.read().exists(&new.number)? {
            return Err(Error::invalid_with_hint(
                format!("extension {} already exists", new.number),
                "use `pinprotect ext edit` to change it",
            ));
        }
        self.execute(
            "INSERT INTO extensions (number, first_name, last_name, email, voicemail_pin) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            &[
                new.number.as_str().into(),
                new.first_name.as_ref().map(Name::as_str).into(),
                new.last_name.as_ref().map(Name::as_str).into(),
                new.email.as_ref().map(Email::as_str).into(),
                new.pin.expose().into(),
            ],
        )?;
        Ok(())
    }

    /// Applies `edit` to an existing extension.
    pub fn edit_extension(&self, ext: &Extension, edit: &ExtensionEdit) -> Result<()> {
        // A field is written when the edit changes it (`?2`, `?4`, `?6`).
        fn value(c: Option<Option<&str>>) -> (bool, Option<&str>) {
            (c.is_some(), c.flatten())
        }
        let (f_set, f) = value(edit.first_name.change().map(|v| v.map(Name::as_str)));
        let (l_set, l) = value(edit.last_name.change().map(|v| v.map(Name::as_str)));
        let (e_set, e) = value(edit.email.change().map(|v| v.map(Email::as_str)));
        let n = self.execute(
            "UPDATE extensions SET \
               first_name = CASE WHEN ?2 THEN ?3 ELSE first_name END, \
               last_name = CASE WHEN ?4 THEN ?5 ELSE last_name END, \
               email = CASE WHEN ?6 THEN ?7 ELSE email END \
             WHERE number = ?1",
            &[
                ext.as_str().into(),
                f_set.into(),
                f.into(),
                l_set.into(),
                l.into(),
                e_set.into(),
                e.into(),
            ],
        )?;
        if n == 0 {
            return Err(Error::UnknownExtensions(vec![ext.clone()]));
        }
        Ok(())
    }

    /// Sets the voicemail PIN and ends any grant.
    pub fn set_pin(&self, ext: &Extension, pin: &Pin) -> Result<()> {
        let n = self.execute(
            "UPDATE extensions SET voicemail_pin = ?2, granted_at = NULL, unlocked_until = NULL \
             WHERE number = ?1",
            &[ext.as_str().into(), pin.expose().into()],
        )?;
        if n == 0 {
            return Err(Error::UnknownExtensions(vec![ext.clone()]));
        }
        Ok(())
    }

    /// Removes the extensions; all must exist.
    pub fn remove_extensions(&self, exts: &[Extension]) -> Result<usize> {
        let records = self.read().extensions(exts)?;
        for r in &records {
            self.execute(
                "DELETE FROM extensions WHERE number = ?1",
                &[r.number.as_str().into()],
            )?;
        }
        Ok(records.len())
    }

    /// Turns pin protect on. An extension that was unprotected starts
    /// locked; one already protected keeps its grant. `duration`, when
    /// given, replaces the stored one.
    /// Turns pin protect on with `duration`, or else the stored one, or
    /// else `fallback`.
    pub fn enable(
        &self,
        target: &Target,
        duration: Option<PinDuration>,
        fallback: PinDuration,
    ) -> Result<usize> {
        const SQL: &str = "UPDATE extensions SET \
               pin_protect_duration_s = COALESCE(?1, pin_protect_duration_s, ?2), \
               granted_at = CASE WHEN pin_protect = 1 THEN granted_at END, \
               unlocked_until = CASE WHEN pin_protect = 1 THEN unlocked_until END, \
               pin_protect = 1";
        let secs = duration.map(PinDuration::as_secs);
        self.for_target(target, SQL, &[secs.into(), fallback.as_secs().into()])
    }

    /// Turns pin protect off, clearing the grant and keeping the duration.
    pub fn disable(&self, target: &Target) -> Result<usize> {
        const SQL: &str =
            "UPDATE extensions SET pin_protect = 0, granted_at = NULL, unlocked_until = NULL";
        self.for_target(target, SQL, &[])
    }

    /// Clears grants.
    pub fn revoke(&self, target: &Target) -> Result<usize> {
        const SQL: &str = "UPDATE extensions SET granted_at = NULL, unlocked_until = NULL";
        self.for_target(target, SQL, &[])
    }

    /// Runs an `UPDATE ... SET ...` whose SET part binds `set_params` as
    /// `?1`, `?2`, ...: on all extensions, or on each named one after
    /// checking that all exist.
    pub(super) fn for_target(
        &self,
        target: &Target,
        update: &str,
        set_params: &[P<'_>],
    ) -> Result<usize> {
        match target {
            Target::All => self.execute(update, set_params),
            Target::These(exts) => {
                let records = self.read().extensions(exts)?;
                let sql = format!("{update} WHERE number = ?{}", set_params.len() + 1);
                for r in &records {
                    let number = r.number.as_str();
                    let mut p = set_params.to_vec();
                    p.push(number.into());
                    self.execute(&sql, &p[..])?;
                }
                Ok(records.len())
            }
        }
    }

    /// Stores a setting, already checked.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )?;
        Ok(())
    }

    /// Records the outcome of a PIN entry.
    pub fn set_pin_entry(&self, ext: &Extension, entry: PinEntryState) -> Result<()> {
        self.execute(
            "UPDATE extensions SET failed_attempts = ?2, locked_out_until = ?3 WHERE number = ?1",
            &[
                ext.as_str().into(),
                entry.failed_attempts.into(),
                entry.locked_out_until.map(Timestamp::unix).into(),
            ],
        )?;
        Ok(())
    }

    /// Appends an event to the audit log.
    pub fn log_event(&self, event: &NewEvent) -> Result<()> {
        self.insert_event(None, event)
    }

    /// Appends `event`, with the id `id` when given.
    fn insert_event(&self, id: Option<i64>, event: &NewEvent) -> Result<()> {
        let values = [
            event.at.unix().into(),
            event.user.as_str().into(),
            event.kind.into(),
            event.extension.as_ref().map(Extension::as_str).into(),
            event.detail.as_str().into(),
        ];
        match id {
            None => self.execute(
                "INSERT INTO events (at, \"user\", kind, extension, detail) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &values,
            )?,
            Some(id) => {
                let mut with_id = values.to_vec();
                with_id.push(id.into());
                self.execute(
                    "INSERT INTO events (at, \"user\", kind, extension, detail, id) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    &with_id,
                )?
            }
        };
        Ok(())
    }

    /// Logs a denied call: counted into the `call_denied` event of the same
    /// extension (or caller that is no extension number), user and
    /// `reason` begun within the last
    /// [`crate::events::DENIED_CALLS_GROUPED_SECONDS`], else a new one.
    pub fn log_denied_call(&self, event: &NewEvent, reason: &str) -> Result<()> {
        let suffix = format!(": {reason}");
        let since = event.at.unix() - (crate::events::DENIED_CALLS_GROUPED_SECONDS - 1);
        let group = self.conn.optional(
            self.path,
            "SELECT id FROM events \
             WHERE at BETWEEN ?1 AND ?2 AND kind = ?3 AND extension IS NOT DISTINCT FROM ?4 \
               AND \"user\" = ?5 \
               AND substr(detail, length(detail) - length(?6) + 1) = ?6 \
             ORDER BY id DESC LIMIT 1",
            &[
                since.into(),
                event.at.unix().into(),
                event.kind.into(),
                event.extension.as_ref().map(Extension::as_str).into(),
                event.user.as_str().into(),
                suffix.as_str().into(),
            ],
            |r| r.int(0),
        )?;
        match group.flatten() {
            Some(id) => {
                self.execute(
                    "UPDATE events SET count = count + 1 WHERE id = ?1",
                    &[id.into()],
                )?;
                Ok(())
            }
            None => self.log_event(event),
        }
    }

    /// Removes the head of the log up to the event `through` (what
    /// [`Reader::log_head_before`] found, and an archive holds), and logs
    /// `pruned` in its place with that id, so that it is the first event
    /// of the log that remains. Returns how many went.
    pub fn prune_events(&self, through: i64, pruned: impl FnOnce(u64) -> NewEvent) -> Result<u64> {
        self.execute(
            "INSERT INTO events_prune (through_id) VALUES (?1)",
            &[through.into()],
        )?;
        let removed = self.execute("DELETE FROM events WHERE id <= ?1", &[through.into()])?;
        self.execute("DELETE FROM events_prune", &[])?;
        self.insert_event(Some(through), &pruned(removed as u64))?;
        Ok(removed as u64)
    }

    /// Records a grant.
    pub fn set_grant(&self, ext: &Extension, grant: Grant) -> Result<()> {
        self.execute(
            "UPDATE extensions SET granted_at = ?2, unlocked_until = ?3 WHERE number = ?1",
            &[
                ext.as_str().into(),
                grant.granted_at.unix().into(),
                grant.until.unix().into(),
            ],
        )?;
        Ok(())
    }
}
