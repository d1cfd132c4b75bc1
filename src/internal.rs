//! Bugs: a panic anywhere is one line on standard error and exit 70
//! ([`ExitCode::Internal`](crate::error::ExitCode::Internal)), never an
//! abort or a core file; `serve` ends only the call it happened in.

use std::sync::Once;

/// What every internal error says, after its own words.
pub const PLEASE_REPORT: &str = "please report it";

/// Makes a panic print one line, `pinprotect: internal error: MESSAGE
/// (at FILE:LINE); please report it`, and turns core dumps off before
/// anything else can go wrong. The caller catches the unwind.
pub fn report_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            // A second panic while this one unwinds would abort: no core.
            crate::sys::protect_memory();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            let at = info
                .location()
                .map(|l| format!(" (at {}:{})", l.file(), l.line()))
                .unwrap_or_default();
            let line = format!(
                "pinprotect: internal error: {}{at}; {PLEASE_REPORT}\n",
                crate::text::escaped(&message)
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
        }));
    });
}

/// Panics at `place` when a debug build runs with
/// `PINPROTECT_TEST_PANIC=place`: how the tests reach the panic paths.
/// Release builds never panic here.
pub fn test_panic(place: &str) {
    if cfg!(debug_assertions)
        && std::env::var_os("PINPROTECT_TEST_PANIC").is_some_and(|v| v == place)
    {
        panic!("PINPROTECT_TEST_PANIC at {place}");
    }
}
