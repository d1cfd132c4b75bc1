use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{Env, NOW, bin, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn import(env: &Env, args: &[&str]) -> assert_cmd::assert::Assert {
    env.cmd().arg("import").args(args).assert()
}

#[test]
fn exports_import_back_byte_identical() {
    let source = Env::varied();
    for format in ["csv", "json", "jsonl", "3cx"] {
        let first = source.stdout(&["export", "--format", format]);
        let file = source.path(&format!("export.{format}"));
        std::fs::write(&file, &first).unwrap();
        let target = Env::new();
        target
            .cmd()
            .args(["import", "--format", format])
            .arg(&file)
            .assert()
            .success()
            .stdout("")
            .stderr("imported 5: 5 added, 0 updated, 0 unchanged\n");
        assert_eq!(
            target.stdout(&["export", "--format", format]),
            first,
            "{format}"
        );
    }
    // Auto-detection by file name and content gives the same result.
    for (name, format) in [
        ("x.csv", "csv"),
        ("x.json", "json"),
        ("x.jsonl", "jsonl"),
        ("3cx.csv", "3cx"),
        ("data", "json"),
    ] {
        let first = source.stdout(&["export", "--format", format]);
        let file = source.path(name);
        std::fs::write(&file, &first).unwrap();
        let target = Env::new();
        target.cmd().arg("import").arg(&file).assert().success();
        assert_eq!(
            target.stdout(&["export", "--format", format]),
            first,
            "{name}"
        );
    }
}

#[test]
fn standard_input_and_a_byte_order_mark() {
    let env = Env::new();
    env.cmd()
        .args(["import", "-"])
        .write_stdin("{\"extension\":\"0100\",\"voicemail_pin\":\"0042\"}\n{\"extension\":\"101\",\"voicemail_pin\":\"4826\",\"pin_protect\":true,\"pin_protect_duration_s\":60}\n")
        .assert()
        .success()
        .stderr("imported 2: 2 added, 0 updated, 0 unchanged\n");
    assert_eq!(
        env.stdout(&["export"]),
        "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n0100,,,,0042,false,,,\n101,,,,4826,true,60,,\n"
    );
    let env = Env::new();
    env.cmd()
        .args(["import", "-"])
        .write_stdin("\u{feff}extension,voicemail_pin\r\n0100,0042\r\n")
        .assert()
        .success();
    assert_eq!(
        json(&env.stdout(&["pins", "--format", "json"]))[0]["voicemail_pin"],
        "0042"
    );
}

#[test]
fn missing_pins_are_generated_and_printed_once() {
    let env = Env::new();
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin("extension,first_name\n100,Alice\n101,Bob\n")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^voicemail PIN for extension 100: \d{6}\nvoicemail PIN for extension 101: \d{6}\n$").unwrap());
    let v = json(&env.stdout(&["pins", "--format", "json"]));
    assert_eq!(v[0]["voicemail_pin"].as_str().unwrap().len(), 6);
}

#[test]
fn three_cx_v20_file() {
    let env = Env::new();
    let out = env
        .cmd()
        .arg("import")
        .arg(fixture("3cx-v20.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported 4: 4 added, 0 updated, 0 unchanged (1 extension got a generated PIN)\n"
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    assert!(
        generated.starts_with("voicemail PIN for extension 102: "),
        "{generated}"
    );
    let v = json(&env.stdout(&["export", "--format", "json"]));
    assert_eq!(
        v[0],
        serde_json::json!({"extension": "100", "first_name": "Alice", "last_name": "Martin", "email": "alice@example.com",
            "voicemail_pin": "0042", "pin_protect": true, "pin_protect_duration_s": 300, "unlocked_until": null, "voicemail_options": null})
    );
    assert_eq!(
        v[1],
        serde_json::json!({"extension": "0101", "first_name": "Zoë", "last_name": "O'Brien, Jr", "email": null,
            "voicemail_pin": "481516", "pin_protect": false, "pin_protect_duration_s": null, "unlocked_until": null, "voicemail_options": null})
    );
    assert_eq!(v[2]["first_name"], "Bob \"The Builder\"");
    assert_eq!(v[2]["pin_protect_duration_s"], 900);
    assert_eq!(
        (&v[3]["first_name"], &v[3]["voicemail_pin"]),
        (&serde_json::Value::Null, &"9753".into())
    );
    // The right PIN unlocks the imported extension.
    env.dial_pin("100", "0042", NOW).success();
}

#[test]
fn three_cx_v15_and_v16_files_import_as_they_are() {
    let env = Env::new();
    // No timeout column: the protected row gets default_duration.
    import(&env, &[fixture("3cx-v15.csv").to_str().unwrap()])
        .success()
        .stderr(predicate::str::contains(
            "1 protected extension without a duration got default_duration 5m",
        ));
    assert_eq!(
        env.stdout(&["export"]),
        "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n\
         200,Carol,Smith,carol@example.com,0042,true,300,,\n\
         0201,Dan,\"Lee, Sr\",,135799,false,,,\n"
    );
    let env = Env::new();
    env.ok(["settings", "set", "default_duration", "20m"]);
    import(
        &env,
        &[fixture("3cx-v15.csv").to_str().unwrap(), "--dry-run"],
    )
    .success()
    .stderr(predicate::str::contains(
        "1 protected extension without a duration would get default_duration 20m",
    ));
    // --duration wins over the setting.
    import(
        &env,
        &[
            fixture("3cx-v15.csv").to_str().unwrap(),
            "--duration",
            "10m",
        ],
    )
    .success();
    assert_eq!(
        env.stdout(&["export"]),
        "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n\
         200,Carol,Smith,carol@example.com,0042,true,600,,\n\
         0201,Dan,\"Lee, Sr\",,135799,false,,,\n"
    );
    import(
        &env,
        &[
            fixture("3cx-v16-variant.csv").to_str().unwrap(),
            "--duration",
            "5m",
            "--format",
            "3cx",
        ],
    )
    .success();
    let v = json(&env.stdout(&["status", "300", "--format", "json"]));
    assert_eq!(
        (&v[0]["pin_protect"], &v[0]["pin_protect_duration_s"]),
        (&true.into(), &300.into())
    );
}

#[test]
fn voicemail_conf_file() {
    let env = Env::new();
    import(&env, &[fixture("voicemail.conf").to_str().unwrap()])
        .success()
        .stdout("")
        .stderr("imported 4: 4 added, 0 updated, 0 unchanged\n");
    assert_eq!(
        env.stdout(&["export"]),
        "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n\
         0100,Mary Ann,Smith,mary@example.com,0042,false,,,attach=no|tz=central\n\
         1234,Example,Mailbox,root@localhost,4242,false,,,\n\
         4000,Solo,,,8080,false,,,\n\
         4100,Jean-Luc,Picard,jl@example.com,1357,false,,,\n"
    );
}

/// A mailbox's options (`attach=no|tz=central`) go through the database
/// and back into voicemail.conf as they were, through every export format
/// that re-imports; a change of options alone is an update.
#[test]
fn voicemail_options_round_trip() {
    let env = Env::new();
    import(
        &env,
        &[
            fixture("voicemail/voicemail.conf").to_str().unwrap(),
            "--context",
            "default",
            "--allow-weak",
        ],
    )
    .success();
    let conf = env.stdout(&["export", "--format", "voicemail-conf"]);
    for line in [
        "4200 => 9855,Mark Spencer,markster@example.com,,attach=no|serveremail=myaddy@example.com|tz=central|maxmsg=10\n",
        "4069 => 6522,Matt Brooks,matt@example.net,,|tz=central|attach=yes|saycid=yes\n",
        "1234 => 4242,Example Mailbox,root@localhost\n",
        "4110 => 3443,Rob Flynn,rflynn@example.net\n",
    ] {
        assert!(conf.contains(line), "{line} missing in\n{conf}");
    }
    // Into a fresh database from that export, and from CSV and JSON: the
    // same export comes out.
    for (name, format) in [
        ("vm.conf", "voicemail-conf"),
        ("x.csv", "csv"),
        ("x.json", "json"),
    ] {
        let text = env.stdout(&["export", "--format", format]);
        let fresh = Env::new();
        std::fs::write(fresh.path(name), text).unwrap();
        fresh
            .cmd()
            .args(["import", name, "--allow-weak"])
            .assert()
            .success();
        assert_eq!(
            fresh.stdout(&["export", "--format", "voicemail-conf"]),
            conf,
            "{format}"
        );
    }
    // Only the options changed: an update; gone from the line: cleared.
    let changed = env.path("changed.conf");
    std::fs::write(
        &changed,
        conf.replace("|maxmsg=10", "|maxmsg=20")
            .replace(",,|tz=central|attach=yes|saycid=yes", ""),
    )
    .unwrap();
    env.cmd()
        .args(["import"])
        .arg(&changed)
        .args(["--update", "--allow-weak"])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 updated"));
    let after = env.stdout(&["export", "--format", "voicemail-conf"]);
    assert!(after.contains("|tz=central|maxmsg=20\n"), "{after}");
    assert!(
        after.contains("4069 => 6522,Matt Brooks,matt@example.net\n"),
        "{after}"
    );
    // Options that would end the line, or start a comment, are refused.
    let bad = env.path("bad.csv");
    std::fs::write(
        &bad,
        "extension,voicemail_pin,voicemail_options\n4300,3456,attach=yes;saycid=no\n",
    )
    .unwrap();
    env.cmd()
        .arg("import")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("voicemail options"));
}

fn big_csv(rows: usize, bad_at: Option<usize>) -> String {
    let mut s = String::from(
        "extension,first_name,last_name,voicemail_pin,pin_protect,pin_protect_duration_s\n",
    );
    for i in 0..rows {
        if Some(i) == bad_at {
            s.push_str("20x5,Bad,Row,1234,false,\n");
        } else {
            let protected = i % 3 == 0;
            s.push_str(&format!(
                "{},First{i},\"Last, {i}\",9{:03}1{:03},{},{}\n",
                100_000 + i,
                i % 1000,
                (i / 1000) % 1000,
                protected,
                if protected { "300" } else { "" }
            ));
        }
    }
    s
}

fn db_files(env: &Env) -> (Vec<u8>, bool) {
    if env.pg.is_some() {
        return (env.snapshot().join("\n").into_bytes(), false);
    }
    let wal = PathBuf::from(format!("{}-wal", env.db.display()));
    (std::fs::read(&env.db).unwrap(), wal.exists())
}

#[test]
fn one_bad_row_among_ten_thousand_changes_nothing() {
    let env = Env::new();
    env.add("100", "4826");
    let before = db_files(&env);
    let file = env.path("big.csv");
    std::fs::write(&file, big_csv(10_001, Some(6_000))).unwrap();
    import(&env, &[file.to_str().unwrap()])
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: line 6002: extension number '20x5' must contain only digits",
        ))
        .stderr(predicate::str::contains("error: 1 invalid record in "));
    assert_eq!(db_files(&env), before);
    // The same file without the bad row imports whole.
    std::fs::write(&file, big_csv(10_000, None)).unwrap();
    import(&env, &[file.to_str().unwrap(), "--dry-run"])
        .success()
        .stderr("dry run: would import 10000: 10000 added, 0 updated, 0 unchanged; nothing was written\n");
    assert_eq!(db_files(&env), before, "--dry-run wrote");
    import(&env, &[file.to_str().unwrap()])
        .success()
        .stderr("imported 10000: 10000 added, 0 updated, 0 unchanged\n");
    assert_eq!(
        json(&env.stdout(&["ext", "list", "--format", "json"]))
            .as_array()
            .unwrap()
            .len(),
        10_001
    );
}

#[test]
fn every_error_is_listed_up_to_a_hundred() {
    let env = Env::new();
    let mut text = String::from("extension,voicemail_pin\n");
    for i in 0..150 {
        text.push_str(&format!("x{i},1234\n"));
    }
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error: line 2: extension number 'x0'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: line 101: extension number 'x99'"),
        "{stderr}"
    );
    assert!(!stderr.contains("'x100'"), "{stderr}");
    assert!(stderr.contains("error: ... and 50 more\n"), "{stderr}");
    assert!(
        stderr.contains("error: 150 invalid records in standard input (csv); nothing was imported"),
        "{stderr}"
    );
}

#[test]
fn bad_files_are_refused_with_the_reason() {
    let env = Env::new();
    let cases: &[(&str, &str, &str)] = &[
        ("csv", "extension,pin\n100,1234\n", "unknown column 'pin'"),
        (
            "csv",
            "first_name\nA\n",
            "the column 'extension' is missing",
        ),
        (
            "csv",
            "extension,voicemail_pin\n100,1234,extra\n",
            "line 2: this row has 3 fields, the header has 2",
        ),
        (
            "csv",
            "extension;voicemail_pin\n100;4826\n",
            "the file is separated by semicolons",
        ),
        (
            "csv",
            "extension,voicemail_pin\n100,\u{7f}\n",
            "line 2: voicemail PIN",
        ),
        (
            "csv",
            "extension,voicemail_pin\n100,42\n",
            "line 2: voicemail PIN: a PIN must have 4 to 10 digits, not 2 (did a spreadsheet drop its leading zeros?)",
        ),
        (
            "csv",
            "extension,pin_protect\n100,maybe\n",
            "line 2: pin_protect: 'maybe' is not true/false",
        ),
        (
            "csv",
            "extension,pin_protect,pin_protect_duration_s\n100,true,0\n",
            "line 2: pin_protect_duration_s: duration 0s is outside",
        ),
        (
            "csv",
            "extension,voicemail_pin\n100,4826\n100,5937\n",
            "line 3: extension 100 appears more than once",
        ),
        (
            "json",
            "[{\"extension\":100}]",
            "\"extension\" must be a string",
        ),
        (
            "json",
            "[{\"extension\":\"100\",\"voicemail_pin\":4826}]",
            "\"voicemail_pin\" must be a string",
        ),
        (
            "json",
            "[{\"extension\":\"100\",\"colour\":\"red\"}]",
            "unknown key \"colour\"",
        ),
        ("json", "[{\"extension\":\"100\"},", "invalid JSON"),
        (
            "jsonl",
            "{\"extension\":\"100\"}\n{\"extension\":\"101\"\n",
            "line 2: invalid JSON",
        ),
        (
            "voicemail-conf",
            "[default]\n#include other.conf\n",
            "line 2: #include cannot be followed when reading standard input",
        ),
        (
            "3cx",
            "Number,Name\n100,A\n",
            "not a 3CX bulk extension header",
        ),
    ];
    for (format, text, message) in cases {
        env.cmd()
            .args(["import", "-", "--format", format])
            .write_stdin(*text)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*message));
    }
    env.cmd()
        .args(["ext", "list", "--format", "json"])
        .assert()
        .stdout("[]\n");
    env.cmd()
        .args(["import", "no-such-file.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot open no-such-file.csv"));
    Env::empty()
        .cmd()
        .args(["import", "-"])
        .write_stdin("extension\n100\n")
        .assert()
        .code(4);
}

#[test]
fn update_replaces_the_fields_the_file_gives() {
    let env = Env::new();
    env.add_protected("100", "4826", "10m");
    env.ok([
        "ext",
        "edit",
        "100",
        "--first-name",
        "Alice",
        "--email",
        "a@example.com",
    ]);
    env.add_protected("101", "5937", "10m");
    env.dial_pin("100", "4826", NOW).success();
    env.dial_pin("101", "5937", NOW).success();
    // Without --update an existing extension is an error.
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin("extension,last_name\n100,Martin\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 2: extension 100 exists already (add --update to change it)",
        ));
    env.cmd()
        .args(["import", "-", "--format", "csv", "--update"])
        .write_stdin("extension,last_name,pin_protect_duration_s,voicemail_pin\n100,Martin,300,\n101,,600,1470\n102,New,,2468\n")
        .assert()
        .success()
        .stderr("imported 3: 1 added, 2 updated, 0 unchanged\n");
    let v = json(&env.stdout(&["ext", "show", "100", "--format", "json"]));
    assert_eq!(
        (&v["first_name"], &v["last_name"], &v["email"]),
        (&"Alice".into(), &"Martin".into(), &"a@example.com".into())
    );
    assert_eq!(v["pin_protect_duration_s"], 300);
    // A new duration keeps the running grant; a new PIN ends it.
    assert_eq!(v["unlocked_until"], "2026-11-26T09:10:00Z");
    let v = json(&env.stdout(&["ext", "show", "101", "--format", "json"]));
    assert_eq!(
        (&v["state"], &v["pin_protect_duration_s"]),
        (&"locked".into(), &600.into())
    );
    assert_eq!(
        json(&env.stdout(&["pins", "100", "101", "--format", "json"]))[1]["voicemail_pin"],
        "1470"
    );
    // Importing the same again changes nothing.
    env.cmd()
        .args(["import", "-", "--format", "csv", "--update"])
        .write_stdin("extension,last_name\n100,Martin\n")
        .assert()
        .success()
        .stderr("imported 1: 0 added, 0 updated, 1 unchanged\n");
    // A row that clears the duration of a protected extension: it gets
    // default_duration.
    env.cmd()
        .args(["import", "-", "--format", "jsonl", "--update"])
        .write_stdin("{\"extension\":\"100\",\"pin_protect_duration_s\":null}\n")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "1 protected extension without a duration got default_duration 5m",
        ));
}

#[test]
fn kill_during_a_large_import_leaves_all_or_nothing() {
    use std::os::unix::process::ExitStatusExt;
    // PostgreSQL takes a round trip a row: fewer rows keep the run short,
    // and the kill still lands while the import writes.
    let rows = if crate::common::on_postgres() {
        60_000
    } else {
        300_000
    };
    // The kill must land while the import writes; on a fast machine the
    // import may finish first, and then the test tries again.
    for attempt in 1..=5 {
        let env = Env::new();
        let file = env.path("huge.csv");
        std::fs::write(&file, big_csv(rows, None)).unwrap();
        let mut child = Command::new(bin())
            .arg("--db")
            .arg(&env.db)
            .args(["--now", NOW, "import"])
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the import is writing, then kill it without warning.
        let wal = PathBuf::from(format!("{}-wal", env.db.display()));
        let start = Instant::now();
        // (On PostgreSQL: once its transaction has written, and a moment
        // more.)
        let writing = || match &env.pg {
            Some(_) => {
                let ids = env.query_texts(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
                     AND application_name = 'pinprotect' AND backend_xid IS NOT NULL",
                );
                ids == ["1"] && {
                    std::thread::sleep(Duration::from_millis(300));
                    true
                }
            }
            None => std::fs::metadata(&wal).is_ok_and(|m| m.len() > 1 << 20),
        };
        while start.elapsed() < Duration::from_secs(60) {
            if writing() {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        if env.pg.is_none() {
            let conn = rusqlite::Connection::open(&env.db).unwrap();
            let check: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok");
        }
        let count: i64 = env.query_texts("SELECT count(*) FROM extensions")[0]
            .parse()
            .unwrap();
        assert!(
            count == 0 || count == rows as i64,
            "{count} rows after the kill"
        );
        if status.signal() != Some(libc::SIGKILL) {
            // It finished before the kill: not the case under test.
            continue;
        }
        eprintln!(
            "kill -9 after {:?} (attempt {attempt}): {count} rows",
            start.elapsed()
        );
        // The database still works, and the import can simply be run again.
        if count == 0 {
            env.cmd().arg("import").arg(&file).assert().success();
        }
        env.cmd()
            .args(["check", "100000", "0049301234567"])
            .assert()
            .code(1);
        return;
    }
    panic!("the import finished before the kill in all 5 attempts");
}

#[test]
fn header_names_match_in_any_case_and_csv_errors_are_plain_words() {
    let env = Env::new();
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin("Extension,First_Name,VOICEMAIL_PIN\n100,Alice,4826\n")
        .assert()
        .success();
    let v = json(&env.stdout(&["ext", "show", "100", "--format", "json"]));
    assert_eq!(v["first_name"], "Alice");
    // The library's positions never reach the user.
    let out = env
        .cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(b"extension,voicemail_pin\n101,\xff\xfe\n102,4826,x\n".to_vec())
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).unwrap();
    assert!(
        stderr.contains("line 2: field 2 is not UTF-8 text"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3: this row has 3 fields, the header has 2"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("byte:") && !stderr.contains("record 1"),
        "{stderr}"
    );
}

fn vm(name: &str) -> String {
    fixture(&format!("voicemail/{name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn voicemail_conf_as_asterisk_writes_it() {
    let env = Env::new();
    // Two contexts share mailbox 1234: both lines named, nothing imported.
    import(&env, &[&vm("voicemail.conf"), "--allow-weak"])
        .code(2)
        .stderr(predicate::str::contains(
            "line 26: mailbox 1234 is in context [default] (line 16) and in [other] (line 26); choose one with --context",
        ))
        .stderr(predicate::str::contains("nothing was imported"));
    env.cmd()
        .args(["ext", "list", "--format", "json"])
        .assert()
        .stdout("[]\n");
    // One context: its mailboxes, those of the included file, the right
    // PINs; options, comments, the alias section and the context's own
    // options are no mailboxes.
    import(
        &env,
        &[
            &vm("voicemail.conf"),
            "--context",
            "default",
            "--allow-weak",
        ],
    )
    .success()
    .stderr(predicate::str::contains("imported 5: 5 added"));
    assert_eq!(
        env.stdout(&["pins", "--format", "csv"]),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n\
         1234,Example,Mailbox,4242,\n\
         4069,Matt,Brooks,6522,\n\
         4110,Rob,Flynn,3443,\n\
         4200,Mark,Spencer,9855,\n\
         4310,Sue,Northrop,5432,a run of consecutive digits\n"
    );
    let v = json(&env.stdout(&["ext", "show", "4200", "--format", "json"]));
    assert_eq!(v["email"], "markster@example.com");
    // The other context alone: its 1234 with its own PIN.
    let other = Env::new();
    import(
        &other,
        &[&vm("voicemail.conf"), "--context", "other", "--allow-weak"],
    )
    .success()
    .stderr(predicate::str::contains("imported 1: 1 added"));
    assert_eq!(
        json(&other.stdout(&["pins", "1234", "--format", "json"]))[0]["voicemail_pin"],
        "5678"
    );
    // --context is for voicemail.conf only.
    import(
        &other,
        &[&fixture("3cx-v20.csv").to_string_lossy(), "--context", "x"],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "--context applies to voicemail.conf files",
    ));
}

#[test]
fn voicemail_conf_include_loops_and_missing_includes_are_reported_with_lines() {
    let env = Env::new();
    import(&env, &[&vm("loop-a.conf")])
        .code(2)
        .stderr(predicate::str::contains("loop-b.conf line 2: #include"))
        .stderr(predicate::str::contains("(#include at line 3)\n"))
        .stderr(predicate::str::contains("(a loop)"));
    import(&env, &[&vm("missing-include.conf")])
        .code(2)
        .stderr(predicate::str::contains("error: line 3: #include "))
        .stderr(predicate::str::contains(
            "not-there.conf: No such file or directory",
        ));
    // A missing #tryinclude is skipped (voicemail-extra.conf has one).
    // From standard input an include cannot be followed.
    env.cmd()
        .args([
            "import",
            "-",
            "--format",
            "voicemail-conf",
            "--context",
            "default",
            "--dry-run",
        ])
        .write_stdin(std::fs::read_to_string(vm("voicemail.conf")).unwrap())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 21: #include cannot be followed when reading standard input",
        ));
    env.cmd()
        .args(["ext", "list", "--format", "json"])
        .assert()
        .stdout("[]\n");
}

#[test]
fn freepbx_bulk_handler_file() {
    let env = Env::new();
    let file = fixture("freepbx/extensions.csv");
    // Found by its header: FreePBX's column names, in FreePBX's order.
    let out = env.cmd().arg("import").arg(&file).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "imported 4: 4 added, 0 updated, 0 unchanged (2 extensions got a generated PIN)\n"
    );
    assert!(out.status.success());
    // Rows without voicemail (2002, `novm`) or without a PIN (2004) get a
    // generated PIN, printed once.
    let generated = String::from_utf8(out.stdout).unwrap();
    assert!(
        predicate::str::is_match(
            r"^voicemail PIN for extension 2002: \d{6}\nvoicemail PIN for extension 2004: \d{6}\n$"
        )
        .unwrap()
        .eval(&generated),
        "{generated}"
    );
    let v = json(&env.stdout(&["export", "--format", "json"]));
    // The name splits at its last space; leading zeros stay; options,
    // caller IDs with commas and the other columns are ignored.
    assert_eq!(
        v[0],
        serde_json::json!({"extension": "2001", "first_name": "Anna van der", "last_name": "Berg",
            "email": "anna@example.com", "voicemail_pin": "0042", "pin_protect": false,
            "pin_protect_duration_s": null, "unlocked_until": null, "voicemail_options": null})
    );
    assert_eq!(
        (&v[1]["first_name"], &v[1]["last_name"], &v[1]["email"]),
        (
            &"Bob".into(),
            &serde_json::Value::Null,
            &serde_json::Value::Null
        )
    );
    assert_eq!(
        (
            &v[2]["first_name"],
            &v[2]["last_name"],
            &v[2]["voicemail_pin"]
        ),
        (&"Carla".into(), &"Díaz".into(), &"007351".into())
    );
    let pin_2002 = v[1]["voicemail_pin"].as_str().unwrap().to_owned();
    // Updating from FreePBX again keeps a PIN it does not give, and takes
    // the ones it does: here columns in yet another order, by --format.
    env.cmd()
        .args(["import", "-", "--format", "freepbx", "--update"])
        .write_stdin(
            "voicemail_vmpwd,voicemail_email,name,extension,voicemail_enable\n\
             ,,Bob Stone,2002,\n\
             5937,carla@example.org,Carla Díaz,2003,yes\n",
        )
        .assert()
        .success()
        .stdout("")
        .stderr("imported 2: 0 added, 2 updated, 0 unchanged\n");
    let v = json(&env.stdout(&["export", "--format", "json"]));
    assert_eq!(v[1]["voicemail_pin"], pin_2002.as_str());
    assert_eq!(v[1]["last_name"], "Stone");
    assert_eq!(v[2]["voicemail_pin"], "5937");
    assert_eq!(v[2]["email"], "carla@example.org");
    // A FreePBX file needs its extension column.
    env.cmd()
        .args(["import", "-", "--format", "freepbx"])
        .write_stdin("name,voicemail_vmpwd\nAnna,1234\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the column 'extension' is missing",
        ));
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

/// An import whose input stalls (a pipe nobody closes, a FIFO whose
/// writer waits) holds no lock meanwhile: the right PIN still unlocks,
/// within the 10 s that a waiting command would give up after.
#[test]
fn a_stalled_import_holds_no_lock() {
    let env = Env::new();
    env.add_protected("201", "4826", "60");
    let stalled = |mut command: Command| {
        command
            .env_remove("PINPROTECT_NOW")
            .arg("--db")
            .arg(&env.db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // `import -` from a pipe that stays open.
    let mut pipe = Command::new(bin());
    pipe.args(["import", "-", "--format", "csv"])
        .stdin(Stdio::piped());
    let mut from_pipe = stalled(pipe);
    let mut open_end = from_pipe.stdin.take().unwrap();
    std::io::Write::write_all(&mut open_end, b"extension,voicemail_pin\n300,48").unwrap();
    // `import FIFO` whose writer has written half a line.
    let fifo = env.path("feed.csv");
    mkfifo(&fifo);
    let mut named = Command::new(bin());
    named.arg("import").arg(&fifo).stdin(Stdio::null());
    let mut from_fifo = stalled(named);
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    std::io::Write::write_all(&mut writer, b"extension,voicemail_pin\n301,59").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Both wait on their input now.
    assert!(from_pipe.try_wait().unwrap().is_none());
    assert!(from_fifo.try_wait().unwrap().is_none());
    let started = Instant::now();
    env.real_clock()
        .args(["dial", "201", "7777"])
        .write_stdin("4826\n")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("PIN accepted"));
    env.real_clock()
        .args(["check", "201", "0049301234567"])
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(10));
    // The inputs end; both imports finish.
    std::io::Write::write_all(&mut open_end, b"37\n").unwrap();
    drop(open_end);
    std::io::Write::write_all(&mut writer, b"37\n").unwrap();
    drop(writer);
    assert!(from_pipe.wait().unwrap().success());
    assert!(from_fifo.wait().unwrap().success());
    let numbers = env.stdout(&["ext", "list", "--format", "csv"]);
    assert!(
        numbers.contains("\n300,") && numbers.contains("\n301,"),
        "{numbers}"
    );
}

/// `#include` resolves as Asterisk's does, relative to the including
/// file, and reads only from the top file's folder (or `--include-dir`):
/// an include of /etc/shadow or a file of secrets is refused, and an
/// included file's problems never quote its content.
#[test]
fn includes_stay_in_their_folder_and_never_echo_what_they_read() {
    let env = Env::new();
    let pbx = env.path("asterisk");
    let elsewhere = env.path("secrets");
    std::fs::create_dir_all(pbx.join("sub")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let secret = elsewhere.join("vault.conf");
    std::fs::write(
        &secret,
        "123 => hunter2-the-secret,Top Secret\n=> alone-SECRET\n#exec SECRET-cmd\n[Секрет-ctx]\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&secret, pbx.join("link.conf")).unwrap();
    std::fs::write(pbx.join("sub/more.conf"), "4200 => 9855,Mark Spencer\n").unwrap();
    let conf = pbx.join("voicemail.conf");
    let write = |includes: &str| {
        std::fs::write(
            &conf,
            format!("[default]\n1234 => 4242,Example Mailbox\n{includes}"),
        )
        .unwrap();
    };
    let run = |extra: &[&str]| {
        let mut c = env.cmd();
        c.arg("import")
            .arg(&conf)
            .args(["--allow-weak", "--dry-run"])
            .args(extra);
        c.assert()
    };
    // Inside the folder, in a subfolder: read.
    write("#include sub/more.conf\n");
    run(&[])
        .success()
        .stderr(predicate::str::contains("would import 2: 2 added"));
    // Outside it, by a path, by ../ or through a link inside: refused at
    // the include line, nothing of the file shown.
    for target in [
        secret.to_str().unwrap(),
        "../secrets/vault.conf",
        "link.conf",
        "/etc/shadow",
    ] {
        write(&format!("#include \"{target}\"\n"));
        let out = run(&[]).code(2).get_output().clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("line 3: #include "), "{target}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "is outside {}; pass --include-dir FOLDER to read from another folder",
                pbx.display()
            )),
            "{target}: {stderr}"
        );
        assert!(
            !stderr.contains("SECRET") && !stderr.contains("hunter2"),
            "{stderr}"
        );
    }
    // Allowed with --include-dir: its problems name the file, the line
    // and the field, never a value.
    write(&format!("#include \"{}\"\n", secret.display()));
    let out = run(&["--include-dir", elsewhere.to_str().unwrap()])
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    // Each problem starts with the included file and its own line, then
    // says where the top file includes it; no `line 3:` of the top file
    // in front.
    assert!(
        stderr.contains(&format!(
            "error: {} line 1: voicemail PIN: invalid (#include at line 3)\n",
            secret.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "error: {} line 3: unknown directive (#include at line 3)\n",
            secret.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("error: line 3: "), "{stderr}");
    assert!(
        !stderr.contains("SECRET") && !stderr.contains("hunter2") && !stderr.contains("Секрет"),
        "{stderr}"
    );
    // A --context that is not there lists the top file's contexts only.
    let out = run(&[
        "--include-dir",
        elsewhere.to_str().unwrap(),
        "--context",
        "nope",
    ])
    .code(2)
    .get_output()
    .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("its contexts: default (and 1 more in included files)"),
        "{stderr}"
    );
    assert!(!stderr.contains("Секрет"), "{stderr}");
    // An include of a FIFO or a device is refused at once, not waited on.
    let fifo = pbx.join("pipe.conf");
    mkfifo(&fifo);
    write("#include pipe.conf\n");
    run(&[])
        .code(2)
        .stderr(predicate::str::contains("pipe.conf is not a regular file"));
    write("#include /dev/zero\n");
    run(&["--include-dir", "/dev"])
        .code(2)
        .stderr(predicate::str::contains("/dev/zero is not a regular file"));
}
