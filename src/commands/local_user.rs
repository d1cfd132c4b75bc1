//! Who runs the command, for the audit log.

/// The name of the user running this process: its effective user id (not
/// an environment variable, which anyone can set) looked up in /etc/passwd,
/// else `uid N` (a user from LDAP or SSSD: the binary may be static, with
/// no NSS to ask), with the sudo caller when there is one.
pub fn local_user() -> String {
    let uid = crate::sys::effective_uid();
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let mut f = line.split(':');
                let name = f.next()?;
                let id = f.nth(1)?;
                (id.parse() == Ok(uid)).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"));
    match std::env::var("SUDO_USER") {
        Ok(by) if uid == 0 && !by.is_empty() => format!("{name} (sudo by {by})"),
        _ => name,
    }
}
