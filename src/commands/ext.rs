//! `pinprotect ext add|edit|set-pin|show|list|remove`.

use std::borrow::Cow;
use std::str::FromStr;

use serde::Serialize;

use super::WEAK_PIN_ALLOWED;
use super::protect::ProtectionView;
use super::{
    Ctx, ask_new_pin, check_extension_number, check_pin_strength, generate_pin, list_records,
    pin_from_stdin, print_generated_pin,
};
use crate::cli::{ExtCommand, PersonArgs};
use crate::error::{Error, ExitCode, ExtList, Result};
use crate::events::EventKind;
use crate::output::{Format, Record, opt_field, write_one};
use crate::policy::{Email, Extension, Name, ParseError, Pin, Timestamp};
use crate::records::{ExtensionEdit, ExtensionRecord, FieldEdit, NewExtension, Target};

pub fn run(ctx: &mut Ctx<'_>, cmd: ExtCommand) -> Result<ExitCode> {
    match cmd {
        ExtCommand::Add {
            extension,
            person,
            pin_stdin,
            allow_weak,
        } => {
            let pin = if pin_stdin {
                NewPin::Stdin
            } else {
                NewPin::Generated
            };
            add(ctx, &extension, &person, pin, allow_weak)
        }
        ExtCommand::Edit { extension, person } => edit(ctx, &extension, &person),
        ExtCommand::SetPin {
            extension,
            pin_stdin,
            generate,
            allow_weak,
        } => set_pin(ctx, &extension, pin_stdin, generate, allow_weak),
        ExtCommand::Show { extension, format } => show(ctx, &extension, format.into()),
        ExtCommand::List { format } => list(ctx, format.into()),
        ExtCommand::Remove { extensions, yes } => remove(ctx, &extensions, yes),
    }
}

/// `--first-name ""` means "no name".
fn field<T: FromStr<Err = ParseError>>(flag: &str, value: Option<&str>) -> Result<FieldEdit<T>> {
    Ok(match value {
        None => FieldEdit::Keep,
        Some("") => FieldEdit::Clear,
        Some(v) => FieldEdit::Set(
            v.parse()
                .map_err(|e: ParseError| Error::invalid(format!("--{flag}: {e}")))?,
        ),
    })
}

fn person_edit(p: &PersonArgs) -> Result<ExtensionEdit> {
    Ok(ExtensionEdit {
        first_name: field::<Name>("first-name", p.first_name.as_deref())?,
        last_name: field::<Name>("last-name", p.last_name.as_deref())?,
        email: field::<Email>("email", p.email.as_deref())?,
    })
}

fn into_option<T>(f: FieldEdit<T>) -> Option<T> {
    match f {
        FieldEdit::Set(v) => Some(v),
        FieldEdit::Keep | FieldEdit::Clear => None,
    }
}

/// Where the PIN of a new extension comes from.
pub enum NewPin {
    /// `--pin-stdin`: read once the number is known to be free.
    Stdin,
    Given(Pin),
    /// Generated and printed once.
    Generated,
}

/// Adds an extension; its number is checked before any PIN is read.
pub fn add(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    person: &PersonArgs,
    pin: NewPin,
    allow_weak: bool,
) -> Result<ExitCode> {
    let edit = person_edit(person)?;
    let mut store = ctx.open_for_change()?;
    let settings = store.read().settings()?;
    check_extension_number(&settings, ext)?;
    let (pin, generated) = match pin {
        NewPin::Stdin => (pin_from_stdin()?, false),
        NewPin::Given(pin) => (pin, false),
        NewPin::Generated => (generate_pin(&settings, ext)?, true),
    };
    let weak = check_pin_strength(&settings, ext, &pin, allow_weak)?;
    let new = NewExtension {
        number: ext.clone(),
        first_name: into_option(edit.first_name),
        last_name: into_option(edit.last_name),
        email: into_option(edit.email),
        pin,
    };
    store.write(|w| {
        w.add_extension(&new)?;
        let how = if generated {
            "with a generated PIN"
        } else {
            ""
        };
        ctx.log(w, EventKind::ExtensionAdded, Some(ext), how)?;
        if weak.is_some() {
            ctx.log(w, EventKind::WeakPinAllowed, Some(ext), WEAK_PIN_ALLOWED)?;
        }
        Ok(())
    })?;
    ctx.console.info(format_args!("added extension {ext}"));
    if generated {
        print_generated_pin(ctx, ext, &new.pin)?;
    }
    Ok(ExitCode::Success)
}

fn edit(ctx: &mut Ctx<'_>, ext: &Extension, person: &PersonArgs) -> Result<ExitCode> {
    let edit = person_edit(person)?;
    if edit.first_name.is_keep() && edit.last_name.is_keep() && edit.email.is_keep() {
        return Err(Error::invalid_with_hint(
            "nothing to change",
            "give at least one of --first-name, --last-name, --email",
        ));
    }
    let mut store = ctx.open_for_change()?;
    let changed: Vec<&str> = [
        ("first_name", edit.first_name.is_keep()),
        ("last_name", edit.last_name.is_keep()),
        ("email", edit.email.is_keep()),
    ]
    .into_iter()
    .filter(|(_, keep)| !keep)
    .map(|(name, _)| name)
    .collect();
    store.write(|w| {
        w.edit_extension(ext, &edit)?;
        ctx.log(w, EventKind::ExtensionEdited, Some(ext), changed.join(", "))
    })?;
    ctx.console.info(format_args!("updated extension {ext}"));
    Ok(ExitCode::Success)
}

fn set_pin(
    ctx: &mut Ctx<'_>,
    ext: &Extension,
    pin_stdin: bool,
    generate: bool,
    allow_weak: bool,
) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    // Fail on an unknown extension before asking for anything.
    if !store.read().exists(ext)? {
        return Err(Error::UnknownExtensions(vec![ext.clone()]));
    }
    let settings = store.read().settings()?;
    let pin = if pin_stdin {
        pin_from_stdin()?
    } else if generate {
        generate_pin(&settings, ext)?
    } else if ctx.console.stdin_is_terminal() {
        ask_new_pin(ctx, ext, |pin| {
            check_pin_strength(&settings, ext, pin, allow_weak).map(|_| ())
        })?
    } else {
        return Err(Error::invalid_with_hint(
            "standard input is not a terminal, so the PIN cannot be asked for",
            "pass --pin-stdin and pipe the PIN, or --generate for a random one",
        ));
    };
    let weak = check_pin_strength(&settings, ext, &pin, allow_weak)?;
    let now = ctx.now;
    let ended = store.write(|w| {
        let before = w.read().require(ext)?;
        w.set_pin(ext, &pin)?;
        let ended = before.protection.active_grant(now);
        let detail = match (generate, ended) {
            (true, Some(g)) => format!("generated; grant until {} ended", g.until),
            (true, None) => "generated".to_string(),
            (false, Some(g)) => format!("grant until {} ended", g.until),
            (false, None) => String::new(),
        };
        ctx.log(w, EventKind::PinChanged, Some(ext), detail)?;
        if weak.is_some() {
            ctx.log(w, EventKind::WeakPinAllowed, Some(ext), WEAK_PIN_ALLOWED)?;
        }
        Ok(ended)
    })?;
    match ended {
        Some(g) => ctx.console.info(format_args!(
            "changed the voicemail PIN of extension {ext}; its grant until {} ended",
            g.until
        )),
        None => ctx
            .console
            .info(format_args!("changed the voicemail PIN of extension {ext}")),
    }
    if generate {
        print_generated_pin(ctx, ext, &pin)?;
    }
    Ok(ExitCode::Success)
}

/// An extension as `ext show` and `ext list` present it: no PIN.
#[derive(Serialize)]
struct ExtRow<'a> {
    extension: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    email: Option<&'a str>,
    #[serde(flatten)]
    protection: ProtectionView,
}

impl<'a> ExtRow<'a> {
    fn headers() -> Vec<&'static str> {
        let mut h = vec!["extension", "first_name", "last_name", "email"];
        h.extend(ProtectionView::HEADERS);
        h
    }

    fn new(r: &'a ExtensionRecord, now: Timestamp) -> Self {
        ExtRow {
            extension: r.number.as_str(),
            first_name: r.first_name.as_ref().map(Name::as_str),
            last_name: r.last_name.as_ref().map(Name::as_str),
            email: r.email.as_ref().map(Email::as_str),
            protection: ProtectionView::new(r, now),
        }
    }

    fn person_fields(&self) -> [Cow<'_, str>; 4] {
        [
            self.extension.into(),
            opt_field(self.first_name.as_ref()),
            opt_field(self.last_name.as_ref()),
            opt_field(self.email.as_ref()),
        ]
    }
}

impl Record for ExtRow<'_> {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        let mut v = self.person_fields().to_vec();
        v.extend(self.protection.csv_fields());
        v
    }

    fn table_cells(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .person_fields()
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        v.extend(self.protection.table_cells());
        v
    }
}

fn show(ctx: &mut Ctx<'_>, ext: &Extension, format: Format) -> Result<ExitCode> {
    let store = ctx.open()?;
    let rec = store.read().require(ext)?;
    let tty = ctx.console.stdout_is_terminal();
    let row = ExtRow::new(&rec, ctx.now);
    write_one(format, &ExtRow::headers(), &row, ctx.console.out(), tty)?;
    Ok(ExitCode::Success)
}

fn list(ctx: &mut Ctx<'_>, format: Format) -> Result<ExitCode> {
    let store = ctx.open()?;
    list_records(
        ctx,
        &store,
        &Target::All,
        format,
        ExtRow::headers(),
        &ProtectionView::OPTIONAL,
        |w, r, now| w.write(&ExtRow::new(&r, now)),
    )
}

fn remove(ctx: &mut Ctx<'_>, exts: &[Extension], yes: bool) -> Result<ExitCode> {
    let mut store = ctx.open_for_change()?;
    // Unknown extensions fail before any question is asked.
    let records = store.read().extensions(exts)?;
    let numbers: Vec<Extension> = records.into_iter().map(|r| r.number).collect();
    let what = format!(
        "extension{} {}",
        crate::text::s(numbers.len()),
        ExtList(&numbers)
    );
    if !ctx.go_ahead(
        yes,
        &format!("removing {what}"),
        "pass --yes to remove without asking",
        &format!(
            "Remove {what} with {} PIN{} and settings?",
            if numbers.len() == 1 { "its" } else { "their" },
            crate::text::s(numbers.len())
        ),
        "nothing removed",
    )? {
        return Ok(ExitCode::Denied);
    }
    store.write(|w| {
        w.remove_extensions(&numbers)?;
        for n in &numbers {
            ctx.log(w, EventKind::ExtensionRemoved, Some(n), "")?;
        }
        Ok(())
    })?;
    ctx.console.info(format_args!("removed {what}"));
    Ok(ExitCode::Success)
}
