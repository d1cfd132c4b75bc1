//! New PINs from the generator, and the one time each is shown.

use super::Ctx;
use crate::error::{Error, IoContext, Result};
use crate::policy::{Extension, Pin};
use crate::settings::Settings;

/// Prints a generated PIN: the only time it is shown unasked.
pub fn print_generated_pin(ctx: &mut Ctx<'_>, ext: &Extension, pin: &Pin) -> Result<()> {
    use std::io::Write;
    writeln!(
        ctx.console.out(),
        "voicemail PIN for extension {ext}: {}",
        pin.expose()
    )
    .writing_output()?;
    Ok(())
}

/// A random PIN from the operating system's generator, as long as the
/// PIN policy asks (at least 6 digits).
pub fn generate_pin(settings: &Settings, ext: &Extension) -> Result<Pin> {
    crate::weakpin::generate(ext, settings.pin_min_length, getrandom::u32)
        .map_err(|e| Error::system("get random numbers for a PIN", std::io::Error::other(e)))
}
