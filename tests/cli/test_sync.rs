//! `import --sync`: the database made to match a file, all or nothing.

use predicates::prelude::*;

use std::time::Duration;

use crate::common::{Env, NOW, json};

fn log(env: &Env) -> Vec<serde_json::Value> {
    json(&env.stdout(&["log", "--format", "json"]))
        .as_array()
        .unwrap()
        .to_vec()
}

/// Everything the database holds: extensions with their PINs, their
/// grants and lockouts, and the audit log (without the exports that
/// reading it logs). Equal before and after means nothing was written.
fn db_state(env: &Env) -> String {
    let log: Vec<serde_json::Value> = log(env)
        .into_iter()
        .filter(|e| e["event"] != "export")
        .collect();
    [
        format!("{log:?}\n"),
        env.stdout(&["export", "--format", "jsonl"]),
        env.stdout(&["status", "--format", "json"]),
    ]
    .concat()
}

fn numbers(env: &Env) -> Vec<String> {
    json(&env.stdout(&["ext", "list", "--format", "json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extension"].as_str().unwrap().to_owned())
        .collect()
}

/// Four protected extensions: 101 unlocked, 102 locked out.
fn four(env: &Env) {
    for (ext, pin) in [
        ("100", "4826"),
        ("101", "5937"),
        ("102", "6048"),
        ("103", "7159"),
    ] {
        env.add_protected(ext, pin, "10m");
    }
    env.dial_pin("101", "5937", NOW).success();
    for _ in 0..5 {
        env.dial_pin("102", "0000", NOW).code(1);
    }
    let status = env.stdout(&["status", "102", "--format", "json"]);
    assert!(json(&status)[0]["locked_out_until"].is_string(), "{status}");
}

const FILE: &str = "extension,voicemail_pin\n100,4826\n103,7159\n104,8260\n";

#[test]
fn dry_run_lists_the_removals_and_writes_nothing() {
    let env = Env::new();
    four(&env);
    let before = db_state(&env);
    env.cmd()
        .args(["import", "-", "--sync", "--dry-run"])
        .write_stdin(FILE)
        .assert()
        .success()
        .stdout("would remove extension 101\nwould remove extension 102\n")
        .stderr(
            "dry run: would sync 3: 1 added, 0 updated, 2 unchanged, 2 removed (2 of them pin protected, 1 unlocked); nothing was written\n",
        );
    assert_eq!(db_state(&env), before, "--dry-run wrote");
    assert_eq!(numbers(&env), ["100", "101", "102", "103"]);
}

#[test]
fn sync_removes_what_the_file_lacks_with_grants_and_lockouts() {
    let env = Env::new();
    four(&env);
    let logged = log(&env).len();
    env.cmd()
        .args(["import", "-", "--sync"])
        .write_stdin(FILE)
        .assert()
        .success()
        .stdout("removed extension 101\nremoved extension 102\n")
        .stderr(
            "synced 3: 1 added, 0 updated, 2 unchanged, 2 removed (2 of them pin protected, 1 unlocked)\n",
        );
    assert_eq!(numbers(&env), ["100", "103", "104"]);
    // One audit event, naming what was removed.
    let after = log(&env);
    assert_eq!(after.len(), logged + 1, "{after:?}");
    let event = &after[logged];
    assert_eq!(event["event"], "import");
    assert_eq!(
        event["detail"],
        "standard input (csv): 1 added, 0 updated, 2 unchanged, 2 removed (101 and 102) (2 of them pin protected, 1 unlocked), --sync"
    );
    // Back again, 101 has no grant and 102 no lockout: they start over.
    env.cmd()
        .args(["import", "-"])
        .write_stdin(
            "extension,voicemail_pin,pin_protect,pin_protect_duration_s\n\
             101,5937,true,600\n102,6048,true,600\n",
        )
        .assert()
        .success();
    let v = json(&env.stdout(&["status", "101", "102", "--format", "json"]));
    assert_eq!(v[0]["state"], "locked");
    assert_eq!(v[0]["unlocked_until"], serde_json::Value::Null);
    assert_eq!(v[1]["locked_out_until"], serde_json::Value::Null);
    env.dial_pin("102", "6048", NOW).success();
    // Nothing to remove: the same counts, no removal lines.
    env.cmd()
        .args(["import", "-", "--sync"])
        .write_stdin("extension,voicemail_pin\n100,4826\n101,5937\n102,6048\n103,7159\n104,8260\n")
        .assert()
        .success()
        .stdout("")
        .stderr("synced 5: 0 added, 0 updated, 5 unchanged, 0 removed\n");
}

#[test]
fn a_changed_pin_ends_the_grant_and_an_unchanged_one_keeps_it() {
    let env = Env::new();
    four(&env);
    env.dial_pin("100", "4826", NOW).success();
    env.cmd()
        .args(["import", "-", "--sync"])
        .write_stdin("extension,voicemail_pin\n100,4826\n101,1357\n102,6048\n103,7159\n")
        .assert()
        .success()
        .stderr("synced 4: 0 added, 1 updated, 3 unchanged, 0 removed\n");
    let v = json(&env.stdout(&["status", "100", "101", "--format", "json"]));
    assert_eq!(v[0]["state"], "unlocked");
    assert_eq!(v[1]["state"], "locked");
}

#[test]
fn any_error_changes_nothing() {
    let env = Env::new();
    four(&env);
    let before = db_state(&env);
    for (input, message) in [
        (
            "extension,voicemail_pin\n100,4826\n10x,1234\n",
            "line 3: extension number '10x' must contain only digits",
        ),
        (
            "extension,voicemail_pin\n100,4826\n100,4826\n",
            "line 3: extension 100 appears more than once in the file",
        ),
        (
            "extension,voicemail_pin\n100,1111\n",
            "line 2: the PIN for extension 100 is weak",
        ),
    ] {
        env.cmd()
            .args(["import", "-", "--sync"])
            .write_stdin(input)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("nothing was imported"));
        assert_eq!(db_state(&env), before, "{input}");
    }
    // A file without any extension (a cut file, the wrong --context)
    // would remove everything: refused. (An empty one has no header.)
    for (input, message) in [
        ("", "error: line 1: the column 'extension' is missing"),
        (
            "extension,voicemail_pin\n",
            "error: standard input has no extensions: --sync would remove all 4; nothing was changed",
        ),
    ] {
        env.cmd()
            .args(["import", "-", "--format", "csv", "--sync"])
            .write_stdin(input)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
        assert_eq!(db_state(&env), before);
    }
    assert_eq!(numbers(&env), ["100", "101", "102", "103"]);
}

#[test]
fn sync_from_one_voicemail_conf_context() {
    let env = Env::new();
    four(&env);
    let conf = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/voicemail/voicemail.conf");
    import_file(&env, &conf, &["--context", "default", "--sync", "--allow-weak"])
        .success()
        .stdout(
            "removed extension 100\nremoved extension 101\nremoved extension 102\nremoved extension 103\n",
        )
        .stderr(
            "synced 5: 5 added, 0 updated, 0 unchanged, 4 removed (4 of them pin protected, 1 unlocked)\n",
        );
    assert_eq!(numbers(&env), ["1234", "4069", "4110", "4200", "4310"]);
    // The same again changes nothing; a mistyped context is refused.
    import_file(
        &env,
        &conf,
        &["--context", "default", "--sync", "--allow-weak"],
    )
    .success()
    .stdout("")
    .stderr("synced 5: 0 added, 0 updated, 5 unchanged, 0 removed\n");
    import_file(&env, &conf, &["--context", "defualt", "--sync"])
        .code(2)
        .stderr(predicate::str::contains(
            "voicemail.conf has no context [defualt]; nothing was imported",
        ))
        .stderr(predicate::str::contains(
            "hint: its contexts: default, other",
        ));
}

/// `pinprotect import FILE ARGS...`.
fn import_file(env: &Env, file: &std::path::Path, args: &[&str]) -> assert_cmd::assert::Assert {
    env.cmd().arg("import").arg(file).args(args).assert()
}

/// A CSV of the extensions in `range`, each with a PIN of its own,
/// protected for 10 minutes or not.
fn numbered_csv(range: std::ops::Range<u32>, protected: bool) -> String {
    let mut text = String::from("extension,voicemail_pin,pin_protect,pin_protect_duration_s\n");
    for n in range {
        let protect = if protected { "true,600" } else { "false," };
        text.push_str(&format!("{n},{},{protect}\n", 481_700 + n));
    }
    text
}

/// Syncs from two files in turn, while other processes ask about calls:
/// every answer is the right one, no process fails, and the database
/// ends as the last file says.
#[test]
fn syncs_under_load_never_disturb_calls() {
    use std::process::Stdio;
    let env = Env::new();
    let file = |range| numbered_csv(range, true);
    let a = env.path("a.csv");
    let b = env.path("b.csv");
    std::fs::write(&a, file(200..260)).unwrap();
    std::fs::write(&b, file(200..230)).unwrap();
    env.cmd().arg("import").arg(&a).assert().success();
    let run = |args: &[&str]| {
        env.std_cmd()
            .arg("-q")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    std::thread::scope(|s| {
        for t in 0..2 {
            let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
            let run = &run;
            s.spawn(move || {
                for i in 0..40 {
                    let f = if (i + t) % 2 == 0 { b } else { a };
                    let out = run(&["import", f, "--sync", "--max-removals", "30"]);
                    assert!(
                        out.status.success(),
                        "sync {t}/{i}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
        for t in 0..4 {
            let run = &run;
            s.spawn(move || {
                for i in 0..250 {
                    // 220 is in both files and locked; 112 is an emergency.
                    let (number, code) = if (i + t) % 2 == 0 {
                        ("0049301234567", 1)
                    } else {
                        ("112", 0)
                    };
                    let out = run(&["check", "220", number]);
                    assert_eq!(
                        out.status.code(),
                        Some(code),
                        "check {t}/{i} {number}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    import_file(&env, &a, &["--sync"]).success();
    assert_eq!(numbers(&env).len(), 60);
}

/// Extensions 101 to 103, and a voicemail.conf at `name` with `text`.
fn three_and_a_conf(text: &str) -> (Env, std::path::PathBuf) {
    let env = Env::new();
    for (ext, pin) in [("101", "5937"), ("102", "4826"), ("103", "6173")] {
        env.add(ext, pin);
    }
    let conf = env.path("voicemail.conf");
    std::fs::write(&conf, text).unwrap();
    (env, conf)
}

/// A voicemail.conf cut in the middle of its last line (as a writer
/// leaves it halfway) would remove 102 and 103 and bring them back later
/// without their pin protect: `--sync` refuses it, and a cut included
/// file too.
#[test]
fn a_file_cut_mid_line_is_refused_by_sync() {
    let (env, conf) = three_and_a_conf("[default]\n101 => 5937,Bob Jo");
    let before = db_state(&env);
    import_file(&env, &conf, &["--sync"])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "voicemail.conf ends in the middle of a line (no newline at its end): it may still be being written or have been cut; --sync changed nothing",
        ))
        .stderr(predicate::str::contains("hint: sync again once the file is whole"));
    assert_eq!(db_state(&env), before);
    // Without --sync nothing is removed, so a cut last line is imported
    // as it reads (and --dry-run shows it).
    import_file(&env, &conf, &["--update", "--dry-run"]).success();

    // An included file cut short is refused the same way.
    std::fs::write(
        &conf,
        "[default]\n101 => 5937,Bob Jones\n#include more.conf\n",
    )
    .unwrap();
    std::fs::write(env.path("more.conf"), "102 => 4826,Ann Lee\n103 => 61").unwrap();
    import_file(&env, &conf, &["--sync", "--allow-weak"])
        .code(2)
        .stderr(predicate::str::contains(
            "more.conf line 2: the file ends in the middle of a line: it may still be being written",
        ));
    assert_eq!(db_state(&env), before);
    std::fs::write(
        env.path("more.conf"),
        "102 => 4826,Ann Lee\n103 => 6173,Cy Wu\n",
    )
    .unwrap();
    import_file(&env, &conf, &["--sync", "--allow-weak"]).success();
}

/// `--sync` removes at most 5 extensions, or a tenth of them when that is
/// more, unless `--max-removals` allows more, as `rsync --max-delete`.
#[test]
fn sync_refuses_to_remove_more_than_allowed() {
    let env = Env::new();
    let csv = |range| numbered_csv(range, false);
    let all = env.path("all.csv");
    std::fs::write(&all, csv(200..280)).unwrap();
    env.ok(["import", all.to_str().unwrap()]);
    let before = db_state(&env);
    // 80 extensions: at most 8 go without --max-removals.
    let fewer = env.path("fewer.csv");
    std::fs::write(&fewer, csv(200..271)).unwrap();
    import_file(&env, &fewer, &["--sync"])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: --sync would remove 9 of the 80 extensions (271, 272, 273, 274, 275, 276, 277, 278 and 279), more than the 8 it removes without --max-removals; nothing was changed",
        ))
        .stderr(predicate::str::contains(
            "if the removals are meant, sync again with --max-removals 9",
        ));
    assert_eq!(db_state(&env), before);
    // The dry run lists them and says the same.
    import_file(&env, &fewer, &["--sync", "--dry-run"])
        .code(2)
        .stdout(predicate::str::starts_with("would remove extension 271\n"));
    import_file(&env, &fewer, &["--sync", "--max-removals", "8"])
        .code(2)
        .stderr(predicate::str::contains("more than --max-removals 8;"));
    import_file(&env, &fewer, &["--sync", "--max-removals", "9"])
        .success()
        .stderr("synced 71: 0 added, 0 updated, 71 unchanged, 9 removed\n");
    // Seven of the 71 left (a tenth) go without asking.
    std::fs::write(&fewer, csv(200..264)).unwrap();
    import_file(&env, &fewer, &["--sync"]).success();
    // A small database: 5 go, 6 do not.
    let small = Env::new();
    let ten = small.path("ten.csv");
    std::fs::write(&ten, csv(300..310)).unwrap();
    small.ok(["import", ten.to_str().unwrap()]);
    std::fs::write(&ten, csv(300..305)).unwrap();
    small.ok(["import", ten.to_str().unwrap(), "--sync"]);
    small.ok(["import", all.to_str().unwrap()]);
    std::fs::write(&ten, csv(200..279)).unwrap();
    small.ok(["import", ten.to_str().unwrap(), "--sync"]);
    // --max-removals means nothing without --sync.
    small
        .cmd()
        .arg("import")
        .arg(&ten)
        .args(["--max-removals", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--sync"));
}

/// A file that keeps changing while it is read is read again, and then
/// refused: what was read may be half old and half new.
#[test]
fn a_file_that_changes_while_it_is_read_is_refused() {
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    let env = Env::new();
    let conf = env.path("voicemail.conf");
    let mut text = String::from("[default]\n");
    for n in 0..30_000 {
        text.push_str(&format!("{} => {},Name {n},\n", 100_000 + n, 700_000 + n));
    }
    std::fs::write(&conf, &text).unwrap();
    let before = db_state(&env);
    let writing = AtomicBool::new(true);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&conf)
                .unwrap();
            while writing.load(Ordering::SeqCst) {
                f.write_all(b"; still being written\n").unwrap();
                std::thread::sleep(Duration::from_micros(200));
            }
        });
        import_file(&env, &conf, &["--sync", "--allow-weak"])
            .code(2)
            .stderr(predicate::str::contains(
                "voicemail.conf changed while it was read, 3 times; nothing was imported",
            ));
        writing.store(false, Ordering::SeqCst);
    });
    assert_eq!(db_state(&env), before);
    // Once the writer is done it imports.
    import_file(&env, &conf, &["--sync", "--allow-weak"]).success();
}
