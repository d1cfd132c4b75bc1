use predicates::prelude::*;

use crate::common::Env;

#[test]
fn demo_tours_the_workflow_on_a_throwaway_database() {
    let env = Env::empty();
    let out = env.cmd().arg("demo").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "The clock starts at 2026-11-26T09:00:00Z.",
        "$ pinprotect enable 100 --duration 5m",
        "denied: extension 100 is pin protected and locked",
        "wrong PIN: nothing granted",
        "PIN accepted: extension 100 may place outbound calls until 2026-11-26 09:05:00 +00:00 (5m)",
        "permitted: extension 100 is unlocked until 2026-11-26 09:05:00 +00:00",
        "Five minutes later (2026-11-26T09:05:00Z) the window has closed.\n\
         $ pinprotect check 100 '+49 30 1234567' --now 2026-11-26T09:05:00Z\n",
        "permitted: 112 is an emergency number",
        "permitted: 101 is an internal extension",
        "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n100,Alice,Martin,,4826,true,300,,\n101,Bob,,,",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // Every narration line says something.
    assert!(!stdout.lines().any(|l| l.trim() == "#"), "{stdout}");
    // The order of the story: denied, then accepted, then permitted, then denied again.
    let pos = |s: &str| stdout.find(s).unwrap();
    assert!(pos("wrong PIN") < pos("PIN accepted"));
    assert!(pos("PIN accepted") < pos("Five minutes later"));
    let after = &stdout[pos("Five minutes later")..];
    assert!(after.contains("denied: extension 100 is pin protected and locked"));
    // The user's database was never created, and the demo cleaned up.
    assert!(!env.db.exists());
    let folder = stdout
        .lines()
        .next()
        .unwrap()
        .split(" in ")
        .nth(1)
        .unwrap()
        .split(" (")
        .next()
        .unwrap()
        .to_owned();
    assert!(
        !std::path::Path::new(&folder).exists(),
        "{folder} left behind"
    );
    env.cmd()
        .arg("status")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no database"));
}
