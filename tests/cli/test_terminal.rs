//! What a person at a terminal sees and types: prompts read whole lines.

use crate::common::Env;

fn two_extensions() -> Env {
    let env = Env::new();
    env.add("300", "4826");
    env.add("301", "5937");
    env
}

fn exists(env: &Env, ext: &str) -> bool {
    env.cmd()
        .args(["ext", "show", ext])
        .assert()
        .get_output()
        .status
        .success()
}

#[test]
fn remove_asks_for_a_whole_line() {
    // `yes`, `Y` and ` YES ` confirm; the rest of the line is read too.
    for answer in ["yes", "Y", " YES "] {
        let env = two_extensions();
        let mut pty = env.pty(&["ext", "remove", "300", "301"], 80);
        pty.expect("[y/N] ");
        pty.send(&format!("{answer}\n"));
        let (code, out) = pty.finish();
        assert_eq!(code, 0, "{answer:?}: {out}");
        assert!(out.contains("removed extensions 300 and 301"), "{out}");
        assert!(!exists(&env, "300") && !exists(&env, "301"));
    }
    // Anything else declines, whatever its first letter: nothing removed.
    for answer in ["no", "yellow", "n", ""] {
        let env = two_extensions();
        let mut pty = env.pty(&["ext", "remove", "300", "301"], 80);
        pty.expect("[y/N] ");
        pty.send(&format!("{answer}\n"));
        let (code, out) = pty.finish();
        assert_eq!(code, 1, "{answer:?}: {out}");
        assert!(out.contains("nothing removed"), "{out}");
        assert!(exists(&env, "300") && exists(&env, "301"));
    }
    // Ctrl-D declines too.
    let env = two_extensions();
    let mut pty = env.pty(&["ext", "remove", "300"], 80);
    pty.expect("[y/N] ");
    pty.send("\u{4}");
    let (code, out) = pty.finish();
    assert_eq!(code, 1, "{out}");
    assert!(exists(&env, "300"));
}
