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

/// Whether the terminal echoes typed characters (its settings, read from
/// the controlling side).
fn echoes(pty: &crate::common::Pty) -> bool {
    pty.termios().c_lflag & libc::ECHO != 0
}

#[test]
fn set_pin_checks_each_entry_before_asking_again_and_gives_up_after_three_tries() {
    let env = two_extensions();
    let mut pty = env.pty(&["ext", "set-pin", "300"], 80);
    // Not a PIN: said at once, asked again (no "Repeat" in between).
    pty.expect("New voicemail PIN for extension 300: ");
    assert!(!echoes(&pty), "the entry is hidden");
    pty.send("12\n");
    pty.expect("a PIN must have 4 to 10 digits");
    pty.expect_count("New voicemail PIN for extension 300: ", 2);
    // Weak: refused before the second entry.
    pty.send("1234\n");
    pty.expect("is weak");
    pty.expect_count("New voicemail PIN for extension 300: ", 3);
    // Good, then a different repeat: the third try is used up.
    pty.send("4826\n");
    pty.expect("Repeat the PIN: ");
    pty.send("4827\n");
    let (code, out) = pty.finish();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the two PINs differ"), "{out}");
    assert!(out.contains("after 3 tries; nothing changed"), "{out}");
    assert!(
        !out.contains("4826") && !out.contains("1234"),
        "echoed: {out}"
    );
    assert_eq!(out.matches("Repeat the PIN").count(), 1, "{out}");
    // The PIN is still the old one.
    env.dial_pin("300", "4826", crate::common::NOW).code(0);

    // Entered twice the same: set.
    let mut pty = env.pty(&["ext", "set-pin", "300"], 80);
    pty.expect("New voicemail PIN for extension 300: ");
    pty.send("5937\n");
    pty.expect("Repeat the PIN: ");
    pty.send("5937\n");
    let (code, out) = pty.finish();
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("5937"), "echoed: {out}");
    env.dial_pin("300", "5937", crate::common::NOW).code(0);
}

#[test]
fn ctrl_d_aborts_a_pin_prompt_and_ctrl_c_restores_the_terminal() {
    let env = two_extensions();
    let mut pty = env.pty(&["ext", "set-pin", "300"], 80);
    pty.expect("New voicemail PIN for extension 300: ");
    pty.send("\u{4}");
    let (code, out) = pty.finish();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no PIN entered"), "{out}");

    let mut pty = env.pty(&["ext", "set-pin", "300"], 80);
    pty.expect("New voicemail PIN for extension 300: ");
    assert!(!echoes(&pty));
    pty.send("\u{3}");
    let termios_after = pty.wait_exit();
    assert_eq!(termios_after.0, 130);
    assert!(termios_after.1.c_lflag & libc::ECHO != 0, "echo is back on");

    // dial's prompt: Ctrl-D is exit 2 and counts nothing.
    let mut pty = env.pty(&["dial", "300", "7777"], 80);
    pty.expect("Voicemail PIN for extension 300: ");
    pty.send("\u{4}");
    let (code, out) = pty.finish();
    assert_eq!(code, 2, "{out}");
}

#[test]
fn pin_stdin_on_a_terminal_asks_with_a_hidden_prompt() {
    let env = two_extensions();
    let mut pty = env.pty(&["ext", "set-pin", "300", "--pin-stdin"], 80);
    pty.expect("PIN: ");
    assert!(!echoes(&pty), "the entry is hidden");
    pty.send("6048\n");
    let (code, out) = pty.finish();
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("6048"), "echoed: {out}");
    env.dial_pin("300", "6048", crate::common::NOW).code(0);
}

/// Display width of a line (the tests' names and e-mails are ASCII, `…`
/// is one column).
fn width(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn tables_fit_the_terminal_and_never_break_a_value() {
    let env = crate::common::Env::new();
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(
            "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s\n\
             100,Alexandra-Maria,Vanderbilt-Oppenheimer,alexandra.maria.vanderbilt@example-company.com,4826,true,300\n\
             1000000001,Bo,Li,,5937,false,\n",
        )
        .assert()
        .success();
    env.dial_pin("100", "4826", crate::common::NOW).code(0);
    for cols in [40u16, 60, 80, 200] {
        for args in [
            &["status"][..],
            &["ext", "list"],
            &["ext", "show", "100"],
            &["log"],
        ] {
            let pty = env.pty(args, cols);
            let (code, out) = pty.finish();
            assert_eq!(code, 0, "{args:?} at {cols}: {out}");
            for line in out.lines() {
                assert!(
                    width(line) <= usize::from(cols),
                    "{args:?} at {cols} columns: {line:?} is {} wide",
                    width(line)
                );
            }
            // Headers, states, numbers and times are whole.
            let whole: &[&str] = match args[0] {
                "status" => &[
                    "EXTENSION",
                    "UNLOCKED UNTIL",
                    "unrestricted",
                    "unlocked",
                    "1000000001",
                    "09:05:00 +00:00",
                ],
                "log" => &["2026-11-26 09:00:00 +00:00", "grant"],
                _ => &["EXTENSION", "1000000001", "unrestricted"],
            };
            for w in whole {
                let w = if args[0] == "ext" && args[1] == "show" && *w == "EXTENSION" {
                    "extension"
                } else if args[0] == "ext" && args[1] == "show" && *w == "1000000001" {
                    "100"
                } else {
                    w
                };
                if args[0] == "ext" && args[1] == "show" && w == "unrestricted" {
                    continue;
                }
                assert!(
                    out.contains(w),
                    "{args:?} at {cols}: {w:?} missing in\n{out}"
                );
            }
        }
        // From 80 columns on, status is a table, not records.
        if cols >= 80 {
            let (_, out) = env.pty(&["status"], cols).finish();
            assert!(
                out.starts_with("EXTENSION ") && !out.contains("EXTENSION:"),
                "{out}"
            );
        }
        // Long free text is shortened, not wrapped, on a narrow terminal.
        if cols <= 60 {
            let (_, out) = env.pty(&["ext", "list"], cols).finish();
            assert!(out.contains('…'), "{out}");
        }
    }
    // Piped, every value is whole.
    let piped = env.stdout(&["ext", "list"]);
    assert!(
        piped.contains("alexandra.maria.vanderbilt@example-company.com"),
        "{piped}"
    );
}

#[test]
fn import_from_a_pipe_shows_a_spinner_with_bytes_rows_and_rate() {
    let env = crate::common::Env::new();
    let file = env.path("big.csv");
    let mut csv = String::from("extension,voicemail_pin\n");
    for i in 0..100_000 {
        csv.push_str(&format!(
            "{},{:04}7{:03}\n",
            1_000_000 + i,
            i % 10_000,
            i % 1000
        ));
    }
    std::fs::write(&file, csv).unwrap();
    let run = |redirect: &str| {
        let mut c = std::process::Command::new("sh");
        c.args([
            "-c",
            &format!(
                "{redirect} '{}' --db '{}' --now {} import - --allow-weak",
                crate::common::bin(),
                env.db.display(),
                crate::common::NOW
            ),
        ])
        .env_remove("PINPROTECT_DB")
        .env_remove("PINPROTECT_NOW");
        crate::common::Pty::spawn(c, 120).finish()
    };
    let (code, out) = run(&format!("cat '{}' |", file.display()));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" read, ") && out.contains(" rows, "), "{out}");
    assert!(out.contains("/s"), "a rate: {out}");
    assert!(out.contains("imported 100000"), "{out}");
    // From a file (also redirected), the size is known: a bar with a total.
    let env2 = crate::common::Env::new();
    let (code, out) = {
        let mut c = std::process::Command::new("sh");
        c.args([
            "-c",
            &format!(
                "exec '{}' --db '{}' --now {} import - --allow-weak < '{}'",
                crate::common::bin(),
                env2.db.display(),
                crate::common::NOW,
                file.display()
            ),
        ]);
        crate::common::Pty::spawn(c, 120).finish()
    };
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains(" rows, "), "{out}");
    assert!(out.contains("MiB/"), "a total: {out}");
}
