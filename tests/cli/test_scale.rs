//! A million extensions: export and import stream in bounded memory and
//! check does only indexed lookups. Memory is bounded by an address-space
//! limit and reads are counted in bytes, never timed.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{Env, NOW, bin, fill};

/// The address space pinprotect may use here: far less than the data.
const LIMIT_KIB: u32 = 32 * 1024;

/// Runs pinprotect with its virtual memory capped at `LIMIT_KIB`; a process
/// that tries to hold the rows fails to allocate and dies.
fn run_limited(db: &Path, args: &[&str]) -> i32 {
    let status = Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -v {LIMIT_KIB} && exec \"$@\""),
            "sh",
            bin(),
            "--db",
        ])
        .arg(db)
        .args(["--now", NOW])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    status.code().unwrap_or(-1)
}

#[test]
#[ignore = "a long load test: .ci/run runs it with --ignored"]
fn a_million_extensions_export_and_import_in_bounded_memory_and_check_by_index() {
    let large = Env::new();
    fill(&large, 1_000_000);

    for format in ["csv", "json", "jsonl"] {
        let out = large.path(&format!("large.{format}"));
        let code = run_limited(
            &large.db,
            &[
                "export",
                "--format",
                format,
                "--output",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 0, "export --format {format} within {LIMIT_KIB} KiB");
        let size = std::fs::metadata(&out).unwrap().len();
        assert!(size > 60_000_000, "{format}: {size} bytes");
    }
    // The CSV imports into a fresh database within the same limit, and
    // exports again byte for byte.
    // (PostgreSQL takes a round trip a row: a tenth of them there.)
    let copy = Env::new();
    let mut large_csv_path = large.path("large.csv");
    if copy.pg.is_some() {
        let all = std::fs::read_to_string(&large_csv_path).unwrap();
        let head: Vec<&str> = all.split_inclusive('\n').take(100_001).collect();
        large_csv_path = large.path("head.csv");
        std::fs::write(&large_csv_path, head.concat()).unwrap();
    }
    let code = run_limited(&copy.db, &["import", large_csv_path.to_str().unwrap()]);
    assert_eq!(code, 0, "import within {LIMIT_KIB} KiB");
    let again = copy.path("again.csv");
    assert_eq!(
        run_limited(&copy.db, &["export", "--output", again.to_str().unwrap()]),
        0
    );
    assert!(std::fs::read(&again).unwrap() == std::fs::read(&large_csv_path).unwrap());
    drop(copy);
    // Tables stream too: a million rows within the same limit (a table
    // measures its first rows and then follows their widths).
    if large.pg.is_some() {
        large.sql(
            "INSERT INTO events (at, \"user\", kind, extension, detail)
             SELECT 1800000000 + i, 'admin', 'pin_changed', (1000000 + i)::text, ''
             FROM generate_series(0, 999999) AS s(i)",
            None,
        );
    } else {
        large.sql(
            "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < 1000000)
             INSERT INTO events (at, user, kind, extension, detail)
             SELECT 1800000000 + i, 'admin', 'pin_changed', printf('%d', 1000000 + i), '' FROM seq",
            None,
        );
    }
    for args in [&["status"][..], &["ext", "list"], &["log"], &["pins"]] {
        assert_eq!(
            run_limited(&large.db, args),
            0,
            "{args:?} within {LIMIT_KIB} KiB"
        );
    }
    // The limit bites: a program that holds 100 MB cannot run under it.
    let held = Command::new("sh")
        .args([
            "-c",
            &format!("ulimit -v {LIMIT_KIB} && exec awk 'BEGIN {{ s = sprintf(\"%100000000s\", \"\"); print length(s) }}'"),
        ])
        .output()
        .unwrap();
    assert!(
        !held.status.success(),
        "the address-space limit does not bite"
    );
    let large_csv = std::fs::read_to_string(large.path("large.csv")).unwrap();
    let mut lines = large_csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "extension,first_name,last_name,email,voicemail_pin,pin_protect,pin_protect_duration_s,unlocked_until,voicemail_options"
        )
    );
    assert_eq!(
        lines.next(),
        Some("1000000,First0,\"Last, \"\"0\"\"\",u0@example.com,90001000,true,300,,")
    );
    assert_eq!(large_csv.lines().count(), 1_000_001);

    if let Some(pg) = &large.pg {
        // On PostgreSQL the lookup a check makes is an index scan; the
        // answers are the same.
        let plan: Vec<String> = pg
            .client()
            .query(
                "EXPLAIN SELECT * FROM extensions WHERE number = '1000300'",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let plan = plan.join("\n");
        assert!(plan.contains("Index Scan"), "{plan}");
        large
            .cmd()
            .args(["dial", "1000300", "7777"])
            .write_stdin("93001000\n")
            .assert()
            .success();
        for (args, expected) in [
            (["check", "1000300", "0049301234567"], 0),
            (["check", "1000303", "0049301234567"], 1),
            (["check", "1000303", "1999999"], 0),
        ] {
            large.cmd().args(args).assert().code(expected);
        }
        return;
    }
    // check: locked and unlocked protected extensions, an unprotected one.
    let db_size = std::fs::metadata(&large.db).unwrap().len();
    assert!(db_size > 50_000_000, "{db_size}");
    let (code, read) = run_counting_reads(&large.db, &["check", "1000300", "0049301234567"]);
    assert_eq!(code, 1);
    eprintln!("check on {db_size} bytes of database read {read} bytes");
    // Indexed lookups read a few pages; a scan would read the whole file.
    assert!(
        read < 1_000_000,
        "check read {read} bytes of a {db_size}-byte database"
    );
    // Extension 1000300 is row 300: PIN 9, 300, 1, 000 (see `fill`).
    let pin = "93001000\n".to_string();
    large
        .cmd()
        .args(["dial", "1000300", "7777"])
        .write_stdin(pin)
        .assert()
        .success();
    for (args, expected) in [
        (["check", "1000300", "0049301234567"], 0),
        (["check", "1000301", "0049301234567"], 0),
        (["check", "1000303", "0049301234567"], 1),
        (["check", "1000303", "1999999"], 0),
        (["check", "1000303", "2999999"], 1),
    ] {
        let (code, read) = run_counting_reads(&large.db, &args);
        assert_eq!(code, expected, "{args:?}");
        assert!(read < 1_000_000, "{args:?} read {read} bytes");
    }
    // The measure does see a full read: an export reads the whole table.
    let (code, read) = run_counting_reads(
        &large.db,
        &[
            "export",
            "--output",
            large.path("again.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0);
    eprintln!("export read {read} bytes");
    assert!(read > db_size / 2, "export read {read} bytes of {db_size}");
}

/// Runs pinprotect under a shell that reports, after reaping it, the bytes
/// it read through system calls (the child's `rchar`, added to the shell's
/// own I/O accounting when it is reaped). Returns the exit code and bytes.
fn run_counting_reads(db: &Path, args: &[&str]) -> (i32, u64) {
    let script = r#"bin=$1; shift; before=$(grep '^rchar:' /proc/$$/io); "$bin" "$@" >/dev/null 2>&1; rc=$?; echo "rc $rc"; echo "$before"; grep '^rchar:' /proc/$$/io"#;
    let out = Command::new("sh")
        .args(["-c", script, "sh", bin(), "--db"])
        .arg(db)
        .args(["--now", NOW])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let rc: i32 = lines
        .next()
        .unwrap()
        .strip_prefix("rc ")
        .unwrap()
        .parse()
        .unwrap();
    let mut rchar = lines.map(|l| {
        l.strip_prefix("rchar: ")
            .unwrap()
            .trim()
            .parse::<u64>()
            .unwrap()
    });
    let (before, after) = (rchar.next().unwrap(), rchar.next().unwrap());
    (rc, after - before)
}
