//! JSON (one array, read an element at a time) and JSON lines, as
//! `pinprotect export` writes them.

use super::{Incoming, LineCounter, RowError, Sink, cell, read_error};
use crate::error::{Error, Result};
use crate::records::FieldEdit;
use crate::records::{Column, EXPORT_COLUMNS};
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;
use std::io::BufRead;
use std::rc::Rc;

/// One JSON object as `pinprotect export` writes it, keys in any order.
pub(super) fn incoming_from_json(
    line: u64,
    value: Value,
) -> std::result::Result<Incoming, RowError> {
    let Value::Object(map) = value else {
        return Err(RowError::new(
            line,
            "expected an object with an \"extension\" key",
        ));
    };
    from_json_map(line, map)
}

pub(super) fn from_json_map(
    line: u64,
    map: Map<String, Value>,
) -> std::result::Result<Incoming, RowError> {
    let mut problems = Vec::new();
    for key in map.keys() {
        if !EXPORT_COLUMNS.contains(&key.as_str()) {
            problems.push(format!("unknown key \"{}\"", crate::text::shown(key)));
        }
    }
    let text = |key: &str, problems: &mut Vec<String>| -> FieldEdit<String> {
        match map.get(key) {
            None => FieldEdit::Keep,
            Some(Value::Null) => FieldEdit::Clear,
            Some(Value::String(s)) => cell(s),
            Some(_) => {
                problems.push(format!(
                    "\"{key}\" must be a string or null (digits as text keep leading zeros)"
                ));
                FieldEdit::Keep
            }
        }
    };
    let key = |c: Column| c.key().unwrap_or_default();
    let extension = match text(key(Column::Number), &mut problems) {
        FieldEdit::Set(s) => s,
        FieldEdit::Keep | FieldEdit::Clear
            if !problems
                .iter()
                .any(|p| p.starts_with(&format!("\"{}\"", key(Column::Number)))) =>
        {
            problems.push(format!(
                "the key \"{}\" is missing or empty",
                key(Column::Number)
            ));
            String::new()
        }
        _ => String::new(),
    };
    let mut inc = Incoming::new(line, extension);
    inc.first_name = text(key(Column::FirstName), &mut problems);
    inc.last_name = text(key(Column::LastName), &mut problems);
    inc.email = text(key(Column::Email), &mut problems);
    inc.voicemail_pin = text(key(Column::VoicemailPin), &mut problems);
    inc.voicemail_options = text(key(Column::VoicemailOptions), &mut problems);
    inc.pin_protect = match map.get(key(Column::PinProtect)) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            problems.push(format!(
                "\"{}\" must be true, false or null",
                key(Column::PinProtect)
            ));
            None
        }
    };
    inc.duration_s = match map.get(key(Column::Duration)) {
        None => FieldEdit::Keep,
        Some(Value::Null) => FieldEdit::Clear,
        Some(Value::Number(n)) if n.as_i64().is_some() => {
            FieldEdit::Set(n.as_i64().unwrap_or_default())
        }
        Some(_) => {
            problems.push(format!(
                "\"{}\" must be a whole number of seconds or null",
                key(Column::Duration)
            ));
            FieldEdit::Keep
        }
    };
    match map.get(key(Column::UnlockedUntil)) {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(_) => problems.push(format!(
            "\"{}\" must be a string or null",
            key(Column::UnlockedUntil)
        )),
    }
    if problems.is_empty() {
        Ok(inc)
    } else {
        Err(RowError::new(line, problems.join("; ")))
    }
}

/// JSON lines: one object a line; empty lines are skipped.
pub(super) fn read_jsonl(mut input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let mut line = String::new();
    let mut number = 0;
    loop {
        line.clear();
        if input.read_line(&mut line).map_err(read_error)? == 0 {
            return Ok(());
        }
        number += 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = serde_json::from_str::<Value>(&line)
            .map_err(|e| RowError::new(number, format!("invalid JSON: {e}")))
            .and_then(|v| incoming_from_json(number, v));
        sink(parsed)?;
    }
}

/// A JSON array of objects, read one element at a time.
pub(super) fn read_json(input: impl BufRead, sink: &mut Sink<'_>) -> Result<()> {
    let newlines = Rc::new(Cell::new(0));
    let counted = LineCounter {
        inner: input,
        newlines: Rc::clone(&newlines),
    };
    let mut de = serde_json::Deserializer::from_reader(counted);
    let mut stopped = None;
    let seed = ArraySeed {
        sink,
        newlines: &newlines,
        stopped: &mut stopped,
    };
    let result = seed.deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = stopped {
        return Err(e);
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.is_io() => Err(super::read_error(std::io::Error::from(e))),
        Err(e) => {
            let line = e.line() as u64;
            let message = format!("invalid JSON: {e}");
            sink(Err(RowError::new(line, message)))
        }
    }
}

pub(super) struct ArraySeed<'s, 'a> {
    sink: &'s mut Sink<'a>,
    newlines: &'s Rc<Cell<u64>>,
    stopped: &'s mut Option<Error>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of extension objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            // The element ends on the line after the newlines read so far.
            let line = self.newlines.get() + 1;
            if let Err(e) = (self.sink)(incoming_from_json(line, value)) {
                *self.stopped = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}
