//! Faults: a full disk, damaged database files, writers racing each other.
//! (A kill -9 during a large write is in test_import.)

use std::process::{Command, Stdio};

use crate::common::{Env, NOW, bin, fill, json};

/// Runs `script` with sh in a mount namespace of its own (where it may
/// mount a tiny tmpfs), with `args` as $1, $2...
fn in_own_mounts(script: &str, args: &[&std::path::Path]) -> std::process::Output {
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            "sh",
        ])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    // Never a silent skip: a machine without namespaces fails the test
    // and says so.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.starts_with("unshare: "),
        "this test needs user and mount namespaces (unshare --user --map-root-user --mount), \
         which this machine refuses: {stderr}"
    );
    out
}

#[test]
fn a_full_disk_during_export_keeps_the_old_file_and_leaves_no_temporary() {
    let env = Env::new();
    fill(&env, 3_000);
    let full = env.path("full");
    std::fs::create_dir(&full).unwrap();
    // A private mount namespace with a 64 KiB tmpfs as the output folder;
    // the export (about 250 KiB) cannot fit.
    let script = r#"
        set -e
        mount -t tmpfs -o size=64k tmpfs "$1"
        printf 'old export\n' > "$1/export.csv"
        set +e
        "$2" --db "$3" --now "$4" export --output "$1/export.csv" 2>"$1.stderr"
        echo "rc=$?"
        cat "$1/export.csv"
        ls -A "$1"
    "#;
    let out = in_own_mounts(script, &[&full, bin().as_ref(), &env.db, NOW.as_ref()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout, "rc=5\nold export\nexport.csv\n");
    let stderr = std::fs::read_to_string(env.path("full.stderr")).unwrap();
    assert!(stderr.starts_with("error: cannot write "), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
}

/// Every command, each of which must refuse a damaged file.
const COMMANDS: &[&[&str]] = &[
    &["status"],
    &["export"],
    &["pins"],
    &["check", "1000001", "0049301234567"],
    &["dial", "1000001", "0049301234567"],
    &["enable", "--all", "--duration", "5m"],
    &["ext", "add", "555"],
    &["init"],
];

fn assert_refused(env: &Env, bytes: &[u8], commands: &[&[&str]], what: &str) {
    std::fs::write(&env.db, bytes).unwrap();
    for args in commands {
        let out = env.cmd().args(*args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(4),
            "{what}: {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{what}: {args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("error: "), "{what}: {stderr}");
        assert!(
            std::fs::read(&env.db).unwrap() == bytes,
            "{what}: {args:?} changed the file"
        );
    }
}

#[test]
fn damaged_database_files_exit_4_and_stay_byte_identical() {
    crate::sqlite_only!();
    let env = Env::new();
    fill(&env, 2_000);
    // Nothing waits in the WAL: the file is the whole database.
    env.cmd().arg("status").assert().success();
    let good = std::fs::read(&env.db).unwrap();
    let page = 4096;
    assert!(good.len() > 20 * page, "{}", good.len());

    assert_refused(&env, &[], &COMMANDS[..7], "zero-length");
    assert_refused(
        &env,
        &good[..good.len() / 2 / page * page],
        COMMANDS,
        "truncated at a page",
    );
    assert_refused(
        &env,
        &good[..good.len() - 100],
        COMMANDS,
        "truncated mid-page",
    );
    assert_refused(&env, &good[..50], COMMANDS, "truncated in the header");
    let flipped = |offset: usize| {
        let mut b = good.clone();
        b[offset] ^= 0xff;
        b
    };
    assert_refused(&env, &flipped(0), COMMANDS, "flipped magic");
    assert_refused(&env, &flipped(16), COMMANDS, "flipped page size");
    assert_refused(&env, &flipped(100), COMMANDS, "flipped schema page type");
    // The extensions table's root page: every command that reads extensions.
    assert_refused(
        &env,
        &flipped(page),
        &COMMANDS[..5],
        "flipped table root page",
    );

    // The good file still works, so the refusals were about the damage.
    std::fs::write(&env.db, &good).unwrap();
    env.cmd().args(["check", "1000001", "911"]).assert().code(0);
}

#[test]
fn two_writers_that_read_then_write_at_once_lose_nothing() {
    let env = Env::new();
    env.add_protected("100", "4826", "5m");
    for round in 0..10 {
        let spawn = |column: &str, value: String| {
            let mut child = Command::new(bin())
                .arg("--db")
                .arg(&env.db)
                .args([
                    "--now", NOW, "-q", "import", "-", "--format", "csv", "--update",
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            let text = format!("extension,{column}\n100,{value}\n");
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
            child
        };
        let a = spawn("first_name", format!("First{round}"));
        let b = spawn("last_name", format!("Last{round}"));
        let c = spawn("pin_protect_duration_s", format!("{}", 60 + round));
        for child in [a, b, c] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let v = json(&env.stdout(&["ext", "show", "100", "--format", "json"]));
        assert_eq!(v["first_name"], format!("First{round}"));
        assert_eq!(v["last_name"], format!("Last{round}"));
        assert_eq!(v["pin_protect_duration_s"], 60 + round);
    }
    // Settings too: two keys set at once both stick.
    let mut children: Vec<_> = [("lockout_attempts", "7"), ("outbound_prefix", "0")]
        .into_iter()
        .map(|(k, v)| {
            Command::new(bin())
                .arg("--db")
                .arg(&env.db)
                .args(["-q", "settings", "set", k, v])
                .stdin(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in &mut children {
        assert!(child.wait().unwrap().success());
    }
    let s = json(&env.stdout(&["settings", "show", "--format", "json"]));
    assert_eq!(
        (&s["lockout_attempts"], &s["outbound_prefix"]),
        (&7.into(), &"0".into())
    );
}

/// A database on a full disk: every command says that the disk is full,
/// with a hint, and changes nothing; an emergency number is still
/// permitted; once there is space again, all works.
#[test]
fn a_full_disk_under_the_database_is_named_as_such() {
    crate::sqlite_only!();
    let env = Env::new();
    env.add_protected("201", "4826", "60");
    let full = env.path("full");
    std::fs::create_dir(&full).unwrap();
    let script = r#"
        set -e
        mount -t tmpfs -o size=1m tmpfs "$1"
        cp "$3" "$1/pbx.sqlite3"
        dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true
        set +e
        n=0
        for args in "disable 201" "check 201 112" "check 201 0049301234567" "status" "dial 201 7777"; do
            n=$((n + 1))
            echo 4826 | "$2" --db "$1/pbx.sqlite3" $args >/dev/null 2>"$4.$n"
            echo "rc=$?"
        done
        rm "$1/filler"
        "$2" --db "$1/pbx.sqlite3" disable 201 2>/dev/null
        echo "rc=$?"
    "#;
    let out = in_own_mounts(
        script,
        &[&full, bin().as_ref(), &env.db, &env.path("stderr")],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "rc=4\nrc=0\nrc=4\nrc=4\nrc=4\nrc=0\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = |n: u32| std::fs::read_to_string(env.path(&format!("stderr.{n}"))).unwrap();
    for n in [1, 3, 4, 5] {
        let text = stderr(n);
        assert!(
            text.contains("/pbx.sqlite3: the disk is full\n"),
            "{n}: {text}"
        );
        assert!(
            text.contains("hint: nothing was changed; free some space on the file system of "),
            "{n}: {text}"
        );
        assert!(!text.contains("disk I/O error"), "{n}: {text}");
    }
    assert!(
        stderr(2).contains(
            "the disk is full; 112 is a built-in emergency number, so the call is permitted"
        ),
        "{}",
        stderr(2)
    );
}

/// `cmd` in a debug build told to panic at `place`.
fn panicking(mut cmd: assert_cmd::Command, place: &str) -> assert_cmd::assert::Assert {
    cmd.env("PINPROTECT_TEST_PANIC", place)
        .env("RUST_BACKTRACE", "1")
        .assert()
}

#[test]
fn a_bug_is_one_line_and_exit_70_never_an_abort_and_its_change_is_rolled_back() {
    let env = Env::new();
    env.add("100", "4826");
    let before = env.stdout(&["ext", "list", "--format", "csv"]);
    for (args, place) in [
        (&["status"][..], "command"),
        (&["ext", "add", "300"][..], "commit"),
    ] {
        let mut cmd = env.cmd();
        cmd.args(args).current_dir(env.dir.path());
        let out = panicking(cmd, place).code(70).stdout("");
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("pinprotect: internal error: PINPROTECT_TEST_PANIC at ")
                && stderr.ends_with("; please report it\n"),
            "{stderr}"
        );
        // No core file, no backtrace, nothing about aborting.
        assert!(
            !stderr.contains("backtrace") && !stderr.contains("abort"),
            "{stderr}"
        );
        assert!(!env.dir.path().join("core").exists());
    }
    // The extension added in the transaction that panicked is not there.
    assert_eq!(env.stdout(&["ext", "list", "--format", "csv"]), before);
    env.cmd().args(["ext", "show", "300"]).assert().code(3);
}

#[test]
fn a_bug_in_one_call_ends_that_call_and_serve_goes_on() {
    let env = crate::test_agi::pbx();
    let mut command = env.std_real_clock();
    command.env("PINPROTECT_TEST_PANIC", "call");
    let server = crate::test_agi::Server::spawn(command, &[]);
    for _ in 0..3 {
        let call = server.call("check", &["202", "0049301234567"], &[]);
        assert_eq!(call.var("PINPROTECT_RESULT"), "error");
    }
    let (code, lines) = server.stop();
    assert_eq!(code, 0, "{lines:?}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("ended by an internal error"))
            .count(),
        3,
        "{lines:?}"
    );
}

#[test]
fn a_failed_read_of_standard_input_is_an_input_error_not_an_output_one() {
    let env = Env::new();
    env.add_protected("201", "4826", "60");
    // Standard input is a folder: reading it fails (EISDIR).
    for args in [
        &["dial", "201", "7777"][..],
        &["import", "-"][..],
        &["ext", "add", "300", "--pin-stdin"][..],
    ] {
        let out = env
            .std_cmd()
            .args(args)
            .stdin(std::fs::File::open(env.dir.path()).unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{args:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains("error: cannot read standard input"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("standard output"), "{args:?}: {stderr}");
    }
}
