//! Who runs the command, for the audit log.

/// The name of the user running this process ([`crate::sys::user_name`]),
/// with the sudo caller when there is one.
pub fn local_user() -> String {
    let uid = crate::sys::effective_uid();
    let name = crate::sys::user_name();
    match std::env::var("SUDO_USER") {
        Ok(by) if uid == 0 && !by.is_empty() => format!("{name} (sudo by {by})"),
        _ => name,
    }
}
