use predicates::prelude::*;

use crate::common::{Env, json, mode};

const HEADER: &str = "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options";

/// The varied database with one grant active at `NOW`.
fn varied() -> Env {
    let env = Env::varied();
    env.dial_pin("100", "000123", "2026-11-26T08:55:00Z")
        .success();
    env
}

const VARIED_CSV: &str = "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n\
0099,,,,5557,true,600,,\n\
99,,,,9182,false,3600,,\n\
0100,Zoë,\"O'Brien, \"\"Jr\"\"\",zoe@example.com,0042,false,,,\n\
100,李,\"Nuñez; \"\"x\"\"\",,000123,true,600,2026-11-26T09:05:00Z,\n\
1000000000,,,,1234567809,false,,,\n";

#[test]
fn csv_export_is_exact_and_in_numeric_order() {
    let env = varied();
    env.cmd()
        .arg("export")
        .assert()
        .success()
        .stdout(VARIED_CSV)
        .stderr("");
    // The grant ends at 09:05: later exports leave unlocked_until empty.
    let later = env
        .at("2026-11-26T09:05:00Z")
        .arg("export")
        .output()
        .unwrap();
    let later = String::from_utf8(later.stdout).unwrap();
    assert!(
        later.contains("\n100,李,\"Nuñez; \"\"x\"\"\",,000123,true,600,,\n"),
        "{later}"
    );
}

#[test]
fn csv_round_trips_through_a_csv_reader() {
    let env = varied();
    let out = env.stdout(&["export"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers.join(","), HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(&rows[0][0], "0099");
    assert_eq!(&rows[2][2], "O'Brien, \"Jr\"");
    assert_eq!(&rows[3][1], "李");
    assert_eq!(&rows[3][2], "Nuñez; \"x\"");
    assert_eq!(&rows[3][4], "000123");
}

#[test]
fn json_and_jsonl_exports_have_typed_values() {
    let env = varied();
    let v = json(&env.stdout(&["export", "--format", "json"]));
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[3],
        serde_json::json!({
            "extension": "100", "first_name": "李", "last_name": "Nuñez; \"x\"", "email": null,
            "voicemail_pin": "000123", "pin_protect": true, "pin_protect_duration_s": 600,
            "unlocked_until": "2026-11-26T09:05:00Z", "voicemail_options": null
        })
    );
    assert_eq!(rows[0]["voicemail_pin"], "5557");
    assert_eq!(rows[4]["pin_protect_duration_s"], serde_json::Value::Null);
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    let mut expected: Vec<&str> = HEADER.split(',').collect();
    expected.sort();
    let mut got: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    got.sort();
    assert_eq!(got, expected);

    let lines = env.stdout(&["export", "--format", "jsonl"]);
    let parsed: Vec<serde_json::Value> = lines.lines().map(json).collect();
    assert_eq!(&parsed[..], &rows[..]);
    assert!(lines.ends_with("}\n"));
}

#[test]
fn no_pins_drops_the_column_and_the_key() {
    let env = varied();
    let csv = env.stdout(&["export", "--no-pins"]);
    assert!(csv.starts_with("extension,first_name,last_name,email,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n0099,,,,true,600,,\n"), "{csv}");
    for pin in ["0042", "000123", "9182", "5557", "1234567809"] {
        assert!(!csv.contains(pin), "{pin} in {csv}");
    }
    for format in ["json", "jsonl"] {
        let out = env.stdout(&["export", "--no-pins", "--format", format]);
        assert!(!out.contains("voicemail_pin"), "{out}");
        assert!(!out.contains("0042"), "{out}");
    }
}

#[test]
fn empty_database_exports_a_header_or_an_empty_array() {
    let env = Env::new();
    env.cmd()
        .arg("export")
        .assert()
        .success()
        .stdout(format!("{HEADER}\n"));
    env.ok(["export", "--format", "json"]).stdout("[]\n");
    env.ok(["export", "--format", "jsonl"]).stdout("");
}

#[test]
fn output_file_is_atomic_and_private() {
    let env = varied();
    let target = env.path("export.csv");
    std::fs::write(&target, "old contents").unwrap();
    std::fs::set_permissions(&target, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    env.cmd()
        .args(["export", "--output"])
        .arg(&target)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("exported 5 extensions to"));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), VARIED_CSV);
    assert_eq!(mode(&target), 0o600);
    // Nothing else was left in the folder.
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("pbx.sqlite3"))
        .collect();
    assert_eq!(names, ["export.csv"]);
}

#[test]
fn failed_export_leaves_the_old_file_intact() {
    let env = varied();
    let target = env.path("export.json");
    std::fs::write(&target, "old contents").unwrap();
    // The database is gone: the export fails before writing.
    let missing = env.path("missing.sqlite3");
    env.cmd()
        .arg("--db")
        .arg(&missing)
        .args(["export", "--format", "json", "--output"])
        .arg(&target)
        .assert()
        .code(4);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old contents");
    // The folder does not exist: nothing can be written.
    env.cmd()
        .args(["export", "--output"])
        .arg(env.path("no/such/folder/x.csv"))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("cannot write"));
    // The target is a folder.
    std::fs::create_dir(env.path("adir")).unwrap();
    env.cmd()
        .args(["export", "--output"])
        .arg(env.path("adir"))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("it is a folder"));
}

#[test]
fn output_to_a_symlink_replaces_the_link() {
    let env = varied();
    let victim = env.path("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = env.path("link.csv");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    env.cmd()
        .args(["export", "--output"])
        .arg(&link)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(
        !std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&link).unwrap(), VARIED_CSV);
}

#[test]
fn pins_in_every_format() {
    let env = varied();
    assert_eq!(
        env.stdout(&["pins", "0100", "99", "--format", "csv"]),
        "extension,first_name,last_name,voicemail_pin,weak_pin\n0100,Zoë,\"O'Brien, \"\"Jr\"\"\",0042,\n99,,,9182,\n"
    );
    let v = json(&env.stdout(&["pins", "--format", "json"]));
    assert_eq!(
        v[2],
        serde_json::json!({"extension": "0100", "first_name": "Zoë", "last_name": "O'Brien, \"Jr\"", "voicemail_pin": "0042", "weak_pin": null})
    );
    let table = env.stdout(&["pins"]);
    let header = regex_header(&table);
    assert_eq!(
        header,
        [
            "EXTENSION",
            "FIRST NAME",
            "LAST NAME",
            "VOICEMAIL PIN",
            "WEAK PIN"
        ],
        "{table}"
    );
    assert!(
        table
            .lines()
            .nth(3)
            .unwrap()
            .starts_with("0100        Zoë         O'Brien, \"Jr\"  0042"),
        "{table}"
    );
    assert!(
        table.contains("0042") && table.contains("000123"),
        "{table}"
    );
    env.cmd().args(["pins", "0100", "5"]).assert().code(2);
    env.cmd()
        .args(["pins", "0100", "55"])
        .assert()
        .code(3)
        .stdout("");
}

/// The column titles of a table: separated by two spaces or more.
fn regex_header(table: &str) -> Vec<String> {
    let first = table.lines().next().unwrap();
    first
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn leading_zeros_survive_in_every_output() {
    let env = Env::new();
    env.add_protected("0100", "0042", "5m");
    env.add("100", "0007");
    env.dial_pin("0100", "0042", "2026-11-26T09:00:00Z")
        .success()
        .stdout(predicate::str::contains("extension 0100 may place"));
    let outputs = [
        env.stdout(&["ext", "list"]),
        env.stdout(&["ext", "list", "--format", "csv"]),
        env.stdout(&["ext", "list", "--format", "json"]),
        env.stdout(&["ext", "show", "0100"]),
        env.stdout(&["ext", "show", "0100", "--format", "csv"]),
        env.stdout(&["ext", "show", "0100", "--format", "json"]),
        env.stdout(&["status"]),
        env.stdout(&["status", "--format", "csv"]),
        env.stdout(&["status", "0100", "--format", "json"]),
        env.stdout(&["check", "0100", "0049301234567"]),
        env.stdout(&["check", "0100", "0049301234567", "--format", "json"]),
        env.stdout(&["dial", "0100", "0049301234567"]),
    ];
    for out in &outputs {
        assert!(out.contains("0100"), "{out}");
    }
    let pin_outputs = [
        env.stdout(&["pins"]),
        env.stdout(&["pins", "--format", "csv"]),
        env.stdout(&["pins", "--format", "json"]),
        env.stdout(&["export"]),
        env.stdout(&["export", "--format", "json"]),
        env.stdout(&["export", "--format", "jsonl"]),
    ];
    for out in &pin_outputs {
        assert!(
            out.contains("0100") && out.contains("0042") && out.contains("0007"),
            "{out}"
        );
    }
    // "0100" and "100" stay two extensions.
    let v = json(&env.stdout(&["pins", "--format", "json"]));
    assert_eq!(v[0]["extension"], "0100");
    assert_eq!(v[1]["extension"], "100");
    assert_eq!(v[0]["voicemail_pin"], "0042");
}

#[test]
fn spreadsheet_safe_export_defuses_formulas() {
    let env = Env::new();
    env.cmd()
        .args([
            "ext",
            "add",
            "100",
            "--first-name",
            "=HYPERLINK(\"http://x\")",
            "--last-name",
            "-2+3",
            "--email",
            "+a@b.c",
            "--pin-stdin",
        ])
        .write_stdin("4826\n")
        .assert()
        .success();
    env.cmd()
        .args([
            "ext",
            "add",
            "101",
            "--first-name",
            "+49 Plain",
            "--last-name",
            "Smith",
            "--pin-stdin",
        ])
        .write_stdin("5937\n")
        .assert()
        .success();
    let safe = env.stdout(&["export", "--spreadsheet-safe", "--no-pins"]);
    assert_eq!(
        safe,
        "extension,first_name,last_name,email,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options\n\
         100,\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3,'+a@b.c,false,,,\n\
         101,'+49 Plain,Smith,,false,,,\n"
    );
    // Without the flag the export stays byte-exact for machines, and one
    // warning says how many values a spreadsheet would run, naming the
    // flag; to a file too.
    let warning = "warning: 4 values of the export begin with =, +, -, @, a tab or a carriage \
                   return, which a spreadsheet may run as a formula; --spreadsheet-safe exports \
                   them as text (with a leading ')\n";
    let exact = env
        .cmd()
        .args(["export", "--no-pins"])
        .assert()
        .success()
        .stderr(warning)
        .get_output()
        .stdout
        .clone();
    let exact = String::from_utf8(exact).unwrap();
    assert!(
        exact.contains("\n100,\"=HYPERLINK(\"\"http://x\"\")\",-2+3,+a@b.c,false,,,\n"),
        "{exact}"
    );
    let file = env.path("out.csv");
    env.cmd()
        .args(["export", "--format", "3cx", "--output"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::starts_with(warning));
    env.cmd()
        .args(["export", "--spreadsheet-safe"])
        .assert()
        .success()
        .stderr("");
    env.cmd()
        .args(["export", "--format", "json"])
        .assert()
        .success()
        .stderr("");
    let three_cx = env.stdout(&["export", "--format", "3cx", "--spreadsheet-safe"]);
    assert!(three_cx.contains("\n100,\"'=HYPERLINK("), "{three_cx}");
    env.cmd()
        .args(["export", "--format", "json", "--spreadsheet-safe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--spreadsheet-safe is for CSV exports",
        ));
}

#[test]
fn voicemail_conf_export_round_trips_and_refuses_what_would_break_it() {
    let env = Env::new();
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(
            "extension,first_name,last_name,email,voicemail_pin\n\
             0100,Mary Ann,Smith,mary@example.com,0042\n\
             101,Zoë,Müller,,5937\n\
             102,,,,482605\n\
             103,Solo,,solo@example.com,7391\n",
        )
        .assert()
        .success();
    let file = env.path("mailboxes.conf");
    env.cmd()
        .args([
            "export",
            "--format",
            "voicemail-conf",
            "--context",
            "office",
            "--output",
        ])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("[office]\n0100 => 0042,Mary Ann Smith,mary@example.com\n"),
        "{text}"
    );
    // Into a fresh database: the same extensions, names, e-mails and PINs.
    let fresh = Env::new();
    fresh
        .cmd()
        .args(["import"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("imported 4: 4 added"));
    for args in [
        &["pins", "--format", "csv"][..],
        &["ext", "list", "--format", "csv"],
    ] {
        assert_eq!(fresh.stdout(args), env.stdout(args), "{args:?}");
    }
    // A comma (or ;) in a name would break the line: refused, nothing written.
    env.ok(["ext", "edit", "101", "--last-name", "Müller, Jr"]);
    let out = env.path("broken.conf");
    env.cmd()
        .args(["export", "--format", "voicemail-conf", "--output"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the name of extension 101 contains ',', which a voicemail.conf mailbox line cannot hold",
        ));
    assert!(!out.exists());
    env.cmd()
        .args(["export", "--format", "voicemail-conf", "--no-pins"])
        .assert()
        .code(2)
        .stdout("");
}

/// Semicolon CSV, as spreadsheets write it where the comma is the decimal
/// mark: exported and imported back with `--delimiter ';'`, in the own
/// format and 3CX's.
#[test]
fn semicolon_csv_round_trips_with_delimiter() {
    let env = Env::new();
    env.cmd()
        .args(["import", "-", "--format", "csv"])
        .write_stdin(
            "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s\n\
             100,\"Smith, Jr.\",O;Neil,a@example.com,4826,true,300\n\
             101,Bo,Li,,5937,false,\n",
        )
        .assert()
        .success();
    let out = env.stdout(&["export", "--delimiter", ";", "--no-pins"]);
    assert_eq!(
        out,
        "extension;first_name;last_name;email;pin_protect;pin_protect_duration_s;unlocked_until;voicemail_options\n\
         100;Smith, Jr.;\"O;Neil\";a@example.com;true;300;;\n\
         101;Bo;Li;;false;;;\n"
    );
    let full = env.stdout(&["export", "--delimiter", ";"]);
    let threecx = env.stdout(&["export", "--format", "3cx", "--delimiter", ";"]);
    assert!(
        threecx.starts_with("Number;FirstName;LastName;"),
        "{threecx}"
    );
    assert!(
        threecx.contains("\n100;Smith, Jr.;\"O;Neil\";"),
        "{threecx}"
    );
    // Back in, by name and by the first line alike.
    for (file, text, format) in [
        ("semi.csv", &full, "csv"),
        ("semi-3cx.csv", &threecx, "3cx"),
    ] {
        let fresh = Env::new();
        std::fs::write(fresh.path(file), text).unwrap();
        for given in [&["--format", format][..], &[]] {
            fresh
                .cmd()
                .args(["import", file, "--delimiter", ";", "--update"])
                .args(given)
                .assert()
                .success();
        }
        let back = fresh.stdout(&["export"]);
        assert!(
            back.contains("\n100,\"Smith, Jr.\",O;Neil,a@example.com,4826,true,300,,\n"),
            "{format}: {back}"
        );
        assert!(back.contains("\n101,Bo,Li,,5937,"), "{format}: {back}");
    }
    // Without the flag: the hint names it.
    std::fs::write(env.path("semi.csv"), &full).unwrap();
    env.cmd()
        .args(["import", "semi.csv", "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --delimiter ';'"));
    // A tab works too; anything else is refused with the choices.
    let tabbed = env.stdout(&["export", "--delimiter", "tab", "--no-pins"]);
    assert!(tabbed.starts_with("extension\tfirst_name\t"), "{tabbed}");
    env.cmd()
        .args(["export", "--delimiter", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'x' is not a delimiter: use ',' ';' '|' or tab",
        ));
}

/// Flags that do not apply to a format are refused, not ignored.
#[test]
fn csv_flags_on_other_formats_are_refused() {
    let env = Env::new();
    env.add("100", "4826");
    for (args, message) in [
        (
            &["export", "--format", "voicemail-conf", "--spreadsheet-safe"][..],
            "--spreadsheet-safe is for CSV exports (csv, 3cx), not voicemail-conf",
        ),
        (
            &["export", "--format", "json", "--spreadsheet-safe"],
            "--spreadsheet-safe is for CSV exports (csv, 3cx), not json",
        ),
        (
            &["export", "--format", "jsonl", "--delimiter", ";"],
            "--delimiter is for CSV exports (csv, 3cx), not jsonl",
        ),
        (
            &["export", "--format", "voicemail-conf", "--delimiter", ";"],
            "--delimiter is for CSV exports (csv, 3cx), not voicemail-conf",
        ),
    ] {
        env.cmd()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(message));
    }
    std::fs::write(env.path("vm.conf"), "[default]\n100 => 4826,A\n").unwrap();
    env.cmd()
        .args(["import", "vm.conf", "--delimiter", ";"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--delimiter applies to CSV files (csv, 3cx, freepbx), not to voicemail-conf",
        ));
    assert_eq!(crate::common::events(&env, &["--event", "export"]).len(), 0);
}
