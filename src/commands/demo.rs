//! `pinprotect demo`: a narrated tour on a throwaway database.

use std::io::Write;

use super::call::{self, PinSource};
use super::{Ctx, export, ext, init, protect};
use crate::cli::{CheckFormat, ExportFormat, PersonArgs};
use crate::error::IoContext;
use crate::error::{Error, ExitCode, Result};
use crate::output::Format;
use crate::policy::{DialedNumber, Extension, PinDuration};
use crate::records::Target;
use crate::settings::Settings;
use crate::store::Store;

fn parse<T: std::str::FromStr<Err = crate::policy::ParseError>>(s: &str) -> Result<T> {
    Ok(s.parse()?)
}

/// Prints a narration line and the command it stands for.
fn say(ctx: &mut Ctx<'_>, text: &str, command: &str) -> Result<()> {
    let out = ctx.console.out();
    if !text.is_empty() {
        writeln!(out).writing_output()?;
        writeln!(out, "# {text}").writing_output()?;
    }
    writeln!(out, "$ {command}").writing_output()?;
    out.flush().writing_output()?;
    Ok(())
}

pub fn run(ctx: &mut Ctx<'_>) -> Result<ExitCode> {
    let dir = tempfile::Builder::new()
        .prefix("pinprotect-demo-")
        .tempdir()
        .map_err(|e| {
            Error::invalid(format!(
                "cannot create a temporary folder for the demo: {e}"
            ))
        })?;
    let start = ctx.now;
    let mut demo = Ctx::new(
        crate::store::Location::File(dir.path().join("demo.sqlite3")),
        Some(start),
        super::system_now(),
        &mut *ctx.console,
    );
    let c = &mut demo;
    let alice: Extension = parse("100")?;
    let bob: Extension = parse("101")?;
    let outside: DialedNumber = parse("+49 30 1234567")?;
    let fc = Settings::default().plan.feature_code.to_string();
    writeln!(
        c.console.out(),
        "pinprotect demo: a tour on a throwaway database in {} (your database is not touched).\n\
         The clock starts at {start}.",
        dir.path().display()
    )
    .writing_output()?;

    say(c, "Create the database.", "pinprotect init")?;
    init::init(c)?;
    // The demo moves its own clock, so its database allows that.
    Store::open(&c.db)?.write(|w| w.set_setting("clock_override", "on"))?;

    say(
        c,
        "Add two extensions; Alice chooses her voicemail PIN, Bob gets a generated one.",
        "printf '4826\\n' | pinprotect ext add 100 --first-name Alice --last-name Martin --pin-stdin",
    )?;
    let person = |first: &str, last: Option<&str>| PersonArgs {
        first_name: Some(first.into()),
        last_name: last.map(Into::into),
        email: None,
    };
    ext::add(
        c,
        &alice,
        &person("Alice", Some("Martin")),
        ext::NewPin::Given(parse("4826")?),
        false,
    )?;
    say(c, "", "pinprotect ext add 101 --first-name Bob")?;
    ext::add(c, &bob, &person("Bob", None), ext::NewPin::Generated, false)?;

    say(
        c,
        "Turn pin protect on for Alice with a 5 minute window. She starts locked.",
        "pinprotect enable 100 --duration 5m",
    )?;
    protect::enable(
        c,
        &Target::These(vec![alice.clone()]),
        Some(parse::<PinDuration>("5m")?),
    )?;

    say(
        c,
        "Alice tries an outside number: blocked (exit status 1).",
        "pinprotect check 100 '+49 30 1234567'",
    )?;
    call::check(c, &alice, &outside, CheckFormat::Text)?;

    say(
        c,
        &format!("She dials {fc} and enters a wrong PIN: nothing is granted."),
        &format!("printf '1111\\n' | pinprotect dial 100 {fc}"),
    )?;
    let code: DialedNumber = parse(&fc)?;
    call::dial(c, &alice, &code, &mut PinSource::Given("1111".into()))?;

    say(
        c,
        "Then the right PIN: outbound calls are allowed for 5 minutes.",
        &format!("printf '4826\\n' | pinprotect dial 100 {fc}"),
    )?;
    call::dial(c, &alice, &code, &mut PinSource::Given("4826".into()))?;

    say(
        c,
        "Now the outside call goes through.",
        "pinprotect check 100 '+49 30 1234567'",
    )?;
    call::check(c, &alice, &outside, CheckFormat::Text)?;

    say(c, "Where everyone stands.", "pinprotect status")?;
    protect::status(c, &[], Format::Table)?;

    c.set_given_now(start.plus_secs(300));
    say(
        c,
        &format!("Five minutes later ({}) the window has closed.", c.now),
        &format!("pinprotect check 100 '+49 30 1234567' --now {}", c.now),
    )?;
    call::check(c, &alice, &outside, CheckFormat::Text)?;

    say(
        c,
        "Emergency numbers are never blocked.",
        "pinprotect check 100 112",
    )?;
    call::check(c, &alice, &parse("112")?, CheckFormat::Text)?;

    say(
        c,
        "Calls to other extensions are internal and always allowed.",
        "pinprotect check 100 101",
    )?;
    call::check(c, &alice, &parse("101")?, CheckFormat::Text)?;

    say(
        c,
        "Export everything for a backup or a spreadsheet (add --output FILE for a 0600 file).",
        "pinprotect export --format csv",
    )?;
    let opts = export::ExportOptions {
        format: ExportFormat::Csv,
        with_pins: true,
        spreadsheet_safe: false,
        context: None,
        delimiter: None,
    };
    export::export(c, &opts, None)?;

    writeln!(
        c.console.out(),
        "\nThat was the tour; the demo database is deleted now. Start for real with `pinprotect init`."
    ).writing_output()?;
    c.console.flush()?;
    drop(dir);
    Ok(ExitCode::Success)
}
